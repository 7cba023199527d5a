"""What the soak's report says about onsets: against the soak's own transport, settled ones apart from those just
after a change, and those by the kind of change, so that the late first notes after a jump are told apart from a
tempo change's."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import soak  # noqa: E402
from harness import MidiEvent  # noqa: E402

STEP = 0.125  # a 16th at 120 BPM


def note_on(t: float) -> MidiEvent:
    return MidiEvent(t, t, 0x90, 60, 100)


def test_onsets_after_each_kind_of_change_are_counted_apart():
    """120 BPM from 0 s; a jump at 10 s whose first note comes 8 ms late; a tempo change (to 150) at 20 s whose
    notes are on time; a stop at 30 s and a start at 31 s whose first note is 2 ms late. Every other note on the
    grid."""
    segments = [(0.0, 0.0, 120.0, True), (10.0, 64.0, 120.0, True), (20.0, 84.0, 150.0, True),
                (30.0, 109.0, 150.0, False), (31.0, 8.0, 150.0, True)]
    times = [k * STEP for k in range(1, 80)]  # 0.125 .. 9.875 s
    times += [10.008] + [10 + k * STEP for k in range(1, 80)]
    times += [20 + k * 0.1 for k in range(0, 100)]  # 16ths at 150 BPM
    times += [31.002] + [31 + k * 0.1 for k in range(1, 40)]
    result = soak.onset_errors([note_on(t) for t in times], segments)
    assert result["max"] < 0.01  # every settled note on the grid
    kinds = result["after_change"]["by_kind"]
    assert set(kinds) == {"jump", "tempo", "start"}
    assert kinds["jump"]["late_over_1ms"] == 1 and abs(kinds["jump"]["latest"] - 8.0) < 0.01
    assert kinds["tempo"]["late_over_1ms"] == 0 and kinds["tempo"]["max"] < 0.01
    assert kinds["start"]["late_over_1ms"] == 1 and abs(kinds["start"]["latest"] - 2.0) < 0.01
    assert result["after_change"]["n"] == sum(k["n"] for k in kinds.values())
    assert result["after_change"]["late_over_1ms"] == 2


def test_settled_onsets_over_a_millisecond_off_are_listed_with_their_time():
    """A glide's residue a second after a jump: two notes 3 ms early at 12.0 and 12.125 s, the rest on the grid."""
    segments = [(0.0, 0.0, 120.0, True), (10.0, 64.0, 120.0, True)]
    times = [k * STEP for k in range(1, 160) if k not in (96, 97)] + [12.0 - 0.003, 12.125 - 0.003]
    result = soak.onset_errors([note_on(t) for t in sorted(times)], segments)
    assert result["over_1ms"] == [(11.997, -3.0), (12.122, -3.0)]


def test_the_kind_of_change_is_read_from_the_segments():
    segments = [(0.0, 0.0, 120.0, True), (1.0, 8.0, 120.0, True), (2.0, 10.0, 90.0, True), (3.0, 11.5, 90.0, False),
                (4.0, 0.0, 90.0, True)]
    assert [soak.change_kind(segments, i) for i in range(5)] == ["start", "jump", "tempo", "stop", "start"]


def test_the_soaks_live_wraps_at_its_loops_end_only_from_before_it():
    transport = soak.Transport(120)
    t0 = transport.t0
    data = transport.set_loop(t0, (4.0, 8.0))
    assert data == soak.message("/stylevae/loop", 1, 4.0, 8.0)
    assert transport.beat(t0 + 5.5) == 11.0 and transport.beat(t0 + 6.0) == 4.0  # 2 beats a second
    assert transport.beat(t0 + 10.5) == 5.0  # the second pass, wrapped again at 10 s
    transport.report(t0 + 5.5)
    transport.report(t0 + 6.5)
    assert transport.wraps == 1  # as the reports show it
    transport.change(t0 + 11.0, beat=16.0)  # a jump past the loop's end: Live plays on
    assert transport.beat(t0 + 13.0) == 20.0
    transport.set_loop(t0 + 13.0, None)
    assert transport.beat(t0 + 14.0) == 22.0


def test_a_committed_report_still_renders_and_a_field_it_lacks_shows_as_a_dash():
    report = json.loads((ROOT / "bench" / "results" / "soak_p64_600s_20261204.json").read_bytes())
    text = soak.render(report)
    assert f"| notes open after SIGTERM (explicit note-offs only) | {report['open_after_sigterm']} |" in text
    assert f"| All Notes Off (CC 123) messages (before SIGTERM) | {report['all_notes_off']} (-) |" in text
    assert "(-)" not in soak.render({**report, "all_notes_off_before_sigterm": 7})
