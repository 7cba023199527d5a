"""Musical time: beats <-> ``time.perf_counter()``, free-running at the last tempo, phase-locked to Live.

The map is piecewise linear and continuous: a short *glide* segment (the rate nudged by at most
``max_correction``) followed by the steady tempo. Small transport errors are absorbed by glides (a
loop filter: each report corrects a share of its error, so report jitter is smoothed), so no step is
doubled or skipped; an error above ``jump_threshold`` is a locate in Live and re-anchors the
clock, bumping ``epoch`` so the engine drops what it had planned and re-aligns at the next step.
Start and stop bump the epoch too. Thread-safe: the OSC thread writes, the engine and sender read.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from enum import Enum

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
        self._rate = bpm / SECONDS_PER_MINUTE  # beats per second, steady
        self._anchor(now(), 0.0)

    # --- reading --------------------------------------------------------------------------------------

    @property
    def bpm(self) -> float:
        return self._rate * SECONDS_PER_MINUTE

    @property
    def running(self) -> bool:
        return self._running

    @property
    def epoch(self) -> int:
        """Bumped on every discontinuity (jump, start, stop): plans made before it are void."""
        return self._epoch

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
            if not self._running:
                return math.inf
            glide_end_beat = self._b0 + (self._t1 - self._t0) * self._glide_rate
            if beat <= glide_end_beat:
                return self._t0 + (beat - self._b0) / self._glide_rate
            return self._t1 + (beat - glide_end_beat) / self._rate

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
                    self._epoch += 1
                self._running = False
                self._anchor(t, beat)
            elif not self._running:
                self._running = True
                self._epoch += 1
                self._anchor(t, beat)
                change = Change.START
            else:
                error = beat - self._beat_at(t)
                if abs(error) > self.jump_threshold:
                    self._epoch += 1
                    self._anchor(t, beat)
                    change = Change.JUMP
                elif error:
                    self._glide(t, FOLLOW_GAIN * error)
                    change = Change.GLIDE if change is Change.NONE else change
        return self._notify(change)

    # --- internals (lock held) ------------------------------------------------------------------------

    def _anchor(self, t: float, beat: float) -> None:
        self._t0, self._b0 = t, beat
        self._t1, self._glide_rate = t, self._rate

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
