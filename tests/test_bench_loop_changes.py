"""What the loop-change benchmark takes as the wrap a change moves, and how Live's transport wraps in it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import loop_changes  # noqa: E402


@pytest.mark.parametrize("before, loop, moved", [
    (0.5, (0.0, 6.0), 10.0),  # made longer: the old loop's wrap moves
    (0.5, None, 10.0),  # switched off: the same
    (0.5, (0.0, 3.0), 10.0),  # shorter, its end behind the playhead: Live plays on, the old wrap is the one moved
    (1.5, (0.0, 3.0), 9.5),  # shorter, its end ahead: its wrap comes first, a beat (0.5 s at 120 BPM) earlier
    (0.5, (1.0, 3.0), 10.0),  # moved, the same end: what follows the wrap moves
])
def test_the_first_wrap_a_change_moves(before, loop, moved):
    assert loop_changes.moved_wrap(10.0, before, loop) == pytest.approx(moved)


def test_live_wraps_only_when_its_playhead_reaches_the_loops_end_from_before_it():
    reports = []

    class Clock:
        def follow(self, song, playing, bpm):
            reports.append(song)

        def set_loop(self, on, start, length):
            pass

    live = loop_changes.Live(Clock())
    live.set_loop((0.0, 4.0))
    live.song, live.at = 3.9, live.at - 0.1  # 0.2 beat on: past the end, wrapped to 0.1
    live.report()
    assert reports[-1] == pytest.approx(0.1, abs=0.01) and live.passes == 1
    live.set_loop((0.0, 0.05))  # an end behind the playhead: it plays on
    live.report()
    assert reports[-1] >= 0.1 and live.passes == 1
