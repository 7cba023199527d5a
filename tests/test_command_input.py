"""What a command is given that it cannot use is one line and exit 2, said before any long work (a data set's build,
a training run, an evaluation, the demo's tour, the daemon's start), never a traceback: where it writes, a seed, a
data set's limits."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest

from stylevae.bridge.cli import main
from stylevae.model import errors
from stylevae.model.data import dataset
from stylevae.model.errors import MAX_SEED, UserError, output_file, output_folder
from stylevae.model.evaluation import evaluate


@pytest.fixture
def a_file(tmp_path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("a file where a folder is wanted", encoding="utf-8")
    return path


def said(path: Path) -> str:
    """``path`` as a message names it, for a pattern: Windows' backslashes would be escapes in it."""
    return re.escape(str(path))


def test_a_folder_is_made_with_its_parents_and_an_existing_one_is_taken(tmp_path):
    assert output_folder(tmp_path / "a" / "b") == tmp_path / "a" / "b" and (tmp_path / "a" / "b").is_dir()
    assert output_folder(tmp_path) == tmp_path


def test_a_file_in_the_way_is_named(a_file):
    with pytest.raises(UserError, match=f"^cannot write {said(a_file)}: it is a file, not a folder$"):
        output_folder(a_file)
    deeper, wav = a_file / "x" / "y", a_file / "tour.wav"
    with pytest.raises(UserError, match=f"^cannot write {said(deeper)}: {said(a_file)} is a file, not a folder$"):
        output_folder(deeper)
    with pytest.raises(UserError, match=f"^cannot write {said(wav)}: {said(a_file)} is a file, not a folder$"):
        output_file(wav)


def test_a_folder_given_as_a_file_is_refused(tmp_path):
    with pytest.raises(UserError, match=f"^cannot write {said(tmp_path)}: it is a folder; give a file name$"):
        output_file(tmp_path)
    assert output_file(tmp_path / "new" / "tour.mid") == tmp_path / "new" / "tour.mid"
    assert (tmp_path / "new").is_dir() and not (tmp_path / "new" / "tour.mid").exists()  # only its folder is made


def test_a_folder_that_cannot_be_made_says_why(tmp_path, monkeypatch):
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "mkdir", full)
    out = said(tmp_path / "out")
    with pytest.raises(UserError, match=f"^cannot write {out}: No space left on device \\({out}\\)$"):
        output_folder(tmp_path / "out")


def test_a_folder_that_is_not_writable_says_so(tmp_path, monkeypatch):
    """Tried by making a file there: asked of os.access, Windows answers from the read-only flag alone, and for a
    folder always yes. Root may write anywhere, so the refusal is a stand-in's."""
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(errors.tempfile, "TemporaryFile", refused)
    where = said(tmp_path)
    with pytest.raises(UserError, match=f"^cannot write {where}: the folder {where} is not writable "
                                        "\\(Permission denied\\)$"):
        output_folder(tmp_path)


def test_a_file_another_program_holds_is_said_before_the_work(tmp_path, monkeypatch):
    """Windows refuses to open a file another program holds (a player playing the last tour.wav): the demo passed
    its check, played its tour, then died writing it. The file is left as it was."""
    held = tmp_path / "tour.wav"
    held.write_bytes(b"RIFF")

    real_open = os.open

    def sharing_violation(path, flags, *args, **kwargs):
        if Path(path) != held:  # the folder's own check
            return real_open(path, flags, *args, **kwargs)
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(errors.os, "open", sharing_violation)
    with pytest.raises(UserError, match=f"^cannot write {said(held)}: Permission denied \\(read-only, or held by "):
        output_file(held)
    monkeypatch.undo()
    assert output_file(held) == held and held.read_bytes() == b"RIFF"


def must_not_start(*args, **kwargs):
    raise AssertionError("the long work began before the output path was checked")


@pytest.mark.parametrize("argv", [
    ["sample", "--style=a", "--count=1", "--out={file}/samples"],
    ["data", "--out={file}/data", "--limit-per-style=1"],
    ["train", "--data={tmp}/data", "--out={file}/run", "--epochs=1"],
    ["eval", "--data={tmp}/data", "--out={file}/eval"],
    ["demo", "--midi={file}/tour.mid"],
    ["demo", "--wav={file}/tour.wav"],
])
def test_every_command_says_so_in_one_line_before_its_work(argv, a_file, tmp_path, random_checkpoint, monkeypatch,
                                                          capsys):
    monkeypatch.setattr(dataset, "build_music21", must_not_start)
    monkeypatch.setattr(dataset, "load", must_not_start)
    monkeypatch.setattr(evaluate, "evaluate", must_not_start)
    argv = [arg.format(file=a_file, tmp=tmp_path) for arg in argv]
    if argv[0] == "sample":
        argv.append(f"--model={random_checkpoint}")
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"stylevae {argv[0]}: error: cannot write {a_file}{os.sep}")  # as the system writes paths
    assert "is a file, not a folder" in err


@pytest.mark.parametrize("command", ["sample", "eval", "serve", "demo"])
@pytest.mark.parametrize("given, says", [("-1", "-1 is not within 0..2147483647"),
                                         ("2147483648", "2147483648 is not within 0..2147483647"),
                                         ("1.5", "'1.5' is not a whole number")])
def test_a_seed_numpy_would_refuse_is_one_line(command, given, says, capsys):
    """NumPy's generators take no negative seed: the daemon died at its start with a traceback."""
    with pytest.raises(SystemExit) as exit:
        main([command, f"--seed={given}"])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and err.splitlines()[-1] == f"stylevae {command}: error: argument --seed: {says}"


def test_a_seed_at_the_end_of_the_range_is_taken(random_checkpoint, tmp_path, capsys):
    assert main(["sample", "--style=a", "--count=1", f"--seed={MAX_SEED}", f"--model={random_checkpoint}",
                 f"--out={tmp_path}"]) == 0


@pytest.mark.parametrize("flag", ["--limit-per-style=0", "--limit-per-style=-3", "--workers=0", "--bars=0", "--hop=0"])
def test_a_data_set_limit_below_one_is_one_line(flag, tmp_path, monkeypatch, capsys):
    """--limit-per-style 0 built the whole corpus (some 20 minutes), -3 all but each style's last 3 pieces."""
    monkeypatch.setattr(dataset, "build_music21", must_not_start)
    code = main(["data", flag, f"--out={tmp_path}"])
    name, value = flag.split("=")
    assert code == 2 and capsys.readouterr().err == f"stylevae data: error: {name} must be at least 1, got {value}\n"
