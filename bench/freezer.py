"""Freezes for a benchmark to run under: the JACK server and the daemon's JACK output stopped (SIGSTOP) for a few
milliseconds at a time, a few dozen times a second, as a busy host's steal stops a virtual machine's cores.

On the machines here a busy host made JACK report tens of thousands of xruns in half an hour (a quiet one
hundreds) and a note now and then go unheard; this gives the same faults on a quiet machine, on demand, with a
seed. Only the writing side is frozen: a listener frozen itself misses periods that no writer can help.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time

FREEZE_SECONDS = (0.0005, 0.006)  # how long each freeze lasts: up to several 64-frame periods at 48 kHz
GAP_SECONDS = (0.005, 0.04)  # between freezes


class Freezer:
    """Freezes ``pids`` (one or two of them at a time, at random) from a thread of its own, for the time of a
    ``with`` block; each frozen process is let go again however the block ends."""

    def __init__(self, pids: list[int], seed: int = 0) -> None:
        self.pids = list(pids)
        self.freezes = 0
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="freezer", daemon=True)

    def __enter__(self) -> Freezer:
        if self.pids:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            frozen = self._rng.sample(self.pids, self._rng.randint(1, min(2, len(self.pids))))
            try:
                for pid in frozen:
                    _signal(pid, signal.SIGSTOP)
                time.sleep(self._rng.uniform(*FREEZE_SECONDS))
            finally:
                for pid in frozen:
                    _signal(pid, signal.SIGCONT)
            self.freezes += 1
            self._stop.wait(self._rng.uniform(*GAP_SECONDS))


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:  # ended meanwhile (a JACK output the daemon restarted)
        pass


def freeze_text(freezes: int, seconds: float) -> str:
    """The report's words for a run under a ``Freezer`` (none: 0 freezes)."""
    if not freezes:
        return "none"
    return (f"{freezes} freezes of the JACK server and the daemon's JACK output ({freezes / seconds:.0f}/s, "
            f"{FREEZE_SECONDS[0] * 1000:g}-{FREEZE_SECONDS[1] * 1000:g} ms each, bench/freezer.py)")
