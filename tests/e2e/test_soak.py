"""The soak and the fuzz, short, as tests (bench/soak.py and bench/fuzz.py run them long, with figures): the
shipped model on a real JACK server, notes read by jack_midi_dump. What is asserted is what must hold at any
length: every note-on gets its note-off on the wire, nothing is open after a stop or SIGTERM, the daemon
answers throughout and a refused packet changes nothing. No timing is asserted here."""

from __future__ import annotations

import sys
import warnings

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
    verdict is read off a listener that read every message the output wrote; a run where neither did is repeated,
    up to twice. On a host that busy (1,274 xrun lines in a minute, both listeners short in five runs in a row)
    the verdict is read off the listener that missed fewest: a note-on it holds unmatched or open is one whose
    note-off it missed or the daemon never wrote, so there are no more of them than messages it missed unless the
    daemon lost note-offs of its own."""
    for _ in range(3):
        r = soak.run_soak(DEFAULT_CHECKPOINT, seconds=60, period=256, voices=8, rate=200, malformed_share=0.1,
                          say=lambda *_: None)
        assert r["note_ons"] > 500 and r["exit_code"] == 0
        written = r["jack_messages_written"]
        assert written is not None, "the daemon's JACK output did not say how many messages it wrote"
        dump_missed = written - r["dump_messages"] if not r["dump_lost_events"] else None
        second_missed = written - r["second_listener"]["messages"]
        if 0 in (dump_missed, second_missed):
            break
    # the dump's figures are the result's own, under the names the second listener's have
    dump_chosen = dump_missed is not None and dump_missed <= second_missed
    missed, heard = (dump_missed, r) if dump_chosen else (second_missed, r["second_listener"])
    if missed:
        warnings.warn(f"both listeners missed messages (JACK xruns: {r['jack_xruns']}); the verdict is read off one "
                      f"that missed {missed} of {written}", stacklevel=1)
    opened = [heard["unmatched_note_ons"], *heard["open_after_each_transport_stop"], heard["open_after_final_stop"],
              heard["open_after_sigterm"]]
    assert max(opened) <= missed, (f"note-ons without their note-off (unmatched, open after each stop, after the "
                                   f"final stop, after SIGTERM) {opened}, with {missed} messages missed")
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
