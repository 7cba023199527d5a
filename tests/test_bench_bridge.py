"""What the benchmark reports say: the latest note-ons with the listener's own lateness in their periods (so that
an outlier can be told apart, the sender's delay or the listener's), the machine each ran on, the load it added
and which threads had real-time priority or a raised nice level."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from stylevae.bridge import scheduler as sch
from stylevae.bridge.clock import Clock
from tests.fakes import FakeTime, RecordingSink

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import bridge_bench  # noqa: E402
import machine_facts  # noqa: E402
from cpu_load import BusyLoad, Spinners, awake_text, load_text  # noqa: E402
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


def test_note_ons_due_in_a_stretch_no_period_covered_are_counted_apart_from_the_rest():
    """A note due while JACK's period began late, and one due while JACK ran periods the listener was not called
    back for, are counted apart; the onset error of the others no longer carries their lateness."""
    step = bridge_bench.STEP
    times = [1.0 + k * step for k in range(40)]
    times[5] += 0.003  # due at 1.0 + 5 steps, in a stretch where JACK's period began 3.2 ms late
    times[9] += 0.002  # due in a stretch of periods the listener missed
    times[20] += 0.0004  # late by less, in no stretch: its own lateness
    gaps = [(1.0 + 5 * step - 0.0002, 1.0 + 5 * step + 0.003, 1), (1.0 + 9 * step - 0.001, 1.0 + 9 * step + 0.002, 3),
            (1.0 + 30 * step + 0.001, 1.0 + 30 * step + 0.002, 1)]  # after note 30's time: it is not in it
    found = bridge_bench.coverage(times, gaps, seconds=30.0)
    assert (found["in_jack_late"], found["in_missed"]) == (1, 1)
    assert round(found["covered_error_ms"]["max"], 6) == 0.4 and found["covered_error_ms"]["n"] == 38
    assert (found["jack_late_per_min"], found["missed_periods_per_min"]) == (4.0, 4.0)
    assert round(found["stretch_ms_per_min"], 3) == round((3.2 + 3.0 + 1.0) * 2, 3)
    assert found["after_stretch_ms"]["n"] == 2 and round(found["after_stretch_ms"]["max"], 6) == 0.0


def test_the_senders_stretches_join_the_listeners_and_overlapping_ones_become_one():
    step = bridge_bench.STEP
    times = [1.0 + k * step for k in range(20)]
    times[3] += 0.002  # due while the sender was not called back; the listener's period was in time
    listener = [(1.0 + 7 * step, 1.0 + 7 * step + 0.001, 1)]
    sender = [(1.0 + 3 * step - 0.001, 1.0 + 3 * step + 0.002, 4), (1.0 + 7 * step + 0.0005, 1.0 + 7 * step + 0.003, 1)]
    assert bridge_bench.merged(listener + sender).round(6).tolist() == [
        [round(1.0 + 3 * step - 0.001, 6), round(1.0 + 3 * step + 0.002, 6), 4],
        [round(1.0 + 7 * step, 6), round(1.0 + 7 * step + 0.003, 6), 1]]
    alone = bridge_bench.coverage(times, listener, seconds=60.0)
    both = bridge_bench.coverage(times, listener, seconds=60.0, sender_gaps=sender)
    assert round(alone["covered_error_ms"]["max"], 6) == 2.0 and alone["in_missed"] == 0
    assert (both["in_missed"], both["in_jack_late"], round(both["covered_error_ms"]["max"], 6)) == (1, 1, 0.0)


def test_stretches_at_the_steps_periods_show_against_random_times():
    step = bridge_bench.STEP
    times = [1.0 + k * step for k in range(200)]
    at_steps = [(t, t + 0.001, 1) for t in times[::2]]  # every other step's period late
    found = bridge_bench.share_at_notes(at_steps, times)
    assert abs(found["at_notes"] - 0.5) < 0.01 and found["at_random"] < 0.02


def test_the_cpu_is_named_with_its_family_and_model_so_two_generations_of_one_line_differ():
    lscpu = "Vendor ID:   AuthenticAMD\nModel name:    AMD EPYC\nCPU family:   26\nModel:    2\nStepping: 1\n"
    assert machine_facts.cpu_model_of(lscpu) == "AMD EPYC (family 26, model 2)"
    assert machine_facts.cpu_model_of("Model name: Apple M2\n") == "Apple M2"
    assert machine_facts.cpu_model_of("") == "?"


def test_a_training_run_or_a_busy_process_seen_at_either_end_marks_the_report():
    quiet = {"cpu": "AMD EPYC", "cores": 2, "loadavg": (0.5, 0.4, 0.3), "training_running": False,
             "busy_processes": []}
    busy = {**quiet, "loadavg": (2.0, 1.0, 0.5), "training_running": True, "busy_processes": ["99.0 make -j2"]}
    assert machine_facts.hardware_line(quiet) == ("Hardware: AMD EPYC, 2 cores. Load average at start 0.50 / 0.40 / "
                                                  "0.30; a training run was not running.")
    line = machine_facts.hardware_line(quiet, busy)
    assert "at the end 2.00 / 1.00 / 0.50; a training run WAS running. Other busy processes: 99.0 make -j2." in line
    measured = {**quiet, "busy_share": 0.034, "busy_window": 5.0}
    assert "Load average at start 0.50 / 0.40 / 0.30 (the cores 3% busy in the 5 s before);" in (
        machine_facts.hardware_line(measured))
    assert machine_facts.hardware_line({**quiet, "idle_driver": "haltpoll"}).startswith(
        "Hardware: AMD EPYC, 2 cores, cpuidle driver haltpoll. Load average")


def test_the_report_says_what_kept_the_cores_awake_in_the_daemons_own_words():
    alone = {"awake": {"processes": 0}, "daemon": {"kept_awake": None}}
    assert bridge_bench.kept_awake_text(alone) == "no (each core idles as the system lets it)"
    refused = {"awake": {"processes": 0}, "daemon": {"kept_awake": "no (no PM QoS request)"}}
    assert bridge_bench.kept_awake_text(refused) == ("in the daemon's run, by its --keep-awake: no (no PM QoS "
                                                     "request) (not in the reference's run or the listener's alone)")
    unread = {"awake": {"processes": 0}, "daemon": {}, "daemon_options": ["--keep-awake"]}
    assert "by its --keep-awake: asked, its answer not recorded" in bridge_bench.kept_awake_text(unread)
    both = {"awake": {"processes": 2}, "daemon": {"kept_awake": "yes, 2 spinners at SCHED_IDLE"}}
    text = bridge_bench.kept_awake_text(both)
    assert text.startswith("yes, by 2 processes spinning") and text.endswith("by its --keep-awake: yes, 2 spinners "
                                                                            "at SCHED_IDLE")


@pytest.mark.skipif(sys.platform != "linux", reason="GNU ps's --sort")
def test_busy_processes_are_others_and_the_busy_load_is_one_of_them():
    with BusyLoad(1) as load:
        deadline = time.monotonic() + 10
        found = machine_facts.busy_processes()
        while not any("numpy" in line for line in found):
            assert time.monotonic() < deadline, f"the busy process is not among {found}"
            time.sleep(0.2)  # ps's share is over the process's life: it is above 30 % after a moment
            found = machine_facts.busy_processes()
        assert load.alive() == 1
    assert load.alive() == 0
    assert not any("bench/" in line for line in found)


def test_the_busy_load_refuses_a_negative_count_and_says_none_for_zero():
    with pytest.raises(ValueError, match="give 0 or more"):
        BusyLoad(-1)
    assert load_text(BusyLoad(0).describe()) == "none"
    assert load_text(BusyLoad(2).describe()).startswith("2 busy processes at normal priority, each streaming")


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's SCHED_IDLE")
def test_cores_are_kept_awake_by_one_spinner_each_at_the_lowest_priority_and_not_counted_as_others():
    with Spinners(True, cores=2) as awake:
        deadline = time.monotonic() + 10
        while not all(os.sched_getscheduler(pid) == os.SCHED_IDLE for pid in awake.pids()):
            assert time.monotonic() < deadline, "the spinners did not take SCHED_IDLE"
            time.sleep(0.05)
        assert awake.alive() == 2
        time.sleep(1.0)  # ps's share is over the process's life
        ps = ["ps", "-ww", "-o", "pcpu=,args=", "-p"]  # -ww: the whole command line, however long its path
        shown = [subprocess.run([*ps, str(pid)], capture_output=True, text=True).stdout for pid in awake.pids()]
        assert all(float(line.split()[0]) > 30 and "kept awake" in line for line in shown), shown
        assert all(any(mark in line for mark in machine_facts.OURS) for line in shown)  # not "other" processes
    assert awake.alive() == 0
    assert Spinners(False).describe() == {"processes": 0} and awake_text({"processes": 0}).startswith("no")
    assert awake_text(awake.describe()).startswith("yes, by 2 processes spinning at SCHED_IDLE")


HOLDER = """
import os, sys, threading
took, held = [], threading.Semaphore(0)
def hold(policy):
    try:
        if policy:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
        else:
            os.setpriority(os.PRIO_PROCESS, 0, -1)  # on Linux, this thread only
        took.append(1)
    except OSError:  # not allowed here: the count must then not change
        took.append(0)
    held.release()
    threading.Event().wait()
for policy in (True, False):
    threading.Thread(target=hold, args=(policy,), daemon=True).start()
    held.acquire()
print(took[0], took[1], int(os.getpriority(os.PRIO_PROCESS, 0) < 0), flush=True)
sys.stdin.read()
"""


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's per-thread scheduling and /proc")
def test_thread_priorities_count_a_thread_that_took_a_realtime_policy_and_one_that_raised_its_nice_level():
    """In a process of its own: this one's other threads (JACK clients of earlier tests) can end meanwhile."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        realtime, nice, main_nice = map(int, holder.stdout.readline().split())
        found = machine_facts.thread_priorities(holder.pid)
    finally:
        holder.stdin.close()
        holder.wait(10)
    assert found == {"threads": 3, "realtime": realtime, "raised_nice": nice + main_nice}
    assert machine_facts.thread_priorities(2**22 + 1) == {"threads": 0, "realtime": 0, "raised_nice": 0}


def test_the_report_counts_the_note_ons_dropped_as_late_from_the_daemons_own_exit_lines():
    """A note-on dropped as late is in no onset error; the benchmark reads how many the sender and the JACK output
    dropped from the lines they write at exit, with the patterns it uses on the daemon's log."""
    now = FakeTime()
    sender = sch.Scheduler(Clock(120, now=now), RecordingSink(), now=now)
    now.t = 1.0
    sender.push([sch.note_on(1.0, 1, 1, 60, 100, 0), sch.note_on(1.5, 1, 1, 62, 100, 0),
                 sch.note_on(1.99, 1, 1, 64, 100, 0)])  # at beat 2: a beat and half a beat late, and in time
    sender.send_due()
    line = f"{sender.summary()} JACK output: 3 messages written; 4 note-ons not written, their frame too late for " \
           "their grace"
    daemon = {"late_dropped": bridge_bench.late_dropped(line)}
    assert daemon["late_dropped"] == {"sender": 2, "jack_output": 4}
    assert bridge_bench.late_dropped(sender.summary()) is None  # the JACK output's line missing
    assert bridge_bench.dropped_text(daemon) == ("2 by the sender (late when it was to hand them over), 4 by the JACK "
                                                 "output (late when their frame came)")


def test_both_decoder_steps_the_benchmark_times_run_on_the_shipped_model():
    """The benchmark's first part times the engine's step and the plain torch step with the same sampling; each
    calls the compiled sampling rule with its arguments spelled out, so a rule that gains an argument breaks the
    benchmark, not the daemon: run both briefly (after their 100 warm-up steps) and read their times."""
    from stylevae.model.network import checkpoint

    loaded = checkpoint.load(checkpoint.DEFAULT_CHECKPOINT)
    for found in (bridge_bench.decode_latency(loaded, 2, 3), bridge_bench.plain_step_latency(loaded, 2, 3)):
        assert found["n"] == 3 and 0 < found["p50"] <= found["max"]


def test_every_part_of_a_step_the_cold_step_benchmark_times_runs_on_the_shipped_model():
    """``cold_step.py --parts`` calls the step's parts on the decoder's own arrays, the sampling rule's taken as the
    step takes them: each part runs once on 8 playing voices, and the draw gives a token a voice."""
    import cold_step

    from stylevae.model.network import checkpoint

    with torch.inference_mode():
        decoder = cold_step.playing_decoder(checkpoint.load(checkpoint.DEFAULT_CHECKPOINT))
        found = {name: part() for name, part in cold_step.parts(decoder).items()}
    drawn = found["the sampling rule and the draw (one compiled call)"]
    assert drawn.shape == (cold_step.VOICES,) and ((drawn >= 0) & (drawn < decoder.vocab.size)).all()
