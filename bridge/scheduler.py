"""The note sender: its own thread hands each note event to the output at its wall-clock time.

Events are planned in beats and turned into ``perf_counter`` time only when they fall due, so a
tempo change or a clock glide applies to notes already planned. The sender never waits for the
decoder: the engine pushes events ahead of time and goes away. An output that places events itself
(JACK, at their frame: ``stylevae.bridge.jack_out``) takes them its ``lead`` ahead of their time, so a late
wake-up of this thread costs nothing while it stays within the lead; what the clock does meanwhile still
reaches them: a tempo change or a glide moves each (``retime``), a jump, start or stop withdraws them, and a change
of Live's loop that moves a wrap withdraws those planned from the wrap on (``withdraw``), as it does the events not
yet handed over, and those the engine pushes later that it planned before it knew.
Note-ons that come too late (the decoder starved, or were planned before a jump) are dropped rather than
played as a burst; a note-off is sent only for a note that is sounding, and ``cancel`` ends every sounding
note at once, then sends All Notes Off (CC 123) on the channels used since the last, as hardware sequencers do.
The sender waits on its condition, which a push or a clock change notifies; where a timed wait ends only on a coarse
timer tick (Windows), its ``SystemTimer`` sleeps the last stretch on a high-resolution timer instead.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import os
import re
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
from stylevae.bridge.realtime import SystemTimer, sender_priority
from stylevae.bridge.stats import Window, quantiles

log = logging.getLogger("stylevae.sender")


AT_ONCE = 0.0  # the time given to messages that go out as soon as possible (the ends of a cancel)


class NoteSink(Protocol):
    """A MIDI output. ``lead``: how long before its time it wants an event (0: at its time)."""

    lead: float

    def send(self, message: bytes, at: float = AT_ONCE, voice: int = 0, ident: int = 0,
             grace: float = math.inf) -> None:
        """Send ``message`` (3 bytes) at perf_counter time ``at``; ``voice`` tags it for ``drop``, ``ident`` (> 0)
        names it for ``retime``. ``grace``: how late after ``at`` a note-on may still start; an output that queues
        drops it past that (held up after the hand-over), as the sender drops one that reaches it later."""

    def drop(self, voice: int | None) -> None:
        """Forget the queued note-ons of a voice (of all: None) and send its queued note-offs at once."""

    def retime(self, ident: int, at: float) -> None:
        """Move a queued event to perf_counter time ``at`` (a tempo change or a glide after it was handed over)."""

    def withdraw(self, idents: list[int]) -> None:
        """Forget the queued events ``idents`` names, note-offs too: what was planned from a moved wrap of Live's loop
        on (the engine plans the notes that then sound again, and their ends)."""


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


IDLE_SECONDS = 0.5  # with nothing planned the sender looks again this often (a push wakes it before)
RETIME_SECONDS = 0.00005  # an event handed over ahead is moved when a tempo change or glide moves it more than this

# The note-ons ``summary`` says were dropped as late, for the benchmarks that read the daemon's log
SUMMARY_DROPPED = re.compile(r"(?P<notes>\d+) late note-ons dropped")
PROFILE_ENV = "STYLEVAE_PROFILE_SENDER"  # set it (to anything) to profile late hand-overs; see LateProfile
LATE_SECONDS = 0.001  # a hand-over later than this is profiled


class _Schedstat:
    """A thread's own schedstat file, opened once: the engine reads it twice a decoder step, and an open and a read
    cost some 18 µs against 2 µs for a read alone (AMD EPYC). Kept in a ``threading.local``, so it is closed when
    its thread ends."""

    fd: int | None = None  # stays None where the file is not there (not Linux): nothing to read, nothing to close

    def __init__(self) -> None:
        try:
            self.fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY)  # the opening thread's, while it is open
        except OSError:  # tried once a thread: on macOS and Windows the engine would try twice a decoder step
            pass

    def read(self) -> bytes:
        return b"" if self.fd is None else os.pread(self.fd, 64, 0)

    def __del__(self) -> None:
        if self.fd is not None:
            os.close(self.fd)


_THREAD = threading.local()


def run_queue_seconds() -> float | None:
    """How long the calling thread has waited, runnable, for a core since it began (Linux's schedstat; None
    elsewhere): the part of a late wake-up that was the scheduler's, not the GIL's."""
    try:
        if not hasattr(_THREAD, "schedstat"):
            _THREAD.schedstat = _Schedstat()
        return int(_THREAD.schedstat.read().split()[1]) / 1e9
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
        timer: SystemTimer | None = None,
    ):
        self.clock = clock
        self.timer = timer or SystemTimer()  # started (on Windows, a finer tick asked for) by whoever owns the process
        self.sink = sink
        self.late_drop_beats = late_drop_beats
        self._now = now
        self._cond = threading.Condition()
        self._heap: list[tuple[Event, float]] = []  # (event, when it was pushed)
        self._ahead: list[tuple[Event, float]] = []  # handed to a sink with a lead, not yet due: (event, its time)
        self._open: Counter[tuple[int, int, int]] = Counter()  # (voice, channel, pitch)
        self._seen = clock.epoch  # the clock's epoch when this last withdrew what a change voided
        self._channels: dict[int, set[int]] = {}  # voice -> channels it sent note-ons on since its last CC 123
        self._thread: threading.Thread | None = None
        self._stopped = False
        self.faults = 0  # events the output failed on (the first is logged with its traceback)
        self._changes = 0  # counts the sender's wake-ups (pushes, cancels, clock changes, stop): see ``_wake``
        self.dropped = 0  # note-ons not played because late or void
        self.lateness = Window(10000)  # seconds each event went out after its hand-over time (see _send)
        self.behind = Window(10000)  # seconds each event the engine pushed after its time came after it
        self.profile = LateProfile() if os.environ.get(PROFILE_ENV) else None
        clock.add_listener(self._on_clock_change)

    def _wake(self) -> None:
        """Wake the sender (holding the condition) to look again: a notify while it waits on the condition, the
        count while it sleeps the last stretch of a wait (``SystemTimer.wait``), where a notify cannot reach it."""
        self._changes += 1
        self._cond.notify()

    # --- the engine's side ----------------------------------------------------------------------------

    def push(self, events: Iterable[Event]) -> None:
        """Take the engine's events; those it planned past a wrap of Live's loop that has moved since are void."""
        with self._cond:
            now = self._now()
            for event in events:
                if not self._withdrawn(event):
                    heapq.heappush(self._heap, (event, now))
            self._wake()

    def _current(self, event: Event) -> bool:
        """Whether what the clock did since ``event`` was planned leaves it standing."""
        return event.epoch == self.clock.epoch or event.beat < self.clock.void_since(event.epoch)[0]

    def _withdrawn(self, event: Event) -> bool:
        """Whether ``event`` was planned past a wrap of Live's loop that moved since, and after no jump, start or
        stop: the engine plans again from the wrap on, the ends of the notes then sounding too, so such a note-off
        neither goes out nor leaves the books (after a jump it ends its note at once, ``_send``)."""
        if event.epoch == self.clock.epoch:
            return False
        void = self.clock.void_since(event.epoch)[0]
        return void != -math.inf and event.beat >= void

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
            self._wake()

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
        grace = self.late_drop_beats * 60.0 / self.clock.bpm if event.is_on else math.inf
        self.sink.send(message, due, event.voice, event.seq, grace)
        if self.sink.lead:
            self._ahead.append((event, due))

    def _send(self, event: Event, now: float, due: float, pushed: float) -> None:
        """Hand one event over; ``lateness`` records how late against when it was to be handed over (its time less
        the sink's lead, or when the engine pushed it, if later: an event pushed late is not the sender's delay;
        ``behind`` counts those pushed after their very time, which no lead can save)."""
        if self._withdrawn(event):  # the clock moved a wrap, and ``_on_clock_change`` has not yet withdrawn it
            return
        handover = max(due - self.sink.lead, pushed)
        current = self._current(event)
        if pushed > due and current:  # before a jump, its time says nothing
            self.behind.append(pushed - due)
        key = (event.voice, event.channel, event.pitch)
        if not event.is_on:
            if self._open[key] > 0:
                if current:
                    self._hand_over(event, midi_out.note_off(event.channel, event.pitch), due)
                    self._late(now - handover)
                else:  # planned before a jump, so due long ago or far ahead: it ends its note now
                    self.sink.send(midi_out.note_off(event.channel, event.pitch), AT_ONCE, event.voice)
                self._open[key] -= 1
                if not self._open[key]:
                    del self._open[key]
            return
        late_beats = self.clock.beat(now) - event.beat
        if not current or late_beats > self.late_drop_beats:
            self.dropped += 1
            return
        self._hand_over(event, midi_out.note_on(event.channel, event.pitch, event.velocity), due)
        self._open[key] += 1
        self._channels.setdefault(event.voice, set()).add(event.channel)
        self._late(now - handover)

    def _run(self) -> None:
        refused = sender_priority()
        if refused:
            log.warning(refused)
        with self._cond:
            while not self._stopped:
                try:
                    wait = self._send_due()
                except Exception:  # a fault of the output: the event is lost, the thread and every later note not
                    self.faults += 1
                    if self.faults == 1:
                        log.exception("the note sender failed to hand over an event; it goes on with the next")
                    wait = 0.0
                if self.profile is not None:
                    self.profile.waiting()
                self.timer.wait(self._cond, IDLE_SECONDS if wait is None else wait,
                                lambda seen=self._changes: self._changes != seen)

    def _on_clock_change(self, change: Change) -> None:
        """The events handed over ahead follow the clock: after a jump, start or stop their note-ons are withdrawn
        and their note-offs go out at once (the engine's ``cancel`` follows, when it gets to it); after a change of
        Live's loop that moved a wrap, those planned from it on are withdrawn, handed over or not, and the books
        count their notes as they were before them; after a tempo change or a glide each moves to its new time."""
        with self._cond:
            self._prune_ahead()
            void, self._seen = self.clock.void_since(self._seen)
            if void == -math.inf and self._ahead:
                self.sink.drop(None)
                self._ahead = []
            elif math.isfinite(void):
                self._withdraw()
            for i, (event, at) in enumerate(self._ahead):
                due = self.clock.time_of(event.beat)
                if abs(due - at) > RETIME_SECONDS:
                    self.sink.retime(event.seq, due)
                    self._ahead[i] = (event, due)
            self._wake()

    def _withdraw(self) -> None:
        """Forget the events planned past a moved wrap (``_withdrawn``), and withdraw those handed over ahead: their
        note-ons were counted sounding, their note-offs ended, when they were handed over."""
        self._heap = [entry for entry in self._heap if not self._withdrawn(entry[0])]
        heapq.heapify(self._heap)
        kept, gone = [], []
        for event, at in self._ahead:
            (gone if self._withdrawn(event) else kept).append((event, at))
        self._ahead = kept
        if not gone:
            return
        self.sink.withdraw([event.seq for event, _ in gone])
        for event, _ in gone:
            key = (event.voice, event.channel, event.pitch)
            self._open[key] += -1 if event.is_on else 1
            if not self._open[key]:
                del self._open[key]

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
                f"{self.dropped} late note-ons dropped{profile}"
                + (f"; the output failed on {self.faults} events" if self.faults else ""))

    # --- life cycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="note-sender", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End every sounding note and stop the thread."""
        self.cancel()
        with self._cond:
            self._stopped = True
            self._wake()
        if self._thread is not None:
            self._thread.join(2)
