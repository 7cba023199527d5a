"""The melody representation: MusicVAE's 16th-note grid of tokens, and exact conversions to notes.

A melody of ``n`` steps is a sequence of ``n`` integer tokens:

* ``REST`` (0) — the sounding note (if any) stops here: a note-off;
* ``HOLD`` (1) — no event: a sounding note goes on, silence stays silent;
* ``2 + (pitch - low)`` — a note-on of ``pitch``, which also ends the previous note.

A note is ``(pitch, start, end)`` in steps, ``end`` exclusive. Melodies are monophonic: notes do not
overlap. Conversions are exact on the grid. Several token sequences can mean the same melody (a rest
during silence means nothing), so ``tokens -> notes -> tokens`` gives the *canonical* sequence, in which
a ``REST`` only ever follows a sounding note; ``notes -> tokens -> notes`` is the identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

REST = 0
HOLD = 1
FIRST_PITCH_TOKEN = 2

STEPS_PER_BEAT = 4
BEATS_PER_BAR = 4
STEPS_PER_BAR = STEPS_PER_BEAT * BEATS_PER_BAR


class Note(NamedTuple):
    pitch: int
    start: int  # step of the onset
    end: int  # first step after the note


@dataclass(frozen=True)
class Vocabulary:
    """The token vocabulary for a pitch range (MusicVAE's default: MIDI 21–108, 90 classes)."""

    low: int = 21
    high: int = 108  # inclusive

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high <= 127:
            raise ValueError(f"pitch range {self.low}..{self.high} is not within MIDI 0..127")

    @property
    def size(self) -> int:
        return FIRST_PITCH_TOKEN + self.high - self.low + 1

    def note_on(self, pitch: int) -> int:
        if not self.low <= pitch <= self.high:
            raise ValueError(f"pitch {pitch} is outside the vocabulary range {self.low}..{self.high}")
        return FIRST_PITCH_TOKEN + pitch - self.low

    def pitch(self, token: int) -> int | None:
        """The pitch a token starts, or None for REST and HOLD."""
        if token < FIRST_PITCH_TOKEN:
            return None
        if token >= self.size:
            raise ValueError(f"token {token} is outside the vocabulary (size {self.size})")
        return self.low + token - FIRST_PITCH_TOKEN


def tokens_to_notes(tokens: Sequence[int], vocab: Vocabulary) -> list[Note]:
    """Notes of a token sequence; a note still sounding at the end stops at ``len(tokens)``."""
    notes: list[Note] = []
    current: tuple[int, int] | None = None  # (pitch, start)
    for step, token in enumerate(tokens):
        token = int(token)
        if token == HOLD:
            continue
        if current is not None:
            notes.append(Note(current[0], current[1], step))
            current = None
        if token != REST:
            current = (vocab.pitch(token), step)
    if current is not None:
        notes.append(Note(current[0], current[1], len(tokens)))
    return notes


def notes_to_tokens(notes: Sequence[Note], n_steps: int, vocab: Vocabulary) -> np.ndarray:
    """Tokens of a monophonic melody; raises ValueError for overlapping or out-of-range notes."""
    tokens = np.full(n_steps, HOLD, dtype=np.int64)
    previous_end = 0
    for note in sorted(notes, key=lambda n: n.start):
        if note.start < previous_end:
            raise ValueError(f"notes overlap at step {note.start}: the melody must be monophonic")
        if not 0 <= note.start < note.end <= n_steps:
            raise ValueError(f"note {tuple(note)} does not fit in {n_steps} steps")
        tokens[note.start] = vocab.note_on(note.pitch)
        if note.end < n_steps:
            tokens[note.end] = REST
        previous_end = note.end
    return tokens


def canonical(tokens: Sequence[int], vocab: Vocabulary) -> np.ndarray:
    """The canonical spelling of a token sequence: rests that end nothing become holds."""
    return notes_to_tokens(tokens_to_notes(tokens, vocab), len(tokens), vocab)


def transpose(tokens: np.ndarray, semitones: int, vocab: Vocabulary) -> np.ndarray | None:
    """Tokens shifted by ``semitones``; None when a note would leave the vocabulary's range."""
    pitched = tokens >= FIRST_PITCH_TOKEN
    shifted = np.where(pitched, tokens + semitones, tokens)
    if pitched.any() and (shifted[pitched].min() < FIRST_PITCH_TOKEN or shifted[pitched].max() >= vocab.size):
        return None
    return shifted


def onset_count(tokens: np.ndarray) -> int:
    return int((np.asarray(tokens) >= FIRST_PITCH_TOKEN).sum())
