"""A clean install: the wheel built from the source, installed into a fresh virtual environment outside the
repository, runs `stylevae sample` and `stylevae serve --list-ports` with the model it carries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import mido
import numpy
import pytest
import torch

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# .venv* : make test-stack's venvs and others beside .venv, gigabytes each, are not source either
ANYWHERE = shutil.ignore_patterns(".venv*", ".git", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache",
                                  ".hypothesis")
AT_THE_TOP = {"build", "dist", "data", "runs", "samples"}  # the working tree's outputs (model/data/ is source)


def not_source(folder: str, names: list[str]) -> set[str]:
    return ANYWHERE(folder, names) | (AT_THE_TOP & set(names) if Path(folder) == ROOT else set())


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result


def test_the_wheel_runs_from_a_fresh_venv_with_its_shipped_model(tmp_path, jack_server):
    # no path of the repository may leak in: only the venv's own site-packages
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    source = tmp_path / "source"  # a copy, so that the build leaves nothing in the working tree
    shutil.copytree(ROOT, source, ignore=not_source)
    built = run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(tmp_path / "dist")],
                tmp_path, env)
    # a user's `pip install .` shows what the build warns of: a folder of shipped files missing from pyproject.toml's
    # packages brought a page of setuptools' "Package would be ignored" for each
    assert "Warning" not in built.stderr, built.stderr
    (wheel,) = (tmp_path / "dist").glob("stylevae_bridge-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        inside = {name for name in archive.namelist() if not name.startswith("stylevae_bridge-")}
    # one import name of the project's own, and every module of the three folders in it
    assert {name.split("/")[0] for name in inside} == {"stylevae"}, sorted(inside)[:10]
    for folder in ("model", "bridge", "max_patches"):
        for module in (ROOT / folder).rglob("*.py"):
            assert f"stylevae/{module.relative_to(ROOT).as_posix()}" in inside, f"{module} is not in the wheel"

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    bin_dir = venv / "bin"
    torch_version = torch.__version__.split("+")[0]  # the local build, which pip takes from disk
    # and the NumPy beside it: a torch before 2.3 (the oldest allowed) works only with NumPy 1
    run([str(bin_dir / "pip"), "install", "-q", "--no-compile", f"torch=={torch_version}",
         f"numpy=={numpy.__version__}", str(wheel)], tmp_path, env)

    where = run([str(bin_dir / "python"), "-c", "import stylevae.bridge as b, stylevae.model.network.checkpoint as c; "
                 "print(b.__file__); print(c.DEFAULT_CHECKPOINT)"], tmp_path, env).stdout.split()
    assert all(Path(path).is_relative_to(venv) for path in where), where
    assert (Path(where[1]) / "weights.safetensors").is_file()

    out = tmp_path / "samples"
    run([str(bin_dir / "stylevae"), "sample", "--style", "irish_dance", "--count", "1", "--seed", "1", "--out",
         str(out)], tmp_path, env)
    (sample,) = out.glob("*.mid")
    assert sum(msg.type == "note_on" for msg in mido.MidiFile(str(sample)).tracks[-1]) > 0

    listed = run([str(bin_dir / "stylevae"), "serve", "--list-ports"], tmp_path, env).stdout
    assert listed.startswith("jack: ")
