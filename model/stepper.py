"""The decoder step for real time: ``StyleVAE.step`` with the work that does not change between steps done
ahead of time.

``StyleVAE.step`` multiplies the first layer's whole input [embedding(previous) ; z] by its input weights at
every step. But z only changes with the style or the phrase, and the embedding takes one of V + 1 values,
so both products become tables: a (V + 1, 4H) table of token gates computed once per model, and the z
gates (B, 4H) computed once per z. The upper layers' two products are one product over [x ; h]. The cell
gate's rows are stored doubled, so that tanh(g) = 2·sigmoid(2g) − 1 and one sigmoid covers all four gates
(fewer small ops per step, which is what a step at these sizes pays for besides its matrix products). This
cuts a one-voice step by about 40 % on this project's CPU (``bench/bridge_bench.py``), and gives the same logits as
``StyleVAE.step`` to float rounding (``tests/test_stepper.py``).

The tables are a snapshot of the weights: build a ``Stepper`` from a trained model, not during training.
"""

from __future__ import annotations

import torch
from torch import Tensor

from model.vae import DecoderState, StyleVAE


def double_cell_gate(weight: Tensor) -> Tensor:
    """A copy of gate weights or biases (..., 4H) in PyTorch's gate order i, f, g, o, with g doubled."""
    scale = torch.ones(weight.shape[-1], dtype=weight.dtype, device=weight.device)
    quarter = weight.shape[-1] // 4
    scale[2 * quarter : 3 * quarter] = 2.0
    return (weight * scale).contiguous()


def lstm_update(gates: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
    """An LSTM cell's state update from its summed gates (B, 4H), i, f, g, o with g doubled. The gates are
    overwritten: they are a step's scratch, and fewer allocations are part of what makes a step cheap."""
    i, f, g, o = gates.sigmoid_().chunk(4, dim=1)
    c = torch.addcmul(f * c - i, i, g, value=2.0)  # f·c + i·tanh(g), as f·c + i·(2·sigmoid(2g) − 1)
    return torch.tanh(c).mul_(o), c


class Stepper:
    """A trained model's decoder, stepped with cached projections."""

    @torch.no_grad()
    def __init__(self, model: StyleVAE):
        first, *upper = model.decoder
        embed_dim = model.config.embed_dim
        w_token, w_z = first.weight_ih[:, :embed_dim], first.weight_ih[:, embed_dim:]  # (4H, E), (4H, Z)
        self.token_gates = double_cell_gate(model.embed.weight @ w_token.T + first.bias_ih + first.bias_hh)  # (V+1, 4H)
        self.w_z = double_cell_gate(w_z.T)  # (Z, 4H)
        self.w_hh = double_cell_gate(first.weight_hh.T)  # (H, 4H)
        self.upper = [
            (double_cell_gate(torch.cat([cell.weight_ih, cell.weight_hh], dim=1).T),
             double_cell_gate(cell.bias_ih + cell.bias_hh))
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
        gates = torch.index_select(self.token_gates, 0, previous).add_(z_gates)  # (B, 4H)
        h, c = lstm_update(gates.addmm_(h, self.w_hh), c)
        new_state = [(h, c)]
        x = h
        for (weight, bias), (h, c) in zip(self.upper, upper_state):
            h, c = lstm_update(torch.addmm(bias, torch.cat([x, h], dim=1), weight), c)
            new_state.append((h, c))
            x = h
        return torch.addmm(self.b_out, x, self.w_out), new_state
