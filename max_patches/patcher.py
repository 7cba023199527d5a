"""A small builder for Max patchers, so boxes, ids, cords and rectangles stay consistent.

Writing a ``.maxpat`` by hand means keeping object ids, inlet/outlet counts, cords and two sets
of rectangles in step across hundreds of lines. Here a box is created by one call (its id and
counts are derived), cords refer to boxes rather than ids, and the patching-view position is
laid out in columns so the patcher stays readable when opened in Max.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from stylevae.max_patches.objects import io_counts

COLUMN_WIDTH = 260.0
ROW_HEIGHT = 30.0
BOX_HEIGHT = 22.0


@dataclass
class Box:
    """One box of a patcher; ``attrs`` holds everything Max stores besides id, class and counts."""

    id: str
    maxclass: str
    numinlets: int
    outlettype: list[str]
    patching_rect: list[float]
    attrs: dict = field(default_factory=dict)

    @property
    def numoutlets(self) -> int:
        return len(self.outlettype)

    def to_json(self) -> dict:
        """The box as Max writes it: identity and counts first, then attributes in sorted order."""
        body = {
            "id": self.id,
            "maxclass": self.maxclass,
            "numinlets": self.numinlets,
            "numoutlets": self.numoutlets,
        }
        if self.outlettype:
            body["outlettype"] = self.outlettype
        body["patching_rect"] = self.patching_rect
        body.update(sorted(self.attrs.items()))
        return {"box": body}


@dataclass
class Patch:
    """Boxes and cords, placed column by column in the patching view."""

    boxes: list[Box] = field(default_factory=list)
    lines: list[tuple[str, int, str, int]] = field(default_factory=list)
    _column: int = 0
    _row: int = 0

    def section(self, column: int) -> None:
        """Start placing the next boxes at the top of patching-view column ``column``."""
        self._column, self._row = column, 0

    def add(self, maxclass: str, text: str | None = None, width: float = 0.0, **attrs) -> Box:
        """Add a box; its counts come from ``objects.io_counts`` so they cannot drift from the class."""
        numinlets, outlettype = io_counts(maxclass, text)
        if text is not None:
            attrs["text"] = text
        width = width or max(40.0, 7.0 * len(text or maxclass) + 12.0)
        rect = [20.0 + self._column * COLUMN_WIDTH, 20.0 + self._row * ROW_HEIGHT, width, BOX_HEIGHT]
        self._row += 1
        box = Box(f"obj-{len(self.boxes) + 1}", maxclass, numinlets, list(outlettype), rect, attrs)
        self.boxes.append(box)
        return box

    def obj(self, text: str, **attrs) -> Box:
        """An object box (``newobj``) such as ``prepend /stylevae/tempo``."""
        return self.add("newobj", text, **attrs)

    def msg(self, text: str, **attrs) -> Box:
        """A message box; it outputs its text when banged."""
        return self.add("message", text, **attrs)

    def connect(self, src: Box, outlet: int, dst: Box, inlet: int = 0) -> None:
        """A patch cord; refuses outlets or inlets the boxes do not have."""
        if not 0 <= outlet < src.numoutlets:
            raise ValueError(f"{src.id} ({src.attrs.get('text', src.maxclass)}) has no outlet {outlet}")
        if not 0 <= inlet < dst.numinlets:
            raise ValueError(f"{dst.id} ({dst.attrs.get('text', dst.maxclass)}) has no inlet {inlet}")
        self.lines.append((src.id, outlet, dst.id, inlet))

    def chain(self, *boxes: Box) -> Box:
        """Connect each box's left outlet to the next box's left inlet; return the last box."""
        for src, dst in zip(boxes, boxes[1:]):
            self.connect(src, 0, dst, 0)
        return boxes[-1]

    def boxes_json(self) -> list[dict]:
        return [b.to_json() for b in self.boxes]

    def lines_json(self) -> list[dict]:
        return [
            {"patchline": {"destination": [dst, inlet], "source": [src, outlet]}}
            for src, outlet, dst, inlet in self.lines
        ]


def dumps(patcher: dict) -> str:
    """The patcher as formatted JSON: tab-indented like Max, key order kept, one trailing newline."""
    return json.dumps(patcher, indent="\t", ensure_ascii=False) + "\n"
