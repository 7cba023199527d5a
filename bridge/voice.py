"""One voice: its settings, where it is in its phrase, and how its tokens become note events.

The voice holds no model: the engine decodes for it, and its line from phrase to phrase (z_c, seeds, the
note a phrase continues) is a decoding ``Line``, the same one ``stylevae eval`` measures. Phrases sit
on a global grid (a phrase starts on every multiple of the checkpoint's phrase length in steps), so voices
stay in bar with each other and with Live. A voice positioned mid-phrase (start, jump, hold released)
replays its phrase from the phrase start silently up to the audible step: same z_c, first note and
sampling seed, so the music continues as if it had been playing all along. Where the decoder still holds
those steps of the phrase (a locate back into it: Live's loop brace), the voice takes them up instead.
Its key is taken at each phrase start, so a key change moves the melody at a phrase border, never inside
a phrase.

A change of Live's loop can move a wrap the voice has planned past: it goes back to the phrase it was in before
that step, as it began it (it keeps the last phrases it began, ``Begun``), and replays it silently up to there,
the note sounding there going on.

Live's loop, when the daemon knows it, plays what its first pass played: the voice marks its line at each phrase
it begins, and from the first wrap until the next locate it goes back to those marks, at the wrap and at each
phrase border after, instead of moving on. A restyle in a pass moves the line on from its phrase, and the rest of
the pass with it; after a reseed or a locate the line moves on, and the passes from the next wrap repeat the new
one.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from enum import Enum

import numpy as np

from stylevae.bridge import scheduler
from stylevae.model.data.keys import SCALES, Key
from stylevae.model.data.tokens import HOLD, REST, STEPS_PER_BEAT, Vocabulary
from stylevae.model.decoding import playing
from stylevae.model.decoding.continuation import Continuation
from stylevae.model.decoding.decoder import KeyPlan, Line, Rules


@dataclass(frozen=True)
class Settings:
    """What a client sets; the defaults are the ones in docs/osc.md."""

    channel: int
    weights: tuple[float, ...]
    play: bool = False
    temperature: float = playing.TEMPERATURE
    variation: float = playing.VARIATION
    density: float = playing.DENSITY
    octave: int = 0
    velocity: int = 100
    hold: bool = False
    lock: float = playing.LOCK
    key: Key | None = None  # the voice's own key; None follows the song's (or its style's) key

    @staticmethod
    def default(voice: int, n_styles: int) -> Settings:
        return Settings(channel=voice, weights=tuple(1.0 if i == 0 else 0.0 for i in range(n_styles)))


@dataclass(frozen=True)
class NoteReport:
    """A finished note, for /stylevae/<v>/note. ``beat`` is Live's song position; ``due`` the clock's timeline beat
    of its end, which, unlike a song position inside Live's loop, says how far ahead of the playhead it lies."""

    pitch: int
    velocity: int
    beat: float
    length: float
    due: float


@dataclass(frozen=True)
class NoteStart:
    """A note begun, for /stylevae/<v>/on: a device that plays the notes itself needs it a lookahead ahead, where
    the finished note comes only when the decoder ends it, by then often past its start. ``due``: the timeline beat
    of its note-on."""

    pitch: int
    velocity: int
    beat: float
    due: float


Reports = list[NoteReport | NoteStart]


@dataclass
class Sounding:
    channel: int
    pitch: int  # the MIDI pitch sent (octave applied)
    velocity: int
    start: int  # step


@dataclass(frozen=True)
class Begun:
    """A phrase the voice began: on which timeline step, at which step of its plan (the step it had reached: a seek
    begins the phrase it lands in, whose start lies before, and what it plays is audible from there on), and its
    line, its key, its passes of Live's loop and its held phrase then, to go back to (``Voice.rewind``); and the
    restyled content it took, if any."""

    step: int
    made: int
    origin: int
    reseeds: int
    key: tuple[KeyPlan, tuple[int, ...]]
    mark: tuple
    marks: dict[int, tuple]
    looping: bool
    loop: list[int] | None
    content: np.ndarray | None


class Rewind(Enum):
    """What ``Voice.rewind`` did."""

    BACK = "back in the phrase it was in, to replay it up to the step"
    BACK_PAST_A_START = "back, past where it went back to that phrase's start (Live's loop wrapped to it)"
    UNHEARD = "nothing it planned before the step was audible: it is to be positioned afresh"
    LOST = "it cannot go back: its note is to be ended, and it positioned afresh"


# phrases begun, and notes ended, that the voice keeps: more than its plan can hold past a moved wrap of Live's loop
# (the engine's lookahead is 4 beats at most, 16 steps: a note ended at each, a phrase begun at each wrap of a loop
# of a 16th)
BEGUN_KEPT = 32


def midi_pitch(model_pitch: int, octave: int) -> int:
    """The model's pitch moved by whole octaves, folded back into MIDI's 0..127 by octaves."""
    pitch = model_pitch + 12 * octave
    while pitch > 127:
        pitch -= 12
    while pitch < 0:
        pitch += 12
    return pitch


@dataclass
class Voice:
    number: int
    vocab: Vocabulary
    phrase_steps: int
    continuation: Continuation
    line: Line
    settings: Settings
    next_content: np.ndarray | None = None  # a restyled phrase's z_c, taken at the next phrase
    next_step: int | None = None  # the global step to generate next; None = not positioned
    # the clock's timeline step less Live's song step where the voice's phrases lie: each wrap of Live's loop adds
    # the loop's length, so its phrase grid stays the song's (``Clock.song``)
    origin: int = 0
    audible_from: int = 0
    phrase: list[int] = field(default_factory=list)  # tokens of the current phrase so far
    loop: list[int] | None = None  # the phrase held by /hold
    sounding: Sounding | None = None
    plan: KeyPlan = KeyPlan(0, 0, 0)  # the key of the current phrase, as the decoder plays it (set by the engine)
    scale: tuple[int, ...] = SCALES["chromatic"]  # that key's scale, for the lock
    style_key: Key | None = None  # the key of the style it first played, its key without an own or song key
    mode: int = 0  # its key's mode family now (keys.MODES), whose tunes its line keeps to (set by the engine)
    line_seed: int | list[int] | None = None  # the seed its line is drawn from at the first play
    started: bool = False  # it has played: its line is its own
    rules: Rules | None = None  # the engine's sampling rules for it, and what they were made from
    rules_from: tuple = ()
    # flags for the engine, which owns the torch side
    z_dirty: bool = True
    reset_decoder: bool = True
    replaying: bool = False  # the next phrase boundary restarts the same phrase (a seek), no variation
    resumed: int | None = None  # the phrase start at which ``resume`` began the phrase already
    # Live's loop: the line's marks at the phrases of the pass, by song step (``Line.mark``), the most recent ``kept``;
    # whether a wrap has come since the last locate (then a phrase begins from its mark); the line is at one now
    marks: dict[int, tuple] = field(default_factory=dict)
    kept: int = 0
    looping: bool = False
    at_mark: bool = False
    # the phrases it began, latest last, and the notes it ended, as (note, step), for ``rewind``
    begun: deque[Begun] = field(default_factory=lambda: deque(maxlen=BEGUN_KEPT))
    ended: deque[tuple[Sounding, int]] = field(default_factory=lambda: deque(maxlen=BEGUN_KEPT))
    reseeds: int = 0  # reseeds of its line so far, and the seed of the last: a rewind past one makes it again
    reseeded: int = 0
    reseed_owed: bool = False
    rewound_key: tuple[KeyPlan, tuple[int, ...]] | None = None  # the key of the phrase a rewind took it back into

    @staticmethod
    def create(
        number: int, vocab: Vocabulary, phrase_steps: int, n_styles: int, continuation: Continuation, seed: int | None
    ) -> Voice:
        line_seed = None if seed is None else [seed, number]
        line = Line.create(continuation, 0, line_seed)
        voice = Voice(number, vocab, phrase_steps, continuation, line, Settings.default(number, n_styles))
        voice.line_seed = line_seed
        return voice

    def start_line(self) -> None:
        """At the voice's first play: its line starts from the style it plays then (a real phrase of that style,
        drawn as ``decoding.stream`` draws it for the same seed), not from style 0's."""
        self.line = Line.create(self.continuation, self.style, self.line_seed, self.mode)
        self.started = True
        self.z_dirty = True

    @property
    def style(self) -> int:
        """The heaviest style of the mix: the one whose real phrase pairs the line starts from and goes on along."""
        weights = self.settings.weights  # a tuple: plain Python, not NumPy's slow path on the engine's thread
        return max(range(len(weights)), key=weights.__getitem__)

    # --- settings -------------------------------------------------------------------------------------

    def update(self, **changes: object) -> None:
        old = self.settings
        self.settings = replace(old, **changes)
        if self.settings.weights != old.weights:
            self.z_dirty = True
        if old.hold and not self.settings.hold:
            self.loop = None

    def reseed(self, seed: int | None) -> None:
        seed = seed if seed is not None else int(self.line.rng.integers(2**63))
        if not self.started:  # the line is drawn at the first play: from this seed
            self.line_seed = seed
            return
        self.reseeds, self.reseeded = self.reseeds + 1, seed
        self._reseed(seed)

    def _reseed(self, seed: int) -> None:
        self.line.reseed(self.continuation, self.style, seed, self.mode)
        self.z_dirty = True
        self.loop = None
        self.forget_passes()

    # --- position -------------------------------------------------------------------------------------

    def seek(self, step: int, epoch: int, origin: int, wrapped: bool = False
             ) -> tuple[list[scheduler.Event], Reports]:
        """Make ``step`` the next audible step, replaying the phrase silently from its start; ``origin`` places the
        song's phrase grid on the timeline there. ``wrapped``: Live's loop brought the voice back (a wrap moves the
        origin), and its line goes back to its mark at the phrase it lands in, if it has one. Any other seek replays
        the phrase its line is at, as the engine budgeted it (``Engine._first_step``)."""
        ended = self._end_note(step, epoch)
        self.origin = origin
        self.next_step = step - (step - origin) % self.phrase_steps
        self.audible_from = step
        self.replaying, self.resumed, self.rewound_key = True, None, None
        self.looping |= wrapped
        mark = self.marks.get(self.next_step - origin) if wrapped else None
        if mark is not None:
            self.line.back_to(mark)
            self.z_dirty = self.at_mark = True
        return ended

    def reseed_again(self) -> None:
        """After a rewind, at the step it went back to (its phrase replayed or taken up to there): a reseed made since
        the phrase began is made again, acting from there, as it acted on what was taken back."""
        if self.reseed_owed:
            self.reseed_owed = False
            self._reseed(self.reseeded)

    def forget_passes(self) -> None:
        """A locate or reseed: the line moves on from here, not back to its marks. Taken back to a mark, its draws
        are the ones it drew there before, so it branches off them, to phrases it has not played."""
        if self.looping:
            self.line.branch()
        self.marks.clear()
        self.looping = False

    def resume(self, tokens: list[int]) -> None:
        """Right after ``seek``: begin the phrase again as its replay would, but take its first steps as the decoder
        kept them (``Decoder.resume``) instead of decoding them again: the same tokens, the same draws used up."""
        self.resumed = self.next_step
        self._new_phrase()
        self.reset_decoder = False
        self.line.sampler.random(len(tokens))
        for token in tokens:
            self.phrase.append(token)
            self.line.took(self.vocab.pitch(token))
        self.next_step += len(tokens)

    def unposition(self) -> None:
        """Forget the position (its notes were ended by the sender): the engine seeks again."""
        self.next_step = None
        self.sounding = None
        self.begun.clear()
        self.ended.clear()
        self.rewound_key = None

    def planned_from(self, step: int) -> bool:
        """Whether it planned anything from ``step`` on: steps, or the note-off of a seek that lands there (a seek
        ends its note at the step it lands on, and goes back to the phrase's start to replay up to it)."""
        return self.next_step is not None and (self.next_step > step or self.audible_from > step
                                               or any(end >= step for _, end in self.ended))

    def rewind(self, step: int) -> Rewind:
        """Take back what it planned from ``step`` on (a change of Live's loop moved a wrap there, and the sender
        withdrew those events): back to the phrase it was in before ``step``, as it began it, to replay silently
        up to ``step`` (``seek``'s way, whose phrase the engine can take up from the decoder); the note sounding
        at ``step`` goes on until a step that does not hold it. A reseed made since is owed (``reseed_again``), a
        restyle taken in what is taken back is taken again, the phrase keeps the key it began in, and the phrase
        held by ``hold`` is the one held then, while hold is still on."""
        if self.sounding is not None and self.sounding.start < step:
            carried = self.sounding
        else:
            carried = next((note for note, end in self.ended if note.start < step <= end), None)
        begun = [b for b in self.begun if b.made < step]
        if not begun:  # no phrase made before the step: nothing of this positioning was audible before it
            return Rewind.UNHEARD if carried is None else Rewind.LOST
        back = begun[-1]
        after = list(self.begun)[len(begun):]  # begun in what is taken back
        if self.next_content is None:
            self.next_content = next((b.content for b in after if b.content is not None), None)
        self.begun = deque(begun, maxlen=BEGUN_KEPT)  # and the phrase begun again at its replay, as it was
        self.ended = deque(((note, end) for note, end in self.ended if end < step), maxlen=BEGUN_KEPT)
        self.line.back_to(back.mark)
        self.marks, self.looping = dict(back.marks), back.looping
        self.loop = back.loop if self.settings.hold else None
        self.reseed_owed = back.reseeds != self.reseeds
        self.rewound_key = back.key
        self.origin, self.next_step, self.audible_from = back.origin, back.step, step
        self.replaying, self.resumed, self.at_mark = True, None, False
        self.sounding = carried
        self.z_dirty = True
        return Rewind.BACK_PAST_A_START if after else Rewind.BACK

    # --- stepping -------------------------------------------------------------------------------------

    def begin_step(self) -> bool:
        """Prepare the step ``next_step``; True when the decoder must produce its token."""
        step = self.next_step
        if (step - self.origin) % self.phrase_steps == 0 and step != self.resumed:
            self._new_phrase()
        return self.loop is None or not self.settings.hold

    def _new_phrase(self) -> None:
        content = self.next_content
        complete = len(self.phrase) == self.phrase_steps
        if self.settings.hold and self.loop is None and complete and not self.replaying:
            self.loop = list(self.phrase)
        song = self.next_step - self.origin
        again = self.replaying
        if not again:  # a phrase begun anew takes the key of now
            self.rewound_key = None
        if not again and self.looping and self.next_content is None and song in self.marks:
            self.line.back_to(self.marks[song])  # a pass of Live's loop again: this phrase as it began then
            self.z_dirty = self.at_mark = again = True
        elif not again:
            if self.next_content is not None:
                self.loop = None
            self.line.advance(self.continuation, self.settings.variation, self.style, self.next_content, self.mode,
                              position=song // self.phrase_steps)
            self.next_content = None
            self.z_dirty = True
        if again and not self.line.begun:  # a phrase never begun (a line's first, reached by a seek) sits where the
            self.line.position = song // self.phrase_steps  # song is; one begun keeps its place when replayed
        self.line.begin_phrase(again)
        if self.kept and not self.at_mark:
            self._mark(song, moved=not again)
        self.replaying = self.at_mark = False
        self.phrase = []
        self.reset_decoder = True
        taken = content if content is not None and self.next_content is None else None
        self.begun.append(Begun(self.next_step, max(self.next_step, self.audible_from), self.origin, self.reseeds,
                                (self.plan, self.scale), self.line.mark(), dict(self.marks), self.looping, self.loop,
                                taken))

    def keyed(self, plan: KeyPlan, scale: tuple[int, ...]) -> None:
        """The key its phrase plays in (the engine takes it as the phrase begins): kept with the phrase just begun."""
        self.plan, self.scale = plan, scale
        if self.begun and self.begun[-1].step == self.next_step:
            self.begun[-1] = replace(self.begun[-1], key=(plan, scale))

    def _mark(self, song: int, moved: bool) -> None:
        """Mark the line at the phrase it begins on song step ``song``. When the line ``moved`` on to it (not a
        replay), the marks of the phrases after it in the song are of a pass it no longer follows."""
        if moved:
            for later in [s for s in self.marks if s >= song]:
                del self.marks[later]
        self.marks[song] = self.line.mark()
        while len(self.marks) > self.kept:
            del self.marks[next(iter(self.marks))]

    def held_token(self) -> int:
        return self.loop[len(self.phrase)]

    def take(self, token: int, epoch: int) -> tuple[list[scheduler.Event], Reports]:
        """Record the token of step ``next_step`` and the note events it makes (none while silent)."""
        step = self.next_step
        self.phrase.append(token)
        self.line.took(self.vocab.pitch(token))
        self.next_step = step + 1
        if step < self.audible_from or token == HOLD:
            return [], []
        events, reports = self._end_note(step, epoch)
        if token != REST:
            s = self.settings
            pitch = midi_pitch(self.vocab.pitch(token) + self.plan.shift, s.octave)
            self.sounding = Sounding(s.channel, pitch, s.velocity, step)
            events.append(scheduler.note_on(step / STEPS_PER_BEAT, self.number, s.channel, pitch, s.velocity, epoch))
            reports.append(NoteStart(pitch, s.velocity, (step - self.origin) / STEPS_PER_BEAT, step / STEPS_PER_BEAT))
        return events, reports

    def _end_note(self, step: int, epoch: int) -> tuple[list[scheduler.Event], Reports]:
        note, self.sounding = self.sounding, None
        if note is None:
            return [], []
        self.ended.append((note, step))
        event = scheduler.note_off(step / STEPS_PER_BEAT, self.number, note.channel, note.pitch, epoch)
        length = (step - note.start) / STEPS_PER_BEAT  # reported at Live's song position, past loop wraps too
        report = NoteReport(note.pitch, note.velocity, (note.start - self.origin) / STEPS_PER_BEAT, length,
                            step / STEPS_PER_BEAT)
        return [event], [report]
