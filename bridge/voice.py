"""One voice: its settings, where it is in its phrase, and how its tokens become note events.

The voice holds no model: the engine decodes for it. Phrases sit on a global grid (a phrase starts on
every multiple of the checkpoint's phrase length in steps), so voices stay in bar with each other and
with Live. A voice positioned mid-phrase (start, jump, hold released) replays its phrase from the
phrase start silently up to the audible step: same z_c and sampling seed, so the music continues as
if it had been playing all along.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from bridge import scheduler
from bridge.osc_spec import DEFAULT_LOCK
from model.keys import Key
from model.tokens import HOLD, REST, STEPS_PER_BEAT, Vocabulary

DENSITY_SCALE = 2.5  # logits added to note-ons (and taken from REST) at density 1


@dataclass(frozen=True)
class Settings:
    """What a client sets; the defaults are the ones in docs/osc.md."""

    channel: int
    weights: tuple[float, ...]
    play: bool = False
    temperature: float = 1.0
    variation: float = 0.3
    density: float = 0.0
    octave: int = 0
    velocity: int = 100
    hold: bool = False
    lock: float = DEFAULT_LOCK
    key: Key | None = None  # the voice's own key; None follows the song's (or its style's) key

    @staticmethod
    def default(voice: int, n_styles: int) -> Settings:
        return Settings(channel=voice, weights=tuple(1.0 if i == 0 else 0.0 for i in range(n_styles)))


@dataclass(frozen=True)
class NoteReport:
    """A finished note, for /stylevae/<v>/note."""

    pitch: int
    velocity: int
    beat: float
    length: float


@dataclass
class Sounding:
    channel: int
    pitch: int  # the MIDI pitch sent (octave applied)
    velocity: int
    start: int  # step


def midi_pitch(model_pitch: int, octave: int) -> int:
    """The model's pitch moved by whole octaves, folded back into MIDI's 0..127 by octaves."""
    pitch = model_pitch + 12 * octave
    while pitch > 127:
        pitch -= 12
    while pitch < 0:
        pitch += 12
    return pitch


def walk(z: np.ndarray, variation: float, rng: np.random.Generator) -> np.ndarray:
    """One step of the latent random walk: 0 stays, 1 is a fresh draw; the N(0, I) prior is preserved."""
    if variation <= 0:
        return z
    noise = rng.standard_normal(z.shape).astype(z.dtype)
    return math.sqrt(max(0.0, 1.0 - variation**2)) * z + variation * noise


def density_bias(density: float, vocab_size: int) -> np.ndarray:
    bias = np.zeros(vocab_size, dtype=np.float32)
    bias[REST] = -DENSITY_SCALE * density
    bias[HOLD + 1 :] = DENSITY_SCALE * density
    return bias


@dataclass
class Voice:
    number: int
    vocab: Vocabulary
    phrase_steps: int
    z_content: np.ndarray  # (z_content,)
    rng: np.random.Generator  # draws of z_c and of phrase seeds
    settings: Settings
    phrase_seed: int = 0
    next_content: np.ndarray | None = None  # a restyled phrase's z_c, taken at the next phrase
    next_step: int | None = None  # the global step to generate next; None = not positioned
    audible_from: int = 0
    phrase: list[int] = field(default_factory=list)  # tokens of the current phrase so far
    loop: list[int] | None = None  # the phrase held by /hold
    sounding: Sounding | None = None
    sampler: np.random.Generator = field(default_factory=np.random.default_rng)
    # flags for the engine, which owns the torch side
    z_dirty: bool = True
    reset_decoder: bool = True
    replaying: bool = False  # the next phrase boundary restarts the same phrase (a seek), no variation

    @staticmethod
    def create(
        number: int, vocab: Vocabulary, phrase_steps: int, n_styles: int, z_size: int, seed: int | None
    ) -> Voice:
        rng = np.random.default_rng(None if seed is None else [seed, number])
        z = rng.standard_normal(z_size).astype(np.float32)
        voice = Voice(number, vocab, phrase_steps, z, rng, Settings.default(number, n_styles))
        voice.phrase_seed = int(rng.integers(2**63))
        return voice

    # --- settings -------------------------------------------------------------------------------------

    def update(self, **changes: object) -> None:
        old = self.settings
        self.settings = replace(old, **changes)
        if self.settings.weights != old.weights:
            self.z_dirty = True
        if old.hold and not self.settings.hold:
            self.loop = None

    def reseed(self, seed: int | None) -> None:
        rng = np.random.default_rng(seed) if seed is not None else self.rng
        self.z_content = rng.standard_normal(self.z_content.shape).astype(np.float32)
        self.phrase_seed = int(rng.integers(2**63))
        self.z_dirty = True
        self.loop = None

    # --- position -------------------------------------------------------------------------------------

    def seek(self, step: int, epoch: int) -> tuple[list[scheduler.Event], list[NoteReport]]:
        """Make ``step`` the next audible step, replaying the phrase silently from its start."""
        ended = self._end_note(step, epoch)
        self.next_step = step - step % self.phrase_steps
        self.audible_from = step
        self.replaying = True
        return ended

    def unposition(self) -> None:
        """Forget the position (its notes were ended by the sender): the engine seeks again."""
        self.next_step = None
        self.sounding = None

    # --- stepping -------------------------------------------------------------------------------------

    def begin_step(self) -> bool:
        """Prepare the step ``next_step``; True when the decoder must produce its token."""
        step = self.next_step
        if step % self.phrase_steps == 0:
            self._new_phrase()
        return self.loop is None or not self.settings.hold

    def _new_phrase(self) -> None:
        complete = len(self.phrase) == self.phrase_steps
        if self.settings.hold and self.loop is None and complete and not self.replaying:
            self.loop = list(self.phrase)
        if not self.replaying:
            if self.next_content is not None:
                self.z_content, self.next_content = self.next_content, None
                self.loop = None
            else:
                self.z_content = walk(self.z_content, self.settings.variation, self.rng)
            if self.settings.variation > 0:
                self.phrase_seed = int(self.rng.integers(2**63))
            self.z_dirty = True
        self.replaying = False
        self.phrase = []
        self.sampler = np.random.default_rng(self.phrase_seed)
        self.reset_decoder = True

    def held_token(self) -> int:
        return self.loop[len(self.phrase)]

    def take(self, token: int, epoch: int) -> tuple[list[scheduler.Event], list[NoteReport]]:
        """Record the token of step ``next_step`` and the note events it makes (none while silent)."""
        step = self.next_step
        self.phrase.append(token)
        self.next_step = step + 1
        if step < self.audible_from or token == HOLD:
            return [], []
        events, reports = self._end_note(step, epoch)
        if token != REST:
            s = self.settings
            pitch = midi_pitch(self.vocab.pitch(token), s.octave)
            self.sounding = Sounding(s.channel, pitch, s.velocity, step)
            events.append(scheduler.note_on(step / STEPS_PER_BEAT, self.number, s.channel, pitch, s.velocity, epoch))
        return events, reports

    def _end_note(self, step: int, epoch: int) -> tuple[list[scheduler.Event], list[NoteReport]]:
        note, self.sounding = self.sounding, None
        if note is None:
            return [], []
        event = scheduler.note_off(step / STEPS_PER_BEAT, self.number, note.channel, note.pitch, epoch)
        length = (step - note.start) / STEPS_PER_BEAT
        report = NoteReport(note.pitch, note.velocity, note.start / STEPS_PER_BEAT, length)
        return [event], [report]
