"""How a melodic line moves from phrase to phrase in content space, learned from real tunes.

Two things the decoder alone does not know, fitted after training from the training split's posterior means
μ (the encoder's z_c) and kept beside the checkpoint in ``latents.safetensors``:

* **where to start** — a bank of μ of real phrases per style. A z_c drawn from N(0, I) lands where the
  decoder has seen little (the aggregate posterior is far from the prior in a model trained with a small
  β), so a line starts from a real phrase's content instead.
* **what comes back** — per style, how often a real tune's phrase nearly repeats the one 1 to 4 phrases
  before it (AABA, AABB: ``musicality``'s near-repeat, onsets overlapping by 60 %; 4 back is an 8-bar
  section coming back, the commonest repeat of Irish and Scottish tunes after 2 back). A line repeats an
  earlier phrase of its own with those probabilities — the same content, seed and first note, so the same
  phrase — and otherwise moves on.
* **how to go on** — per style, a linear-Gaussian model of the next phrase's μ given this one's,
  ``μ' = A μ + b + s ⊙ ε``, fitted by ridge regression on consecutive, non-overlapping phrases of the same
  piece (bar b and b + phrase length). This is the spirit of MusicVAE's hierarchical conductor, at the cost
  of a least-squares fit: phrases that follow each other in real tunes (same key, motifs that come back)
  are near each other in z_c, and the fit learns that nearness instead of a blind random walk.
  A line's ``variation`` v moves it ``z + v · (μ' − z)``: 0 repeats the phrase, 1 takes the learned step.
* **how to cross the border** — per style, how far the first note of a phrase moves from the note before
  it. The decoder was trained with the posterior z_c of each real phrase, which already knows its first
  note; a z_c stepped to by the line does not know the note the line actually ended on, so left alone the
  decoder leaps at phrase borders more than real tunes do (even given the real tunes' own z_c). The fix is a
  density ratio per signed interval: real tunes' border intervals (a training phrase's first note against
  ``before``) over those of the line played without it, applied to the first note-on of each phrase
  (``border_weights``; the note-on mass itself is kept, so rhythm is untouched).

A checkpoint without the file (trained before this existed) starts from N(0, I) and walks at random, as it
did; ``load`` says so in one line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from stylevae.model.data.tokens import FIRST_PITCH_TOKEN, Vocabulary, tokens_to_notes
from stylevae.model.evaluation.musicality import near

LATENTS = "latents.safetensors"
BANK_PER_STYLE = 256
REPEAT_LAGS = 4  # a phrase may come back 1 to 4 phrases later (two-bar phrases: up to an 8-bar section)
RIDGE = 0.01  # ridge penalty per pair: a light hold on 256 × 256 weights fitted from tens of thousands of pairs
BORDER_SPAN = 12  # border intervals beyond an octave either way share the edge bins
BORDER_CLIP = 8.0  # the border ratio stays within [1/8, 8]: a nudge from counts, never a ban


@dataclass
class Continuation:
    z_content: int
    bank: np.ndarray | None = None  # (N, z_content) float32
    bank_style: np.ndarray | None = None  # (N,) int64
    transition: np.ndarray | None = None  # (S, z_content, z_content): μ' ≈ μ @ transition[s] + bias[s]
    bias: np.ndarray | None = None  # (S, z_content)
    scale: np.ndarray | None = None  # (S, z_content): the residual's standard deviation
    repeat: np.ndarray | None = None  # (S, REPEAT_LAGS): P(a phrase repeats the one `lag` phrases back)
    border: np.ndarray | None = None  # (S, 2·BORDER_SPAN + 1): real / played border intervals, by signed interval

    @property
    def learned(self) -> bool:
        return self.transition is not None and self.bank is not None

    def initial(self, style: int, rng: np.random.Generator) -> np.ndarray:
        """A line's first z_c: a real phrase's μ of the style, else a draw from N(0, I)."""
        if self.bank is not None:
            rows = np.flatnonzero(self.bank_style == style)
            if len(rows):
                return self.bank[rows[rng.integers(len(rows))]].copy()
        return rng.standard_normal(self.z_content).astype(np.float32)

    def step(self, z: np.ndarray, variation: float, rng: np.random.Generator, style: int) -> np.ndarray:
        """The next phrase's z_c (see the module docstring); without a fit, the old prior-keeping random walk."""
        if variation <= 0:
            return z
        noise = rng.standard_normal(z.shape).astype(np.float32)
        if self.transition is None:
            return (math.sqrt(max(0.0, 1.0 - variation**2)) * z + variation * noise).astype(np.float32)
        target = z @ self.transition[style] + self.bias[style] + self.scale[style] * noise
        return (z + variation * (target - z)).astype(np.float32)

    def repeat_lag(self, style: int, rng: np.random.Generator, available: int) -> int:
        """How many phrases back the next phrase repeats (0: it does not), drawn with the style's rates; only
        lags with that many phrases behind. One uniform draw either way, so a line's later draws do not depend
        on whether it repeated."""
        draw = rng.random()
        if self.repeat is None:
            return 0
        for lag in range(1, min(available, self.repeat.shape[1]) + 1):
            p = float(self.repeat[style, lag - 1])
            if draw < p:
                return lag
            draw -= p
        return 0

    def border_weights(self, style: int, pitch: int | None, vocab: Vocabulary) -> np.ndarray | None:
        """Weights (V,) for a phrase's first note-on after ``pitch`` (None: no note before, or no fit): the
        style's border ratio at each pitch token's interval from ``pitch``, 1 for every other token."""
        if self.border is None or pitch is None:
            return None
        weights = np.ones(vocab.size)
        weights[FIRST_PITCH_TOKEN:] = self.border[style][border_bins(np.arange(vocab.low, vocab.high + 1) - pitch)]
        return weights

    def save(self, folder: Path) -> None:
        if not self.learned:
            return
        tensors = {"bank": self.bank, "bank_style": self.bank_style, "transition": self.transition,
                   "bias": self.bias, "scale": self.scale}
        for name in ("repeat", "border"):
            if getattr(self, name) is not None:
                tensors[name] = getattr(self, name)
        save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(Path(folder) / LATENTS))


def load(folder: Path | None, z_content: int) -> Continuation:
    """The latents beside a checkpoint; without the file, a Continuation that is not ``learned``."""
    path = None if folder is None else Path(folder) / LATENTS
    if path is None or not path.is_file():
        return Continuation(z_content)
    try:
        t = load_file(str(path))
        found = Continuation(z_content, t["bank"], t["bank_style"].astype(np.int64), t["transition"], t["bias"],
                             t["scale"], t.get("repeat"), t.get("border"))
    except (SafetensorError, OSError, KeyError, ValueError) as exc:
        raise ValueError(f"{path}: unreadable phrase-continuation latents ({exc})") from None
    if found.bank.shape[1] != z_content or found.transition.shape[1:] != (z_content, z_content):
        raise ValueError(f"{path}: latents of width {found.bank.shape[1]} for a model whose z_c has {z_content}")
    return found


def border_bins(intervals: np.ndarray) -> np.ndarray:
    return np.clip(intervals, -BORDER_SPAN, BORDER_SPAN) + BORDER_SPAN


def border_ratio(real: np.ndarray, played: np.ndarray) -> np.ndarray:
    """(2·BORDER_SPAN + 1,): how much likelier each signed border interval is in real tunes than in the played
    line, from counts with one added to every bin (so a bin neither saw is left at 1), clipped."""
    size = 2 * BORDER_SPAN + 1
    p_real = np.bincount(border_bins(np.asarray(real, dtype=np.int64)), minlength=size) + 1.0
    p_played = np.bincount(border_bins(np.asarray(played, dtype=np.int64)), minlength=size) + 1.0
    ratio = (p_real / p_real.sum()) / (p_played / p_played.sum())
    return np.clip(ratio, 1 / BORDER_CLIP, BORDER_CLIP).astype(np.float32)


def real_border_intervals(tokens: np.ndarray, before: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """Signed intervals from the note before each phrase to its first note (phrases with both)."""
    found = []
    for row, pitch in zip(tokens, before):
        onsets = np.flatnonzero(row >= FIRST_PITCH_TOKEN)
        if pitch >= 0 and len(onsets):
            found.append(vocab.pitch(int(row[onsets[0]])) - int(pitch))
    return np.array(found, dtype=np.int64)


def next_pairs(piece: np.ndarray, bar: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (i, j) of phrase pairs of the same piece where j starts ``gap`` bars after i."""
    index = {(int(p), int(b)): i for i, (p, b) in enumerate(zip(piece, bar))}
    pairs = [(i, index[p, b + gap]) for (p, b), i in index.items() if (p, b + gap) in index]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first, second = np.array(pairs).T
    return first, second


def repeat_rates(tokens: np.ndarray, style: np.ndarray, piece: np.ndarray, bar: np.ndarray, n_styles: int,
                 gap: int, vocab: Vocabulary) -> np.ndarray:
    """(S, REPEAT_LAGS): per style, the share of phrases whose nearest earlier near-repeat is ``lag`` phrases
    back (phrases ``gap`` bars apart in the same piece, the lag-th one before present)."""
    index = {(int(p), int(b)): i for i, (p, b) in enumerate(zip(piece, bar))}
    onsets = [{(n.start, n.pitch) for n in tokens_to_notes(row, vocab)} for row in tokens]
    counts = np.zeros((n_styles, REPEAT_LAGS))
    totals = np.zeros(n_styles)
    for (p, b), i in index.items():
        earlier = [index.get((p, b - lag * gap)) for lag in range(1, REPEAT_LAGS + 1)]
        if earlier[-1] is None:
            continue
        totals[style[i]] += 1
        lag = next((k for k, j in enumerate(earlier, start=1) if j is not None and near(onsets[i], onsets[j])), 0)
        if lag:
            counts[style[i], lag - 1] += 1
    return (counts / np.maximum(totals, 1)[:, None]).astype(np.float32)


def fit(mu: np.ndarray, style: np.ndarray, piece: np.ndarray, bar: np.ndarray, n_styles: int, gap: int,
        seed: int = 0, tokens: np.ndarray | None = None, vocab: Vocabulary | None = None) -> Continuation:
    """Bank and per-style transition from posterior means ``mu`` (n, z_content) of a training split; with its
    ``tokens``, the repeat rates too."""
    rng = np.random.default_rng(seed)
    z = mu.shape[1]
    bank, bank_style = [], []
    transition = np.zeros((n_styles, z, z), dtype=np.float32)
    bias = np.zeros((n_styles, z), dtype=np.float32)
    scale = np.ones((n_styles, z), dtype=np.float32)
    first, second = next_pairs(piece, bar, gap)
    for s in range(n_styles):
        rows = np.flatnonzero(style == s)
        chosen = rng.choice(rows, size=min(BANK_PER_STYLE, len(rows)), replace=False)
        bank.append(mu[chosen])
        bank_style.append(np.full(len(chosen), s))
        mine = style[first] == s
        x, y = mu[first[mine]].astype(np.float64), mu[second[mine]].astype(np.float64)
        if len(x) < 2 * z:  # too few pairs for a fit of this width: stay put, with the style's spread as noise
            transition[s] = np.eye(z)
            scale[s] = mu[rows].std(0) if len(rows) > 1 else 1.0
            continue
        design = np.hstack([x, np.ones((len(x), 1))])
        penalty = RIDGE * len(x) * np.eye(z + 1)
        penalty[-1, -1] = 0.0  # the bias is not shrunk
        weights = np.linalg.solve(design.T @ design + penalty, design.T @ y)
        transition[s], bias[s] = weights[:-1], weights[-1]
        scale[s] = (y - design @ weights).std(0)
    repeat = None if tokens is None else repeat_rates(tokens, style, piece, bar, n_styles, gap, vocab)
    return Continuation(z, np.concatenate(bank).astype(np.float32), np.concatenate(bank_style).astype(np.int64),
                        transition, bias, scale, repeat)


@torch.no_grad()
def posterior_means(model: torch.nn.Module, tokens: np.ndarray, batch: int = 1024) -> np.ndarray:
    device = next(model.parameters()).device
    parts = [model.encode(torch.as_tensor(tokens[i : i + batch], dtype=torch.long, device=device)).mu.cpu().numpy()
             for i in range(0, len(tokens), batch)]
    return np.concatenate(parts).astype(np.float32)
