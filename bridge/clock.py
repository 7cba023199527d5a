"""Musical time: beats <-> ``time.perf_counter()``, free-running at the last tempo, phase-locked to Live.

The map is piecewise linear and continuous: a short *glide* segment (the rate nudged by at most
``max_correction``) followed by the steady tempo. Small transport errors are absorbed by glides (a
loop filter: each report corrects a share of its error, so report jitter is smoothed), so no step is
doubled or skipped; an error above ``jump_threshold`` is a locate in Live and re-anchors the
clock, bumping ``epoch`` so the engine drops what it had planned and re-aligns at the next step.
Start and stop bump the epoch too; so does a change of Live's loop that moves a wrap the engine may have planned
past, but it voids only what was planned from that wrap on (``void_since``): the notes before it stand.
Thread-safe: the OSC thread writes, the engine and sender read.

With Live's arrangement loop known (``set_loop``), the clock's beats are a *timeline*: they run on past the loop's
end, and ``song`` maps them back to Live's song position, which wraps. So a wrap is planned like any other step:
the notes after it are timed before it comes, on the same continuous map, and a report from the far side of a wrap
is read modulo the loop, not as a jump. Without a loop, timeline and song are the same.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from enum import Enum

from stylevae.model.data.tokens import STEPS_PER_BEAT

SECONDS_PER_MINUTE = 60.0
MIN_GLIDE_SECONDS = 0.25  # corrections spread over at least this long, so they stay inaudible
# Each report corrects this share of the error it shows: reports arrive with the sender's timing jitter
# (Max's scheduler, the network), and following each in full would copy that jitter into the notes.
# Repeated reports converge geometrically (0.7^n of an error is left after n reports).
FOLLOW_GAIN = 0.3


class Change(Enum):
    NONE = "none"
    TEMPO = "tempo"
    GLIDE = "glide"
    JUMP = "jump"
    START = "start"
    STOP = "stop"
    LOOP = "loop"
    REPLAN = "replan"  # Live's loop changed a wrap that may be planned past: what was planned from it on is void


# beats a loop point may lie off a step and be taken to it (a loop is planned only on whole steps); Live's loop
# points are exact multiples of its grid
GRID_TOLERANCE = 1e-6
# A loop change that moves a wrap due sooner than this voids everything planned, as a locate does, rather than what
# was planned from the wrap on: a device may be playing the wrap's notes by the time it can be told (the engine tells
# it the notes it still holds again only when none is due within 15 ms of now, ``RETELL_MARGIN_SECONDS``, so up to
# twice that later), and the engine has to take the voices back and plan the wrap again before it comes. (The JACK
# process may have written the wrap's first events already, in a long period: it ends a note-on withdrawn after it
# was written, ``Writer.withdraw``.)
REPLAN_GUARD_SECONDS = 0.04
VOIDS_KEPT = 256  # epochs whose voids are remembered; plans made before them are void from the start

class Clock:
    def __init__(
        self,
        bpm: float = 120.0,
        jump_threshold: float = 0.25,
        max_correction: float = 0.1,
        now: Callable[[], float] = time.perf_counter,
    ):
        self._now = now
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Change], None]] = []
        self.jump_threshold = jump_threshold
        self.max_correction = max_correction
        self._running = True
        self._epoch = 0
        self._voids: dict[int, float] = {}  # epoch -> the first timeline beat it voided of what was planned before it
        self._located = 0  # the epoch of the last start or jump (the others: a stop, or a loop planned again)
        self._rate = bpm / SECONDS_PER_MINUTE  # beats per second, steady
        # Live's loop (start, length) in song beats, when it can be planned; the timeline beat of the next wrap
        # (None: no wrap ahead), and the timeline less the song before it. Each wrap adds the loop's length.
        self._loop: tuple[float, float] | None = None
        self._wrap: float | None = None
        self._offset = 0.0
        # beats ahead of now that the engine may already have planned: a loop change that moves a wrap inside them
        # is a discontinuity (the epoch is bumped); the engine sets it from its lookahead
        self.horizon_beats = 1.0
        self._anchor(now(), 0.0)

    # --- reading --------------------------------------------------------------------------------------

    @property
    def bpm(self) -> float:
        return self._rate * SECONDS_PER_MINUTE

    @property
    def running(self) -> bool:
        return self._running

    @property
    def located(self) -> int:
        """The epoch of the last transport start or jump: the engine brings the voices in on the playhead after
        one, but not after a loop change that only planned again (that would strike the playhead's notes twice)."""
        return self._located

    @property
    def epoch(self) -> int:
        """Bumped on every discontinuity (jump, start, stop, a loop change that moves a wrap into what may be
        planned): plans made before it are void."""
        return self._epoch

    def void_since(self, epoch: int) -> tuple[float, int]:
        """(the first timeline beat at which plans made in ``epoch`` are void now, the epoch now): +inf while none is,
        -inf after a jump, start or stop, and after loop changes alone the first wrap they moved."""
        with self._lock:
            if self._epoch - epoch > VOIDS_KEPT:
                return -math.inf, self._epoch
            voids = (self._voids.get(e, -math.inf) for e in range(epoch + 1, self._epoch + 1))
            return min(voids, default=math.inf), self._epoch

    def now(self) -> float:
        """The clock's time source (perf_counter; a fake one in tests)."""
        return self._now()

    def beat(self, t: float | None = None) -> float:
        """The beat at perf_counter time ``t`` (now by default); frozen while stopped."""
        with self._lock:
            return self._beat_at(self._now() if t is None else t)

    def time_of(self, beat: float) -> float:
        """The perf_counter time of ``beat``; +inf while the transport is stopped."""
        with self._lock:
            return self._time_of(beat)

    def _time_of(self, beat: float) -> float:
        if not self._running:
            return math.inf
        glide_end_beat = self._b0 + (self._t1 - self._t0) * self._glide_rate
        if beat <= glide_end_beat:
            return self._t0 + (beat - self._b0) / self._glide_rate
        return self._t1 + (beat - glide_end_beat) / self._rate

    def song(self, beat: float) -> float:
        """Live's song position at timeline ``beat``: the beat itself, less one loop length for each wrap before it."""
        with self._lock:
            return beat - self._offset_at(beat)

    @property
    def loop(self) -> tuple[float, float] | None:
        """Live's loop as planned, (start, length) in song beats; None when off or not on the 16th grid."""
        return self._loop

    def snapshot(self) -> tuple[int, bool, float]:
        """(epoch, running, beat now), read consistently."""
        with self._lock:
            return self._epoch, self._running, self._beat_at(self._now())

    # --- writing --------------------------------------------------------------------------------------

    def add_listener(self, listener: Callable[[Change], None]) -> None:
        """Called (outside the lock) after every change of the map, e.g. to wake the note sender."""
        self._listeners.append(listener)

    def set_tempo(self, bpm: float, t: float | None = None) -> Change:
        with self._lock:
            t = self._now() if t is None else t
            change = self._set_tempo(bpm, t)
        return self._notify(change)

    def follow(self, beat: float, playing: bool, bpm: float, t: float | None = None) -> Change:
        """Take a transport report (Live's position ``beat`` at time ``t``): lock on, jump, start or stop."""
        with self._lock:
            t = self._now() if t is None else t
            change = self._set_tempo(bpm, t)
            if not playing:
                change = Change.STOP if self._running else change
                if self._running:
                    self._bump()
                self._running = False
                self._locate(t, beat)
            elif not self._running:
                self._running = True
                self._bump()
                self._located = self._epoch
                self._locate(t, beat)
                change = Change.START
            else:
                timeline = self._beat_at(t)
                error = self._song_error(beat, timeline - self._offset_at(timeline))
                if abs(error) > self.jump_threshold:
                    self._bump()
                    self._located = self._epoch
                    self._locate(t, beat)
                    change = Change.JUMP
                elif error:
                    self._glide(t, FOLLOW_GAIN * error)
                    change = Change.GLIDE if change is Change.NONE else change
        return self._notify(change)

    def set_loop(self, on: bool, start: float, length: float, t: float | None = None) -> Change:
        """Take Live's arrangement loop: the next wrap is planned when the song position is before the loop's end
        (as Live wraps only there). A change that moves a wrap into what may already be planned bumps the epoch and
        voids what was planned from that wrap on (``REPLAN``): the engine plans again from there, and the notes before
        it stand. Closer than ``REPLAN_GUARD_SECONDS`` it voids everything (``JUMP``), and the engine plans again
        from the step after the playhead (``located`` stays: it was no locate)."""
        first, steps = _steps(start), _steps(length)
        planned = on and first is not None and steps is not None and steps > 0
        loop = (first / STEPS_PER_BEAT, steps / STEPS_PER_BEAT) if planned else None
        with self._lock:
            t = self._now() if t is None else t
            change = Change.NONE if loop == self._loop else Change.LOOP
            if not self._running:  # from where the transport stands; a start plans it again from where it starts
                self._loop = loop
                self._wrap = self._first_wrap(self._b0, self._offset)
            else:
                timeline = self._beat_at(t)
                self._offset = self._offset_at(timeline)  # the wraps behind now, and the next under the old loop
                self._wrap = self._first_wrap(timeline, self._offset)
                before = self._mapping()
                self._loop = loop
                self._wrap = self._first_wrap(timeline, self._offset)
                after = self._mapping()
                if before != after:
                    differs = min(w for w in (before[0], after[0]) if w is not None)
                    if differs <= timeline + self.horizon_beats:
                        close = self._time_of(differs) - t < REPLAN_GUARD_SECONDS
                        self._bump(-math.inf if close else differs)
                        change = Change.JUMP if close else Change.REPLAN
        return self._notify(change)

    # --- internals (lock held) ------------------------------------------------------------------------

    def _bump(self, void: float = -math.inf) -> None:
        """A new epoch, voiding what was planned from timeline beat ``void`` on (by default all of it)."""
        self._epoch += 1
        self._voids[self._epoch] = void
        self._voids.pop(self._epoch - VOIDS_KEPT, None)

    def _anchor(self, t: float, beat: float) -> None:
        self._t0, self._b0 = t, beat
        self._t1, self._glide_rate = t, self._rate

    def _locate(self, t: float, beat: float) -> None:
        """Re-anchor at song position ``beat`` (a start, stop or jump): the timeline begins again there, with no wrap
        behind it."""
        self._anchor(t, beat)
        self._offset = 0.0
        self._wrap = self._first_wrap(beat, 0.0)

    def _mapping(self) -> tuple[float | None, float | None]:
        """What fixes ``song`` ahead of the current offset: the next wrap and the length each wrap takes back."""
        return (None, None) if self._wrap is None else (self._wrap, self._loop[1])

    def _first_wrap(self, timeline: float, offset: float) -> float | None:
        """The timeline beat of the first wrap after ``timeline`` (song position ``timeline - offset``)."""
        if self._loop is None:
            return None
        end = self._loop[0] + self._loop[1]
        return end + offset if timeline - offset < end else None

    def _offset_at(self, beat: float) -> float:
        """The timeline less the song position at timeline ``beat``."""
        if self._wrap is None or beat < self._wrap:
            return self._offset
        return self._offset + (math.floor((beat - self._wrap) / self._loop[1]) + 1) * self._loop[1]

    def _song_error(self, reported: float, song: float) -> float:
        """Live's position less the clock's, both song positions: inside a planned loop, taken modulo its length,
        as a report sent just before a wrap and read just after it (or the reverse) shows no jump."""
        error = reported - song
        if self._wrap is not None:
            start, length = self._loop
            if start <= reported <= start + length and start <= song <= start + length:
                error = math.remainder(error, length)
        return error

    def _beat_at(self, t: float) -> float:
        if not self._running:
            return self._b0
        if t <= self._t1:
            return self._b0 + (t - self._t0) * self._glide_rate
        return self._b0 + (self._t1 - self._t0) * self._glide_rate + (t - self._t1) * self._rate

    def _set_tempo(self, bpm: float, t: float) -> Change:
        rate = bpm / SECONDS_PER_MINUTE
        if rate == self._rate:
            return Change.NONE
        beat = self._beat_at(t)
        self._rate = rate
        self._anchor(t, beat)
        return Change.TEMPO

    def _glide(self, t: float, error: float) -> None:
        """Absorb ``error`` beats by running slightly fast or slow for a while; continuous at ``t``."""
        duration = max(MIN_GLIDE_SECONDS, abs(error) / (self.max_correction * self._rate))
        self._anchor(t, self._beat_at(t))
        self._glide_rate = self._rate + error / duration
        self._t1 = t + duration

    def _notify(self, change: Change) -> Change:
        if change is not Change.NONE:
            for listener in self._listeners:
                listener(change)
        return change


def _steps(beats: float) -> int | None:
    """``beats`` as a whole number of steps, None when it is not one: only a loop on the steps the engine plans can be
    planned. Taken to the step exactly, as a loop end a hair before a step would wrap a step late."""
    steps = round(beats * STEPS_PER_BEAT)
    return steps if abs(beats * STEPS_PER_BEAT - steps) <= GRID_TOLERANCE * STEPS_PER_BEAT else None
