"""What the loop benchmark counts at each wrap: the loop's downbeat, notes past the loop's end that a synth would
play, and notes pushed late."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import locates  # noqa: E402


def test_a_wrap_counts_its_downbeat_the_notes_past_the_end_due_by_its_report_and_late_pushes():
    wrap_at, reported = 10.0, 10.0004
    ons = [  # (Live's song beat, due, pushed at)
        (4.0, wrap_at, 9.9),  # the loop's downbeat, pushed ahead
        (4.0, wrap_at, wrap_at + 0.003),  # another voice's, pushed 3 ms late
        (12.0, wrap_at, 9.9),  # past the end (4 + 8), due by the report: a synth plays it
        (12.25, wrap_at + 0.125, 9.95),  # past the end but due after the report: dropped in time
        (4.25, wrap_at + 0.125, 10.05),
        (4.0, 5.0, 4.9),  # the pass before: not this wrap's
    ]
    steps = [(9.3, 8), (9.5, 8), (9.6, 8), (9.7, 8), (9.75, 8), (9.8, 8), (10.0, 8)]  # (when, rows)
    counted = locates.at_wraps([(4.0, 8.0, wrap_at, reported, 9.5)], ons, steps, 8)
    assert counted["downbeat_note_ons"] == [2]
    assert counted["past_end_note_ons"] == [1]
    assert counted["wrap_late_ms"] == [pytest.approx(3.0)]
    assert counted["steps_per_voice_in_the_beat_before"] == [5]  # from 9.5 to the wrap, its own step not yet


def test_loop_shapes_are_read_as_start_and_length_in_beats_or_refused_in_one_line():
    import argparse

    assert locates.loop_shapes("6:4,4:8") == ((6.0, 4.0), (4.0, 8.0))
    for bad in ("6", "6:x", "-1:4", "2:0"):
        with pytest.raises(argparse.ArgumentTypeError) as refused:
            locates.loop_shapes(bad)
        assert "\n" not in str(refused.value)
