"""Cores kept from going idle while the daemon serves (``stylevae serve --keep-awake``, Linux only).

A core that goes idle takes time to wake: a deep C-state on a laptop, and on a virtual machine a halt that hands the
core back to the host until an interrupt brings it back. JACK's thread and the daemon's, woken on such a core, start
late. On one of this project's 2-core virtual machines (AMD EPYC family 25, no cpuidle driver) a listener alone on
JACK at period 32 found its periods late 7 to 70 times as often with the cores idle as with both kept busy, and the
daemon's onsets p99 1.5–2.0 ms against 0.03 ms (docs/bridge.md, "Most of those stretches come from idle cores"). On
another (family 26, whose kernel's haltpoll driver polls a while before a core halts) idle cores cost nothing
measurable, and neither the request below nor two processes spinning gained anything; but on an Intel Xeon (family 6,
model 167) with the same driver, five benchmarks as the daemon starts had onsets p99 0.03–5.6 ms, max 2.7–6.9 ms
(note-ons due while JACK ran no period of the output or the listener), and five with the request 0.02–0.03 ms and
0.03–1.1 ms (bench/results/README.md). But on an Intel Xeon (family 6, model 207) without a driver, the spinners
below made notes later, not earlier: three rounds taking turns, onsets p99 28–41 ms with them against 0.02–0.39 ms
without, the host's steal 2.5–3.6 % against 0.2–0.6 % (a busy vCPU is taken away by the host for tens of
milliseconds, JACK's thread on it). So the banner names the option on a virtual machine as one to try, not a cure,
and the spinners watch the host: where it takes STEAL_LIMIT of the CPU time or more over a STEAL_WINDOW (``steal`` in
/proc/stat: time a vCPU was ready to run and the host ran something else), they stop, with one line saying so.

One of two ways, as a machine tuned for audio has them:

- a PM QoS CPU latency request of 0 µs through ``/dev/cpu_dma_latency`` (cyclictest asks 0 µs there by default,
  tuned's latency-performance profile 1 or 3 µs), held for as long as the file stays open: the kernel drops it when
  the daemon ends, however it ends. It needs write access to that file (root, or a udev rule).
- where the kernel has no cpuidle driver (an idle CPU simply halts, as in many virtual machines), a request has no
  idle state to govern, so one process a core spins at SCHED_IDLE, the lowest priority there is: any other thread
  takes the core from it at once. They die with the daemon, SIGKILL included (the parent-death signal).

Either costs power: the cores never rest while the daemon serves. Off by default.
"""

from __future__ import annotations

import logging
import os
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from stylevae.bridge.children import Children, tied

log = logging.getLogger("stylevae.awake")

QOS = Path("/dev/cpu_dma_latency")
IDLE_DRIVER = Path("/sys/devices/system/cpu/cpuidle/current_driver")
CPUINFO = Path("/proc/cpuinfo")
PROC_STAT = Path("/proc/stat")
STEAL_WINDOW = 30.0  # seconds: how often the spinners' watch reads the host's steal
# The share of the CPU time the host may take while the spinners run. On the Intel Xeon model 207 (no cpuidle driver)
# it took 2.5–3.6 % with them (0.2–0.6 % without), and notes came tens of milliseconds late; on the AMD EPYC family 25
# (no driver either), where they brought notes on time, 0.7 % (docs/bridge.md).
STEAL_LIMIT = 0.015
ADVICE = ("left to idle, and on this virtual machine an idle core halts to the host (no cpuidle driver): notes can "
          "come milliseconds late; --keep-awake keeps the cores busy, at the cost of their CPU time, which brought "
          "notes on time on some such machines and made them later on others where the host then takes busy cores "
          "away: try it and listen")
ADVICE_DRIVER = ("left to idle, and on this virtual machine an idle core can wake late (cpuidle driver {}): notes "
                 "can come milliseconds late; --keep-awake holds the cores out of idle, at the cost of power")
# The first line marks the process as the bridge's own for the benchmarks' count of other busy processes.
SPIN = """# stylevae.bridge: a core kept awake
import os
os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
while True:
    pass
"""


def idle_driver(path: Path = IDLE_DRIVER) -> str:
    """The kernel's cpuidle driver; "none" where it has none (an idle CPU halts) or says nothing. It decides what
    keeps a core awake, and the benchmarks' reports name it: how late an idle core wakes differs with it."""
    try:
        return path.read_text(encoding="utf-8").strip() or "none"
    except OSError:
        return "none"


def cpu_times(path: Path = PROC_STAT) -> tuple[int, int] | None:
    """(steal, total) ticks of all CPUs so far, from /proc/stat's first line; None where it cannot be read or has
    no steal column (a kernel older than 2.6.11)."""
    try:
        with open(path, encoding="ascii") as stat:
            fields = stat.readline().split()
        ticks = [int(value) for value in fields[1:9]]
    except (OSError, ValueError):
        return None
    if fields[:1] != ["cpu"] or len(ticks) < 8:
        return None
    return ticks[7], sum(ticks)


def spin_command() -> list[str]:
    """The command of one spinner, which dies with the thread that starts it (start it from one that lives as long:
    the main thread)."""
    return tied([sys.executable, "-c", SPIN])


class KeepAwake:
    """With ``on``, every core kept from going idle for the time of a ``with`` block; nothing without. ``qos``,
    ``idle_driver``, ``system``, ``spawn``, ``stat`` and ``window`` (the steal watch's) are the real ones unless a
    test gives others."""

    def __init__(self, on: bool, cores: int | None = None, qos: Path = QOS, idle_driver: Path = IDLE_DRIVER,
                 system: str = sys.platform, spawn: Callable[..., subprocess.Popen] = subprocess.Popen,
                 cpuinfo: Path = CPUINFO, stat: Path = PROC_STAT, window: float = STEAL_WINDOW) -> None:
        self.on, self.cores = on, cores or os.cpu_count() or 1
        self._qos_path, self._idle_driver, self._system, self._cpuinfo = qos, idle_driver, system, cpuinfo
        self._stat, self._window = stat, window
        self._qos = None
        self._spinners = Children(spawn)
        self._lock = threading.Lock()  # the watch may stop the spinners while the daemon's end does
        self._ended = threading.Event()
        self._watch: threading.Thread | None = None
        self._last: tuple[int, int] | None = None
        self.how = "no"  # for the ready banner

    def __enter__(self) -> KeepAwake:
        self.start()
        return self

    def start(self) -> None:
        if not self.on:
            return
        if not self._system.startswith("linux"):
            self.how = "no (--keep-awake is for Linux)"
            log.warning("--keep-awake works on Linux only: the cores idle as this system lets them")
        elif idle_driver(self._idle_driver) == "none":  # a PM QoS request would have no idle state to govern
            try:
                self._spinners.start(spin_command(), self.cores)
                self.how = f"yes, {self.cores} spinners at SCHED_IDLE (no cpuidle driver: an idle CPU halts)"
                self._last = cpu_times(self._stat)
                self._watch = threading.Thread(target=self._watch_steal, name="stylevae-steal-watch", daemon=True)
                self._watch.start()
            except OSError as exc:
                self.how = "no (no spinners)"
                log.warning("--keep-awake: cannot start the processes that keep the cores busy (%s): the cores idle "
                            "as the system lets them", exc.strerror or exc)
        else:
            try:
                self._qos = open(self._qos_path, "wb", buffering=0)  # held open until stop()
                self._qos.write(struct.pack("i", 0))
                self.how = f"yes, a 0 µs PM QoS request on {self._qos_path}"
            except OSError as exc:
                if self._qos is not None:  # opened, but the request was refused
                    self._qos.close()
                    self._qos = None
                self.how = "no (no PM QoS request)"
                log.warning("--keep-awake: cannot write %s (%s): the cores idle as the system lets them; a udev "
                            "rule or root gives access", self._qos_path, exc.strerror or exc)

    def advice(self) -> str | None:
        """For the banner when off where it matters: a virtual machine. Where its idle cores halt (no cpuidle
        driver) the daemon's onsets had p99 1.5–5 ms against 0.03 ms with the cores kept awake on one machine, and
        0.02–0.39 ms against 28–41 ms on another; with a driver, on one machine nothing changed and on another p99 up
        to 5.6 ms against 0.03 ms (the module's docstring). On a machine of its own a halted core wakes in
        microseconds, so nothing is said."""
        if self.on or not self._system.startswith("linux"):
            return None
        try:
            lines = self._cpuinfo.read_text(encoding="utf-8").splitlines()
            flags = next((line for line in lines if line.startswith("flags")), "")
        except OSError:
            return None
        if "hypervisor" not in flags.split():
            return None
        found = idle_driver(self._idle_driver)
        return ADVICE if found == "none" else ADVICE_DRIVER.format(found)

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _watch_steal(self) -> None:
        while not self._ended.wait(self._window):
            if self.check_steal():
                return

    def check_steal(self) -> bool:
        """Whether the host took STEAL_LIMIT of the CPU time or more since the last look (the spinners' start, at
        first); if so the spinners are stopped and one line says why. Where /proc/stat says nothing, nothing."""
        now, last = cpu_times(self._stat), self._last
        self._last = now
        if now is None or last is None or now[1] <= last[1]:
            return False
        share = (now[0] - last[0]) / (now[1] - last[1])
        if share < STEAL_LIMIT:
            return False
        with self._lock:
            self._spinners.stop()
        self.how = f"stopped: the host took {100 * share:.1f} % of the CPU time while they ran"
        log.warning("--keep-awake: the host took %.1f %% of this virtual machine's CPU time (steal) while the cores "
                    "were kept busy, which makes notes later, not earlier: the spinners are stopped and the cores "
                    "idle as the system lets them", 100 * share)
        return True

    def stop(self) -> None:
        self._ended.set()
        if self._watch is not None and self._watch is not threading.current_thread():
            self._watch.join()
            self._watch = None
        with self._lock:
            self._spinners.stop()
        if self._qos is not None:
            self._qos.close()  # the kernel drops the request
            self._qos = None

    def alive(self) -> int:
        """How many spinners still run."""
        return self._spinners.alive()

    def pids(self) -> list[int]:
        return self._spinners.pids()
