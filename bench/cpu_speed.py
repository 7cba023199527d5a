"""How steady this machine's cores are: the share of time each ran a fixed piece of arithmetic at a fraction of
its usual speed.

On a virtual machine the host can slow a vCPU for milliseconds at a time (another guest on the same physical core,
or the host's own power limits) in a way the guest cannot see: no steal is counted, no gap shows in its clock, the
vCPU just retires its instructions more slowly. Any CPU-bound work that lands in such a window takes several times
as long, the daemon's decoder step included, and nothing inside the guest can make that up. This measures it
directly: each core runs the same small loop of integer arithmetic (no memory traffic to speak of, no system calls)
in chunks of a fixed number of iterations, back to back, and each chunk's time against the median chunk's gives
the speed its core ran at meanwhile. Every core runs at once, as the daemon and JACK use them all.

Usage: .venv/bin/python bench/cpu_speed.py [--seconds 30] [--name cpu_speed_NAME]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine_facts import hardware_line, machine, ran  # noqa: E402
from soak import save  # noqa: E402

ITERATIONS = 400  # per chunk: about 60 us of interpreter arithmetic on a 2-core Xeon, far above the clock's cost
SLOWER = (1.5, 2.5, 4.5, 8.0)  # the shares reported: time spent at least this many times slower than the median
WINDOW_SLOWER = 2.5  # a slow window: consecutive chunks at least this many times slower, merged


def chunk(iterations: int = ITERATIONS) -> int:
    """The fixed work: a Lehmer generator's steps, kept in registers and the interpreter's own code."""
    x = 1
    for _ in range(iterations):
        x = x * 48271 % 2147483647
    return x


def chunk_times(seconds: float, core: int | None, work: Callable[[], object] = chunk,
                clock: Callable[[], float] = time.perf_counter) -> np.ndarray:
    """The times of back-to-back chunks of ``work`` for ``seconds``, on ``core`` where the system can pin."""
    if core is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
    times = []
    started = now = clock()
    while now - started < seconds:
        work()
        then, now = now, clock()
        times.append(now - then)
    return np.asarray(times)


def steadiness(times: np.ndarray) -> dict:
    """What a core's chunk times say: the share of the time it spent at least N times slower than its median
    chunk, and its slow windows (runs of chunks at least ``WINDOW_SLOWER`` times slower) per minute and their
    lengths."""
    median = float(np.median(times))
    total = float(times.sum())
    ratio = times / median
    shares = {f"{n:g}": float(times[ratio >= n].sum() / total) for n in SLOWER}
    slow = np.concatenate(([False], ratio >= WINDOW_SLOWER, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(slow))
    ends = np.concatenate(([0.0], np.cumsum(times)))
    windows = ends[edges[1::2]] - ends[edges[::2]]
    return {"chunks": int(times.size), "seconds": total, "median_chunk_us": median * 1e6,
            "slower_share": shares, "windows_per_minute": windows.size / total * 60,
            "window_ms_p50": float(np.median(windows) * 1e3) if windows.size else 0.0,
            "window_ms_max": float(windows.max() * 1e3) if windows.size else 0.0}


def _measure(args: tuple[float, int]) -> dict:
    """One core's steadiness, with how often the guest's own scheduler took the core from the loop meanwhile (the
    slow time that is not the host's)."""
    switches = _preempted()
    found = steadiness(chunk_times(*args))
    found["preempted"] = None if switches is None else _preempted() - switches
    return found


def _preempted() -> int | None:
    """This process's involuntary context switches so far (None where the system does not count them)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_nivcsw


def render(r: dict) -> str:
    lines = ["# How steady the cores are: fixed arithmetic, timed in chunks", "", ran(r),
             hardware_line(r["machine_start"], r["machine_end"]), "",
             f"Each core ran chunks of {ITERATIONS} steps of integer arithmetic back to back for {r['seconds']:g} s, "
             "every core at once. A chunk's time against the core's median chunk is how much slower the core ran "
             "meanwhile; a slow window is a run of chunks at least "
             f"{WINDOW_SLOWER:g}x slower. The last column counts the times the guest's own scheduler gave the "
             "core to another task meanwhile (involuntary context switches): slow time that is not the host's.", "",
             "| core | chunks | median chunk (us) | " + " | ".join(f"time >= {n:g}x slower" for n in SLOWER)
             + " | slow windows per minute | slow window p50 / max (ms) | taken by the guest's scheduler |",
             "| --- " * (6 + len(SLOWER)) + "|"]
    for core, c in enumerate(r["cores"]):
        shares = " | ".join(f"{c['slower_share'][f'{n:g}']:.2%}" for n in SLOWER)
        lines.append(f"| {core} | {c['chunks']:,} | {c['median_chunk_us']:.1f} | {shares} | "
                     f"{c['windows_per_minute']:.0f} | {c['window_ms_p50']:.2f} / {c['window_ms_max']:.2f} | "
                     f"{'-' if c['preempted'] is None else c['preempted']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--name", default="cpu_speed")
    args = parser.parse_args()
    start = machine()
    cores = os.cpu_count() or 1
    with multiprocessing.get_context("spawn").Pool(cores) as pool:
        measured = pool.map(_measure, [(args.seconds, core) for core in range(cores)])
    save(args.name, {"seconds": args.seconds, "iterations": ITERATIONS, "cores": measured}, start, render)


if __name__ == "__main__":
    main()
