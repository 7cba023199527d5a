"""Typed commands, and the pure validation that turns an OSC message into one.

Everything a client can send is checked here against ``osc_spec.SPEC`` (types, counts, ranges, NaN,
style names, phrase shapes) before anything in the daemon sees it, so a bad message can change nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stylevae.bridge import osc_spec
from stylevae.model.data.keys import Key, ScaleError, make_key
from stylevae.model.data.tokens import STEPS_PER_BEAT, Note, Vocabulary, notes_to_tokens


class Invalid(ValueError):
    """A message that is refused; the message is the reason sent back in /stylevae/error."""


@dataclass(frozen=True)
class Context:
    """What validation needs to know about the loaded model."""

    styles: tuple[str, ...]
    vocab: Vocabulary
    phrase_steps: int


# --- global commands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hello:
    host: str
    port: int


@dataclass(frozen=True)
class Bye:
    host: str
    port: int


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class Styles:
    pass


@dataclass(frozen=True)
class Transport:
    beat: float
    playing: bool
    bpm: float


@dataclass(frozen=True)
class Loop:
    on: bool
    start: float
    length: float


@dataclass(frozen=True)
class Tempo:
    bpm: float


@dataclass(frozen=True)
class Quantize:
    grid: str


@dataclass(frozen=True)
class SongKey:
    key: Key


# --- voice commands --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceCommand:
    voice: int  # 1..16


@dataclass(frozen=True)
class Play(VoiceCommand):
    on: bool


@dataclass(frozen=True)
class Mix(VoiceCommand):
    """Both /style and /mix: normalised weights, one per style."""

    weights: tuple[float, ...]


@dataclass(frozen=True)
class SetParam(VoiceCommand):
    """A scalar setting: temperature, variation, density, channel, octave, velocity or hold."""

    name: str
    value: float


@dataclass(frozen=True)
class Reseed(VoiceCommand):
    seed: int | None


@dataclass(frozen=True)
class Restyle(VoiceCommand):
    tokens: tuple[int, ...]  # one phrase on the model's grid


@dataclass(frozen=True)
class VoiceKey(VoiceCommand):
    key: Key | None  # None: follow the song's key again


@dataclass(frozen=True)
class Query(VoiceCommand):
    pass


@dataclass(frozen=True)
class Remove(VoiceCommand):
    pass


Command = Any  # one of the dataclasses above


def address_of(command: Command) -> str:
    """The address a command came from (``/style`` and ``/mix`` both give ``/mix``), for error replies."""
    name = command.name if isinstance(command, SetParam) else type(command).__name__.lower()
    name = "key" if isinstance(command, (SongKey, VoiceKey)) else name
    if isinstance(command, VoiceCommand):
        return f"{osc_spec.PREFIX}/{command.voice}/{name}"
    return f"{osc_spec.PREFIX}/{name}"
PARAMS = ("temperature", "variation", "density", "channel", "octave", "velocity", "hold", "lock")


def _number(arg: osc_spec.Arg, value: Any) -> float:
    """A numeric argument as float (ints, floats, booleans), finite and within the argument's range."""
    if isinstance(value, bool):
        value = int(value)
    if not isinstance(value, (int, float)):
        raise Invalid(f"{arg.name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise Invalid(f"{arg.name} must be a finite number, got {value}")
    if arg.kind == "int" and value != int(value):
        raise Invalid(f"{arg.name} must be a whole number, got {value}")
    if (arg.low is not None and value < arg.low) or (arg.high is not None and value > arg.high):
        raise Invalid(f"{arg.name} {value:g} is out of range {arg.low:g}..{arg.high:g}")
    return value


def _check_shape(entry: osc_spec.Entry, typetags: str) -> None:
    if not osc_spec.count_ok(entry, len(typetags)):
        want = entry.signature() or "no arguments"
        raise Invalid(f"wrong number of arguments ({len(typetags)}); expected {want}")
    for i, tag in enumerate(typetags):
        arg = osc_spec.arg_for_position(entry, i)
        if tag not in arg.tags:
            raise Invalid(f"argument {i + 1} ({arg.name}) has type '{tag}', expected one of '{arg.tags}'")


def _style_weights(value: Any, styles: Sequence[str]) -> tuple[float, ...]:
    if isinstance(value, str):
        if value not in styles:
            raise Invalid(f"unknown style {value!r}; styles are: {', '.join(styles)}")
        index = styles.index(value)
    else:
        number = float(value)
        if not math.isfinite(number) or number != int(number) or not 0 <= number < len(styles):
            raise Invalid(f"style index {value} is out of range 0..{len(styles) - 1}")
        index = int(number)
    return tuple(1.0 if i == index else 0.0 for i in range(len(styles)))


def _mix(values: Sequence[float], styles: Sequence[str]) -> tuple[float, ...]:
    if len(values) != len(styles):
        raise Invalid(f"{len(values)} weights given, the model has {len(styles)} styles ({', '.join(styles)})")
    total = sum(values)
    if total <= 0:
        raise Invalid("style weights must sum to a positive number")
    return tuple(v / total for v in values)


def _phrase(values: Sequence[float], context: Context) -> tuple[int, ...]:
    """Note triples (pitch, start beat, length in beats) -> the phrase's tokens on the 16th grid."""
    notes = []
    for i in range(0, len(values), 3):
        pitch, start, length = int(values[i]), values[i + 1], values[i + 2]
        if not context.vocab.low <= pitch <= context.vocab.high:
            raise Invalid(f"pitch {pitch} is outside the model's range {context.vocab.low}..{context.vocab.high}")
        first = round(start * STEPS_PER_BEAT)
        end = max(first + 1, round((start + length) * STEPS_PER_BEAT))
        notes.append(Note(pitch, first, end))
    try:
        tokens = notes_to_tokens(notes, context.phrase_steps, context.vocab)
    except ValueError as exc:
        beats = context.phrase_steps / STEPS_PER_BEAT
        raise Invalid(f"{exc} (a phrase is {beats:g} beats)") from None
    return tuple(int(t) for t in tokens)


def _key(values: Sequence[Any]) -> Key:
    """root, then a scale name or the intervals of a pitch-class set."""
    root, rest = int(values[0]), list(values[1:])
    strings = [v for v in rest if isinstance(v, str)]
    try:
        if strings:
            if len(rest) != 1:
                raise Invalid("give either one scale name or intervals 0..11, not both")
            return make_key(root, strings[0])
        return make_key(root, [float(v) for v in rest])
    except ScaleError as exc:
        raise Invalid(str(exc)) from None


def from_message(address: str, typetags: str, args: Sequence[Any], host: str, context: Context) -> Command:
    """A validated command for one OSC message; raises Invalid with the reason otherwise."""
    found = osc_spec.lookup(address)
    if found is None:
        raise Invalid("unknown address")
    entry, voice = found
    if len(typetags) != len(args):
        raise Invalid(f"malformed message: {len(typetags)} type tags for {len(args)} values")
    _check_shape(entry, typetags)
    name = entry.command
    if voice is not None and name == "style":
        return Mix(voice, _style_weights(args[0], context.styles))
    values = [
        value if isinstance(value, str) else _number(osc_spec.arg_for_position(entry, i), value)
        for i, value in enumerate(args)
    ]
    if voice is None:
        if name == "hello":
            return Hello(host, int(values[0]))
        if name == "bye":
            return Bye(host, int(values[0]))
        if name == "ping":
            return Ping()
        if name == "styles":
            return Styles()
        if name == "transport":
            return Transport(values[0], bool(values[1]), values[2])
        if name == "tempo":
            return Tempo(values[0])
        if name == "loop":
            return Loop(bool(values[0]), values[1], values[2])
        if name == "quantize":
            choices = entry.args[0].choices
            if values[0] not in choices:
                raise Invalid(f"grid {values[0]!r} is not one of {', '.join(choices)}")
            return Quantize(values[0])
        if name == "key":
            return SongKey(_key(values))
    else:
        if name == "play":
            return Play(voice, bool(values[0]))
        if name == "mix":
            return Mix(voice, _mix(values, context.styles))
        if name in PARAMS:
            return SetParam(voice, name, values[0])
        if name == "reseed":
            return Reseed(voice, int(values[0]) if values else None)
        if name == "restyle":
            return Restyle(voice, _phrase(values, context))
        if name == "key":
            return VoiceKey(voice, _key(values) if values else None)
        if name == "query":
            return Query(voice)
        if name == "remove":
            return Remove(voice)
    raise Invalid("address has no handler")  # a SPEC entry without a branch here: caught by the tests
