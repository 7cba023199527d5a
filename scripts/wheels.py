"""Does `pip install .` find a wheel for every dependency, on each system Live users have, for each Python?

A dependency with no wheel for a user's system and Python is built from source there, which needs a compiler and
headers most users do not have (Visual Studio on Windows): the install then ends in pages of compiler errors. Which
wheels a package ships changes with its releases, and nothing on this project's Linux machines shows it. So this
resolves pyproject.toml's dependencies for each system and Python with uv, binaries only, and writes what each gets,
or what has no wheel there, to docs/platforms.md and docs/platforms.json; a test checks that pyproject.toml's
requires-python admits only Pythons that resolve on every system the project supports, and that the report is of
the dependencies pyproject.toml lists now.

uv, not pip: pip's --platform picks wheels for another system but evaluates the environment markers (``sys_platform
== 'darwin'``) for the machine it runs on, so a marker meant for Intel Macs is never applied. uv's --python-platform
evaluates them for the target.

    pip install uv && python scripts/wheels.py          # 32 s here: PyPI's metadata, no wheel is downloaded
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, before it joined the standard library
    import tomli as tomllib

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "platforms.json"
TABLE = ROOT / "docs" / "platforms.md"

# (name, uv's target, supported): Live runs on macOS and Windows; the daemon also on Linux (JACK, ALSA). Windows on
# Arm and Linux on Arm are listed for what they would get, not promised.
TARGETS = [
    ("macOS, Apple silicon", "aarch64-apple-darwin", True),
    ("macOS, Intel", "x86_64-apple-darwin", True),
    ("Windows, x64", "x86_64-pc-windows-msvc", True),
    ("Linux, x86-64", "x86_64-unknown-linux-gnu", True),
    ("Windows on Arm", "aarch64-pc-windows-msvc", False),
    ("Linux, Arm64", "aarch64-unknown-linux-gnu", False),
]
PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]
# the packages a cell names: the ones whose wheels decide (compiled, and pinned by one another)
SHOWN = ["torch", "numpy", "numba", "python-rtmidi"]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)", re.M)
NO_WHEEL = re.compile(r"Because (?:only )?([A-Za-z0-9_.-]+)[^\n]*? has no (?:usable )?wheels")


@dataclass
class Cell:
    """One system and Python: the versions resolved, or why there are none."""

    target: str
    python: str
    pins: dict[str, str]
    missing: str = ""  # the package with no wheel there (empty when it resolved)
    reason: str = ""  # uv's first line of why, when it did not

    @property
    def resolved(self) -> bool:
        return not self.reason


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def parse(target: str, python: str, returncode: int, output: str) -> Cell:
    """uv's answer as a cell: its pins when it resolved, else the package it names as having no wheel."""
    if returncode == 0:
        return Cell(target, python, {name.lower(): version for name, version in PIN.findall(output)})
    found = NO_WHEEL.search(output)
    cause = next((line.strip() for line in output.splitlines() if "cause:" in line or "Because" in line),
                 output.strip().splitlines()[-1] if output.strip() else f"uv exited {returncode}")
    return Cell(target, python, {}, found.group(1).lower() if found else "", cause.removeprefix("cause: "))


def resolve(uv: str, dependencies: list[str], target: str, python: str) -> Cell:
    with tempfile.TemporaryDirectory() as folder:
        wanted = Path(folder) / "requirements.in"
        wanted.write_text("\n".join(dependencies) + "\n", encoding="utf-8")
        # never fetch an interpreter: a resolution for another system needs none
        env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
        result = subprocess.run([uv, "pip", "compile", str(wanted), "--python-platform", target, "--python-version",
                                 python, "--only-binary", ":all:", "--no-header", "--no-annotate", "--native-tls",
                                 "--quiet"], capture_output=True, text=True, env=env, timeout=600)
    return parse(target, python, result.returncode, result.stdout + result.stderr)


def cell_text(cell: Cell) -> str:
    if not cell.resolved:
        return f"**no wheel: {cell.missing}**" if cell.missing else f"**fails**: {cell.reason}"
    return ", ".join(f"{name} {cell.pins[name]}" for name in SHOWN if name in cell.pins)


def table(cells: list[Cell], requires: str, dependencies: list[str], day: str) -> str:
    admitted = SpecifierSet(requires)
    by = {(c.target, c.python): c for c in cells}
    pythons = sorted({c.python for c in cells}, key=lambda v: tuple(map(int, v.split("."))))
    lines = [
        "# Wheels for every dependency, per system and Python",
        "",
        f"Made by `python scripts/wheels.py` on {day} (uv resolving pyproject.toml's dependencies for each system,",
        "binaries only, against PyPI as it was that day). A cell names the versions `pip install .` gets there;",
        "**no wheel** names the dependency that pip would have to build from source, which needs a compiler most",
        f"users lack. pyproject.toml's requires-python is `{requires}`: the Pythons marked ✓ are admitted, the",
        "others refused by pip in one line.",
        "",
        "| system | " + " | ".join(f"Python {p} {'✓' if p in admitted else '✗'}" for p in pythons) + " |",
        "|---|" + "---|" * len(pythons),
    ]
    for name, target, supported in TARGETS:
        row = [cell_text(by[target, p]) if (target, p) in by else "not run" for p in pythons]
        lines.append(f"| {name}{'' if supported else ' (not supported)'} | " + " | ".join(row) + " |")
    lines += ["", "Dependencies resolved (pyproject.toml):", "", *(f"- `{d}`" for d in dependencies), ""]
    return "\n".join(lines)


def unsupported_admitted(report: dict) -> list[str]:
    """The admitted Pythons with a supported system that cannot install from wheels: each one a user who meets
    requires-python and still gets a source build."""
    admitted = SpecifierSet(report["requires_python"])
    supported = {target for _, target, keep in TARGETS if keep}
    return [f"Python {c['python']} on {c['target']}: {c['missing'] or c['reason']}" for c in report["cells"]
            if c["python"] in admitted and c["target"] in supported and c["reason"]]


def pins(report: dict, target: str, python: str) -> list[str]:
    """The shown packages' versions a system gets with this Python, as pip requirements: to run the tests on them
    here (``make test-stack``)."""
    for cell in report["cells"]:
        if (cell["target"], cell["python"]) == (target, python) and not cell["reason"]:
            return [f"{name}=={cell['pins'][name]}" for name in SHOWN if name in cell["pins"]]
    raise SystemExit(f"docs/platforms.json has no resolved cell for {target} and Python {python}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", default=",".join(PYTHONS), help="comma-separated Python versions")
    parser.add_argument("--pins", metavar="TARGET", help="print the versions TARGET gets with this Python, and exit")
    args = parser.parse_args(argv)
    if args.pins:
        python = "{}.{}".format(*sys.version_info[:2])
        print(" ".join(pins(json.loads(REPORT.read_bytes()), args.pins, python)))
        return 0
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(uv).exists():
        print("scripts/wheels.py needs uv: pip install uv", file=sys.stderr)
        return 2
    meta = project()
    cells = [resolve(uv, meta["dependencies"], target, python)
             for _, target, _ in TARGETS for python in args.pythons.split(",")]
    report = {"day": datetime.date.today().isoformat(), "requires_python": meta["requires-python"],
              "dependencies": meta["dependencies"], "cells": [asdict(c) for c in cells]}
    REPORT.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    TABLE.write_text(table(cells, meta["requires-python"], meta["dependencies"], report["day"]), encoding="utf-8")
    print(TABLE.read_text(encoding="utf-8"))
    for problem in unsupported_admitted(report):
        print(f"admitted but no wheels: {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
