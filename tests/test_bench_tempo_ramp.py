"""The tempo-ramp benchmark's busiest window and its ramp argument."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import tempo_ramp  # noqa: E402


def test_the_busiest_window_counts_the_replies_within_it_wherever_it_lies():
    times = [0.0, 0.05, 0.3, 0.32, 0.34, 0.36, 0.38, 0.45, 1.0]
    assert tempo_ramp.busiest(times, 0.1) == 5  # 0.3 to 0.38
    assert tempo_ramp.busiest([], 0.1) == 0
    assert tempo_ramp.busiest([2.0], 0.1) == 1


def test_a_ramp_is_from_to_and_seconds_and_a_wrong_one_is_one_line():
    assert tempo_ramp.ramp_of("120:180:2") == (120.0, 180.0, 2.0)
    for wrong in ("120:180", "fast", "10:180:2", "120:180:0"):
        with pytest.raises(argparse.ArgumentTypeError) as error:
            tempo_ramp.ramp_of(wrong)
        assert "\n" not in str(error.value) and wrong in str(error.value)
