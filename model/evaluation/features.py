"""Musical features of phrases, and how far apart two sets of phrases are in them (Yang & Lerch 2018).

Every per-phrase feature is a pure function of one token array (T,) and the vocabulary. To compare a
generated set with a real one, each feature is pooled over the set into samples (e.g. every note length
of every phrase), both sample sets become histograms on shared bins, and the histograms are compared by
their **overlapping area** (1 = same distribution, 0 = disjoint) and by KL divergence.

All features here are integers (steps, semitones, pitch classes, counts), so the histograms use one bin
per integer value: exact, and with no kernel bandwidth to choose, unlike the KDE of the paper.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from stylevae.model.data.tokens import FIRST_PITCH_TOKEN, Vocabulary, tokens_to_notes

# --- per-phrase features ----------------------------------------------------------------------------


def onset_steps(tokens: np.ndarray) -> np.ndarray:
    """Steps at which a note starts: (k,)."""
    return np.flatnonzero(np.asarray(tokens) >= FIRST_PITCH_TOKEN)


def onset_pitches(tokens: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """MIDI pitches of the notes, in order: (k,)."""
    tokens = np.asarray(tokens).astype(np.int64)
    return tokens[tokens >= FIRST_PITCH_TOKEN] - FIRST_PITCH_TOKEN + vocab.low


def pitch_class_histogram(tokens: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """Share of the notes on each pitch class C..B: (12,), summing to 1 (all zero without notes)."""
    counts = np.bincount(onset_pitches(tokens, vocab) % 12, minlength=12).astype(np.float64)
    return counts / counts.sum() if counts.sum() else counts


def pitch_range(tokens: np.ndarray, vocab: Vocabulary) -> int:
    """Highest minus lowest pitch in semitones (0 for fewer than two notes)."""
    pitches = onset_pitches(tokens, vocab)
    return int(pitches.max() - pitches.min()) if len(pitches) else 0


def pitch_intervals(tokens: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """Signed semitones from each note to the next: (k-1,)."""
    return np.diff(onset_pitches(tokens, vocab))


def note_lengths(tokens: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """Length of every note in steps (a note still sounding at the end is cut there): (k,)."""
    return np.array([n.end - n.start for n in tokens_to_notes(tokens, vocab)], dtype=np.int64)


def inter_onset_intervals(tokens: np.ndarray) -> np.ndarray:
    """Steps from each onset to the next: (k-1,)."""
    return np.diff(onset_steps(tokens))


def note_density(tokens: np.ndarray) -> int:
    """Notes per phrase; phrases have a fixed length, so this is the density."""
    return len(onset_steps(tokens))


def pitch_per_step(tokens: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """The sounding pitch at every step, NaN in silence: (T,). The melody's contour on the grid."""
    contour = np.full(len(tokens), np.nan)
    for note in tokens_to_notes(tokens, vocab):
        contour[note.start : note.end] = note.pitch
    return contour


# --- pooled over a set of phrases -------------------------------------------------------------------

Pooled = Callable[[np.ndarray, Vocabulary], np.ndarray]

FEATURES: dict[str, Pooled] = {
    "pitch_class": lambda t, v: onset_pitches(t, v) % 12,
    "pitch_range": lambda t, v: np.array([pitch_range(t, v)]),
    "pitch_interval": pitch_intervals,
    "note_length": note_lengths,
    "inter_onset_interval": lambda t, v: inter_onset_intervals(t),
    "note_density": lambda t, v: np.array([note_density(t)]),
}
FEATURE_UNITS = {
    "pitch_class": "pitch class (0 = C)",
    "pitch_range": "semitones per phrase",
    "pitch_interval": "semitones",
    "note_length": "steps (16ths)",
    "inter_onset_interval": "steps (16ths)",
    "note_density": "notes per phrase",
}


def feature_samples(phrases: np.ndarray, vocab: Vocabulary) -> dict[str, np.ndarray]:
    """phrases (n, T) -> for every feature, its values pooled over the set (1-D integer arrays)."""
    pooled: dict[str, list[np.ndarray]] = {name: [] for name in FEATURES}
    for phrase in phrases:
        for name, feature in FEATURES.items():
            pooled[name].append(np.asarray(feature(phrase, vocab), dtype=np.int64))
    return {name: np.concatenate(parts) if parts else np.zeros(0, np.int64) for name, parts in pooled.items()}


# --- comparing two sample sets ----------------------------------------------------------------------


def integer_bins(*samples: np.ndarray) -> np.ndarray:
    """Bin edges with one bin per integer value, covering all the samples given."""
    values = np.concatenate([np.asarray(s).ravel() for s in samples])
    low, high = (int(values.min()), int(values.max())) if len(values) else (0, 0)
    return np.arange(low, high + 2) - 0.5


def histogram(samples: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The normalised histogram (sums to 1) of samples on the edges."""
    counts, _ = np.histogram(samples, bins=edges)
    return counts / counts.sum()


def overlapping_area(a: np.ndarray, b: np.ndarray) -> float:
    """Overlapping area of the two samples' integer histograms, in [0, 1]; NaN if either is empty."""
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    edges = integer_bins(a, b)
    return float(np.minimum(histogram(a, edges), histogram(b, edges)).sum())


def kl_divergence(p_samples: np.ndarray, q_samples: np.ndarray, pseudo_count: float = 0.5) -> float:
    """KL(P ‖ Q) in nats between two samples' integer histograms, smoothed so an empty bin of Q is finite."""
    if len(p_samples) == 0 or len(q_samples) == 0:
        return float("nan")
    edges = integer_bins(p_samples, q_samples)
    p = np.histogram(p_samples, bins=edges)[0] + pseudo_count
    q = np.histogram(q_samples, bins=edges)[0] + pseudo_count
    p, q = p / p.sum(), q / q.sum()
    return float((p * np.log(p / q)).sum())


def compare_samples(real: dict[str, np.ndarray], other: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Two sets' ``feature_samples`` -> per feature: overlapping area and KL(real ‖ other)."""
    return {
        name: {"overlap": overlapping_area(real[name], other[name]), "kl": kl_divergence(real[name], other[name])}
        for name in FEATURES
    }


# --- similarity of a phrase and its restyled version ------------------------------------------------


def onset_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Share of steps on which both phrases agree about whether a note starts: rhythm similarity."""
    return float(((np.asarray(a) >= FIRST_PITCH_TOKEN) == (np.asarray(b) >= FIRST_PITCH_TOKEN)).mean())


def contour_correlation(a: np.ndarray, b: np.ndarray, vocab: Vocabulary) -> float:
    """Pearson correlation of the sounding pitches over the steps where both sound; NaN if undefined
    (fewer than 3 shared steps or a flat line), so transposition and register do not count, shape does."""
    pa, pb = pitch_per_step(a, vocab), pitch_per_step(b, vocab)
    both = ~np.isnan(pa) & ~np.isnan(pb)
    if both.sum() < 3 or np.ptp(pa[both]) == 0 or np.ptp(pb[both]) == 0:
        return float("nan")
    return float(np.corrcoef(pa[both], pb[both])[0, 1])
