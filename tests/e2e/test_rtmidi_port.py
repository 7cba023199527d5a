"""python-rtmidi's port, the daemon's output on ALSA, CoreMIDI and Windows, end to end: the note sender's own thread
and the port's books sending to a real listener. Here through python-rtmidi's JACK API, the one of its APIs this
machine can run (no ALSA sequencer in the container): the same ``MidiOut`` and books as on those systems, only the
API differs. What is checked is what must hold on every backend: at a voice's stop, at the sender's stop and at
the port's close, the explicit note-offs first, then All Notes Off on each channel used since the last one."""

from __future__ import annotations

import uuid

import harness
import pytest

from stylevae.bridge import midi_out
from stylevae.bridge.clock import Clock
from stylevae.bridge.scheduler import Scheduler, note_off, note_on

pytestmark = pytest.mark.e2e


def after_the_note_offs(events: list[harness.MidiEvent]) -> list[int]:
    """The channels given All Notes Off in ``events``, provided each came after every note-off there."""
    first = next((i for i, e in enumerate(events) if e.is_all_notes_off), len(events))
    assert all(not e.is_off for e in events[first:]), "a note-off after All Notes Off"
    return [e.channel for e in events if e.is_all_notes_off]


@pytest.fixture
def port(jack_server):
    out = midi_out.MidiOut("jack", f"rt{uuid.uuid4().hex[:6]}")
    listener = harness.MidiDump(out.name)
    yield out, listener
    listener.close()


def test_a_voice_stopped_then_the_sender_stopped_end_their_notes_then_all_notes_off(port):
    out, listener = port
    clock = Clock(120)
    sender = Scheduler(clock, out)
    sender.start()
    beat, epoch = clock.beat(), clock.epoch
    sender.push([note_on(beat + 0.2, 1, 3, 60, 100, epoch), note_off(beat + 16, 1, 3, 60, epoch),
                 note_on(beat + 0.2, 2, 4, 64, 100, epoch), note_off(beat + 16, 2, 4, 64, epoch)])
    assert listener.wait_for(lambda events: sum(e.is_on for e in events) == 2), "the notes did not sound"
    mark = len(listener.snapshot())
    sender.cancel(1)  # a voice switched off: its note ends, then its channel's All Notes Off
    assert listener.wait_for(lambda events: any(e.is_all_notes_off for e in events[mark:]))
    ended = listener.snapshot()[mark:]
    assert [(e.channel, e.pitch) for e in ended if e.is_off] == [(3, 60)] and after_the_note_offs(ended) == [3]
    mark = len(listener.snapshot())
    sender.stop()  # the daemon's exit: the other voice's note, then its channel
    assert listener.wait_for(lambda events: any(e.is_all_notes_off for e in events[mark:]))
    ended = listener.snapshot()[mark:]
    assert [(e.channel, e.pitch) for e in ended if e.is_off] == [(4, 64)] and after_the_note_offs(ended) == [4]
    out.close()
    assert listener.open_notes() == 0


def test_the_port_closed_with_a_note_sounding_ends_it_then_sends_all_notes_off(port):
    """What the port's own books do at close, whoever sent the note (a sender that could not end it)."""
    out, listener = port
    out.send(midi_out.note_on(7, 67, 90))
    assert listener.wait_for(lambda events: any(e.is_on for e in events))
    out.close()
    assert listener.wait_for(lambda events: any(e.is_all_notes_off for e in events), 5), "nothing at close"
    events = listener.snapshot()
    assert [(e.channel, e.pitch) for e in events if e.is_off] == [(7, 67)] and after_the_note_offs(events) == [7]
    assert listener.open_notes() == 0
