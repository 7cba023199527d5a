"""The clock: beats <-> time, tempo changes, smooth phase-lock, jumps, start and stop (fake time)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stylevae.bridge.clock import Change, Clock
from tests.fakes import FakeTime


@pytest.fixture
def now():
    return FakeTime(100.0)


def test_free_running_at_the_tempo(now):
    clock = Clock(120, now=now)
    now.t += 1.5
    assert clock.beat() == pytest.approx(3.0)
    assert clock.time_of(4.0) == pytest.approx(102.0)


def test_tempo_change_keeps_the_beat_continuous(now):
    clock = Clock(120, now=now)
    now.t += 1.0
    assert clock.set_tempo(60) is Change.TEMPO
    assert clock.beat() == pytest.approx(2.0)
    now.t += 1.0
    assert clock.beat() == pytest.approx(3.0)
    assert clock.epoch == 0


def test_small_error_glides_without_a_jump(now):
    clock = Clock(120, now=now)
    now.t += 1.0
    before = clock.beat()
    assert clock.follow(2.05, True, 120) is Change.GLIDE
    assert clock.beat() == pytest.approx(before)  # continuous where the report arrived
    assert clock.epoch == 0
    now.t += 5.0
    assert 2.0 + 10.0 < clock.beat() < 2.05 + 10.0  # part of the error corrected by one report


def test_repeated_reports_lock_on(now):
    clock = Clock(120, now=now)
    for k in range(1, 41):  # Live is 0.05 beat ahead, reported every 16th
        now.t += 0.125
        clock.follow(0.05 + 0.25 * k, True, 120)
    now.t += 1.0
    assert clock.beat() == pytest.approx(0.05 + 0.25 * 40 + 2.0, abs=1e-3)
    assert clock.epoch == 0


def test_report_jitter_is_smoothed(now):
    clock = Clock(120, now=now)
    rng = np.random.default_rng(0)
    errors = []
    for k in range(1, 200):
        now.t += 0.125
        errors.append(clock.beat() - 0.25 * k)
        clock.follow(0.25 * k + rng.normal(0, 0.004), True, 120)  # reports jitter by 2 ms (0.004 beat)
    assert np.std(errors[50:]) < 0.0015  # following each report in full would leave about 0.0023


def test_correction_rate_is_bounded(now):
    clock = Clock(120, max_correction=0.1, now=now)
    clock.follow(0.2, True, 120)
    rate = (clock.beat(now.t + 0.01) - clock.beat(now.t)) / 0.01
    assert rate <= 2.0 * 1.1 + 1e-9


def test_large_error_is_a_jump(now):
    clock = Clock(120, now=now)
    now.t += 1.0
    assert clock.follow(64.0, True, 120) is Change.JUMP
    assert clock.epoch == 1
    assert clock.beat() == pytest.approx(64.0)


def test_stop_and_start(now):
    clock = Clock(120, now=now)
    now.t += 1.0
    assert clock.follow(2.0, False, 120) is Change.STOP
    assert not clock.running and clock.epoch == 1
    assert math.isinf(clock.time_of(3.0))
    now.t += 3.0
    assert clock.beat() == 2.0  # frozen
    assert clock.follow(8.0, False, 120) is Change.NONE  # a locate while stopped
    assert clock.follow(8.0, True, 120) is Change.START
    assert clock.epoch == 2
    now.t += 0.5
    assert clock.beat() == pytest.approx(9.0)


def test_listeners_hear_changes(now):
    heard = []
    clock = Clock(120, now=now)
    clock.add_listener(heard.append)
    clock.set_tempo(90)
    clock.follow(0.0, True, 90)
    assert heard[0] is Change.TEMPO


@given(st.lists(st.tuples(st.floats(0.01, 0.5), st.floats(-0.2, 0.2), st.floats(60, 200)), min_size=1, max_size=30))
def test_following_small_errors_is_monotonic_and_continuous(reports):
    now = FakeTime(100.0)
    clock = Clock(120, now=now)
    previous = clock.beat()
    for gap, error, bpm in reports:
        for _ in range(5):
            now.t += gap / 5
            beat = clock.beat()
            assert beat >= previous - 1e-9
            previous = beat
        clock.follow(beat + error, True, bpm)
        assert clock.beat() == pytest.approx(previous, abs=1e-9)  # no jump where the report lands
        assert clock.epoch == 0
        assert clock.time_of(clock.beat()) == pytest.approx(now.t, abs=1e-6)


def playing_in_a_loop(now, start=4.0, length=8.0, at=6.0):
    """A clock following Live playing from song beat ``at`` with the loop ``start``..``start + length`` on."""
    clock = Clock(120, now=now)
    clock.set_loop(True, start, length)
    clock.follow(at, True, 120)
    return clock


def test_a_loop_wraps_the_song_position_on_a_timeline_that_runs_on(now):
    clock = playing_in_a_loop(now)
    epoch = clock.epoch
    assert clock.time_of(12.0) == pytest.approx(now.t + 3.0)  # the loop's end: the wrap, timed like any beat
    assert clock.song(11.75) == 11.75 and clock.song(12.0) == 4.0 and clock.song(12.25) == 4.25
    assert clock.song(20.0) == 4.0 and clock.song(27.5) == 11.5  # each wrap takes one length back
    now.t += 4.0
    assert clock.beat() == pytest.approx(14.0) and clock.song(clock.beat()) == pytest.approx(6.0)
    assert clock.epoch == epoch


def test_reports_from_either_side_of_a_wrap_are_no_jump(now):
    clock = playing_in_a_loop(now)
    epoch = clock.epoch
    now.t += 3.001  # the clock has wrapped (song 4.002) when it reads Live's last report from before the wrap
    assert clock.follow(11.999, True, 120) is Change.GLIDE
    for _ in range(16):  # Live's reports after the wrap, every 16th
        now.t += 0.125
        assert clock.follow(clock.song(clock.beat()), True, 120) in (Change.NONE, Change.GLIDE)
    assert clock.epoch == epoch
    assert clock.song(clock.beat()) == pytest.approx(4.0 + 16 * 0.25, abs=0.01)
    clock = playing_in_a_loop(now)
    epoch = clock.epoch
    now.t += 2.999  # and the reverse: Live has wrapped, the clock not yet (song 11.998)
    assert clock.follow(4.001, True, 120) is Change.GLIDE
    assert clock.epoch == epoch


def test_a_locate_inside_the_loop_is_still_a_jump(now):
    clock = playing_in_a_loop(now)
    now.t += 1.0
    assert clock.follow(9.0, True, 120) is Change.JUMP  # song 8 by the clock
    assert clock.beat() == 9.0 and clock.song(12.0) == 4.0  # the timeline begins again there, the wrap ahead


def test_live_plays_on_past_a_loop_it_starts_after(now):
    clock = Clock(120, now=now)
    clock.set_loop(True, 4.0, 8.0)
    clock.follow(14.0, True, 120)
    assert clock.song(100.0) == 100.0
    clock.follow(2.0, False, 120)
    clock.follow(2.0, True, 120)  # before the loop: Live plays into it and wraps at its end
    assert clock.song(12.0) == 4.0


def test_a_loop_switched_while_stopped_counts_from_where_the_transport_stands(now):
    clock = playing_in_a_loop(now)
    clock.follow(6.0, False, 120)
    assert clock.song(20.0) == 4.0
    clock.set_loop(False, 4.0, 8.0)
    assert clock.song(20.0) == 20.0
    clock.set_loop(True, 0.0, 4.0)  # stopped past its end: Live would play on from here
    assert clock.song(20.0) == 20.0


@pytest.mark.parametrize("start, length", [(4.1, 8.0), (4.0, 0.1), (4.0, 0.0)])
def test_a_loop_off_the_16th_grid_is_taken_as_none(now, start, length):
    clock = Clock(120, now=now)
    clock.set_loop(True, start, length)
    clock.follow(6.0, True, 120)
    assert clock.loop is None and clock.song(50.0) == 50.0


def test_a_loop_changed_far_from_its_wrap_keeps_what_is_planned(now):
    clock = playing_in_a_loop(now, at=4.0)
    epoch = clock.epoch
    now.t += 0.5  # song 5, the wrap 7 beats away
    assert clock.set_loop(True, 4.0, 12.0) is Change.LOOP
    assert clock.epoch == epoch and clock.song(16.0) == 4.0 and clock.song(12.0) == 12.0
    assert clock.set_loop(True, 4.0, 12.0) is Change.NONE


def test_a_loop_changed_near_its_wrap_plans_again_from_the_wrap(now):
    clock = playing_in_a_loop(now, at=11.5)  # the wrap half a beat away, inside what may be planned
    epoch = clock.epoch
    assert clock.void_since(epoch) == (math.inf, epoch)
    assert clock.set_loop(True, 8.0, 4.0) is Change.REPLAN  # same end, another start: what follows the wrap moves
    assert clock.epoch == epoch + 1 and clock.song(12.0) == 8.0
    assert clock.void_since(epoch) == (12.0, epoch + 1)  # what was planned before the wrap stands
    assert clock.set_loop(False, 8.0, 4.0) is Change.REPLAN  # switched off: the song runs on past the end
    assert clock.epoch == epoch + 2 and clock.song(12.0) == 12.0
    assert clock.void_since(epoch) == (12.0, epoch + 2) and clock.void_since(epoch + 1) == (12.0, epoch + 2)
    assert clock.set_loop(True, 4.0, 7.75) is Change.REPLAN  # switched on again, ending a 16th earlier
    assert clock.void_since(epoch) == (11.75, epoch + 3) and clock.void_since(epoch + 2) == (11.75, epoch + 3)
    assert clock.located == epoch  # no change of the loop was a locate


def test_a_loop_changed_at_its_wrap_voids_all_that_was_planned(now):
    """Closer than the guard, the wrap's events may be on their way out: planned again from the playhead, as after
    a locate."""
    clock = playing_in_a_loop(now, at=11.95)  # the wrap 25 ms away
    epoch = clock.epoch
    assert clock.set_loop(True, 4.0, 12.0) is Change.JUMP
    assert clock.void_since(epoch) == (-math.inf, epoch + 1)
    now.t += 0.5
    assert clock.follow(4.0, True, 120) is Change.JUMP  # a locate after the replan voids all that was planned too
    assert clock.void_since(epoch + 1) == (-math.inf, epoch + 2)


def test_a_locate_after_a_replan_voids_all_that_was_planned(now):
    clock = playing_in_a_loop(now, at=11.5)
    epoch = clock.epoch
    assert clock.set_loop(False, 4.0, 8.0) is Change.REPLAN
    assert clock.follow(2.0, True, 120) is Change.JUMP
    assert clock.void_since(epoch) == (-math.inf, epoch + 2) and clock.void_since(epoch + 1) == (-math.inf, epoch + 2)


def test_a_loop_changed_after_many_wraps_keeps_their_count(now):
    clock = playing_in_a_loop(now, at=4.0)
    now.t += 40 * 4.0 + 0.5  # forty wraps of 8 beats, and a beat into the next pass
    epoch = clock.epoch
    assert clock.set_loop(True, 4.0, 8.0, now.t) is Change.NONE
    assert clock.epoch == epoch and clock.song(clock.beat()) == pytest.approx(5.0)
    assert clock.set_loop(True, 0.0, 12.0) is Change.LOOP  # the same end: no wrap moved, the next pass is longer
    assert clock.epoch == epoch and clock.song(clock.beat()) == pytest.approx(5.0)


@pytest.mark.parametrize("start, length", [(4.0000001, 8.0), (3.9999999, 8.0), (4.0, 7.9999999)])
def test_a_loop_a_hair_off_a_step_is_taken_to_the_step(now, start, length):
    clock = Clock(120, now=now)
    clock.set_loop(True, start, length)
    clock.follow(6.0, True, 120)
    assert clock.loop == (4.0, 8.0) and clock.song(11.75) == 11.75 and clock.song(12.0) == 4.0
