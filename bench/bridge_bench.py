"""Benchmark of the live daemon. Writes bench/results/bridge_bench.{json,md}.

1. Decoder step latency, in process, as the engine runs it (batched cached-projection step + per-voice
   sampling), for 1 and 8 voices on 1 and 2 torch threads, beside the same step through ``StyleVAE.step``;
   back to back, and for 8 voices also one step every 16th, as the daemon steps (on a core that slept).
2. MIDI onset error at a real JACK listener against the ideal 16th grid: `stylevae serve` on a
   dummy-driver JACK server with a small period, 180 BPM, several voices, while a client sends OSC
   control traffic (>= 100 messages/s). Onset times are the wall-clock times of the frames the note-ons
   arrived at (tests/e2e/jack_listen.py); the constant latency (the median) is removed and reported
   separately.
3. A reference: the same listener timing a tight python-rtmidi sender (no model, no OSC; a sleep-then-spin
   loop at the same real-time priority as the daemon's note sender), which is what the daemon's JACK
   output was before it wrote events at their frame.
4. Control-to-note latency: channel changes of voice 1 sent over OSC; after each, the last note-on on
   the channel it left (the old setting must fall silent within the lookahead) and the first note-on on
   the new one, at the listener (one perf_counter for both ends).
5. Notes left open after SIGTERM; time from start to ready.
6. Where the late notes fell. A note due while no JACK period ran (JACK's own thread late, or periods JACK ran
   without calling the listener back) can only be heard at the next period's first frame, whoever sent it. Each
   listener says where such stretches were, and each note-on is counted in one or not; the onset error of the rest
   is what the sender answers for. JACK's own count of its late periods (its dummy driver's xruns) and of the
   clients it found not finished are read from jackd's output. For the floor, the same for a listener alone on
   a JACK server for ``--alone-seconds``: a client with next to no work.

With ``--load N`` all of it runs beside N busy processes, and with ``--awake`` beside one process per core
spinning at the lowest priority so that no core goes idle (bench/cpu_load.py says why); ``--keep-awake`` gives the
daemon its own option of that name for its run, with or without ``--awake``. The report says which threads of
the daemon, its JACK output, jackd and the listener had real-time priority or a raised nice level. To see a
machine where nothing may have either, run it (as root) under
``setpriv --inh-caps=-sys_nice --bounding-set=-sys_nice --``.

Usage: .venv/bin/python bench/bridge_bench.py [--seconds 60] [--voices 4] [--torch-threads 1] [--load 0]
                                              [--awake] [--keep-awake] [--name NAME]
With STYLEVAE_PROFILE_SENDER=1 in the environment the daemon also profiles its sender's late hand-overs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import harness  # noqa: E402
from cpu_load import BusyLoad, Spinners, awake_text, load_text  # noqa: E402
from machine_facts import (  # noqa: E402
    BUSY_WINDOW,
    RESULTS,
    add_daemon_options,
    commit,
    cpu_model,
    daemon_options_of,
    hardware_line,
    machine,
    ran,
    steal_during,
    steal_share,
    thread_priorities,
)
from pythonosc.udp_client import SimpleUDPClient  # noqa: E402
from targets import BY_KEY, DAEMON_RUN, DECODER_STEPS  # noqa: E402

from stylevae.bridge.config import DEFAULT_TORCH_THREADS  # noqa: E402
from stylevae.bridge.engine import STEP_RUNNABLE, STEP_SUMMARY  # noqa: E402
from stylevae.bridge.jack_out import (  # noqa: E402
    STRETCHES_ENV,
    SUMMARY_BEGAN,
    SUMMARY_CALLBACK,
    SUMMARY_PLACED,
    SUMMARY_TOO_LATE,
    SUMMARY_UNCOVERED,
    SUMMARY_WRITTEN,
)
from stylevae.bridge.realtime import REALTIME_PRIORITY  # noqa: E402
from stylevae.bridge.scheduler import PROFILE_ENV, SUMMARY_DROPPED  # noqa: E402
from stylevae.model.data.keys import SCALES  # noqa: E402
from stylevae.model.decoding import playing  # noqa: E402
from stylevae.model.decoding.decoder import Decoder, Rules, draw  # noqa: E402
from stylevae.model.network import checkpoint as ckpt  # noqa: E402
from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT  # noqa: E402

SENDER_SUMMARY = re.compile(r"late by p50 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms")  # the daemon's exit log
SENDER_PROFILE = re.compile(r"\d+ hand-overs over [\d.]+ ms late; the other threads were then: [^\n]*")
KEPT_AWAKE = "  cores    : kept awake:"  # the banner's line with --keep-awake
BPM = 180.0
THREADS = (1, 2)  # torch threads the decoder step is timed with, side by side
SPACED_STEPS = 200  # 8-voice steps timed one 16th apart, per thread count (with the warm-up, 25 s each)
STEP = 60.0 / BPM / 4
REFERENCE = """
import os, sys, time, rtmidi
try:  # the same real-time priority the daemon's note sender asks for (argument 4)
    os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(int(sys.argv[4])))
except (AttributeError, OSError):
    pass
out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name=sys.argv[1]); out.open_virtual_port("out")
print("ready", flush=True); sys.stdin.readline()
step, n = float(sys.argv[2]), int(sys.argv[3])
start = time.perf_counter() + 0.2
for k in range(n):
    due = start + k * step
    while (left := due - time.perf_counter()) > 0.0005:
        time.sleep(left - 0.0004)
    while time.perf_counter() < due:
        pass
    out.send_message([0x90, 60, 100]); out.send_message([0x80, 60, 0])
time.sleep(0.2)
"""


def percentiles(values, scale=1.0) -> dict:
    a = np.asarray(values, dtype=float) * scale
    return {"n": int(a.size), "p50": float(np.percentile(a, 50)), "p99": float(np.percentile(a, 99)),
            "max": float(a.max())}


def hardware() -> dict:
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__}


# --- 1. decoder steps ---------------------------------------------------------------------------------------


def timed(step, steps: int, gap: float = 0.0) -> dict:
    """Per-call times of ``step`` after 100 warm-up calls, in ms; with ``gap``, a sleep of that many seconds
    before each call."""
    times = []
    for k in range(steps + 100):
        if gap:
            time.sleep(gap)
        started = time.perf_counter()
        step()
        if k >= 100:
            times.append(time.perf_counter() - started)
    return percentiles(times, 1000)


def decode_latency(loaded: ckpt.Checkpoint, voices: int, steps: int, gap: float = 0.0) -> dict:
    """The engine's step: the decoder's compiled step (model/network/stepper.py) and per-voice sampling. Back to
    back, the step's weights and code stay in the core's caches; with ``gap`` (the daemon's 16th), each step
    starts on a core that slept, as the daemon's do."""
    decoder = Decoder(loaded.model, loaded.vocab)
    config = loaded.model.config
    rules = Rules(playing.TEMPERATURE, playing.DENSITY, playing.LOCK, SCALES["major"], playing.TOP_P)
    rows = list(range(voices))
    z = torch.randn(voices, config.z_size, generator=torch.Generator().manual_seed(0))
    for row in rows:
        decoder.start(row, z[row : row + 1], loaded.model.start_token, rules)
    uniforms = np.random.default_rng(0)
    return timed(lambda: decoder.step(rows, uniforms.random(voices)), steps, gap)


@torch.inference_mode()
def plain_step_latency(loaded: ckpt.Checkpoint, voices: int, steps: int) -> dict:
    """The same step through ``StyleVAE.step`` (torch ops, no cached projections) and the same sampling, with
    neutral rules: the reference the stepper is compared with."""
    model = loaded.model
    z = torch.randn(voices, model.config.z_size)
    state = [model.initial_state(z)]
    previous = [torch.full((voices,), model.start_token)]
    uniforms = np.random.default_rng(0)
    zeros = np.zeros((voices, loaded.vocab.size), dtype=np.float32)
    ones, none, off = np.ones((voices, 1), dtype=np.float32), np.ones((0, 0)), np.zeros(voices, dtype=bool)
    keep_all = np.ones(voices)  # top-p 1

    def step() -> None:
        logits, state[0] = model.step(previous[0], z, state[0])
        tokens = draw(logits.numpy(), zeros, ones, zeros, none, off, none, off, keep_all, uniforms.random(voices))
        previous[0] = torch.from_numpy(tokens)
        tokens.tolist()

    return timed(step, steps)


# --- 2-5. the daemon on JACK ------------------------------------------------------------------------------


def control_latencies(ons: list, changes: list[tuple[float, int]]) -> tuple[list[float], list[float]]:
    """For each channel change of voice 1: how long after it a note-on still came on the channel it left
    (0 if none did: the change must be heard within the lookahead), and when the first note-on on the new
    channel came (which also waits for the music's next note, so it is not a latency of the daemon's)."""
    old_heard, new_heard = [], []
    ends = [sent for sent, _ in changes[1:]] + [float("inf")]
    for (sent, old), end in zip(changes, ends):
        window = [e for e in ons if sent < e.wall < end]
        old_heard.append(max([e.wall - sent for e in window if e.channel == old], default=0.0))
        first_new = next((e.wall - sent for e in window if e.channel in (1, 9) and e.channel != old), None)
        if first_new is not None:
            new_heard.append(first_new)
    return old_heard, new_heard


def grid_deviations(times: list[float]) -> tuple[np.ndarray, float]:
    """Each time's signed error against the ideal grid after removing the constant offset (the median); and that
    offset."""
    t = np.asarray(times)
    raw = (t - t[0]) - np.round((t - t[0]) / STEP) * STEP
    offset = float(np.median(raw))
    return raw - offset, offset


def grid_errors(times: list[float]) -> tuple[np.ndarray, float]:
    """Each time's |error| against the ideal grid (``grid_deviations``), and the offset."""
    deviations, offset = grid_deviations(times)
    return np.abs(deviations), offset


def merged(stretches: list[tuple[float, float, int]]) -> np.ndarray:
    """Stretches (from, to, periods) of several clients as one list without overlaps, in order: where two overlap,
    one from the first's start to the later end, with the more periods of the two."""
    out: list[list[float]] = []
    for a, b, n in sorted(stretches):
        if out and a <= out[-1][1]:
            out[-1][1], out[-1][2] = max(out[-1][1], b), max(out[-1][2], n)
        else:
            out.append([a, b, n])
    return np.array(out).reshape(-1, 3)


def inside(stretches: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each time falls in one of ``stretches`` (``merged``: in order, no overlaps); and the index of the
    first stretch ending after it."""
    j = np.searchsorted(stretches[:, 1], times, side="right")
    hit = j < len(stretches)
    hit[hit] = stretches[j[hit], 0] <= times[hit]
    return hit, j


def share_at_notes(stretches: list[tuple[float, float, int]], times: list[float], seed: int = 0) -> dict:
    """How often the grid's steps, a third of a millisecond after each (the period that writes a step's notes), fall
    in a stretch, against times drawn at random over the same span: more at the notes means the notes' own work (a
    callback writing or reading a dozen events) made JACK's periods late, where the load of the run alone does not
    single them out."""
    deviations, _ = grid_deviations(times)
    due = np.asarray(times) - deviations
    steps = due[0] + STEP * np.arange(int((due[-1] - due[0]) / STEP) + 1) + 0.0003
    joined = merged(stretches)
    random = np.random.default_rng(seed).uniform(steps[0], steps[-1], 20000)
    return {"at_notes": float(inside(joined, steps)[0].mean()), "at_random": float(inside(joined, random)[0].mean())}


def coverage(times: list[float], gaps: list[tuple[float, float, int]], seconds: float,
             sender_gaps: list[tuple[float, float, int]] = ()) -> dict:
    """The note-ons against the stretches no period of their listener covered (``harness.FrameListener.gaps``) or,
    given ``sender_gaps``, none of their sender's: how many fell due in one where JACK's own period began late (its
    frame count one period on) or where JACK ran periods a client was not called back for, and the onset error (ms)
    of the others; for those in a stretch, how long after its end they came (the first frame after it is the
    earliest any sender's note could); with the listener's stretches per minute."""
    deviations, _ = grid_deviations(times)
    heard = np.asarray(times)
    due = heard - deviations
    stretches = merged([*gaps, *sender_gaps])
    hit, j = inside(stretches, due)
    in_missed = hit.copy()
    in_missed[hit] = stretches[j[hit], 2] > 1
    covered = ~hit
    return {"in_jack_late": int((hit & ~in_missed).sum()), "in_missed": int(in_missed.sum()),
            "covered_error_ms": percentiles(np.abs(deviations[covered]), 1000) if covered.any() else None,
            "after_stretch_ms": percentiles(heard[hit] - stretches[j[hit], 1], 1000) if hit.any() else None,
            "share": share_at_notes([*gaps, *sender_gaps], times),
            **stretch_rates(np.array(gaps).reshape(-1, 3), seconds)}


def stretch_rates(stretches: np.ndarray, seconds: float) -> dict:
    """Per minute: the listener's periods that began late, the periods JACK ran without calling it back, and the
    time (ms) no period of it covered; ``stretches`` as ``harness.FrameListener.gaps``, one per row."""
    per_minute = 60.0 / seconds
    return {"jack_late_per_min": float((stretches[:, 2] <= 1).sum()) * per_minute,
            "missed_periods_per_min": float((stretches[:, 2] - 1).clip(0).sum()) * per_minute,
            "stretch_ms_per_min": float((stretches[:, 1] - stretches[:, 0]).sum()) * 1000 * per_minute}


def jack_said(jack: harness.JackServer, seconds: float, clients: dict[str, str]) -> dict:
    """JACK's own count, per minute, of its late periods (the dummy driver's xruns) and of the periods it found
    each client (``clients``: role -> client name) not finished in."""
    output = jack.output()
    per_minute = 60.0 / seconds
    return {"driver_xruns_per_min": output.count("JackTimedDriver::Process XRun") * per_minute,
            "not_finished_per_min": {role: output.count(f"client = {name} was not finished") * per_minute
                                     for role, name in clients.items()}}


def onset_errors(times: list[float]) -> tuple[dict, float]:
    """The percentiles of ``grid_errors`` in ms, and the offset in ms."""
    errors, offset = grid_errors(times)
    return percentiles(errors, 1000), offset * 1000


def missed_before(ons: list, i: int) -> int:
    """JACK cycles the listener's callback missed between note-on ``i - 1`` and note-on ``i`` (see
    tests/e2e/jack_listen.py): a note stamped right after a listener was late for its period."""
    return ons[i].ahead - ons[i - 1].ahead if i else 0


def worst_onsets(ons: list, count: int = 3) -> list[dict]:
    """The latest note-ons against the grid, each with how far into its JACK period the listener's callback
    began and the cycles the listener missed just before it: a note stamped late by a listener that had just been
    late itself is suspect."""
    errors, _ = grid_errors([e.time for e in ons])
    first = ons[0].time
    return [{"error_ms": float(errors[i] * 1000), "at_s": ons[i].time - first,
             "listener_began_ms": ons[i].lag * 1000, "listener_missed_cycles": missed_before(ons, i)}
            for i in np.argsort(-errors)[:count]]


class Traffic(threading.Thread):
    """A control surface gone wild: >= 100 OSC messages a second on voices 2.. (a tenth of them invalid),
    tempo messages (at the same tempo), pings, queries and style lists.

    No transport reports: the daemon would follow them, and the onsets would then show this process's
    own send jitter rather than the daemon's. Transport following is checked by the end-to-end tests."""

    def __init__(self, port: int, rate: float, voices: int, n_styles: int):
        super().__init__(daemon=True)
        self.client = SimpleUDPClient("127.0.0.1", port)
        self.rate, self.voices, self.n_styles = rate, voices, n_styles
        self.sent = 0
        self.stop = threading.Event()
        self.rng = random.Random(1)

    def message(self):
        r, v = self.rng, self.rng.randint(2, self.voices)
        choice = r.randrange(10)
        if choice == 0:
            return f"/stylevae/{v}/temperature", float("nan")  # refused
        if choice == 1:
            return f"/stylevae/{v}/mix", [r.random() + 0.01 for _ in range(self.n_styles)]
        if choice == 2:
            return f"/stylevae/{v}/density", r.uniform(-0.2, 0.2)
        if choice == 3:
            return "/stylevae/tempo", BPM
        if choice == 4:
            return "/stylevae/ping", []
        if choice == 5:
            return f"/stylevae/{v}/query", []
        if choice == 6:
            return f"/stylevae/{v}/variation", r.random()
        if choice == 7:
            return "/stylevae/styles", []
        return f"/stylevae/{v}/temperature", r.uniform(0.8, 1.2)

    def run(self):
        start = time.perf_counter()
        while not self.stop.is_set():
            self.client.send_message(*self.message())
            self.sent += 1
            due = start + self.sent / self.rate
            time.sleep(max(0.0, due - time.perf_counter()))


def drain(sock: socket.socket, stop: threading.Event) -> None:
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            sock.recv(65536)
        except (TimeoutError, OSError):
            continue


def read_stretches(path: Path) -> list[tuple[float, float, int]]:
    """The stretches the JACK output wrote at its exit (``STRETCHES_ENV``), the file then removed; none if it wrote
    no file."""
    if not path.is_file():
        return []
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    path.unlink()
    return [(float(a), float(b), int(n)) for a, b, n in rows]


def daemon_run(folder: Path, n_styles: int, seconds: float, period: int, voices: int, rate: float,
               threads: int, *options: str) -> dict:
    """The daemon playing on a JACK server of its own under the OSC traffic, its note-ons read by a listener;
    ``options``: more of ``stylevae serve``'s."""
    jack = harness.JackServer(period=period)
    stretches_file = Path(tempfile.gettempdir()) / f"{jack.name}.stretches"
    os.environ[STRETCHES_ENV] = str(stretches_file)  # the daemon's JACK output inherits it
    try:
        launched = time.perf_counter()
        daemon = harness.Daemon(folder, jack.name, "--bpm", str(BPM), "--torch-threads", str(threads), *options)
        ready_wall = time.perf_counter() - launched
        midi = harness.FrameListener(daemon.midi_port)
        listening = time.perf_counter()
        replies = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        replies.bind(("127.0.0.1", 0))
        stop_drain = threading.Event()
        threading.Thread(target=drain, args=(replies, stop_drain), daemon=True).start()
        osc = SimpleUDPClient("127.0.0.1", daemon.osc_port)
        osc.send_message("/stylevae/hello", replies.getsockname()[1])
        for v in range(1, voices + 1):
            osc.send_message(f"/stylevae/{v}/density", 0.5)
            osc.send_message(f"/stylevae/{v}/play", 1)
        time.sleep(2.0)
        traffic = Traffic(daemon.osc_port, rate, voices, n_styles)
        traffic.start()
        outputs = subprocess.run(["pgrep", "-P", str(daemon.process.pid)], capture_output=True, text=True).stdout
        priorities = {"the daemon": thread_priorities(daemon.process.pid),
                      "its JACK output": thread_priorities(int(outputs.split()[0]) if outputs.split() else 0),
                      "jackd": thread_priorities(jack.process.pid), "the listener": thread_priorities(midi.process.pid)}
        changes, channel = [], 1  # (sent at, the channel voice 1 left)
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            time.sleep(1.0 + random.random())
            changes.append((time.perf_counter(), channel))
            channel = 9 if channel == 1 else 1
            osc.send_message("/stylevae/1/channel", channel)
        time.sleep(1.0)
        elapsed = time.perf_counter() - started
        traffic.stop.set()
        traffic.join()
        ons = [e for e in midi.snapshot() if e.is_on]
        gaps, listened = list(midi.gaps), time.perf_counter() - listening
        jack_own = jack_said(jack, time.perf_counter() - launched,
                             {"the daemon's JACK output": daemon.port_name, "the listener": midi.client})
        old_heard, new_heard = control_latencies(ons, changes)
        rc = daemon.stop(signal.SIGTERM)
        output_gaps = read_stretches(stretches_file)
        both = coverage([e.time for e in ons], gaps, listened, output_gaps)
        sender_late = SENDER_SUMMARY.search(daemon.log())
        steps = STEP_SUMMARY.search(daemon.log())
        runnable = STEP_RUNNABLE.search(daemon.log())
        time.sleep(0.5)
        open_notes = midi.open_notes()
        stop_drain.set()
        midi.close()
        errors, offset = onset_errors([e.time for e in ons])
        began = SUMMARY_BEGAN.search(daemon.log())
        placed = SUMMARY_PLACED.search(daemon.log())
        written = SUMMARY_WRITTEN.search(daemon.log())
        callback = SUMMARY_CALLBACK.search(daemon.log())  # a callback that overruns delays the listener's period
        uncovered = SUMMARY_UNCOVERED.search(daemon.log())
        return {"voices": voices, "torch_threads": threads, "seconds": elapsed, "note_ons": len(ons),
                "kept_awake": next((line.split(KEPT_AWAKE, 1)[1].strip() for line in daemon.banner + daemon.rest
                                    if line.startswith(KEPT_AWAKE)), None),
                "osc_messages": traffic.sent,
                "osc_rate": traffic.sent / elapsed, "onset_error_ms": errors, "onset_offset_ms": offset,
                "control_old_heard_ms": percentiles(old_heard, 1000),
                "control_new_heard_ms": percentiles(new_heard, 1000), "open_notes_after_sigterm": open_notes,
                "exit_code": rc, "ready_seconds_banner": daemon.ready_seconds, "ready_seconds_wall": ready_wall,
                "sender_late_ms": dict(zip(("p50", "p99", "max"), map(float, sender_late.groups())))
                if sender_late else None,
                "daemon_steps": {k: float(v) for k, v in steps.groupdict().items()} if steps else None,
                "daemon_step_runnable_ms": {k: float(v) for k, v in runnable.groupdict().items()} if runnable else None,
                "jack_placed_ms": {k: float(placed[k]) for k in ("p50", "p99", "max")} if placed else None,
                "late_dropped": late_dropped(daemon.log()),
                "messages_written": int(written["written"]) if written else None,
                "jack_xruns": int(callback["xruns"]) if callback else None,
                "jack_callback_us": {k: int(callback[k]) for k in ("p50", "p99", "max")} if callback else None,
                "jack_callback_began_us": {k: int(began[k]) for k in ("p50", "p99", "max")} if began else None,
                "listener_began_ms": percentiles([e.lag for e in ons], 1000),
                "worst_onsets": worst_onsets(ons), "jack_said": jack_own,
                "coverage": coverage([e.time for e in ons], gaps, listened), "coverage_both": both,
                "share_output": share_at_notes(output_gaps, [e.time for e in ons]),
                "share_listener": share_at_notes(gaps, [e.time for e in ons]),
                "jack_uncovered": {k: float(v) for k, v in uncovered.groupdict().items()} if uncovered else None,
                "messages_read": len(midi.snapshot()), "thread_priorities": priorities,
                "sender_profile": profile.group(0) if (profile := SENDER_PROFILE.search(daemon.log())) else None}
    finally:
        del os.environ[STRETCHES_ENV]
        jack.stop()


def reference_run(seconds: float, period: int) -> dict:
    jack = harness.JackServer(period=period)
    started = time.perf_counter()
    try:
        name = f"ref{os.getpid()}"
        env = dict(os.environ, JACK_DEFAULT_SERVER=jack.name)
        sender = subprocess.Popen([sys.executable, "-c", REFERENCE, name, str(STEP), str(int(seconds / STEP)),
                                   str(REALTIME_PRIORITY)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        sender.stdout.readline()
        midi = harness.FrameListener(f"{name}:out")
        listening = time.perf_counter()
        sender.stdin.write("go\n")
        sender.stdin.flush()
        sender.wait(seconds + 30)
        ons = [e.time for e in midi.snapshot() if e.is_on]
        covered = coverage(ons, list(midi.gaps), time.perf_counter() - listening)
        jack_own = jack_said(jack, time.perf_counter() - started, {"the reference sender": name,
                                                                   "the listener": midi.client})
        midi.close()
        errors, offset = onset_errors(ons)
        return {"note_ons": len(ons), "onset_error_ms": errors, "onset_offset_ms": offset, "coverage": covered,
                "jack_said": jack_own}
    finally:
        jack.stop()


def alone_run(seconds: float, period: int) -> dict:
    """A listener reading nothing on a JACK server of its own: JACK's stretches with a client that has next to no
    work, the floor of what any sender's notes can meet on this machine."""
    jack = harness.JackServer(period=period)
    started = time.perf_counter()
    try:
        midi = harness.FrameListener(None)
        listening = time.perf_counter()
        time.sleep(seconds)
        stretches, span = np.array(midi.gaps).reshape(-1, 3), time.perf_counter() - listening
        jack_own = jack_said(jack, time.perf_counter() - started, {"the listener": midi.client})
        midi.close()
        return {"seconds": span, **stretch_rates(stretches, span), "jack_said": jack_own}
    finally:
        jack.stop()


def priorities_text(priorities: dict) -> str:
    """Which processes' threads had real-time priority or a raised nice level during the daemon run."""
    return "; ".join(f"{who} {p['realtime']} of {p['threads']} threads real-time, {p['raised_nice']} at nice < 0"
                     for who, p in priorities.items())


def placed_text(daemon: dict) -> str:
    placed = daemon.get("jack_placed_ms")
    if not placed:
        return "not found in the daemon's log"
    text = f"after their time by p50 {placed['p50']:.3f} ms, p99 {placed['p99']:.3f} ms, max {placed['max']:.3f} ms"
    if daemon.get("jack_callback_us"):
        took = daemon["jack_callback_us"]
        text += (f"; its process callback took p50 {took['p50']} µs, p99 {took['p99']} µs, max {took['max']} µs "
                 f"(the listener's callback runs after it in the same period); {daemon['jack_xruns']} xruns")
    if daemon.get("jack_callback_began_us"):
        began = daemon["jack_callback_began_us"]
        text += (f"; the callback began p50 {began['p50']} µs, p99 {began['p99']} µs, max {began['max']} µs into "
                 "its period")
    return text


def worst_text(daemon: dict) -> str:
    """The latest note-ons and the listener's callback in their periods: whose delay an outlier was."""
    began = daemon["listener_began_ms"]
    worst = "; ".join(f"{w['error_ms']:.2f} ms at {w['at_s']:.1f} s (its period's callback began "
                      f"{w['listener_began_ms']:.2f} ms in; the listener missed {w['listener_missed_cycles']} "
                      f"cycles since the note-on before)"
                      for w in daemon["worst_onsets"])
    return (f"{worst}. The listener's callback began p50 {began['p50']:.3f} ms, p99 {began['p99']:.3f} ms, max "
            f"{began['max']:.3f} ms into the periods of all note-ons")


def sender_lateness(daemon: dict) -> str:
    late = daemon.get("sender_late_ms")
    if not late:
        return "not found in the daemon's log"
    return f"p50 {late['p50']:.2f} ms, p99 {late['p99']:.2f} ms, max {late['max']:.2f} ms"


def late_dropped(log: str) -> dict | None:
    """The note-ons dropped as late, by the daemon's sender and by its JACK output, from the lines they write at exit
    (None where either is missing)."""
    dropped, too_late = SUMMARY_DROPPED.search(log), SUMMARY_TOO_LATE.search(log)
    return {"sender": int(dropped["notes"]), "jack_output": int(too_late["notes"])} if dropped and too_late else None


def dropped_text(daemon: dict) -> str:
    dropped = daemon.get("late_dropped")
    if not dropped:
        return "not found in the daemon's log"
    return (f"{dropped['sender']} by the sender (late when it was to hand them over), {dropped['jack_output']} by "
            "the JACK output (late when their frame came)")


def coverage_rows(results: dict) -> list[str]:
    """The table of where the late notes fell (JACK's stretches), for the runs that measured them."""
    daemon = results["daemon"]
    runs = [(f"daemon, {daemon['voices']} voices", daemon),
            ("… the stretches of the daemon's JACK output too", {**daemon, "coverage": daemon.get("coverage_both")}),
            ("reference sender", results["reference"]), ("a listener alone (no notes)", results.get("alone"))]
    runs = [(name, r) for name, r in runs if r and "jack_said" in r and r.get("coverage", True)]
    if not runs:
        return []
    lines = ["", "Where the late notes fell (per minute: JACK's own count from jackd's output; the listener's "
             "stretches no period covered, see item 6 of the script's docstring):", "",
             "| run | JACK's late periods (driver xruns) | listener: periods begun late | listener: periods JACK ran "
             "without it | listener: time no period covered (ms) | not finished (JACK's count) | note-ons due in a "
             "stretch (JACK late / a client not called back) | … heard after the stretch's end p50 / p99 / max (ms) "
             "| onset error of the other note-ons p50 / p99 / max (ms) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in runs:
        said, cov = r["jack_said"], r.get("coverage", r)
        finished = ", ".join(f"{who} {n:.0f}" for who, n in said["not_finished_per_min"].items())
        three = lambda e: f"{e['p50']:.3f} / {e['p99']:.3f} / {e['max']:.3f}" if e else "-"  # noqa: E731
        notes, after, error = "-", "-", "-"
        if "in_jack_late" in cov:
            notes = f"{cov['in_jack_late']} / {cov['in_missed']} of {r['note_ons']}"
            after, error = three(cov["after_stretch_ms"]), three(cov["covered_error_ms"])
        lines.append(f"| {name} | {said['driver_xruns_per_min']:.0f} | {cov['jack_late_per_min']:.0f} | "
                     f"{cov['missed_periods_per_min']:.0f} | {cov['stretch_ms_per_min']:.0f} | {finished} | {notes} | "
                     f"{after} | {error} |")
    if share := (daemon.get("coverage_both") or {}).get("share"):
        lines += ["", f"The stretches of the daemon's JACK output and of the listener held {share['at_notes']:.1%} of "
                  f"the steps' periods (a third of a millisecond after each step, where its notes are written and "
                  f"read), against {share['at_random']:.1%} of times drawn at random over the run."]
    if uncovered := results["daemon"].get("jack_uncovered"):
        lines += ["", f"The daemon's JACK output, by its own count: {uncovered['events']:.0f} timed events fell due in "
                  f"{uncovered['stretches']:.0f} stretches no period of its process covered ({uncovered['ms']:.1f} ms "
                  f"in all; {uncovered['missed']:.0f} periods JACK ran without calling it back); the rest were placed "
                  f"after their time by p99 {uncovered['p99']:.3f} ms, max {uncovered['max']:.3f} ms."]
    return lines


def kept_awake_text(results: dict) -> str:
    """What kept the cores from going idle: the benchmark's spinners (``--awake``, every part) and the daemon's
    ``--keep-awake`` in its run, in the daemon's own words (a refused PM QoS request says no)."""
    awake = results.get("awake", {"processes": 0})
    kept = results["daemon"].get("kept_awake")
    if kept is None and "--keep-awake" in results.get("daemon_options", []):  # a report from before it was read
        kept = "asked, its answer not recorded"
    if kept is None:
        return awake_text(awake)
    own = f"in the daemon's run, by its --keep-awake: {kept}"
    if awake["processes"]:
        return f"{awake_text(awake)}; {own}"
    return f"{own} (not in the reference's run or the listener's alone)"


def render(results: dict) -> str:
    h, d, busy = results["hardware"], results["daemon"], results["busy_load"]
    training = results["load_start"]["training_running"] or results["load_end"]["training_running"]
    under = ["model training was running"] * training + [load_text(busy)] * bool(busy["processes"])
    lines = [
        "# Bridge benchmark" + (f" (UNDER LOAD: {'; '.join(under)})" if under else ""),
        "",
        ran(results),
        f"{hardware_line(results['load_start'], results['load_end'])} Python {h['python']}, torch {h['torch']}.",
        f"Load the benchmark added: {load_text(busy)}"
        + (f" ({busy['alive_at_end']} of them still running at the end)." if busy["processes"] else "."),
        f"Cores kept from going idle: {kept_awake_text(results)}.",
        f"Priorities during the daemon run (real-time: SCHED_FIFO or SCHED_RR): "
        f"{priorities_text(d['thread_priorities'])}.",
        f"Checkpoint: {results['checkpoint']}. JACK dummy driver, 48 kHz, period {results['period']} frames "
        f"({results['period'] / 48:.2f} ms). {BPM:g} BPM (a 16th is {STEP * 1000:.1f} ms), lookahead 0.5 beat.",
        "",
        "| measure | p50 | p99 | max | n | target |",
        "| --- | --- | --- | --- | --- | --- |",
    ]

    def row(name, p, target):
        top = f"{p['max']:.3f}" if "max" in p else "-"
        lines.append(f"| {name} | {p['p50']:.3f} | {p['p99']:.3f} | {top} | {p['n']} | {target} |")

    for voices, target in ((1, f"p99 {BY_KEY['step_1'].text} ms"), (8, f"p99 {BY_KEY['step_8'].text} ms")):
        for threads in THREADS:
            row(f"decoder step, {voices} voice{'s' * (voices > 1)}, {threads} torch thread{'s' * (threads > 1)} (ms)",
                results[f"decode_{voices}_t{threads}"], target)
        row("… same, through `StyleVAE.step` (no cached projections), 1 thread", results[f"plain_decode_{voices}"], "-")
    for threads in THREADS:
        row(f"decoder step, 8 voices, one every 16th as in the daemon, {threads} torch "
            f"thread{'s' * (threads > 1)} (ms)", results[f"spaced_decode_8_t{threads}"], "-")
    if d.get("daemon_steps"):
        steps = d["daemon_steps"]
        row(f"decoder step inside the daemon during this run, batch {steps['batch']:.0f}, "
            f"{d['torch_threads']} torch thread(s) (ms)", {**steps, "n": int(steps["n"])},
            f"p99 {BY_KEY['daemon_step'].text} ms")
        row("… of which on the engine thread's CPU (ms)",
            {"n": int(steps["n"]), "p50": steps["cpu_p50"], "p99": steps["cpu_p99"]}, "-")
        if runnable := d.get("daemon_step_runnable_ms"):  # reports from before the daemon said it have no such row
            row("… of which runnable without a core (ms)", {**runnable, "n": int(steps["n"])}, "-")
        if "whole_p50" in steps:  # reports from before the daemon said it have no such row
            row("… whole, with the engine's Python around the decoder (ms)",
                {"n": int(steps["n"]), "p50": steps["whole_p50"], "p99": steps["whole_p99"]}, "-")
    row(f"onset error, daemon, {d['voices']} voices, {d['torch_threads']} torch thread(s) (ms)", d["onset_error_ms"],
        f"p99 {BY_KEY['onset_p99'].text}, max {BY_KEY['onset_max'].text} ms")
    row("onset error, python-rtmidi reference sender (ms)", results["reference"]["onset_error_ms"], "-")
    row("control -> last note-on with the old setting (ms)", d["control_old_heard_ms"],
        "within the lookahead (167 ms)")
    row("control -> first note-on with the new setting (ms)", d["control_new_heard_ms"], "- (waits for a note)")
    lines += [
        "",
        f"- Daemon run: {d['seconds']:.0f} s, {d['note_ons']} note-ons, {d['osc_messages']} OSC messages "
        f"({d['osc_rate']:.0f}/s: voice controls, a tenth invalid, tempo, ping, query, styles) meanwhile; "
        "the daemon's clock free-running (no transport reports, see Traffic in the script).",
        f"- Constant latency removed from the onset errors (median offset): daemon {d['onset_offset_ms']:.3f} ms, "
        f"reference {results['reference']['onset_offset_ms']:.3f} ms.",
        f"- The daemon's note sender, by its own clock (`perf_counter` when it hands the event to the output, against "
        f"when it was to: the event's time less the output's lead, or when the engine pushed it if later): late by "
        f"{sender_lateness(d)}.",
        f"- The daemon's JACK output, by its own count (the frame it wrote each event at, against the event's "
        f"time): {placed_text(d)}.",
        f"- The latest note-ons, by the listener: {worst_text(d)}.",
        f"- Note-ons not played because they would have come more than 1/8 beat late: {dropped_text(d)}.",
        f"- Notes left open after SIGTERM: {d['open_notes_after_sigterm']} (exit code {d['exit_code']}); the "
        f"daemon's JACK output wrote {d.get('messages_written')} messages, the listener read "
        f"{d.get('messages_read')} (a listener late for a JACK period misses that period's messages).",
        *([f"- What the sender waited for ({PROFILE_ENV} set: where the other threads were at each late "
           f"hand-over): {d['sender_profile']}"] if d.get("sender_profile") else []),
        f"- Ready to play: {d['ready_seconds_banner']:.2f} s after start by the daemon's own count, "
        f"{d['ready_seconds_wall']:.2f} s from process launch to banner (includes Python and torch imports).",
        "",
        "Onset times are the wall-clock times of the frames each note-on arrived at, from a listener in a process "
        "of its own (tests/e2e/jack_listen.py) that puts each JACK period on perf_counter when its callback runs. "
        "The daemon writes each note at its frame (bridge/jack_out.py); the reference sender is python-rtmidi, "
        "which writes at the start of the period after the send, so its figure includes up to a period's "
        "rounding.",
        *coverage_rows(results),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the daemon run (default 60)")
    parser.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT, help="default: the shipped model")
    parser.add_argument("--period", type=int, default=32, help="JACK period in frames (default 32)")
    parser.add_argument("--voices", type=int, default=4, help="voices playing in the daemon run (default 4)")
    parser.add_argument("--rate", type=float, default=150.0, help="OSC messages per second (default 150)")
    parser.add_argument("--torch-threads", type=int, default=DEFAULT_TORCH_THREADS,
                        help="the daemon's --torch-threads (default: the daemon's, %(default)s here)")
    parser.add_argument("--steps", type=int, default=3000, help="decoder steps timed per batch size")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--name", default="bridge_bench", help="file name of the results, without suffix")
    parser.add_argument("--load", type=int, default=0, help="busy processes to run beside it all (default 0)")
    parser.add_argument("--awake", action="store_true",
                        help="keep every core from going idle meanwhile (bench/cpu_load.py, Spinners)")
    add_daemon_options(parser)
    parser.add_argument("--alone-seconds", type=float, default=20.0,
                        help="length of the run of a listener alone on JACK, the floor (default 20; 0: none)")
    args = parser.parse_args()
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "command": "python bench/bridge_bench.py " + " ".join(sys.argv[1:]),
               "hardware": hardware(), "commit": commit(), "load_start": machine(BUSY_WINDOW), "period": args.period,
               "checkpoint": str(args.checkpoint), "daemon_options": daemon_options_of(args)}
    with BusyLoad(args.load) as busy, Spinners(args.awake) as awake:
        measure(args, results)
        results["busy_load"] = {**busy.describe(), "alive_at_end": busy.alive()}
        results["awake"] = {**awake.describe(), "alive_at_end": awake.alive()}
    results["load_end"] = machine()
    results["steal_share"] = steal_share(results["load_start"]["cpu_times"], results["load_end"]["cpu_times"])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (args.out / f"{args.name}.md").write_text(render(results), encoding="utf-8")
    print(render(results))


def measure(args: argparse.Namespace, results: dict) -> None:
    """Every measurement of the report, into ``results``."""
    print("decoder steps ...", flush=True)
    loaded = ckpt.load(args.checkpoint)
    gc.freeze()  # as the daemon does after loading (bridge/serve.py); before, a full collection showed as a 65 ms step
    with steal_during(results, DECODER_STEPS):
        for voices in (1, 8):
            for threads in THREADS:
                torch.set_num_threads(threads)
                results[f"decode_{voices}_t{threads}"] = decode_latency(loaded, voices, args.steps)
            torch.set_num_threads(1)
            results[f"plain_decode_{voices}"] = plain_step_latency(loaded, voices, args.steps)
        for threads in THREADS:
            torch.set_num_threads(threads)
            results[f"spaced_decode_8_t{threads}"] = decode_latency(loaded, 8, SPACED_STEPS, gap=STEP)
    print(f"daemon on JACK for {args.seconds:g} s ...", flush=True)
    with steal_during(results, DAEMON_RUN):
        results["daemon"] = daemon_run(args.checkpoint, loaded.model.config.n_styles, args.seconds, args.period,
                                       args.voices, args.rate, args.torch_threads, *results["daemon_options"])
    print(f"reference sender for {args.seconds:g} s ...", flush=True)
    with steal_during(results, "reference sender"):
        results["reference"] = reference_run(args.seconds, args.period)
    if args.alone_seconds:
        print(f"a listener alone on JACK for {args.alone_seconds:g} s ...", flush=True)
        with steal_during(results, "listener alone"):
            results["alone"] = alone_run(args.alone_seconds, args.period)


if __name__ == "__main__":
    main()
