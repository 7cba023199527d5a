"""OSC traffic for the soak and the fuzz: valid controls a performer might send, malformed packets, and
random ones. Datagrams are built here byte by byte where python-osc would refuse to build them."""

from __future__ import annotations

import logging
import math
import random
import struct
import sys
from pathlib import Path

from pythonosc.osc_message_builder import OscMessageBuilder

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pythonosc.osc_packet import OscPacket, ParseError  # noqa: E402

from stylevae.bridge import commands  # noqa: E402
from stylevae.bridge.osc_server import quiet_python_osc, typetags  # noqa: E402
from stylevae.bridge.osc_spec import MAX_PACKET, MAX_VOICES, PREFIX, SPEC  # noqa: E402

logging.getLogger().addFilter(quiet_python_osc)  # validating odd packets here: python-osc's warnings are noise

TAGS = "ifdhsTFNIbc"  # every type tag python-osc reads


def message(address: str, *args: object) -> bytes:
    builder = OscMessageBuilder(address)
    for a in args:
        builder.add_arg(a)
    return builder.build().dgram


def osc_string(text: bytes) -> bytes:
    text += b"\0"
    return text + b"\0" * (-len(text) % 4)


def raw_message(address: str, tags: str, payload: bytes) -> bytes:
    """A message with any type tags and any payload, whether or not they agree."""
    return osc_string(address.encode()) + osc_string(b"," + tags.encode()) + payload


def bundle(*elements: bytes) -> bytes:
    body = b"".join(struct.pack(">i", len(e)) + e for e in elements)
    return osc_string(b"#bundle") + struct.pack(">Q", 1) + body


def random_value(rng: random.Random, tag: str) -> bytes:
    """The payload bytes of one argument of ``tag``, with hostile values (NaN, infinities, extremes) often."""
    if tag in "ic":
        return struct.pack(">i", rng.choice([0, 1, -1, 2**31 - 1, -(2**31), rng.randint(-1000, 1000)]))
    if tag == "f":
        return struct.pack(">f", rng.choice([math.nan, math.inf, -math.inf, 0.0, -1e30, 1e30, rng.uniform(-10, 10)]))
    if tag == "d":
        return struct.pack(">d", rng.choice([math.nan, math.inf, -math.inf, 1e300, rng.uniform(-10, 10)]))
    if tag == "h":
        return struct.pack(">q", rng.choice([0, 2**63 - 1, -(2**63), rng.randint(-10, 10)]))
    if tag == "s":
        return osc_string(rng.choice([b"", b"a", b"../../etc/passwd", b"\xff\xfe", b"x" * 300, b"chinese_folk"]))
    if tag == "b":
        blob = rng.randbytes(rng.randint(0, 40))
        return struct.pack(">i", len(blob)) + blob + b"\0" * (-len(blob) % 4)
    return b""  # T F N I carry no payload


def addresses() -> list[str]:
    """Every address of the spec, per-voice ones with valid and invalid voice numbers, and a few that are not."""
    found = []
    for entry in SPEC:
        if entry.per_voice:
            found += [entry.address.replace("<v>", str(v)) for v in (0, 1, 2, MAX_VOICES, MAX_VOICES + 1, 99)]
        else:
            found.append(entry.address)
    return found + [f"{PREFIX}", f"{PREFIX}/", "/", "", "/nothing/here", f"{PREFIX}/1/nothing", f"{PREFIX}//play"]


class Malformed:
    """Packets the daemon must refuse, of every kind. Those built to be wrong (NaN, a channel of 99, a bundle whose
    sizes lie...) are sent as built, so that a validation that wrongly took one shows in the fuzz; those drawn at
    random are checked against the daemon's own validation, as a random draw can be a valid command (``/play`` with
    an int)."""

    def __init__(self, context: commands.Context, seed: int = 0):
        self.context = context
        self.rng = random.Random(seed)
        self.addresses = addresses()

    def random_bytes(self) -> bytes:
        return self.rng.randbytes(self.rng.randint(0, 600))

    def wrong_types(self) -> bytes:
        r = self.rng
        tags = "".join(r.choice(TAGS) for _ in range(r.randint(0, 6)))
        return raw_message(r.choice(self.addresses), tags, b"".join(random_value(r, t) for t in tags))

    def every_tag(self) -> bytes:
        """One address with one argument of one tag, drawn at random (``every_pair`` gives each pair once)."""
        r = self.rng
        tag = r.choice(TAGS)
        return raw_message(r.choice(self.addresses), tag, random_value(r, tag))

    def non_finite(self) -> bytes:
        r = self.rng
        voice = r.randint(1, MAX_VOICES)
        value = r.choice([math.nan, math.inf, -math.inf])
        name = r.choice(["temperature", "variation", "density", "channel", "octave", "velocity", "lock", "mix"])
        return message(f"{PREFIX}/{voice}/{name}", value)

    def truncated(self) -> bytes:
        whole = message(f"{PREFIX}/{self.rng.randint(1, 16)}/mix", 0.5, 0.25, 1.0)
        return whole[: self.rng.randint(0, len(whole) - 1)]

    def huge_bundle(self) -> bytes:
        """Many refused messages in one bundle, sometimes over the size limit."""
        count = self.rng.choice([50, 200, 500])
        return bundle(*[message(f"{PREFIX}/1/temperature", math.nan) for _ in range(count)])

    def nested_bundle(self) -> bytes:
        inner = message(f"{PREFIX}/1/channel", 99)
        for _ in range(self.rng.randint(1, 200)):
            inner = bundle(inner)
        return inner

    def bad_bundle(self) -> bytes:
        """A bundle whose element sizes lie."""
        inner = message(f"{PREFIX}/1/density", math.nan)
        size = self.rng.choice([-1, 0, len(inner) + 100, 2**31 - 1])
        return osc_string(b"#bundle") + struct.pack(">Q", 1) + struct.pack(">i", size) + inner

    DRAWN = ("random_bytes", "wrong_types", "every_tag")  # at random: valid by chance now and then
    BUILT = ("non_finite", "truncated", "huge_bundle", "nested_bundle", "bad_bundle")  # wrong by construction
    KINDS = DRAWN + BUILT

    def next(self) -> tuple[str, bytes]:
        """A packet the daemon must refuse (one drawn at random that would be a valid command is drawn again)."""
        while True:
            kind = self.rng.choice(self.KINDS)
            data = getattr(self, kind)()
            if kind in self.BUILT or not carries_a_command(data, self.context):
                return kind, data

    def every_pair(self) -> list[tuple[str, bytes]]:
        """Every address with one argument of every tag, once each in a random order, but those the daemon would
        take as a valid command (``/play`` with an int, say): drawn at random, many pairs would never be sent."""
        pairs = [(address, tag) for address in self.addresses for tag in TAGS]
        self.rng.shuffle(pairs)
        packets = (raw_message(address, tag, random_value(self.rng, tag)) for address, tag in pairs)
        return [("every_tag", data) for data in packets if not carries_a_command(data, self.context)]

    def batch(self, packets: int) -> list[tuple[str, bytes]]:
        """``packets`` packets: ``every_pair`` first (as many of it as fit), then ``next``'s random draws."""
        first = self.every_pair()[:packets]
        return first + [self.next() for _ in range(packets - len(first))]


def refusals_logged(log: str) -> int:
    """The refusals the daemon's log names one by one: its lines "…: refused <address> from …", not the lines saying
    how many it left out, nor a bundle's "(and N more refused messages in this bundle)"."""
    return log.count(": refused ")


def carries_a_command(data: bytes, context: commands.Context) -> bool:
    """Whether the daemon's own validation would accept any message in the packet."""
    if len(data) > MAX_PACKET:
        return False
    try:
        found = [timed.message for timed in OscPacket(data).messages]
    except (ParseError, ValueError, IndexError, RecursionError, struct.error, TypeError):
        return False
    for m in found:
        try:
            commands.from_message(m.address, typetags(m), m.params, "127.0.0.1", context)
            return True
        except commands.Invalid:
            continue
        except Exception:  # a validation that would fail inside the daemon: it is refused there too
            continue
    return False


class Controls:
    """Random valid controls of the kinds a performer sends, for voices 1..voices."""

    def __init__(self, styles: tuple[str, ...], voices: int, seed: int = 0):
        self.styles, self.voices = styles, voices
        self.rng = random.Random(seed)

    def next(self) -> tuple[str, bytes]:
        r, v = self.rng, self.rng.randint(1, self.voices)
        kind = r.choice(["style", "mix", "temperature", "variation", "density", "play", "hold", "octave", "channel",
                         "reseed", "restyle"])
        at = f"{PREFIX}/{v}/{kind}"
        if kind == "style":
            return kind, message(at, r.choice(self.styles))
        if kind == "mix":
            return kind, message(at, *[r.random() + 0.01 for _ in self.styles])
        if kind == "temperature":
            return kind, message(at, r.uniform(0.5, 1.5))
        if kind in ("variation", "density"):
            return kind, message(at, r.uniform(0, 1) if kind == "variation" else r.uniform(-0.5, 0.8))
        if kind == "play":  # mostly on: a soak is about notes
            return kind, message(at, int(r.random() < 0.8))
        if kind == "hold":
            return kind, message(at, int(r.random() < 0.3))
        if kind == "octave":
            return kind, message(at, r.randint(-1, 1))
        if kind == "channel":
            return kind, message(at, r.randint(1, 16))
        if kind == "reseed":
            return kind, message(at, r.randint(0, 2**31 - 1)) if r.random() < 0.5 else message(at)
        notes = []
        for k in range(r.randint(1, 8)):
            notes += [r.randint(55, 80), float(k), 1.0]
        return kind, message(at, *notes)
