"""`stylevae sample`: MIDI files for a style, a mix and a restyled file; bad input gives one line and exit 2."""

import subprocess
import sys

import mido
import pytest

from stylevae.bridge.cli import main
from stylevae.model.data.midi_io import midi_to_melody, write_midi
from stylevae.model.data.tokens import Note


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["sample", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_style_gives_count_midi_files_reproducibly(random_checkpoint, tmp_path, capsys):
    argv = [f"--model={random_checkpoint}", "--style=a", "--count=3", "--seed=7", "--bpm=90"]
    code, out, err = run(capsys, *argv, f"--out={tmp_path / 'one'}")
    assert code == 0, err
    files = sorted((tmp_path / "one").glob("*.mid"))
    assert [f.name for f in files] == ["a_01.mid", "a_02.mid", "a_03.mid"]
    assert out.split() == [str(f) for f in files]
    midi = mido.MidiFile(str(files[0]))
    tempo = next(m.tempo for m in midi.tracks[0] if m.type == "set_tempo")
    assert mido.tempo2bpm(tempo) == pytest.approx(90)
    assert all(n.end <= 32 for f in files for n in midi_to_melody(f))
    assert run(capsys, *argv, f"--out={tmp_path / 'two'}")[0] == 0
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in sorted((tmp_path / "two").glob("*.mid"))]


def test_a_mix_of_styles(random_checkpoint, tmp_path, capsys):
    code, _, err = run(capsys, f"--model={random_checkpoint}", "--style=a:0.7,c:0.3", "--count=2", "--seed=1",
                       f"--out={tmp_path}", "--temperature=0.8")
    assert code == 0, err
    assert sorted(f.name for f in tmp_path.glob("*.mid")) == ["a0.7-c0.3_01.mid", "a0.7-c0.3_02.mid"]


def test_restyle_keeps_the_length_of_the_input(random_checkpoint, tmp_path, capsys):
    source = tmp_path / "tune.mid"
    write_midi(source, [Note(60 + i % 7, 4 * i, 4 * i + 3) for i in range(20)])  # 80 steps: 3 phrases of 32
    code, _, err = run(capsys, f"--model={random_checkpoint}", f"--restyle={source}", "--style=b", "--count=2",
                       "--seed=3", f"--out={tmp_path / 'out'}")
    assert code == 0, err
    files = sorted((tmp_path / "out").glob("*.mid"))
    assert [f.name for f in files] == ["tune_as_b_01.mid", "tune_as_b_02.mid"]
    for f in files:
        assert max(n.end for n in midi_to_melody(f)) <= 96


def test_list_styles(random_checkpoint, capsys):
    code, out, _ = run(capsys, f"--model={random_checkpoint}", "--list-styles")
    assert code == 0 and out.split() == ["a", "b", "c"]


def _garbage(tmp_path):
    path = tmp_path / "garbage.mid"
    path.write_bytes(b"not a midi file at all")
    return path


def _out_of_range(tmp_path):
    path = tmp_path / "low.mid"
    write_midi(path, [Note(10, 0, 4)])
    return path


def _empty(tmp_path):
    path = tmp_path / "empty.mid"
    write_midi(path, [])
    return path


@pytest.mark.parametrize(
    "args, message",
    [
        (["--style=zzz"], "unknown style 'zzz'; styles are: a, b, c"),
        (["--style=a:0,b:0"], "sum to a positive number; styles are: a, b, c"),
        (["--style=a:x"], "cannot read the mix"),
        ([], "--style is required: one of a, b, c"),
        (["--style=a", "--temperature=0"], "temperature must be a positive number"),
        (["--style=a", "--temperature=-1"], "temperature must be a positive number"),
        (["--style=a", "--temperature=nan"], "temperature must be a positive number"),
        (["--style=a", "--count=0"], "--count must be at least 1"),
        (["--style=a", "--bpm=0"], "--bpm must be between 20 and 400"),
    ],
)
def test_bad_input_is_one_line_listing_what_is_allowed(random_checkpoint, tmp_path, capsys, args, message):
    code, _, err = run(capsys, f"--model={random_checkpoint}", f"--out={tmp_path}", *args)
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.glob("*.mid"))


@pytest.mark.parametrize(
    "make, message",
    [(_garbage, "unreadable MIDI"), (_out_of_range, "outside the model's range 21..108"), (_empty, "no notes")],
)
def test_bad_midi_to_restyle(random_checkpoint, tmp_path, capsys, make, message):
    code, _, err = run(capsys, f"--model={random_checkpoint}", f"--restyle={make(tmp_path)}", "--style=a",
                       f"--out={tmp_path / 'out'}")
    assert code == 2 and message in err and err.count("\n") == 1


def test_missing_midi_file(random_checkpoint, tmp_path, capsys):
    code, _, err = run(capsys, f"--model={random_checkpoint}", f"--restyle={tmp_path / 'nope.mid'}", "--style=a")
    assert code == 2 and "nope.mid: unreadable MIDI" in err


def test_a_bad_checkpoint(tmp_path, capsys):
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "weights.safetensors").write_bytes(b"")
    code, _, err = run(capsys, f"--model={tmp_path}", "--style=a")
    assert code == 2 and "not valid JSON" in err and err.count("\n") == 1
    code, _, err = run(capsys, f"--model={tmp_path / 'missing'}", "--style=a")
    assert code == 2 and "no such checkpoint folder" in err


def test_the_real_command_exits_2_without_a_traceback(random_checkpoint, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "stylevae.bridge.cli", "sample", f"--model={random_checkpoint}", "--style=nope",
         f"--out={tmp_path}"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("stylevae sample: error: unknown style 'nope'") and "Traceback" not in result.stderr
    assert len(lines) == 2 and "a checkpoint from before keys" in lines[0]  # the old checkpoint says so, in one line
