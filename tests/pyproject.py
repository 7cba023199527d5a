"""pyproject.toml, read once for the tests that hold the set-up to it: with tomllib from Python 3.11, and before it
with tomli (the test extra installs it there), the same parser before it joined the standard library."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PYPROJECT = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
