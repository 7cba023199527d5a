"""The OSC address space of the daemon: the single source of truth.

The dispatcher (``stylevae.bridge.osc_server``) validates every message against ``SPEC``, ``docs/osc.md``
documents every entry (a test checks both agree), and the Max for Live device's tests import ``SPEC``
and ``accepts`` to check the messages it sends. Keep ``SPEC`` and ``accepts`` stable.

Type tags are OSC's: ``i`` int32, ``f`` float32, ``d`` float64, ``h`` int64, ``s`` string, ``T``/``F``
true/false. Numbers are accepted as any numeric tag (Max sends floats from dials and ints from
toggles); an integer argument given as a float must be integral.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stylevae.model.decoding import playing
from stylevae.model.errors import MAX_SEED

MAX_VOICES = 16
MAX_PACKET = 8192  # bytes; bigger datagrams are refused with an error reply
# Bundles within bundles, at most: deeper packets are refused with an error reply. A bound of the daemon's own, not
# the interpreter's: python-osc parses a bundle by recursion, and the depth at which that failed was Python's (331
# levels on 3.11, 497 on 3.12; an 8192-byte packet holds some 400: 408 around a one-int message)
MAX_NESTING = 16
PREFIX = "/stylevae"

NUMBER = "ifdh"
INTEGER = "ifdhTF"  # booleans count as 1/0 for on/off switches


@dataclass(frozen=True)
class Arg:
    """One argument: its name, accepted type tags, kind and inclusive range (None = unbounded)."""

    name: str
    tags: str
    kind: str  # "int", "float", "str", "str/int" (a name or an index) or "scale" (a name or intervals)
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()  # the strings allowed, when fixed

    def describe(self) -> str:
        """The argument as written in docs/osc.md, e.g. ``f:bpm``."""
        return f"{self.kind}:{self.name}"


@dataclass(frozen=True)
class Entry:
    """One address: its arguments (``repeat`` > 0: the last ``repeat`` arguments form a group given 1+ times)."""

    address: str  # "/stylevae/<v>/temperature": <v> is a voice number 1..MAX_VOICES
    args: tuple[Arg, ...]
    doc: str
    default: str = "-"
    reply: str = "-"
    repeat: int = 0
    optional: bool = False  # the arguments may be omitted altogether

    @property
    def per_voice(self) -> bool:
        return "<v>" in self.address

    @property
    def command(self) -> str:
        """The last path element: the command's name (``temperature``, ``hello`` …)."""
        return self.address.rsplit("/", 1)[1]

    def signature(self) -> str:
        """The arguments as written in docs/osc.md, e.g. ``f:beat i:playing f:bpm`` or ``(f:weight)…``."""
        fixed = [a.describe() for a in self.args[: len(self.args) - self.repeat]]
        if self.repeat:
            group = " ".join(a.describe() for a in self.args[len(self.args) - self.repeat :])
            fixed.append(f"({group})…")
        text = " ".join(fixed)
        return f"[{text}]" if self.optional and text else text


def _voice(command: str, args: tuple[Arg, ...], doc: str, default: str = "-", **kw) -> Entry:
    """A per-voice entry; every voice command answers with the voice's state."""
    return Entry(f"{PREFIX}/<v>/{command}", args, doc, default, f"{PREFIX}/<v>/state", **kw)


SWITCH = "0 = off, 1 = on"
DEFAULT_LOCK = 0.9
KEY_ARGS = (Arg("root", NUMBER, "int", 0, 11), Arg("scale", "s" + NUMBER, "scale"))
KEY_DOC = ("root 0–11 (0 = C) and either a scale name (major, minor, harmonic_minor, melodic_minor, the church modes, "
           "major_pentatonic, minor_pentatonic, blues, chromatic, …) or the scale's intervals above the root as "
           "ints, as Live 12's scale_intervals gives them (0 2 3 5 7 8 10)")

SPEC: tuple[Entry, ...] = (
    Entry(
        f"{PREFIX}/hello",
        (Arg("reply_port", NUMBER, "int", 1, 65535),),
        "Register a client: replies and note messages go to the sender's host on reply_port.",
        reply=f"{PREFIX}/styles",
    ),
    Entry(
        f"{PREFIX}/bye",
        (Arg("reply_port", NUMBER, "int", 1, 65535),),
        "Unregister the client at the sender's host and reply_port.",
    ),
    Entry(f"{PREFIX}/ping", (), "Liveness check.", reply=f"{PREFIX}/pong"),
    Entry(f"{PREFIX}/styles", (), "Ask for the model's style names, in index order.", reply=f"{PREFIX}/styles"),
    Entry(
        f"{PREFIX}/transport",
        (
            Arg("beat", NUMBER, "float", -1e6, 1e7),
            Arg("playing", INTEGER, "int", 0, 1),
            Arg("bpm", NUMBER, "float", 20, 999),
        ),
        "Live's transport: song position in beats, playing or stopped, tempo. The clock phase-locks to it "
        "smoothly; a jump larger than the jump threshold re-aligns at the next 16th.",
        default="free-running at --bpm (120), playing",
    ),
    Entry(
        f"{PREFIX}/loop",
        (
            Arg("on", INTEGER, "int", 0, 1),
            Arg("start", NUMBER, "float", 0, 1e7),
            Arg("length", NUMBER, "float", 0, 1e7),
        ),
        "Live's arrangement loop: on or off, its start and its length in beats (Live's loop, loop_start and "
        "loop_length). The daemon plans each wrap as it plans the steps, so the loop's downbeat comes on time and "
        "nothing past the loop's end is played; a loop not on the 16th grid, or shorter than a 16th, is taken as "
        "none (its wraps are then locates).",
        default="off",
    ),
    Entry(
        f"{PREFIX}/tempo",
        (Arg("bpm", NUMBER, "float", 20, 999),),
        "Set the tempo; the beat position stays continuous.",
        default="120",
    ),
    Entry(
        f"{PREFIX}/key",
        KEY_ARGS,
        f"The song's key, for every voice without a key of its own: {KEY_DOC}. Voices play in it from their next "
        "phrase, and their scale lock keeps to its scale.",
        default="each voice in its first style's most common key",
        repeat=1,
    ),
    Entry(
        f"{PREFIX}/quantize",
        (Arg("grid", "s", "str", choices=("step", "beat", "bar")),),
        "When voice changes take effect: step (next 16th not yet generated), beat or bar.",
        default="step",
    ),
    _voice("play", (Arg("on", INTEGER, "int", 0, 1),), f"Start or stop the voice ({SWITCH}); stopping ends its notes.",
           "0"),
    _voice("style", (Arg("style", "s" + NUMBER, "str/int"),), "Play one style, by name or by index (from 0).",
           "style 0"),
    _voice("mix", (Arg("weight", NUMBER, "float", 0, 1e6),),
           "Blend styles: one non-negative weight per style, in index order (normalised; a continuous blend "
           "through the style codebook).", "one-hot style 0", repeat=1),
    _voice("temperature", (Arg("temperature", NUMBER, "float", 0.05, 5),), "Sampling temperature.", "1.0"),
    _voice("variation", (Arg("variation", NUMBER, "float", 0, 1),),
           "How far the next phrase may be from this one, at each phrase boundary: 0 repeats the phrase, 1 goes "
           f"on to any real next phrase of the {playing.NEIGHBOURS} real phrases nearest this one, in between to those "
           "nearest it.",
           f"{playing.VARIATION:g}"),
    _voice("density", (Arg("density", NUMBER, "float", -1, 1),),
           "Bias between rests and notes: -1 sparse, 0 the model as trained, 1 dense.", "0"),
    _voice("channel", (Arg("channel", NUMBER, "int", 1, 16),), "MIDI channel of the voice's notes.",
           "the voice number"),
    _voice("octave", (Arg("octave", NUMBER, "int", -4, 4),), "Transpose the output by whole octaves.", "0"),
    _voice("velocity", (Arg("velocity", NUMBER, "int", 1, 127),), "MIDI velocity of the voice's notes.", "100"),
    _voice("hold", (Arg("on", INTEGER, "int", 0, 1),),
           f"Loop the current phrase exactly ({SWITCH}); releasing it resumes generation.", "0"),
    _voice("reseed", (Arg("seed", NUMBER, "int", 0, MAX_SEED),),
           "Draw a fresh z_c (from the given seed, else at random) at the next step not yet generated.",
           optional=True),
    _voice("restyle",
           (Arg("pitch", NUMBER, "int", 0, 127), Arg("start", NUMBER, "float", 0, 64),
            Arg("length", NUMBER, "float", 1e-3, 64)),
           "A monophonic phrase as note triples (pitch, start beat, length in beats): its content z_c is "
           "encoded and kept, and the voice plays it in its own style from the next phrase on.",
           repeat=3),
    _voice("key", KEY_ARGS,
           f"The voice's own key, over the song's: {KEY_DOC}. Without arguments the voice follows /stylevae/key "
           "again.", "follows /stylevae/key", repeat=1, optional=True),
    _voice("lock", (Arg("lock", NUMBER, "float", 0, 1),),
           "Scale lock: 1 plays only notes of the key's scale, 0 lets the model play any note; in between, "
           "out-of-scale notes are made less likely (their probability scaled by 1 − lock).", f"{DEFAULT_LOCK:g}"),
    _voice("query", (), "Ask for the voice's state."),
    _voice("remove", (), "Stop the voice, end its notes and reset all its settings to the defaults."),
)

# Replies the daemon sends (documented with the inputs in docs/osc.md).
REPLIES: tuple[tuple[str, str, str], ...] = (
    (f"{PREFIX}/pong", "", "Answer to /stylevae/ping."),
    (f"{PREFIX}/styles", "(s:name)…", "The model's style names in index order."),
    (
        f"{PREFIX}/<v>/state",
        "i:play s:style f:temperature f:variation f:density i:channel i:octave i:velocity i:hold i:root s:scale "
        "f:lock i:own_key (f:weight)…",
        "A voice's settings, after every change to it and on query; style is the name of the heaviest weight; "
        "root and scale are the key it plays in (scale: a name, or the intervals joined by spaces), own_key 1 "
        "when that key is the voice's own rather than the song's or its style's.",
    ),
    (
        f"{PREFIX}/<v>/on",
        "i:pitch i:velocity f:beat f:lead",
        "A note the voice begins, sent when the decoder makes it, up to the lookahead before its beat (Live's song "
        "position); lead: beats from the daemon's playhead to it when sent. For a device that plays the notes "
        "itself: the note-on, on time (inside Live's loop, at the song position, of those a loop apart, nearest the "
        "lead; dropped if it comes more than an eighth of a beat after its beat, as the daemon's port drops it); "
        "/note then gives its end. Sent again after /retime while a device may still hold it.",
    ),
    (
        f"{PREFIX}/<v>/note",
        "i:pitch i:velocity f:beat f:length f:lead",
        "A note the voice generated, sent when its length is known (when the decoder ends it), ahead of "
        "its end by up to the lookahead, often after its start; lead: beats from the daemon's playhead to its end "
        "when sent. For display, and for the note-off of a device that plays notes itself. Sent again after "
        "/retime while a device may still hold its note-off (a recorder keeps one per pitch and beat).",
    ),
    (
        f"{PREFIX}/<v>/cut",
        "",
        "What the voice planned is void: Live located or stopped, the voice was switched off or removed, the daemon "
        "is stopping, or Live's loop changed within 40 ms of a wrap the voice had planned past (or too near it for "
        "/retime to reach the device in time: the replies it held then follow). A device that plays the notes "
        "itself drops the note-ons it holds for later and ends the notes it sounds.",
    ),
    (
        f"{PREFIX}/<v>/retime",
        "",
        "The tempo changed: a device that plays the notes itself timed the note-ons and note-offs it holds at the "
        "old one. It drops them (the notes sounding go on); each is sent again right after, /on and /note with its "
        "lead now, in the order first sent. Sent once a held note due within 100 ms would sound more than 1 ms off "
        "(one further ahead is told when it comes that near: a ramp of tempo would move it again meanwhile), and "
        "not while one is due within 15 ms of now (whether the device has played it yet, the daemon cannot see). "
        "Sent too when Live's loop changed a wrap the voice had planned past: then only those from before the wrap "
        "are sent again, and the voice's new plan from the wrap on follows.",
    ),
    (f"{PREFIX}/error", "s:address s:reason", "A message was refused; nothing changed."),
)

_VOICE_RE = re.compile(rf"^{PREFIX}/([0-9]{{1,2}})/([a-z]+)$")
_BY_ADDRESS = {e.address: e for e in SPEC}


def lookup(address: str) -> tuple[Entry, int | None] | None:
    """The entry for a concrete address and its voice number (None for global addresses)."""
    entry = _BY_ADDRESS.get(address)
    if entry is not None and not entry.per_voice:
        return entry, None
    match = _VOICE_RE.match(address)
    if match is None:
        return None
    voice = int(match.group(1))
    if not 1 <= voice <= MAX_VOICES or match.group(1) != str(voice):
        return None
    entry = _BY_ADDRESS.get(f"{PREFIX}/<v>/{match.group(2)}")
    return (entry, voice) if entry is not None else None


def arg_for_position(entry: Entry, index: int) -> Arg:
    """The argument at position ``index`` of a message, unrolling the repeated group."""
    fixed = len(entry.args) - entry.repeat
    if index < fixed or not entry.repeat:
        return entry.args[index]
    return entry.args[fixed + (index - fixed) % entry.repeat]


def count_ok(entry: Entry, count: int) -> bool:
    """Whether a message to ``entry`` may carry ``count`` arguments."""
    if entry.optional and count == 0:
        return True
    if not entry.repeat:
        return count == len(entry.args)
    fixed = len(entry.args) - entry.repeat
    return count > fixed and (count - fixed) % entry.repeat == 0


def accepts(address: str, typetags: str) -> bool:
    """Whether the daemon accepts a message with these type tags at this address (ranges not checked).

    ``typetags`` without the leading comma, e.g. ``"fif"``; ``/stylevae/3/mix`` matches ``/stylevae/<v>/mix``.
    """
    found = lookup(address)
    if found is None:
        return False
    entry = found[0]
    if not count_ok(entry, len(typetags)):
        return False
    return all(tag in arg_for_position(entry, i).tags for i, tag in enumerate(typetags))


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _range(arg: Arg) -> str:
    if arg.choices:
        return " / ".join(arg.choices)
    if arg.kind == "str/int":
        return "a style name, or an index from 0"
    if arg.kind == "scale":
        return "a scale name, or intervals 0..11"
    if arg.low is None or arg.high is None:
        return "-"
    return f"{_number_text(arg.low)}..{_number_text(arg.high)}"


def render_markdown() -> str:
    """The reference tables of docs/osc.md (between its ``spec`` markers); a test keeps them equal."""
    lines = [
        "| address | arguments | type tags accepted | range | default | reply |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for entry in SPEC:
        signature = entry.signature() or "(none)"
        tags = " ".join(f"{a.name}:`{a.tags}`" for a in entry.args) or "-"
        ranges = " ".join(f"{a.name}: {_range(a)}" for a in entry.args) or "-"
        reply = f"`{entry.reply}`" if entry.reply != "-" else "-"
        lines.append(f"| `{entry.address}` | `{signature}` | {tags} | {ranges} | {entry.default} | {reply} |")
    lines += ["", "| address | what it does |", "| --- | --- |"]
    lines += [f"| `{entry.address}` | {entry.doc} |" for entry in SPEC]
    lines += ["", "Replies (sent to every client registered with `/stylevae/hello`):", "",
              "| reply | arguments | when |", "| --- | --- | --- |"]
    lines += [f"| `{address}` | `{args or '(none)'}` | {doc} |" for address, args, doc in REPLIES]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
