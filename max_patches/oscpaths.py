"""What the device sends over OSC and listens for, read from the patcher JSON alone.

Max turns a message into OSC by its atoms: the first (a symbol) is the address and every int,
float or symbol after it becomes an ``i``, ``f`` or ``s`` argument. The device builds each message
with a ``prepend <address>`` fed by a typed box (``i``, ``f``, ``pack``, ``zl group``), or with a
message box holding the whole message, and every message reaches the one ``udpsend`` through
``s``/``r`` pairs. Following those cords backwards from ``udpsend`` yields every address the
device can send and the type tags it sends with — no list is kept by hand. A path this reader
cannot type is an error, so an untyped control cannot slip through to the daemon.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

VOICE = "<v>"
UDP_COMMANDS = ("host", "port")  # messages udpsend takes as settings, not as OSC


class PathError(ValueError):
    """The patch sends something whose address or type tags cannot be read from it."""


@dataclass(frozen=True)
class OscPath:
    """One kind of message the device sends: address (``<v>`` = voice), type tags, origin.

    ``typetags`` ending in ``+`` means the last tag repeats one or more times (``f+``: a weight per style).
    """

    address: str
    typetags: str
    box_id: str
    controls: tuple[str, ...]  # long names of the live.* controls upstream, nearest first

    def concrete(self, voice: int) -> str:
        return self.address.replace(VOICE, str(voice))

    def tags(self, repeat: int = 1) -> str:
        """The type tags with a repeated group expanded ``repeat`` times."""
        if self.typetags.endswith("+"):
            return self.typetags[:-2] + self.typetags[-2] * repeat
        return self.typetags


class Graph:
    """Boxes and cords of a patcher, with ``s name`` → ``r name`` treated as cords."""

    def __init__(self, patcher: dict) -> None:
        body = patcher["patcher"]
        self.boxes: dict[str, dict] = {b["box"]["id"]: b["box"] for b in body["boxes"]}
        self._into: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
        self._out: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
        for line in body["lines"]:
            (src, outlet), (dst, inlet) = line["patchline"]["source"], line["patchline"]["destination"]
            self._into[(dst, inlet)].append((src, outlet))
            self._out[(src, outlet)].append((dst, inlet))

    def text(self, box_id: str) -> str:
        return self.boxes[box_id].get("text", "")

    def find(self, pattern: str) -> list[str]:
        """Ids of object boxes whose text matches ``pattern`` (a regular expression, anchored)."""
        return [i for i, b in self.boxes.items() if b["maxclass"] == "newobj" and re.fullmatch(pattern, self.text(i))]

    def feeders(self, box_id: str, inlet: int = 0) -> list[tuple[str, int]]:
        """(box, outlet) pairs whose output reaches this inlet, looking through ``r``/``s`` pairs."""
        found = []
        for src, outlet in self._into[(box_id, inlet)]:
            words = self.text(src).split()
            if self.boxes[src]["maxclass"] == "newobj" and words[:1] == ["r"]:
                for send in self.find(rf"s {re.escape(words[1])}"):
                    found.extend(self.feeders(send, 0))
            else:
                found.append((src, outlet))
        return found

    def consumers(self, box_id: str, outlet: int = 0) -> list[tuple[str, int]]:
        return list(self._out[(box_id, outlet)])

    def is_trigger(self, box_id: str, outlet: int) -> bool:
        """Bangs and address rewrites (``sprintf``) say when or where to send, not what value."""
        box = self.boxes[box_id]
        if box.get("outlettype", [""] * (outlet + 1))[outlet] == "bang":
            return True
        return box["maxclass"] == "newobj" and self.text(box_id).split()[:1] == ["sprintf"]

    def upstream_controls(self, box_id: str) -> tuple[str, ...]:
        """Long names of ``live.*`` parameters whose values flow into this box, nearest first."""
        seen, queue, names = {box_id}, [box_id], []
        while queue:
            current = queue.pop(0)
            box = self.boxes[current]
            valueof = box.get("saved_attribute_attributes", {}).get("valueof", {})
            if current != box_id and "parameter_longname" in valueof:
                names.append(valueof["parameter_longname"])
                continue
            if self.text(current).split()[:1] == ["udpreceive"]:
                continue  # values from the daemon, not from a control
            for inlet in range(box["numinlets"]):
                for src, outlet in self.feeders(current, inlet):
                    if src not in seen and not self.is_trigger(src, outlet):
                        seen.add(src)
                        queue.append(src)
        return tuple(names)


def _atom_tag(atom: str) -> str:
    if re.fullmatch(r"-?\d+", atom):
        return "i"
    if re.fullmatch(r"-?(\d+\.\d*|\.\d+|\d+\.)", atom):
        return "f"
    if "$" in atom:
        raise PathError(f"cannot type the placeholder {atom!r}")
    return "s"


def _typed_output(graph: Graph, box_id: str, outlet: int) -> str:
    """The type tags of what leaves a typing box; a box that does not fix its types is an error."""
    box = graph.boxes[box_id]
    words = graph.text(box_id).split()
    if box["maxclass"] == "message":
        return "".join(_atom_tag(a) for a in words)
    kind = words[0] if words else ""
    if kind in ("i", "f"):
        return kind
    if kind == "pack":
        return "".join({"i": "i", "f": "f", "s": "s"}.get(a) or _atom_tag(a) for a in words[1:])
    if words[:2] == ["zl", "group"]:
        values = [(src, o) for src, o in graph.feeders(box_id, 0) if not _steers(graph, src, o)]
        element = {_typed_output(graph, src, o) for src, o in values}
        if len(element) != 1 or len(next(iter(element))) != 1:
            raise PathError(f"{box_id} groups values of types {sorted(element)}")
        return next(iter(element)) + "+"
    raise PathError(f"{box_id} ({graph.text(box_id) or box['maxclass']}) does not fix the OSC type tags")


def _steers(graph: Graph, box_id: str, outlet: int) -> bool:
    """Bangs and ``zlclear`` tell a ``zl group`` when to output or forget; they are not values."""
    if graph.is_trigger(box_id, outlet):
        return True
    return graph.boxes[box_id]["maxclass"] == "message" and graph.text(box_id).split()[:1] == ["zlclear"]


def _rewrites(graph: Graph, box_id: str, inlet: int, keyword: str) -> list[str]:
    """Address templates written into a box by ``sprintf <keyword> ...%ld...`` on voice changes."""
    templates = []
    for src, _ in graph.feeders(box_id, inlet):
        words = graph.text(src).split()
        if graph.boxes[src]["maxclass"] == "newobj" and words[:2] == ["sprintf", keyword]:
            templates.append(" ".join(words[2:]).replace("%ld", VOICE))
    return templates


def _address(graph: Graph, box_id: str, literal: str) -> str:
    """The box's address, as a template when sprintf rewrites it; the two must agree for voice 1."""
    templates = _rewrites(graph, box_id, 0, "set")
    if not templates:
        return literal.split()[0]
    if len(set(templates)) != 1 or templates[0].replace(VOICE, "1") != literal:
        raise PathError(f"{box_id} holds {literal!r} but is rewritten to {templates}")
    return templates[0].split()[0]


def sent_paths(patcher: dict) -> tuple[list[OscPath], list[str]]:
    """Every OSC message the device can send, and the udpsend settings it can change (host, port)."""
    graph = Graph(patcher)
    senders = graph.find(r"udpsend( .*)?")
    if len(senders) != 1:
        raise PathError(f"expected one udpsend, found {len(senders)}")
    paths, settings = [], []
    for src, _ in graph.feeders(senders[0]):
        box, words = graph.boxes[src], graph.text(src).split()
        if box["maxclass"] == "newobj" and words[0] == "prepend":
            head = words[1]
            if head in UDP_COMMANDS:
                settings.append(head)
                continue
            tags = {
                _typed_output(graph, f, o)
                for f, o in graph.feeders(src, 0)
                if graph.text(f).split()[:1] != ["sprintf"]
            }
            if len(tags) != 1:
                raise PathError(f"{src} ({graph.text(src)}) is fed values typed {sorted(tags) or 'nowhere'}")
            address, typetags = _address(graph, src, " ".join(words[1:])), tags.pop()
        elif box["maxclass"] == "message" and words and words[0].startswith("/"):
            address, typetags = _address(graph, src, graph.text(src)), _typed_output(graph, src, 0)[1:]
        else:
            raise PathError(f"{src} ({graph.text(src) or box['maxclass']}) reaches udpsend but is no OSC message")
        paths.append(OscPath(address, typetags, src, graph.upstream_controls(src)))
    return paths, settings


def listened_addresses(patcher: dict) -> list[str]:
    """The addresses the device routes from its ``udpreceive`` (templates with ``<v>``)."""
    graph = Graph(patcher)
    addresses = []
    for receiver in graph.find(r"udpreceive( .*)?"):
        for dst, _ in graph.consumers(receiver):
            words = graph.text(dst).split()
            if words[:1] != ["route"]:
                continue
            for k, literal in enumerate(words[1:], start=1):
                templates = _rewrites(graph, dst, k, "symout")
                addresses.append(templates[0] if templates else literal)
    return addresses
