"""Build the device: the Python description -> StyleVAE.maxpat -> StyleVAE.amxd, and its picture.

    python -m stylevae.max_patches.build          # write max_patches/StyleVAE.maxpat, .amxd and docs/device.png
    python -m stylevae.max_patches.build --check  # exit 1 if the committed .maxpat or .amxd is stale

The ``.amxd`` is made from the ``.maxpat`` text byte for byte, so the same source always gives the
same device; ``--check`` is what CI runs to catch a source edited without rebuilding.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stylevae.max_patches.amxd import encode_device
from stylevae.max_patches.device import build_device, patcher
from stylevae.max_patches.patcher import dumps
from stylevae.max_patches.picture import draw

HERE = Path(__file__).resolve().parent
MAXPAT = HERE / "StyleVAE.maxpat"
AMXD = HERE / "StyleVAE.amxd"
PICTURE = HERE.parent / "docs" / "device.png"


def maxpat_text() -> str:
    """The readable patcher source, generated from ``device.py``."""
    return dumps(patcher(build_device()))


def stale(maxpat: Path = MAXPAT, amxd: Path = AMXD) -> list[str]:
    """Why the committed files differ from a fresh build (empty when they are current)."""
    problems = []
    text = maxpat_text()
    if not maxpat.exists() or maxpat.read_bytes() != text.encode("utf-8"):  # the bytes the .amxd embeds
        problems.append(f"{maxpat.name} does not match max_patches/device.py")
    if not amxd.exists() or amxd.read_bytes() != encode_device(text):
        problems.append(f"{amxd.name} was not built from the current source")
    return problems


def build(maxpat: Path = MAXPAT, amxd: Path = AMXD, picture: Path = PICTURE) -> None:
    text = maxpat_text()
    maxpat.write_bytes(text.encode("utf-8"))  # LF on every system: text mode writes CRLF on Windows
    amxd.write_bytes(encode_device(text))
    picture.parent.mkdir(parents=True, exist_ok=True)
    draw(patcher(build_device()), picture)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stylevae.max_patches.build", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed .maxpat/.amxd are stale")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for problem in problems:
            print(f"stale: {problem}; run python -m stylevae.max_patches.build", file=sys.stderr)
        return 1 if problems else 0
    build()
    print(f"wrote {MAXPAT.name}, {AMXD.name}, {PICTURE.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
