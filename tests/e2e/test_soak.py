"""The soak and the fuzz, short, as tests (bench/soak.py and bench/fuzz.py run them long, with figures): the
shipped model on a real JACK server, notes read by jack_midi_dump. What is asserted is what must hold at any
length: every note-on gets its note-off on the wire, nothing is open after a stop or SIGTERM, the daemon
answers throughout and a refused packet changes nothing. No timing is asserted here."""

from __future__ import annotations

import sys

import harness
import pytest

sys.path.insert(0, str(harness.ROOT / "bench"))

import fuzz  # noqa: E402
import soak  # noqa: E402

from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT  # noqa: E402

pytestmark = pytest.mark.e2e


def test_soak_60_seconds_8_voices(jack_server):
    """Period 256 (5.3 ms): a listener late for a JACK period (an xrun) misses that period's messages, and at
    smaller periods the test machine's own load made both listeners miss some (seen in a CI-like run). The
    verdict needs a listener that read every message the output wrote; if neither did, the run says nothing
    about the daemon and is repeated, up to four times (on a busy host both missed some in three runs in a row,
    52 to 74 xruns a minute even at this period)."""
    for _ in range(5):
        r = soak.run_soak(DEFAULT_CHECKPOINT, seconds=60, period=256, voices=8, rate=200, malformed_share=0.1,
                          say=lambda *_: None)
        assert r["note_ons"] > 500 and r["exit_code"] == 0
        dump_complete = not r["dump_lost_events"] and r["dump_messages"] == r["jack_messages_written"]
        second_complete = r["second_listener"]["messages"] == r["jack_messages_written"]
        if dump_complete or second_complete:
            break
    assert dump_complete or second_complete, f"both listeners missed messages (JACK xruns: {r['jack_xruns']})"
    if dump_complete:
        assert r["unmatched_note_ons"] == 0, r["unmatched_keys"]
        assert max(r["open_after_each_transport_stop"]) == 0 and r["open_after_final_stop"] == 0
        assert r["open_after_sigterm"] == 0
    if second_complete:
        assert r["second_listener"]["unmatched_note_ons"] == 0 and r["second_listener"]["open_after_sigterm"] == 0
    assert r["sent"].get("jumps") and r["sent"].get("tempo_changes") and r["open_after_each_transport_stop"], r["sent"]
    assert r["all_notes_off_before_sigterm"] > 0  # at the stops: the output's own at exit does not count
    assert r["pongs"] == r["pings"]
    assert r["replies"].get("error", 0) >= r["sent"]["malformed"] * 0.9  # replied (UDP may drop a few under load)
    assert r["log_lines"]["tracebacks"] == 0


def test_fuzz_while_voices_play(jack_server):
    r = fuzz.run_fuzz(DEFAULT_CHECKPOINT, packets=10000, rate=500, say=lambda *_: None)
    assert r["alive_after"] and r["exit_code"] == 0
    assert r["log_lines"]["tracebacks"] == 0 and r["log_lines"]["internal_errors"] == 0
    assert r["states_unchanged"], "a refused packet changed a voice"
    assert r["malformed_taken"] == 0 or r["daemon_lost"], "the daemon took a fuzz packet as a command"
    assert r["pongs"] >= 0.9 * r["pings"] and r["longest_pong_gap_s"] < 1.0, "pings went unanswered"
    # refusals are rate-limited in the log: at most 20 a second and a line saying how many were not
    assert r["log_lines"]["refused_logged"] <= 25 * (r["seconds"] + 3)
    assert r["log_lines"]["refused_not_logged_lines"] > 0
    assert r["onset_error_during_ms"]["n"] > 50, "the notes stopped"
