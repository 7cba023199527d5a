"""The real-time decoder step gives the training path's logits, for any depth and batch, with plain or packed
matrix products."""

import numpy as np
import pytest
import torch

from stylevae.model.data.tokens import Vocabulary
from stylevae.model.network.stepper import Product, Stepper, crossover
from stylevae.model.network.vae import ModelConfig, StyleVAE

needs_onednn = pytest.mark.skipif(not torch.backends.mkldnn.is_available(), reason="torch built without oneDNN")


@pytest.mark.parametrize("packed", [False, pytest.param(True, marks=needs_onednn)])
@pytest.mark.parametrize("layers,kind", [(1, "stylevae"), (2, "stylevae"), (3, "baseline")])
def test_stepper_matches_teacher_forced_decoding(layers, kind, packed):
    torch.manual_seed(layers)
    config = ModelConfig(n_styles=3, vocab_size=Vocabulary().size, kind=kind, enc_hidden=16, dec_hidden=24,
                         dec_layers=layers, z_content=8, style_dim=4)
    model = StyleVAE(config).eval()
    tokens = torch.randint(0, config.vocab_size, (5, 12))
    z = torch.randn(5, config.z_size)
    stepper = Stepper(model)
    if packed:
        for product in [stepper.recurrent, *stepper.upper]:
            product.packed = {5: product.pack(5)}
    with torch.no_grad():
        forced = model.decode(z, tokens)
        state, previous = stepper.initial_state(z), np.full(5, model.start_token)
        gates = stepper.z_gates(z)
        for t in range(tokens.shape[1]):
            logits, state = stepper.step(previous, gates, state)
            torch.testing.assert_close(torch.from_numpy(logits), forced[:, t], atol=1e-5, rtol=1e-4)
            previous = tokens[:, t].numpy()


def test_stepper_follows_a_change_of_z_between_steps():
    """The daemon swaps a voice's z mid-phrase; the cached gates must be those of the new z."""
    torch.manual_seed(0)
    model = StyleVAE(ModelConfig(n_styles=2, vocab_size=Vocabulary().size, enc_hidden=8, dec_hidden=8)).eval()
    stepper = Stepper(model)
    z_a, z_b = torch.randn(2, 1, model.config.z_size)
    previous = np.array([model.start_token])
    with torch.no_grad():
        _, state = stepper.step(previous, stepper.z_gates(z_a), stepper.initial_state(z_a))
        expected, _ = model.step(torch.from_numpy(previous), z_b, [tuple(map(torch.from_numpy, s)) for s in state])
        actual, _ = stepper.step(previous, stepper.z_gates(z_b), state)
    torch.testing.assert_close(torch.from_numpy(actual), expected, atol=1e-5, rtol=1e-4)


def test_a_step_leaves_the_state_it_was_given_as_it_was():
    """The decoder hands a voice views of the batch's state; a step that wrote into them would change a voice
    that left the batch."""
    torch.manual_seed(0)
    model = StyleVAE(ModelConfig(n_styles=2, vocab_size=Vocabulary().size, enc_hidden=8, dec_hidden=8,
                                 dec_layers=2)).eval()
    stepper = Stepper(model)
    z = torch.randn(3, model.config.z_size)
    state = stepper.initial_state(z)
    before = [(h.copy(), c.copy()) for h, c in state]
    stepper.step(np.full(3, model.start_token), stepper.z_gates(z), state)
    for (h, c), (h0, c0) in zip(state, before):
        np.testing.assert_array_equal(h, h0)
        np.testing.assert_array_equal(c, c0)


@needs_onednn
def test_packed_product_matches_the_plain_one_at_every_row_count():
    torch.manual_seed(0)
    product = Product(torch.randn(32, 48), torch.randn(48))
    for rows in range(1, 17):
        x = torch.randn(rows, 32)
        product.packed = {rows: product.pack(rows)}
        torch.testing.assert_close(product(x), x @ product.weight + product.bias, atol=1e-5, rtol=1e-4)


@needs_onednn
def test_tuning_packs_from_the_measured_crossover_and_the_packed_weights_work():
    """Timings where packing pays from 4 rows up, with one noisy count on each side: one threshold at 4."""
    torch.manual_seed(0)
    product = Product(torch.randn(64, 128))
    packed_cost = {1: 2.0, 2: 0.95, 3: 1.2, 4: 0.8, 5: 0.8, 6: 1.1, 7: 0.8, 8: 0.8}  # 2, 3 and 6: noise
    plain_cost = dict.fromkeys(packed_cost, 1.0)

    def timer(call, repeats):
        rows = call.args[0].shape[0]
        return packed_cost[rows] if call.func == product._packed else plain_cost[rows]

    assert crossover(plain_cost, packed_cost) == 4
    assert product.tune(8, repeats=3, timer=timer) == 4
    assert sorted(product.packed) == [4, 5, 6, 7, 8]
    for rows in range(1, 9):
        x = torch.randn(rows, 64)
        torch.testing.assert_close(product(x), x @ product.weight, atol=1e-5, rtol=1e-4)


def test_crossover_never_packs_where_packing_never_pays():
    assert crossover({1: 1.0, 2: 1.0}, {1: 2.0, 2: 1.5}) == 3


def test_tuning_falls_back_to_plain_products_where_packing_fails(monkeypatch):
    """A torch whose internals changed must cost speed, not correctness or start-up."""
    product = Product(torch.randn(16, 32))

    def broken(rows):
        raise RuntimeError("no such op")

    monkeypatch.setattr(product, "pack", broken)
    product.tune(4, repeats=3)
    assert product.packed == {}
    x = torch.randn(3, 16)
    torch.testing.assert_close(product(x), x @ product.weight)
