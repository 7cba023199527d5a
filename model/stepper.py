"""The decoder step for real time: ``StyleVAE.step`` with the work that does not change between steps done
ahead of time.

``StyleVAE.step`` multiplies the first layer's whole input [embedding(previous) ; z] by its input weights at
every step. But z only changes with the style or the phrase, and the embedding takes one of V + 1 values,
so both products become tables: a (V + 1, 4H) table of token gates computed once per model, and the z
gates (B, 4H) computed once per z. The upper layers' two products are one product over [x ; h]. This
cuts a one-voice step by about 40 % on this project's CPU (``bench/bridge_bench.py``), and gives the same logits as
``StyleVAE.step`` to float rounding (``tests/test_stepper.py``).

The tables are a snapshot of the weights: build a ``Stepper`` from a trained model, not during training.
"""

from __future__ import annotations

import torch
from torch import Tensor

from model.vae import DecoderState, StyleVAE


def lstm_update(gates: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
    """An LSTM cell's state update from its summed gates (B, 4H), in PyTorch's gate order i, f, g, o."""
    i, f, g, o = gates.chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


class Stepper:
    """A trained model's decoder, stepped with cached projections."""

    @torch.no_grad()
    def __init__(self, model: StyleVAE):
        first, *upper = model.decoder
        embed_dim = model.config.embed_dim
        w_token, w_z = first.weight_ih[:, :embed_dim], first.weight_ih[:, embed_dim:]  # (4H, E), (4H, Z)
        self.token_gates = model.embed.weight @ w_token.T + first.bias_ih + first.bias_hh  # (V + 1, 4H)
        self.w_z = w_z.T.contiguous()  # (Z, 4H)
        self.w_hh = first.weight_hh.T.contiguous()  # (H, 4H)
        self.upper = [
            (torch.cat([cell.weight_ih, cell.weight_hh], dim=1).T.contiguous(), cell.bias_ih + cell.bias_hh)
            for cell in upper
        ]  # per upper layer: (2H, 4H), (4H,)
        self.w_out = model.to_logits.weight.T.contiguous()  # (H, V)
        self.b_out = model.to_logits.bias.detach().clone()

    @torch.no_grad()
    def z_gates(self, z: Tensor) -> Tensor:
        """z (B, z_size) -> its part of the first layer's gates (B, 4H); recompute whenever z changes."""
        return z @ self.w_z

    @torch.no_grad()
    def step(self, previous: Tensor, z_gates: Tensor, state: DecoderState) -> tuple[Tensor, DecoderState]:
        """previous tokens (B,), z gates (B, 4H) -> logits (B, V) and the next state, as ``StyleVAE.step``."""
        (h, c), *upper_state = state
        h, c = lstm_update(torch.addmm(self.token_gates[previous] + z_gates, h, self.w_hh), c)
        new_state = [(h, c)]
        x = h
        for (weight, bias), (h, c) in zip(self.upper, upper_state):
            h, c = lstm_update(torch.addmm(bias, torch.cat([x, h], dim=1), weight), c)
            new_state.append((h, c))
            x = h
        return torch.addmm(self.b_out, x, self.w_out), new_state
