"""How late the note sender's timed waits end on this machine: a wait on the condition alone (the sender before it
had a ``SystemTimer``) against the sender's own wait, taken in turns, for waits as long as the sender's are.

Each wait is the sender's loop: wait, and while its time has not come, wait again for what is left; its lateness is
how long after its time the loop ends. A timed wait on a condition ends on the system timer's tick: microseconds on
Linux and macOS, 15.625 ms on Windows unless the process asks for a finer one. There the sender's ``SystemTimer``
asks for the finest tick while it serves and sleeps the last two ticks of each wait on Python's high-resolution
timer. The daemon's onset target is 1 ms at p99, 5 ms at most; a wait that ends late hands its note over late.

Standard library and this package only, so that it runs where the daemon runs: Linux, macOS and Windows.

Usage: python bench/wakeups.py [--waits 2000] [--name wakeups_NAME]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine_facts import cpu_model, write_report  # noqa: E402

from stylevae.bridge.realtime import SystemTimer, sender_priority  # noqa: E402

SHORTEST, LONGEST = 0.0005, 0.020  # s: the sender's waits between notes (20 ms: a 32nd at 94 BPM)


def plain_wait(cond: threading.Condition, seconds: float) -> None:
    cond.wait(seconds)


def lateness(wait: Callable[[threading.Condition, float], None], cond: threading.Condition, seconds: float,
             now: Callable[[], float] = time.perf_counter) -> float:
    """How long after ``seconds`` from now the sender's loop of ``wait`` ends."""
    deadline = now() + seconds
    with cond:
        while (left := deadline - now()) > 0:
            wait(cond, left)
    return now() - deadline


def quantiles_ms(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"p50": statistics.median(ordered) * 1000, "p99": ordered[int(0.99 * (len(ordered) - 1))] * 1000,
            "max": ordered[-1] * 1000}


def measure(waits: int, seed: int = 0) -> dict:
    rng, cond = random.Random(seed), threading.Condition()
    late: dict[str, list[float]] = {"condition alone": [], "the sender's SystemTimer": []}
    with SystemTimer() as timer:
        ways = {"condition alone": plain_wait, "the sender's SystemTimer": timer.wait}
        for _ in range(waits):
            seconds = rng.uniform(SHORTEST, LONGEST)
            for name, wait in ways.items():
                late[name].append(lateness(wait, cond, seconds))
        how, tick, margin = timer.how, timer.tick, timer.margin
    return {"timer": how, "tick_ms": tick * 1000, "margin_ms": margin * 1000,
            "lateness_ms": {name: quantiles_ms(values) for name, values in late.items()}}


def render(result: dict) -> str:
    rows = "\n".join(f"| {name} | {q['p50']:.3f} | {q['p99']:.3f} | {q['max']:.3f} |"
                     for name, q in result["lateness_ms"].items())
    return (f"# The note sender's waits: how late they end ({result['date']})\n\n"
            f"`{result['command']}` on {result['commit']}. {result['machine']}. {result['waits']} waits of "
            f"{SHORTEST * 1000:g}–{LONGEST * 1000:g} ms each way, taken in turns, in a thread that asked for the "
            f"sender's priority ({result['priority']}). Timer: {result['timer']}.\n\n"
            f"| wait | late p50 (ms) | p99 (ms) | max (ms) |\n| --- | --- | --- | --- |\n{rows}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--waits", type=int, default=2000)
    parser.add_argument("--name", default=f"wakeups_{sys.platform}")
    args = parser.parse_args(argv)
    result: dict = {}

    def run() -> None:  # in a thread of its own, as the sender: the priority it asks for is a thread's
        refused = sender_priority()
        result.update(measure(args.waits), priority=refused or "granted")

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    result.update(waits=args.waits, machine=(f"{platform.system()} {platform.release()}, {platform.machine()}, "
                                             f"{cpu_model()}, {os.cpu_count()} cores, "
                                             f"Python {platform.python_version()}"))
    write_report(args.name, result, render)


if __name__ == "__main__":
    main()
