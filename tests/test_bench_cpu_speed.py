"""bench/cpu_speed.py: how a core's chunk times become shares of slow time and slow windows, on made-up times
and on a clock that is told how long each chunk took."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import cpu_speed  # noqa: E402


def test_shares_count_the_time_spent_slow_not_the_chunks():
    times = np.array([1.0] * 96 + [3.0, 3.0, 10.0, 1.0])  # median 1; 16 of 113 time units at >= 2.5x
    found = cpu_speed.steadiness(times)
    assert found["slower_share"]["1.5"] == pytest.approx(16 / 113)
    assert found["slower_share"]["2.5"] == pytest.approx(16 / 113)
    assert found["slower_share"]["4.5"] == pytest.approx(10 / 113)
    assert found["slower_share"]["8"] == pytest.approx(10 / 113)


def test_consecutive_slow_chunks_make_one_window_and_separate_ones_two():
    times = np.array([1.0, 3.0, 3.0, 1.0, 1.0, 5.0, 1.0, 1.0, 1.0]) * 1e-3
    found = cpu_speed.steadiness(times)
    assert found["windows_per_minute"] == pytest.approx(2 / times.sum() * 60)
    assert found["window_ms_max"] == pytest.approx(6.0)
    assert found["window_ms_p50"] == pytest.approx(5.5)


def test_a_slow_window_at_the_very_end_is_counted():
    found = cpu_speed.steadiness(np.array([1.0, 1.0, 1.0, 4.0]) * 1e-3)
    assert found["window_ms_max"] == pytest.approx(4.0)


def test_chunk_times_are_the_clock_between_chunks_until_the_time_is_up():
    ticks = iter([0.0, 1.0, 3.0, 4.0, 9.0, 12.0])
    times = cpu_speed.chunk_times(10.0, None, work=lambda: None, clock=lambda: next(ticks))
    assert times.tolist() == [1.0, 2.0, 1.0, 5.0, 3.0]
