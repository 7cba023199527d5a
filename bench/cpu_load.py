"""Load for a benchmark to run under: processes that keep one core busy each, at normal priority, as a producer's
other work would (a render, a plugin-heavy set, a build beside the session).

Each one streams over an array larger than a core's own caches, so it also takes cache and memory bandwidth from
the decoder step, which a spin loop in a few registers would not: the step's weights (about 3 MB) are then read
from further away, as on a busy machine.
"""

from __future__ import annotations

import subprocess
import sys

MEGABYTES = 16  # each process's array: above a core's L2 (1-2 MB on the machines here), within a shared L3
BUSY = """
import numpy as np, sys
a = np.ones(int(sys.argv[1]) << 17)  # 8-byte floats: MB * 2**20 / 8
while True:
    a += 1.0
"""


class BusyLoad:
    """``processes`` busy processes for the time of a ``with`` block; none with 0. Ended however the block ends,
    so a failed benchmark does not leave the machine loaded."""

    def __init__(self, processes: int, megabytes: int = MEGABYTES) -> None:
        if processes < 0:
            raise ValueError(f"a load of {processes} processes: give 0 or more")
        self.processes, self.megabytes = processes, megabytes
        self._running: list[subprocess.Popen] = []

    def __enter__(self) -> BusyLoad:
        for _ in range(self.processes):
            self._running.append(subprocess.Popen([sys.executable, "-c", BUSY, str(self.megabytes)],
                                                  stdin=subprocess.DEVNULL))
        return self

    def __exit__(self, *exc) -> None:
        for process in self._running:
            process.kill()
        for process in self._running:
            process.wait()
        self._running.clear()

    def alive(self) -> int:
        """How many of the processes still run (all of them, unless something killed one)."""
        return sum(process.poll() is None for process in self._running)

    def describe(self) -> dict:
        """What the report records: how many processes, each streaming over how many MB."""
        return {"processes": self.processes, "megabytes": self.megabytes}


def load_text(load: dict) -> str:
    """The report's words for a ``BusyLoad.describe()`` (0 processes: none)."""
    if not load["processes"]:
        return "none"
    n = load["processes"]
    return (f"{n} busy process{'es' * (n > 1)} at normal priority, each streaming over a {load['megabytes']} MB "
            "array (bench/cpu_load.py)")
