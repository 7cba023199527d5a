"""The decoder step for real time: ``StyleVAE.step`` as one compiled call, with the work that does not change
between steps done ahead of time.

``StyleVAE.step`` multiplies the first layer's whole input [embedding(previous) ; z] by its input weights at
every step. But z only changes with the style or the phrase, and the embedding takes one of V + 1 values,
so both products become tables: a (V + 1, 4H) table of token gates computed once per model, and the z
gates (B, 4H) computed once per z. The upper layers' two products are one product over [x ; h]. The gates
are stored in the order i, f, o, g with the rows of i, f and o halved, so that one tanh covers all four
(sigmoid(x) = (1 + tanh(x / 2)) / 2). The step gives the same logits as ``StyleVAE.step`` to float rounding
(``tests/test_stepper.py``).

Why one compiled call (numba): the daemon steps once every 16th, so every step starts on a core that slept and
lost its caches, and then each small op pays for its dispatch code fetched again. The step as torch products with
NumPy between them was some 25 calls; after 83 ms asleep, an 8-voice step with its draw took 2.4–2.6 ms against
1.0 back to back, where the two kernels take 1.3 against 0.5 (AMD EPYC, ``bench/cold_step.py``, side by side). The
kernel releases the GIL while it runs, so the daemon's other threads (the OSC server, the note sender) run beside
it. Its tanh is a rational function (``tanh``), as fast math libraries have it: the compiler vectorizes it,
where a call into libm per element would not be.

The weights are CPU copies, read-only, laid out for the kernel (each output's weights contiguous). A model on a
GPU keeps its encoder and conditioning there; its steps run here: at a few rows a step is bound by per-op
overheads, which a GPU's kernel launches and copies would only add to (not measured: this project's machines
have no GPU). The tables are a snapshot of the weights: build a ``Stepper`` from a trained model, not during
training.
"""

from __future__ import annotations

import numpy as np
import torch
from numba import njit
from torch import Tensor

from stylevae.model.network.vae import StyleVAE

# (L, 2, B, H) float32: per layer, h then c, for B rows. One array, so a batch is stacked in one concatenate and a
# row's state is a view.
StepState = np.ndarray

# Compiled once and cached on disk beside this module (with the sampling kernel, about 20 s the first time on this
# project's CPU, then under a second to load). fastmath
# lets the compiler reorder the sums of the products, as BLAS kernels do; error_model "numpy" lets it vectorize the
# divisions; nogil releases the GIL.
KERNEL = dict(fastmath=True, boundscheck=False, error_model="numpy", cache=True, nogil=True)

# tanh(x) ≈ x·P(x²) / Q(x²) on |x| <= TANH_CLIP, and ±1 beyond (where float32's tanh is within 3e-7 of it).
# Fitted here by least squares on [0, 7.9] (reweighted towards the largest error): in float32 its error is at most
# 3.4e-7 against tanh in float64 (NumPy's own float32 tanh: 6e-8); checked in tests/test_stepper.py.
TANH_CLIP = np.float32(7.9)
TANH_P = tuple(np.float32(v) for v in (9.99999974e-01, 1.34445710e-01, 3.57183936e-03, 2.19058777e-05,
                                       1.52633869e-08))
TANH_Q = tuple(np.float32(v) for v in (1.0, 4.67778932e-01, 2.61649535e-02, 3.41198137e-04, 8.53199505e-07))
_P0, _P1, _P2, _P3, _P4 = TANH_P
_Q0, _Q1, _Q2, _Q3, _Q4 = TANH_Q
_HALF = np.float32(0.5)
_ZERO = np.float32(0.0)


@njit(**KERNEL)
def tanh(x: np.float32) -> np.float32:
    """tanh of a float32, as a rational function the compiler can vectorize (see ``TANH_P``)."""
    x = min(max(x, -TANH_CLIP), TANH_CLIP)
    u = x * x
    return x * ((((_P4 * u + _P3) * u + _P2) * u + _P1) * u + _P0) / ((((_Q4 * u + _Q3) * u + _Q2) * u + _Q1) * u + _Q0)


@njit(**KERNEL)
def add_products(out: np.ndarray, x: np.ndarray, weight: np.ndarray) -> None:
    """out (B, N) += x (B, K) · weight (N, K)ᵀ. Four outputs at a time: x's row is read once for four weight
    rows, and the four sums are independent, so they do not wait on each other's additions."""
    rows, inner = x.shape
    outputs = weight.shape[0]
    n = 0
    while n + 4 <= outputs:
        w0, w1, w2, w3 = weight[n], weight[n + 1], weight[n + 2], weight[n + 3]
        for b in range(rows):
            xb = x[b]
            s0 = s1 = s2 = s3 = _ZERO
            for k in range(inner):
                xk = xb[k]
                s0 += xk * w0[k]
                s1 += xk * w1[k]
                s2 += xk * w2[k]
                s3 += xk * w3[k]
            out[b, n] += s0
            out[b, n + 1] += s1
            out[b, n + 2] += s2
            out[b, n + 3] += s3
        n += 4
    for m in range(n, outputs):
        wm = weight[m]
        for b in range(rows):
            xb = x[b]
            s = _ZERO
            for k in range(inner):
                s += xb[k] * wm[k]
            out[b, m] += s


@njit(**KERNEL)
def lstm_update(gates: np.ndarray, c: np.ndarray, h_out: np.ndarray, c_out: np.ndarray) -> None:
    """An LSTM cell's new state (h_out, c_out) from its summed gates (B, 4H) in ``gate_layout`` and its cell c."""
    rows, hidden = c.shape
    for b in range(rows):
        g, cb, hb, nb = gates[b], c[b], h_out[b], c_out[b]
        for j in range(hidden):
            i = _HALF + _HALF * tanh(g[j])
            f = _HALF + _HALF * tanh(g[hidden + j])
            o = _HALF + _HALF * tanh(g[2 * hidden + j])
            cell = f * cb[j] + i * tanh(g[3 * hidden + j])
            nb[j] = cell
            hb[j] = o * tanh(cell)


@njit(**KERNEL)
def network_step(previous: np.ndarray, z_gates: np.ndarray, state: np.ndarray, token_gates: np.ndarray,
                 first: np.ndarray, upper: np.ndarray, upper_bias: np.ndarray, to_logits: np.ndarray,
                 logits_bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The whole step (see ``Stepper.step``); the weights as ``Stepper`` lays them out."""
    layers, _, rows, hidden = state.shape
    new = np.empty_like(state)
    gates = np.empty((rows, 4 * hidden), np.float32)
    for b in range(rows):
        gates[b] = token_gates[previous[b]] + z_gates[b]
    add_products(gates, state[0, 0], first)
    lstm_update(gates, state[0, 1], new[0, 0], new[0, 1])
    below = np.empty((rows, 2 * hidden), np.float32)  # [h of the layer below, now ; this layer's h]
    for layer in range(1, layers):
        below[:, :hidden] = new[layer - 1, 0]
        below[:, hidden:] = state[layer, 0]
        for b in range(rows):
            gates[b] = upper_bias[layer - 1]
        add_products(gates, below, upper[layer - 1])
        lstm_update(gates, state[layer, 1], new[layer, 0], new[layer, 1])
    logits = np.empty((rows, to_logits.shape[0]), np.float32)
    for b in range(rows):
        logits[b] = logits_bias
    add_products(logits, new[layers - 1, 0], to_logits)
    return logits, new


def gate_layout(weight: Tensor) -> Tensor:
    """A CPU float32 copy of gate weights or biases (..., 4H) from PyTorch's gate order i, f, g, o to the
    stepper's: i, f, o, g, with i, f and o halved (see ``lstm_update``)."""
    i, f, g, o = weight.detach().float().cpu().chunk(4, dim=-1)
    return torch.cat([i / 2, f / 2, o / 2, g], dim=-1).contiguous()


def _rows_of(weight: Tensor) -> np.ndarray:
    """(K, N) weights as the kernel reads them: (N, K), each output's weights contiguous."""
    return np.ascontiguousarray(weight.T.numpy())


class Stepper:
    """A trained model's decoder, stepped by one compiled kernel on cached projections (see the module docstring)."""

    @torch.no_grad()
    def __init__(self, model: StyleVAE):
        self.model = model
        first, *upper = model.decoder
        embed_dim, hidden = model.config.embed_dim, model.config.dec_hidden
        w_token, w_z = first.weight_ih[:, :embed_dim], first.weight_ih[:, embed_dim:]  # (4H, E), (4H, Z)
        token_gates = model.embed.weight @ w_token.T + first.bias_ih + first.bias_hh
        self.token_gates = gate_layout(token_gates).numpy()  # (V+1, 4H)
        self.w_z = gate_layout(w_z.T)  # (Z, 4H)
        self.first = _rows_of(gate_layout(first.weight_hh.T))  # (4H, H)
        self.upper = np.stack([_rows_of(gate_layout(torch.cat([cell.weight_ih, cell.weight_hh], dim=1).T))
                               for cell in upper]) if upper else np.zeros((0, 4 * hidden, 2 * hidden), np.float32)
        self.upper_bias = (np.stack([gate_layout(cell.bias_ih + cell.bias_hh).numpy() for cell in upper]) if upper
                           else np.zeros((0, 4 * hidden), np.float32))
        self.to_logits = np.ascontiguousarray(model.to_logits.weight.detach().float().cpu().numpy())  # (V, H)
        self.logits_bias = model.to_logits.bias.detach().float().cpu().numpy().copy()  # (V,)

    @torch.no_grad()
    def initial_state(self, z: Tensor) -> StepState:
        """z (B, z_size) -> the decoder's first state (L, 2, B, H), as ``StyleVAE.initial_state``."""
        layers = self.model.initial_state(z)
        return np.ascontiguousarray(torch.stack([torch.stack([h, c]) for h, c in layers]).float().cpu().numpy())

    @torch.no_grad()
    def z_gates(self, z: Tensor) -> np.ndarray:
        """z (B, z_size) -> its part of the first layer's gates (B, 4H); recompute whenever z changes."""
        return (z.detach().float().cpu() @ self.w_z).numpy()

    def step(self, previous: np.ndarray, z_gates: np.ndarray, state: StepState) -> tuple[np.ndarray, StepState]:
        """previous tokens (B,), z gates (B, 4H), state (L, 2, B, H), all C-contiguous -> logits (B, V) and the next
        state, as ``StyleVAE.step``. The state given is left as it was, so views of it elsewhere stay valid."""
        return network_step(previous, z_gates, state, self.token_gates, self.first, self.upper, self.upper_bias,
                            self.to_logits, self.logits_bias)
