"""Which Pythons the project admits, and how the set-up picks one: pyproject.toml's requires-python, the report of
wheels per system and Python (scripts/wheels.py, docs/platforms.json) and the Makefile's choice of interpreter
(scripts/python-check.py) must agree, and a Python that does not fit is refused in one line that says what to
install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from tests.pyproject import PYPROJECT

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "scripts" / "python-check.py"
sys.path.insert(0, str(ROOT / "scripts"))

import wheels  # noqa: E402

PROJECT = PYPROJECT["project"]


def load_check():
    """python-check.py by path (its name has a hyphen: it is a command, not a module)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("python_check", CHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = load_check()


# The fake interpreters are #!/bin/sh scripts, and the Makefile is POSIX make's (on Windows, pip is the way in)
POSIX_SHELL = pytest.mark.skipif(sys.platform == "win32", reason="#!/bin/sh scripts and make")


def fake_pythons(folder: Path, versions: dict[str, str]) -> dict[str, str]:
    """Commands named like interpreters that answer the version question as one would; PATH with them first."""
    for name, version in versions.items():
        path = folder / name
        path.write_text(f"#!/bin/sh\necho {version.replace('.', ' ')}\n", encoding="utf-8")
        path.chmod(0o755)
    return dict(os.environ, PATH=f"{folder}{os.pathsep}{os.environ['PATH']}")


def run_check(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), *args], capture_output=True, text=True, env=env, timeout=60)


def test_the_range_read_without_tomllib_is_requires_python():
    low, high = check.admitted_range((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    spec = SpecifierSet(PROJECT["requires-python"])
    for minor in range(6, 20):
        assert (low <= (3, minor) < high) == (f"3.{minor}" in spec), f"3.{minor}"


@POSIX_SHELL
def test_pick_takes_the_first_python_that_fits(tmp_path):
    env = fake_pythons(tmp_path, {"python3": "3.14", "python3.12": "3.12", "python3.11": "3.11"})
    result = run_check("--pick", "python3.13", "python3.12", "python3.11", "python3", env=env)
    assert (result.returncode, result.stdout.strip()) == (0, "python3.12")


@POSIX_SHELL
def test_pick_passes_over_a_python_too_new(tmp_path):
    env = fake_pythons(tmp_path, {"python3": "3.14", "python3.11": "3.11"})
    result = run_check("--pick", "python3", "python3.11", env=env)
    assert (result.returncode, result.stdout.strip()) == (0, "python3.11")


@POSIX_SHELL
def test_a_python_too_new_is_refused_in_one_line_that_says_what_to_install(tmp_path):
    env = fake_pythons(tmp_path, {"python3": "3.13"})  # the first refused
    result = run_check("--check", "python3", env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Python 3.13" in lines[0] and "docs/platforms.md" in lines[0] and "PYTHON=python3.12" in lines[0]
    assert run_check("--pick", "python3", env=env).returncode == 1


@POSIX_SHELL
def test_a_python_that_fits_passes_silently(tmp_path):
    env = fake_pythons(tmp_path, {"python3": "3.11"})
    result = run_check("--check", "python3", env=env)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("system, install", [("darwin", "brew install python@3.12"),
                                             ("win32", "Python 3.12 from python.org"),
                                             ("linux", "python3.12")])
def test_the_advice_names_each_systems_way_to_install(system, install):
    low, high = check.admitted_range((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    line = check.advice("python3", (3, 13), low, high, system=system)
    assert install in line and "\n" not in line


@POSIX_SHELL
def test_the_makefile_builds_the_environment_with_the_python_that_fits(tmp_path):
    # make -n prints the recipe; PYTHON's default comes from --pick, which runs even then
    env = fake_pythons(tmp_path, {"python3.12": "3.12"})
    for name in ("PYTHON", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(name, None)
    result = subprocess.run(["make", "-n", "-C", str(ROOT), "VENV=" + str(tmp_path / "venv"), "setup"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "python-check.py --check python3.12" in result.stdout
    assert "python3.12 -m venv" in result.stdout


# --- the wheels report ---------------------------------------------------------------------------------------

RESOLVED = """numpy==1.26.4
python-rtmidi==1.5.8
torch==2.2.2
"""
NO_RTMIDI = """error: No solution found when resolving dependencies
  cause: Because python-rtmidi>=1.5.0 has no usable wheels and you require python-rtmidi>=1.5, we can conclude \
that your requirements are unsatisfiable.

hint: Wheels are required for `python-rtmidi` because building from source is disabled for all packages
"""
NO_TORCH = """error: No solution found when resolving dependencies
  cause: Because torch>=2.2.0,<=2.4.1 has no wheels with a matching Python ABI tag (e.g., `cp313`) and only the \
following versions of torch are available:
"""


def test_uvs_answers_are_read_as_pins_or_the_package_without_a_wheel():
    ok = wheels.parse("x86_64-apple-darwin", "3.12", 0, RESOLVED)
    assert ok.resolved and ok.pins == {"numpy": "1.26.4", "python-rtmidi": "1.5.8", "torch": "2.2.2"}
    assert wheels.cell_text(ok) == "torch 2.2.2, numpy 1.26.4, python-rtmidi 1.5.8"
    rtmidi = wheels.parse("x86_64-pc-windows-msvc", "3.13", 1, NO_RTMIDI)
    assert not rtmidi.resolved and rtmidi.missing == "python-rtmidi"
    assert rtmidi.reason.startswith("Because python-rtmidi")
    assert wheels.parse("x86_64-apple-darwin", "3.13", 1, NO_TORCH).missing == "torch"


def test_an_admitted_python_without_wheels_on_a_supported_system_is_found():
    cell = {"target": "x86_64-pc-windows-msvc", "python": "3.13", "pins": {}, "missing": "python-rtmidi",
            "reason": "Because python-rtmidi has no usable wheels"}
    report = {"requires_python": ">=3.10,<3.14", "cells": [cell]}
    assert wheels.unsupported_admitted(report) == ["Python 3.13 on x86_64-pc-windows-msvc: python-rtmidi"]
    assert wheels.unsupported_admitted({**report, "requires_python": ">=3.10,<3.13"}) == []
    unsupported = {**cell, "target": "aarch64-pc-windows-msvc"}
    assert wheels.unsupported_admitted({**report, "cells": [unsupported]}) == []


def test_the_committed_report_is_of_todays_dependencies_and_admits_no_python_without_wheels():
    report = json.loads(wheels.REPORT.read_bytes())
    assert report["dependencies"] == PROJECT["dependencies"], "dependencies changed: run scripts/wheels.py"
    assert report["requires_python"] == PROJECT["requires-python"], "requires-python changed: run scripts/wheels.py"
    assert wheels.unsupported_admitted(report) == []
    spec = SpecifierSet(PROJECT["requires-python"])
    for _, target, supported in wheels.TARGETS:
        if supported:  # every admitted Python was resolved for every supported system
            assert {c["python"] for c in report["cells"] if c["target"] == target} >= {
                p for p in wheels.PYTHONS if p in spec}, target
    assert wheels.TABLE.read_text(encoding="utf-8") == wheels.table([wheels.Cell(**c) for c in report["cells"]],
                                                     report["requires_python"], report["dependencies"], report["day"])


def test_the_pins_for_a_system_are_the_versions_it_resolved_to():
    report = {"cells": [{"target": "x86_64-apple-darwin", "python": "3.11", "missing": "", "reason": "",
                         "pins": {"torch": "2.2.2", "numpy": "1.26.4", "mido": "1.3.3"}},
                        {"target": "x86_64-apple-darwin", "python": "3.13", "missing": "torch", "reason": "x",
                         "pins": {}}]}
    assert wheels.pins(report, "x86_64-apple-darwin", "3.11") == ["torch==2.2.2", "numpy==1.26.4"]
    with pytest.raises(SystemExit, match="no resolved cell"):
        wheels.pins(report, "x86_64-apple-darwin", "3.13")
