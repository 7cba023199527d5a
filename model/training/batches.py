"""What a model is fed: style-balanced draws, augmentation, and phrases in the form a model reads them.

Shared by training, the independent style classifier and the evaluation, so none of them imports another's
machinery.
"""

from __future__ import annotations

import numpy as np
import torch

from stylevae.model.data import dataset
from stylevae.model.data.tokens import FIRST_PITCH_TOKEN
from stylevae.model.network.vae import StyleVAE


def augment(tokens: torch.Tensor, max_shift: int, vocab_size: int, generator: torch.Generator) -> torch.Tensor:
    """Each phrase transposed by a random shift in ±max_shift that keeps all its notes in range."""
    if max_shift <= 0:
        return tokens
    pitched = tokens >= FIRST_PITCH_TOKEN
    low = torch.where(pitched, tokens, torch.full_like(tokens, vocab_size)).min(1).values
    high = torch.where(pitched, tokens, torch.zeros_like(tokens)).max(1).values
    lo = torch.clamp(FIRST_PITCH_TOKEN - low, min=-max_shift, max=0)
    hi = torch.clamp(vocab_size - 1 - high, min=0, max=max_shift)
    shift = lo + (torch.rand(len(tokens), generator=generator) * (hi - lo + 1)).long().clamp(max=hi - lo)
    return torch.where(pitched, tokens + shift[:, None], tokens)


def balanced_indices(styles: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` phrase indices drawn so that every style is equally likely."""
    per_style = np.bincount(styles)
    weights = 1.0 / per_style[styles]
    return rng.choice(len(styles), size=count, replace=True, p=weights / weights.sum())


def model_view(model: StyleVAE, data: dataset.PhraseSet) -> dataset.PhraseSet:
    """The phrases as the model sees them: transposed to a tonic of C for a key-relative model."""
    return dataset.key_relative(data) if model.config.key_relative else data


def batch_inputs(
    model: StyleVAE, data: dataset.PhraseSet, rows: np.ndarray | slice, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
    """(tokens, styles, modes, first inputs) of some phrases of ``model_view`` data, for ``StyleVAE.forward``."""
    tokens = torch.as_tensor(data.tokens[rows], dtype=torch.long, device=device)
    styles = torch.as_tensor(data.style[rows], device=device)
    if not model.config.key_relative:
        return tokens, styles, None, None
    modes = torch.as_tensor(data.mode[rows], device=device)
    first = dataset.first_tokens(data.before[rows], data.vocab, model.start_token)
    return tokens, styles, modes, torch.as_tensor(first, device=device)
