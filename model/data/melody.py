"""From timed notes (in beats, possibly polyphonic) to a monophonic melody on the 16th-note grid.

Rules, applied in this order (the data report counts every piece they skip):

1. **Meter**: only simple duple and quadruple meters are kept (numerator 2 or 4 over 1, 2 or 4: 2/4, 4/4,
   2/2, 4/2, …), since a phrase is a whole number of 4/4 bars. 3/4, 6/8, 9/8 and pieces with no meter are
   skipped. Phrases start every 4 beats from the first full bar.
2. **Quantization**: onsets and ends are rounded to the nearest 16th. A piece in which more than
   ``max_off_grid`` of the onsets lie more than a fifth of a step from the grid (tuplets, an unquantized
   performance) is skipped; a note that rounds to zero length keeps one step.
3. **Reduction to one voice** (the "skyline" rule): of notes starting on the same step the highest is
   kept; a lower note starting while a higher one sounds is dropped; any other onset ends the note
   before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from stylevae.model.data.tokens import STEPS_PER_BAR, STEPS_PER_BEAT, Note, Vocabulary, notes_to_tokens

OFF_GRID_TOLERANCE = 0.2  # of a step


class TimedNote(NamedTuple):
    pitch: int
    start: float  # beats (quarter notes)
    end: float


class TimeSignature(NamedTuple):
    beat: float  # where it takes effect, in beats
    numerator: int
    denominator: int


class Phrase(NamedTuple):
    """One window of a piece: its bar offset from the first full bar, its tokens, and the pitch of the last
    note that began before it (None at the start of a piece): the line a phrase continues."""

    bar: int
    tokens: np.ndarray
    before: int | None


class Skipped(Exception):
    """A piece that cannot be used; the message is the reason shown in the data report."""


@dataclass(frozen=True)
class PhraseRules:
    bars: int = 2
    hop_bars: int = 1
    min_notes: int = 2
    max_silence: float = 0.5  # largest fraction of silent steps in a kept phrase
    max_off_grid: float = 0.1  # largest fraction of off-grid onsets in a kept piece

    @property
    def steps(self) -> int:
        return self.bars * STEPS_PER_BAR


def check_meter(signatures: Sequence[TimeSignature]) -> None:
    for sig in signatures:
        if sig.numerator not in (2, 4) or sig.denominator not in (1, 2, 4):
            raise Skipped(f"meter {sig.numerator}/{sig.denominator} is not simple duple or quadruple")


def bar_quarters(signatures: Sequence[TimeSignature]) -> float:
    """The written bar of a piece's first meter, in quarter notes: 2 for 2/4, 4 for 4/4 and 2/2, 8 for 4/2. A
    phrase is two 4/4 bars of the grid whatever the meter, so a 2/4 tune's phrase holds four of its written bars and
    its 8-bar strain is two phrases, where a 4/4 tune's is four: the phrases' places in a tune mean different things
    (model/decoding/continuation.py tells the two apart by this)."""
    first = min(signatures, key=lambda sig: sig.beat)
    return 4.0 * first.numerator / first.denominator


def check_grid(notes: Iterable[TimedNote], max_off_grid: float) -> None:
    """Skipped unless at most ``max_off_grid`` of the notes' onsets lie off the 16th-note grid."""
    starts = np.array([n.start for n in notes if n.end > n.start]) * STEPS_PER_BEAT
    if not len(starts):
        raise Skipped("no notes")
    if (np.abs(starts - np.round(starts)) > OFF_GRID_TOLERANCE).mean() > max_off_grid:
        raise Skipped(f"over {max_off_grid:.0%} of onsets are off the 16th-note grid (tuplets or unquantized)")


def quantize(notes: Iterable[TimedNote]) -> list[Note]:
    """Notes rounded to the grid, still possibly polyphonic."""
    notes = [n for n in notes if n.end > n.start]
    if not notes:
        raise Skipped("no notes")
    starts = np.array([n.start for n in notes]) * STEPS_PER_BEAT
    ends = np.array([n.end for n in notes]) * STEPS_PER_BEAT
    q_starts = np.round(starts).astype(int)
    q_ends = np.maximum(np.round(ends).astype(int), q_starts + 1)
    return [Note(n.pitch, int(s), int(e)) for n, s, e in zip(notes, q_starts, q_ends)]


def skyline(notes: Iterable[Note]) -> list[Note]:
    """One melody from polyphony: the highest voice, as described in the module docstring."""
    melody: list[Note] = []
    for note in sorted(notes, key=lambda n: (n.start, -n.pitch)):
        if melody:
            last = melody[-1]
            if note.start == last.start or (note.start < last.end and note.pitch < last.pitch):
                continue
            if note.start < last.end:
                melody[-1] = last._replace(end=note.start)
        melody.append(note)
    return melody


def phrase_windows(
    melody: Sequence[Note], origin_step: int, rules: PhraseRules, vocab: Vocabulary
) -> Iterable[Phrase]:
    """Every usable phrase of a piece.

    A note sounding across a window's start is left out of that window, one sounding past its end is cut
    there: each window is exactly what a player starting on that bar would hear.
    """
    if not melody:
        return
    total = max(n.end for n in melody)
    length = rules.steps
    bar = 0
    while origin_step + bar * STEPS_PER_BAR + length <= total:
        start = origin_step + bar * STEPS_PER_BAR
        window = [
            Note(n.pitch, n.start - start, min(n.end, start + length) - start)
            for n in melody
            if start <= n.start < start + length
        ]
        bar_offset = bar
        bar += rules.hop_bars
        if len(window) < rules.min_notes or any(not vocab.low <= n.pitch <= vocab.high for n in window):
            continue
        sounding = sum(n.end - n.start for n in window)
        if 1 - sounding / length > rules.max_silence:
            continue
        earlier = [n.pitch for n in melody if n.start < start]
        yield Phrase(bar_offset, notes_to_tokens(window, length, vocab), earlier[-1] if earlier else None)


def piece_phrases(
    notes: Iterable[TimedNote],
    signatures: Sequence[TimeSignature],
    origin_beat: float,
    rules: PhraseRules,
    vocab: Vocabulary,
    written: Sequence[TimedNote] | None = None,
) -> list[Phrase]:
    """All phrases of one piece; raises Skipped with the reason when the piece is unusable. ``written``: the notes
    as the score writes them, where ``notes`` play its repeats out; their share off the grid decides, as the score's
    tuplets do (counted as played, a strain's twice, a few pieces crossed the limit either way)."""
    check_meter(signatures)
    notes = list(notes)
    check_grid(notes if written is None else written, rules.max_off_grid)
    melody = skyline(quantize(notes))
    origin_step = int(round(origin_beat * STEPS_PER_BEAT))
    found = list(phrase_windows(melody, origin_step, rules, vocab))
    if not found:
        raise Skipped(f"no usable {rules.bars}-bar phrase")
    return found
