"""bench/wakeups.py: a wait that ends early is waited again, as the sender's loop does, and lateness is counted from
the wait's time; on a clock a test moves."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import wakeups  # noqa: E402

from tests.fakes import FakeTime  # noqa: E402


def test_a_wait_that_ends_early_is_waited_again_and_lateness_counts_from_its_time():
    now, asked = FakeTime(10.0), []

    def wait(cond, seconds):  # ends 2 ms early the first time, then 0.3 ms late
        asked.append(round(seconds, 6))
        now.t += seconds - 0.002 if len(asked) == 1 else seconds + 0.0003

    late = wakeups.lateness(wait, threading.Condition(), 0.010, now=now)
    assert asked == [0.010, 0.002] and late == pytest.approx(0.0003)


def test_quantiles_are_in_milliseconds_from_the_slowest_percent():
    q = wakeups.quantiles_ms([i / 1000 for i in range(1, 101)])
    assert (q["p50"], q["p99"], q["max"]) == pytest.approx((50.5, 99.0, 100.0))
