"""The style-split VAE of Mosin & Belov (see SEED_MODEL.md) and its label-conditioned baseline.

One class holds both, because they share everything but how the style reaches the decoder:

* ``stylevae``: the encoder's style head gives logits α over the S styles; in training a relaxed one-hot
  ``z_cat = softmax((α + G) / τ)`` is drawn with Gumbel noise G, and a learned codebook C (S × d_s) turns
  it into the style embedding ``z_s = z_cat · C``. At generation any convex mix of styles is a point of
  the codebook's span.
* ``baseline``: the one-hot style label itself is fed to the decoder (no style head, codebook, Gumbel
  noise or style loss), as in label-conditioned VAEs (DeepJ-like).

``z = [z_s ; z_c]`` sets the decoder's initial state (linear + tanh) and is also concatenated to the
decoder's input at every step, so the live daemon can change the style between two 16th-note steps.

Beyond the paper, for music a performer can keep (``key_relative``, ``n_modes``): the model is trained on
phrases transposed so that their piece's tonic is C (model/data/keys.py), the decoder is also told the key's
mode family (major or minor), as a one-hot beside z_s, and its first input is the last note before the
phrase instead of a start token, so that a phrase continues the line before it. Playing in another key is
then a transposition of what it decodes.
The decoder is a stack of ``nn.LSTMCell`` run one step at a time, in training and at generation alike:
step-by-step cells are what a real-time caller needs (about 10× cheaper per step than ``nn.LSTM``), and
scheduled sampling needs the step loop anyway.

Beyond the paper, optional (``content_critic``): a small critic learns to read the style from z_c, and the
encoder is penalised by how well it can (John et al. 2019's adversarial entropy term). Without it the
decoder learns to take style from z_c, and a z_c drawn from N(0, I) then pulls generation away from the
requested style (docs/tradeoff).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

KINDS = ("stylevae", "baseline")


@dataclass(frozen=True)
class Architecture:
    """The network a training run chooses before it sees any data (``TrainConfig.model``)."""

    kind: str = "stylevae"
    embed_dim: int = 64
    enc_hidden: int = 256  # per direction: the encoder state is 512 wide
    dec_hidden: int = 256
    dec_layers: int = 2
    z_content: int = 256
    style_dim: int = 64  # d_s, the codebook's width (stylevae only)
    key_relative: bool = False  # trained on phrases transposed to a tonic of C, each continuing the note before it

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"model kind {self.kind!r} is not one of {', '.join(KINDS)}")
        for name in ("embed_dim", "enc_hidden", "dec_hidden", "dec_layers", "z_content", "style_dim"):
            if getattr(self, name) < 1:  # torch's own word for it: "Trying to create tensor with negative dimension"
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")


@dataclass(frozen=True, kw_only=True)
class ModelConfig(Architecture):
    """An architecture with what the data and the training run fix: a checkpoint's ``model`` section."""

    n_styles: int
    vocab_size: int
    content_critic: bool = False  # a training-only critic that reads style from z_c (beyond the paper)
    n_modes: int = 0  # mode families the decoder is conditioned on (2: major, minor; 0: none)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.n_styles < 2:
            raise ValueError("a style model needs at least 2 styles")

    @property
    def style_width(self) -> int:
        return self.style_dim if self.kind == "stylevae" else self.n_styles

    @property
    def condition_width(self) -> int:
        """The part of z set by the caller rather than the encoder: the style, and the mode family."""
        return self.style_width + self.n_modes

    @property
    def z_size(self) -> int:
        return self.condition_width + self.z_content


class Encoded(NamedTuple):
    mu: Tensor  # (B, z_content)
    logvar: Tensor  # (B, z_content)
    style_logits: Tensor | None  # (B, S); None for the baseline


DecoderState = list[tuple[Tensor, Tensor]]  # per layer (h, c), each (B, dec_hidden)


class StyleVAE(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        c = config
        self.start_token = c.vocab_size  # the decoder's input before the first step
        self.embed = nn.Embedding(c.vocab_size + 1, c.embed_dim)
        self.encoder = nn.LSTM(c.embed_dim, c.enc_hidden, batch_first=True, bidirectional=True)
        self.to_mu = nn.Linear(2 * c.enc_hidden, c.z_content)
        self.to_logvar = nn.Linear(2 * c.enc_hidden, c.z_content)
        if c.kind == "stylevae":
            self.to_style = nn.Linear(2 * c.enc_hidden, c.n_styles)
            self.codebook = nn.Parameter(torch.randn(c.n_styles, c.style_dim))
        self.z_to_state = nn.Linear(c.z_size, 2 * c.dec_layers * c.dec_hidden)
        sizes = [c.embed_dim + c.z_size] + [c.dec_hidden] * (c.dec_layers - 1)
        self.decoder = nn.ModuleList(nn.LSTMCell(size, c.dec_hidden) for size in sizes)
        self.to_logits = nn.Linear(c.dec_hidden, c.vocab_size)
        if c.content_critic:
            self.critic = nn.Sequential(nn.Linear(c.z_content, 256), nn.ReLU(), nn.Linear(256, c.n_styles))

    # --- encoding -------------------------------------------------------------------------------------

    def encode(self, tokens: Tensor) -> Encoded:
        """tokens (B, T) -> the posterior of z_c and, for stylevae, the style logits."""
        _, (h, _) = self.encoder(self.embed(tokens))  # h: (2, B, enc_hidden), forward and backward
        summary = torch.cat([h[0], h[1]], dim=-1)  # (B, 2·enc_hidden)
        logits = self.to_style(summary) if self.config.kind == "stylevae" else None
        return Encoded(self.to_mu(summary), self.to_logvar(summary), logits)

    # --- the style part of z --------------------------------------------------------------------------

    def style_vector(self, weights: Tensor) -> Tensor:
        """weights (B, S), one-hot, relaxed one-hot or any mix -> the decoder's style input (B, style_width)."""
        return weights @ self.codebook if self.config.kind == "stylevae" else weights

    def condition(self, style: Tensor, modes: Tensor | None) -> Tensor:
        """The style input (B, style_width) and the mode families (B,) -> z's conditioning part."""
        if not self.config.n_modes:
            return style
        if modes is None:
            raise ValueError("this model is conditioned on the key's mode: give a mode per row")
        return torch.cat([style, F.one_hot(modes, self.config.n_modes).to(style.dtype)], dim=-1)

    def z(self, weights: Tensor, modes: Tensor | None, content: Tensor) -> Tensor:
        """z = [style ; mode ; z_c] (B, z_size) for style weights (B, S), mode families (B,) and z_c (B, z_content)."""
        return torch.cat([self.condition(self.style_vector(weights), modes), content], dim=-1)

    # --- decoding -------------------------------------------------------------------------------------

    def initial_state(self, z: Tensor) -> DecoderState:
        """z (B, z_size) -> per-layer (h, c)."""
        flat = torch.tanh(self.z_to_state(z))  # (B, 2·layers·H)
        chunks = flat.chunk(2 * self.config.dec_layers, dim=-1)
        return [(chunks[2 * i], chunks[2 * i + 1]) for i in range(self.config.dec_layers)]

    def step(self, previous: Tensor, z: Tensor, state: DecoderState) -> tuple[Tensor, DecoderState]:
        """One 16th-note step: previous tokens (B,), z (B, z_size) -> logits (B, V) and the next state."""
        x = torch.cat([self.embed(previous), z], dim=-1)
        new_state = []
        for cell, (h, c) in zip(self.decoder, state):
            h, c = cell(x, (h, c))
            new_state.append((h, c))
            x = h
        return self.to_logits(x), new_state

    def decode(
        self, z: Tensor, targets: Tensor, sample_probability: float = 0.0, first: Tensor | None = None
    ) -> Tensor:
        """Teacher-forced decoding (with scheduled sampling): z (B, Z), targets (B, T) -> logits (B, T, V).

        ``first`` (B,): the decoder's first input, the note-on token of the note before the phrase (the start
        token where there is none); all start tokens when not given. With probability ``sample_probability``
        per step and sequence the next input is the decoder's own sampled token instead of the true one
        (Bengio et al. 2015; MusicVAE's schedule).
        """
        batch, steps = targets.shape
        if first is None:
            first = torch.full((batch,), self.start_token, dtype=torch.long, device=z.device)
        previous = first
        state = self.initial_state(z)
        outputs = []
        for t in range(steps):
            logits, state = self.step(previous, z, state)
            outputs.append(logits)
            previous = targets[:, t]
            if sample_probability > 0:
                sampled = torch.multinomial(F.softmax(logits.detach(), dim=-1), 1).squeeze(1)
                use_sample = torch.rand(batch, device=z.device) < sample_probability
                previous = torch.where(use_sample, sampled, previous)
        return torch.stack(outputs, dim=1)

    # --- training -------------------------------------------------------------------------------------

    def forward(
        self, tokens: Tensor, styles: Tensor, hyper: LossWeights, modes: Tensor | None = None,
        first: Tensor | None = None,
    ) -> dict[str, Tensor]:
        """Losses of a batch: tokens (B, T), style labels (B,), for a key-conditioned model the mode families
        (B,) and the first inputs (B,) (see ``decode``). Returns the total and its parts."""
        n_styles = self.config.n_styles
        enc = self.encode(tokens)
        z_c = enc.mu + torch.randn_like(enc.mu) * torch.exp(0.5 * enc.logvar)  # reparameterised
        if self.config.kind == "stylevae":
            gumbel = -torch.log(-torch.log(torch.rand_like(enc.style_logits).clamp(1e-9, 1 - 1e-9)))
            log_z_cat = F.log_softmax((enc.style_logits + gumbel) / hyper.tau, dim=-1)  # (B, S)
            z_s = self.style_vector(log_z_cat.exp())
            style_loss = F.nll_loss(log_z_cat, styles)  # L_s = −Σ y·log z_cat
            style_accuracy = (enc.style_logits.argmax(-1) == styles).float().mean()
        else:
            z_s = self.style_vector(F.one_hot(styles, n_styles).float())
            style_loss = style_accuracy = torch.zeros((), device=tokens.device)
        z = torch.cat([self.condition(z_s, modes), z_c], dim=-1)
        logits = self.decode(z, tokens, hyper.sample_probability, first)

        recon = F.cross_entropy(logits.transpose(1, 2), tokens, reduction="none").sum(1).mean()  # nats/phrase
        kl = kl_divergence(enc.mu, enc.logvar).mean()
        kl_term = torch.clamp(kl - hyper.free_bits, min=0.0)
        mu_loss = mu_forcing(enc.mu, hyper.beta_mu) if hyper.beta_mu > 0 else torch.zeros((), device=tokens.device)
        total = recon + hyper.beta * kl_term + hyper.style_weight * style_loss + mu_loss
        accuracy = (logits.argmax(-1) == tokens).float().mean()
        losses = {
            "loss": total,
            "recon": recon,
            "kl": kl,
            "style": style_loss,
            "mu": mu_loss,
            "accuracy": accuracy,
            "style_accuracy": style_accuracy,
        }
        if self.config.content_critic:
            losses.update(self.critic_losses(z_c, styles))
            losses["loss"] = total + losses["critic"] + hyper.critic_weight * losses["leak"]
        return losses

    def critic_losses(self, z_c: Tensor, styles: Tensor) -> dict[str, Tensor]:
        """The critic's own loss (on a detached z_c: it trains only the critic) and the encoder's penalty.

        The penalty is log S − H(critic's verdict), computed with the critic's weights detached so that it
        trains only the encoder: 0 when the critic cannot tell the styles apart from z_c.
        """
        critic_logits = self.critic(z_c.detach())  # (B, S)
        frozen = {name: p.detach() for name, p in self.critic.named_parameters()}
        log_p = F.log_softmax(torch.func.functional_call(self.critic, frozen, (z_c,)), dim=-1)
        entropy = -(log_p.exp() * log_p).sum(-1).mean()
        return {
            "critic": F.cross_entropy(critic_logits, styles),
            "leak": math.log(self.config.n_styles) - entropy,
            "critic_accuracy": (critic_logits.argmax(-1) == styles).float().mean(),
        }


@dataclass(frozen=True)
class LossWeights:
    """The per-step values of the schedules (annealed by the trainer)."""

    beta: float = 0.2
    free_bits: float = 0.0
    beta_mu: float = 0.0
    tau: float = 1.0
    style_weight: float = 1.0
    sample_probability: float = 0.0
    critic_weight: float = 0.0


def kl_divergence(mu: Tensor, logvar: Tensor) -> Tensor:
    """KL(N(μ, σ²) ‖ N(0, I)) per example, summed over dimensions: (B, D) -> (B,)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(-1)


def mu_forcing(mu: Tensor, beta_mu: float) -> Tensor:
    """L_μ = max(0, β_μ − ½·mean_n ‖μ_n − μ̄‖²) (Liu et al. 2019): keeps the batch spread of μ up."""
    spread = 0.5 * (mu - mu.mean(0, keepdim=True)).pow(2).sum(-1).mean()
    return torch.clamp(beta_mu - spread, min=0.0)


def inverse_sigmoid(step: int, rate: float) -> float:
    """MusicVAE's scheduled-sampling probability: 1 − k / (k + exp(step / k))."""
    if rate <= 0:
        return 0.0
    return 1.0 - rate / (rate + math.exp(min(step / rate, 50.0)))
