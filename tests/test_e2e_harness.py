"""The end-to-end harness: the listener's count of the notes heard (a note the JACK output wrote again, because JACK
ran it twice for one cycle, counts once for a reader that read both runs; a doubled step still counts twice), and a
JACK tool that hangs is killed, not waited on for ever, and a connection is tried until the server lists it."""

from __future__ import annotations

import math
import signal
import subprocess
import sys
import time

import pytest
from harness import MidiEvent, connect, connections, jack_tool, notes_heard

from stylevae.bridge import midi_out
from stylevae.bridge.jack_out import EVENT, Writer
from tests.fakes import FakeTime
from tests.test_bridge_jack_out import PERIOD, RATE, Port, frames

STEP = 0.125  # a 16th at 120 BPM
HANGS = (sys.executable, "-c", "import time; time.sleep(30)")  # a stand-in tool that never answers, on any system
# The harness gives a tool it killed the return code -SIGKILL, a name Windows' signal module lacks (the JACK tools and
# the e2e tests that run them are Debian's: .github/workflows/platforms.yml)
KILLS_TOOLS = pytest.mark.skipif(sys.platform == "win32", reason="the harness's -SIGKILL is POSIX's")


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


@KILLS_TOOLS
def test_a_tool_that_gets_no_answer_is_killed_and_says_so():
    """libjack waits for the server's answer with no time-out: a stand-in tool that never ends (``HANGS``) must
    come back, killed, within its bound and not at pytest's time-out."""
    started = time.monotonic()
    result = jack_tool(*HANGS, timeout=0.3)
    assert time.monotonic() - started < 10
    assert result.returncode == -signal.SIGKILL
    assert result.stderr == "killed: no answer in 0.3 s"


class Server:
    """JACK tools' answers, scripted: each run of jack_connect takes the next of ``connects`` (a result, or "hangs":
    killed by its bound), and connects the two ports when that result is a success, or whatever it is with
    ``connects_anyway``; jack_lsp -c lists what is connected."""

    def __init__(self, connects: list, connects_anyway: bool = False):
        self.connects, self.connects_anyway = iter(connects), connects_anyway
        self.made: set[tuple[str, str]] = set()
        self.runs: list[str] = []

    def __call__(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        self.runs.append(tool)
        if tool == "jack_lsp":
            port = args[-1]
            lines = [port] + [f"   {a}" for a, b in sorted(self.made) if b == port]
            return subprocess.CompletedProcess([tool, *args], 0, "\n".join(lines) + "\n", "")
        answer = next(self.connects)
        if answer == "hangs":
            answer = jack_tool(*HANGS, timeout=0.1)
        if answer.returncode == 0 or self.connects_anyway:
            self.made.add((args[0], args[1]))
        return answer


REFUSED = subprocess.CompletedProcess([], 1, "", "cannot connect client, already connected?\n")
DONE = subprocess.CompletedProcess([], 0, "", "")


def test_a_refusal_is_tried_again_though_jack_connect_calls_it_already_connected():
    """jackd2 refuses a connection to a port of a client not yet active, and jack_connect says "already
    connected?" for every refusal: that is no connection, and the next run makes it."""
    server = Server([REFUSED, DONE])
    connect("a:out", "b:in", 5, server)
    assert server.made == {("a:out", "b:in")}
    assert server.runs.count("jack_connect") == 2


@KILLS_TOOLS
def test_a_jack_connect_that_hangs_after_connecting_is_done_when_the_server_lists_the_connection():
    server = Server(["hangs"], connects_anyway=True)  # the connection made, then the hang in its close
    connect("a:out", "b:in", 5, server)
    assert server.runs == ["jack_connect", "jack_lsp"]


@KILLS_TOOLS
def test_a_connection_never_made_fails_in_one_line_naming_it():
    with pytest.raises(RuntimeError) as failed:
        connect("a:out", "b:in", 0.3, Server(["hangs"] * 100))
    said = "killed: no answer in 0.1 s"
    assert str(failed.value) == f"jack_connect a:out b:in: not done in 0.3 s (its last run said: {said})"


def test_connections_reads_jack_lsp():
    listed = subprocess.CompletedProcess([], 0, "b:in\n   a:out\n   c:out\n", "")
    assert connections("b:in", lambda *command: listed) == ["a:out", "c:out"]
    silent = subprocess.CompletedProcess([], -9, "", "killed: no answer in 5 s")
    assert connections("b:in", lambda *command: silent) == []
