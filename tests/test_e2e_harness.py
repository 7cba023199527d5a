"""The end-to-end harness: the listener's count of the notes heard (a note the JACK output wrote again, because JACK
ran it twice for one cycle, counts once for a reader that read both runs; a doubled step still counts twice), and a
JACK tool that hangs is killed, not waited on for ever, and tried again."""

from __future__ import annotations

import math
import signal
import subprocess
import time

import pytest
from harness import MidiDump, MidiEvent, connected, jack_tool, notes_heard

from stylevae.bridge import midi_out
from stylevae.bridge.jack_out import EVENT, Writer
from tests.fakes import FakeTime
from tests.test_bridge_jack_out import PERIOD, RATE, Port, frames

STEP = 0.125  # a 16th at 120 BPM


def heard(periods: list[list[tuple[int, bytes]]], start: float) -> list[MidiEvent]:
    """What a reader that read each of these buffers of one cycle heard, stamped at their frames."""
    return [MidiEvent(start + offset / RATE, 0.0, *message) for period in periods for offset, message in period]


def test_a_note_written_again_for_a_cycle_run_twice_is_heard_once():
    now = FakeTime(1.0)
    port = Port()
    writer = Writer(port, RATE, lambda: 0, frames(now), now=now)
    writer.inbox.extend([(1.0035, 1, EVENT, midi_out.note_off(1, 64), 0, math.inf),
                         (1.0035, 1, EVENT, midi_out.note_on(1, 64, 90), 0, 0.0625)])
    writer.books.admit(midi_out.note_on(1, 64, 100))  # the step before, still sounding
    writer.process(PERIOD)
    writer.process(PERIOD)  # the same cycle again: the output writes the note again, as a note-off and the note-on
    events = heard(port.periods, 1.0)
    assert sum(e.is_on for e in events) == 2
    assert [e.time for e in notes_heard(events, STEP / 4)] == [1.003]


def test_notes_of_two_steps_are_heard_twice_however_close():
    """A burst of catch-up notes, two steps at once: of different pitches, or of one pitch with another note or
    more than ``within`` between them, each is a note heard."""
    on, off = midi_out.note_on, midi_out.note_off
    burst = [(0, off(1, 64)), (0, on(1, 67, 90)), (1, off(1, 67)), (1, on(1, 64, 90))]
    assert len(notes_heard(heard([burst], 1.0), STEP / 4)) == 2
    between = [(0, on(1, 64, 90)), (1, off(1, 64)), (1, on(1, 60, 90)), (2, off(1, 60)), (2, on(1, 64, 90))]
    assert len(notes_heard(heard([between], 1.0), STEP / 4)) == 3
    a_step_apart = [(0, on(1, 64, 90)), (125, off(1, 64)), (125, on(1, 64, 90))]
    assert len(notes_heard(heard([a_step_apart], 1.0), STEP / 4)) == 2


def test_a_note_on_of_the_same_pitch_without_its_note_off_between_counts_again():
    """Two note-ons of one pitch with no note-off between are two notes stacked, not the output's repeat."""
    on = midi_out.note_on
    assert len(notes_heard(heard([[(0, on(1, 64, 90)), (1, on(1, 64, 90))]], 1.0), STEP / 4)) == 2


def test_a_tool_that_gets_no_answer_is_killed_and_says_so():
    """libjack waits for the server's answer with no time-out: a stand-in tool that never ends (``sleep``) must
    come back, killed, within its bound and not at pytest's time-out."""
    started = time.monotonic()
    result = jack_tool("sleep", "30", timeout=0.3)
    assert time.monotonic() - started < 10
    assert result.returncode == -signal.SIGKILL
    assert result.stderr == "killed: no answer in 0.3 s"


def test_a_retried_tool_that_never_answers_fails_in_one_line_naming_it(monkeypatch):
    monkeypatch.setattr("harness.jack_tool", lambda *command: jack_tool("sleep", "30", timeout=0.2))
    with pytest.raises(RuntimeError) as failed:
        MidiDump._retry(["jack_connect", "a:out", "b:in"], 0.5, lambda r: r.returncode == 0)
    said = "killed: no answer in 0.2 s"
    assert str(failed.value) == f"jack_connect a:out b:in: not done in 0.5 s (its last run said: {said})"


def test_a_jack_connect_killed_after_connecting_is_done_when_the_next_run_finds_the_connection(monkeypatch):
    """jack_connect hung in its close once the connection was made (``connected``): killed, its next run fails with
    "already connected?", which is the connection being there, not a failure to make it."""
    runs = iter([jack_tool("sleep", "30", timeout=0.2),
                 subprocess.CompletedProcess([], 1, "", "cannot connect client, already connected?\n")])
    monkeypatch.setattr("harness.jack_tool", lambda *command: next(runs))
    MidiDump._retry(["jack_connect", "a:out", "b:in"], 5, connected)
    assert next(runs, None) is None  # both runs taken, and no failure
    assert not connected(subprocess.CompletedProcess([], 1, "", "cannot connect client\n"))
