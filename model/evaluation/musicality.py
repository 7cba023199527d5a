"""Ear-like measures of a melody stream: is it in key, does it keep its key from phrase to phrase, how far does it
leap at phrase borders against inside phrases, how dense is it, does it come back to what it played, how wide
is its register and does it stay in it, how does it enter what comes back, and does it come home at the end of a
section as tunes do.

``stylevae eval`` applies them to 16-bar streams decoded exactly as the daemon plays a voice and to 16-bar
excerpts of the real test pieces, so the two are read against each other (a number alone says little: real
Palestrina leaps less than real American fiddle tunes).

The scales a passage is held against are the 12 major and 12 harmonic-minor scales (a natural minor passage
fits its relative major). A passage's scale is the one leaving the least note time outside it; ties (common
in short passages) go to the key whose Krumhansl–Kessler profile fits its pitch classes best.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stylevae.model.data.keys import SCALES, estimate_key, key_scores, pitch_class_histogram, scale_mask
from stylevae.model.data.tokens import STEPS_PER_BAR, Note, Vocabulary, tokens_to_notes

OUT_OF_KEY = 0.05  # a window is "out of key" with more than this share of its note time outside its best scale
WINDOW_BARS = 8
NEAR_REPEAT = 0.6  # two phrases "recur" when their onsets overlap this much (intersection over union)
REGISTER_BARS = 4  # the stretches at a stream's start and end whose mean pitches ``register_drift`` compares
SECTION_PHRASES = 4  # two-bar phrases to an 8-bar section, whose last phrase ``cadences`` reads
# the measures of a phrase and the one after it: any two consecutive phrases of a real tune give them
PAIR_MEASURES = ("same_scale", "joint_fit", "border_leap", "inner_leap", "notes_per_bar")
STANDARD_ERRORS = "standard_errors"  # a summary's key for its means' standard errors
NOISE_ERRORS = 2.0  # a gap between two means is taken as more than noise beyond this many standard errors of it

# 24 candidate scales, (12,) masks: major on every tonic, then harmonic minor on every tonic
CANDIDATES = np.array([scale_mask(SCALES["major"], t) for t in range(12)]
                      + [scale_mask(SCALES["harmonic_minor"], t) for t in range(12)])


def best_scale(notes: Sequence[Note]) -> tuple[int, float]:
    """(candidate index, share of note time outside it) of the best-fitting scale; (-1, 0) for no notes."""
    if not notes:
        return -1, 0.0
    histogram = pitch_class_histogram([n.pitch for n in notes], [n.end - n.start for n in notes])
    outside = (histogram[None, :] * ~CANDIDATES).sum(1) / histogram.sum()  # (24,)
    fit = key_scores(histogram).reshape(-1)  # (24,): the major profiles, then the minor ones, by tonic
    best = np.flatnonzero(np.isclose(outside, outside.min()))
    choice = int(best[np.argmax(fit[best])])
    return choice, float(outside[choice])


def windows(notes: Sequence[Note], length: int, steps: int) -> list[list[Note]]:
    """Notes by consecutive windows of ``steps`` steps (a note belongs to the window of its onset)."""
    return [[n for n in notes if start <= n.start < start + steps] for start in range(0, length, steps)]


def out_of_key_share(notes: Sequence[Note], length: int, window_steps: int = WINDOW_BARS * STEPS_PER_BAR) -> float:
    """The share of ``window_steps`` windows (hop: half a window) whose note time is more than OUT_OF_KEY outside
    their best scale."""
    hop = window_steps // 2
    found = [best_scale([n for n in notes if s <= n.start < s + window_steps])[1] > OUT_OF_KEY
             for s in range(0, max(1, length - window_steps + 1), hop)]
    return float(np.mean(found)) if found else 0.0


def same_scale_share(notes: Sequence[Note], length: int, phrase_steps: int) -> float | None:
    """Of consecutive phrases that both have notes, the share whose best scales are the same."""
    scales = [best_scale(w)[0] for w in windows(notes, length, phrase_steps)]
    pairs = [(a, b) for a, b in zip(scales, scales[1:]) if a >= 0 and b >= 0]
    return float(np.mean([a == b for a, b in pairs])) if pairs else None


def joint_fit_share(notes: Sequence[Note], length: int, phrase_steps: int) -> float | None:
    """Of consecutive phrases that both have notes, the share that fit one scale together (their joined note time
    at most OUT_OF_KEY outside it): a gentler reading of "the same key" than equal best scales, which short
    phrases with few notes make noisy."""
    parts = windows(notes, length, phrase_steps)
    pairs = [a + b for a, b in zip(parts, parts[1:]) if a and b]
    return float(np.mean([best_scale(p)[1] <= OUT_OF_KEY for p in pairs])) if pairs else None


def intervals(notes: Sequence[Note], phrase_steps: int) -> tuple[list[int], list[int]]:
    """Signed intervals between consecutive notes: (across a phrase border, inside a phrase)."""
    border, inside = [], []
    for a, b in zip(notes, notes[1:]):
        (border if a.start // phrase_steps != b.start // phrase_steps else inside).append(b.pitch - a.pitch)
    return border, inside


def returns(notes: Sequence[Note], length: int, phrase_steps: int) -> list[bool]:
    """For each phrase after the first, whether it nearly repeats an earlier phrase of the stream: their note
    onsets, as (step in the phrase, pitch), overlap by at least NEAR_REPEAT (intersection over union)."""
    onsets = [{(n.start % phrase_steps, n.pitch) for n in w} for w in windows(notes, length, phrase_steps)]
    return [any(near(onsets[i], onsets[j]) for j in range(i)) for i in range(1, len(onsets))]


def repetition(notes: Sequence[Note], length: int, phrase_steps: int) -> float:
    """The share of phrases (after the first) that nearly repeat an earlier phrase of the stream (``returns``)."""
    found = returns(notes, length, phrase_steps)
    return float(np.mean(found)) if found else 0.0


def section_returns(notes: Sequence[Note], length: int, phrase_steps: int) -> dict[str, float | None]:
    """How 8-bar sections come back: the share of phrases (from the second section on) that nearly repeat the phrase
    a section (SECTION_PHRASES phrases) before, and the share of sections (from the second) all of whose phrases do. A
    strain played twice (AABB) brings all of its phrases back there; single returns here and there (``repetition``)
    do not sound like a section coming back, and the second share tells them apart (real tunes' second 8 bars bring
    back all four phrases of the first or none, seldom some). None for a stream of one section."""
    onsets = [{(n.start % phrase_steps, n.pitch) for n in w} for w in windows(notes, length, phrase_steps)]
    back = [near(onsets[i], onsets[i - SECTION_PHRASES]) for i in range(SECTION_PHRASES, len(onsets))]
    whole = [all(back[k:k + SECTION_PHRASES]) for k in range(0, len(back) - SECTION_PHRASES + 1, SECTION_PHRASES)]
    return {"section_return": float(np.mean(back)) if back else None,
            "whole_section": float(np.mean(whole)) if whole else None}


def return_entries(notes: Sequence[Note], length: int, phrase_steps: int) -> list[int]:
    """The signed intervals into the phrases that come back (``returns``): from the note before such a phrase to its
    first note, as ``intervals`` reads a border."""
    back = returns(notes, length, phrase_steps)
    return [b.pitch - a.pitch for a, b in zip(notes, notes[1:])
            if a.start // phrase_steps < (i := b.start // phrase_steps) and 0 < i <= len(back) and back[i - 1]]


def return_leap(notes: Sequence[Note], length: int, phrase_steps: int) -> float | None:
    """The mean |interval| into the phrases that come back (``return_entries``). A line that brings a phrase back
    enters it from wherever it has got to, unless the phrase before leads into it. None for a stream without a return
    entered from a note."""
    leaps = np.abs(return_entries(notes, length, phrase_steps))
    return float(leaps.mean()) if len(leaps) else None


def near(a: set, b: set) -> bool:
    """Whether two phrases' onsets, sets of (step in the phrase, pitch), overlap by NEAR_REPEAT or more."""
    return bool(a | b) and len(a & b) / len(a | b) >= NEAR_REPEAT


def cadences(notes: Sequence[Note], length: int, phrase_steps: int) -> dict[str, float | None]:
    """How phrases end: the share of those ending an 8-bar section (every SECTION_PHRASES-th) whose last note is the
    stream's tonic, the same share of the other phrases, and the mean length in steps of the sections' last notes
    (up to the phrase's end). A tune comes home at the end of a section, on a longer note (Irish dance, training
    split: 29 % of 8-bar ends on the tonic, 13–15 % of other phrases); a line that draws each phrase as any real
    one ends them all alike. The tonic is the stream's key as Krumhansl–Schmuckler reads it from all its notes.
    None where a stream has no such phrase with a note."""
    found: dict[str, float | None] = {"cadence_tonic": None, "end_tonic": None, "cadence_length": None}
    if not notes:
        return found
    tonic = estimate_key([n.pitch for n in notes], [n.end - n.start for n in notes])[0]
    ends, others, held = [], [], []
    for i, phrase in enumerate(windows(notes, length, phrase_steps)):
        if not phrase:
            continue
        last = phrase[-1]
        at_section_end = i % SECTION_PHRASES == SECTION_PHRASES - 1
        (ends if at_section_end else others).append((last.pitch - tonic) % 12 == 0)
        if at_section_end:
            held.append(min(last.end, (i + 1) * phrase_steps) - last.start)
    for name, values in (("cadence_tonic", ends), ("end_tonic", others), ("cadence_length", held)):
        found[name] = float(np.mean(values)) if values else None
    return found


def register_drift(notes: Sequence[Note], length: int) -> float | None:
    """How far a stream's register moved: |the mean pitch of the notes beginning in its last REGISTER_BARS bars −
    that of its first|. A tune comes back to the register it began in; a line that draws each phrase anew may
    wander off. None for a stream shorter than twice that, or without notes at either end."""
    steps = REGISTER_BARS * STEPS_PER_BAR
    first = [n.pitch for n in notes if n.start < steps]
    last = [n.pitch for n in notes if n.start >= length - steps]
    if length < 2 * steps or not first or not last:
        return None
    return float(abs(np.mean(last) - np.mean(first)))


def stream_measures(tokens: np.ndarray, vocab: Vocabulary, phrase_steps: int) -> dict[str, float | None]:
    """All the measures of one stream of tokens (L,)."""
    notes = tokens_to_notes(tokens, vocab)
    border, inside = (np.abs(found) for found in intervals(notes, phrase_steps))
    return {
        "out_of_key": out_of_key_share(notes, len(tokens)),
        "same_scale": same_scale_share(notes, len(tokens), phrase_steps),
        "joint_fit": joint_fit_share(notes, len(tokens), phrase_steps),
        "border_leap": float(np.mean(border)) if len(border) else None,
        "inner_leap": float(np.mean(inside)) if len(inside) else None,
        "notes_per_bar": len(notes) / (len(tokens) / STEPS_PER_BAR),
        "repetition": repetition(notes, len(tokens), phrase_steps),
        **section_returns(notes, len(tokens), phrase_steps),
        "return_leap": return_leap(notes, len(tokens), phrase_steps),
        "pitch_span": float(max(n.pitch for n in notes) - min(n.pitch for n in notes)) if notes else None,
        "register_drift": register_drift(notes, len(tokens)),
        **cadences(notes, len(tokens), phrase_steps),
    }


def summarise(streams: np.ndarray, vocab: Vocabulary, phrase_steps: int) -> dict:
    """The measures averaged over streams (N, L) (a stream without a value for a measure is left out of it), and
    under ``STANDARD_ERRORS`` each mean's standard error over its streams (None under two values): the dances' test
    pieces give only 10–20 16-bar excerpts, whose share of sections ending on the tonic is then known to ±0.09–0.15,
    so a gap to them is read against its noise."""
    each = [stream_measures(row, vocab, phrase_steps) for row in streams]
    summary: dict = {"streams": len(each)}
    errors: dict[str, float | None] = {}
    for name in each[0] if each else []:
        values = [m[name] for m in each if m[name] is not None]
        summary[name] = float(np.mean(values)) if values else None
        errors[name] = float(np.std(values, ddof=1) / np.sqrt(len(values))) if len(values) > 1 else None
    summary[STANDARD_ERRORS] = errors
    return summary


def beyond_noise(a: float | None, b: float | None, error_a: float | None, error_b: float | None) -> bool:
    """Whether two means lie further apart than NOISE_ERRORS standard errors of their difference (False where any
    is missing)."""
    if a is None or b is None or error_a is None or error_b is None:
        return False
    return abs(a - b) > NOISE_ERRORS * float(np.hypot(error_a, error_b))


def real_excerpts(tokens: np.ndarray, piece: np.ndarray, bar: np.ndarray, phrases: int, phrase_bars: int,
                  per_piece: int = 4) -> np.ndarray:
    """``excerpt_rows``' phrases joined: (n, phrases · T)."""
    rows = excerpt_rows(piece, bar, phrases, phrase_bars, per_piece)
    return tokens[rows].reshape(len(rows), phrases * tokens.shape[1])


def excerpt_rows(piece: np.ndarray, bar: np.ndarray, phrases: int, phrase_bars: int, per_piece: int = 4
                 ) -> np.ndarray:
    """(n, phrases): the rows of excerpts of ``phrases`` consecutive, non-overlapping phrases of the same piece, in
    order. At most ``per_piece`` excerpts of a piece (non-overlapping), so that long pieces do not dominate. Each
    begins on an 8-bar section of its piece (counted from its first bar), where a stream's own sections lie for
    ``cadences``; a section with a phrase missing is passed over."""
    index = {(int(p), int(b)): i for i, (p, b) in enumerate(zip(piece, bar))}
    found = []
    for p in np.unique(piece):
        taken, start = 0, 0
        bars = sorted(int(b) for b in bar[piece == p])
        while taken < per_piece and start <= (bars[-1] if bars else -1):
            rows = [index.get((int(p), start + k * phrase_bars)) for k in range(phrases)]
            if all(r is not None for r in rows):
                found.append(rows)
                taken += 1
                start += phrases * phrase_bars
            else:
                section = SECTION_PHRASES * phrase_bars
                start = (start // section + 1) * section
    return np.array(found, dtype=np.int64).reshape(len(found), phrases)


def next_pairs(piece: np.ndarray, bar: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (i, j) of phrase pairs of the same piece where j starts ``gap`` bars after i."""
    index = {(int(p), int(b)): i for i, (p, b) in enumerate(zip(piece, bar))}
    pairs = [(i, index[p, b + gap]) for (p, b), i in index.items() if (p, b + gap) in index]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first, second = np.array(pairs).T
    return first, second


def consecutive_pairs(tokens: np.ndarray, piece: np.ndarray, bar: np.ndarray, phrase_bars: int) -> np.ndarray:
    """Every two consecutive phrases of a piece on its phrase grid (from its first bar), joined: (n, 2 · T). The
    real reference for ``PAIR_MEASURES``: only the longer pieces give 16-bar excerpts (American fiddle: 10 from
    70 test pieces, their notes per bar 7.5 against 10.2 over all its tunes' pairs), and non-overlapping pairs
    would cross only borders in the middle of a 4-bar span, smoother than those between spans (Irish dance:
    2.25 semitones against 2.69 over every pair)."""
    first, second = next_pairs(piece, bar, phrase_bars)
    on_grid = np.asarray(bar)[first] % phrase_bars == 0
    return np.concatenate([tokens[first[on_grid]], tokens[second[on_grid]]], axis=1)
