"""Inlet and outlet counts of the Max objects the device uses, as Max 8 and 9 save them.

Max recomputes these when it loads a patcher, and silently drops any patch cord that names an
outlet or inlet that does not exist. Writing the true counts into the JSON lets the tests catch
such cords here, without Max. Each rule below is checked against every real, Max-saved example of
its class in ``tests/data/max_evidence.json`` (``tests/test_max_evidence.py``); a class this table does
not know is an error, so a new object forces its counts to be written down and a saved example found.
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
    "matrixctrl": (1, ["list", "list"]),
    "multislider": (1, ["", ""]),
}

# trigger: one outlet per argument; b/i/f give typed outlets, l and s untyped ones. Any other argument is a
# constant, saved with its own type: a number's (``t 1`` -> int), or a symbol's text (``t b clear`` -> "clear").
_TRIGGER_TYPES = {"b": "bang", "i": "int", "f": "float", "l": "", "s": ""}


def trigger_type(arg: str) -> str:
    return _TRIGGER_TYPES[arg] if arg in _TRIGGER_TYPES else atom_type(arg) or arg


def atom_type(arg: str) -> str:
    """Outlet type Max gives a typed argument such as ``0``, ``0.``, ``i``, ``f``; ``""`` for anything else."""
    if arg in ("i", "f"):
        return {"i": "int", "f": "float"}[arg]
    if re.fullmatch(r"-?\d+", arg):
        return "int"
    if re.fullmatch(r"-?(\d+\.\d*|\.\d+)", arg):
        return "float"
    return ""


def expr_inlets(args: list[str]) -> int:
    """``expr`` has one inlet per ``$i``/``$f`` input, up to the highest index used."""
    found = [int(n) for n in re.findall(r"\$[if](\d+)", " ".join(args))]
    return max(found, default=1)


def sprintf_specs(args: list[str]) -> list[str]:
    """The conversion letters of a ``sprintf`` format (``%ld`` -> ``d``), ``%%`` excluded."""
    text = " ".join(a for a in args if a != "symout").replace("%%", "")
    return re.findall(r"%[-+ #0-9.]*l?([dsfxXoceg])", text)


def positional(args: list[str]) -> list[str]:
    """Arguments before the first ``@attribute``."""
    out = []
    for a in args:
        if a.startswith("@"):
            break
        out.append(a)
    return out


# Object-box classes: positional args -> (number of inlets, outlet types).
NEWOBJ_CLASSES: dict[str, Callable[[list[str]], tuple[int, list[str]]]] = {
    "udpsend": lambda a: (1, []),
    "udpreceive": lambda a: (1, [""]),
    "live.thisdevice": lambda a: (1, ["bang", "int", "int"]),
    "live.path": lambda a: (1, ["", "", ""]),
    "live.observer": lambda a: (2, ["", ""]),
    "transport": lambda a: (2, ["int", "int", "float", "float", "float", "", "int", "float", ""]),
    "metro": lambda a: (2, ["bang"]),
    "delay": lambda a: (2, ["bang"]),
    "t": lambda a: (1, [trigger_type(x) for x in a]),
    "prepend": lambda a: (1, [""]),
    "sprintf": lambda a: (max(1, len(sprintf_specs(a))), [""]),
    "pack": lambda a: (max(2, len(a)), [""]),
    "pak": lambda a: (max(2, len(a)), [""]),
    "unpack": lambda a: (1, [atom_type(x) or "" for x in a] if a else ["int", "int"]),
    "route": lambda a: (len(a) + 1, [""] * (len(a) + 1)),
    "sel": lambda a: (max(2, len(a) + 1), ["bang"] * max(1, len(a)) + [""]),
    "gate": lambda a: (2, [""] * (int(a[0]) if a else 1)),
    "change": lambda a: (1, ["", "int", "int"]),
    "expr": lambda a: (expr_inlets(a), [""]),
    "pipe": lambda a: (2, [""]),
    "uzi": lambda a: (2, ["bang", "bang", "int"]),
    "midiformat": lambda a: (7, ["int", ""]),
    "midiin": lambda a: (1, ["int"]),
    "midiout": lambda a: (1, []),
    "i": lambda a: (2, ["int"]),
    "f": lambda a: (2, ["float"]),
    "/": lambda a: (2, [atom_type(a[0]) or "int" if a else "int"]),  # typed by the argument
    "==": lambda a: (2, ["int"]),  # a comparison is 0 or 1 even with a float argument
    "zl.reg": lambda a: (2, ["", ""]),
    "zl.group": lambda a: (2, ["", ""]),
    "zl.len": lambda a: (2, ["", ""]),
    "zl.slice": lambda a: (2, ["", ""]),
    "zl.lookup": lambda a: (2, ["", ""]),
    "s": lambda a: (1, []),
    "r": lambda a: (0 if a else 1, [""]),  # without a name, an inlet takes one
}


def io_counts(maxclass: str, text: str | None = None) -> tuple[int, list[str]]:
    """(numinlets, outlettype) of a box; raises KeyError for a class this table does not know."""
    if maxclass != "newobj":
        return UI_CLASSES[maxclass]
    name, *args = (text or "").split()
    return NEWOBJ_CLASSES[name](positional(args))
