"""The decoder step for real time: ``StyleVAE.step`` with the work that does not change between steps done
ahead of time, and its small element-wise work in NumPy.

``StyleVAE.step`` multiplies the first layer's whole input [embedding(previous) ; z] by its input weights at
every step. But z only changes with the style or the phrase, and the embedding takes one of V + 1 values,
so both products become tables: a (V + 1, 4H) table of token gates computed once per model, and the z
gates (B, 4H) computed once per z. The upper layers' two products are one product over [x ; h]. The gates
are stored in the order i, f, o, g with the rows of i, f and o halved, so that one tanh covers all four
(sigmoid(x) = (1 + tanh(x / 2)) / 2). This cuts a one-voice step by 30 to 40 % against ``StyleVAE.step`` on
this project's CPU (``bench/bridge_bench.py``), and gives the same logits to float rounding
(``tests/test_stepper.py``).

Why NumPy between the products: the daemon steps once every 16th, so every step starts on a core that slept and
lost its caches, and then each small torch op pays for its dispatch code fetched again: in an ad-hoc split of
such a step (not kept), about half its time went to some 25 small torch ops. So the state, the gates and the
logits are NumPy arrays on the CPU, and torch does only the matrix products (``Product``), on the same memory.
In three pairs of benchmark runs on this project's CPU (``bench/results/README.md``), an 8-voice step inside the
daemon took about 0.13 ms less CPU time at p50 and 0.2 ms less at p99; the price is offline batches of hundreds
of rows, about a quarter slower, because a ufunc runs on one thread. A model on a GPU keeps its encoder and
conditioning there; its steps run here, on CPU copies of the weights: at a few rows a step is bound by per-op
overheads, which a GPU's kernel launches and copies would only add to (not measured: this project's machines
have no GPU).

The tables are a snapshot of the weights: build a ``Stepper`` from a trained model, not during training.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

import numpy as np
import torch
from torch import Tensor

from stylevae.model.network.vae import StyleVAE

StepState = list[tuple[np.ndarray, np.ndarray]]  # per layer (h, c), each (B, dec_hidden) float32


def gate_layout(weight: Tensor) -> Tensor:
    """A CPU float32 copy of gate weights or biases (..., 4H) from PyTorch's gate order i, f, g, o to the
    stepper's: i, f, o, g, with i, f and o halved (see ``lstm_update``)."""
    i, f, g, o = weight.detach().float().cpu().chunk(4, dim=-1)
    return torch.cat([i / 2, f / 2, o / 2, g], dim=-1).contiguous()


def lstm_update(gates: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An LSTM cell's state update from its summed gates (B, 4H) in ``gate_layout``: one tanh gives tanh(g)
    and, for the halved i, f and o, their sigmoids as (1 + tanh) / 2. The gates are overwritten (a step's
    scratch); the state given is not, so views of it elsewhere stay valid."""
    hidden = c.shape[1]
    np.tanh(gates, out=gates)
    sigmoids = gates[:, : 3 * hidden]
    sigmoids += 1.0
    sigmoids *= 0.5
    i, f, o, g = (gates[:, k * hidden : (k + 1) * hidden] for k in range(4))
    c = f * c
    g *= i
    c += g
    h = np.tanh(c)
    h *= o
    return h, c


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
    """A trained model's decoder, stepped with cached projections on NumPy state (see the module docstring)."""

    @torch.no_grad()
    def __init__(self, model: StyleVAE, tune_rows: int = 0):
        """``tune_rows``: tune the recurrent products (``Product.tune``) for up to this many rows; the daemon
        does, for its voices. Tuning takes about 0.4 s for 16 rows with the default model on this project's CPU."""
        self.model = model
        first, *upper = model.decoder
        embed_dim = model.config.embed_dim
        w_token, w_z = first.weight_ih[:, :embed_dim], first.weight_ih[:, embed_dim:]  # (4H, E), (4H, Z)
        token_gates = model.embed.weight @ w_token.T + first.bias_ih + first.bias_hh
        self.token_gates = gate_layout(token_gates).numpy()  # (V+1, 4H)
        self.w_z = gate_layout(w_z.T)  # (Z, 4H)
        self.recurrent = Product(gate_layout(first.weight_hh.T))  # (H, 4H)
        self.upper = [
            Product(gate_layout(torch.cat([cell.weight_ih, cell.weight_hh], dim=1).T),
                    gate_layout(cell.bias_ih + cell.bias_hh))
            for cell in upper
        ]  # per upper layer: (2H, 4H) and its bias (4H,)
        self.crossovers = [product.tune(tune_rows) for product in [self.recurrent, *self.upper]]
        self.to_logits = Product(model.to_logits.weight.detach().float().cpu().T.contiguous(),
                                 model.to_logits.bias.detach().float().cpu().clone())  # (H, V) and (V,)

    @torch.no_grad()
    def initial_state(self, z: Tensor) -> StepState:
        """z (B, z_size) -> the decoder's first state, as ``StyleVAE.initial_state``."""
        return [(_array(h), _array(c)) for h, c in self.model.initial_state(z)]

    @torch.no_grad()
    def z_gates(self, z: Tensor) -> np.ndarray:
        """z (B, z_size) -> its part of the first layer's gates (B, 4H); recompute whenever z changes."""
        return (z.detach().float().cpu() @ self.w_z).numpy()

    @torch.no_grad()
    def step(self, previous: np.ndarray, z_gates: np.ndarray, state: StepState) -> tuple[np.ndarray, StepState]:
        """previous tokens (B,), z gates (B, 4H) -> logits (B, V) and the next state, as ``StyleVAE.step``."""
        (h, c), *upper_state = state
        gates = _product(self.recurrent, h)
        gates += self.token_gates[previous]
        gates += z_gates
        h, c = lstm_update(gates, c)
        new_state = [(h, c)]
        x = h
        for product, (h, c) in zip(self.upper, upper_state):
            h, c = lstm_update(_product(product, np.concatenate([x, h], axis=1)), c)
            new_state.append((h, c))
            x = h
        return _product(self.to_logits, x), new_state


def _array(x: Tensor) -> np.ndarray:
    return np.ascontiguousarray(x.detach().float().cpu().numpy())


def _product(product: Product, x: np.ndarray) -> np.ndarray:
    """A product on NumPy arrays: torch reads and writes the arrays' memory, no copies."""
    return product(torch.from_numpy(x)).numpy()
