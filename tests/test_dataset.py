"""Ingestion of MIDI folders (corrupt files included), the split, the cache and the report."""

import json
import os

import mido
import numpy as np
import pytest

from stylevae.bridge.cli import main
from stylevae.model.data import dataset
from stylevae.model.data import report as data_report
from stylevae.model.data.corpus import REPEATS
from tests.midi_factory import STYLES, make_midi_dir


@pytest.fixture
def midi_dir(tmp_path):
    root = make_midi_dir(tmp_path / "midi", STYLES)
    (root / "fast" / "corrupt.mid").write_bytes(b"MThd\x00\x00\x00\x06garbage")
    (root / "slow" / "empty.mid").write_bytes(b"")
    (root / "slow" / "notes.txt").write_text("not MIDI, ignored by suffix", encoding="utf-8")
    return root


def test_midi_folder_builds_a_cache_and_counts_corrupt_files(midi_dir, tmp_path):
    data = dataset.build_midi_dir(midi_dir, tmp_path / "cache", workers=1)
    assert data.styles == ["fast", "slow"]
    assert data.tokens.shape[1] == 32 and len(data) == 2 * 10 * 7  # 8-bar pieces, 2-bar phrases, hop 1
    skipped = {row["source"]: row["reason"] for row in data.manifest["skipped_files"]}
    assert set(skipped) == {"fast/corrupt.mid", "slow/empty.mid"}
    assert all("unreadable MIDI" in reason for reason in skipped.values())
    loaded = dataset.load(tmp_path / "cache")
    assert np.array_equal(loaded.tokens, data.tokens) and loaded.manifest == json.loads(json.dumps(data.manifest))
    first = next(dataset.iter_provenance(loaded, [0]))
    assert first["source"].endswith(".mid") and first["bar"] == 0


def test_split_is_by_piece_stratified_and_seeded(midi_dir, tmp_path):
    data = dataset.build_midi_dir(midi_dir, tmp_path / "a", workers=1)
    again = dataset.build_midi_dir(midi_dir, tmp_path / "b", workers=2)
    assert [p["split"] for p in data.manifest["pieces"]] == [p["split"] for p in again.manifest["pieces"]]
    pieces_per_split = {name: set(data.split(name).piece.tolist()) for name in dataset.SPLITS}
    assert not pieces_per_split["train"] & pieces_per_split["test"]
    assert not pieces_per_split["train"] & pieces_per_split["valid"]
    assert not pieces_per_split["valid"] & pieces_per_split["test"]
    assert sum(len(data.split(name)) for name in dataset.SPLITS) == len(data)
    for style in range(len(data.styles)):
        for name in dataset.SPLITS:
            assert (data.split(name).style == style).any(), f"style {style} missing from {name}"


def test_report_has_a_row_per_style(midi_dir, tmp_path):
    data = dataset.build_midi_dir(midi_dir, tmp_path / "cache", workers=1)
    rows = data_report.style_stats(data)
    assert [r["style"] for r in rows] == ["fast", "slow"]
    fast, slow = rows
    assert fast["notes_per_bar"] > slow["notes_per_bar"] and fast["pitch_min"] >= 72 and slow["pitch_max"] <= 60
    assert fast["pieces_seen"] == 11 and fast["pieces_used"] == 10 and fast["skipped"] == 1
    text = data_report.render(data)
    assert "| fast |" in text and "unreadable MIDI" in text
    assert "MIDI files are read as they play" in text and fast["repeats"] == dict.fromkeys(REPEATS, 0)


def test_fewer_than_two_styles_is_an_error(tmp_path):
    root = make_midi_dir(tmp_path / "midi", {"only": (60, [2])})
    with pytest.raises(dataset.DataError, match="at least 2 styles"):
        dataset.build_midi_dir(root, tmp_path / "cache", workers=1)


def test_no_usable_phrase_is_an_error(tmp_path, capsys):
    root = tmp_path / "midi"
    for name in ("a", "b"):
        (root / name).mkdir(parents=True)
        (root / name / "bad.mid").write_bytes(b"\x00\x01")
    assert main(["data", "--midi-dir", str(root), "--out", str(tmp_path / "cache"), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert "no usable phrase" in err.splitlines()[-1] and "unreadable MIDI" in err and "Traceback" not in err
    assert not (tmp_path / "cache" / "manifest.json").exists()


def test_cli_builds_and_reports(midi_dir, tmp_path, capsys):
    out = tmp_path / "cache"
    assert main(["data", "--midi-dir", str(midi_dir), "--out", str(out), "--workers", "1"]) == 0
    assert (out / "report.md").is_file() and (out / "report.json").is_file()
    assert main(["data", "--report", "--out", str(out)]) == 0
    assert "| slow |" in capsys.readouterr().out


@pytest.mark.parametrize("flags, played", [([], True), (["--as-written"], False)])
def test_the_data_command_plays_repeats_out_unless_asked_for_them_as_written(flags, played, tmp_path, monkeypatch,
                                                                            capsys):
    seen = []

    def build(out, config, **kwargs):
        seen.append(config)
        raise dataset.DataError("nothing built here")

    monkeypatch.setattr(dataset, "build_music21", build)
    assert main(["data", f"--out={tmp_path / 'cache'}", *flags]) == 2
    assert [config.play_repeats for config in seen] == [played]
    assert capsys.readouterr().err.strip().endswith("nothing built here")


def test_missing_cache_is_a_one_line_error(tmp_path, capsys):
    assert main(["data", "--report", "--out", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err.strip()
    assert "missing" in err and "\n" not in err and "Traceback" not in err


def test_parallel_workers_keep_the_order_of_the_jobs():
    assert dataset._run_parallel(abs, list(range(0, -40, -1)), 2, "numbers") == list(range(40))


def test_a_worker_that_dies_ends_the_build_with_one_line():
    """With a plain pool the build would wait for the dead worker's pieces for ever."""
    with pytest.raises(dataset.DataError, match="^a worker reading the numbers died;.*--workers 1") as error:
        dataset._run_parallel(os._exit, [3] * 8, 2, "numbers")
    assert "\n" not in str(error.value)


def test_each_piece_records_its_written_bar_and_older_data_reads_as_the_grids(tmp_path):
    """The slow style's files rewritten in 2/4: its pieces' written bar is 2 quarter notes, the fast style's 4; each
    phrase reads its tune's. Data built before pieces recorded it reads 4, the grid's own bar."""
    root = make_midi_dir(tmp_path / "midi", STYLES, pieces=3)
    for path in (root / "slow").glob("*.mid"):
        midi = mido.MidiFile(path)
        for msg in midi.tracks[0]:
            if msg.type == "time_signature":
                msg.numerator, msg.denominator = 2, 4
        midi.save(path)
    data = dataset.build_midi_dir(root, tmp_path / "cache", workers=1)
    written = {s: {p["bar_quarters"] for p in data.manifest["pieces"] if p["style"] == s} for s in data.styles}
    assert written == {"fast": {4.0}, "slow": {2.0}}
    assert np.array_equal(data.bar_quarters, np.where(data.style == data.styles.index("slow"), 2.0, 4.0))
    text = data_report.render(data)
    assert "| fast | 4 quarters: 3 |" in text and "| slow | 2 quarters: 3 |" in text
    for piece in data.manifest["pieces"]:
        del piece["bar_quarters"]
    assert set(data.bar_quarters) == {4.0}
