"""The .amxd container both ways, the reproducible build and the committed files being current."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess

import matplotlib.image
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stylevae.max_patches import build
from stylevae.max_patches.amxd import (
    MIDI_EFFECT,
    AmxdError,
    Chunk,
    amxdtype,
    decode_chunks,
    decode_device,
    encode_chunks,
    encode_device,
)
from stylevae.max_patches.device import DEVICE_HEIGHT


def small_patcher(device_type: bytes = MIDI_EFFECT) -> str:
    return json.dumps({"patcher": {"boxes": [], "lines": [], "project": {"amxdtype": amxdtype(device_type)}}})


def test_the_committed_device_is_current():
    assert build.stale() == []


def test_the_committed_amxd_reads_back_to_the_committed_patcher():
    device = decode_device(build.AMXD.read_bytes())
    assert device.device_type == MIDI_EFFECT
    assert device.meta == bytes(4)
    assert device.extra == []
    assert device.patcher == json.loads(build.MAXPAT.read_bytes())


def test_the_layout_is_the_documented_one():
    data = build.AMXD.read_bytes()
    assert data[:12] == b"ampf" + struct.pack("<I", 4) + b"mmmm"
    assert data[12:24] == b"meta" + struct.pack("<I", 4) + bytes(4)
    tag, size = struct.unpack_from("<4sI", data, 24)
    assert tag == b"ptch" and 32 + size == len(data)
    assert data[-1:] == b"\0" and data[32:-1] == build.MAXPAT.read_bytes()


def test_check_mode_fails_on_a_stale_file(tmp_path):
    maxpat, amxd = tmp_path / "StyleVAE.maxpat", tmp_path / "StyleVAE.amxd"
    build.build(maxpat, amxd, tmp_path / "device.png")
    assert build.stale(maxpat, amxd) == []
    amxd.write_bytes(amxd.read_bytes()[:-1] + b" ")
    assert build.stale(maxpat, amxd) == [f"{amxd.name} was not built from the current source"]
    maxpat.write_text(maxpat.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert len(build.stale(maxpat, amxd)) == 2


def test_the_patcher_is_written_with_lf_and_one_with_crlf_is_stale(tmp_path):
    """Written in text mode, Windows put CRLF in the .maxpat, then no longer the bytes the .amxd embeds; the check,
    reading text, did not see it."""
    maxpat, amxd = tmp_path / "StyleVAE.maxpat", tmp_path / "StyleVAE.amxd"
    build.build(maxpat, amxd, tmp_path / "device.png")
    written = maxpat.read_bytes()
    assert b"\r\n" not in written and amxd.read_bytes()[32:-1] == written
    maxpat.write_bytes(written.replace(b"\n", b"\r\n"))
    assert build.stale(maxpat, amxd) == [f"{maxpat.name} does not match max_patches/device.py"]


def test_main_check_returns_zero_on_the_committed_files():
    assert build.main(["--check"]) == 0


def test_builds_are_byte_for_byte_reproducible(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
        build.build(folder / "d.maxpat", folder / "d.amxd", folder / "d.png")
    for name in ("d.maxpat", "d.amxd", "d.png"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_picture_is_the_device_strip_to_scale(tmp_path):
    build.build(tmp_path / "d.maxpat", tmp_path / "d.amxd", tmp_path / "d.png")
    height, width, _ = matplotlib.image.imread(tmp_path / "d.png").shape
    patcher = json.loads((tmp_path / "d.maxpat").read_bytes())
    assert (width, height) == (round(patcher["patcher"]["devicewidth"] * 2), round(DEVICE_HEIGHT * 2))


@given(st.lists(st.tuples(st.binary(min_size=4, max_size=4), st.binary(max_size=64)), max_size=6))
def test_chunks_round_trip(pairs):
    chunks = [Chunk(tag, payload) for tag, payload in pairs]
    assert decode_chunks(encode_chunks(chunks)) == chunks


def test_device_round_trip_keeps_unknown_chunks():
    text = small_patcher()
    data = encode_device(text) + encode_chunks([Chunk(b"anno", b"hi\0")])
    device = decode_device(data)
    assert device.patcher == json.loads(text)
    assert device.extra == [Chunk(b"anno", b"hi\0")]


@pytest.mark.parametrize(
    "data",
    [b"", b"ampf\x04\x00\x00\x00mm", b"meta\x04\x00\x00\x00\x00\x00\x00\x00", b"ampf\x04\x00\x00\x00mmmm",
     b"ampf\x04\x00\x00\x00mmmmptch\x02\x00\x00\x00{}"],
)
def test_malformed_devices_are_refused(data):
    with pytest.raises(AmxdError):
        decode_device(data)


def test_the_container_and_the_patcher_must_agree_on_the_device_type():
    with pytest.raises(AmxdError):
        encode_device(small_patcher(b"aaaa"), MIDI_EFFECT)
    with pytest.raises(AmxdError):
        encode_device(small_patcher(), b"xxxx")


@pytest.mark.skipif(not (build.MAXPAT.parents[1] / ".git").exists() or shutil.which("git") is None,
                    reason="a git checkout's attributes")
def test_a_checkout_on_any_system_keeps_the_patcher_the_bytes_the_device_embeds():
    """Git for Windows checks text out with CRLF unless told otherwise: the .maxpat would then differ from the JSON
    inside the .amxd, and the builder's --check fail, on a fresh clone."""
    root = build.MAXPAT.parents[1]
    told = subprocess.run(["git", "check-attr", "eol", "text", "--", str(build.MAXPAT.relative_to(root)),
                           str(build.AMXD.relative_to(root))], cwd=root, capture_output=True, text=True, check=True)
    assert told.stdout.splitlines() == [
        "max_patches/StyleVAE.maxpat: eol: lf", "max_patches/StyleVAE.maxpat: text: auto",
        "max_patches/StyleVAE.amxd: eol: lf", "max_patches/StyleVAE.amxd: text: unset"]
