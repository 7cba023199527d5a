"""A message interpreter for the subset of Max that the device uses, to play its patcher without Max.

Max cannot run here, so the tests run the patcher JSON itself: every box becomes a small Python object
that does what the Cycling '74 reference page of its class says (cited on each class below), cords
carry messages depth first as in Max, ``s``/``r`` pairs act as cords, and a virtual clock drives
``metro``, ``delay`` and ``pipe``. Around the patch stand a simulated Live (song tempo, play state,
position, key, loop; ``SimLive``), a performer (``Sim.set``, ``Sim.type``) and the network: what ``udpsend``
sends is handed to a sink as OSC (address, arguments), and ``Sim.deliver`` plays the daemon's replies
into ``udpreceive``.

It is a model, written from the documentation, not Max: where the reference is silent the choice
made is named in the class's docstring, and ``max_patches/README.md`` lists what only Max can confirm.
Anything the model does not know — an unknown class, a message a class does not take, an outlet with
no such number — raises ``SimError`` instead of guessing, so a miswired patch fails its test. Besides the
classes of the device it models those of the device's earlier patch (``tests/data/device_before_fixes.maxpat``),
so the tests can show that they catch that patch's faults.

"(REF name)" in a docstring is the reference page ``REF + name``, e.g. https://docs.cycling74.com/reference/route.

Messages are tuples of atoms (int, float, str), as Max writes them: ``(3,)`` an int, ``(0.5,)`` a
float, ``("bang",)``, ``(1, 2.5)`` a list, ``("symbol", "irish")`` a symbol, ``("host", "1.2.3.4")``
any other message (its first atom is the selector).

Max gives no order between cords that leave one outlet except the positions of their destinations
(right to left); ``Sim(reverse_fanout=True)`` plays them in the other order, and the order between
``r`` boxes of one name likewise, so a test can show that the device does not depend on it.
"""

from __future__ import annotations

import ast
import heapq
import itertools
import math
import operator
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

REF = "https://docs.cycling74.com/reference/"  # the Max 9 reference; each class names its page below
TICKS_PER_BEAT = 480.0  # https://docs.cycling74.com/userguide/time_value_syntax: 480 ticks a quarter note
INT_PARAMETER_VALUES = 256  # an Int live.* parameter holds at most 256 values (see LiveControl)

Atom = int | float | str
Msg = tuple


class SimError(AssertionError):
    """The patch did something the model does not know, or that Max would refuse."""


def bang() -> Msg:
    return ("bang",)


def is_bang(msg: Msg) -> bool:
    return msg == ("bang",)


def is_number(atom: object) -> bool:
    return isinstance(atom, int | float) and not isinstance(atom, bool)


def atoms(msg: Msg) -> tuple:
    """A message's atoms without a ``symbol``/``list`` selector (a bang has none)."""
    if is_bang(msg):
        return ()
    if msg[:1] in (("symbol",), ("list",)):
        return tuple(msg[1:])
    return tuple(msg)


def as_symbol(msg: Msg) -> str:
    """The symbol a symbol-taking inlet reads from ``symbol x`` or a one-word message ``x``."""
    words = atoms(msg)
    if len(words) != 1 or not isinstance(words[0], str):
        raise SimError(f"expected a symbol, got {msg}")
    return words[0]


def message(words: list | tuple) -> Msg:
    """Atoms as the message Max would make of them: nothing is a bang."""
    return tuple(words) if words else bang()


def parse_atom(word: str) -> Atom:
    """A word of box text as Max reads it: ``3`` int, ``3.``/``.5`` float, anything else a symbol."""
    if re.fullmatch(r"-?\d+", word):
        return int(word)
    if re.fullmatch(r"-?(\d+\.\d*|\.\d+)(e-?\d+)?", word):
        return float(word)
    return word


def parse_words(text: str) -> list[Atom]:
    return [parse_atom(w) for w in text.split()]


def split_args(text: str) -> tuple[str, list[str], dict[str, list[str]]]:
    """An object box's class name, its arguments before the first ``@`` and its ``@attribute`` values."""
    name, *words = text.split()
    args, attrs, current = [], {}, None
    for w in words:
        if w.startswith("@"):
            current = w[1:]
            attrs[current] = []
        elif current is None:
            args.append(w)
        else:
            attrs[current].append(w)
    return name, args, attrs


# --- the world around the patch ------------------------------------------------------------------------


@dataclass
class SimLive:
    """Live as the device sees it: ``live_set`` properties, and the song position that Max's transport follows.

    ``scale_intervals=None`` is a Live without song scales (before Live 12): observing them yields nothing.
    The arrangement loop (``loop`` 0/1, ``loop_start`` and ``loop_length`` in beats, the Live Object Model's
    Song properties) is only reported: the song position does not wrap at the loop's end here.
    """

    tempo: float = 120.0
    is_playing: int = 0
    root_note: int = 0
    scale_intervals: tuple[int, ...] | None = (0, 2, 4, 5, 7, 9, 11)
    loop: int = 0
    loop_start: float = 0.0
    loop_length: float = 16.0
    _beat: float = 0.0  # the position at _since
    _since: float = 0.0
    _listeners: dict[str, list[Callable]] = field(default_factory=lambda: defaultdict(list))

    def position(self, now: float) -> float:
        if not self.is_playing:
            return self._beat
        return self._beat + (now - self._since) * self.tempo / 60.0

    def has(self, prop: str) -> bool:
        always = ("tempo", "is_playing", "root_note", "loop", "loop_start", "loop_length")
        return prop in always or (prop == "scale_intervals" and self.scale_intervals)

    def value(self, prop: str) -> Msg:
        value = getattr(self, prop)
        return tuple(value) if isinstance(value, tuple) else (value,)

    def observe(self, prop: str, listener: Callable[[Msg], None]) -> None:
        self._listeners[prop].append(listener)

    def _changed(self, prop: str) -> None:
        for listener in list(self._listeners[prop]):
            listener(self.value(prop))
        for listener in list(self._listeners["*"]):
            listener(prop)

    def set(self, prop: str, value: object, now: float) -> None:
        """Change a ``live_set`` property (tempo, is_playing, root_note, scale_intervals, loop, loop_start,
        loop_length)."""
        self._beat, self._since = self.position(now), now
        setattr(self, prop, value)
        self._changed(prop)

    def locate(self, beat: float, now: float) -> None:
        """A jump of the song position (the performer clicks in the arrangement)."""
        self._beat, self._since = beat, now
        self._changed("position")


# --- the objects -----------------------------------------------------------------------------------------


class Obj:
    """One box: its inlets take messages, ``out`` sends through its outlets."""

    def __init__(self, sim: Sim, box: dict, args: list[str], attrs: dict[str, list[str]]) -> None:
        self.sim, self.box, self.args, self.attrs = sim, box, args, attrs
        self.id = box["id"]

    def out(self, outlet: int, msg: Msg) -> None:
        self.sim.emit(self, outlet, msg)

    def receive(self, inlet: int, msg: Msg) -> None:
        raise SimError(f"{self.describe()} does not take {msg} in inlet {inlet}")

    def refuse(self, inlet: int, msg: Msg) -> None:
        Obj.receive(self, inlet, msg)

    def describe(self) -> str:
        return f"{self.id} ({self.box.get('text') or self.box['maxclass']})"


class Trigger(Obj):
    """``t``: right to left, each outlet sends the input as its letter says — b bang, i int, f float,
    l the whole message, s a symbol — and any other argument is a constant (REF trigger).
    An int from a symbol is 0, a float 0., as for a bang (Max 5 reference's message table)."""

    def receive(self, inlet: int, msg: Msg) -> None:
        words = atoms(msg)
        first = words[0] if words else None
        for outlet in reversed(range(len(self.args))):
            kind = self.args[outlet]
            if kind == "b":
                self.out(outlet, bang())
            elif kind == "i":
                self.out(outlet, (int(first) if is_number(first) else 0,))
            elif kind == "f":
                self.out(outlet, (float(first) if is_number(first) else 0.0,))
            elif kind == "l":
                self.out(outlet, msg)
            elif kind == "s":
                self.out(outlet, ("symbol", first if isinstance(first, str) else ""))
            else:
                self.out(outlet, message([parse_atom(kind)]))


class Prepend(Obj):
    """``prepend``: puts its arguments before every message; ``set …`` replaces them (REF prepend)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.content = [parse_atom(w) for w in self.args]

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg[:1] == ("set",):
            self.content = list(msg[1:])
            return
        if is_bang(msg):
            self.refuse(inlet, msg)
        self.out(0, message(self.content + list(atoms(msg))))


class Sprintf(Obj):
    """``sprintf``: one inlet per conversion (``%ld`` int, ``%f`` float, ``%s`` symbol), the left one hot;
    the result is parsed into a message, or kept as one symbol with ``symout`` (REF sprintf)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.symout = self.args[:1] == ["symout"]
        self.format = " ".join(self.args[1:] if self.symout else self.args)
        self.specs = re.findall(r"%[-+ #0-9.]*l?([dsf])", self.format.replace("%%", ""))
        self.values: list = [0 if s == "d" else 0.0 if s == "f" else "" for s in self.specs]

    def receive(self, inlet: int, msg: Msg) -> None:
        if not is_bang(msg):
            if inlet >= len(self.specs):
                self.refuse(inlet, msg)
            spec = self.specs[inlet]
            words = atoms(msg)
            if spec == "s":
                self.values[inlet] = " ".join(str(w) for w in words)
            elif len(words) != 1 or not is_number(words[0]):
                self.refuse(inlet, msg)
            else:
                self.values[inlet] = int(words[0]) if spec == "d" else float(words[0])
        if inlet == 0:
            fmt = re.sub(r"%[-+ #0-9.]*l?d", "%d", self.format)
            text = fmt % tuple(self.values)
            self.out(0, ("symbol", text) if self.symout else message(parse_words(text)))


class Pack(Obj):
    """``pack``/``pak``: one slot per argument (``0`` int, ``0.`` float, a symbol), output as a list when
    the left inlet — or, for ``pak``, any inlet — gets a value; a list in the left inlet fills the slots
    from the first (REF pack, REF pak)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        args = self.args or ["0", "0"]
        self.kinds = ["i" if a in ("i",) else "f" if a == "f" else "s" if a == "s" else None for a in args]
        self.slots: list = []
        for a, kind in zip(args, self.kinds):
            self.slots.append({"i": 0, "f": 0.0, "s": ""}[kind] if kind else parse_atom(a))

    def _store(self, index: int, value: Atom) -> None:
        current = self.slots[index]
        if isinstance(current, str):
            if not isinstance(value, str):
                raise SimError(f"{self.describe()}: a number in symbol slot {index}")
            self.slots[index] = value
        elif not is_number(value):
            raise SimError(f"{self.describe()}: {value!r} in number slot {index}")
        else:
            self.slots[index] = float(value) if isinstance(current, float) else int(value)

    def receive(self, inlet: int, msg: Msg) -> None:
        if not is_bang(msg):
            words = atoms(msg)
            if inlet == 0 and len(words) > 1:
                for i, w in enumerate(words[: len(self.slots)]):
                    self._store(i, w)
            elif len(words) == 1:
                self._store(inlet, words[0])
            else:
                self.refuse(inlet, msg)
        if inlet == 0 or self.box["text"].startswith("pak"):
            self.out(0, message(self.slots))


class Unpack(Obj):
    """``unpack``: a list's elements out of one outlet each, right to left, typed by the arguments (REF unpack)."""

    def receive(self, inlet: int, msg: Msg) -> None:
        words = atoms(msg)
        kinds = self.args or ["0", "0"]
        for outlet in reversed(range(min(len(words), len(kinds)))):
            word, kind = words[outlet], kinds[outlet]
            if kind == "s" or not re.fullmatch(r"-?[\d.]+|[if]", kind):
                if not isinstance(word, str):
                    raise SimError(f"{self.describe()}: {word!r} for symbol outlet {outlet}")
                self.out(outlet, ("symbol", word))
            elif not is_number(word):
                raise SimError(f"{self.describe()}: {word!r} for number outlet {outlet}")
            elif kind == "f" or "." in kind:
                self.out(outlet, (float(word),))
            else:
                self.out(outlet, (int(word),))


def _same(a: Atom, b: Atom) -> bool:
    return a == b and is_number(a) == is_number(b)


class Route(Obj):
    """``route``: a message whose first atom equals an argument leaves by that argument's outlet without it;
    any other by the rightmost outlet whole (REF route). Inlet n replaces argument n (Max 7 and later; the
    Cycling '74 forum thread "Set route args dynamically" shows the extra inlets used this way)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.selectors = [parse_atom(w) for w in self.args]

    def receive(self, inlet: int, msg: Msg) -> None:
        if inlet > 0:
            self.selectors[inlet - 1] = atoms(msg)[0]
            return
        words = atoms(msg) if msg[:1] in (("symbol",), ("list",)) else msg
        for outlet, selector in enumerate(self.selectors):
            if words and _same(words[0], selector):
                self.out(outlet, message(list(words[1:])))
                return
        self.out(len(self.selectors), msg)


class Select(Obj):
    """``sel``: a bang from the outlet of the argument the input equals, else the input from the rightmost
    outlet; with one argument the right inlet replaces it (REF select)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.selectors = [parse_atom(w) for w in self.args] or [0]

    def receive(self, inlet: int, msg: Msg) -> None:
        if inlet > 0:
            self.selectors[inlet - 1] = atoms(msg)[0]
            return
        words = atoms(msg)
        for outlet, selector in enumerate(self.selectors):
            if len(words) == 1 and (words[0] == selector if is_number(selector) else _same(words[0], selector)):
                self.out(outlet, bang())
                return
        self.out(len(self.selectors), msg)


class Gate(Obj):
    """``gate n open``: the left inlet picks the open outlet (0 shuts it), the right inlet's messages pass
    through it; the second argument is the outlet open at first, none by default (REF gate)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.outlets = int(self.args[0]) if self.args else 1
        self.open = int(self.args[1]) if len(self.args) > 1 else 0

    def receive(self, inlet: int, msg: Msg) -> None:
        if inlet == 0:
            self.open = int(atoms(msg)[0])
        elif self.open > 0:
            self.out(min(self.open, self.outlets) - 1, msg)


class Change(Obj):
    """``change``: passes a number only when it differs from the last one; it starts at 0 (REF change)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.last = parse_atom(self.args[0]) if self.args else 0

    def receive(self, inlet: int, msg: Msg) -> None:
        value = atoms(msg)[0]
        if value != self.last:
            self.last = value
            self.out(0, (value,))


_OPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.Gt: operator.gt,
    ast.LtE: operator.le, ast.GtE: operator.ge,
}


def _c_div(a, b):
    if isinstance(a, int) and isinstance(b, int):
        return 0 if b == 0 else int(a / b)
    return 0.0 if b == 0 else a / b


def _c_mod(a, b):
    if b == 0:
        return 0
    if isinstance(a, int) and isinstance(b, int):
        return int(math.fmod(a, b))
    return math.fmod(a, b)


_FUNCTIONS = {"max": max, "min": min, "abs": abs, "int": int, "float": float}


def evaluate_expr(text: str, inputs: list) -> Atom:
    """A Max ``expr`` (C arithmetic: int division truncates, comparisons and ``&&`` give 0 or 1) on
    ``$i1``/``$f1``… inputs, 1-based; ``\\,`` is the comma Max saves inside an object box (REF expr)."""
    source = text.replace("\\,", ",").replace("&&", " and ").replace("||", " or ")
    source = re.sub(r"\$([if])(\d+)", r"\1\2", source)

    def walk(node: ast.AST):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Div):
                return _c_div(left, right)
            if isinstance(node.op, ast.Mod):
                return _c_mod(left, right)
            if type(node.op) in _OPS:
                return _OPS[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.BoolOp):
            values = [bool(walk(v)) for v in node.values]
            return int(all(values) if isinstance(node.op, ast.And) else any(values))
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _OPS:
            return int(_OPS[type(node.ops[0])](walk(node.left), walk(node.comparators[0])))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
            return _FUNCTIONS[node.func.id](*(walk(a) for a in node.args))
        if isinstance(node, ast.Name) and re.fullmatch(r"[if]\d+", node.id):
            value = inputs[int(node.id[1:]) - 1]
            return int(value) if node.id[0] == "i" else float(value)
        if isinstance(node, ast.Constant) and is_number(node.value):
            return node.value
        raise SimError(f"unsupported expr element {ast.dump(node)} in {text!r}")

    return walk(ast.parse(source, mode="eval"))


class Expr(Obj):
    """``expr``: the expression over its inputs, computed when the left inlet gets a number (or a list,
    which fills the inputs from the first); the other inlets only store (REF expr)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.text = " ".join(self.box["text"].split()[1:])
        self.inputs: list = [0] * max((int(n) for n in re.findall(r"\$[if](\d+)", self.text)), default=1)

    def receive(self, inlet: int, msg: Msg) -> None:
        words = atoms(msg)
        if not all(is_number(w) for w in words):
            self.refuse(inlet, msg)
        if inlet == 0 and len(words) > 1:
            self.inputs[: len(words)] = words
        elif words:
            self.inputs[inlet] = words[0]
        if inlet == 0:
            self.out(0, (evaluate_expr(self.text, self.inputs),))


class Arith(Obj):
    """``/``, ``+``, ``==``, ``maximum``: left inlet hot, right operand from the argument or the right inlet;
    a float argument makes float arithmetic; ``==`` gives 0 or 1 (REF /, REF +, REF ==, REF maximum)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.op = self.box["text"].split()[0]
        self.right = parse_atom(self.args[0]) if self.args else 0
        self.left = 0

    def receive(self, inlet: int, msg: Msg) -> None:
        words = atoms(msg)
        if inlet == 1:
            self.right = words[0]
            return
        if words:
            self.left = words[0]
        floating = isinstance(self.right, float)
        a, b = (float(self.left), float(self.right)) if floating else (int(self.left), int(self.right))
        ops = {"/": _c_div, "+": operator.add, "maximum": max, "==": lambda x, y: int(x == y)}
        self.out(0, (ops[self.op](a, b),))


class Store(Obj):
    """``i``/``f``: a number in the left inlet is stored and output, a bang outputs it, the right inlet only
    stores; the argument is the value at first (REF int, REF float)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.cast = int if self.box["text"].split()[0] == "i" else float
        self.value = self.cast(parse_atom(self.args[0])) if self.args else self.cast(0)

    def receive(self, inlet: int, msg: Msg) -> None:
        words = atoms(msg)
        if words:
            if not is_number(words[0]):
                self.refuse(inlet, msg)
            self.value = self.cast(words[0])
        if inlet == 0:
            self.out(0, (self.value,))


class ZlReg(Obj):
    """``zl.reg``: the left inlet stores and outputs, the right inlet stores, a bang outputs what is stored
    (nothing before anything is stored — the reference does not say; this model sends nothing) (REF zl.reg)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.stored: Msg | None = None

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg == ("zlclear",):
            self.stored = None
        elif is_bang(msg) and inlet == 0:
            if self.stored is not None:
                self.out(0, self.stored)
        elif inlet == 1:
            self.stored = msg
        else:
            self.stored = msg
            self.out(0, msg)


class ZlGroup(Obj):
    """``zl.group n``: collects atoms, outputs them when n are held or on a bang (nothing when empty),
    ``zlclear`` forgets them (REF zl.group)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.size = int(self.args[0]) if self.args else 256
        self.held: list = []

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg == ("zlclear",):
            self.held = []
        elif is_bang(msg):
            if self.held:
                held, self.held = self.held, []
                self.out(0, message(held))
        else:
            self.held.extend(atoms(msg))
            while len(self.held) >= self.size:
                full, self.held = self.held[: self.size], self.held[self.size :]
                self.out(0, message(full))


class ZlLen(Obj):
    """``zl.len``: the number of atoms in a message (REF zl.len)."""

    def receive(self, inlet: int, msg: Msg) -> None:
        self.out(0, (len(atoms(msg)),))


class ZlSlice(Obj):
    """``zl.slice n``: the first n atoms from the left outlet, the rest from the right one, right first
    (REF zl.slice)."""

    def receive(self, inlet: int, msg: Msg) -> None:
        words, n = atoms(msg), int(self.args[0]) if self.args else 0
        if words[n:]:
            self.out(1, message(list(words[n:])))
        self.out(0, message(list(words[:n])))


class ZlLookup(Obj):
    """``zl.lookup items…``: an index (from 0) in the left inlet outputs that element of the list — given
    as arguments or in the right inlet; a symbol element leaves as ``symbol x`` (REF zl.lookup)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.items = [parse_atom(w) for w in self.args]

    def receive(self, inlet: int, msg: Msg) -> None:
        if inlet == 1:
            self.items = list(atoms(msg))
            return
        index = int(atoms(msg)[0])
        if 0 <= index < len(self.items):
            item = self.items[index]
            self.out(0, ("symbol", item) if isinstance(item, str) else (item,))


class Uzi(Obj):
    """``uzi n``: a bang (or a number, which also sets n) sends n bangs, each preceded by its count from 1 out
    of the right outlet, then a bang from the middle outlet; the right inlet sets n (REF uzi)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.count = int(self.args[0]) if self.args else 0

    def receive(self, inlet: int, msg: Msg) -> None:
        words = atoms(msg)
        if words:
            self.count = int(words[0])
        if inlet == 1:
            return
        for k in range(1, self.count + 1):
            self.out(2, (k,))
            self.out(0, bang())
        self.out(1, bang())


class Send(Obj):
    """``s name``: to every ``r name`` (REF send); ``---`` names are local to the device in Live."""

    def receive(self, inlet: int, msg: Msg) -> None:
        for receiver in self.sim.receivers(self.args[0]):
            receiver.out(0, msg)


class Receive(Obj):
    """``r name``: what any ``s name`` sends (REF receive)."""


class Timed(Obj):
    """A box whose output is scheduled on the simulator's clock."""

    def schedule(self, delay_ms: float, action: Callable[[], None]) -> object:
        return self.sim.schedule(self.sim.now + max(0.0, delay_ms) / 1000.0, action)


class Delay(Timed):
    """``delay ms``: a bang is sent on after ms (a new bang restarts it), ``stop`` cancels; the right inlet sets
    ms (REF delay)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.ms = float(self.args[0]) if self.args else 0.0
        self.pending: object | None = None

    def receive(self, inlet: int, msg: Msg) -> None:
        if inlet == 1:
            self.ms = float(atoms(msg)[0])
            return
        self.sim.cancel(self.pending)
        if msg != ("stop",):
            self.pending = self.schedule(self.ms, lambda: self.out(0, bang()))


class ZlModes(Obj):
    """``zl mode n``: the single-object spelling of ``zl.reg``, ``zl.group``, ``zl.slice`` (REF zl)."""

    def __init__(self, sim: Sim, box: dict, args: list[str], attrs: dict) -> None:
        super().__init__(sim, box, args, attrs)
        self.inner = {"reg": ZlReg, "group": ZlGroup, "slice": ZlSlice}[args[0]](sim, box, args[1:], attrs)

    def receive(self, inlet: int, msg: Msg) -> None:
        self.inner.receive(inlet, msg)


class ListFunnel(Obj):
    """``listfunnel``: each element of a list as ``index element``, from index 0 (REF listfunnel)."""

    def receive(self, inlet: int, msg: Msg) -> None:
        for index, atom in enumerate(atoms(msg)):
            self.out(0, (index, atom))


class MakeNote(Timed):
    """``makenote velocity duration``: a pitch leaves at once with the velocity, and again with velocity 0
    after the duration (set by inlet 2); ``stop`` sends every pending note-off now (REF makenote)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.velocity = int(self.args[0]) if self.args else 0
        self.duration = float(self.args[1]) if len(self.args) > 1 else 0.0
        self.held: dict[object, int] = {}

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg == ("stop",):
            for event, pitch in list(self.held.items()):
                self.sim.cancel(event)
                self.out(1, (0,))
                self.out(0, (pitch,))
            self.held.clear()
            return
        value = atoms(msg)[0]
        if inlet == 1:
            self.velocity = int(value)
        elif inlet == 2:
            self.duration = float(value)
        else:
            pitch, holder = int(value), []

            def off() -> None:
                self.held.pop(holder[0], None)
                self.out(1, (0,))
                self.out(0, (pitch,))

            holder.append(self.schedule(self.duration, off))
            self.held[holder[0]] = pitch
            self.out(1, (self.velocity,))
            self.out(0, (pitch,))


class Pipe(Timed):
    """``pipe a… ms``: the numbers of its inlets (one per argument but the last, which is the delay, set by
    the rightmost inlet) are sent on after the delay when the left inlet gets a number or a list; ``clear``
    forgets the numbers waiting, ``flush`` sends them all at once (REF pipe)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        args = self.args or ["0"]  # one argument is the delay alone
        self.slots: list = [parse_atom(w) for w in args[:-1]] or [0]
        self.ms = float(args[-1])
        self.pending: dict[object, tuple] = {}

    def receive(self, inlet: int, msg: Msg) -> None:
        if inlet == len(self.slots):
            self.ms = float(atoms(msg)[0])
        elif inlet > 0:
            self.slots[inlet] = type(self.slots[inlet])(atoms(msg)[0])
        elif msg == ("clear",):
            for event in self.pending:
                self.sim.cancel(event)
            self.pending.clear()
        elif msg == ("flush",):
            waiting = sorted(self.pending.items(), key=lambda kv: self.sim.due(kv[0]))
            for event, _ in waiting:
                self.sim.cancel(event)
            self.pending.clear()
            for _, values in waiting:
                self._send(values)
        else:
            for i, w in enumerate(atoms(msg)[: len(self.slots)]):
                self.slots[i] = type(self.slots[i])(w)
            values, holder = tuple(self.slots), []

            def fire() -> None:
                self.pending.pop(holder[0], None)
                self._send(values)

            holder.append(self.schedule(self.ms, fire))
            self.pending[holder[0]] = values

    def _send(self, values: tuple) -> None:
        for outlet in reversed(range(len(values))):
            self.out(outlet, (values[outlet],))


class Metro(Timed):
    """``metro``: a non-zero number or a bang starts it, 0 stops it. In milliseconds it bangs at once and
    then every interval; with a note value (``16n``) and ``@quantize`` it follows the transport: it bangs
    on the transport's grid while the transport runs, and not while it is stopped (REF metro; the Cycling '74
    forum thread "is metro @autostart 1 … the same as @active 1?": tempo-relative intervals follow it)."""

    NOTE_BEATS = {"1n": 4.0, "2n": 2.0, "4n": 1.0, "8n": 0.5, "16n": 0.25, "32n": 0.125}

    def __init__(self, *a) -> None:
        super().__init__(*a)
        interval = self.args[0] if self.args else "5"
        self.beats = self.NOTE_BEATS.get(interval)
        self.ms = None if self.beats else float(interval)
        self.on = False
        self.pending: object | None = None
        if self.beats is not None:
            self.sim.live.observe("*", lambda prop: self._plan())

    def receive(self, inlet: int, msg: Msg) -> None:
        if inlet == 1:
            self.refuse(inlet, msg)
        self.on = is_bang(msg) or bool(atoms(msg)[0])
        self.sim.cancel(self.pending)
        if self.on and self.ms is not None:
            self._tick_ms()
        elif self.on:
            self._plan()

    def _tick_ms(self) -> None:
        self.out(0, bang())
        if self.on:
            self.pending = self.schedule(self.ms, self._tick_ms)

    def _plan(self) -> None:
        """Next bang at the next grid line of the song position (after a jump too), if Live plays."""
        self.sim.cancel(self.pending)
        live = self.sim.live
        if not (self.on and live.is_playing):
            return
        here = live.position(self.sim.now)
        grid = (math.floor(here / self.beats + 1e-9) + 1) * self.beats
        self.pending = self.schedule((grid - here) * 60000.0 / live.tempo, self._tick_beat)

    def _tick_beat(self) -> None:
        self.out(0, bang())
        self._plan()


class Transport(Obj):
    """``transport``: a bang reports, right to left: ticks (float, 480 a beat), state, time signature, tempo,
    resolution, units, beats, bars (REF transport; in Max for Live it follows Live's transport)."""

    def receive(self, inlet: int, msg: Msg) -> None:
        if not is_bang(msg):
            self.refuse(inlet, msg)
        live = self.sim.live
        beat = live.position(self.sim.now)
        self.out(7, (beat * TICKS_PER_BEAT,))
        self.out(6, (int(live.is_playing),))
        self.out(5, (4, 4))
        self.out(4, (float(live.tempo),))
        self.out(3, (TICKS_PER_BEAT,))
        self.out(2, (float((beat % 1) * TICKS_PER_BEAT),))
        self.out(1, (int(beat % 4) + 1,))
        self.out(0, (int(beat // 4) + 1,))


class ThisDevice(Obj):
    """``live.thisdevice``: a bang from the left outlet when the device is loaded and the Live API is ready
    (REF live.thisdevice); ``Sim.load`` sends it after the parameters are restored."""


class LivePath(Obj):
    """``live.path``: ``path live_set`` answers ``id n`` from the left outlet (REF live.path)."""

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg != ("path", "live_set"):
            self.refuse(inlet, msg)
        self.out(0, ("id", 1))


class LiveObserver(Obj):
    """``live.observer @property p``: ``id n`` in the right inlet selects the object; the property's value
    then leaves the left outlet at once and on every change. A property the object lacks (Live 11 has no
    song scales) gives no value (REF live.observer)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.prop = (self.attrs.get("property") or self.args)[0]
        self.bound = False

    def receive(self, inlet: int, msg: Msg) -> None:
        if inlet != 1 or msg[:1] != ("id",):
            self.refuse(inlet, msg)
        live = self.sim.live
        if not live.has(self.prop):
            return
        if not self.bound:
            self.bound = True
            live.observe(self.prop, lambda value: self.out(0, value))
        self.out(0, live.value(self.prop))


class MidiFormat(Obj):
    """``midiformat``: a list ``pitch velocity`` in the left inlet becomes the three bytes of a note-on
    (velocity 0: a note-off by convention) on the channel set in inlet 6 (REF midiformat)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.channel = 1

    def receive(self, inlet: int, msg: Msg) -> None:
        words = atoms(msg)
        if inlet == 6:
            self.channel = int(words[0])
            return
        if inlet != 0 or len(words) != 2:
            self.refuse(inlet, msg)
        for byte in (0x90 + (self.channel - 1) % 16, int(words[0]), int(words[1])):
            self.out(0, (byte,))


class MidiOut(Obj):
    """``midiout``: bytes to the track (REF midiout); the simulator collects them as (status, data1, data2)."""

    def receive(self, inlet: int, msg: Msg) -> None:
        self.sim.midi_bytes.append(int(atoms(msg)[0]))


class MidiIn(Obj):
    """``midiin``: MIDI coming into the device (REF midiin); the simulator plays none."""


class UdpSend(Obj):
    """``udpsend host port``: a message becomes an OSC message — its first atom the address, the others
    ``i``/``f``/``s`` arguments; ``host x`` and ``port n`` change where they go (REF udpsend)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.host, self.port = self.args[0], int(self.args[1])

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg[:1] == ("host",) and len(msg) == 2 and isinstance(msg[1], str):
            self.host = msg[1]
        elif msg[:1] == ("port",) and len(msg) == 2 and isinstance(msg[1], int):
            self.port = msg[1]
        elif msg and isinstance(msg[0], str) and msg[0].startswith("/"):
            self.sim.sent.append(Sent(self.sim.now, self.host, self.port, msg[0], tuple(msg[1:])))
            self.sim.sink(self.host, self.port, msg[0], tuple(msg[1:]))
        else:
            self.refuse(inlet, msg)


class UdpReceive(Obj):
    """``udpreceive port``: each OSC message received on the port leaves as ``address args…``; ``port n``
    listens on another port (REF udpreceive)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.port = int(self.args[0])

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg[:1] != ("port",) or len(msg) != 2 or not isinstance(msg[1], int):
            self.refuse(inlet, msg)
        self.port = msg[1]


class MessageBox(Obj):
    """A message box: a bang sends its text, a number or list sends it with ``$1``… replaced by the input's
    atoms, ``set …`` replaces the text silently; commas separate messages sent one after another
    (REF message)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.text = self.box.get("text", "")

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg[:1] == ("set",):
            self.text = " ".join(str(w) for w in msg[1:])
            return
        if inlet == 1:
            self.text = " ".join(str(w) for w in atoms(msg))
            return
        words = atoms(msg)
        if not is_bang(msg) and not all(is_number(w) for w in words):
            self.refuse(inlet, msg)
        for part in self.text.split(","):
            out = []
            for w in part.split():
                dollar = re.fullmatch(r"\$(\d)", w)
                out.append(words[int(dollar.group(1)) - 1] if dollar else parse_atom(w))
            if out:
                self.out(0, message(out))


class Comment(Obj):
    """``comment``: ``set …`` shows the words, ``textcolor r g b a`` colours them (REF comment)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.text = self.box.get("text", "")
        self.color: tuple = ()

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg[:1] == ("set",):
            self.text = " ".join(_show(w) for w in msg[1:])
        elif msg[:1] == ("textcolor",):
            self.color = tuple(msg[1:])
        else:
            self.refuse(inlet, msg)


def _show(atom: Atom) -> str:
    return f"{atom:g}" if isinstance(atom, float) else str(atom)


class TextEdit(Obj):
    """``textedit``: typing and Return send ``text <what was typed>`` from the left outlet (REF textedit; every
    real device here that feeds a textedit to udpsend or udpreceive puts ``route text`` between)."""

    def type(self, text: str) -> None:
        self.out(0, ("text", *parse_words(text)))


class LiveControl(Obj):
    """A ``live.*`` parameter: its value leaves the left outlet when the performer changes it, when it is
    restored at load, and on a number or bang; ``set x`` changes it silently. An Int parameter holds at most
    256 values — "the native integer representation is limited to a range of 0-255 … [for values] outside
    of the 0-255 range, the Type attribute should be set to Float, and the Unit Style attribute should be
    set to Int" (https://docs.cycling74.com/max5/refpages/m4l-ref/parameters.html); real Int parameters
    span −24…24 (tests/data/max_evidence.json), so the model keeps 256 values from the minimum and clips.
    Int and Enum values leave as ints, Float ones as floats. ``live.menu`` takes new items with
    ``_parameter_range a b c`` (REF live.dial, live.numbox, live.menu, live.text)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        v = self.box["saved_attribute_attributes"]["valueof"]
        self.kind = v.get("parameter_type", 0)
        self.low = v.get("parameter_mmin", 0.0)
        self.high = v.get("parameter_mmax", 127.0)
        self.enum = list(v.get("parameter_enum", []))
        if self.kind == 2:
            self.low, self.high = 0, max(0, len(self.enum) - 1)
        if self.kind == 1:
            self.high = min(self.high, self.low + INT_PARAMETER_VALUES - 1)
        self.initial = v.get("parameter_initial", [self.low])[0]
        self.value = self.initial
        self.longname = v["parameter_longname"]

    def _clip(self, value: float) -> Atom:
        value = min(max(value, self.low), self.high)
        return float(value) if self.kind == 0 else int(round(value))

    def change(self, value: float) -> None:
        self.value = self._clip(value)
        self.out(0, (self.value,))

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg[:1] == ("_parameter_range",) and self.box["maxclass"] == "live.menu":
            self.enum = [str(w) for w in msg[1:]]
            self.high = max(0, len(self.enum) - 1)
            self.value = self._clip(self.value)
        elif msg[:1] == ("set",):
            self.value = self._clip(msg[1])
        elif is_bang(msg):
            self.out(0, (self.value,))
        elif len(msg) == 1 and is_number(msg[0]):
            self.change(msg[0])
        else:
            self.refuse(inlet, msg)


class MatrixCtrl(Obj):
    """``matrixctrl``: a list of (column row value) triplets sets those cells and is sent on from the left
    outlet; ``clear`` sets every cell to 0 (REF matrixctrl)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.columns, self.rows = int(self.box["columns"]), int(self.box["rows"])
        self.cells: dict[tuple[int, int], int] = {}

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg == ("clear",):
            self.cells.clear()
            return
        words = atoms(msg)
        if len(words) % 3 or not all(isinstance(w, int) for w in words):
            self.refuse(inlet, msg)
        for col, row, value in zip(words[::3], words[1::3], words[2::3]):
            if not (0 <= col < self.columns and 0 <= row < self.rows):
                raise SimError(f"{self.describe()}: no cell {col} {row}")
            if value:
                self.cells[col, row] = value
            else:
                self.cells.pop((col, row), None)
        self.out(0, msg)


class MultiSlider(Obj):
    """``multislider``: ``size n`` sets the number of sliders, ``set v…`` their values without output
    (REF multislider)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.values: list = [0.0] * int(self.box.get("size", 1))

    def receive(self, inlet: int, msg: Msg) -> None:
        if msg[:1] == ("size",):
            self.values = (self.values + [0.0] * int(msg[1]))[: int(msg[1])]
        elif msg[:1] == ("set",):
            self.values = list(msg[1:])
        else:
            self.refuse(inlet, msg)


NEWOBJ: dict[str, type[Obj]] = {
    "t": Trigger, "prepend": Prepend, "sprintf": Sprintf, "pack": Pack, "pak": Pack, "unpack": Unpack,
    "route": Route, "sel": Select, "gate": Gate, "change": Change, "expr": Expr, "/": Arith, "==": Arith,
    "+": Arith, "maximum": Arith, "zl": ZlModes, "listfunnel": ListFunnel, "makenote": MakeNote,
    "i": Store, "f": Store, "zl.reg": ZlReg, "zl.group": ZlGroup, "zl.len": ZlLen,
    "zl.slice": ZlSlice, "zl.lookup": ZlLookup, "uzi": Uzi, "s": Send, "r": Receive, "delay": Delay,
    "pipe": Pipe, "metro": Metro, "transport": Transport, "live.thisdevice": ThisDevice, "live.path": LivePath,
    "live.observer": LiveObserver, "midiformat": MidiFormat, "midiout": MidiOut, "midiin": MidiIn,
    "udpsend": UdpSend, "udpreceive": UdpReceive,
}
UI: dict[str, type[Obj]] = {
    "message": MessageBox, "comment": Comment, "textedit": TextEdit, "live.dial": LiveControl,
    "live.numbox": LiveControl, "live.menu": LiveControl, "live.text": LiveControl, "matrixctrl": MatrixCtrl,
    "multislider": MultiSlider,
}


@dataclass(frozen=True)
class Sent:
    """One OSC message the device sent: when (simulated seconds), where to, address and arguments."""

    time: float
    host: str
    port: int
    address: str
    args: tuple

    @property
    def typetags(self) -> str:
        return "".join("f" if isinstance(a, float) else "i" if isinstance(a, int) else "s" for a in self.args)


class Sim:
    """The device's patcher, running: load it, move its controls, let time pass, feed it replies."""

    def __init__(self, patcher: dict, live: SimLive | None = None, reverse_fanout: bool = False,
                 sink: Callable[[str, int, str, tuple], None] | None = None) -> None:
        self.live = live or SimLive()
        self.now = 0.0
        self.sent: list[Sent] = []
        self.sink = sink or (lambda host, port, address, args: None)
        self.midi_bytes: list[int] = []
        self._queue: list = []
        self._cancelled: set = set()
        self._times: dict = {}
        self._seq = itertools.count()
        body = patcher["patcher"]
        self.boxes = {b["box"]["id"]: b["box"] for b in body["boxes"]}
        order = -1 if reverse_fanout else 1
        cords: dict[tuple[str, int], list] = defaultdict(list)
        for line in body["lines"]:
            (src, outlet), (dst, inlet) = line["patchline"]["source"], line["patchline"]["destination"]
            if not 0 <= outlet < self.boxes[src]["numoutlets"] or not 0 <= inlet < self.boxes[dst]["numinlets"]:
                raise SimError(f"cord {src}:{outlet} -> {dst}:{inlet} names a missing outlet or inlet")
            cords[src, outlet].append((dst, inlet))
        # Max sends a fan-out right to left by the destinations' positions
        for targets in cords.values():
            targets.sort(key=lambda t: [-v for v in self.boxes[t[0]]["patching_rect"][:2]])
            if reverse_fanout:
                targets.reverse()
        self._cords = cords
        self.objects: dict[str, Obj] = {}
        for box_id, box in self.boxes.items():
            self.objects[box_id] = self._make(box)
        self._receivers: dict[str, list[Obj]] = defaultdict(list)
        for obj in list(self.objects.values())[::order]:
            if isinstance(obj, Receive):
                self._receivers[obj.args[0]].append(obj)

    def _make(self, box: dict) -> Obj:
        if box["maxclass"] == "newobj":
            name, args, attrs = split_args(box["text"])
            if name not in NEWOBJ:
                raise SimError(f"{box['id']}: no model of the Max class {name!r}")
            return NEWOBJ[name](self, box, args, attrs)
        if box["maxclass"] not in UI:
            raise SimError(f"{box['id']}: no model of the Max class {box['maxclass']!r}")
        return UI[box["maxclass"]](self, box, [], {})

    # --- message passing and time --------------------------------------------------------------------

    def emit(self, source: Obj, outlet: int, msg: Msg) -> None:
        if not 0 <= outlet < source.box["numoutlets"]:
            raise SimError(f"{source.describe()} has no outlet {outlet}")
        for dst, inlet in self._cords.get((source.id, outlet), ()):
            self.objects[dst].receive(inlet, msg)

    def receivers(self, name: str) -> list[Obj]:
        return self._receivers.get(name, [])

    def schedule(self, at: float, action: Callable[[], None]) -> object:
        event = next(self._seq)
        self._times[event] = at
        heapq.heappush(self._queue, (at, event, action))
        return event

    def cancel(self, event: object | None) -> None:
        if event is not None:
            self._cancelled.add(event)

    def due(self, event: object) -> float:
        return self._times[event]

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass, running everything scheduled in it, in order."""
        self.run_until(self.now + seconds)

    def run_until(self, end: float) -> None:
        while self._queue and self._queue[0][0] <= end:
            at, event, action = heapq.heappop(self._queue)
            if event in self._cancelled:
                self._cancelled.discard(event)
                continue
            self.now = max(self.now, at)
            action()
        self.now = max(self.now, end)

    # --- the device in Live ----------------------------------------------------------------------------

    def controls(self) -> list[LiveControl]:
        return [o for o in self.objects.values() if isinstance(o, LiveControl)]

    def control(self, longname: str) -> LiveControl:
        found = [c for c in self.controls() if c.longname == longname]
        if len(found) != 1:
            raise LookupError(f"{len(found)} controls named {longname!r}")
        return found[0]

    def load(self, reverse_parameters: bool = False, stored: dict[str, float] | None = None) -> None:
        """Open the device: every parameter is restored — to its initial value, or to the value the Live set
        ``stored`` — (Live gives no order; reversible here), then ``live.thisdevice`` bangs."""
        stored = stored or {}
        controls = self.controls()
        for control in reversed(controls) if reverse_parameters else controls:
            control.change(stored.get(control.longname, control.initial))
        for obj in self.objects.values():
            if isinstance(obj, ThisDevice):
                obj.out(0, bang())

    def set(self, longname: str, value: float) -> None:
        """The performer turns a control (or picks a menu item, by index)."""
        self.control(longname).change(value)

    def type(self, varname: str, text: str) -> None:
        """The performer types into a ``textedit`` and presses Return."""
        boxes = [o for o in self.objects.values() if isinstance(o, TextEdit) and o.box.get("varname") == varname]
        if len(boxes) != 1:
            raise LookupError(varname)
        boxes[0].type(text)

    def shown(self, varname: str) -> Obj:
        """The presentation object with this scripting name (a comment's text, the piano roll's cells …)."""
        found = [o for o in self.objects.values() if o.box.get("varname") == varname]
        if len(found) != 1:
            raise LookupError(varname)
        return found[0]

    def reply_port(self) -> int:
        return next(o.port for o in self.objects.values() if isinstance(o, UdpReceive))

    def deliver(self, address: str, *args: Atom, port: int | None = None) -> None:
        """An OSC message from the daemon arrives at ``port`` (the device's reply port by default)."""
        for obj in self.objects.values():
            if isinstance(obj, UdpReceive) and (port is None or port == obj.port):
                obj.out(0, (address, *args))

    def live_set(self, prop: str, value: object) -> None:
        self.live.set(prop, value, self.now)

    def locate(self, beat: float) -> None:
        self.live.locate(beat, self.now)

    def notes(self) -> list[tuple[int, int, int]]:
        """The MIDI the device played into its track, as (status, pitch, velocity) triples."""
        b = self.midi_bytes
        return [tuple(b[i : i + 3]) for i in range(0, len(b) - len(b) % 3, 3)]

    def messages(self, address: str | None = None) -> list[Sent]:
        return [s for s in self.sent if address is None or s.address == address]


def midi_faults(notes: list[tuple[int, int, int]], ended: bool = True) -> list[str]:
    """What a synth would hear wrong in the device's MIDI, (status, pitch, velocity) triples: a note-off for a note
    not sounding, a note-on of a note already sounding, two notes at once (a voice plays one), and with ``ended`` a
    note still sounding at the end."""
    sounding, faults = set(), []
    for status, pitch, velocity in notes:
        key, on = (status & 0x0F, pitch), status & 0xF0 == 0x90 and velocity > 0
        if on and key in sounding:
            faults.append(f"note-on of {key} sounding")
        elif not on and key not in sounding:
            faults.append(f"note-off of {key} not sounding")
        (sounding.add if on else sounding.discard)(key)
        if len(sounding) > 1:
            faults.append(f"{sorted(sounding)} at once")
    return faults + ([f"{key} left sounding" for key in sorted(sounding)] if ended else [])
