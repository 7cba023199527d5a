"""The real-time decoder step (one compiled kernel) gives the training path's logits and state, for any depth and
batch; its tanh is as good as float32's; it compiles once for what the decoder gives it."""

import numpy as np
import pytest
import torch

from stylevae.model.data.tokens import Vocabulary
from stylevae.model.network.stepper import Stepper, tanh
from stylevae.model.network.vae import ModelConfig, StyleVAE


@pytest.mark.parametrize("rows", [1, 5, 8])
@pytest.mark.parametrize("layers,kind", [(1, "stylevae"), (2, "stylevae"), (3, "baseline")])
def test_stepper_matches_teacher_forced_decoding(layers, kind, rows):
    torch.manual_seed(layers)
    config = ModelConfig(n_styles=3, vocab_size=Vocabulary().size, kind=kind, enc_hidden=16, dec_hidden=24,
                         dec_layers=layers, z_content=8, style_dim=4)
    model = StyleVAE(config).eval()
    tokens = torch.randint(0, config.vocab_size, (rows, 12))
    z = torch.randn(rows, config.z_size)
    stepper = Stepper(model)
    with torch.no_grad():
        forced = model.decode(z, tokens)
        state, previous = stepper.initial_state(z), np.full(rows, model.start_token)
        gates = stepper.z_gates(z)
        for t in range(tokens.shape[1]):
            logits, state = stepper.step(previous, gates, state)
            torch.testing.assert_close(torch.from_numpy(logits), forced[:, t], atol=1e-5, rtol=1e-4)
            previous = np.ascontiguousarray(tokens[:, t].numpy())


def test_stepper_follows_a_change_of_z_between_steps():
    """The daemon swaps a voice's z mid-phrase; the cached gates must be those of the new z."""
    torch.manual_seed(0)
    model = StyleVAE(ModelConfig(n_styles=2, vocab_size=Vocabulary().size, enc_hidden=8, dec_hidden=8)).eval()
    stepper = Stepper(model)
    z_a, z_b = torch.randn(2, 1, model.config.z_size)
    previous = np.array([model.start_token])
    with torch.no_grad():
        _, state = stepper.step(previous, stepper.z_gates(z_a), stepper.initial_state(z_a))
        layers = [(torch.from_numpy(h), torch.from_numpy(c)) for h, c in state]
        expected, _ = model.step(torch.from_numpy(previous), z_b, layers)
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
    before = state.copy()
    _, after = stepper.step(np.full(3, model.start_token), stepper.z_gates(z), state)
    np.testing.assert_array_equal(state, before)
    assert not np.array_equal(after, before)


def test_the_kernels_tanh_is_as_close_to_tanh_as_float32_allows():
    """Within 4e-7 of tanh everywhere (float32's own tanh: 6e-8), never beyond ±1, exact at 0 and odd."""
    xs = np.concatenate([np.linspace(-12, 12, 24001), np.geomspace(1e-8, 1, 200), [7.9, 8.0, 50.0, 1e30]])
    xs = np.concatenate([xs, -xs]).astype(np.float32)
    ys = np.array([tanh(x) for x in xs], dtype=np.float64)
    assert np.abs(ys - np.tanh(xs.astype(np.float64))).max() < 4e-7
    assert np.abs(ys).max() <= 1.0 and tanh(np.float32(0.0)) == 0.0
    np.testing.assert_array_equal(ys[: len(xs) // 2], -ys[len(xs) // 2 :])
