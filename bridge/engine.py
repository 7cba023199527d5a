"""The engine: voices and their batched, step-by-step decoding, in a thread of its own.

It keeps every playing voice ``lookahead`` beats ahead of the playhead, one 16th at a time: the decoder
steps of all voices due at once go through the model in one forward pass (a step costs about the same
for 1 voice as for 8). Commands are applied between steps, so a change reaches the first step not yet
generated (or the next beat or bar with quantize). Note events go to the sender, which never waits
for this thread.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np
import torch

from stylevae.bridge import commands as cmd
from stylevae.bridge.clock import SECONDS_PER_MINUTE, Change, Clock
from stylevae.bridge.osc_spec import PREFIX
from stylevae.bridge.realtime import STEP_PRIORITY, RealtimeWhile
from stylevae.bridge.scheduler import Scheduler, run_queue_seconds
from stylevae.bridge.stats import Window
from stylevae.bridge.voice import NoteStart, Reports, Rewind, Voice
from stylevae.model.data.keys import Key
from stylevae.model.data.tokens import STEPS_PER_BAR, STEPS_PER_BEAT
from stylevae.model.decoding import playing
from stylevae.model.decoding.continuation import PLACE_CYCLE
from stylevae.model.decoding.decoder import Decoder, Rules, key_plan, opening
from stylevae.model.decoding.generate import to_decoder_space
from stylevae.model.network.checkpoint import Checkpoint

log = logging.getLogger("stylevae.engine")

Publish = Callable[[str, Sequence[object]], None]
GRID_STEPS = {"step": 1, "beat": STEPS_PER_BEAT, "bar": STEPS_PER_BAR}
START_MARGIN_SECONDS = 0.01  # for a (re)starting voice, on top of its silent replay (see _first_step)
# After a transport start or locate, the step on the playhead is played if its notes can go out this soon after
# their time; else the voices come in at the first step they can make on time (see _first_step).
PLAYHEAD_SLACK_SECONDS = 0.01
REPLAYS_KEPT = 32  # (re)starts whose costs _first_step budgets from
DEFAULT_STEP_SECONDS = 0.002  # a decoder step's cost until some have been timed
DECODE_DELAY_SECONDS = 0.002  # decode this long after a step boundary, not on it (see _generate)
# Live's loop plays what its first pass played (see ``Voice``) for loops over up to this many phrases: the voices keep
# the marks of their lines and the decoder the phrases with their steps (about 32 KB a 16th for 8 voices), so that a
# wrap back into a phrase left a loop ago takes it up. A longer loop's wrap replays it silently, as a locate does.
LOOP_PHRASES = 16
# After a change of tempo, a device is told again the notes it holds once one due within RETELL_AHEAD_SECONDS would
# sound this far off (see _retell).
RETELL_SECONDS = 0.001
# Not while a note is due this close to now (at most a quarter step): whether the device has played it yet, the
# daemon cannot see; its clock follows Live's within a few milliseconds, and the reply takes a while on its way.
RETELL_MARGIN_SECONDS = 0.015
# Meanwhile a ramp moves a note on a little: up to this far off, seen in 60 random ramps at 2 voices.
RAMP_DRIFT_SECONDS = 0.00115
# Not at each change, then: a device holds up to the lookahead (4 beats, 8 voices: some 500 replies), and Live's
# tempo automation comes as a change every few milliseconds, each moving the notes held far ahead anew; told all at
# every change, a device got 10,000 replies a second (``bench/tempo_ramp.py``). A note further ahead is told when it
# comes this near, at the tempo then. It leaves room for the margin (twice, where a retell waits for it), the
# replies' way to the device, and the engine's wake being late or a pass under way: some 70 ms, where passes took
# 7 ms at most (AMD EPYC). Further, more retells in a ramp: 0.12 s, 40 % more replies; 0.15 s, 65 % (a run each).
RETELL_AHEAD_SECONDS = 0.1
ERROR_PAUSE_SECONDS = 0.05  # after a generator exception, so a persistent fault cannot spin a core
# How ``Engine.summary`` reads, for whatever parses the daemon's exit line (the benchmark does).
STEP_SUMMARY = re.compile(
    r"at batch (?P<batch>\d+), (?P<n>\d+) steps: p50 (?P<p50>[\d.]+) ms, p99 (?P<p99>[\d.]+) ms, "
    r"max (?P<max>[\d.]+) ms; on the engine thread's CPU p50 (?P<cpu_p50>[\d.]+) ms, p99 (?P<cpu_p99>[\d.]+) ms; "
    r"whole, with the engine's Python around the decoder, p50 (?P<whole_p50>[\d.]+) ms, p99 (?P<whole_p99>[\d.]+) ms")
STEP_RUNNABLE = re.compile(r"the engine thread was runnable without a core during a step p50 (?P<p50>[\d.]+) ms, "
                           r"p99 (?P<p99>[\d.]+) ms, max (?P<max>[\d.]+) ms")


class Told(NamedTuple):
    """A note reply a device may still hold: what was sent but the lead; the timeline beat of its event; and the
    perf_counter time a device that got it then plays it, the time of that beat at the tempo then."""

    address: str
    values: list
    due: float
    plays: float


class Pending(NamedTuple):
    """A command quantized to a beat or bar: the step it applies at, the first step not yet planned when it came (from
    which its line is found again after a change of Live's loop), and the command."""

    at: int
    since: int
    command: object


class Engine:
    def __init__(
        self,
        checkpoint: Checkpoint,
        clock: Clock,
        sender: Scheduler,
        publish: Publish,
        lookahead_beats: float = 0.5,
        quantize: str = "step",
        seed: int | None = None,
    ):
        self.checkpoint = checkpoint
        self.clock = clock
        self.sender = sender
        self.publish = publish
        self.lookahead_beats = lookahead_beats
        clock.horizon_beats = lookahead_beats + 0.5  # a loop change that moves a wrap this close makes it plan again
        self.quantize = quantize
        self.seed = seed
        self.decoder = Decoder(checkpoint.model, checkpoint.vocab, trails=True)  # a locate takes a phrase up again
        self.voices: dict[int, Voice] = {}
        self.song_key: Key | None = None
        self.pending: dict[int, list[Pending]] = {}  # voice -> its quantized commands
        # each decoder step: rows, wall seconds, and seconds on the engine thread's CPU (wall minus CPU is waiting:
        # for a core, the GIL, or torch's other threads) and of that, runnable without a core (Linux's count)
        self.step_rows, self.step_seconds, self.step_cpu = Window(20000), Window(20000), Window(20000)
        self.step_runnable = Window(20000)
        # the same steps whole, wall seconds (the decoder and the engine's Python around it, for all the voices)
        self.pass_seconds = Window(20000)
        # what _first_step budgets a (re)start at, wall seconds: its first pass (positioning the voices, their phrases
        # begun, the first step) and each later pass of its silent replay. Not the steps above: spaced a 16th apart,
        # they do not meet the load as a replay's burst of passes does
        self.start_seconds, self.replay_seconds = Window(REPLAYS_KEPT), Window(REPLAYS_KEPT * 8)
        self.realtime = RealtimeWhile(STEP_PRIORITY)  # the steps' priority, this thread's alone
        self.playhead_starts = 0  # transport starts and locates whose voices came in on the step on the playhead
        self._cond = threading.Condition()
        self._inbox: list[object] = []
        self._stopped = False
        self._epoch = clock.epoch
        self._located = False  # a start or jump was followed, and no pass has positioned the voices since
        self._requantize = False  # all that was planned was voided since the last pass: pending commands move
        self._bpm = clock.bpm  # the tempo at the last pass: a change is told to the devices (see _retell)
        self._retell_owed = False
        self._clock_moved = False  # the clock changed since the engine last looked: no waiting before it does
        self._told: dict[int, list[Told]] = {}  # each voice's note replies a device may still hold
        # voices some of whose replies were taken back (``_replan``): the device is told again what it holds, and the
        # timeline beat from which what it held is void
        self._withdrawn: dict[int, float] = {}
        self._thread: threading.Thread | None = None
        clock.add_listener(self._on_clock_change)

    # --- the OSC thread's side ------------------------------------------------------------------------

    def submit(self, command: object) -> None:
        with self._cond:
            self._inbox.append(command)
            self._cond.notify()

    def _on_clock_change(self, change: Change) -> None:
        with self._cond:
            self._clock_moved = True
            self._cond.notify()

    # --- life cycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="engine", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop generating, then void what every voice planned (``_cancel``), at the output and at the clients: a
        device that plays the notes itself ends them now, not seconds later when it misses the daemon's pongs, and
        drops the note-ons it holds."""
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(5)
        self._cancel()

    def _run(self) -> None:
        torch.set_grad_enabled(False)
        while True:
            with self._cond:
                if self._stopped:
                    return
                inbox, self._inbox = self._inbox, []
                self._clock_moved = False
            for command in inbox:
                self.handle(command)
            wake = self.generate()
            with self._cond:  # a change that came during the pass found no one waiting: it is looked at now
                if not self._inbox and not self._stopped and not self._clock_moved:
                    timeout = 0.5 if wake is None else min(0.5, max(0.0, wake - time.perf_counter()))
                    self._cond.wait(timeout)

    # --- commands -------------------------------------------------------------------------------------

    def voice(self, number: int) -> Voice:
        if number not in self.voices:
            c = self.checkpoint
            config = c.model.config
            self.voices[number] = Voice.create(number, c.vocab, c.steps, config.n_styles, c.continuation, self.seed)
            self.voices[number].kept = self.decoder.kept
        return self.voices[number]

    def handle(self, command: object) -> None:
        """``apply``, where a fault (a bug, the model) is logged and answered but never ends the thread."""
        try:
            self.apply(command)
        except Exception:
            log.exception("applying %r failed", command)
            self.publish(f"{PREFIX}/error", [cmd.address_of(command), "internal error (logged by the daemon)"])

    def apply(self, command: object) -> None:
        """Apply a command now, or queue it for the next beat or bar under quantize: to the voices as the clock has
        them now (``_follow_clock``), not as they were before a change of it that the engine has not yet seen."""
        self._follow_clock()
        if isinstance(command, cmd.Quantize):
            self.quantize = command.grid
            return
        if isinstance(command, cmd.SongKey):
            self.song_key = command.key
            for voice in self.voices.values():
                self._follow_key(voice)
                self.publish_state(voice)
            return
        if not isinstance(command, cmd.VoiceCommand):
            raise TypeError(f"not an engine command: {command!r}")
        voice = self.voice(command.voice)
        grid = GRID_STEPS[self.quantize]
        if grid > 1 and not isinstance(command, (cmd.Query, cmd.Remove)):
            reference = voice.next_step if voice.next_step is not None else self._now_step() + 1
            since = max(reference, voice.audible_from)
            self.pending.setdefault(command.voice, []).append(Pending(self._grid_line(since, grid), since, command))
            return
        self._apply_now(voice, command)

    def _apply_now(self, voice: Voice, command: object) -> None:
        # the epoch of the voices' positions, not the clock's: after a jump the generator has not yet seen, events
        # placed on the old timeline must go out as void (their note-offs at once), not timed on the new one
        epoch = self._epoch
        if isinstance(command, cmd.Play):
            if command.on and not voice.started:
                voice.style_key = self.checkpoint.style_key(voice.style)
                self._follow_key(voice)
                voice.start_line()
            if not command.on and voice.settings.play:
                self._cancel(voice)
                voice.unposition()
            voice.update(play=command.on)
        elif isinstance(command, cmd.Mix):
            voice.update(weights=command.weights)
        elif isinstance(command, cmd.SetParam):
            value = command.value
            if command.name in ("channel", "octave", "velocity"):
                value = int(value)
            elif command.name == "hold":
                value = bool(value)
                if voice.settings.hold and not value and voice.next_step is not None:  # resume decoding here
                    step = max(voice.next_step, voice.audible_from)
                    self._emit(voice, voice.seek(step, epoch, self._origin(step)))
            voice.update(**{command.name: value})
        elif isinstance(command, cmd.VoiceKey):
            voice.update(key=command.key)
            self._follow_key(voice)
        elif isinstance(command, cmd.Reseed):
            voice.reseed(command.seed)
        elif isinstance(command, cmd.Restyle):
            voice.next_content = self.decoder.encode(self._decoder_space(command.tokens))
        elif isinstance(command, cmd.Remove):
            self._cancel(voice)
            self.decoder.forget(voice.number)
            self.pending.pop(voice.number, None)
            del self.voices[voice.number]
            voice = self.voice(voice.number)
        self.publish_state(voice)

    def publish_state(self, voice: Voice) -> None:
        s = voice.settings
        styles = self.checkpoint.styles
        style = styles[voice.style]
        key = self.key_of(voice)
        scale = key.name or " ".join(map(str, key.intervals))
        args = [int(s.play), style, s.temperature, s.variation, s.density, s.channel, s.octave, s.velocity,
                int(s.hold), key.tonic, scale, s.lock, int(s.key is not None), *s.weights]
        self.publish(f"{PREFIX}/{voice.number}/state", args)

    def key_of(self, voice: Voice) -> Key:
        """The key a voice plays in: its own, else the song's, else the most common key of the style it first
        played (kept: a style change alone does not move the song to another key)."""
        if voice.settings.key is not None:
            return voice.settings.key
        if self.song_key is not None:
            return self.song_key
        return voice.style_key or self.checkpoint.style_key(voice.style)

    def _follow_key(self, voice: Voice) -> None:
        """Keep the voice's line to tunes of its key's mode family. Set whenever the key may change, not when a phrase
        begins: the engine takes a phrase's key (``_phrase``) after the voice's line has moved on to it. Phrases it
        plays again (a pass of Live's loop, a held phrase) keep the content they began with, in the new key."""
        voice.mode = key_plan(self.checkpoint.model, self.key_of(voice)).mode

    def summary(self) -> str:
        """Decoder step times so far, for the log at exit; the percentiles are of the steps at the largest
        batch seen, the ones that bound a step's cost."""
        if not self.step_seconds:
            return "no decoder steps"
        batch, seconds = np.array(list(self.step_rows), dtype=int), np.array(list(self.step_seconds))
        at_max = batch == batch.max()
        full, cpu = seconds[at_max] * 1000, np.array(list(self.step_cpu))[at_max] * 1000
        whole = np.array(list(self.pass_seconds))[at_max] * 1000
        runnable = np.array(list(self.step_runnable))[at_max] * 1000
        waited = (f"; at batch {batch.max()} the engine thread was runnable without a core during a step p50 "
                  f"{np.percentile(runnable, 50):.2f} ms, p99 {np.percentile(runnable, 99):.2f} ms, max "
                  f"{runnable.max():.2f} ms") if np.isfinite(runnable).all() else ""
        return (f"{len(batch)} decoder steps (batch {batch.min()}..{batch.max()}); at batch {batch.max()}, "
                f"{len(full)} steps: p50 {np.percentile(full, 50):.2f} ms, p99 {np.percentile(full, 99):.2f} ms, "
                f"max {full.max():.2f} ms; on the engine thread's CPU p50 {np.percentile(cpu, 50):.2f} ms, "
                f"p99 {np.percentile(cpu, 99):.2f} ms; whole, with the engine's Python around the decoder, p50 "
                f"{np.percentile(whole, 50):.2f} ms, p99 {np.percentile(whole, 99):.2f} ms; "
                f"{self.playhead_starts} starts and locates came in on the step on the playhead{waited}")

    # --- generation -----------------------------------------------------------------------------------

    def _now_step(self) -> int:
        return math.floor(self.clock.beat() * STEPS_PER_BEAT)

    def generate(self) -> float | None:
        """Decode every playing voice up to the lookahead; the perf_counter time to come back.

        A fault in the generator ends every note and re-aligns the voices: it must neither leave a note
        hanging nor stop the daemon.
        """
        try:
            return self._generate()
        except Exception:
            log.exception("generator failed; all notes off, voices re-align")
            self._recover()
            return time.perf_counter() + ERROR_PAUSE_SECONDS

    def _recover(self) -> None:
        """After a fault: every note ended, every voice positioned afresh, its decoder row begun again."""
        self._cancel()
        for voice in self.voices.values():
            voice.unposition()
            voice.reset_decoder = True

    def _follow_clock(self) -> None:
        """Bring what the voices planned in line with what the clock did since the engine last looked: all of it is
        void after a jump, start or stop (or Live's loop changed at a wrap), what was planned from a wrap of Live's
        loop on after a change of the loop (``Clock.void_since``). Before each pass, and before a command is applied:
        applied to the old plan, one that positions a voice (hold released) would place it where the change does
        not see it."""
        void, epoch = self.clock.void_since(self._epoch)
        if epoch == self._epoch:
            return
        if math.isfinite(void):
            try:
                self._replan(void)
            except Exception:  # half taken back, the voices and the device could disagree with the sender
                log.exception("taking back what was planned past a moved wrap failed; all notes off, voices re-align")
                self._recover()
        else:
            # a start or jump since (not only a stop, or Live's loop changed at a wrap): the playhead's step may play
            located = self.clock.located > self._epoch
            self._cancel()
            for voice in self.voices.values():
                voice.unposition()
                if located:  # Live went elsewhere: its loop's passes are played again from the next wrap on
                    voice.forget_passes()
            self._located |= located
            self._requantize = True
        self._epoch = epoch

    def _generate(self) -> float | None:
        self._follow_clock()
        epoch = self._epoch
        _, running, now_beat = self.clock.snapshot()  # a change after the epoch is the next pass's
        located, self._located = self._located, False
        requantize, self._requantize = self._requantize, False
        if not running:
            return None
        bpm = self.clock.bpm  # read once: a change made meanwhile is the next pass's
        if bpm != self._bpm:
            self._bpm, self._retell_owed = bpm, True
        retell_at = self._retell(now_beat) if self._retell_owed else None
        self._keep_passes()
        now_step = math.floor(now_beat * STEPS_PER_BEAT)
        if requantize:  # quantized changes wait for the next line from where the transport is now, not where it was
            grid = GRID_STEPS[self.quantize]
            for number, queue in self.pending.items():
                self.pending[number] = [Pending(self._grid_line(now_step + 1, grid), now_step + 1, waiting.command)
                                        for waiting in queue]
        # generate every step before the one at (or first after) now + lookahead: a change then reaches a
        # step that plays at most the lookahead after it arrives. The horizon trails now by DECODE_DELAY_SECONDS:
        # with a lookahead of whole steps, a step enters it just as the notes of the step on the playhead are due,
        # and the decoder is better started once the sender has sent them than with it, for the GIL and the cores.
        horizon = now_beat - DECODE_DELAY_SECONDS * self.clock.bpm / SECONDS_PER_MINUTE + self.lookahead_beats
        target = math.floor(horizon * STEPS_PER_BEAT) - 1
        for number in list(self.pending):  # quantized commands of voices not yet positioned
            voice = self.voices[number]
            if voice.next_step is None:
                self._apply_due(voice, now_step + 1)
        playing = [v for v in self.voices.values() if v.settings.play]
        passed, first = time.perf_counter(), True
        # not positioned yet, or starved behind the playhead: (re)start (see _first_step)
        seekers = [v for v in playing if v.next_step is None or max(v.next_step, v.audible_from) <= now_step]
        held = [self._held(voice) for voice in seekers]
        if seekers:
            seeking = self._first_step(now_step, located, held)
            self.playhead_starts += seeking == now_step
            origin = self._origin(seeking)
            for voice in seekers:
                self._seek(voice, seeking, origin, epoch)
        starting = None in held  # a phrase begun and replayed: what _first_step budgets (re)starts from
        with self.realtime:
            while True:
                ready = [v for v in playing if v.settings.play and v.next_step is not None and v.next_step <= target]
                if not ready:
                    break
                for voice in ready:  # back at the step a rewind went back to: a reseed made since acts again
                    if voice.reseed_owed and voice.next_step >= voice.audible_from:
                        voice.reseed_again()
                looping = ready if self.clock.loop is not None else ()  # no loop, no wrap to look for at each step
                for voice in looping:  # the first step past the end of Live's loop: the loop's start, planned ahead
                    origin = self._origin(voice.next_step)
                    if voice.next_step >= voice.audible_from and origin != voice.origin:
                        self._seek(voice, voice.next_step, origin, epoch, wrapped=True)
                self._step(ready, epoch)
                if starting:
                    ended = time.perf_counter()
                    (self.start_seconds if first else self.replay_seconds).append(ended - passed)
                    passed, first = ended, False
        wakes = [] if retell_at is None else [retell_at]
        if playing:  # the next step's decode
            wakes.append(self.clock.time_of((target + 2) / STEPS_PER_BEAT - self.lookahead_beats)
                         + DECODE_DELAY_SECONDS)
        return min(wakes, default=None)

    def _first_step(self, now_step: int, located: bool, held: Sequence[int | None]) -> int:
        """The first step (re)starting voices can play on time: they replay their phrase silently up to there first,
        so the step must be far enough away for their first pass (their phrases begun) and that many more passes,
        each at what recent (re)starts cost (a 90th percentile: a replay runs back to back, so it meets the machine's
        load as a burst of work that steps spaced a 16th apart do not, and their median made first notes late under
        load, ``bench/locates.py``). A voice whose decoder holds the first steps of its phrase (``held``, see
        ``_held``) takes those up instead of replaying them; when every voice does, the first pass begins no phrase
        and costs what a pass does. Right after a transport start or locate (``located``), the step on the playhead
        itself, when its notes can go out within ``PLAYHEAD_SLACK_SECONDS``: Live started from a bar line starts on
        it, where a melody that skipped its downbeat would begin a 16th late at every start; a voice switched on
        while the transport runs comes in at the next step, on time."""
        recent = sorted(self.step_seconds.last(64))
        step_cost = recent[len(recent) // 2] if recent else DEFAULT_STEP_SECONDS
        per_step = _high(self.replay_seconds, step_cost)
        if all(steps is not None for steps in held):
            start = _high(self.pass_seconds.last(64), step_cost)
        else:
            start = _high(self.start_seconds, step_cost)
        phrase, now = self.checkpoint.steps, self.clock.now()
        step = now_step if located else now_step + 1
        while True:
            slack = PLAYHEAD_SLACK_SECONDS if step == now_step else -START_MARGIN_SECONDS
            position = (step - self._origin(step)) % phrase
            replayed = max(position - min(position, steps or 0) for steps in held)
            if now + start + replayed * per_step <= self.clock.time_of(step / STEPS_PER_BEAT) + slack:
                return step
            step += 1

    def _grid_line(self, step: int, grid: int) -> int:
        """The first step from ``step`` on a beat or bar line (``grid`` steps) of Live's song, or at the loop's start
        after a wrap (a loop with no such line inside would otherwise never reach one)."""
        line, origin = step, self._origin(step)
        while True:  # at most ``grid`` steps: as many in a row without a wrap hold a line
            here = self._origin(line)
            if here != origin or (line - here) % grid == 0:
                return line
            line += 1

    def _origin(self, step: int) -> int:
        """The timeline step less Live's song step at ``step``: 0 until the clock plans a wrap of Live's loop."""
        return step - round(self.clock.song(step / STEPS_PER_BEAT) * STEPS_PER_BEAT)

    def _seek(self, voice: Voice, step: int, origin: int, epoch: int, wrapped: bool = False) -> None:
        """Position the voice so ``step`` is its next audible step, taking up the first steps of its phrase that its
        decoder holds and replaying the rest silently; ``wrapped``: Live's loop brought it back (``Voice.seek``)."""
        self._emit(voice, voice.seek(step, epoch, origin, wrapped))
        self._take_up(voice, step)

    def _take_up(self, voice: Voice, step: int, as_it_was: bool = False) -> None:
        """For a voice about to replay its phrase silently up to ``step``: take up the steps its decoder holds (the
        phrase ``as_it_was`` before it was last taken back to its start, where the decoder keeps it whole)."""
        held = self._held(voice)
        if held is not None:
            steps = min(held, step - voice.next_step)
            voice.resume(self.decoder.resume(voice.number, self._phrase(voice), steps, as_it_was))

    def _replan(self, beat: float) -> None:
        """Live's loop moved a wrap the voices may have planned past, to or from timeline ``beat`` (``Change.REPLAN``):
        the sender withdrew the events planned from there on. Each voice goes back into the phrase it was in before
        it, its note sounding there going on (``Voice.rewind``), and plans again from there at the next steps; a
        device is told again the replies it holds from before it (``_retell``)."""
        step = round(beat * STEPS_PER_BEAT)  # Live's loop points are on the steps (``Clock.set_loop``)
        grid = GRID_STEPS[self.quantize]
        for number, queue in self.pending.items():  # lines from the wrap on are the new loop's
            # (from the step before the wrap when the command came before it: a wrap there is a line of its own)
            self.pending[number] = [waiting if waiting.at < step else
                                    waiting._replace(at=self._grid_line(max(waiting.since, step - 1), grid))
                                    for waiting in queue]
        for voice in self.voices.values():
            if not voice.planned_from(step):
                continue
            rewound = voice.rewind(step)
            if rewound in (Rewind.BACK, Rewind.BACK_PAST_A_START):
                self._take_up(voice, step, rewound is Rewind.BACK_PAST_A_START)
            elif rewound is Rewind.UNHEARD:
                voice.unposition()
            else:
                self._cancel(voice)
                voice.unposition()
            told = self._told.get(voice.number, [])
            if any(reply.due >= beat for reply in told):
                told[:] = [reply for reply in told if reply.due < beat]
                self._withdrawn[voice.number] = min(beat, self._withdrawn.get(voice.number, beat))
                self._retell_owed = True

    def _keep_passes(self) -> None:
        """As many phrases kept, by the voices' lines and the decoder, as Live's loop spans (see ``LOOP_PHRASES``);
        by the decoder, one at least: a loop switched on can move a wrap to a step the voices planned past, into a
        phrase they left (``_replan``), which is then taken up rather than decoded again."""
        loop = self.clock.loop
        kept = 0 if loop is None else min(LOOP_PHRASES, math.ceil(loop[1] * STEPS_PER_BEAT / self.checkpoint.steps) + 1)
        if max(kept, 1) != self.decoder.kept:
            self.decoder.kept = max(kept, 1)
            for voice in self.voices.values():
                voice.kept = kept

    def _held(self, voice: Voice) -> int | None:
        """How many first steps of the phrase a seek replays the voice's decoder holds (``Decoder.resumable``); None
        when it holds none of it (the line moved on or was reseeded, a new key, hold on, no phrase yet)."""
        if voice.settings.hold or not voice.started or voice.reset_decoder:
            return None
        return self.decoder.resumable(voice.number, self._phrase(voice))

    def _apply_due(self, voice: Voice, step: int) -> None:
        queue = self.pending.get(voice.number)
        if not queue:
            return
        due = [waiting.command for waiting in queue if waiting.at <= step]
        if due:
            self.pending[voice.number] = [waiting for waiting in queue if waiting.at > step]
            for command in due:
                self._apply_now(voice, command)

    def _step(self, voices: list[Voice], epoch: int) -> None:
        began = time.perf_counter()
        for voice in voices:
            self._apply_due(voice, voice.next_step)
        voices = [v for v in voices if v.settings.play and v.next_step is not None]
        decoding = [v for v in voices if v.begin_step()]
        tokens = None
        if decoding:
            self._prepare(decoding)
            queued = run_queue_seconds()
            started, cpu_started = time.perf_counter(), time.thread_time()
            draws = [v.line.sampler.random() for v in decoding]
            tokens = self.decoder.step([v.number for v in decoding], draws).tolist()
            cpu = time.thread_time() - cpu_started  # read first: the CPU interval lies inside the wall one
            wall = time.perf_counter() - started
            runnable = run_queue_seconds() - queued if queued is not None else None
        rows = {v.number: i for i, v in enumerate(decoding)}
        for voice in voices:
            token = tokens[rows[voice.number]] if voice.number in rows else voice.held_token()
            self._emit(voice, voice.take(token, epoch))
        if decoding:  # together, so the five windows stay one to one
            self.pass_seconds.append(time.perf_counter() - began)
            self.step_seconds.append(wall)
            self.step_cpu.append(cpu)
            self.step_runnable.append(math.nan if runnable is None else runnable)
            self.step_rows.append(len(decoding))

    def _prepare(self, voices: list[Voice]) -> None:
        """Bring the decoder's rows of the voices about to step up to date: a new phrase (its key taken now), a new z,
        new rules. The voices that begin a phrase together (all of them at a shared phrase border, and after a start
        or locate) begin in one batch: their z, z gates and first states are one pass each instead of one per voice,
        which took 0.7 ms a voice on this project's CPU, so 8 voices' border pass cost as much as four steps."""
        model, beginning = self.checkpoint.model, []
        for voice in voices:
            s = voice.settings
            if voice.reset_decoder or not self.decoder.has(voice.number):
                phrase = self._phrase(voice)
                first, border, lead = opening(model, self.checkpoint.vocab, voice.continuation, voice.style,
                                              voice.line.phrase_first, voice.line.leading, self.checkpoint.steps,
                                              voice.line.position)
                beginning.append((voice, first, border, self._rules(voice), phrase, lead))
            else:
                z = self.decoder.z(s.weights, voice.plan.mode, voice.line.z_content) if voice.z_dirty else None
                self.decoder.change(voice.number, z, self._rules(voice))
            voice.z_dirty = voice.reset_decoder = False
        if beginning:
            starting, firsts, borders, rules, origins, leads = zip(*beginning)
            z = self.decoder.z([v.settings.weights for v in starting], [v.plan.mode for v in starting],
                               [v.line.z_content for v in starting])
            self.decoder.start_batch([v.number for v in starting], z, firsts, rules, borders, origins, leads=leads)

    def _phrase(self, voice: Voice) -> tuple:
        """The phrase the voice's line is at, in the key it would begin in now (taken here; a phrase a rewind took it
        back into, in the key it began in: ``Voice.rewind``), as the decoder's ``origin`` names it: its content,
        seed, the note it follows and the one the phrase after it begins on when it comes back, its place in an 8-bar
        section (which its cadence weights follow), and the key."""
        if voice.rewound_key is None:
            key = self.key_of(voice)
            voice.keyed(key_plan(self.checkpoint.model, key), key.intervals)
        else:
            voice.keyed(*voice.rewound_key)
        line = voice.line
        return (line.z_content.tobytes(), line.phrase_seed, line.phrase_first, line.leading,
                None if line.position is None else line.position % PLACE_CYCLE, voice.plan, voice.scale)

    def warm_up(self) -> None:
        """One throwaway decoder step through voice 1's row, which then starts afresh as if never used."""
        voice = self.voice(1)
        self._prepare([voice])
        self.decoder.step([voice.number], [0.5])
        self.decoder.forget(voice.number)
        voice.reset_decoder = True

    def _rules(self, voice: Voice) -> Rules:
        """The voice's sampling rules, rebuilt only when its settings or its phrase's key changed: this runs for
        every voice at every step, on the thread the note sender competes with for the GIL."""
        made_from = (voice.settings, voice.plan, voice.scale)
        if voice.rules is None or any(a is not b for a, b in zip(made_from, voice.rules_from)):
            s = voice.settings
            voice.rules = Rules(s.temperature, s.density, s.lock, voice.scale, playing.TOP_P, voice.plan.tonic)
            voice.rules_from = made_from
        return voice.rules

    def _decoder_space(self, tokens: Sequence[int]) -> list[int]:
        """A restyle phrase as the decoder encodes it: for a key-relative model, moved from the voice's key to C."""
        model = self.checkpoint.model
        if not model.config.key_relative:
            return list(tokens)
        inside, _ = to_decoder_space(self.checkpoint, np.array([list(tokens)]))
        return inside[0].tolist()

    def _emit(self, voice: Voice, made: tuple[list, Reports]) -> None:
        """Hand the events to the sender and tell the clients. Each reply carries, last, its event's lead: the beats
        from the playhead now to it on the clock's timeline. A song position alone is ambiguous inside Live's loop
        (a note planned past a wrap, or one that arrives late just after a wrap); of the positions a loop length
        apart, a device takes the one nearest the lead."""
        events, reports = made
        if events:
            self.sender.push(events)
        if not reports:
            return
        now = self.clock.beat()
        told = self._told.setdefault(voice.number, [])
        at = self.clock.time_of(now)
        # those the device may still hold: played by the daemon's reckoning a moment ago, it may yet hold them (see
        # _retell, which waits while one is due that close)
        told[:] = [reply for reply in told if reply.plays > at - RETELL_MARGIN_SECONDS]
        for note in reports:
            if isinstance(note, NoteStart):
                address, values = f"{PREFIX}/{voice.number}/on", [note.pitch, note.velocity, note.beat]
            else:
                address, values = f"{PREFIX}/{voice.number}/note", [note.pitch, note.velocity, note.beat, note.length]
            told.append(Told(address, values, note.due, self.clock.time_of(note.due)))
            self.publish(address, [*values, note.due - now])

    def _retell(self, now: float) -> float | None:
        """After a change of tempo: a device that plays the notes itself holds each note-on and note-off until a time
        worked out at the tempo it came at. Where that is now off by more than RETELL_SECONDS for some event due
        within RETELL_AHEAD_SECONDS, it is told (``/retime``) to drop what it holds, then each of those again, in the
        order sent, with its lead now, and works out their times at the new tempo; one due later is told when it comes
        that near (a ramp moves it again meanwhile). So too where replies it holds were taken back (``_replan``);
        should the first of those be due within the margin below, it may be playing them: it is told ``/cut``.
        Which it holds is the daemon's reckoning of the device's times, which is not exact: so not while an event is
        due within RETELL_MARGIN_SECONDS of now, else one just played could be played again, or one still held
        dropped. The time to look again; else None."""
        at = self.clock.time_of(now)
        retell, later = [], []
        for number, told in self._told.items():
            held = [reply for reply in told if reply.plays > at]
            off = [min(reply.plays, new) for reply in held
                   if abs(reply.plays - (new := self.clock.time_of(reply.due))) > RETELL_SECONDS]
            if number in self._withdrawn or (off and min(off) - at <= RETELL_AHEAD_SECONDS):
                retell.append((number, told, held))
            elif off:
                later.append(min(off) - RETELL_AHEAD_SECONDS)
        margin = min(RETELL_MARGIN_SECONDS, SECONDS_PER_MINUTE / self._bpm / STEPS_PER_BEAT / 4)
        close = [reply.plays for told in self._told.values() for reply in told if abs(reply.plays - at) < margin]
        if retell and close:
            return max(close) + margin + RETELL_MARGIN_SECONDS / 100  # a hair past, whatever the rounding
        withdrawn, self._withdrawn = self._withdrawn, {}
        for number, told, held in retell:
            told[:] = [reply._replace(plays=self.clock.time_of(reply.due)) for reply in held]
            # the device may be playing what was withdrawn: it ends what it sounds too
            cut = number in withdrawn and self.clock.time_of(withdrawn[number]) - at < margin
            self.publish(f"{PREFIX}/{number}/{'cut' if cut else 'retime'}", [])
            for reply in told:
                self.publish(reply.address, [*reply.values, reply.due - now])
        self._retell_owed = bool(later)
        return min(later, default=None)

    def _cancel(self, voice: Voice | None = None) -> None:
        """End the notes of a voice (or all) and forget what it planned, at the output and at the clients: a device
        that plays the notes itself (``/on``) drops those it holds and ends those it sounds."""
        self.sender.cancel(None if voice is None else voice.number)
        for cut in [voice] if voice is not None else list(self.voices.values()):  # a copy: stop may be late to join
            self._told.pop(cut.number, None)
            if cut.started:
                self.publish(f"{PREFIX}/{cut.number}/cut", [])


def _high(seconds: Iterable[float], otherwise: float) -> float:
    """The 90th percentile of a window of costs (``otherwise`` while it is empty)."""
    values = sorted(seconds)
    return values[math.ceil(0.9 * len(values)) - 1] if values else otherwise
