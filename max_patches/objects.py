"""Inlet and outlet counts of the Max objects the device uses.

Max recomputes these when it loads a patcher, and silently drops any patch cord that names an
outlet or inlet that does not exist. Writing the true counts into the JSON lets the tests catch
such cords here, without Max. Only the classes the device uses are known; anything else is an
error, so a new object forces its counts to be written down.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# User-interface classes: (number of inlets, outlet types).
UI_CLASSES: dict[str, tuple[int, list[str]]] = {
    "live.dial": (1, ["", "float"]),
    "live.numbox": (1, ["", "float"]),
    "live.menu": (1, ["", "", "float"]),
    "live.text": (1, ["", ""]),
    "comment": (1, []),
    "message": (2, [""]),
    "textedit": (1, ["", "int", "", ""]),
}

_TRIGGER_TYPES = {"b": "bang", "i": "int", "f": "float", "l": "", "s": "", "a": ""}


def _atom_type(arg: str) -> str:
    """Outlet type of a typed argument such as ``0``, ``0.``, ``i``, ``f`` or ``s``."""
    if arg in ("i", "f"):
        return {"i": "int", "f": "float"}[arg]
    if re.fullmatch(r"-?\d+", arg):
        return "int"
    if re.fullmatch(r"-?\d*\.\d*", arg):
        return "float"
    return ""


def _expr_inlets(args: list[str]) -> int:
    found = [int(n) for n in re.findall(r"\$[if](\d+)", " ".join(args))]
    return max(found, default=1)


def _sprintf_inlets(args: list[str]) -> int:
    text = " ".join(a for a in args if a != "symout")
    return max(1, len(re.findall(r"%[-+ #0-9.]*l?[dsfxXoceg]", text.replace("%%", ""))))


def _positional(args: list[str]) -> list[str]:
    """Arguments before the first ``@attribute``."""
    out = []
    for a in args:
        if a.startswith("@"):
            break
        out.append(a)
    return out


# Object-box classes: args -> (number of inlets, outlet types).
NEWOBJ_CLASSES: dict[str, Callable[[list[str]], tuple[int, list[str]]]] = {
    "udpsend": lambda a: (1, []),
    "udpreceive": lambda a: (1, [""]),
    "live.thisdevice": lambda a: (1, ["bang", "int", "int"]),
    "live.path": lambda a: (1, ["", "", ""]),
    "live.observer": lambda a: (2, ["", ""]),
    "transport": lambda a: (2, ["int", "int", "float", "float", "float", "", "int", "float", ""]),
    "metro": lambda a: (2, ["bang"]),
    "delay": lambda a: (2, ["bang"]),
    "t": lambda a: (1, [_TRIGGER_TYPES[x] for x in a]),
    "prepend": lambda a: (1, [""]),
    "sprintf": lambda a: (_sprintf_inlets(a), [""]),
    "pack": lambda a: (len(a), [""]),
    "pak": lambda a: (len(a), [""]),
    "unpack": lambda a: (1, [_atom_type(x) for x in a]),
    "route": lambda a: (len(a) + 1, [""] * (len(a) + 1)),
    "sel": lambda a: (2, ["bang", ""]) if len(a) == 1 else (1, ["bang"] * len(a) + [""]),
    "gate": lambda a: (2, [""] * int(a[0])),
    "change": lambda a: (1, ["", "int", "int"]),
    "expr": lambda a: (_expr_inlets(a), [""]),
    "pipe": lambda a: (len(a), [_atom_type(x) for x in a[:-1]]),
    "makenote": lambda a: (3, ["float", "float"]),
    "midiformat": lambda a: (7, ["int"]),
    "midiin": lambda a: (1, ["int"]),
    "midiout": lambda a: (1, []),
    "i": lambda a: (2, ["int"]),
    "f": lambda a: (2, ["float"]),
    "==": lambda a: (2, ["int"]),
    "/": lambda a: (2, [_atom_type(a[0]) if a else "int"]),
    "+": lambda a: (2, [_atom_type(a[0]) if a else "int"]),
    "maximum": lambda a: (2, [_atom_type(a[0]) if a else "int"]),
    "zl": lambda a: (2, ["", ""]),
    "listfunnel": lambda a: (1, ["list"]),
    "s": lambda a: (1, []),
    "r": lambda a: (0, [""]),
}


def io_counts(maxclass: str, text: str | None = None) -> tuple[int, list[str]]:
    """(numinlets, outlettype) of a box; raises KeyError for a class this table does not know."""
    if maxclass != "newobj":
        return UI_CLASSES[maxclass]
    name, *args = (text or "").split()
    return NEWOBJ_CLASSES[name](_positional(args))
