"""The MIDI outputs and their books.

``MidiOut`` is a python-rtmidi port (ALSA, CoreMIDI, or an existing port by name), sent to the moment an
event is due. On JACK the daemon uses ``stylevae.bridge.jack_out`` instead, which places each event at its frame.
Both keep ``Books`` of every sounding note, so a note-off goes out only for a note that sounds and
closing ends each one explicitly, then sends All Notes Off (CC 123) on every channel used since the last.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Callable, Iterator

import rtmidi

from stylevae.bridge import platform

log = logging.getLogger("stylevae.midi")

NOTE_ON = 0x90
NOTE_OFF = 0x80
CONTROL = 0xB0
ALL_NOTES_OFF = 123  # the channel-mode controller every synth and sampler honours

APIS = {
    "alsa": rtmidi.API_LINUX_ALSA,
    "jack": rtmidi.API_UNIX_JACK,
    "coremidi": rtmidi.API_MACOSX_CORE,
    "winmm": rtmidi.API_WINDOWS_MM,  # existing ports only (--midi-port): Windows has no virtual ports
}
HELP = (
    "start a JACK server (e.g. `jackd -d dummy &`, or pass --start-jack), "
    "or pick an existing port with --midi-port NAME (see --list-ports)"
)


class MidiError(Exception):
    """No usable MIDI output; the message says what to do."""


def choose_backend(requested: str, existing_port: bool = False) -> str:
    """The backend to use: the requested one, or for ``auto`` the first that can work on this machine."""
    compiled = [name for name, api in APIS.items() if api in rtmidi.get_compiled_api()]
    try:
        return platform.midi_backend(platform.Machine.probe(), compiled, requested, existing_port, HELP)
    except platform.Unavailable as exc:
        raise MidiError(str(exc)) from None


def list_ports(backend: str) -> list[str]:
    """The output ports the backend can see (for --list-ports and --midi-port)."""
    with port_lister(backend) as ports:
        return ports()


@contextlib.contextmanager
def port_lister(backend: str) -> Iterator[Callable[[], list[str]]]:
    """One client of the backend that lists its output ports afresh each time it is asked, closed at the end: what
    waits for a port to appear asks it over and over, and a client opened and closed for each asking costs a JACK
    server a graph change each time (libjack's close also hung now and then in JACK's own tools)."""
    if backend == "jack" and not platform.server_running():
        raise MidiError(f"no JACK server is running (JACK_DEFAULT_SERVER={platform.server_name()}); {HELP}")
    try:
        probe = rtmidi.MidiOut(APIS[backend], name="stylevae-list")
    except rtmidi.SystemError as exc:
        raise MidiError(f"cannot open the {backend} MIDI backend ({exc}); {HELP}") from None
    try:
        yield lambda: port_names(probe, backend)
    finally:
        probe.delete()


# How python-rtmidi's "auto" decodes a port's name, by API (else UTF-8, what it cannot read left out)
LEGACY_ENCODINGS = {"coremidi": "mac_roman", "winmm": "latin-1"}


def port_names(rt: rtmidi.MidiOut, backend: str) -> list[str]:
    """The ports' names as their system gives them. RtMidi hands them over as UTF-8 (CoreMIDI's and Windows' too),
    but python-rtmidi's own decoding reads them as Mac Roman on CoreMIDI and Latin-1 on Windows: a device named
    "Périphérique" was listed garbled, and --midi-port with its real name found nothing. Bytes that are not UTF-8
    are read as python-rtmidi reads them; a port without a name is listed as ""."""
    names = []
    for raw in rt.get_ports(encoding=None):
        if raw is None:
            names.append("")
            continue
        try:
            names.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            legacy = LEGACY_ENCODINGS.get(backend)
            names.append(raw.decode(legacy) if legacy else raw.decode("utf-8", "ignore"))
    return names


def note_on(channel: int, pitch: int, velocity: int) -> bytes:
    """channel 1..16."""
    return bytes((NOTE_ON | (channel - 1), pitch, velocity))


def note_off(channel: int, pitch: int) -> bytes:
    return bytes((NOTE_OFF | (channel - 1), pitch, 0))


def all_notes_off(channel: int) -> bytes:
    return bytes((CONTROL | (channel - 1), ALL_NOTES_OFF, 0))


def note_key(message: bytes) -> tuple[int, int]:
    """(channel 1..16, pitch) of a note message, as ``Books`` counts them."""
    return (message[0] & 0x0F) + 1, message[1]


def is_note_on(message: bytes) -> bool:
    """A note-on that starts a note (velocity 0 is a note-off)."""
    return message[0] & 0xF0 == NOTE_ON and message[2] > 0


def is_note_off(message: bytes) -> bool:
    kind = message[0] & 0xF0
    return kind == NOTE_OFF or (kind == NOTE_ON and message[2] == 0)


class Books:
    """The note-ons on the wire not yet ended by a note-off, per (channel, pitch), and the channels used since
    their last CC 123.

    Every message passes ``admit`` on its way out: a note-off for a note not sounding is not sent (it
    would be noise, or end another voice's note early), and ``ending`` gives what silences everything.
    All Notes Off does not close the books: a note it silenced still gets its own note-off, so every
    note-on is matched on the wire whatever a receiver makes of CC 123 (and a voice's note-off handed
    over before another voice's CC 123 on the same channel is not lost).
    """

    def __init__(self) -> None:
        # a plain dict, not a Counter: the JACK output admits every event in its process callback, where a Counter's
        # methods written in Python (a missing key, a deletion) cost more than the rest of the lookup
        self.sounding: dict[tuple[int, int], int] = {}
        self.channels: set[int] = set()  # 1..16

    def count(self, key: tuple[int, int]) -> int:
        """How many note-ons of (channel 1..16, pitch) are sounding."""
        return self.sounding.get(key, 0)

    def admit(self, message: bytes) -> bool:
        """Whether to send ``message``; the books then count it as sent."""
        kind, channel = message[0] & 0xF0, (message[0] & 0x0F) + 1
        key = (channel, message[1])
        if kind == NOTE_ON and message[2] > 0:
            self.sounding[key] = self.sounding.get(key, 0) + 1
            self.channels.add(channel)
        elif kind == NOTE_OFF or kind == NOTE_ON:
            left = self.sounding.get(key, 0) - 1
            if left < 0:
                return False
            if left:
                self.sounding[key] = left
            else:
                del self.sounding[key]
        elif kind == CONTROL and message[1] == ALL_NOTES_OFF:
            self.channels.discard(channel)
        return True

    def refuse(self, message: bytes) -> None:
        """Undo ``admit`` for a message that did not go out after all: a note-on that never sounded, a note still
        sounding whose note-off was lost, a channel All Notes Off did not reach."""
        kind, channel = message[0] & 0xF0, (message[0] & 0x0F) + 1
        key = (channel, message[1])
        if kind == NOTE_ON and message[2] > 0:
            left = self.sounding[key] - 1
            if left:
                self.sounding[key] = left
            else:
                del self.sounding[key]
        elif kind == NOTE_OFF or kind == NOTE_ON:
            self.sounding[key] = self.sounding.get(key, 0) + 1
        elif kind == CONTROL and message[1] == ALL_NOTES_OFF:
            self.channels.add(channel)

    def ending(self) -> list[bytes]:
        """A note-off for each sounding note, then CC 123 on every channel used since its last one."""
        offs = [note_off(channel, pitch) for (channel, pitch), n in sorted(self.sounding.items()) for _ in range(n)]
        return offs + [all_notes_off(channel) for channel in sorted(self.channels)]


class NoPort:
    """``--midi-port none``: no MIDI output; the notes reach clients only as OSC note replies (the device's
    Notes to this track mode, and the demo's WAV rendering, need no port)."""

    name = "none"
    backend = "notes as OSC replies only"
    lead = 0.0

    def send(self, message: bytes, at: float = 0.0, voice: int = 0, ident: int = 0,
             grace: float = math.inf) -> None:
        pass

    def drop(self, voice: int | None) -> None:
        pass

    def retime(self, ident: int, at: float) -> None:
        pass

    def withdraw(self, idents: list[int]) -> None:
        pass

    def close(self) -> None:
        pass


class MidiOut:
    """One python-rtmidi output port with its books; a ``NoteSink`` that sends each event when handed it."""

    lead = 0.0  # takes events at their time, not ahead of it

    def __init__(self, backend: str, port_name: str = "StyleVAE", existing: str | None = None,
                 rtmidi_out: Callable[..., rtmidi.MidiOut] = rtmidi.MidiOut):
        self.backend = backend
        try:
            self._out = rtmidi_out(APIS[backend], name=port_name)
        except rtmidi.SystemError as exc:
            raise MidiError(f"cannot open the {backend} MIDI backend ({exc}); {HELP}") from None
        if existing is None:
            # ALSA and JACK list a port under its client ("StyleVAE:out"); CoreMIDI lists a virtual source by its own
            # name alone (in Live's MIDI preferences too), so there it takes the client's name, not "out"
            port = port_name if backend == "coremidi" else "out"
            try:
                self._out.open_virtual_port(port)
            except (rtmidi.SystemError, NotImplementedError) as exc:
                raise MidiError(f"cannot open a virtual {backend} port ({exc}); {HELP}") from None
            self.name = port if backend == "coremidi" else f"{port_name}:{port}"
        else:
            ports = port_names(self._out, backend)
            index = match_port(ports, existing, backend)
            try:
                self._out.open_port(index)
            except rtmidi.RtMidiError as exc:  # e.g. Windows: a device port another program holds, one at a time
                raise MidiError(f"cannot open the {backend} port {ports[index]!r} ({exc}): another program may hold "
                                "it, or it just went away; pick another with --midi-port (see --list-ports)") from None
            self.name = ports[index]
        self.books = Books()
        self._unended: dict[tuple[int, int], int] = {}  # (channel, pitch): note-offs the port refused
        self.lost = 0  # messages that did not go out at their time since the port last took one
        self._refusing = False

    def send(self, message: bytes, at: float = 0.0, voice: int = 0, ident: int = 0,
             grace: float = math.inf) -> None:
        """Send now (``at``, ``voice``, ``ident``, ``grace`` matter only to outputs that queue). A port that refuses a
        message (an existing port its owner closed, loopMIDI's disabled, a driver's error) loses it, said once until
        it takes messages again: python-rtmidi's default error handler (``_default_error_handler`` in its
        ``_rtmidi.pyx``) raises ``rtmidi.SystemError`` for Windows' failed ``midiOutShortMsg``, ALSA's "error sending
        MIDI message to port" and CoreMIDI's "error sending MIDI to virtual destinations". The note-offs it refused
        go first then, and no note-on before them, so that no note is left sounding on a synth that got its note-on."""
        if self._unended and not self._end_unended() and is_note_on(message):
            self.lost += 1
            return
        self._put(message)

    def _end_unended(self) -> bool:
        """Send the note-offs the port refused; whether all went out."""
        for key in list(self._unended):
            while self._unended.get(key):
                if not self._put(note_off(*key), owed=False):
                    return False
                self._unended[key] -= 1
                if not self._unended[key]:
                    del self._unended[key]
        return True

    def _put(self, message: bytes, owed: bool = True) -> bool:
        """One message through the books; False if the port refused it (a note-off then owed, unless ``owed``
        is False: it is one already)."""
        if not self.books.admit(message):
            return True
        try:
            self._out.send_message(message)
        except rtmidi.RtMidiError as exc:
            self.books.refuse(message)
            if owed and is_note_off(message):
                key = note_key(message)
                self._unended[key] = self._unended.get(key, 0) + 1
            self.lost += owed
            if not self._refusing:
                self._refusing = True
                log.error("MIDI out: %s refuses messages (%s): notes are lost until it takes them again, and the "
                          "notes it leaves sounding are ended then", self.name, str(exc).strip() or type(exc).__name__)
            return False
        if self._refusing:
            log.warning("MIDI out: %s takes messages again (%d lost meanwhile)", self.name, self.lost)
            self._refusing, self.lost = False, 0
        return True

    def drop(self, voice: int | None) -> None:
        """Nothing is queued here: every event went out when it was handed over."""

    def retime(self, ident: int, at: float) -> None:
        """Nothing is queued here (and with no lead, nothing is handed over ahead to be moved or withdrawn)."""

    def withdraw(self, idents: list[int]) -> None:
        """Nothing is queued here (see ``retime``)."""

    def close(self) -> None:
        for message in self.books.ending():
            self.send(message)
        self._out.close_port()
        self._out.delete()


def match_port(ports: list[str], wanted: str, backend: str) -> int:
    """The index of the one port named ``wanted`` exactly, else the one whose name contains it."""
    matches = [i for i, name in enumerate(ports) if wanted == name] or [
        i for i, name in enumerate(ports) if wanted.lower() in name.lower()
    ]
    if len(matches) != 1:
        found = "no port" if not matches else f"{len(matches)} ports"
        listed = ", ".join(ports) or "none"
        raise MidiError(f"{found} named like {wanted!r} on {backend}; ports are: {listed}")
    return matches[0]
