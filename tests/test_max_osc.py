"""Every OSC message the device can send is one the daemon's dispatcher accepts, with matching types.

The device side is read from the patcher (``oscpaths``); the daemon side from ``bridge.osc_spec``,
the table its dispatcher validates against. Neither side is a copied list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bridge import osc_spec
from bridge.config import DEFAULT_OSC_PORT
from max_patches.device import DAEMON_PORT
from max_patches.messages import DeviceMessages, evaluate_expr
from max_patches.oscpaths import PathError, listened_addresses, sent_paths

MAXPAT = Path(__file__).resolve().parents[1] / "max_patches" / "StyleVAE.maxpat"


@pytest.fixture(scope="module")
def patcher() -> dict:
    return json.loads(MAXPAT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def paths(patcher):
    return sent_paths(patcher)[0]


def entry(address: str) -> osc_spec.Entry:
    return next(e for e in osc_spec.SPEC if e.address == address)


def test_the_device_sends_something(paths):
    assert len(paths) >= 10


@pytest.mark.parametrize("voice", [1, 7, osc_spec.MAX_VOICES])
@pytest.mark.parametrize("styles", [1, 3, 16])
def test_every_address_and_type_tags_are_accepted(paths, voice, styles):
    for path in paths:
        address, tags = path.concrete(voice), path.tags(styles)
        assert osc_spec.accepts(address, tags), f"daemon refuses {address} ,{tags} (box {path.box_id})"


def test_the_device_covers_the_daemon_controls_it_shows(paths):
    sent = {p.address for p in paths}
    wanted = {"hello", "ping", "styles", "transport", "tempo"}
    per_voice = {"play", "style", "mix", "temperature", "variation", "density", "channel", "octave", "velocity",
                 "hold", "reseed"}
    assert {f"{osc_spec.PREFIX}/{c}" for c in wanted} | {f"{osc_spec.PREFIX}/<v>/{c}" for c in per_voice} <= sent


def test_control_ranges_fit_the_daemon_ranges(patcher, paths):
    messages = DeviceMessages(patcher)
    for path in paths:
        if len(path.typetags) != 1 or not path.controls or path.address == f"{osc_spec.PREFIX}/hello":
            continue
        valueof = messages.parameter(path.controls[0])
        arg = entry(path.address).args[0]
        if arg.low is None or valueof["parameter_type"] == 2:
            continue
        assert arg.low <= valueof["parameter_mmin"] and valueof["parameter_mmax"] <= arg.high, path.address


def test_control_defaults_match_the_daemon_defaults(patcher):
    messages = DeviceMessages(patcher)
    for longname, command in [("Temperature", "temperature"), ("Variation", "variation"), ("Density", "density"),
                              ("Octave", "octave"), ("Velocity", "velocity"), ("Hold", "hold"), ("Play", "play")]:
        initial = messages.parameter(longname)["parameter_initial"][0]
        assert initial == float(entry(f"{osc_spec.PREFIX}/<v>/{command}").default), longname


def test_the_device_listens_for_the_replies_the_daemon_sends(patcher):
    replies = {address for address, _, _ in osc_spec.REPLIES}
    heard = listened_addresses(patcher)
    assert set(heard) <= replies
    assert {f"{osc_spec.PREFIX}/pong", f"{osc_spec.PREFIX}/styles", f"{osc_spec.PREFIX}/<v>/note"} <= set(heard)


def test_note_replies_carry_what_the_device_unpacks(patcher):
    note = next(sig for address, sig, _ in osc_spec.REPLIES if address.endswith("/note"))
    tags = "".join(word[0] for word in note.split())
    unpack = [b["box"]["text"] for b in patcher["patcher"]["boxes"] if b["box"].get("text", "").startswith("unpack")]
    assert len(unpack) == 1
    kinds = "".join("f" if "." in a else "i" for a in unpack[0].split()[1:])
    assert kinds == tags


def test_the_device_defaults_to_the_daemon_port():
    assert DAEMON_PORT == DEFAULT_OSC_PORT


def test_the_mix_weights_come_from_the_patch_expr(patcher):
    messages = DeviceMessages(patcher)
    assert messages.mix(4, 1, 3, 0.25).args == (0.0, 0.75, 0.0, 0.25)
    assert messages.mix(3, 2, 2, 0.6).args == (0.0, 0.0, 1.0)
    assert all(osc_spec.accepts(m.address, "f" * len(m.args)) for m in [messages.mix(5, 0, 4, 1.0)])


def test_a_session_is_accepted_message_by_message(patcher):
    for message in DeviceMessages(patcher).session(reply_port=9999, styles=3, beats=8):
        tags = "".join({int: "i", float: "f", str: "s"}[type(a)] for a in message.args)
        assert osc_spec.accepts(message.address, tags), message


def test_expr_evaluation_refuses_anything_but_arithmetic():
    assert evaluate_expr("($i1 == $i2) * 2.", (3, 3)) == 2.0
    with pytest.raises(ValueError):
        evaluate_expr("__import__('os')", ())


def test_an_untyped_path_is_an_error():
    def box(i, text, numinlets, outlettype):
        return {"box": {"id": i, "maxclass": "newobj", "text": text, "numinlets": numinlets,
                        "numoutlets": len(outlettype), "outlettype": outlettype}}

    def line(src, dst):
        return {"patchline": {"source": [src, 0], "destination": [dst, 0]}}

    patcher = {"patcher": {
        "boxes": [box("a", "t l", 1, [""]), box("b", "prepend /stylevae/tempo", 1, [""]),
                  box("c", "udpsend 127.0.0.1 9400", 1, [])],
        "lines": [line("a", "b"), line("b", "c")],
    }}
    with pytest.raises(PathError):
        sent_paths(patcher)
