"""The note sender: its own thread hands each note event to the output at its wall-clock time.

Events are planned in beats and turned into ``perf_counter`` time only when they fall due, so a
tempo change or a clock glide applies to notes already planned. The sender never waits for the
decoder: the engine pushes events ahead of time and goes away. An output that places events itself
(JACK, at their frame: ``stylevae.bridge.jack_out``) takes them its ``lead`` ahead of their time, so a late
wake-up of this thread costs nothing while it stays within the lead; what the clock does meanwhile still
reaches them: a tempo change or a glide moves each (``retime``), a jump, start or stop withdraws them.
Note-ons that come too late (the decoder starved, or were planned before a jump) are dropped rather than
played as a burst; a note-off is sent only for a note that is sounding, and ``cancel`` ends every sounding
note at once, then sends All Notes Off (CC 123) on the channels used since the last, as hardware sequencers do.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from stylevae.bridge import midi_out
from stylevae.bridge.clock import Change, Clock
from stylevae.bridge.stats import Window, quantiles

log = logging.getLogger("stylevae.sender")


AT_ONCE = 0.0  # the time given to messages that go out as soon as possible (the ends of a cancel)


class NoteSink(Protocol):
    """A MIDI output. ``lead``: how long before its time it wants an event (0: at its time)."""

    lead: float

    def send(self, message: bytes, at: float = AT_ONCE, voice: int = 0, ident: int = 0) -> None:
        """Send ``message`` (3 bytes) at perf_counter time ``at``; ``voice`` tags it for ``drop``, ``ident`` (> 0)
        names it for ``retime``."""

    def drop(self, voice: int | None) -> None:
        """Forget the queued note-ons of a voice (of all: None) and send its queued note-offs at once."""

    def retime(self, ident: int, at: float) -> None:
        """Move a queued event to perf_counter time ``at`` (a tempo change or a glide after it was handed over)."""


@dataclass(order=True, frozen=True)
class Event:
    beat: float
    order: int  # note-offs (0) before note-ons (1) at the same beat
    seq: int  # first planned, first sent
    voice: int = field(compare=False)
    channel: int = field(compare=False)
    pitch: int = field(compare=False)
    velocity: int = field(compare=False)  # 0 for a note-off
    epoch: int = field(compare=False)

    @property
    def is_on(self) -> bool:
        return self.order == 1


_sequence = itertools.count(1)  # also the events' idents for ``NoteSink.retime``: 0 names none


def note_on(beat: float, voice: int, channel: int, pitch: int, velocity: int, epoch: int) -> Event:
    return Event(beat, 1, next(_sequence), voice, channel, pitch, velocity, epoch)


def note_off(beat: float, voice: int, channel: int, pitch: int, epoch: int) -> Event:
    return Event(beat, 0, next(_sequence), voice, channel, pitch, 0, epoch)


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


def raise_nice() -> bool:
    """Give the process's threads, and the threads and processes it starts from then on, nice ``DAEMON_NICE``.

    The note sender needs the GIL. When a busy process pre-empts the thread that holds it (the engine in NumPy's
    wrappers, where the sender's profile found it), the sender waits as long as the scheduler lets that process
    run: up to 57 ms at nice 0 beside four busy processes (bench/results/README.md, "Under load"). Needs
    privileges (root, or a nice limit as audio set-ups grant); without them the threads stay at nice 0."""
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


NORMAL_PRIORITY = ("the note sender runs at normal priority (real-time scheduling is not permitted here): on a busy "
                   "machine notes can come late; docs/bridge.md, Priorities, says how to allow it")


def realtime_priority() -> bool:
    """Ask the OS to run the calling thread (and the threads it starts) before ordinary work, so a busy machine
    does not delay a note. Needs privileges (root, or an rtprio limit as JACK set-ups grant); without them the
    thread stays at normal priority."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(REALTIME_PRIORITY))
    except (AttributeError, OSError) as exc:  # not Linux, or not allowed
        log.debug("note sender at normal priority (%s)", exc)
        return False
    return True


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
        self._before: int | None = None

    def __enter__(self) -> None:
        if not self.allowed:
            return
        try:
            before = os.sched_getscheduler(0)
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(self.priority))
        except OSError as exc:
            log.debug("steps at normal priority (%s)", exc)
            self.allowed = False
            return
        self._before = before

    def __exit__(self, *exc_info: object) -> None:
        if self._before is not None:
            os.sched_setscheduler(0, self._before, os.sched_param(0))
            self._before = None


RETIME_SECONDS = 0.00005  # an event handed over ahead is moved when a tempo change or glide moves it more than this
VOID = (Change.JUMP, Change.START, Change.STOP)  # clock changes after which what was planned is void

PROFILE_ENV = "STYLEVAE_PROFILE_SENDER"  # set it (to anything) to profile late hand-overs; see LateProfile
LATE_SECONDS = 0.001  # a hand-over later than this is profiled


def run_queue_seconds() -> float | None:
    """How long the calling thread has waited, runnable, for a core since it began (Linux's schedstat; None
    elsewhere): the part of a late wake-up that was the scheduler's, not the GIL's."""
    try:
        with open("/proc/thread-self/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


class LateProfile:
    """What the sender waited for: each time it hands an event over late, where the daemon's other threads are,
    and how much of that lateness the sender spent runnable without a core.

    The sender has just taken the GIL, so the thread that held it shows where it let go (a line in the
    engine's Python, or one that calls into torch, which releases it); a thread waiting shows where it waits.
    Late with every other thread waiting means the sender waited for a core, not the GIL; the run-queue
    delay (``run_queue``, read by the sender itself before each wait and at each late hand-over) measures it.
    """

    def __init__(self, run_queue: Callable[[], float | None] = run_queue_seconds) -> None:
        self.samples = 0
        self.places: Counter[str] = Counter()
        self._run_queue = run_queue
        self._asleep_from: float | None = None  # the sender's run-queue total when it last began to wait
        self.late_seconds = 0.0  # summed lateness of the sampled hand-overs
        self.queued_seconds = 0.0  # of it, the sender's run-queue delay since it began to wait
        self.most_queued = 0.0

    def waiting(self) -> None:
        """The sender is about to wait for its next event."""
        self._asleep_from = self._run_queue()

    def sample(self, late: float) -> None:
        me, names = threading.get_ident(), {t.ident: t.name for t in threading.enumerate()}
        self.samples += 1
        for ident, frame in sys._current_frames().items():
            if ident != me:
                code = frame.f_code
                self.places[f"{names.get(ident, '?')} at {Path(code.co_filename).name}:{frame.f_lineno} "
                            f"{code.co_name}"] += 1
        queued_now = self._run_queue()
        if queued_now is not None and self._asleep_from is not None:
            queued = min(late, queued_now - self._asleep_from)
            self.late_seconds += late
            self.queued_seconds += queued
            self.most_queued = max(self.most_queued, queued)

    def summary(self) -> str:
        top = "; ".join(f"{place} {n / self.samples:.0%}" for place, n in self.places.most_common(10))
        queued = (f"; of their lateness (summed {self.late_seconds * 1000:.1f} ms) the sender spent "
                  f"{self.queued_seconds / self.late_seconds:.0%} runnable without a core (the longest such wait "
                  f"{self.most_queued * 1000:.2f} ms), the rest waiting for the GIL or running"
                  if self.late_seconds > 0 else "")
        return (f"{self.samples} hand-overs over {LATE_SECONDS * 1000:g} ms late; the other threads were then: "
                f"{top}{queued}")


class Scheduler:
    def __init__(
        self,
        clock: Clock,
        sink: NoteSink,
        late_drop_beats: float = 0.125,
        now: Callable[[], float] = time.perf_counter,
    ):
        self.clock = clock
        self.sink = sink
        self.late_drop_beats = late_drop_beats
        self._now = now
        self._cond = threading.Condition()
        self._heap: list[tuple[Event, float]] = []  # (event, when it was pushed)
        self._ahead: list[tuple[Event, float]] = []  # handed to a sink with a lead, not yet due: (event, its time)
        self._open: Counter[tuple[int, int, int]] = Counter()  # (voice, channel, pitch)
        self._channels: dict[int, set[int]] = {}  # voice -> channels it sent note-ons on since its last CC 123
        self._thread: threading.Thread | None = None
        self._stopped = False
        self.dropped = 0  # note-ons not played because late or void
        self.lateness = Window(10000)  # seconds each event went out after its hand-over time (see _send)
        self.behind = Window(10000)  # seconds each event the engine pushed after its time came after it
        self.profile = LateProfile() if os.environ.get(PROFILE_ENV) else None
        clock.add_listener(self._on_clock_change)

    # --- the engine's side ----------------------------------------------------------------------------

    def push(self, events: Iterable[Event]) -> None:
        with self._cond:
            now = self._now()
            for event in events:
                heapq.heappush(self._heap, (event, now))
            self._cond.notify()

    def cancel(self, voice: int | None = None) -> None:
        """Forget the planned events of a voice (or all) and end its sounding notes now, then send All Notes
        Off on the channels it used since its last (all voices': every channel used). For one voice, not on a
        channel where another voice has a note sounding: that note is in the books and ends on its own."""
        with self._cond:
            self._heap = [entry for entry in self._heap if voice is not None and entry[0].voice != voice]
            heapq.heapify(self._heap)
            self._ahead = [entry for entry in self._ahead if voice is not None and entry[0].voice != voice]
            self.sink.drop(voice)
            for key, count in list(self._open.items()):
                if voice is None or key[0] == voice:
                    for _ in range(count):
                        self.sink.send(midi_out.note_off(key[1], key[2]), AT_ONCE, key[0])
                    del self._open[key]
            voices = list(self._channels) if voice is None else [voice]
            channels = set().union(*(self._channels.pop(v, set()) for v in voices))
            channels -= {channel for _, channel, _ in self._open}
            for channel in sorted(channels):
                self.sink.send(midi_out.all_notes_off(channel), AT_ONCE, -1 if voice is None else voice)
            self._cond.notify()

    def open_notes(self, voice: int | None = None) -> int:
        with self._cond:
            return sum(n for key, n in self._open.items() if voice is None or key[0] == voice)

    def pending(self) -> int:
        with self._cond:
            return len(self._heap)

    # --- sending --------------------------------------------------------------------------------------

    def send_due(self) -> float | None:
        """Send every event that is due; the seconds until the next one (None when there is none)."""
        with self._cond:
            return self._send_due()

    def _send_due(self) -> float | None:
        lead = self.sink.lead
        self._prune_ahead()
        while self._heap:
            event, pushed = self._heap[0]
            due = self.clock.time_of(event.beat)
            now = self._now()
            if due - lead > now:
                return due - lead - now if due != float("inf") else None
            heapq.heappop(self._heap)
            self._send(event, now, due, pushed)
        return None

    def _prune_ahead(self) -> None:
        """Forget the events handed over ahead whose time has come: the sink has them out by now."""
        now = self._now()
        passed = next((i for i, (_, at) in enumerate(self._ahead) if at > now), len(self._ahead))
        del self._ahead[:passed]

    def _late(self, seconds: float) -> None:
        self.lateness.append(seconds)
        if self.profile is not None and seconds > LATE_SECONDS:
            self.profile.sample(seconds)

    def _hand_over(self, event: Event, message: bytes, due: float) -> None:
        self.sink.send(message, due, event.voice, event.seq)
        if self.sink.lead:
            self._ahead.append((event, due))

    def _send(self, event: Event, now: float, due: float, pushed: float) -> None:
        """Hand one event over; ``lateness`` records how late against when it was to be handed over (its time less
        the sink's lead, or when the engine pushed it, if later: an event pushed late is not the sender's delay;
        ``behind`` counts those pushed after their very time, which no lead can save)."""
        handover = max(due - self.sink.lead, pushed)
        if pushed > due and event.epoch == self.clock.epoch:  # before a jump, its time says nothing
            self.behind.append(pushed - due)
        key = (event.voice, event.channel, event.pitch)
        if not event.is_on:
            if self._open[key] > 0:
                if event.epoch == self.clock.epoch:
                    self._hand_over(event, midi_out.note_off(event.channel, event.pitch), due)
                    self._late(now - handover)
                else:  # planned before a jump, so due long ago or far ahead: it ends its note now
                    self.sink.send(midi_out.note_off(event.channel, event.pitch), AT_ONCE, event.voice)
                self._open[key] -= 1
                if not self._open[key]:
                    del self._open[key]
            return
        late_beats = self.clock.beat(now) - event.beat
        if event.epoch != self.clock.epoch or late_beats > self.late_drop_beats:
            self.dropped += 1
            return
        self._hand_over(event, midi_out.note_on(event.channel, event.pitch, event.velocity), due)
        self._open[key] += 1
        self._channels.setdefault(event.voice, set()).add(event.channel)
        self._late(now - handover)

    def _run(self) -> None:
        if not realtime_priority() and sys.platform == "linux":  # elsewhere there is nothing the user could allow
            log.warning(NORMAL_PRIORITY)
        with self._cond:
            while not self._stopped:
                wait = self._send_due()
                if self.profile is not None:
                    self.profile.waiting()
                self._cond.wait(0.5 if wait is None else wait)

    def _on_clock_change(self, change: Change) -> None:
        """The events handed over ahead follow the clock: after a jump, start or stop their note-ons are withdrawn
        and their note-offs go out at once (the engine's ``cancel`` follows, when it gets to it); after a tempo
        change or a glide each moves to its new time."""
        with self._cond:
            self._prune_ahead()
            if change in VOID and self._ahead:
                self.sink.drop(None)
                self._ahead = []
            for i, (event, at) in enumerate(self._ahead):
                due = self.clock.time_of(event.beat)
                if abs(due - at) > RETIME_SECONDS:
                    self.sink.retime(event.seq, due)
                    self._ahead[i] = (event, due)
            self._cond.notify()

    def summary(self) -> str:
        """Send lateness so far, for the log at exit."""
        late = quantiles(self.lateness, 1000)
        if late is None:
            return f"no notes sent, {self.dropped} dropped"
        profile = f"; {self.profile.summary()}" if self.profile and self.profile.samples else ""
        behind = (f"; {len(self.behind)} came from the engine after their time, by up to "
                  f"{max(self.behind) * 1000:.2f} ms" if self.behind else "")
        return (f"{len(self.lateness)} note events handed to the output, late by p50 {late[0]:.2f} ms, "
                f"p99 {late[1]:.2f} ms, max {late[2]:.2f} ms (by the sender's clock){behind}; "
                f"{self.dropped} late note-ons dropped{profile}")

    # --- life cycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="note-sender", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End every sounding note and stop the thread."""
        self.cancel()
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(2)
