"""The note sender, driven by hand with fake time: order, late notes, cancel, All Notes Off, epochs, lead."""

import logging
import math
import sys
import time

import pytest

from stylevae.bridge import realtime
from stylevae.bridge import scheduler as sch
from stylevae.bridge.clock import Change, Clock
from tests.fakes import FakeTime, RecordingSink


class Sink(RecordingSink):
    """The messages as ("on"/"off", channel, pitch) and ("cc123", channel), for short assertions."""

    @property
    def sent(self):
        return [m[:3] if m[0] != "cc123" else m[:2] for m in self.messages]


@pytest.fixture
def parts():
    now = FakeTime()
    clock = Clock(120, now=now)  # a beat is 0.5 s
    sink = Sink()
    return now, clock, sink, sch.Scheduler(clock, sink, late_drop_beats=0.125, now=now)


def test_events_go_out_when_due_offs_before_ons(parts):
    now, clock, sink, sender = parts
    sender.push([sch.note_on(0.5, 1, 1, 60, 100, 0), sch.note_off(0.75, 1, 1, 60, 0),
                 sch.note_on(0.75, 1, 1, 62, 100, 0)])
    assert sender.send_due() == pytest.approx(0.25)
    assert sink.sent == []
    now.t = 0.25
    sender.send_due()
    assert sink.sent == [("on", 1, 60)]
    now.t = 0.375
    assert sender.send_due() is None
    assert sink.sent == [("on", 1, 60), ("off", 1, 60), ("on", 1, 62)]
    assert sender.open_notes() == 1


def test_late_note_on_is_dropped_not_played_as_a_burst(parts):
    now, clock, sink, sender = parts
    now.t = 1.0  # beat 2
    sender.push([sch.note_on(1.0, 1, 1, 60, 100, 0), sch.note_off(1.25, 1, 1, 60, 0),
                 sch.note_on(1.95, 1, 1, 61, 9, 0)])
    sender.send_due()
    assert sink.sent == [("on", 1, 61)]  # 0.05 beat late is fine; a beat late is dropped, its off too
    assert sender.dropped == 1


def test_note_on_of_a_past_epoch_is_void(parts):
    now, clock, sink, sender = parts
    sender.push([sch.note_on(0.0, 1, 1, 60, 100, 0)])
    clock.follow(8.0, True, 120)  # a jump: epoch 1
    sender.push([sch.note_on(8.0, 1, 1, 61, 100, 1)])
    sender.send_due()
    assert sink.sent == [("on", 1, 61)]


def test_cancel_ends_only_that_voices_notes(parts):
    now, clock, sink, sender = parts
    sender.push([sch.note_on(0.0, 1, 1, 60, 100, 0), sch.note_on(0.0, 2, 2, 70, 100, 0),
                 sch.note_off(1.0, 1, 1, 60, 0), sch.note_off(1.0, 2, 2, 70, 0)])
    sender.send_due()
    sender.cancel(1)
    assert sink.sent[-2:] == [("off", 1, 60), ("cc123", 1)]
    assert sender.open_notes(1) == 0 and sender.open_notes(2) == 1
    now.t = 1.0
    sender.send_due()
    assert sink.sent[-1] == ("off", 2, 70) and sink.sent.count(("off", 1, 60)) == 1
    assert sender.open_notes() == 0


def test_stopped_clock_sends_nothing_and_cancel_all_ends_everything(parts):
    now, clock, sink, sender = parts
    sender.push([sch.note_on(0.0, 1, 1, 60, 100, 0), sch.note_on(1.0, 1, 1, 61, 100, 0)])
    sender.send_due()
    clock.follow(0.1, False, 120)
    now.t = 10.0
    assert sender.send_due() is None
    sender.cancel()
    assert sink.sent == [("on", 1, 60), ("off", 1, 60), ("cc123", 1)]
    assert sender.pending() == 0


def test_cancel_sends_all_notes_off_on_the_channels_used_after_the_note_offs(parts):
    now, clock, sink, sender = parts
    sender.push([sch.note_on(0.0, 1, 3, 60, 100, 0), sch.note_on(0.25, 2, 5, 62, 90, 0),
                 sch.note_on(1.0, 2, 5, 64, 9, 0)])
    sender.send_due()
    now.t = 0.125
    sender.send_due()
    sender.cancel()
    assert sink.sent == [("on", 3, 60), ("on", 5, 62), ("off", 3, 60), ("off", 5, 62), ("cc123", 3), ("cc123", 5)]
    assert sender.pending() == 0
    assert sink.dropped == [None]
    sender.cancel()  # nothing used since: nothing more
    assert len(sink.sent) == 6


def test_voice_cancel_spares_a_channel_another_voice_is_sounding_on(parts):
    now, clock, sink, sender = parts
    sender.push([sch.note_on(0.0, 1, 1, 60, 100, 0), sch.note_on(0.0, 2, 1, 64, 100, 0),
                 sch.note_on(0.0, 1, 2, 67, 100, 0)])
    sender.send_due()
    sender.cancel(1)
    assert sink.sent[3:] == [("off", 1, 60), ("off", 2, 67), ("cc123", 2)]  # channel 1 still has voice 2's note
    assert sink.dropped == [1]


def test_an_output_with_a_lead_gets_events_that_far_ahead_with_their_time(parts):
    now, clock, sink, sender = parts
    sink.lead = 0.02
    sender.push([sch.note_on(0.5, 1, 1, 60, 100, 0)])  # due at 0.25 s
    assert sender.send_due() == pytest.approx(0.23)
    now.t = 0.231
    sender.send_due()
    assert sink.messages == [("on", 1, 60, pytest.approx(0.25), 1)]
    assert sender.lateness.last(1) == [pytest.approx(0.001)]


def test_an_output_with_a_lead_is_told_how_late_a_note_on_may_still_start_at_the_tempo_then(parts):
    """Held up after the hand-over, the output drops a note-on as the sender would have: 1/8 beat late."""
    now, clock, sink, sender = parts
    sink.lead = 0.1
    clock.set_tempo(150)  # a beat is 0.4 s from here
    sender.push([sch.note_on(0.5, 1, 1, 60, 100, 0), sch.note_off(0.75, 1, 1, 60, 0)])  # due at 0.2 s and 0.3 s
    now.t = 0.21
    sender.send_due()
    assert [m[0] for m in sink.messages] == ["on", "off"]
    assert sink.graces == [pytest.approx(0.125 * 0.4), math.inf]


def test_events_handed_over_ahead_follow_a_tempo_change(parts):
    now, clock, sink, sender = parts
    sink.lead = 0.1
    sender.push([sch.note_on(0.5, 1, 1, 60, 100, 0), sch.note_off(0.75, 1, 1, 60, 0)])  # due at 0.25 s and 0.375 s
    now.t = 0.3
    sender.send_due()  # both handed over, the note-off 75 ms ahead
    ident = sink.idents[1]
    assert ident > 0 and sink.messages[1][3] == pytest.approx(0.375)
    clock.set_tempo(60)  # at 0.3 s, beat 0.6: the note-off's beat 0.75 now comes at 0.45 s
    assert sink.retimed == [(ident, pytest.approx(0.45))]


def test_a_glide_too_small_to_hear_moves_nothing_and_what_is_out_stays(parts):
    now, clock, sink, sender = parts
    sink.lead = 0.1
    sender.push([sch.note_on(0.5, 1, 1, 60, 100, 0), sch.note_off(0.75, 1, 1, 60, 0)])
    now.t = 0.3  # the note-on's time (0.25 s) has passed: it is out
    sender.send_due()
    clock.follow(clock.beat() + 0.0001, True, 120)  # moves the note-off by a few µs
    assert sink.retimed == []
    clock.follow(clock.beat() + 0.1, True, 120)
    assert [ident for ident, _ in sink.retimed] == [sink.idents[1]]


def test_a_jump_withdraws_what_was_handed_over_ahead(parts):
    now, clock, sink, sender = parts
    sink.lead = 0.1
    sender.push([sch.note_on(0.5, 1, 1, 60, 100, 0), sch.note_off(0.75, 1, 1, 60, 0)])
    now.t = 0.3
    sender.send_due()
    clock.follow(8.0, True, 120)
    assert sink.dropped == [None]  # the output sends the queued note-off at once
    clock.set_tempo(90)
    assert sink.retimed == []  # nothing of the old plan is ahead any more


def looping_to_a_wrap(parts):
    """Live's loop 0..1 beat (0.5 s) playing, and a voice's note at beat 0.75 (0.375 s) that the engine planned to
    end past the wrap, at beat 1.25, a note at the wrap (the loop's start again) and one after it."""
    now, clock, sink, sender = parts
    clock.set_loop(True, 0.0, 1.0)
    e = clock.epoch
    events = [sch.note_on(0.75, 1, 1, 60, 100, e), sch.note_on(1.0, 2, 2, 64, 100, e),
              sch.note_off(1.25, 1, 1, 60, e), sch.note_off(1.25, 2, 2, 64, e), sch.note_on(1.25, 2, 2, 65, 100, e)]
    sender.push(events)
    return events


def test_a_loop_change_withdraws_what_was_handed_over_past_the_moved_wrap_and_keeps_the_rest(parts):
    """The events planned from the wrap on are withdrawn from the output, note-offs too (the engine plans the ends of
    the notes sounding there again); the books count the notes as they were before those were handed over."""
    now, clock, sink, sender = parts
    sink.lead = 0.3
    events = looping_to_a_wrap(parts)
    now.t = 0.36
    sender.send_due()  # all handed over: the note-on before the wrap 15 ms ahead, the rest 140 to 265 ms
    assert len(sink.messages) == 5 and sender.open_notes() == 1  # voice 2's note ended as handed over
    assert clock.set_loop(True, 0.0, 2.0) is Change.REPLAN  # made longer: the wrap at beat 1 is gone
    assert sorted(sink.withdrawn) == sorted(e.seq for e in events[1:])
    assert sink.dropped == [] and sender.open_notes() == 1 and sender.open_notes(2) == 0
    sender.push([sch.note_off(1.5, 1, 1, 60, clock.epoch)])  # the engine plans the end again
    now.t = 0.75
    sender.send_due()
    assert sink.sent[5:] == [("off", 1, 60)] and sender.open_notes() == 0


def test_a_loop_change_forgets_what_is_still_to_be_handed_over_past_the_wrap(parts):
    """And of what the engine pushes afterwards, planned before it knew, what lies past the wrap: no note of the
    old plan sounds, no note-off of the old plan ends a note that now goes on."""
    now, clock, sink, sender = parts
    events = looping_to_a_wrap(parts)
    now.t = 0.375
    sender.send_due()
    assert clock.set_loop(False, 0.0, 1.0) is Change.REPLAN  # switched off
    planned = clock.epoch - 1  # before the change
    sender.push([sch.note_on(1.5, 1, 1, 67, 100, planned), sch.note_on(0.875, 2, 2, 62, 100, planned)])
    for now.t in (0.44, 2.0):
        sender.send_due()
    assert sink.sent == [("on", 1, 60), ("on", 2, 62)] and sender.open_notes() == 2 and sender.dropped == 0
    assert [e.seq for e in events] and sink.withdrawn == []  # nothing had been handed over ahead


def test_what_a_loop_change_voided_goes_unsent_even_before_the_sender_hears_of_it(parts):
    """The sender's thread may send between the clock's change and its own listener: a note-off planned past the
    moved wrap is not sent then (as if voided by a jump, at once), which would cut the note that now goes on."""
    now, clock, sink, sender = parts
    looping_to_a_wrap(parts)
    now.t = 0.375
    sender.send_due()
    clock._listeners.remove(sender._on_clock_change)  # the listener not yet run
    assert clock.set_loop(True, 0.0, 2.0) is Change.REPLAN
    now.t = 0.7
    sender.send_due()
    assert sink.sent == [("on", 1, 60)] and sender.open_notes() == 1


def test_a_loop_change_at_its_wrap_withdraws_all_as_a_jump_does(parts):
    now, clock, sink, sender = parts
    sink.lead = 0.3
    looping_to_a_wrap(parts)
    now.t = 0.49  # 10 ms before the wrap: its events may be on their way out
    sender.send_due()
    assert clock.set_loop(True, 0.0, 2.0) is Change.JUMP
    assert sink.dropped == [None] and sink.withdrawn == []


def test_a_stop_with_nothing_ahead_withdraws_nothing(parts):
    now, clock, sink, sender = parts
    sink.lead = 0.1
    sender.push([sch.note_on(0.5, 1, 1, 60, 100, 0)])
    now.t = 0.3
    sender.send_due()
    clock.follow(0.6, False, 120)
    assert sink.dropped == []


def test_a_cancelled_voice_is_not_moved_any_more(parts):
    now, clock, sink, sender = parts
    sink.lead = 0.1
    sender.push([sch.note_on(0.5, 1, 1, 60, 100, 0), sch.note_off(0.75, 1, 1, 60, 0),
                 sch.note_on(0.5, 2, 2, 64, 100, 0), sch.note_off(0.75, 2, 2, 64, 0)])
    now.t = 0.3
    sender.send_due()
    sender.cancel(1)
    clock.set_tempo(60)
    assert [ident for ident, _ in sink.retimed] == [sink.idents[3]]  # voice 2's note-off only


def test_an_event_pushed_after_its_hand_over_time_is_not_counted_late(parts):
    """At a fast tempo the engine pushes a step less than the lead ahead: handed over at once, not late."""
    now, clock, sink, sender = parts
    sink.lead = 0.1
    now.t = 0.2
    sender.push([sch.note_on(0.5, 1, 1, 60, 100, 0)])  # due at 0.25 s, its hand-over time 0.15 s long past
    now.t = 0.2005
    sender.send_due()
    assert sender.lateness.last(1) == [pytest.approx(0.0005)]


def test_an_event_the_engine_pushed_after_its_time_is_counted_apart(parts):
    now, clock, sink, sender = parts
    sink.lead = 0.1
    now.t = 0.29
    sender.push([sch.note_on(0.5, 1, 1, 60, 100, 0), sch.note_on(1.0, 1, 1, 62, 100, 0)])  # due 0.25 s and 0.5 s
    sender.send_due()
    assert sender.behind.last(5) == [pytest.approx(0.04)]  # the first only: no lead could have saved it
    assert "1 came from the engine after their time, by up to 40.00 ms" in sender.summary()
    clock.follow(8.0, True, 120)  # a jump: what was planned before it is void, its lateness no measure
    sender.push([sch.note_off(0.75, 1, 1, 60, 0)])
    sender.send_due()
    assert len(sender.behind) == 1


def test_late_hand_overs_are_profiled_when_asked(parts, monkeypatch):
    now, clock, sink, sender = parts
    monkeypatch.setenv(sch.PROFILE_ENV, "1")
    sender = sch.Scheduler(clock, sink, now=now)
    sender.push([sch.note_on(0.0, 1, 1, 60, 100, 0), sch.note_on(0.5, 1, 1, 62, 100, 0)])
    sender.send_due()  # on time: not sampled
    now.t = 0.26  # 10 ms late
    sender.send_due()
    assert sender.profile.samples == 1 and "MainThread" not in sender.profile.summary()
    assert "1 hand-overs over 1 ms late" in sender.summary()


def test_the_profile_says_how_much_of_the_lateness_was_spent_waiting_for_a_core():
    queued = iter([0.100, 0.103, 0.103, 0.103])  # run-queue totals: before the wait, at each late hand-over
    profile = sch.LateProfile(run_queue=lambda: next(queued))
    profile.waiting()
    profile.sample(0.004)  # 3 of its 4 ms runnable without a core
    profile.waiting()
    profile.sample(0.002)  # none of these
    assert profile.queued_seconds == pytest.approx(0.003) and profile.late_seconds == pytest.approx(0.006)
    assert "spent 50% runnable without a core (the longest such wait 3.00 ms)" in profile.summary()


def test_the_profile_leaves_the_run_queue_out_where_the_system_does_not_say():
    profile = sch.LateProfile(run_queue=lambda: None)
    profile.waiting()
    profile.sample(0.004)
    assert profile.samples == 1 and "without a core" not in profile.summary()


def test_the_run_queue_is_read_from_linux_schedstat():
    seconds = sch.run_queue_seconds()
    if sys.platform == "linux":
        assert seconds is not None and seconds >= 0
    else:
        assert seconds is None


@pytest.mark.skipif(sys.platform != "linux", reason="schedstat is Linux's")
def test_each_thread_reads_its_own_run_queue_and_its_file_goes_with_it():
    """The file is kept open per thread: what a thread reads is its own task's figure (as read from its task's
    file by name), and the files of threads that ended are closed."""
    import os
    import threading

    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    sch.run_queue_seconds()  # this thread's file, opened once
    before, read = open_files(), []

    def compare() -> None:
        for _ in range(3):
            ours = sch.run_queue_seconds()
            with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as stat:
                read.append((ours, int(stat.read().split()[1]) / 1e9))

    threads = [threading.Thread(target=compare) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert open_files() == before
    assert len(read) == 24 and all(0 <= task - ours < 0.005 for ours, task in read)


def test_without_a_schedstat_file_the_run_queue_is_unknown_and_nothing_is_left_to_close(monkeypatch):
    """As on macOS and Windows: every read says None, the file is looked for once a thread, and nothing is left
    behind for the collector."""
    import gc

    tries = []

    def missing(*args, **kwargs):
        tries.append(args)
        raise FileNotFoundError(2, "No such file or directory")

    raised = []
    monkeypatch.setattr(sys, "unraisablehook", raised.append)
    monkeypatch.setattr(sch.os, "open", missing)
    monkeypatch.setattr(sch, "_THREAD", type(sch._THREAD)())  # a thread that has not read it yet
    assert [sch.run_queue_seconds() for _ in range(3)] == [None] * 3
    assert len(tries) == 1  # looked for once: the engine asks twice a decoder step
    monkeypatch.setattr(sch, "_THREAD", type(sch._THREAD)())
    gc.collect()
    assert raised == []


def test_a_sender_refused_real_time_priority_says_so_in_one_line(parts, monkeypatch, caplog):
    def refuse(*args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(realtime.os, "sched_setscheduler", refuse, raising=False)
    monkeypatch.setattr(realtime.sys, "platform", "linux")
    *_, sender = parts
    with caplog.at_level("WARNING", logger="stylevae.sender"):
        sender.start()
        sender.stop()
    assert [r.getMessage() for r in caplog.records] == [realtime.NORMAL_PRIORITY]
    assert "\n" not in realtime.NORMAL_PRIORITY and "docs/bridge.md" in realtime.NORMAL_PRIORITY


class FailingOnce(RecordingSink):
    """An output whose first hand-over fails as a bug in it would."""

    def send(self, message, at=0.0, voice=0, ident=0, grace=math.inf):
        if not hasattr(self, "failed"):
            self.failed = True
            raise RuntimeError("the output's own bug")
        super().send(message, at, voice, ident, grace)


def test_a_fault_of_the_output_loses_one_event_not_the_sender(caplog):
    """The sender's thread hands every event over; an exception escaping it would end the thread, and every note
    after it would never go out, the engine piling them up."""
    clock, sink = Clock(120), FailingOnce()
    sender = sch.Scheduler(clock, sink)
    beat = clock.beat()
    sender.push([sch.note_on(beat + 0.02, 1, 1, 60, 100, clock.epoch),
                 sch.note_on(beat + 0.04, 1, 2, 62, 100, clock.epoch)])
    with caplog.at_level(logging.ERROR, "stylevae.sender"):
        sender.start()
        try:
            deadline = time.monotonic() + 5
            while not sink.messages and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            sender.stop()
    assert [m[:3] for m in sink.messages[:1]] == [("on", 2, 62)]
    assert sender.faults == 1 and "the note sender failed" in caplog.text
    assert "the output failed on 1 events" in sender.summary()
