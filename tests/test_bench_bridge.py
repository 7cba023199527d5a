"""What the benchmark reports say: the latest note-ons with the listener's own lateness in their periods (so that
an outlier can be told apart, the sender's delay or the listener's), and the machine each ran on."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import bridge_bench  # noqa: E402
import machine_facts  # noqa: E402
from harness import MidiEvent  # noqa: E402


def test_the_latest_note_on_comes_first_with_its_periods_listener_lag():
    step = bridge_bench.STEP
    times = [1.0 + k * step for k in range(20)]
    times[7] += 0.004  # 4 ms late, in a period whose callback began 3.5 ms in
    times[12] += 0.001
    ahead = [0] * 7 + [2] * 13  # the listener missed 2 cycles right before the late note
    ons = [MidiEvent(t, t, 0x90, 60, 100, 0.0035 if k == 7 else 0.0001, ahead[k]) for k, t in enumerate(times)]
    worst = bridge_bench.worst_onsets(ons, count=2)
    assert [round(w["error_ms"], 6) for w in worst] == [4.0, 1.0]
    assert round(worst[0]["at_s"], 6) == round(7 * step + 0.004, 6)
    assert worst[0]["listener_began_ms"] == 3.5 and round(worst[1]["listener_began_ms"], 6) == 0.1
    assert [w["listener_missed_cycles"] for w in worst] == [2, 0]


def test_a_training_run_seen_at_either_end_marks_the_report():
    quiet = {"cpu": "AMD EPYC", "cores": 2, "loadavg": (0.5, 0.4, 0.3), "training_running": False}
    busy = {**quiet, "loadavg": (2.0, 1.0, 0.5), "training_running": True}
    assert machine_facts.hardware_line(quiet) == ("Hardware: AMD EPYC, 2 cores. Load average at start 0.50 / 0.40 / "
                                                  "0.30; a training run was not running.")
    assert "at the end 2.00 / 1.00 / 0.50; a training run WAS running" in machine_facts.hardware_line(quiet, busy)
