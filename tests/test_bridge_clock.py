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
