"""The generation API of the command line and the evaluation: style mixes, keys, chained phrases, restyle.

A style is given as weights over the model's styles: a one-hot picks one, any other non-negative mix
blends them through the codebook. Every melody is decoded by ``decoder`` exactly as the daemon's
voices decode theirs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from stylevae.model.data.keys import Key, estimate_key, make_key, relative_shift
from stylevae.model.data.tokens import FIRST_PITCH_TOKEN, Vocabulary, tokens_to_notes
from stylevae.model.decoding import playing
from stylevae.model.decoding.decoder import Rules, key_plan, stream
from stylevae.model.network.checkpoint import Checkpoint
from stylevae.model.network.vae import StyleVAE


class GenerationError(ValueError):
    """A bad style, weight or temperature; the message lists what is allowed."""


def style_weights(styles: Sequence[str], choice: str | int | Mapping[str, float] | Sequence[float]) -> Tensor:
    """Normalised weights (S,) from a style name, an index, a {name: weight} map or one weight per style.

    Text form for the CLI: ``"irish_dance"`` or ``"irish_dance:0.7,bach_chorale:0.3"``.
    """
    n = len(styles)
    if isinstance(choice, str) and ":" in choice:
        try:
            pairs = [item.split(":") for item in choice.split(",")]
            choice = {name.strip(): float(weight) for name, weight in pairs}
        except ValueError:
            raise GenerationError(f"cannot read the mix {choice!r}: write name:weight,name:weight") from None
    if isinstance(choice, str):
        if choice not in styles:
            raise GenerationError(f"unknown style {choice!r}; styles are: {', '.join(styles)}")
        choice = styles.index(choice)
    if isinstance(choice, int):
        if not 0 <= choice < n:
            raise GenerationError(f"style index {choice} is out of range 0..{n - 1} ({', '.join(styles)})")
        return F.one_hot(torch.tensor(choice), n).float()
    if isinstance(choice, Mapping):
        unknown = [name for name in choice if name not in styles]
        if unknown:
            raise GenerationError(f"unknown style(s) {', '.join(unknown)}; styles are: {', '.join(styles)}")
        choice = [float(choice.get(name, 0.0)) for name in styles]
    weights = [float(w) for w in choice]
    if len(weights) != n:
        raise GenerationError(f"{len(weights)} weights given, the model has {n} styles ({', '.join(styles)})")
    if any(not math.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
        raise GenerationError("style weights must be finite, non-negative and sum to a positive number")
    total = sum(weights)
    return torch.tensor([w / total for w in weights])


def check_temperature(temperature: float) -> float:
    if not math.isfinite(temperature) or temperature <= 0:
        raise GenerationError(f"temperature must be a positive number, got {temperature}")
    return float(temperature)


def output_tokens(tokens: np.ndarray, shift: int, vocab: Vocabulary) -> np.ndarray:
    """Decoded tokens (decoder pitch space) moved by ``shift`` semitones into the key asked for; a note the shift
    would push out of the vocabulary moves an octave back."""
    pitched = tokens >= FIRST_PITCH_TOKEN
    moved = np.where(pitched, tokens + shift, tokens)
    moved = np.where(pitched & (moved >= vocab.size), moved - 12, moved)
    return np.where(pitched & (moved < FIRST_PITCH_TOKEN), moved + 12, moved)


def generate(
    ckpt: Checkpoint,
    weights: np.ndarray | Tensor,
    phrases: int = 1,
    key: Key | Sequence[Key] | None = None,
    rules: Rules | None = None,
    variation: float = playing.VARIATION,
    seed: int | None = None,
    contents: np.ndarray | None = None,
) -> np.ndarray:
    """Melodies for style weights (B, S): ``phrases`` chained phrases per row, played as the daemon plays a voice
    with these settings (``decoding.stream``), in ``key`` (one for all rows, or one per row; default: each row's
    heaviest style's most common key): tokens (B, phrases · steps). ``contents`` (B, z_content): the first
    phrase's z_c (restyle)."""
    weights = np.asarray(weights, dtype=np.float32)
    rules = rules or Rules(playing.TEMPERATURE, playing.DENSITY, playing.LOCK, top_p=playing.TOP_P)
    per_row = key if isinstance(key, Sequence) else [key] * len(weights)
    keys = [k or ckpt.style_key(int(np.argmax(w))) for k, w in zip(per_row, weights)]
    seeds = np.random.default_rng(seed).integers(2**63, size=len(weights))
    tokens = stream(ckpt.model, ckpt.vocab, ckpt.continuation, weights, keys, phrases, ckpt.steps,
                    [rules] * len(weights), variation, [int(s) for s in seeds], contents)
    shifts = [key_plan(ckpt.model, k).shift for k in keys]
    return np.stack([output_tokens(row, shift, ckpt.vocab) for row, shift in zip(tokens, shifts)])


def to_decoder_space(ckpt: Checkpoint, tokens: np.ndarray) -> tuple[np.ndarray, Key]:
    """Phrases of one tune (k, T) as a key-relative model encodes them, and the tune's key (estimated)."""
    notes = [n for row in tokens for n in tokens_to_notes(row, ckpt.vocab)]
    tonic, mode = estimate_key([n.pitch for n in notes], [n.end - n.start for n in notes]) if notes else (0, "major")
    key = make_key(tonic, mode)
    if not ckpt.model.config.key_relative:
        return tokens, key
    return output_tokens(tokens, relative_shift(tonic), ckpt.vocab), key


def restyle(
    ckpt: Checkpoint,
    tokens: np.ndarray,
    weights: np.ndarray | Tensor,
    temperature: float = playing.RESTYLE_TEMPERATURE,
    seed: int | None = None,
) -> np.ndarray:
    """The consecutive phrases of one tune (k, T) re-played in another style: each phrase's mean z_c is kept,
    z_s swapped, decoded in the tune's own (estimated) key; tokens (k, T)."""
    inside, key = to_decoder_space(ckpt, np.asarray(tokens))
    with torch.no_grad():
        contents = ckpt.model.encode(torch.as_tensor(inside, dtype=torch.long)).mu.numpy()
    weights = np.broadcast_to(np.asarray(weights, dtype=np.float32), (len(inside), len(ckpt.styles)))
    rules = Rules(check_temperature(temperature), playing.DENSITY, playing.LOCK, top_p=playing.TOP_P)
    return generate(ckpt, weights, 1, key, rules, 0.0, seed, contents)


@torch.no_grad()
def classify(model: StyleVAE, tokens: Tensor) -> Tensor:
    """The encoder's style probabilities (B, S); StyleVAE only."""
    logits = model.encode(tokens).style_logits
    if logits is None:
        raise GenerationError("the baseline model has no style head")
    return F.softmax(logits, dim=-1)
