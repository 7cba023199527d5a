"""The JACK process's writer and the books, driven by hand: frames, a full buffer, drop, quit; no JACK here
(the end-to-end tests run the real process on a real server)."""

import logging
import math
import os
import select
import signal
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest

from stylevae.bridge import jack_out as jo
from stylevae.bridge import midi_out
from stylevae.bridge.jack_out import (
    ALL_VOICES,
    DROP,
    EVENT,
    QUIT,
    REPAIR_SECONDS,
    REPAIR_TIMES,
    RETIME,
    SUMMARY_BEGAN,
    SUMMARY_CALLBACK,
    SUMMARY_PLACED,
    SUMMARY_TOO_LATE,
    SUMMARY_UNCOVERED,
    SUMMARY_WRITTEN,
    WITHDRAW,
    DirectPort,
    JackOut,
    Writer,
    follow_target,
)
from stylevae.bridge.scheduler import AT_ONCE
from tests.fakes import FakeTime

if sys.platform != "win32":
    import fcntl  # only to shrink a pipe (small_pipe); Windows has none, and tests/test_e2e_harness.py imports this

INF = math.inf  # a record's grace: none (a note-on's grace is finite)
RATE = 1000  # frames per second: a frame is a millisecond
PERIOD = 10


class Port:
    """A JACK MIDI port's buffer for one period, with room for ``room`` events."""

    def __init__(self, room=100):
        self.room = room
        self.periods = []

    def clear_buffer(self):
        self.periods.append([])

    @property
    def max_event_size(self):
        return 3 if len(self.periods[-1]) < self.room else 0

    def write_midi_event(self, offset, message):
        assert len(self.periods[-1]) < self.room, "written to a full buffer"
        assert not self.periods[-1] or offset >= self.periods[-1][-1][0], "events out of order"
        self.periods[-1].append((offset, bytes(message)))


def frames(now, reads=()):
    """JACK's frame count of the period being processed, a period on from the last one each time ``run`` moves;
    while ``reads`` (a list) holds values, the next read is the first of them (a count that moves mid-callback)."""
    return lambda: reads.pop(0) if reads else round(now.t * RATE)


@pytest.fixture
def rig():
    now = FakeTime(1.0)
    port = Port()
    writer = Writer(port, RATE, lambda: 0, frames(now), now=now)
    return now, port, writer


def run(now, writer, periods=1):
    for _ in range(periods):
        writer.process(PERIOD)
        now.t += PERIOD / RATE


def test_each_event_goes_out_at_its_frame(rig):
    now, port, writer = rig
    writer.inbox.extend([(1.0045, 1, EVENT, midi_out.note_on(1, 60, 100), 0, INF),
                         (1.0135, 1, EVENT, midi_out.note_off(1, 60), 0, INF),
                         (1.0138, 2, EVENT, midi_out.note_on(2, 62, 100), 0, INF)])
    run(now, writer, 2)
    assert port.periods == [[(4, midi_out.note_on(1, 60, 100))],
                            [(3, midi_out.note_off(1, 60)), (3, midi_out.note_on(2, 62, 100))]]
    assert max(writer.late) < 1 / RATE
    assert writer.summary().startswith("3 messages written at their frame; placed after their time by p50 -0.500 ms")
    assert "the callback took p50 0 µs" in writer.summary() and "of a 10000 µs period" in writer.summary()


def test_the_benchmarks_read_the_exit_line_the_output_writes(rig):
    """bench/ reads the JACK output's exit line with the patterns beside the code that writes it."""
    now, port, writer = rig
    writer.inbox.extend([(1.0045, 1, EVENT, midi_out.note_on(1, 60, 100), 0, INF),
                         (1.0135, 1, EVENT, midi_out.note_off(1, 60), 0, INF)])
    run(now, writer, 2)
    writer.on_xrun()
    line = f"JACK output: {writer.summary()}"
    assert SUMMARY_WRITTEN.search(line)["written"] == "2"
    placed = SUMMARY_PLACED.search(line)
    assert float(placed["p50"]) < 0 and placed["full"] == "0"
    callback = SUMMARY_CALLBACK.search(line)
    assert callback["xruns"] == "1" and int(callback["max"]) >= int(callback["p50"]) >= 0
    began = SUMMARY_BEGAN.search(line)
    assert began and int(began["max"]) >= int(began["p50"]) >= 0
    uncovered = SUMMARY_UNCOVERED.search(line)
    assert uncovered and (uncovered["events"], uncovered["stretches"], uncovered["missed"]) == ("0", "0", "0")


def test_events_due_while_no_period_of_the_process_ran_are_told_from_those_it_placed_late_itself(rig):
    """JACK ran two periods without calling the process back: a note due then goes out at the next period's first
    frame, JACK's lateness; a note handed over after the period that covered it had run is the output's own."""
    now, port, writer = rig
    run(now, writer)  # the period from 1.000 to 1.010
    writer.inbox.extend([(1.0095, 1, EVENT, midi_out.note_on(1, 60, 100), 0, INF),  # its period has run: late here
                         (1.015, 2, EVENT, midi_out.note_on(1, 62, 100), 0, INF)])  # due in the periods JACK skipped
    now.t += 2 * PERIOD / RATE
    run(now, writer)
    assert port.periods[-1] == [(0, midi_out.note_on(1, 60, 100)), (0, midi_out.note_on(1, 62, 100))]
    assert (writer.uncovered, writer.stretches, writer.missed_periods) == (1, 1, 2)
    found = SUMMARY_UNCOVERED.search(writer.summary())
    assert (found["events"], found["stretches"], found["ms"], found["missed"]) == ("1", "1", "20.0", "2")
    assert (found["p99"], found["max"]) == ("20.500", "20.500")  # the note on 60 alone


def test_a_note_on_whose_frame_comes_later_than_its_grace_is_not_written_nor_its_note_off(rig):
    """The process held up (frozen, starved) for longer than a note-on's grace: a missed note, as the sender makes
    of a note-on that reaches it that late, not one of a burst of late notes once it runs again."""
    now, port, writer = rig
    on, off = midi_out.note_on, midi_out.note_off
    run(now, writer)  # the period from 1.000 to 1.010
    writer.inbox.extend([(1.012, 1, EVENT, on(1, 60, 100), 1, 0.05), (1.09, 1, EVENT, off(1, 60), 2, INF),
                         (1.095, 2, EVENT, on(2, 62, 100), 3, 0.05), (1.2, 2, EVENT, off(2, 62), 4, INF),
                         (1.02, 3, EVENT, on(3, 64, 100), 5, 0.05), (1.098, 3, RETIME, b"\0\0\0", 5, INF),
                         (1.15, 3, EVENT, off(3, 64), 6, INF)])
    now.t += 0.09  # held up: the next period begins at 1.100
    run(now, writer)
    # 60 would start 88 ms late; 62 starts 5 ms late, 64 (moved by a tempo change) 2 ms, both within their grace
    assert port.periods[-1] == [(0, on(2, 62, 100)), (0, on(3, 64, 100))]
    assert writer.too_late == 1 and SUMMARY_TOO_LATE.search(writer.summary())["notes"] == "1"
    run(now, writer, 11)
    assert [m for period in port.periods for _, m in period] == [on(2, 62, 100), on(3, 64, 100), off(3, 64),
                                                                 off(2, 62)]


def test_a_period_that_begins_late_leaves_a_stretch_even_when_jack_skipped_none(rig):
    """JACK's own thread late by 4 ms: the frame count moves by one period, but the period begins 4 ms after the
    last one ended; a note due in those 4 ms is JACK's lateness."""
    now, port, writer = rig
    run(now, writer)
    writer.inbox.append((1.012, 1, EVENT, midi_out.note_on(1, 60, 100), 0, INF))
    now.t += 0.004
    run(now, writer)
    assert port.periods[-1] == [(0, midi_out.note_on(1, 60, 100))]
    assert (writer.uncovered, writer.stretches, writer.missed_periods) == (1, 1, 0)
    assert writer.stretch_seconds == pytest.approx(0.004)
    assert writer.stretch_log is None  # kept only where asked


def test_the_stretches_are_kept_where_asked_with_the_periods_jack_ran_across_them():
    now, port = FakeTime(1.0), Port()
    writer = Writer(port, RATE, lambda: 0, frames(now), now=now, keep_stretches=True)
    run(now, writer)
    now.t += 0.004  # JACK's period late
    run(now, writer)
    now.t += 2 * PERIOD / RATE  # two periods JACK ran without this process
    run(now, writer)
    assert [(round(a, 6), round(b, 6), n) for a, b, n in writer.stretch_log] == [(1.01, 1.014, 1), (1.024, 1.044, 3)]


def test_the_exit_line_says_how_far_into_its_period_the_callback_began():
    """A callback JACK ran late in its period (a busy machine) shows in the exit line: the first thing to read
    when a listener saw a note late that the output placed on time."""
    now = FakeTime(1.0)
    writer = Writer(Port(), RATE, lambda: 3, frames(now), now=now)
    run(now, writer, 4)
    began = SUMMARY_BEGAN.search(writer.summary())
    assert (began["p50"], began["max"]) == ("3000", "3000")


def test_a_full_buffer_holds_the_rest_for_the_next_period_in_order(rig):
    now, port, writer = rig
    port.room = 3
    events = [midi_out.note_on(c, 60, 100) for c in range(1, 6)]
    writer.inbox.extend((1.005, c, EVENT, m, 0, INF) for c, m in enumerate(events, 1))
    run(now, writer, 2)
    assert [m for _, m in port.periods[0]] == events[:3]
    assert port.periods[1] == [(0, events[3]), (0, events[4])]  # at once, nothing lost
    assert writer.full_periods == 1


def test_a_note_off_for_a_note_not_sounding_is_not_sent(rig):
    now, port, writer = rig
    writer.inbox.extend([(AT_ONCE, 1, EVENT, midi_out.note_off(1, 60), 0, INF)])
    run(now, writer)
    assert port.periods == [[]]


def test_drop_forgets_a_voices_note_ons_and_sends_its_note_offs_at_once(rig):
    now, port, writer = rig
    writer.inbox.extend([(1.001, 1, EVENT, midi_out.note_on(1, 60, 100), 0, INF),
                         (1.001, 2, EVENT, midi_out.note_on(2, 70, 100), 0, INF)])
    run(now, writer)
    writer.inbox.extend([(1.0505, 1, EVENT, midi_out.note_off(1, 60), 0, INF),
                         (1.0505, 1, EVENT, midi_out.note_on(1, 61, 9), 0, INF),
                         (1.0505, 2, EVENT, midi_out.note_off(2, 70), 0, INF), (AT_ONCE, 1, DROP, b"\0\0\0", 0, INF)])
    run(now, writer)
    assert port.periods[1] == [(0, midi_out.note_off(1, 60))]
    run(now, writer, 5)
    assert port.periods[5] == [(0, midi_out.note_off(2, 70))]  # at 1.0505: the other voice keeps its time
    assert sum(len(p) for p in port.periods) == 4


def test_retime_moves_a_queued_event_to_its_new_frame_and_leaves_the_rest(rig):
    now, port, writer = rig
    writer.inbox.extend([(1.0045, 1, EVENT, midi_out.note_on(1, 60, 100), 7, INF),
                         (1.0085, 1, EVENT, midi_out.note_on(1, 62, 100), 8, INF),
                         (1.0135, 1, EVENT, midi_out.note_off(1, 60), 9, INF),
                         (1.0105, 1, RETIME, b"\0\0\0", 7, INF),  # a tempo change: 60 starts 6 ms later
                         (1.0001, 1, RETIME, b"\0\0\0", 99, INF)])  # one the output does not have: nothing moves
    run(now, writer, 2)
    assert port.periods == [[(8, midi_out.note_on(1, 62, 100))],
                            [(0, midi_out.note_on(1, 60, 100)), (3, midi_out.note_off(1, 60))]]


def test_retime_leaves_a_note_off_that_a_drop_sent_at_once(rig):
    now, port, writer = rig
    writer.inbox.extend([(1.001, 1, EVENT, midi_out.note_on(1, 60, 100), 1, INF)])
    run(now, writer)
    writer.inbox.extend([(1.05, 1, EVENT, midi_out.note_off(1, 60), 2, INF), (AT_ONCE, 1, DROP, b"\0\0\0", 0, INF),
                         (1.08, 1, RETIME, b"\0\0\0", 2, INF)])
    run(now, writer)
    assert port.periods[1] == [(0, midi_out.note_off(1, 60))]


def test_withdraw_forgets_a_queued_event_ends_a_written_note_on_and_leaves_one_sent_at_once(rig):
    """Withdrawn: a queued note-off (its note sounds on, the daemon ends it later) and a queued note-on (never
    written); a note-on already written (a period longer than the daemon's guard) is ended at once; a note-off a drop
    sent at once stays sent; an ident the output does not have changes nothing."""
    now, port, writer = rig
    writer.inbox.extend([(1.001, 1, EVENT, midi_out.note_on(1, 60, 100), 1, INF),
                         (1.001, 3, EVENT, midi_out.note_on(3, 70, 100), 6, INF),
                         (1.001, 4, EVENT, midi_out.note_on(4, 80, 100), 8, INF)])
    run(now, writer)
    withdraw = [(AT_ONCE, ALL_VOICES, WITHDRAW, b"\0\0\0", ident, INF) for ident in (2, 3, 7, 8, 99)]
    writer.inbox.extend([(1.05, 1, EVENT, midi_out.note_off(1, 60), 2, INF),
                         (1.05, 1, EVENT, midi_out.note_on(1, 62, 9), 3, INF),
                         (1.05, 3, EVENT, midi_out.note_off(3, 70), 7, INF), *withdraw[:2],
                         (AT_ONCE, 3, DROP, b"\0\0\0", 0, INF), *withdraw[2:]])
    run(now, writer, 80)
    assert [m for _, m in port.periods[0]] == [midi_out.note_on(1, 60, 100), midi_out.note_on(3, 70, 100),
                                               midi_out.note_on(4, 80, 100)]
    assert [m for period in port.periods[1:] for _, m in period] == [midi_out.note_off(3, 70), midi_out.note_off(4, 80)]
    assert writer.queue == [] and writer.books.count((1, 60)) == 1


def test_withdrawing_a_note_on_whose_note_off_was_written_too_ends_nothing(rig):
    """A short note begun and ended within what the process wrote, then withdrawn: its note is over, and a second
    note-off could end the same pitch begun again by another voice."""
    now, port, writer = rig
    writer.inbox.extend([(1.001, 1, EVENT, midi_out.note_on(1, 60, 100), 1, INF),
                         (1.002, 1, EVENT, midi_out.note_off(1, 60), 2, INF),
                         (1.003, 2, EVENT, midi_out.note_on(1, 60, 100), 3, INF)])
    run(now, writer)
    writer.inbox.extend([(AT_ONCE, ALL_VOICES, WITHDRAW, b"\0\0\0", 1, INF)])
    run(now, writer, 5)
    assert [m for period in port.periods[1:] for _, m in period] == [] and writer.books.count((1, 60)) == 1


def test_quit_ends_every_sounding_note_then_all_notes_off_and_is_done(rig):
    now, port, writer = rig
    writer.inbox.extend([(1.001, 3, EVENT, midi_out.note_on(3, 60, 100), 0, INF),
                         (1.002, 4, EVENT, midi_out.note_on(4, 61, 100), 0, INF),
                         (1.5, 3, EVENT, midi_out.note_on(3, 62, 100), 0, INF)])
    run(now, writer)
    writer.inbox.append((AT_ONCE, ALL_VOICES, QUIT, b"", 0, INF))
    run(now, writer, 3)
    sent = [m for p in port.periods[1:] for _, m in p]
    assert sent == [midi_out.note_off(3, 60), midi_out.note_off(4, 61), midi_out.all_notes_off(3),
                    midi_out.all_notes_off(4)]
    assert not writer.done.is_set()  # not yet: an xrun reported meanwhile still repairs the last note-offs
    writer.on_xrun()
    run(now, writer)
    assert port.periods[-1] == [(0, midi_out.note_off(3, 60)), (0, midi_out.note_off(4, 61))]
    run(now, writer, int(REPAIR_SECONDS * RATE / PERIOD) + 1)
    assert writer.done.is_set()


def test_once_done_a_period_writes_nothing_and_counts_nothing_so_the_exit_line_can_be_read_while_jack_runs(rig):
    """The exit line is said before the client leaves JACK (which took seconds after a freeze): the callbacks still
    run meanwhile, and must neither write nor move what the line reads."""
    now, port, writer = rig
    writer.inbox.extend([(1.001, 3, EVENT, midi_out.note_on(3, 60, 100), 0, INF),
                         (AT_ONCE, ALL_VOICES, QUIT, b"", 0, INF)])
    while not writer.done.is_set():
        run(now, writer)
    line, periods = writer.summary(), len(port.periods)
    writer.inbox.append((now.t, 3, EVENT, midi_out.note_on(3, 64, 100), 0, INF))
    writer.on_xrun()
    run(now, writer, 5)
    assert len(port.periods) == periods + 5 and port.periods[periods:] == [[]] * 5  # each period's buffer cleared
    assert writer.summary() == line


def test_books_match_every_note_on_even_across_all_notes_off():
    books = midi_out.Books()
    assert books.admit(midi_out.note_on(2, 60, 100)) and books.admit(midi_out.note_on(2, 60, 100))
    assert books.admit(midi_out.note_off(2, 60))
    assert books.ending() == [midi_out.note_off(2, 60), midi_out.all_notes_off(2)]
    assert books.admit(midi_out.all_notes_off(2))
    assert books.ending() == [midi_out.note_off(2, 60)]  # CC 123 sent: the channel is clean, the note still owed
    assert books.admit(midi_out.note_off(2, 60))  # e.g. another voice's, handed over before that voice's CC 123
    assert not books.admit(midi_out.note_off(2, 60)) and books.ending() == []
    assert books.count((2, 60)) == 0 and books.sounding == {}  # nothing left behind for a silent pitch


class FakeLib:
    """libjack's MIDI calls as ``DirectPort`` makes them, counted; a buffer with room for ``room`` events."""

    def __init__(self, room):
        self.room, self.lookups, self.events = room, 0, []

    def jack_port_get_buffer(self, port, frames):
        self.lookups += 1
        return "buffer"

    def jack_midi_clear_buffer(self, buffer):
        self.events.clear()

    def jack_midi_max_event_size(self, buffer):
        return 3 if len(self.events) < self.room else 0

    def jack_midi_event_write(self, buffer, offset, data, size):
        if len(self.events) >= self.room:
            return 105  # ENOBUFS
        self.events.append((offset, bytes(data[:size])))
        return 0


def test_the_direct_port_looks_its_buffer_up_once_a_period_and_says_when_jack_refuses_an_event():
    class Ffi:
        from_buffer = staticmethod(memoryview)

    class OwnPort:
        _ptr = "port"

    lib = FakeLib(room=2)
    port = DirectPort(OwnPort(), lib, Ffi(), 32)
    port.clear_buffer()
    for offset in (3, 7):
        assert port.max_event_size == 3
        port.write_midi_event(offset, midi_out.note_on(1, 60, 100))
    assert lib.lookups == 1 and lib.events == [(3, midi_out.note_on(1, 60, 100)), (7, midi_out.note_on(1, 60, 100))]
    assert port.max_event_size == 0
    with pytest.raises(RuntimeError, match="JACK refused a MIDI event at frame 9"):
        port.write_midi_event(9, midi_out.note_off(1, 60))


def test_after_an_xrun_the_recent_note_offs_go_out_again_but_not_for_notes_started_since(rig):
    now, port, writer = rig
    on, off = midi_out.note_on, midi_out.note_off
    writer.inbox.extend([(1.001, 1, EVENT, on(1, 60, 100), 0, INF), (1.002, 2, EVENT, on(2, 64, 100), 0, INF),
                         (1.003, 3, EVENT, on(3, 67, 100), 0, INF),
                         (1.011, 1, EVENT, off(1, 60), 0, INF), (1.012, 2, EVENT, off(2, 64), 0, INF),
                         (1.015, 2, EVENT, on(2, 64, 90), 0, INF)])  # 64 starts again after its note-off
    run(now, writer, 2)
    writer.on_xrun()  # JACK's thread: a period was late, its MIDI may be lost
    run(now, writer)
    assert port.periods[-1] == [(0, off(1, 60))]  # not 64 (sounding again), no note-on repeated
    assert writer.repaired == 1 and "1 xruns, after which 1 note-offs were written again" in writer.summary()
    assert writer.owed == {(2, 64): 1}  # once 64 is silent again
    run(now, writer)
    writer.on_xrun()  # this xrun may have lost the repair: it goes out once more
    run(now, writer)
    assert port.periods[-1] == [(0, off(1, 60))]
    run(now, writer, int(REPAIR_SECONDS * RATE / PERIOD) + 1)
    writer.on_xrun()
    run(now, writer)
    assert port.periods[-1] == []  # nothing written within the last REPAIR_SECONDS: nothing to write again


def test_xruns_that_keep_coming_repeat_a_note_off_only_a_few_times(rig):
    """Each repair may be lost to the next xrun, so it is written again, but no more than REPAIR_TIMES: a run of
    xruns must not repeat every note-off for as long as it lasts (that filled the buffers and held back the notes;
    later, with the JACK server frozen 40 times a second, it made the callback longer than its period)."""
    now, port, writer = rig
    on, off = midi_out.note_on, midi_out.note_off
    writer.inbox.extend([(1.001, 1, EVENT, on(1, 60, 100), 0, INF), (1.011, 1, EVENT, off(1, 60), 0, INF)])
    run(now, writer, 2)
    for _ in range(int(REPAIR_SECONDS * RATE / PERIOD)):
        writer.on_xrun()
        run(now, writer)
    repeats = [k for k, period in enumerate(port.periods[2:]) if (0, off(1, 60)) in period]
    assert repeats == list(range(REPAIR_TIMES))


def test_a_note_off_lost_before_its_pitch_started_again_goes_out_once_the_pitch_is_silent(rig):
    now, port, writer = rig
    on, off = midi_out.note_on, midi_out.note_off
    writer.inbox.extend([(1.001, 2, EVENT, on(2, 64, 100), 0, INF), (1.012, 2, EVENT, off(2, 64), 0, INF),
                         (1.015, 2, EVENT, on(2, 64, 90), 0, INF),
                         (1.016, 3, EVENT, on(2, 64, 70), 0, INF)])  # two voices on 64
    run(now, writer, 2)
    writer.on_xrun()  # the first note-off may be lost: the receiver may then hold 64 three times
    run(now, writer)
    assert port.periods[-1] == []  # not now: it would cut the notes sounding since 1.015
    writer.inbox.extend([(1.0355, 2, EVENT, off(2, 64), 0, INF), (1.0455, 3, EVENT, off(2, 64), 0, INF),
                         (1.0555, 2, EVENT, on(2, 64, 80), 0, INF), (1.0655, 2, EVENT, off(2, 64), 0, INF)])
    run(now, writer, 4)
    assert port.periods[3:7] == [[(5, off(2, 64))],  # voice 3's note still sounds: nothing extra
                                 [(5, off(2, 64)), (5, off(2, 64))],  # 64 silent: the lost one goes out with it
                                 [(5, on(2, 64, 80))], [(5, off(2, 64))]]  # then as usual
    assert writer.repaired == 1 and not writer.owed


def test_note_offs_due_again_that_do_not_fit_go_out_first_thing_next_period(rig):
    now, port, writer = rig
    on, off = midi_out.note_on, midi_out.note_off
    writer.inbox.extend([(1.001, 1, EVENT, on(1, p, 100), 0, INF) for p in (60, 62, 64)]
                        + [(1.005, 1, EVENT, off(1, p), 0, INF) for p in (60, 62, 64)])
    run(now, writer)
    port.room = 2
    writer.on_xrun()
    writer.inbox.extend([(1.0255, 1, EVENT, on(1, 67, 100), 0, INF)])
    run(now, writer, 2)
    assert port.periods[1:3] == [[(0, off(1, 60)), (0, off(1, 62))],
                                 [(0, off(1, 64)), (5, on(1, 67, 100))]]  # before this period's events
    assert writer.repaired == 3 and not writer.again
    assert writer.written == 6 + 1 + 3  # every message on the wire: a listener that missed none reads as many


def test_note_offs_older_than_the_repair_window_are_not_repeated(rig):
    now, port, writer = rig
    from stylevae.bridge.jack_out import REPAIR_SECONDS

    writer.inbox.extend([(1.001, 1, EVENT, midi_out.note_on(1, 60, 100), 0, INF),
                         (1.005, 1, EVENT, midi_out.note_off(1, 60), 0, INF)])
    run(now, writer, int(REPAIR_SECONDS * RATE / PERIOD) + 2)
    writer.on_xrun()
    run(now, writer)
    assert port.periods[-1] == [] and not writer.recent_offs


def test_what_a_period_the_frame_count_moved_on_in_wrote_goes_out_again_first_thing_next_period():
    """A callback during which JACK's frame count moved on wrote into a period its readers had mostly already read
    (bridge/jack_out.py): its note-offs and controls go out again as they were, its note-ons as note-off and
    note-on, so the receiver holds each note once whether it read them the first time or not."""
    now, port, reads = FakeTime(1.0), Port(), []
    writer = Writer(port, RATE, lambda: 0, frames(now, reads), now=now)
    on, off = midi_out.note_on, midi_out.note_off
    writer.inbox.extend([(1.001, 1, EVENT, on(1, 60, 100), 0, INF), (1.0125, 1, EVENT, off(1, 60), 0, INF),
                         (1.0125, 1, EVENT, on(1, 62, 100), 0, INF),
                         (1.0135, 2, EVENT, midi_out.all_notes_off(5), 0, INF),
                         (1.0255, 1, EVENT, off(1, 62), 0, INF)])
    run(now, writer)
    reads.extend([round(now.t * RATE), round(now.t * RATE) + PERIOD])  # on by a period at the callback's end
    run(now, writer, 3)
    assert port.periods[1] == [(2, off(1, 60)), (2, on(1, 62, 100)), (3, midi_out.all_notes_off(5))]
    assert port.periods[2] == [(0, off(1, 60)), (0, off(1, 62)), (0, on(1, 62, 100)),
                               (0, midi_out.all_notes_off(5)), (5, off(1, 62))]
    assert port.periods[3] == []  # the third period was read: nothing again
    assert (writer.unread_periods, writer.unread_messages) == (1, 4)
    assert "1 periods that may have gone unread (their 4 messages written again)" in writer.summary()


def test_a_callback_run_twice_for_one_cycle_writes_the_first_ones_messages_again_at_their_frames(rig):
    """A late client can be run twice for one cycle, the second clearing the buffer the first wrote: the second
    writes them again at their frames, then its own."""
    now, port, writer = rig
    on = midi_out.note_on
    writer.inbox.extend([(1.0035, 1, EVENT, on(1, 60, 100), 0, INF), (1.0045, 2, EVENT, on(1, 60, 90), 0, INF),
                         (1.0065, 3, EVENT, on(1, 64, 100), 0, INF)])
    writer.process(PERIOD)
    writer.inbox.append((1.0075, 4, EVENT, on(1, 67, 100), 0, INF))  # handed over between the two runs
    writer.process(PERIOD)  # the same cycle again: JACK's frame count has not moved
    # 60 sounds twice (two voices): its note-ons are not repeated, where a receiver could end up holding it thrice
    assert port.periods[1] == [(6, midi_out.note_off(1, 64)), (6, on(1, 64, 100)), (7, on(1, 67, 100))]
    assert writer.unread_periods == 1


def test_a_period_read_in_time_is_not_written_again(rig):
    now, port, writer = rig
    writer.inbox.extend([(1.0035, 1, EVENT, midi_out.note_on(1, 60, 100), 0, INF),
                         (1.0135, 1, EVENT, midi_out.note_off(1, 60), 0, INF)])
    run(now, writer, 3)
    assert port.periods == [[(3, midi_out.note_on(1, 60, 100))], [(3, midi_out.note_off(1, 60))], []]
    assert writer.unread_periods == 0


def test_late_periods_in_a_row_do_not_carry_what_was_written_again_on_to_the_next():
    """Each late period writes again only what the one before first wrote: carried on, the load grew with every
    late callback and made the next one later (seen on JACK: a run of them held back every event for seconds)."""
    now, port, reads = FakeTime(1.0), Port(), []
    writer = Writer(port, RATE, lambda: 0, frames(now, reads), now=now)
    on, off = midi_out.note_on, midi_out.note_off
    writer.inbox.extend([(1.0015, 1, EVENT, on(1, 60, 100), 0, INF), (1.0115, 1, EVENT, off(1, 60), 0, INF),
                         (1.0215, 1, EVENT, on(1, 62, 100), 0, INF)])
    for _ in range(4):  # every callback late: the frame count a period on by its end
        reads.extend([round(now.t * RATE), round(now.t * RATE) + PERIOD])
        run(now, writer)
    assert port.periods == [[(1, on(1, 60, 100))],
                            [(0, off(1, 60)), (0, on(1, 60, 100)), (1, off(1, 60))],
                            [(0, off(1, 60)), (1, on(1, 62, 100))],
                            [(0, off(1, 62)), (0, on(1, 62, 100))]]


class Waiting(subprocess.Popen):
    """A stand-in for the JACK process while it waits for a server (it reads nothing); what it is asked is kept."""

    def __init__(self):
        super().__init__([sys.executable, "-c", "import time; time.sleep(60)"], stdin=subprocess.PIPE)
        self.asked = []

    def kill(self):
        self.asked.append("kill")
        super().kill()

    def wait(self, timeout=None):
        if timeout is not None:
            self.asked.append(f"wait {timeout:g} s")
        return super().wait(timeout)


def test_closing_while_the_process_waits_for_a_server_ends_it_without_waiting_for_it():
    """It would read the quit only once it had a server: a stop while JACK is gone waited seconds for nothing."""
    out = JackOut.__new__(JackOut)  # as the watcher leaves it once the server went away
    process = Waiting()
    out._lock, out._closed, out._process, out._ready, out._lost = threading.Lock(), False, process, False, 0
    out._pipe = jo.Pipe(process.stdin)
    out._watcher = threading.Thread(target=process.wait)
    out._watcher.start()
    out.close()
    assert process.asked[0] == "kill" and process.returncode is not None


# What Popen.kill leaves as the return code: SIGKILL's on POSIX; on Windows it is TerminateProcess, with exit code 1
KILLED = 1 if sys.platform == "win32" else -signal.SIGKILL


class Stuck(subprocess.Popen):
    """A stand-in for a JACK process that never ends once asked (stuck leaving JACK): it reads nothing."""

    def __init__(self):
        super().__init__([sys.executable, "-c", "import time; time.sleep(60)"], stdin=subprocess.PIPE)


@pytest.mark.parametrize("summarized", [True, False])
def test_a_process_killed_at_close_is_said_once_with_whether_its_notes_were_ended(summarized, monkeypatch, caplog):
    """Killed after its time to end, a process that sent its exit line had ended every note; one that had not may
    leave notes sounding, and the user is told what ends them. Before, the kill said nothing."""
    monkeypatch.setattr(jo, "CLOSE_SECONDS", 0.2)
    out = writing_to(None)
    process = Stuck()
    out._process, out._pipe, out._summarized = process, jo.Pipe(process.stdin), False
    out._watcher = threading.Thread(target=process.wait)
    out._watcher.start()
    if summarized:
        out._report("summary 10 messages written at their frame")
    with caplog.at_level(logging.INFO, "stylevae.jack"):
        out.close()
    assert process.returncode == KILLED
    killed = [r for r in caplog.records if "killed" in r.getMessage()]
    assert len(killed) == 1
    assert ("ended every note" in killed[0].getMessage()) is summarized
    assert ("may still sound" in killed[0].getMessage()) is not summarized


def test_a_process_that_ends_when_asked_is_not_said_to_be_killed(caplog):
    out = writing_to(None)
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    out._process, out._pipe, out._summarized = process, jo.Pipe(process.stdin), False
    out._watcher = threading.Thread(target=process.wait)
    out._watcher.start()
    with caplog.at_level(logging.INFO, "stylevae.jack"):
        out.close()
    assert process.returncode == 0
    assert not [r for r in caplog.records if "killed" in r.getMessage()]


class Ports:
    """JACK-Client's view of the ports as ``follow_target`` asks for it; a port that goes away while listed raises
    as JACK-Client's lookup by name does."""

    def __init__(self, connected: bool, racing: bool):
        self.connected, self.racing, self.connects = connected, racing, []

    def _listed(self, names):
        if self.racing:
            raise RuntimeError("Port 'synth:midi_in' not available")  # jack.JackError's message
        return [SimpleNamespace(name=n) for n in names]

    def get_all_connections(self, port):
        return self._listed(["synth:midi_in"] if self.connected else [])

    def get_ports(self, is_midi, is_input):
        return self._listed(["synth:midi_in"])

    def connect(self, port, target):
        self.connects.append(target)


@pytest.mark.parametrize("connected", [True, False])
def test_a_target_port_going_away_while_listed_is_looked_at_again_not_fatal(connected, capsys):
    ports = Ports(connected, racing=True)
    assert follow_target(ports, "out", "synth:midi_in", connected) is connected  # as it was, nothing said
    assert capsys.readouterr().out == ""
    ports.racing = False
    assert follow_target(ports, "out", "synth:midi_in", connected) is True
    assert ports.connects == ([] if connected else ["synth:midi_in"])


class Ended:
    """A JACK output process that has ended, or ends the watch when waited for (as a close would)."""

    def __init__(self, out=None):
        self.stdin, self.stdout, self.out = None, [], out

    def wait(self, timeout=None):
        if self.out is not None:
            self.out._closed = True
        return 1


def test_a_jack_output_process_that_cannot_be_started_again_is_tried_again_not_given_up(monkeypatch, caplog):
    """Its watcher restarts the process when it ends; a failed start (a full process table) must not end the
    watcher, or MIDI stays off for the rest of the session."""
    monkeypatch.setattr(jo, "RETRY_SECONDS", 0.0)
    out = JackOut.__new__(JackOut)
    out._lock, out._closed, out._process, out._ready, out._lost, out.restarts = threading.Lock(), False, Ended(), \
        True, 0, 0
    out._pipe = jo.Pipe(None)
    tries = []

    def spawn(wait):
        tries.append(wait)
        if len(tries) < 3:
            raise OSError(11, "Resource temporarily unavailable")
        return Ended(out), ""

    out._spawn = spawn
    with caplog.at_level(logging.ERROR, "stylevae.jack"):
        out._watch()  # returns once the new process ends on a close
    assert tries == [True, True, True] and out.restarts == 1
    assert sum("cannot start the JACK output process again" in r.getMessage() for r in caplog.records) == 1


PIPE_ROOM = 4096  # the smallest pipe Linux makes (a page): about 195 records
SHRINKS_PIPES = sys.platform != "win32" and hasattr(fcntl, "F_SETPIPE_SZ")  # Linux alone resizes a pipe


def small_pipe():
    """A real pipe shrunk to a page, its write end as the daemon holds a JACK process's stdin (not blocking)."""
    read, write = os.pipe()
    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, PIPE_ROOM)
    os.set_blocking(write, False)
    return read, os.fdopen(write, "wb", buffering=0)


def read_all(fd, quiet=0.3):
    """Every record that reaches the read end until none has come for ``quiet`` seconds."""
    data = b""
    while select.select([fd], [], [], quiet)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    return [jo.RECORD.unpack_from(data, k) for k in range(0, len(data), jo.RECORD.size)]


def writing_to(stream):
    """A JackOut as it stands once its process is up, writing to ``stream``."""
    out = JackOut.__new__(JackOut)
    out._lock, out._closed, out._ready, out._lost, out._pipe = threading.Lock(), False, True, 0, jo.Pipe(stream)
    return out


@pytest.mark.skipif(not SHRINKS_PIPES, reason="Linux's F_SETPIPE_SZ")
def test_a_full_pipe_to_the_jack_process_loses_note_ons_but_every_note_off_reaches_it_in_order(caplog):
    """A process whose reader is held up fills the pipe; the note-offs written meanwhile used to be lost with the
    note-ons, leaving notes it had begun sounding until the next stop."""
    read, stream = small_pipe()
    out = writing_to(stream)
    notes = 400  # a note-on and its note-off each: four times what the pipe holds
    with caplog.at_level(logging.WARNING, "stylevae.jack"):
        for k in range(notes):
            out.send(midi_out.note_on(1, 60 + k % 12, 100), 1.0 + k, 0, 2 * k + 1)
            out.send(midi_out.note_off(1, 60 + k % 12), 1.5 + k, 0, 2 * k + 2)
        out.drop(0)  # a voice's stop: not a note, so it waits too
        records = read_all(read)  # the reader takes up again; nothing more is written
    kinds = [(kind, message[0] & 0xF0) for _, _, kind, message, _, _ in records]
    offs = [ident for _, _, kind, message, ident, _ in records if kind == EVENT and midi_out.is_note_off(message)]
    ons = [ident for _, _, kind, message, ident, _ in records if kind == EVENT and midi_out.is_note_on(message)]
    assert offs == [2 * k + 2 for k in range(notes)]  # every one, in order
    assert kinds[-1] == (DROP, 0)
    assert 0 < len(ons) < notes and out.lost == notes - len(ons)  # the note-ons that found the pipe full
    assert out._pipe.waiting == 0
    said = [r.getMessage() for r in caplog.records]
    assert said == ["the JACK output process is not reading (its pipe is full): new notes are dropped, and note-offs "
                    "wait for it", f"the JACK output process reads again: {out.lost} notes were dropped meanwhile"]


@pytest.mark.skipif(not SHRINKS_PIPES, reason="Linux's F_SETPIPE_SZ")
def test_what_waits_for_a_pipe_whose_process_is_gone_is_counted_lost_not_written_elsewhere():
    read, stream = small_pipe()
    out = writing_to(stream)
    for k in range(300):
        out.send(midi_out.note_off(1, 60), 1.0 + k, 0, k + 1)
    waiting = out._pipe.waiting
    assert waiting > 0
    os.close(read)  # the process ended: the drain thread's next write finds the pipe broken
    deadline = time.monotonic() + 5
    while out._pipe.waiting and time.monotonic() < deadline:
        time.sleep(0.01)
    assert out._pipe.waiting == 0 and out.lost == waiting
    out.send(midi_out.note_off(1, 60), 400.0, 0, 400)
    assert out.lost == waiting + 1
