"""Concrete OSC messages the device sends, generated from its patcher for playback without Max.

The end-to-end test cannot run Max, so it replays what the device would send. To keep that honest
the messages come from the patch: addresses and type tags from ``oscpaths.sent_paths``, value
ranges from the controls' parameters, and the style blend from the very ``expr`` the patch uses to
weigh each style. A value is coerced to the tag Max would put on the wire (an ``f`` is a Python
float, an ``i`` an int), so python-osc sends the same type tags.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass

from max_patches.oscpaths import Graph, OscPath, sent_paths

_COERCE = {"i": int, "f": float, "s": str}
_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.USub: operator.neg,
}


@dataclass(frozen=True)
class Message:
    address: str
    args: tuple


def evaluate_expr(text: str, inputs: Sequence[float]) -> float:
    """Evaluate a Max ``expr`` of arithmetic and ``==`` on ``$i1``/``$f1``… inputs (1-based)."""

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.operand))
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _OPS:
            return float(_OPS[type(node.ops[0])](walk(node.left), walk(node.comparators[0])))
        if isinstance(node, ast.Name) and re.fullmatch(r"[if]\d+", node.id):
            value = inputs[int(node.id[1:]) - 1]
            return int(value) if node.id[0] == "i" else float(value)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        raise ValueError(f"unsupported expr element {ast.dump(node)}")

    return walk(ast.parse(text.replace("$", ""), mode="eval"))


class DeviceMessages:
    """Builds the messages each control or transport path of the device emits."""

    def __init__(self, patcher: dict) -> None:
        self.patcher = patcher
        self.graph = Graph(patcher)
        self.paths, _ = sent_paths(patcher)

    def path(self, address: str, control: str | None = None) -> OscPath:
        """The path sending ``address`` (a template); ``control`` picks the one a given control drives."""
        found = [p for p in self.paths if p.address == address and (control is None or control in p.controls[:1])]
        if control is None:
            found = [p for p in found if not p.controls] or found
        if len(found) != 1:
            raise LookupError(f"{len(found)} paths send {address} for control {control!r}")
        return found[0]

    def message(self, address: str, *values: object, voice: int = 1, control: str | None = None) -> Message:
        """``address`` with ``values`` typed as the patch types them; the count must match too."""
        path = self.path(address, control)
        if self.graph.boxes[path.box_id]["maxclass"] == "message":
            if values:
                raise ValueError(f"{address} is a message box: it always sends its own text")
            values = tuple(self.graph.text(path.box_id).split()[1:])
        fixed = len(path.typetags) - 2 if path.typetags.endswith("+") else len(path.typetags)
        tags = path.tags(max(1, len(values) - fixed))
        if len(values) != len(tags):
            raise ValueError(f"{address} takes {len(tags)} values ({tags}), got {len(values)}")
        return Message(path.concrete(voice), tuple(_COERCE[t](v) for t, v in zip(tags, values)))

    def parameter(self, longname: str) -> dict:
        """The ``valueof`` attributes of the control with this long name."""
        for box in self.graph.boxes.values():
            valueof = box.get("saved_attribute_attributes", {}).get("valueof", {})
            if valueof.get("parameter_longname") == longname:
                return valueof
        raise LookupError(longname)

    def weight_expr(self) -> str:
        """The ``expr`` that gives each style's weight in the /mix message."""
        mix = self.path("/stylevae/<v>/mix")
        queue, seen = [mix.box_id], set()
        while queue:
            box_id = queue.pop(0)
            if self.graph.text(box_id).startswith("expr "):
                return self.graph.text(box_id)[len("expr ") :]
            for inlet in range(self.graph.boxes[box_id]["numinlets"]):
                for src, _ in self.graph.feeders(box_id, inlet):
                    if src not in seen:
                        seen.add(src)
                        queue.append(src)
        raise LookupError("no expr weighs the styles")

    def mix(self, styles: int, style_a: int, style_b: int, blend: float, voice: int = 1) -> Message:
        """The /mix message the device sends for a style-A/style-B blend among ``styles`` styles."""
        text = self.weight_expr()
        weights = [evaluate_expr(text, (i, style_a, style_b, blend)) for i in range(styles)]
        return self.message("/stylevae/<v>/mix", *weights, voice=voice)

    def session(
        self,
        reply_port: int,
        styles: int,
        beats: int = 4,
        bpm: float = 120.0,
        voice: int = 1,
        style: int = 1,
        blend: float = 0.9,
    ) -> list[Message]:
        """What the device sends from loading to stopping, in order, with ``beats`` beats per phase.

        Connect: hello and ping; on the first pong the device asks for the styles and resends every
        control at its initial value, and the style names it receives trigger a /mix. Then the tempo,
        Live's transport starting (which starts the voice, Play being on) and the transport on every
        beat. After ``beats`` beats Style A changes to ``style`` (a /style, then the /mix it implies);
        after ``beats`` more the Blend dial goes to ``blend`` towards Style B (at its initial value);
        after ``beats`` more Live stops (the transport says so, and the voice stops).
        """
        initial = {name: self.parameter(name)["parameter_initial"][0] for name in (*_RESENT.values(), "Blend")}
        style_a, style_b = int(initial["Style A"]), int(self.parameter("Style B")["parameter_initial"][0])
        out = [
            self.message("/stylevae/hello", reply_port),
            self.message("/stylevae/ping"),
            self.message("/stylevae/styles"),
        ]
        out += [self.message(a, initial[c], voice=voice, control=c) for a, c in _RESENT.items()]
        out.append(self.mix(styles, style_a, style_b, initial["Blend"], voice=voice))  # once the names arrive
        out += [
            self.message("/stylevae/tempo", bpm),
            self.message("/stylevae/transport", 0.0, 1, bpm),
            self.message("/stylevae/<v>/play", 1, voice=voice, control="Play"),
        ]
        changes = [
            [self.message("/stylevae/<v>/style", style, voice=voice, control="Style A"),
             self.mix(styles, style, style_b, initial["Blend"], voice=voice)],
            [self.mix(styles, style, style_b, blend, voice=voice)],
            [],
        ]
        for phase, change in enumerate(changes):
            for beat in range(phase * beats + 1, (phase + 1) * beats + 1):
                out.append(self.message("/stylevae/transport", float(beat), 1, bpm))
            out += change
        out.append(self.message("/stylevae/transport", 3 * beats + 0.25, 0, bpm))
        out.append(self.message("/stylevae/<v>/play", 0, voice=voice, control="Play"))
        return out


# What the device resends on connecting: each per-voice address with the control that drives it.
_RESENT = {
    "/stylevae/<v>/channel": "Channel",
    "/stylevae/<v>/octave": "Octave",
    "/stylevae/<v>/velocity": "Velocity",
    "/stylevae/<v>/hold": "Hold",
    "/stylevae/<v>/style": "Style A",
    "/stylevae/<v>/temperature": "Temperature",
    "/stylevae/<v>/variation": "Variation",
    "/stylevae/<v>/density": "Density",
}
