"""Whether the installed torch can hand its tensors to the installed NumPy.

torch releases before 2.3 were built against NumPy 1, and with NumPy 2 they cannot turn a tensor into an array
("RuntimeError: Numpy is not available", after a page of warnings at import). pyproject.toml allows torch from 2.2,
the last release for Intel Macs, where it also holds NumPy below 2; anywhere else an older torch can still meet a
NumPy 2 (an environment made before, a torch pinned by hand), and every command would fail at its first step. Read
from the installed packages' metadata, so it works whatever importing them prints.
"""

from __future__ import annotations

import re
from importlib import metadata

from stylevae.model.errors import UserError

FIRST_TORCH_FOR_NUMPY_2 = (2, 3)


def major_minor(version: str) -> tuple[int, int]:
    found = re.match(r"(\d+)\.(\d+)", version)
    if not found:
        raise ValueError(f"not a version: {version!r}")
    return int(found.group(1)), int(found.group(2))


def check(torch_version: str | None = None, numpy_version: str | None = None) -> None:
    """Raise a one-line UserError when this torch cannot work with this NumPy."""
    torch_version = torch_version or metadata.version("torch")
    numpy_version = numpy_version or metadata.version("numpy")
    if major_minor(torch_version) < FIRST_TORCH_FOR_NUMPY_2 and major_minor(numpy_version) >= (2, 0):
        raise UserError(f"torch {torch_version} was built against NumPy 1 and cannot use NumPy {numpy_version}: "
                        f"pip install \"numpy<2\" into this environment, or a torch of 2.3 or newer")
