"""The generation API shared by the CLI and the live daemon.

A style is given as weights over the model's styles: a one-hot picks one, any other non-negative mix
blends them through the codebook. ``z_c`` is drawn from N(0, I) or given. Decoding is step by step
(``StepDecoder``), so a caller can change style or temperature between two 16th-note steps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from model.stepper import Stepper
from model.vae import DecoderState, StyleVAE


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


def make_z(model: StyleVAE, weights: Tensor, z_content: Tensor) -> Tensor:
    """weights (B, S), z_content (B, z_content) -> z (B, z_size) = [z_s ; z_c]."""
    return torch.cat([model.style_vector(weights), z_content], dim=-1)


def sample_token(logits: Tensor, temperature: Tensor, generator: torch.Generator | None = None) -> Tensor:
    """logits (B, V), temperature (B,) -> tokens (B,)."""
    probs = F.softmax(logits / temperature[:, None], dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(1)


class StepDecoder:
    """A batch of melodies decoded one step at a time (the daemon's engine does the same with voices whose z
    changes between steps)."""

    def __init__(self, model: StyleVAE, z: Tensor):
        self.stepper = Stepper(model)
        with torch.no_grad():
            self.state: DecoderState = model.initial_state(z)
        self.z_gates = self.stepper.z_gates(z)
        self.previous = torch.full((len(z),), model.start_token, dtype=torch.long, device=z.device)

    @torch.no_grad()
    def step(
        self, temperature: Tensor, logit_bias: Tensor | None = None, generator: torch.Generator | None = None
    ) -> Tensor:
        logits, self.state = self.stepper.step(self.previous, self.z_gates, self.state)
        if logit_bias is not None:
            logits = logits + logit_bias
        self.previous = sample_token(logits, temperature, generator)
        return self.previous


@torch.no_grad()
def sample(
    model: StyleVAE,
    weights: Tensor,
    steps: int,
    temperature: float = 1.0,
    z_content: Tensor | None = None,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Phrases for style weights (B, S): tokens (B, steps). z_c drawn from N(0, I) unless given."""
    device = next(model.parameters()).device
    weights = weights.to(device)
    if z_content is None:
        z_content = torch.randn(len(weights), model.config.z_content, generator=generator).to(device)
    decoder = StepDecoder(model, make_z(model, weights, z_content.to(device)))
    temp = torch.full((len(weights),), check_temperature(temperature), device=device)
    return torch.stack([decoder.step(temp, generator=generator) for _ in range(steps)], dim=1)


@torch.no_grad()
def restyle(
    model: StyleVAE,
    tokens: Tensor,
    weights: Tensor,
    temperature: float = 1e-3,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Phrases re-played in another style: the encoder's mean z_c is kept, z_s swapped. tokens (B, T)."""
    content = model.encode(tokens).mu
    return sample(model, weights, tokens.shape[1], temperature, content, generator)


@torch.no_grad()
def classify(model: StyleVAE, tokens: Tensor) -> Tensor:
    """The encoder's style probabilities (B, S); StyleVAE only."""
    logits = model.encode(tokens).style_logits
    if logits is None:
        raise GenerationError("the baseline model has no style head")
    return F.softmax(logits, dim=-1)
