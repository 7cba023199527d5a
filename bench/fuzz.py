"""Fuzz: malformed and random OSC packets at `stylevae serve` while its voices play on a real JACK server.

Raw random bytes, valid addresses with wrong types, NaN and infinities, truncated packets, huge bundles,
nested bundles, bundles whose sizes lie, every address with every type tag, each pair once first and then
at random (``osc_traffic.Malformed``). Of the packets drawn at random, one the daemon's own validation would accept
is drawn again; those built to be wrong are sent as built. Meanwhile a ping every 50 ms.

It reports: whether the daemon lived, pings and pongs (and the longest wait for one), error replies,
the refusals the log shows and the lines saying how many it did not (rate-limited), tracebacks, whether
any voice's settings changed, how many of its packets the daemon took (by its own count of datagrams and refusals,
so a song-wide setting taken shows too, which no reply would), and the onset error of the notes before and during
the fuzz (free-running clock, against the 16th grid, read by tests/e2e/jack_listen.py). Writes
bench/results/<name>.{json,md}.

Usage: .venv/bin/python bench/fuzz.py [--packets 100000] [--rate 1000] [--name fuzz]
"""

from __future__ import annotations

import argparse
import re
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT))

import harness  # noqa: E402
from bridge_bench import late_dropped  # noqa: E402
from machine_facts import BUSY_WINDOW, add_daemon_options, daemon_options_of, hardware_line, machine, ran  # noqa: E402
from osc_traffic import Malformed, message, refusals_logged  # noqa: E402
from soak import Replies, save  # noqa: E402

from stylevae.bridge import commands  # noqa: E402
from stylevae.bridge.jack_out import SUMMARY_PLACED  # noqa: E402
from stylevae.bridge.osc_spec import PREFIX  # noqa: E402
from stylevae.model.network import checkpoint as ckpt  # noqa: E402
from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT  # noqa: E402

BPM = 120.0
STEP = 15.0 / BPM
PING_SECONDS = 0.05
VOICES = 4


def grid_errors(times: list[float]) -> dict:
    """|error| against the 16th grid of a free-running clock, the constant offset (the median) removed, ms."""
    if len(times) < 2:
        return {"n": 0}
    t = np.asarray(times)
    raw = (t - t[0]) - np.round((t - t[0]) / STEP) * STEP
    a = np.abs(raw - np.median(raw)) * 1000
    return {"n": int(a.size), "p50": float(np.percentile(a, 50)), "p99": float(np.percentile(a, 99)),
            "max": float(a.max())}


def run_fuzz(checkpoint: Path, packets: int, rate: float, period: int = 64, seed: int = 7, say=print,
             daemon_options: Sequence[str] = ()) -> dict:
    loaded = ckpt.load(checkpoint)
    context = commands.Context(tuple(loaded.styles), loaded.vocab, loaded.steps)
    malformed = Malformed(context, seed)
    say(f"fuzz: drawing {packets} packets ...")
    batch = malformed.batch(packets)
    server = harness.JackServer(period=period)
    replies = Replies()
    replies.start()
    daemon = dump = osc = None
    try:
        daemon = harness.Daemon(checkpoint, server.name, "--bpm", str(BPM), *daemon_options)
        dump = harness.FrameListener(daemon.midi_port)
        osc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        target = ("127.0.0.1", daemon.osc_port)
        own = Counter()  # the commands this sends itself (set-up, queries, pings): the daemon takes every one

        def command(address: str, *args: object) -> None:
            osc.sendto(message(address, *args), target)
            own["sent"] += 1

        command(f"{PREFIX}/hello", replies.port)
        for v in range(1, VOICES + 1):
            command(f"{PREFIX}/{v}/density", 0.6)
            command(f"{PREFIX}/{v}/play", 1)
        time.sleep(3.0)
        for v in range(1, VOICES + 1):
            command(f"{PREFIX}/{v}/query")
        time.sleep(0.3)
        before = dict(replies.states)
        stop_pings = threading.Event()
        pings = Counter()

        def ping():
            while not stop_pings.wait(PING_SECONDS):
                command(f"{PREFIX}/ping")
                pings["sent"] += 1

        pinger = threading.Thread(target=ping, daemon=True)
        pinger.start()
        fuzz_start = time.perf_counter()
        kinds: Counter[str] = Counter()
        for k, (kind, data) in enumerate(batch):
            osc.sendto(data, target)
            kinds[kind] += 1
            delay = fuzz_start + (k + 1) / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        fuzz_end = time.perf_counter()
        time.sleep(1.0)
        stop_pings.set()
        pinger.join()
        time.sleep(0.5)
        for v in range(1, VOICES + 1):
            command(f"{PREFIX}/{v}/query")
        time.sleep(0.5)
        alive = daemon.process.poll() is None
        after = dict(replies.states)
        ons = [(e.time, e.wall) for e in dump.snapshot() if e.is_on]
        during = [t for t, wall in ons if fuzz_start + 0.1 < wall < fuzz_end]
        earlier = [t for t, wall in ons if wall < fuzz_start]
        rc = daemon.stop(signal.SIGTERM)
        log = daemon.log()
        received = re.search(r"(\d+) OSC datagrams, (\d+) refused(?:, (\d+) lost in the socket)?", log)
        pongs = replies.pongs
        gaps = np.diff([fuzz_start] + pongs) if pongs else np.array([np.inf])
        return {
            "packets": packets, "rate": rate, "daemon_options": list(daemon_options),
            "seconds": fuzz_end - fuzz_start, "kinds": dict(kinds),
            "alive_after": alive, "exit_code": rc, "pings": pings["sent"], "pongs": len(pongs),
            "longest_pong_gap_s": float(gaps.max()), "error_replies": replies.counts.get("error", 0),
            "states_unchanged": before == after and len(before) == VOICES,
            "jack_placement_ms": {k: float(placed[k]) for k in ("p50", "p99", "max")}
            if (placed := SUMMARY_PLACED.search(log)) else None,
            "late_dropped": late_dropped(log),
            "sender_summary": next((line.split(": ", 1)[-1] for line in log.splitlines() if "decoder steps" in line),
                                   ""),
            "daemon_received": int(received.group(1)) if received else None,
            "daemon_refused": int(received.group(2)) if received else None,
            "daemon_lost": int(received.group(3)) if received and received.group(3) else None,
            # datagrams taken whole beyond this one's own commands: fuzz packets the daemon took as commands
            "malformed_taken": int(received.group(1)) - int(received.group(2)) - own["sent"] if received else None,
            "onset_error_before_ms": grid_errors(earlier), "onset_error_during_ms": grid_errors(during),
            "log_lines": {"tracebacks": log.count("Traceback"), "refused_logged": refusals_logged(log),
                          "refused_not_logged_lines": log.count("more refused messages not logged"),
                          "internal_errors": log.count("internal error"), "total": log.count("\n")},
        }
    finally:
        replies.close()
        if osc is not None:
            osc.close()
        if daemon is not None and daemon.process.poll() is None:
            daemon.stop()
        if dump is not None:
            dump.close()
        server.stop()


def render(r: dict) -> str:
    m0, m1 = r["machine_start"], r["machine_end"]
    b, d = r["onset_error_before_ms"], r["onset_error_during_ms"]
    fmt = lambda p: f"{p['p50']:.3f} / {p['p99']:.3f} / {p['max']:.3f} (n {p['n']})" if p.get("n") else "-"  # noqa: E731
    return "\n".join([
        "# Fuzz",
        "",
        ran(r),
        hardware_line(m0, m1),
        f"{r['packets']} packets in {r['seconds']:.1f} s ({r['packets'] / r['seconds']:.0f}/s) while {VOICES} voices "
        f"played at {BPM:g} BPM on a free-running clock; kinds: {r['kinds']}.",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| daemon alive after the fuzz; exit code after SIGTERM | {r['alive_after']}; {r['exit_code']} |",
        f"| pings / pongs; longest gap between pongs | {r['pings']} / {r['pongs']}; {r['longest_pong_gap_s']:.3f} s |",
        f"| datagrams the daemon received (all: fuzz, pings, set-up) / refused / lost in its socket before it read "
        f"them (Linux counts) | {r['daemon_received']} / {r['daemon_refused']} / {r.get('daemon_lost', '-')} |",
        f"| error replies (one per refused packet) | {r['error_replies']} |",
        f"| fuzz packets the daemon took (datagrams it did not refuse, less the set-up, queries and pings) | "
        f"{r.get('malformed_taken', '-')} |",
        f"| refusals logged / \"N more not logged\" lines / log lines in all | {r['log_lines']['refused_logged']} / "
        f"{r['log_lines']['refused_not_logged_lines']} / {r['log_lines']['total']} |",
        f"| tracebacks / internal errors in the log | {r['log_lines']['tracebacks']} / "
        f"{r['log_lines']['internal_errors']} |",
        f"| every voice's settings unchanged | {r['states_unchanged']} |",
        f"| JACK output: events placed after their time, p50 / p99 / max (ms) | "
        f"{' / '.join(f'{v:.3f}' for v in r['jack_placement_ms'].values()) if r['jack_placement_ms'] else '-'} |",
        f"| onset error before the fuzz, p50 / p99 / max (ms) | {fmt(b)} |",
        f"| onset error during the fuzz, p50 / p99 / max (ms) | {fmt(d)} |",
        "",
        f"The daemon's summary at exit: {r['sender_summary']}",
        "",
        "Onset error: every note-on of every voice (they share one grid) at the wall-clock time of its frame "
        "(tests/e2e/jack_listen.py), against the 16th grid, the constant offset removed.",
    ]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packets", type=int, default=100000)
    parser.add_argument("--rate", type=float, default=1000, help="packets per second (default 1000)")
    parser.add_argument("--period", type=int, default=64)
    parser.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT)
    add_daemon_options(parser)
    parser.add_argument("--name", default="fuzz")
    args = parser.parse_args()
    start = machine(BUSY_WINDOW)
    result = run_fuzz(args.checkpoint, args.packets, args.rate, args.period,
                      daemon_options=daemon_options_of(args))
    save(args.name, result, start, render)


if __name__ == "__main__":
    main()
