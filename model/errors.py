"""The error every command of the project raises for a mistake the user can fix: the command line prints it as
one line, with no traceback. Here, not in a command-line module, so the daemon and the model's commands can
share it without importing each other's front ends. With it, the checks of where a command will write: made
before any long work (a data set's build, a training run, the demo's tour), so that a path that cannot be written
is said at once, not as a traceback after the work is done and lost. And the range of a seed."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

# Seeds run 0..MAX_SEED, from the command line as over OSC (an int32 there): NumPy's generators take no negative
# seed, and torch's take these too
MAX_SEED = 2**31 - 1


class UserError(Exception):
    """An error the user can fix; printed as one line, no traceback."""


def output_folder(path: Path, writing: Path | None = None) -> Path:
    """``path`` made (with its parents) if it is not there, and writable, or a one-line error saying why not, in
    the words of what the user asked to write (``writing``, a file in it, or the folder itself)."""
    asked = writing or path
    blocking = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise UserError(f"cannot write {asked}: {'it' if blocking == asked else blocking} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # no permission, a read-only or full disk
        raise UserError(f"cannot write {asked}: {exc.strerror} ({exc.filename or path})") from None
    try:  # tried, not asked of os.access: on Windows that reads only the read-only flag, and says yes for a folder
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise UserError(f"cannot write {asked}: the folder {path} is not writable ({exc.strerror})") from None
    return path


def output_file(path: Path) -> Path:
    """``path`` a file can be written at: its folder made and writable, not itself a folder, and, if it is there,
    open to writing: opened for appending and closed again, unchanged (on Windows a file another program holds,
    a player playing the last tour, refuses that)."""
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a folder; give a file name")
    output_folder(path.parent, path)
    if path.exists():
        try:  # no O_CREAT: a file gone meanwhile is not made here
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise UserError(f"cannot write {path}: {exc.strerror} (read-only, or held by another program)") from None
    return path


def seed(text: str) -> int:
    """argparse's type for ``--seed``: a whole number within 0..MAX_SEED (NumPy refuses a negative one with a
    traceback, at the first phrase, which in the daemon was its start)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{value} is not within 0..{MAX_SEED}")
    return value
