"""python-rtmidi's port (bridge/midi_out.py) when it refuses messages: an existing port its owner closed, loopMIDI's
port disabled, a driver's error. python-rtmidi raises then; the port stands in here, refusing while told to."""

from __future__ import annotations

import logging

import pytest
import rtmidi

from stylevae.bridge import midi_out, scheduler
from stylevae.bridge.clock import Clock
from stylevae.bridge.midi_out import MidiOut, all_notes_off, note_off, note_on
from stylevae.bridge.scheduler import Scheduler
from tests.fakes import FakeTime


class Port:
    """A python-rtmidi ``MidiOut`` whose messages are kept, refused with the error python-rtmidi raises on
    Windows' ``midiOutShortMsg`` failing while ``refusing`` is set."""

    def __init__(self, api, name):
        self.api, self.client = api, name
        self.taken, self.refusing, self.closed, self.virtual = [], False, False, None

    def open_virtual_port(self, name):
        self.virtual = name

    names = ["loopMIDI Port 1", "USB MIDI Interface 2"]

    def get_ports(self, encoding="auto"):
        """As python-rtmidi: bytes for encoding None (RtMidi's UTF-8), else decoded as "auto" does on Windows."""
        raw = [name.encode("utf-8") for name in self.names]
        return raw if encoding is None else [name.decode("latin-1") for name in raw]

    def open_port(self, index):
        if index == 1:  # WinMM opens a device port for one program at a time
            raise rtmidi.SystemError("MidiOutWinMM::openPort: error creating Windows MM MIDI output port.")

    def send_message(self, message):
        if self.refusing:
            raise rtmidi.SystemError("MidiOutWinMM::sendMessage: error sending MIDI message.")
        self.taken.append(bytes(message))

    def close_port(self):
        self.closed = True

    def delete(self):
        pass


@pytest.fixture
def out():
    return MidiOut("alsa", rtmidi_out=Port)


def test_a_refused_note_off_goes_out_when_the_port_takes_messages_again_before_any_new_note(out, caplog):
    port = out._out
    with caplog.at_level(logging.WARNING, "stylevae.midi"):
        out.send(note_on(1, 60, 100))
        port.refusing = True
        out.send(note_off(1, 60))  # refused: the synth keeps the note sounding
        out.send(note_on(2, 62, 100))  # lost
        out.send(note_off(2, 62))  # of a note that never sounded: nothing to send again
        port.refusing = False
        out.send(note_on(1, 64, 100))
    assert port.taken == [note_on(1, 60, 100), note_off(1, 60), note_on(1, 64, 100)]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "refuses messages" in errors[0].getMessage()
    assert all("\n" not in r.getMessage() for r in caplog.records)
    assert any("takes messages again (2 lost meanwhile)" in r.getMessage() for r in caplog.records)  # off 60, on 62
    out.close()
    assert port.taken[3:] == [note_off(1, 64), all_notes_off(1)] and port.closed


def test_while_the_port_refuses_no_note_starts_ahead_of_the_note_offs_it_owes(out):
    port = out._out
    out.send(note_on(3, 70, 90))
    port.refusing = True
    out.send(note_off(3, 70))
    port.refusing = False  # the port is back, but the owed note-off goes first, then the new note
    out.send(note_on(3, 70, 90))
    assert port.taken == [note_on(3, 70, 90), note_off(3, 70), note_on(3, 70, 90)]
    assert out.books.count((3, 70)) == 1 and not out._unended


def test_closing_a_port_that_refuses_everything_raises_nothing(out):
    out.send(note_on(1, 60, 100))
    out._out.refusing = True
    out.close()
    assert out._out.closed and out.lost == 2  # the note-off and All Notes Off


def test_a_sender_that_meets_a_refusing_port_keeps_running(out):
    """The sender hands over events from its own thread; an exception there would end it and every later note."""
    now = FakeTime()
    clock = Clock(120, now=now)
    sender = Scheduler(clock, out, now=now)
    out._out.refusing = True
    sender.push([scheduler.note_on(0.0, 1, 1, 60, 100, 0), scheduler.note_off(0.25, 1, 1, 60, 0)])
    sender.send_due()
    now.t = 0.125
    sender.send_due()
    out._out.refusing = False
    sender.push([scheduler.note_on(0.5, 1, 1, 62, 100, 0)])
    now.t = 0.25
    sender.send_due()
    assert out._out.taken == [note_on(1, 62, 100)]  # the lost note's note-off not sent: it never sounded


def test_an_existing_port_that_will_not_open_is_one_line_naming_it():
    """On Windows a device port takes one program at a time: Live holding it is the usual case."""
    assert MidiOut("winmm", existing="loopMIDI", rtmidi_out=Port).name == "loopMIDI Port 1"
    with pytest.raises(midi_out.MidiError) as refused:
        MidiOut("winmm", existing="USB MIDI", rtmidi_out=Port)
    message = str(refused.value)
    assert "\n" not in message and "'USB MIDI Interface 2'" in message and "another program may hold it" in message


@pytest.mark.parametrize(("backend", "listed"), [("alsa", "StyleVAE:out"), ("jack", "StyleVAE:out"),
                                                  ("coremidi", "StyleVAE")])
def test_the_virtual_port_is_listed_under_the_daemons_name_on_every_backend(backend, listed):
    """What Live's MIDI preferences (or another program's port list) show: ALSA and JACK list a port as its client
    and its own name; CoreMIDI lists a virtual source by its own name alone, which was "out" there."""
    out = MidiOut(backend, "StyleVAE", rtmidi_out=Port)
    port = out._out
    assert (port.api, port.client) == (midi_out.APIS[backend], "StyleVAE")
    shown = port.virtual if backend == "coremidi" else f"{port.client}:{port.virtual}"
    assert shown == listed == out.name


def test_a_port_name_beyond_ascii_is_listed_and_found_as_its_system_names_it(monkeypatch):
    """python-rtmidi decodes RtMidi's UTF-8 names as Latin-1 on Windows (Mac Roman on macOS): "Périphérique" came
    out garbled, and --midi-port "Périphérique" found nothing. A name that is not UTF-8 is still listed."""
    monkeypatch.setattr(Port, "names", ["Périphérique MIDI 1", "loopMIDI Port 2"])
    out = MidiOut("winmm", existing="Périphérique", rtmidi_out=Port)
    assert out.name == "Périphérique MIDI 1"

    class Legacy(Port):
        def get_ports(self, encoding="auto"):
            return [b"caf\xe9 1", None] if encoding is None else ["caf\xe9 1", None]

    assert midi_out.port_names(Legacy(None, None), "winmm") == ["café 1", ""]  # Latin-1, as python-rtmidi reads it
    assert midi_out.port_names(Legacy(None, None), "coremidi") == ["cafÈ 1", ""]  # Mac Roman
    assert midi_out.port_names(Legacy(None, None), "alsa") == ["caf 1", ""]  # UTF-8, what it cannot read left out
