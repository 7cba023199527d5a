"""What the daemon asks of the operating system: priorities (Linux in processes of their own, macOS and Windows
through fake libraries that record the calls) and the note sender's waits on a coarse timer tick."""

import ctypes
import math
import sys
import threading

import pytest

from stylevae.bridge import realtime as rt
from stylevae.bridge.clock import Clock
from stylevae.bridge.scheduler import Scheduler, note_off, note_on
from tests.fakes import FakeTime, RecordingSink

RAISE_NICE = """
import json, os, threading
from stylevae.bridge import realtime
early = threading.Event()
threading.Thread(target=early.wait, daemon=True).start()  # started before: NumPy's OpenBLAS worker is one such
raised = realtime.raise_nice()
later = []
child = threading.Thread(target=lambda: later.append(os.getpriority(os.PRIO_PROCESS, 0)))
child.start()
child.join()
levels = []
for tid in os.listdir("/proc/self/task"):
    try:
        levels.append(os.getpriority(os.PRIO_PROCESS, int(tid)))
    except ProcessLookupError:  # the child, still leaving after join
        pass
print(json.dumps([raised, sorted(set(levels)), later[0]]))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's per-thread nice levels, listed in /proc")
def test_raise_nice_reaches_the_threads_started_before_and_after_it_or_says_it_could_not():
    """In a process of its own: it changes every thread of the process it runs in."""
    import json
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", RAISE_NICE], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    raised, levels, later = json.loads(out)
    expected = rt.DAEMON_NICE if raised else os.getpriority(os.PRIO_PROCESS, 0)
    assert (levels, later) == ([expected], expected)


REALTIME_PROCESS = """
import json, os, threading
from stylevae.bridge import realtime
ready, done, seen = threading.Event(), threading.Event(), {}

def higher():  # as libjack's process thread: real-time already, above the output's priority
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(realtime.REALTIME_PRIORITY + 3))
    except OSError:
        pass
    ready.set()
    done.wait()
    seen["higher"] = [os.sched_getscheduler(0), os.sched_getparam(0).sched_priority]

def ordinary():  # as libjack's notification thread
    ready.wait()
    done.wait()
    seen["ordinary"] = [os.sched_getscheduler(0), os.sched_getparam(0).sched_priority]

threads = [threading.Thread(target=higher), threading.Thread(target=ordinary)]
for t in threads:
    t.start()
ready.wait()
raised = realtime.realtime_process()
seen["main"] = [os.sched_getscheduler(0), os.sched_getparam(0).sched_priority]
done.set()
for t in threads:
    t.join()
print(json.dumps([raised, seen]))
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "sched_setscheduler"), reason="no real-time scheduling here")
def test_realtime_process_raises_every_ordinary_thread_and_leaves_a_higher_one_alone():
    """In a process of its own: it changes every thread of the process it runs in."""
    import json
    import os
    import subprocess

    out = subprocess.run([sys.executable, "-c", REALTIME_PROCESS], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    raised, seen = json.loads(out)
    if not raised:
        pytest.skip("real-time scheduling is not allowed here")
    fifo = os.SCHED_FIFO
    assert seen == {"main": [fifo, rt.REALTIME_PRIORITY], "ordinary": [fifo, rt.REALTIME_PRIORITY],
                    "higher": [fifo, rt.REALTIME_PRIORITY + 3]}


REALTIME_WHILE = """
import json, os
from stylevae.bridge import realtime
os.setpriority(os.PRIO_PROCESS, 0, 5)  # a nice level of its own, which the way back must keep
raised = realtime.RealtimeWhile(1)
with raised:
    inside = [os.sched_getscheduler(0), os.sched_getparam(0).sched_priority]
after = [os.sched_getscheduler(0), os.getpriority(os.PRIO_PROCESS, 0)]
print(json.dumps([raised.allowed, inside, after]))
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "sched_setscheduler"), reason="no real-time scheduling here")
def test_realtime_while_runs_its_block_first_in_first_out_and_gives_the_policy_and_nice_level_back():
    """In a process of its own: it changes the policy of the thread it runs in."""
    import json
    import os
    import subprocess

    out = subprocess.run([sys.executable, "-c", REALTIME_WHILE], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    allowed, inside, after = json.loads(out)
    assert inside == ([os.SCHED_FIFO, 1] if allowed else [os.SCHED_OTHER, 0])
    assert after == [os.SCHED_OTHER, 5]


REALTIME_WHILE_FROM_REALTIME = """
import json, os
from stylevae.bridge import realtime
try:
    os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(7))  # as `chrt -r 7 stylevae serve` starts it
except OSError:
    print("null")
    raise SystemExit
raised = realtime.RealtimeWhile(3)
for _ in range(2):
    with raised:
        pass
print(json.dumps([os.sched_getscheduler(0), os.sched_getparam(0).sched_priority]))
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "sched_setscheduler"), reason="no real-time scheduling here")
def test_realtime_while_in_a_thread_started_at_a_real_time_policy_gives_it_back_with_its_priority():
    """The engine's thread of a daemon started under ``chrt`` or a systemd unit with a real-time policy: the way back
    must not ask that policy at priority 0, which the kernel refuses (each step then failed)."""
    import json
    import os
    import subprocess

    out = subprocess.run([sys.executable, "-c", REALTIME_WHILE_FROM_REALTIME], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    if json.loads(out) is None:
        pytest.skip("real-time scheduling is not allowed here")
    assert json.loads(out) == [os.SCHED_RR, 7]


def test_realtime_while_refused_once_is_not_asked_again(monkeypatch):
    asked = []

    def refuse(*args):
        asked.append(args)
        raise PermissionError(1, "Operation not permitted")

    # every name it asks for before the refusal, stood in for: macOS and Windows have none of them
    monkeypatch.setattr(rt.os, "sched_getscheduler", lambda pid: 0, raising=False)
    monkeypatch.setattr(rt.os, "sched_getparam", lambda pid: 0, raising=False)
    monkeypatch.setattr(rt.os, "sched_param", lambda priority: priority, raising=False)
    monkeypatch.setattr(rt.os, "SCHED_FIFO", 1, raising=False)
    monkeypatch.setattr(rt.os, "sched_setscheduler", refuse, raising=False)
    raised = rt.RealtimeWhile(1)
    for _ in range(3):
        with raised:
            pass
    assert len(asked) == 1 and not raised.allowed


# --- macOS and Windows, through fake libraries ---------------------------------------------------------------


class Function:
    """A C function of a fake library: records its calls, answers with ``answer(*args)``; takes the ctypes
    attributes the code sets."""

    def __init__(self, answer=lambda *args: 0):
        self.answer, self.calls = answer, []

    def __call__(self, *args):
        self.calls.append(args)
        return self.answer(*args)


class Library:
    def __init__(self, **functions):
        self.__dict__.update(functions)


def pointee(argument):
    """The ctypes object behind a ``ctypes.byref`` argument."""
    return argument._obj


def mac(timebase=(125, 3), answer=0):
    """A fake libSystem; the timebase of Apple silicon (125/3: 41.67 ns a tick) unless given."""

    def timebase_info(ref):
        pointee(ref).numer, pointee(ref).denom = timebase
        return 0

    return Library(pthread_self=Function(lambda: 0x7000), pthread_mach_thread_np=Function(lambda thread: 771),
                   mach_timebase_info=Function(timebase_info), thread_policy_set=Function(lambda *args: answer))


@pytest.mark.parametrize("timebase", [(125, 3), (1, 1)], ids=["apple-silicon", "intel"])
def test_macos_puts_the_sender_under_a_time_constraint_policy_the_kernel_accepts(timebase):
    system = mac(timebase)
    assert rt.sender_priority("darwin", load={"libSystem": system}.__getitem__) is None
    (thread, flavour, ref, count), = system.thread_policy_set.calls
    policy = pointee(ref)
    ns = timebase[0] / timebase[1]  # nanoseconds a Mach tick
    assert (thread, flavour, count) == (771, 2, 4)  # the sender's own port; THREAD_TIME_CONSTRAINT_POLICY, 4 fields
    assert (policy.period, policy.preemptible) == (0, 1)
    assert policy.computation * ns == pytest.approx(rt.SENDER_COMPUTATION * 1e9, rel=1e-3)
    assert policy.constraint * ns == pytest.approx(rt.SENDER_CONSTRAINT * 1e9, rel=1e-3)
    # what XNU's thread_policy_set checks: 50 µs <= computation <= 50 ms, constraint >= computation
    assert 50e3 <= policy.computation * ns <= 50e6 and policy.constraint >= policy.computation
    assert ctypes.sizeof(rt.TimeConstraint) == 16


def test_macos_refusing_the_policy_is_one_line():
    line = rt.sender_priority("darwin", load={"libSystem": mac(answer=4)}.__getitem__)
    assert "thread_policy_set returned 4" in line and "normal priority" in line and "\n" not in line


def test_windows_registers_the_sender_with_mmcss_as_pro_audio():
    av = Function(lambda task, ref: 0x1234)
    assert rt.sender_priority("win32", load={"avrt": Library(AvSetMmThreadCharacteristicsW=av)}.__getitem__) is None
    (task, _), = av.calls
    assert task == "Pro Audio"


def test_windows_refusing_mmcss_is_one_line():
    av = Function(lambda task, ref: None)
    line = rt.sender_priority("win32", load={"avrt": Library(AvSetMmThreadCharacteristicsW=av)}.__getitem__)
    assert "AvSetMmThreadCharacteristicsW('Pro Audio') failed" in line and "\n" not in line


@pytest.mark.parametrize("system", ["darwin", "win32"])
def test_a_system_library_that_will_not_load_is_one_line_not_a_traceback(system):
    def missing(name):
        raise OSError(f"{name}: cannot open shared object file")

    line = rt.sender_priority(system, load=missing)
    assert "cannot open shared object file" in line and "\n" not in line


def test_other_systems_are_asked_nothing_and_say_nothing():
    assert rt.sender_priority("freebsd14", load=lambda name: pytest.fail("nothing is loaded")) is None


def test_windows_raises_the_daemon_to_the_above_normal_priority_class_for_want_of_nice_levels():
    kernel = kernel32()
    kernel.SetPriorityClass = Function(lambda process, cls: 1)
    assert rt.raise_nice("win32", load={"kernel32": kernel}.__getitem__)
    assert kernel.SetPriorityClass.calls == [(-1, 0x8000)]
    kernel.SetPriorityClass = Function(lambda process, cls: 0)
    assert not rt.raise_nice("win32", load={"kernel32": kernel}.__getitem__)


def winmm(period_min=1, begin=0):
    def caps(ref, size):
        pointee(ref).period_min, pointee(ref).period_max = period_min, 1000000
        return 0

    return Library(timeGetDevCaps=Function(caps), timeBeginPeriod=Function(lambda period: begin),
                   timeEndPeriod=Function(lambda period: 0))


def kernel32(answer=1):
    return Library(GetCurrentProcess=Function(lambda: -1), SetProcessInformation=Function(lambda *args: answer))


def test_windows_timer_asks_the_finest_tick_for_the_daemons_life_and_that_it_be_honoured():
    libs = {"winmm": winmm(period_min=1), "kernel32": kernel32()}
    timer = rt.SystemTimer("win32", load=libs.__getitem__, precise_sleep=True)
    assert (timer.tick, timer.margin) == (rt.WINDOWS_TICK, 2 * rt.WINDOWS_TICK)  # before: the system's tick
    with timer:
        assert libs["winmm"].timeBeginPeriod.calls == [(1,)]
        assert (timer.tick, timer.margin) == (0.001, 0.002)
        (process, kind, ref, size), = libs["kernel32"].SetProcessInformation.calls
        state = pointee(ref)
        assert (kind, size, state.version, state.control, state.state) == (4, 12, 1, 4, 0)
        assert "1 ms tick" in timer.how and "high-resolution" in timer.how
    assert libs["winmm"].timeEndPeriod.calls == [(1,)] and timer.tick == rt.WINDOWS_TICK


@pytest.mark.parametrize(("precise_sleep", "then"), [(True, "sleeps the last 31 ms before each note"),
                                                     (False, "notes can come up to 16 ms late")])
def test_windows_timer_refused_says_so_in_one_line_and_keeps_the_systems_tick(caplog, precise_sleep, then):
    libs = {"winmm": winmm(begin=97), "kernel32": kernel32(answer=0)}  # TIMERR_NOCANDO; an older Windows
    timer = rt.SystemTimer("win32", load=libs.__getitem__, precise_sleep=precise_sleep)
    with caplog.at_level("WARNING", logger="stylevae.realtime"), timer:
        assert timer.tick == rt.WINDOWS_TICK
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "timeBeginPeriod(1) refused" in lines[0] and then in lines[0]
    assert "\n" not in lines[0] and libs["winmm"].timeEndPeriod.calls == []


def test_on_linux_and_macos_the_timer_asks_nothing_and_waits_on_the_condition_alone():
    for system in ("linux", "darwin"):
        timer = rt.SystemTimer(system, load=lambda name: pytest.fail("nothing is loaded"),
                               sleep=lambda s: pytest.fail("no sleep: a push must be able to wake the sender"))
        with timer:
            assert (timer.tick, timer.margin) == (0.0, 0.0)
            cond = threading.Condition()
            with cond:
                timer.wait(cond, 0.0005)


def test_the_last_stretch_of_a_wait_lets_go_of_the_condition():
    """The engine pushes and the clock cancels under the sender's condition: a sleep that kept it would hold them."""
    cond, taken, now = threading.Condition(), [], FakeTime(0.0)

    def sleep(seconds):
        other = threading.Thread(target=lambda: taken.append(cond.acquire(timeout=1) and cond.release() is None))
        other.start()
        other.join()
        now.t += seconds

    timer = rt.SystemTimer("win32", load=lambda name: pytest.fail("not started"), sleep=sleep, now=now,
                           precise_sleep=True)
    with cond:
        timer.wait(cond, 0.005)  # within the margin (31.25 ms at the system's tick)
        assert cond._is_owned()  # held again afterwards, as Condition.wait leaves it
    assert taken and all(taken)


class TickBound:
    """A condition whose timed waits end as Windows' do: on the first timer tick at or after the timeout, and
    ``notify`` never comes (nothing else runs). Time is a ``FakeTime``; a precise sleep moves it exactly."""

    def __init__(self, now, tick, until, sender=None):
        self.now, self.tick, self.until, self.sender = now, tick, until, sender

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def acquire(self):
        pass

    def release(self):
        pass

    def notify(self):
        pass

    def wait(self, timeout):
        ticks = -(-(self.now.t + timeout) // self.tick)  # the next tick at or after the timeout
        self.now.t = ticks * self.tick
        self._maybe_stop()

    def sleep(self, seconds):
        self.now.t += seconds
        self._maybe_stop()

    def _maybe_stop(self):
        if self.now.t >= self.until:
            self.sender._stopped = True


def hand_overs_on_a_tick(precise_sleep):
    """The lateness, in seconds, of 64 notes a 16th apart handed over by the sender's own loop on a 15.625 ms tick."""
    now = FakeTime(0.0031)  # not on a tick
    clock, sink = Clock(120, now=now), RecordingSink()
    cond = TickBound(now, rt.WINDOWS_TICK, until=9.0)
    timer = rt.SystemTimer("win32", load=lambda name: pytest.fail("not started"), sleep=cond.sleep, now=now,
                           precise_sleep=precise_sleep)
    sender = Scheduler(clock, sink, now=now, timer=timer)
    cond.sender, sender._cond = sender, cond
    beat = clock.beat(now())
    sender.push([event for i in range(64) for event in (note_on(beat + 0.25 * (i + 1) + 0.013 * (i % 7), 0, 1, 60,
                                                                100, clock.epoch),
                                                        note_off(beat + 0.25 * (i + 1) + 0.1, 0, 1, 60, clock.epoch))])
    loop = threading.Thread(target=sender._run, daemon=True)  # its own thread, as the sender's: it asks for priority
    loop.start()
    loop.join(60)
    assert not loop.is_alive() and len(sink.messages) == 128
    return list(sender.lateness)


def test_on_a_coarse_timer_tick_the_sender_still_hands_notes_over_on_time():
    """On Windows' tick, waiting on the condition alone hands notes over up to a tick late (what the daemon did
    there before); the last stretch on the precise sleep hands each over at its time."""
    coarse = hand_overs_on_a_tick(precise_sleep=False)
    assert max(coarse) > 0.010  # the fake shows the fault: most of a 15.625 ms tick late
    assert max(hand_overs_on_a_tick(precise_sleep=True)) < 1e-9


def test_a_push_ends_the_last_stretch_of_a_wait_within_a_slice():
    """Within the margin the sender sleeps, where a notify cannot reach it: it asks every slice whether something
    changed. Here Windows refused the finer tick, so the margin is 31 ms: a sleep of a piece would keep a push
    waiting for up to all of it."""
    now = FakeTime(0.0)
    changed = []

    def sleep(seconds):
        now.t += seconds
        if now.t >= 0.005:
            changed.append(now.t)

    timer = rt.SystemTimer("win32", load=lambda name: pytest.fail("not started"), sleep=sleep, now=now,
                           precise_sleep=True)
    cond = threading.Condition()
    with cond:
        timer.wait(cond, 0.025, woken=lambda: bool(changed))
    assert 0.005 <= now.t <= 0.005 + rt.SLICE + 1e-9, "the sleep went on past the change"
    ended = now.t
    with cond:
        timer.wait(cond, 0.004)  # nothing changes: the whole wait, to the end and not past it
    assert now.t == pytest.approx(ended + 0.004)


class TimedSink(RecordingSink):
    """Records, with each message, the fake time it was handed over at."""

    def __init__(self, now):
        super().__init__()
        self.now, self.handed = now, []

    def send(self, message, at=0.0, voice=0, ident=0, grace=math.inf):
        super().send(message, at, voice, ident, grace)
        self.handed.append(self.now())


def test_a_note_pushed_while_the_sender_sleeps_its_last_stretch_goes_out_within_a_slice():
    """The sender's own loop, on Windows' tick (the finer one refused): it sleeps the last 31 ms before a note due in
    25 ms; a note the engine pushes 5 ms in, due at once, goes out then, not after the sleep."""
    now = FakeTime(0.0)
    clock, sink = Clock(120, now=now), TimedSink(now)
    cond = TickBound(now, rt.WINDOWS_TICK, until=0.2)
    pushed = []

    def sleep(seconds):  # the sleep, and the engine's thread pushing meanwhile (the condition is free then)
        cond.sleep(seconds)
        if now.t >= 0.005 and not pushed:
            pushed.append(now.t)
            sender.push([note_on(clock.beat(now()), 0, 2, 62, 100, clock.epoch)])

    timer = rt.SystemTimer("win32", load=lambda name: pytest.fail("not started"), sleep=sleep, now=now,
                           precise_sleep=True)
    sender = Scheduler(clock, sink, now=now, timer=timer)
    cond.sender, sender._cond = sender, cond
    sender.push([note_on(clock.beat(0.025), 0, 1, 60, 100, clock.epoch)])
    loop = threading.Thread(target=sender._run, daemon=True)  # its own thread, as the sender's: it asks for priority
    loop.start()
    loop.join(60)
    assert not loop.is_alive() and [m[:3] for m in sink.messages] == [("on", 2, 62), ("on", 1, 60)]
    assert sink.handed[0] - pushed[0] <= rt.SLICE + 1e-9, "the pushed note waited for the sleep to end"
    assert sink.handed[1] == pytest.approx(0.025)
