"""The MIDI output: a python-rtmidi virtual port (ALSA, JACK or CoreMIDI) or an existing port by name.

It keeps the books of every sounding note so that ``all_notes_off`` can end each one explicitly: a
note-on always gets its note-off, whatever happened upstream.
"""

from __future__ import annotations

from collections import Counter

import rtmidi

from bridge import jack, platform

NOTE_ON = 0x90
NOTE_OFF = 0x80

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
    if backend == "jack" and not jack.server_running():
        raise MidiError(f"no JACK server is running (JACK_DEFAULT_SERVER={jack.server_name()}); {HELP}")
    try:
        probe = rtmidi.MidiOut(APIS[backend], name="stylevae-list")
    except rtmidi.SystemError as exc:
        raise MidiError(f"cannot open the {backend} MIDI backend ({exc}); {HELP}") from None
    try:
        return list(probe.get_ports())
    finally:
        probe.delete()


class NoPort:
    """``--midi-port none``: no MIDI output; the notes reach clients only as OSC note replies (the device's
    Notes to this track mode, and the demo's WAV rendering, need no port)."""

    name = "none"
    backend = "notes as OSC replies only"

    def note_on(self, channel: int, pitch: int, velocity: int) -> None:
        pass

    def note_off(self, channel: int, pitch: int) -> None:
        pass

    def close(self) -> None:
        pass


class MidiOut:
    """One output port, with bookkeeping of sounding (channel, pitch) pairs."""

    def __init__(self, backend: str, port_name: str = "StyleVAE", existing: str | None = None):
        self.backend = backend
        try:
            self._out = rtmidi.MidiOut(APIS[backend], name=port_name)
        except rtmidi.SystemError as exc:
            raise MidiError(f"cannot open the {backend} MIDI backend ({exc}); {HELP}") from None
        if existing is None:
            try:
                self._out.open_virtual_port("out")
            except (rtmidi.SystemError, NotImplementedError) as exc:
                raise MidiError(f"cannot open a virtual {backend} port ({exc}); {HELP}") from None
            self.name = f"{port_name}:out"
        else:
            ports = list(self._out.get_ports())
            matches = [i for i, name in enumerate(ports) if existing == name] or [
                i for i, name in enumerate(ports) if existing.lower() in name.lower()
            ]
            if len(matches) != 1:
                found = "no port" if not matches else f"{len(matches)} ports"
                listed = ", ".join(ports) or "none"
                raise MidiError(f"{found} named like {existing!r} on {backend}; ports are: {listed}")
            self._out.open_port(matches[0])
            self.name = ports[matches[0]]
        self._sounding: Counter[tuple[int, int]] = Counter()

    def note_on(self, channel: int, pitch: int, velocity: int) -> None:
        """channel 1..16."""
        self._out.send_message([NOTE_ON | (channel - 1), pitch, velocity])
        self._sounding[channel, pitch] += 1

    def note_off(self, channel: int, pitch: int) -> None:
        if self._sounding[channel, pitch] <= 0:
            return  # never started (or already ended): sending it would be noise
        self._out.send_message([NOTE_OFF | (channel - 1), pitch, 0])
        self._sounding[channel, pitch] -= 1
        if not self._sounding[channel, pitch]:
            del self._sounding[channel, pitch]

    def all_notes_off(self) -> None:
        for (channel, pitch), count in list(self._sounding.items()):
            for _ in range(count):
                self._out.send_message([NOTE_OFF | (channel - 1), pitch, 0])
        self._sounding.clear()

    def close(self) -> None:
        self.all_notes_off()
        self._out.close_port()
        self._out.delete()

