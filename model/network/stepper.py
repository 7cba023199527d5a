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

What remains is mostly the two recurrent matrix products; ``Product`` can run those on weights kept in
oneDNN's packed layout (see there), which the daemon asks for.

The tables are a snapshot of the weights: build a ``Stepper`` from a trained model, not during training.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

import torch
from torch import Tensor

from stylevae.model.network.vae import DecoderState, StyleVAE


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


def median_seconds(call: Callable[[], object], repeats: int, clock: Callable[[], float] = time.perf_counter) -> float:
    times = []
    for _ in range(repeats):
        started = clock()
        call()
        times.append(clock() - started)
    return sorted(times)[repeats // 2]


def crossover(plain: dict[int, float], packed: dict[int, float]) -> int:
    """The row count from which packed products pay: the threshold t that minimises the summed time of plain
    products below t and packed ones from t up (a count past the largest: never). One threshold, chosen from
    every count's timing together, so a single noisy count cannot flip its own choice from one start to the
    next (as choosing count by count did)."""
    counts = sorted(plain)
    candidates = [*counts, counts[-1] + 1]
    return min(candidates, key=lambda t: (sum(plain[r] for r in counts if r < t)
                                          + sum(packed[r] for r in counts if r >= t), -t))


class Product:
    """x (B, K) @ weight (K, N) + bias (N,): one of a step's matrix products, its weight fixed after training.

    At a step's few rows a CPU matrix product is bound by its kernel's overheads more than by arithmetic.
    oneDNN, which torch is built with, keeps a weight in a blocked layout packed for a given number of rows;
    with it, an 8-voice step on this project's CPU takes 0.88 ms instead of 1.06 (p50, one thread,
    ``bench/results/earlier/2026-11-24_default.md``), but for 1 or 2 rows, and for small products, the packed one is
    slower. So ``tune`` times both for each row count and packs from the measured crossover up
    (``crossover``), as cuDNN's benchmark mode measures before it chooses. The packing ops are torch internals (the ones
    ``torch.compile``'s freezing uses): each is checked against ``addmm`` first, and any failure leaves the
    plain product.
    """

    def __init__(self, weight: Tensor, bias: Tensor | None = None):
        self.weight = weight  # (K, N)
        self.bias = bias  # (N,) or None
        self.packed: dict[int, Tensor] = {}  # rows -> the weight packed for that many rows, where that was faster

    def __call__(self, x: Tensor) -> Tensor:
        packed = self.packed.get(x.shape[0])
        return self._plain(x) if packed is None else self._packed(x, packed)

    def _plain(self, x: Tensor) -> Tensor:
        return x @ self.weight if self.bias is None else torch.addmm(self.bias, x, self.weight)

    def _packed(self, x: Tensor, packed: Tensor) -> Tensor:
        return torch.ops.mkldnn._linear_pointwise(x, packed, self.bias, "none", [], "")

    def pack(self, rows: int) -> Tensor:
        """The weight in oneDNN's layout for products of ``rows`` rows (RuntimeError where torch lacks it)."""
        return torch.ops.mkldnn._reorder_linear_weight(self.weight.T.contiguous(), rows)  # takes (N, K)

    @torch.no_grad()
    def tune(self, max_rows: int, repeats: int = 15, timer: Callable[..., float] = median_seconds) -> int | None:
        """Pack the weight for every row count from the measured crossover up to ``max_rows``; returns the
        crossover (None where packing is unavailable or gave wrong results). ``timer(call, repeats)``: a call's
        median time, injectable for tests."""
        self.packed = {}
        if max_rows < 1 or self.weight.device.type != "cpu" or not torch.backends.mkldnn.is_available():
            return None
        generator = torch.Generator().manual_seed(0)
        weights, plain, packed = {}, {}, {}
        try:
            for rows in range(1, max_rows + 1):
                x = torch.randn(rows, self.weight.shape[0], generator=generator)
                weights[rows] = self.pack(rows)
                if not torch.allclose(self._packed(x, weights[rows]), self._plain(x), rtol=1e-4, atol=1e-5):
                    return None
                packed[rows] = timer(partial(self._packed, x, weights[rows]), repeats)
                plain[rows] = timer(partial(self._plain, x), repeats)
        except (RuntimeError, AttributeError):  # a torch without these internals, or with other signatures
            return None
        threshold = crossover(plain, packed)
        self.packed = {rows: w for rows, w in weights.items() if rows >= threshold}
        return threshold


class Stepper:
    """A trained model's decoder, stepped with cached projections."""

    @torch.no_grad()
    def __init__(self, model: StyleVAE, tune_rows: int = 0):
        """``tune_rows``: tune the recurrent products (``Product.tune``) for up to this many rows; the daemon
        does, for its voices. Tuning takes about 0.4 s for 16 rows with the default model on this project's CPU."""
        first, *upper = model.decoder
        embed_dim = model.config.embed_dim
        w_token, w_z = first.weight_ih[:, :embed_dim], first.weight_ih[:, embed_dim:]  # (4H, E), (4H, Z)
        self.token_gates = double_cell_gate(model.embed.weight @ w_token.T + first.bias_ih + first.bias_hh)  # (V+1, 4H)
        self.w_z = double_cell_gate(w_z.T)  # (Z, 4H)
        self.recurrent = Product(double_cell_gate(first.weight_hh.T))  # (H, 4H)
        self.upper = [
            Product(double_cell_gate(torch.cat([cell.weight_ih, cell.weight_hh], dim=1).T),
                    double_cell_gate(cell.bias_ih + cell.bias_hh))
            for cell in upper
        ]  # per upper layer: (2H, 4H) and its bias (4H,)
        self.crossovers = [product.tune(tune_rows) for product in [self.recurrent, *self.upper]]
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
        inputs = torch.index_select(self.token_gates, 0, previous).add_(z_gates)  # (B, 4H)
        h, c = lstm_update(self.recurrent(h).add_(inputs), c)
        new_state = [(h, c)]
        x = h
        for product, (h, c) in zip(self.upper, upper_state):
            h, c = lstm_update(product(torch.cat([x, h], dim=1)), c)
            new_state.append((h, c))
            x = h
        return torch.addmm(self.b_out, x, self.w_out), new_state
