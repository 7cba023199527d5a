"""Keys and scales: what a piece is in, what a performer asks for, and the pitch classes a scale allows.

A key is a tonic (pitch class 0–11, C = 0) and a scale (a set of pitch classes above the tonic). The model
works key-relative: its training phrases are transposed so that every piece's tonic is C, so a style's
scale-degree patterns are learned once instead of twelve times, and the daemon transposes what it decodes
to the key asked for. Besides the tonic, the decoder is told the key's *mode family* — major (a major third
above the tonic) or minor (a minor third) — since the same degrees sound different in the two.

Pieces get their key from the score where music21 has one (an ABC ``K:`` field with its mode, a Humdrum
``*G:`` interpretation), from the key signature where only that is written (the signature's major or its
relative minor, whichever fits the melody better), else from a key-finding estimate over the whole melody
(Krumhansl–Schmuckler with the Krumhansl–Kessler profiles).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

PITCH_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_LETTER = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}

# Intervals above the tonic, in semitones. Live 12's scale menu sends its own names (normalised by
# ``scale_intervals``'s caller) with their intervals, so any pitch-class set is accepted besides these.
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
    "melodic_minor": (0, 2, 3, 5, 7, 9, 11),
    "ionian": (0, 2, 4, 5, 7, 9, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "aeolian": (0, 2, 3, 5, 7, 8, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
    "major_pentatonic": (0, 2, 4, 7, 9),
    "minor_pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
    "major_blues": (0, 2, 3, 4, 7, 9),
    "minor_blues": (0, 3, 5, 6, 7, 10),  # Live 12's name for the blues scale
    "harmonic_major": (0, 2, 4, 5, 7, 8, 11),
    "phrygian_dominant": (0, 1, 4, 5, 7, 8, 10),
    "lydian_dominant": (0, 2, 4, 6, 7, 9, 10),
    "super_locrian": (0, 1, 3, 4, 6, 8, 10),
    "hungarian_minor": (0, 2, 3, 6, 7, 8, 11),
    "whole_tone": (0, 2, 4, 6, 8, 10),
    "chromatic": tuple(range(12)),
}
MODES = ("major", "minor")  # the mode families the decoder is conditioned on

# Krumhansl & Kessler (1982) key profiles, as tabulated in Krumhansl, "Cognitive Foundations of Musical
# Pitch" (1990), table 4.1; index 0 is the tonic.
_KK_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_KK_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


class ScaleError(ValueError):
    """A key or scale that cannot be used; the message lists what is allowed."""


@dataclass(frozen=True)
class Key:
    """A tonic and the pitch classes of a scale above it."""

    tonic: int
    intervals: tuple[int, ...]
    name: str = ""  # the scale's name where it has one ("" for a bare pitch-class set)

    @property
    def mode(self) -> str:
        """The mode family: minor when the scale has a minor third and no major third, else major."""
        return mode_family(self.intervals)

    def pitch_classes(self) -> frozenset[int]:
        return frozenset((self.tonic + i) % 12 for i in self.intervals)

    def describe(self) -> str:
        scale = self.name or "{" + ",".join(map(str, self.intervals)) + "}"
        return f"{PITCH_NAMES[self.tonic]} {scale}"


def mode_family(intervals: Iterable[int]) -> str:
    pcs = {i % 12 for i in intervals}
    return "minor" if 3 in pcs and 4 not in pcs else "major"


def normalise_scale_name(name: str) -> str:
    """``"Harmonic Minor"``, ``"harmonic-minor"`` -> ``harmonic_minor``."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def make_key(tonic: int, scale: str | Sequence[int]) -> Key:
    """A key from a tonic 0–11 and a scale name or a set of intervals above the tonic; raises ScaleError."""
    if isinstance(tonic, bool) or not isinstance(tonic, (int, np.integer)) or not 0 <= tonic <= 11:
        raise ScaleError(f"root {tonic!r} is out of range 0..11 (0 = C, 11 = B)")
    if isinstance(scale, str):
        name = normalise_scale_name(scale)
        if name not in SCALES:
            raise ScaleError(f"unknown scale {scale!r}; scales are: {', '.join(SCALES)}, or a list of intervals 0..11")
        return Key(int(tonic), SCALES[name], name)
    values = list(scale)
    if not values:
        raise ScaleError("an empty pitch-class set: give a scale name or intervals 0..11 (e.g. 0 2 4 5 7 9 11)")
    if any(isinstance(v, bool) or int(v) != v or not 0 <= v <= 11 for v in values):
        raise ScaleError(f"intervals {values} must be whole numbers 0..11")
    intervals = tuple(sorted({int(v) for v in values} | {0}))
    named = next((n for n, iv in SCALES.items() if iv == intervals), "")
    return Key(int(tonic), intervals, named)


def parse_tonic(text: str) -> int:
    """``"D"``, ``"f#"``, ``"Bb"`` or ``"2"`` -> a pitch class; raises ScaleError."""
    text = text.strip()
    if text.isdigit():
        return make_key(int(text), "chromatic").tonic
    match = re.fullmatch(r"([A-Ga-g])([#b♯♭]*)", text)
    if match is None:
        raise ScaleError(f"cannot read the key {text!r}: write a note name (C, F#, Bb) or 0..11")
    shift = sum(1 if c in "#♯" else -1 for c in match.group(2))
    return (_LETTER[match.group(1).upper()] + shift) % 12


def pitch_class_histogram(pitches: Sequence[int], durations: Sequence[float] | None = None) -> np.ndarray:
    """Duration-weighted pitch-class histogram (12,)."""
    weights = np.ones(len(pitches)) if durations is None else np.asarray(durations, dtype=float)
    return np.bincount(np.asarray(pitches, dtype=int) % 12, weights=weights, minlength=12)


def key_scores(histogram: np.ndarray) -> np.ndarray:
    """Correlation of a pitch-class histogram with every key profile: (2, 12), [mode index, tonic]."""
    scores = np.full((2, 12), -1.0)
    if histogram.sum() <= 0 or np.allclose(histogram, histogram[0]):
        return scores
    for m, profile in enumerate((_KK_MAJOR, _KK_MINOR)):
        for tonic in range(12):
            scores[m, tonic] = np.corrcoef(histogram, np.roll(profile, tonic))[0, 1]
    return scores


def estimate_key(pitches: Sequence[int], durations: Sequence[float] | None = None) -> tuple[int, str]:
    """(tonic, "major" | "minor") that best fits a melody, Krumhansl–Schmuckler."""
    scores = key_scores(pitch_class_histogram(pitches, durations))
    mode, tonic = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return int(tonic), MODES[int(mode)]


def key_from_signature(sharps: int, histogram: np.ndarray, final: int | None = None) -> tuple[int, str]:
    """The key signature's major or its relative minor: the one whose tonic the melody ends on, else the one
    the melody's pitch classes fit better (tunes of these traditions end on their tonic far more often than
    not, which separates G major from E minor where the pitch classes alone barely can)."""
    major = (7 * sharps) % 12
    minor = (major + 9) % 12
    if final is not None and final % 12 in (major, minor):
        return (major, "major") if final % 12 == major else (minor, "minor")
    scores = key_scores(histogram)
    return (minor, "minor") if scores[1, minor] > scores[0, major] else (major, "major")


def scale_mask(intervals: Iterable[int], tonic: int = 0) -> np.ndarray:
    """(12,) booleans: the pitch classes of the scale on ``tonic``."""
    mask = np.zeros(12, dtype=bool)
    for i in intervals:
        mask[(tonic + i) % 12] = True
    return mask


def out_of_scale_share(pitches: Sequence[int], durations: Sequence[float], pcs: frozenset[int]) -> float:
    """The share of note time on pitch classes outside ``pcs``."""
    total = float(sum(durations))
    if total <= 0:
        return 0.0
    return sum(d for p, d in zip(pitches, durations) if p % 12 not in pcs) / total


def relative_shift(tonic: int) -> int:
    """The shift in −5..6 semitones that brings ``tonic`` to C (the smallest move, so the register stays)."""
    shift = -tonic % 12
    return shift - 12 if shift > 6 else shift


@dataclass(frozen=True)
class PieceKey:
    """A piece's key as stored in the data manifest; ``source`` says where it came from."""

    tonic: int
    mode: str  # "major", "minor", or a church mode's name as the score wrote it
    source: str  # "score", "signature" or "estimate"

    @property
    def family(self) -> str:
        return mode_family(SCALES.get(self.mode, SCALES["major"])) if self.mode not in MODES else self.mode


def piece_key(
    pitches: Sequence[int], durations: Sequence[float], declared: tuple[int, str] | None = None,
    sharps: int | None = None,
) -> PieceKey:
    """The key a piece is in (``pitches`` in time order).

    A church mode the score declares (an ABC ``K:A dorian``) is taken as written. A declared major or minor key
    says little more than its signature — ABC writes ``K:G`` for many E-minor tunes — so it, or a bare
    signature (``sharps``: sharps positive, flats negative), is resolved between the signature's major and
    relative minor by the melody (``key_from_signature``). Without either, the key is estimated from the notes.
    """
    histogram = pitch_class_histogram(pitches, durations)
    final = pitches[-1] if len(pitches) else None
    if declared is not None:
        tonic, mode = int(declared[0]) % 12, normalise_scale_name(declared[1]) or "major"
        mode = {"ionian": "major", "aeolian": "minor"}.get(mode, mode)
        if mode in SCALES and mode not in MODES:
            return PieceKey(tonic, mode, "score")
        if mode in MODES:
            sharps = ((tonic + (3 if mode == "minor" else 0)) * 7) % 12  # the signature of the declared key
            sharps = sharps - 12 if sharps > 6 else sharps
            return PieceKey(*key_from_signature(sharps, histogram, final), "score")
    if sharps is not None:
        return PieceKey(*key_from_signature(sharps, histogram, final), "signature")
    return PieceKey(*estimate_key(pitches, durations), "estimate")
