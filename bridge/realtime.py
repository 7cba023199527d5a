"""What the operating system is asked so that the daemon's threads run, and wake, on time: per system.

- **Priority.** Linux: SCHED_FIFO for the note sender, the engine's steps and the JACK output process, nice -11 for
  the daemon's other threads (both need an rtprio or nice limit, as JACK set-ups grant). macOS: the note sender
  under a Mach time-constraint policy, the policy Core Audio's I/O threads run under, which needs no privileges.
  Windows: the note sender in the Multimedia Class Scheduler Service's "Pro Audio" task (MMCSS), the service audio
  programs register their threads with, and the process in the above-normal priority class: neither needs
  privileges.
- **Wake-ups.** A timed wait on a condition ends on the system timer's tick. On Linux (high-resolution timers) and
  macOS that is microseconds; on Windows it is 15.625 ms unless the process asks for a finer tick
  (``timeBeginPeriod``), and even then the wait can end up to about two ticks late. Python 3.11 and newer sleep on
  a high-resolution waitable timer there, so a ``SystemTimer`` waits on the condition until a margin of two ticks
  before the time and sleeps the rest.

Only the calls differ; what each system is asked is decided here, and the calls go through a library loader a
test can replace (``load``), so the macOS and Windows requests are checked on any system.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from stylevae.bridge.platform import LINUX, MACOS, WINDOWS

log = logging.getLogger("stylevae.realtime")


def load_library(name: str) -> Any:
    """A system library by the name this module gives it ("libSystem", "avrt", "winmm", "kernel32")."""
    if name == "libSystem":
        return ctypes.CDLL("/usr/lib/libSystem.B.dylib")
    return ctypes.WinDLL(name)  # type: ignore[attr-defined]  # Windows only


# SCHED_FIFO priorities: before every ordinary thread, after every audio thread (JACK's server runs at 10 by
# default and its clients' process threads at 5, studio set-ups higher): a thread above them would delay
# JACK's cycle, and a late cycle loses its MIDI. The note sender and the JACK output's own threads above the
# engine's steps, so that a step never holds up a note: a FIFO thread does not pre-empt one of its own priority.
REALTIME_PRIORITY = 2
STEP_PRIORITY = 1


# The nice level of the daemon's ordinary threads (engine, OSC, the main thread), as PipeWire's daemon gives its
# main thread (pipewire.conf: libpipewire-module-rt, nice.level = -11): they run before ordinary busy work
# without the risk of a real-time thread that could take a core (a flood of OSC, say).
DAEMON_NICE = -11


ABOVE_NORMAL_PRIORITY_CLASS = 0x8000  # winbase.h


def raise_nice(system: str | None = None, load: Callable[[str], Any] = load_library) -> bool:
    """Give the process's threads, and the threads and processes it starts from then on, nice ``DAEMON_NICE``;
    on Windows, which has no nice level, the process the above-normal priority class (no privileges needed).

    The note sender needs the GIL. When a busy process pre-empts the thread that holds it (the engine in NumPy's
    wrappers, where the sender's profile found it), the sender waits as long as the scheduler lets that process
    run: up to 57 ms at nice 0 beside four busy processes (bench/results/README.md, "Under load"). Needs
    privileges (root, or a nice limit as audio set-ups grant); without them the threads stay at nice 0."""
    if (system or sys.platform) == WINDOWS:
        try:
            kernel = load("kernel32")
            kernel.GetCurrentProcess.restype = ctypes.c_void_p
            kernel.SetPriorityClass.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
            return bool(kernel.SetPriorityClass(kernel.GetCurrentProcess(), ABOVE_NORMAL_PRIORITY_CLASS))
        except (OSError, AttributeError) as exc:
            log.debug("the daemon at the normal priority class (%s)", exc)
            return False
    try:
        for tid in own_threads():
            with contextlib.suppress(ProcessLookupError):  # a thread that ended meanwhile
                os.setpriority(os.PRIO_PROCESS, tid, DAEMON_NICE)
    except (AttributeError, OSError) as exc:  # not a POSIX system, or not allowed
        log.debug("daemon threads at the default nice level (%s)", exc)
        return False
    return True


def own_threads() -> list[int]:
    """The ids ``setpriority`` takes for this process's threads. On Linux the nice level is a thread's, so each
    one already running (NumPy's OpenBLAS starts one on import) by its id; elsewhere the process's, id 0."""
    try:
        return [int(tid) for tid in os.listdir("/proc/self/task")]
    except FileNotFoundError:  # no /proc: not Linux
        return [0]


def realtime_process() -> bool:
    """Put every ordinary thread of this process at real-time priority ``REALTIME_PRIORITY``; those at a higher
    one (libjack's process thread) keep theirs. For the JACK output's process, whose threads share a GIL with the
    process callback: libjack runs the xrun callback, Python, in a thread of its own at normal priority, and such a
    thread pre-empted while it holds the GIL holds up the callback, and the period's MIDI with it."""
    try:
        for tid in own_threads():
            with contextlib.suppress(ProcessLookupError):  # a thread that ended meanwhile
                if os.sched_getscheduler(tid) == os.SCHED_OTHER:
                    os.sched_setscheduler(tid, os.SCHED_FIFO, os.sched_param(REALTIME_PRIORITY))
    except (AttributeError, OSError) as exc:  # not Linux, or not allowed
        log.debug("the output's threads at normal priority (%s)", exc)
        return False
    return True


class RealtimeWhile:
    """``with`` it, the calling thread runs at SCHED_FIFO ``priority``; after, at the policy it had (its nice level
    kept). For short, bounded work that must not wait for a core behind ordinary threads: the engine's steps, which
    under the fair scheduler spent most of their wall time over their CPU time runnable without a core
    (docs/bridge.md, Priorities), while the rest of that thread's work (commands, which a flood of OSC could make
    long) stays ordinary. Where real-time scheduling is refused (no privileges, not Linux) it is not asked again."""

    def __init__(self, priority: int) -> None:
        self.priority = priority
        self.allowed = hasattr(os, "sched_setscheduler")
        self._before: tuple[int, os.sched_param] | None = None

    def __enter__(self) -> None:
        if not self.allowed:
            return
        try:
            before = os.sched_getscheduler(0), os.sched_getparam(0)
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(self.priority))
        except OSError as exc:
            log.debug("steps at normal priority (%s)", exc)
            self.allowed = False
            return
        self._before = before

    def __exit__(self, *exc_info: object) -> None:
        """Back to the policy and its priority as they were: a daemon started at a real-time policy (``chrt``, a
        systemd unit) has a priority of 1 or more there, which a priority of 0 would be refused for."""
        if self._before is not None:
            os.sched_setscheduler(0, *self._before)
            self._before = None

# --- the note sender's priority -------------------------------------------------------------------------------

NORMAL_PRIORITY = ("the note sender runs at normal priority (real-time scheduling is not permitted here): on a busy "
                   "machine notes can come late; docs/bridge.md, Priorities, says how to allow it")


def realtime_priority() -> bool:
    """Linux: run the calling thread (and the threads it starts) at SCHED_FIFO ``REALTIME_PRIORITY``, before
    ordinary work, so a busy machine does not delay a note. Needs privileges (root, or an rtprio limit as JACK
    set-ups grant); without them the thread stays at normal priority. False elsewhere."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(REALTIME_PRIORITY))
    except (AttributeError, OSError) as exc:  # not Linux, or not allowed
        log.debug("real-time scheduling refused (%s)", exc)
        return False
    return True


# mach/thread_policy.h: THREAD_TIME_CONSTRAINT_POLICY is flavour 2, four 32-bit fields. The kernel takes a
# computation between 50 µs and 50 ms and a constraint no shorter than it (XNU, osfmk/kern/sched_prim.c,
# sched_realtime_timebase_init; thread_policy.c checks both), in Mach absolute time units.
THREAD_TIME_CONSTRAINT_POLICY = 2
SENDER_COMPUTATION = 0.0005  # s of CPU a wake-up of the sender may take before the kernel may pre-empt it
SENDER_CONSTRAINT = 0.001  # s from its wake-up by which it is to be done: the onsets' p99 target


class TimeConstraint(ctypes.Structure):
    _fields_ = [("period", ctypes.c_uint32), ("computation", ctypes.c_uint32), ("constraint", ctypes.c_uint32),
                ("preemptible", ctypes.c_int)]


class Timebase(ctypes.Structure):
    _fields_ = [("numer", ctypes.c_uint32), ("denom", ctypes.c_uint32)]


def macos_time_constraint(load: Callable[[str], Any] = load_library) -> str | None:
    """Put the calling thread under a time-constraint policy: no period (it wakes when an event is due), at most
    ``SENDER_COMPUTATION`` of work finished within ``SENDER_CONSTRAINT``, pre-emptible. None when granted, else why
    not."""
    system = load("libSystem")
    system.pthread_self.restype = ctypes.c_void_p
    system.pthread_mach_thread_np.argtypes = [ctypes.c_void_p]
    system.pthread_mach_thread_np.restype = ctypes.c_uint32  # the thread's port, borrowed: nothing to give back
    system.mach_timebase_info.argtypes = [ctypes.POINTER(Timebase)]
    system.thread_policy_set.argtypes = [ctypes.c_uint32, ctypes.c_int, ctypes.POINTER(TimeConstraint),
                                         ctypes.c_uint32]
    system.thread_policy_set.restype = ctypes.c_int
    base = Timebase()
    if system.mach_timebase_info(ctypes.byref(base)) != 0 or not base.numer:
        return "mach_timebase_info failed"

    def ticks(seconds: float) -> int:  # Mach absolute time: nanoseconds * denom / numer
        return round(seconds * 1e9 * base.denom / base.numer)

    policy = TimeConstraint(0, ticks(SENDER_COMPUTATION), ticks(SENDER_CONSTRAINT), 1)
    fields = ctypes.sizeof(policy) // ctypes.sizeof(ctypes.c_uint32)
    thread = system.pthread_mach_thread_np(system.pthread_self())
    code = system.thread_policy_set(thread, THREAD_TIME_CONSTRAINT_POLICY, ctypes.byref(policy), fields)
    return None if code == 0 else f"thread_policy_set returned {code}"


MMCSS_TASK = "Pro Audio"  # a task every Windows since Vista defines (HKLM\...\Multimedia\SystemProfile\Tasks)


def windows_pro_audio(load: Callable[[str], Any] = load_library) -> str | None:
    """Register the calling thread with MMCSS as a "Pro Audio" thread; the registration ends with the thread. None
    when granted, else why not."""
    avrt = load("avrt")
    avrt.AvSetMmThreadCharacteristicsW.argtypes = [ctypes.c_wchar_p, ctypes.POINTER(ctypes.c_uint32)]
    avrt.AvSetMmThreadCharacteristicsW.restype = ctypes.c_void_p
    index = ctypes.c_uint32(0)
    if not avrt.AvSetMmThreadCharacteristicsW(MMCSS_TASK, ctypes.byref(index)):
        return f"AvSetMmThreadCharacteristicsW({MMCSS_TASK!r}) failed"
    return None


def sender_priority(system: str | None = None, load: Callable[[str], Any] = load_library) -> str | None:
    """Ask for the calling thread, the note sender, to run ahead of ordinary work, as ``system`` (this one unless
    given) allows. None when granted; otherwise the one line to log."""
    system = system or sys.platform
    if system.startswith(LINUX):
        return None if realtime_priority() else NORMAL_PRIORITY
    asks = {MACOS: ("a time-constraint policy", macos_time_constraint), WINDOWS: ("MMCSS", windows_pro_audio)}
    if system not in asks:
        return None
    what, ask = asks[system]
    try:
        refused = ask(load)
    except (OSError, AttributeError) as exc:  # the library or the call is not there
        refused = str(exc)
    if refused is None:
        return None
    return f"the note sender runs at normal priority ({what} was refused: {refused}): on a busy machine notes can " \
           f"come late"


# --- wake-ups -------------------------------------------------------------------------------------------------

WINDOWS_TICK = 0.015625  # s: Windows' system timer tick unless a process asks for a finer one (64 Hz)
SLICE = 0.001  # s: the longest the sender sleeps at once in the last stretch of a wait (see SystemTimer.wait)
TIMERR_NOERROR = 0
PROCESS_POWER_THROTTLING = 4  # PROCESS_INFORMATION_CLASS ProcessPowerThrottling (processthreadsapi.h)
IGNORE_TIMER_RESOLUTION = 0x4  # PROCESS_POWER_THROTTLING_IGNORE_TIMER_RESOLUTION


class TimeCaps(ctypes.Structure):
    _fields_ = [("period_min", ctypes.c_uint32), ("period_max", ctypes.c_uint32)]  # UINT


class PowerThrottling(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("control", ctypes.c_uint32), ("state", ctypes.c_uint32)]  # ULONG


class SystemTimer:
    """How the note sender waits for its next event.

    ``tick`` is how late a timed wait on a condition may end beyond its timeout, as the system's timer ticks: 0
    where it has high-resolution timers (Linux, macOS), Windows' tick elsewhere. ``start`` asks Windows for its
    finest tick (``timeBeginPeriod``, usually 1 ms) for this process, and that the request be honoured even when
    the system would save power (``SetProcessInformation``: a request may be ignored for a process that shows no
    window, from Windows 11 on); ``stop`` gives it back. ``wait`` waits on the condition, where a push or a clock
    change can wake it, until ``margin`` (two ticks) before the time, then sleeps the rest on ``sleep``'s
    high-resolution timer with the condition released, in slices, so that a push or clock change ends it too."""

    def __init__(self, system: str = sys.platform, load: Callable[[str], Any] = load_library,
                 sleep: Callable[[float], None] = time.sleep, now: Callable[[], float] = time.perf_counter,
                 precise_sleep: bool = sys.version_info >= (3, 11)) -> None:
        self._system, self._load, self._sleep, self._now = system, load, sleep, now
        self.tick = WINDOWS_TICK if system == WINDOWS else 0.0
        self._precise_sleep = precise_sleep  # Python's sleep on Windows is tick-bound before 3.11
        self._period: int | None = None

    @property
    def margin(self) -> float:
        return 2 * self.tick if self._precise_sleep else 0.0

    @property
    def how(self) -> str:
        """For the ready banner."""
        if self._system != WINDOWS:
            return "high-resolution"
        return f"{self.tick * 1000:g} ms tick" + (", the last of each wait on a high-resolution timer"
                                                   if self.margin else "")

    def start(self) -> None:
        if self._system != WINDOWS:
            return
        try:
            self._ask_windows()
        except (OSError, AttributeError) as exc:
            then = (f"the note sender sleeps the last {self.margin * 1000:.0f} ms before each note on a "
                    "high-resolution timer instead" if self._precise_sleep else
                    f"notes can come up to {self.tick * 1000:.0f} ms late (Python 3.11 or newer would sleep the "
                    "last of each wait on a high-resolution timer)")
            log.warning("cannot ask Windows for a finer timer (%s): %s", exc, then)

    def _ask_windows(self) -> None:
        kernel, winmm = self._load("kernel32"), self._load("winmm")
        kernel.GetCurrentProcess.restype = ctypes.c_void_p
        kernel.SetProcessInformation.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(PowerThrottling),
                                                 ctypes.c_uint32]
        honour = PowerThrottling(1, IGNORE_TIMER_RESOLUTION, 0)  # version 1; take control, and do not ignore
        if not kernel.SetProcessInformation(kernel.GetCurrentProcess(), PROCESS_POWER_THROTTLING,
                                            ctypes.byref(honour), ctypes.sizeof(honour)):
            log.debug("SetProcessInformation(ProcessPowerThrottling) refused (before Windows 11 it is not needed)")
        caps = TimeCaps()
        winmm.timeGetDevCaps.argtypes = [ctypes.POINTER(TimeCaps), ctypes.c_uint32]
        if winmm.timeGetDevCaps(ctypes.byref(caps), ctypes.sizeof(caps)) != TIMERR_NOERROR or not caps.period_min:
            raise OSError("timeGetDevCaps failed")
        if winmm.timeBeginPeriod(caps.period_min) != TIMERR_NOERROR:
            raise OSError(f"timeBeginPeriod({caps.period_min}) refused")
        self._period = caps.period_min
        self.tick = caps.period_min / 1000

    def stop(self) -> None:
        if self._period is not None:
            self._load("winmm").timeEndPeriod(self._period)
            self._period = None
            self.tick = WINDOWS_TICK

    def __enter__(self) -> SystemTimer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait(self, cond: threading.Condition, seconds: float, woken: Callable[[], bool] = lambda: False) -> None:
        """Wait (holding ``cond``) for ``seconds``, or until ``cond`` is notified while more than the margin is
        left; within the margin, until ``woken()`` says that what was notified changed, asked every ``SLICE``. A
        notify cannot end a sleep, so without the slices a push in the last stretch would wait out all of it: two
        ticks, 31 ms where Windows refused the finer one."""
        if seconds > self.margin:
            cond.wait(seconds - self.margin)
            return
        cond.release()
        try:
            end = self._now() + seconds
            while not woken():
                left = end - self._now()
                if left <= 0:
                    break
                self._sleep(min(left, SLICE))
        finally:
            cond.acquire()
