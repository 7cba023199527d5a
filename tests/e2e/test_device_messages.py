"""The device's message sequence, played into the real daemon over UDP, checked by its replies and MIDI.

The messages are generated from ``max_patches/StyleVAE.maxpat`` (``max_patches.messages``): the same
addresses, type tags, initial values and blend expression Max would send. The daemon runs the crafted
model (style "a" plays pitches 72..83, style "b" 60..71, a note every 16th), so each phase of the
session shows in the pitches that reach the JACK MIDI port.
"""

from __future__ import annotations

import json
import socket
import threading
import time

import harness
import pytest
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.osc_packet import OscPacket

from max_patches.build import MAXPAT
from max_patches.messages import DeviceMessages, Message

pytestmark = pytest.mark.e2e

BPM = 120.0
BEAT = 60.0 / BPM
BEATS = 4  # per phase
SETTLE = 1.0  # beats after a change before its notes must show (lookahead 0.5 beat + a step)
TAGS = {int: "i", float: "f", str: "s"}


class ReplyPort:
    """The device's ``udpreceive``: a UDP socket on the reply port, decoding every OSC message."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.received: list[tuple[float, str, tuple]] = []
        self._running = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while self._running:
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                continue
            for timed in OscPacket(data).messages:
                self.received.append((time.perf_counter(), timed.message.address, tuple(timed.message.params)))

    def of(self, address: str) -> list[tuple]:
        return [args for _, a, args in list(self.received) if a == address]

    def wait_for(self, address: str, timeout: float = 5.0) -> list[tuple]:
        deadline = time.monotonic() + timeout
        while not self.of(address) and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.of(address)

    def close(self) -> None:
        self._running = False
        self._thread.join(1)
        self.sock.close()


def datagram(message: Message) -> bytes:
    """The message with exactly the type tags Max would send (``i`` for ints, ``f`` for floats)."""
    builder = OscMessageBuilder(message.address)
    for arg in message.args:
        builder.add_arg(arg, TAGS[type(arg)])
    return builder.build().dgram


@pytest.fixture(scope="module")
def daemon(jack_server, crafted_checkpoint):
    process = harness.Daemon(crafted_checkpoint, jack_server.name)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def session(daemon):
    """Play the device's session in real time; return what was sent when, the replies and the MIDI."""
    device = DeviceMessages(json.loads(MAXPAT.read_text(encoding="utf-8")))
    replies = ReplyPort()
    midi = harness.MidiListener(daemon.midi_port)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent: list[tuple[float, Message]] = []
    try:
        messages = device.session(replies.port, styles=3, beats=BEATS, bpm=BPM)
        start = None
        for message in messages:
            if message.address == "/stylevae/styles":
                sender.sendto(datagram(message), ("127.0.0.1", daemon.osc_port))
                sent.append((time.perf_counter(), message))
                assert replies.wait_for("/stylevae/styles"), "no style list: the device would not connect"
                continue
            if message.address == "/stylevae/transport":
                beat = message.args[0]
                start = start if start is not None else time.perf_counter()
                delay = start + beat * BEAT - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            sender.sendto(datagram(message), ("127.0.0.1", daemon.osc_port))
            sent.append((time.perf_counter(), message))
        time.sleep(2 * BEAT)
        yield sent, replies, midi
    finally:
        sender.close()
        midi.close()
        replies.close()


def times_of(sent, address: str) -> list[float]:
    return [t for t, m in sent if m.address == address]


def pitches_between(midi, start: float, end: float) -> set[int]:
    return {e.pitch for e in midi.note_ons() if start <= e.wall < end}


def test_the_device_session_plays_and_stops(session):
    sent, replies, midi = session

    assert replies.of("/stylevae/pong"), "the device would show 'daemon not running'"
    assert replies.of("/stylevae/styles")[0] == ("a", "b", "c")
    assert replies.of("/stylevae/error") == [], "the daemon refused a message the device sends"

    play_on = times_of(sent, "/stylevae/1/play")[0]
    style_change = times_of(sent, "/stylevae/1/style")[-1]
    blend = times_of(sent, "/stylevae/1/mix")[-1]
    stop = [t for t, m in sent if m.address == "/stylevae/transport" and m.args[1] == 0][0]

    first = pitches_between(midi, play_on + SETTLE * BEAT, style_change)
    second = pitches_between(midi, style_change + SETTLE * BEAT, blend)
    third = pitches_between(midi, blend + SETTLE * BEAT, stop)
    assert first and first <= set(harness.HIGH), first  # style A = "a"
    assert second and second <= set(harness.LOW), second  # style A changed to "b"
    assert third and third <= set(harness.HIGH), third  # blended 0.9 towards style B = "a"

    late = [e for e in midi.note_ons() if e.wall > stop + 0.05]
    assert late == [], "notes kept starting after Live stopped"
    assert midi.open_notes() == 0, "a note was left hanging"


def test_the_device_hears_its_notes(session):
    _, replies, midi = session
    notes = replies.of("/stylevae/1/note")
    assert notes, "note output inside Live would stay silent"
    assert all(tuple(type(a) for a in args) == (int, int, float, float) for args in notes)
    assert {args[0] for args in notes} <= {e.pitch for e in midi.note_ons()}
