#!/usr/bin/env python3
"""Which Python builds the virtual environment: one that pyproject.toml's requires-python admits.

A Python newer than the last one with wheels for every dependency would make pip build python-rtmidi from source,
which needs a compiler most users lack (docs/platforms.md): the install would end in pages of compiler errors,
after minutes of downloading torch. Homebrew and python.org install the newest Python as `python3`, often beside an
older one that fits, so `make` looks for one that fits first, and says in one line what to install when none does.
Stdlib only, and no tomllib (3.11+): any python3 runs it, before there is a virtual environment.

    scripts/python-check.py --pick python3.12 python3.11 python3.10 python3   # prints the first that fits
    scripts/python-check.py --check python3                                   # silent when it fits, else one line
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def admitted_range(text: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(lowest, first refused) minor versions from requires-python = ">=3.X,<3.Y"."""
    found = re.search(r'^requires-python\s*=\s*"\s*>=\s*(\d+)\.(\d+)\s*,\s*<\s*(\d+)\.(\d+)\s*"', text, re.M)
    if not found:
        raise ValueError('pyproject.toml: requires-python is not of the form ">=3.X,<3.Y"')
    a, b, c, d = map(int, found.groups())
    return (a, b), (c, d)


def version_of(python: str) -> tuple[int, int] | None:
    """The interpreter's (major, minor), or None where there is no such command or it does not run."""
    if shutil.which(python) is None:
        return None
    try:
        out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    try:
        major, minor = map(int, out.stdout.split())
    except ValueError:
        return None
    return major, minor


def advice(python: str, version: tuple[int, int] | None, low: tuple[int, int], high: tuple[int, int],
           system: str = sys.platform) -> str:
    """One line: what is wrong with this Python and what to install instead."""
    last = f"{high[0]}.{high[1] - 1}"
    span = f"{low[0]}.{low[1]}–{last}"
    if version is None:
        found = f"no working {python}"
    else:
        found = f"{python} is Python {version[0]}.{version[1]}"
        if version >= high:
            found += " (a dependency has no wheel for it there: docs/platforms.md)"
    if system == "darwin":
        get = f"brew install python@{last}"
    elif system == "win32":
        get = f"install Python {last} from python.org"
    else:
        get = f"install your distribution's python{last} (or: uv python install {last})"
    return f"{found}; this project needs Python {span}: {get}, then run make again with PYTHON=python{last}"


def main(argv: list[str]) -> int:
    low, high = admitted_range(PYPROJECT.read_text(encoding="utf-8"))
    if not (len(argv) >= 2 and argv[0] == "--pick" or len(argv) == 2 and argv[0] == "--check"):
        print("usage: python-check.py --pick PYTHON... | --check PYTHON", file=sys.stderr)
        return 2
    for python in argv[1:]:  # --check: the one given
        version = version_of(python)
        if version is not None and low <= version < high:
            if argv[0] == "--pick":
                print(python)
            return 0
    print(advice(argv[-1], version, low, high), file=sys.stderr)  # the last one asked, by either
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
