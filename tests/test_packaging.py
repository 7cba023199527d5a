"""One import name: every module of model/, bridge/ and max_patches/ imports as stylevae.*, none reaches for a
bare top-level `model` or `bridge` (which would work in the source tree and break in site-packages), and every
package folder is one the build installs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.pyproject import PYPROJECT

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"model": "stylevae.model", "bridge": "stylevae.bridge", "max_patches": "stylevae.max_patches"}

IMPORT_ALL = """
import importlib, pkgutil, sys
import stylevae.model, stylevae.bridge, stylevae.max_patches
names = []
for package in (stylevae.model, stylevae.bridge, stylevae.max_patches):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        names.append(info.name)
print(len(names))
print(sorted({name.split(".")[0] for name in sys.modules} & {"model", "bridge", "max_patches"}))
"""


def test_every_module_imports_under_the_project_name_and_no_bare_name_is_used():
    # a fresh interpreter outside the repository, so that the source folders are not on its path
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, cwd="/",
                            timeout=300)
    assert result.returncode == 0, result.stderr
    count, bare = result.stdout.split("\n")[:2]
    sources = [p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py") if p.name != "__init__.py"]
    assert int(count) >= len(sources)
    assert bare == "[]", f"imported by a bare top-level name: {bare}"


def test_every_folder_is_a_listed_package_of_code_or_of_shipped_data():
    """Code folders, and data-only ones such as a checkpoint's: setuptools warns at every install of a folder of
    shipped files that is not listed ("Package would be ignored"), a page of text per folder."""
    config = PYPROJECT["tool"]["setuptools"]
    packages = set(config["packages"])
    for folder, name in FOLDERS.items():
        assert config["package-dir"][name] == folder
        for path in [ROOT / folder, *(ROOT / folder).rglob("*")]:
            if path.is_dir() and path.name != "__pycache__" and any(p.is_file() for p in path.iterdir()):
                dotted = ".".join((name, *path.relative_to(ROOT / folder).parts))
                assert dotted in packages, f"{path} is not listed in pyproject.toml's packages"
