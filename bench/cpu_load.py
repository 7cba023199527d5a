"""What a benchmark runs beside itself: load, or cores kept from sleeping.

``BusyLoad``: processes that keep one core busy each, at normal priority, as a producer's other work would (a
render, a plugin-heavy set, a build beside the session). Each one streams over an array larger than a core's own
caches, so it also takes cache and memory bandwidth from the decoder step, which a spin loop in a few registers
would not: the step's weights (about 3 MB) are then read from further away, as on a busy machine.

``Spinners``: one spinning process per core at SCHED_IDLE (the daemon's own, ``stylevae serve --keep-awake`` on a
machine without a cpuidle driver: bridge/awake.py), the lowest priority there is, so that no core of a
virtual machine goes idle. An idle virtual CPU halts and is given back to the host, and on the machines here a
real-time thread woken on it (JACK's) then waits for the host to run that CPU again: a listener alone on JACK at
a 0.67 ms period saw its periods late 7 to 70 times as often as with both cores kept busy this way. Any other
thread takes a core from these at once, so they take no time from the bridge; they stand in for what a tuned
audio machine does by other means (a PM QoS latency request, a guest's halt polling).
"""

from __future__ import annotations

import os
import sys

from stylevae.bridge.awake import spin_command
from stylevae.bridge.children import Children

MEGABYTES = 16  # each process's array: above a core's L2 (1-2 MB on the machines here), within a shared L3
BUSY = """
import numpy as np, sys
a = np.ones(int(sys.argv[1]) << 17)  # 8-byte floats: MB * 2**20 / 8
while True:
    a += 1.0
"""


class _Processes(Children):
    """``processes`` processes running ``command`` for the time of a ``with`` block; none with 0. Ended however
    the block ends, so a failed benchmark does not leave them running."""

    def __init__(self, processes: int, command: list[str]) -> None:
        if processes < 0:
            raise ValueError(f"{processes} processes: give 0 or more")
        super().__init__()
        self.processes, self._command = processes, command

    def __enter__(self):
        self.start(self._command, self.processes)
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class BusyLoad(_Processes):
    """Busy processes at normal priority, each streaming over an array of ``megabytes``."""

    def __init__(self, processes: int, megabytes: int = MEGABYTES) -> None:
        super().__init__(processes, [sys.executable, "-c", BUSY, str(megabytes)])
        self.megabytes = megabytes

    def describe(self) -> dict:
        """What the report records: how many processes, each streaming over how many MB."""
        return {"processes": self.processes, "megabytes": self.megabytes}


class Spinners(_Processes):
    """With ``on``, one process per core spinning at SCHED_IDLE; none without."""

    def __init__(self, on: bool, cores: int | None = None) -> None:
        super().__init__((cores or os.cpu_count() or 1) if on else 0, spin_command())

    def describe(self) -> dict:
        """What the report records: how many spinning processes."""
        return {"processes": self.processes}


def load_text(load: dict) -> str:
    """The report's words for a ``BusyLoad.describe()`` (0 processes: none)."""
    if not load["processes"]:
        return "none"
    n = load["processes"]
    return (f"{n} busy process{'es' * (n > 1)} at normal priority, each streaming over a {load['megabytes']} MB "
            "array (bench/cpu_load.py)")


def awake_text(awake: dict) -> str:
    """The report's words for a ``Spinners.describe()`` (0 processes: none)."""
    if not awake["processes"]:
        return "no (each core idles as the system lets it)"
    return (f"yes, by {awake['processes']} processes spinning at SCHED_IDLE, one per core, which any other thread "
            "preempts (bench/cpu_load.py)")
