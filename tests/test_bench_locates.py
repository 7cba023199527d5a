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
    counted = locates.at_wraps([(4.0, wrap_at, reported)], ons)
    assert counted["downbeat_note_ons"] == [2]
    assert counted["past_end_note_ons"] == [1]
    assert counted["wrap_late_ms"] == [pytest.approx(3.0)]
