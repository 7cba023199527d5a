"""The note sender, driven by hand with fake time: order, late notes, cancel, epochs."""

import pytest

from bridge import scheduler as sch
from bridge.clock import Clock
from tests.fakes import FakeTime


class Sink:
    def __init__(self):
        self.sent = []

    def note_on(self, channel, pitch, velocity):
        self.sent.append(("on", channel, pitch))

    def note_off(self, channel, pitch):
        self.sent.append(("off", channel, pitch))


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
    assert sink.sent[-1] == ("off", 1, 60)
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
    assert sink.sent == [("on", 1, 60), ("off", 1, 60)]
    assert sender.pending() == 0
