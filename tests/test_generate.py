"""The generation API: style weights, step-by-step decoding, mixtures, restyle, and its errors."""

import math

import pytest
import torch

from model import generate
from model.tokens import Vocabulary
from model.vae import LossWeights, ModelConfig, StyleVAE, inverse_sigmoid, kl_divergence, mu_forcing

STYLES = ["irish", "bach", "han"]


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return StyleVAE(ModelConfig(n_styles=3, vocab_size=Vocabulary().size, enc_hidden=16, dec_hidden=16)).eval()


def test_style_weights_accept_every_form():
    assert generate.style_weights(STYLES, "bach").tolist() == [0, 1, 0]
    assert generate.style_weights(STYLES, 2).tolist() == [0, 0, 1]
    assert generate.style_weights(STYLES, "irish:3,han:1").tolist() == [0.75, 0, 0.25]
    assert generate.style_weights(STYLES, {"bach": 2.0}).tolist() == [0, 1, 0]
    assert generate.style_weights(STYLES, [1, 1, 2]).tolist() == [0.25, 0.25, 0.5]


@pytest.mark.parametrize(
    "choice,words",
    [
        ("jazz", ["unknown style", "irish, bach, han"]),
        (5, ["out of range"]),
        ([0, 0, 0], ["sum to a positive"]),
        ([1, -1, 1], ["non-negative"]),
        ([1, math.nan, 1], ["finite"]),
        ([1, 1], ["2 weights", "3 styles"]),
        ({"jazz": 1.0}, ["unknown style"]),
        ("irish:x", ["cannot read the mix"]),
    ],
)
def test_bad_style_choices_say_what_is_allowed(choice, words):
    with pytest.raises(generate.GenerationError) as exc:
        generate.style_weights(STYLES, choice)
    for word in words:
        assert word in str(exc.value)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, math.nan])
def test_bad_temperatures(bad):
    with pytest.raises(generate.GenerationError, match="positive"):
        generate.check_temperature(bad)


def test_sample_gives_phrases_and_is_seeded(model):
    weights = torch.stack([generate.style_weights(STYLES, s) for s in STYLES])
    a = generate.sample(model, weights, 32, generator=torch.Generator().manual_seed(1))
    b = generate.sample(model, weights, 32, generator=torch.Generator().manual_seed(1))
    assert a.shape == (3, 32) and torch.equal(a, b) and a.max() < Vocabulary().size


def test_step_decoder_matches_teacher_forced_decoding(model):
    """The daemon's step-by-step path computes the same logits as the training path."""
    tokens = torch.randint(0, Vocabulary().size, (2, 16))
    z = torch.randn(2, model.config.z_size)
    with torch.no_grad():
        forced = model.decode(z, tokens)
        state, previous = model.initial_state(z), torch.full((2,), model.start_token)
        for t in range(16):
            logits, state = model.step(previous, z, state)
            assert torch.allclose(logits, forced[:, t], atol=1e-5)
            previous = tokens[:, t]


def test_a_mix_lies_between_its_styles_in_the_codebook(model):
    half = generate.style_weights(STYLES, "irish:1,bach:1")
    vec = model.style_vector(half[None])[0]
    ends = model.style_vector(torch.eye(3)[:2])
    assert torch.allclose(vec, ends.mean(0), atol=1e-6)


def test_restyle_returns_phrases_of_the_input_shape(model):
    tokens = torch.randint(0, Vocabulary().size, (4, 32))
    out = generate.restyle(model, tokens, generate.style_weights(STYLES, "han")[None].expand(4, 3))
    assert out.shape == tokens.shape
    assert generate.classify(model, tokens).sum(-1).allclose(torch.ones(4))


def test_losses_and_schedules():
    mu = torch.zeros(8, 4)
    assert float(mu_forcing(mu, 2.0)) == 2.0  # collapsed means: the full penalty
    spread = torch.randn(8, 4) * 10
    assert float(mu_forcing(spread, 2.0)) == 0.0
    assert torch.allclose(kl_divergence(torch.zeros(2, 3), torch.zeros(2, 3)), torch.zeros(2))
    assert inverse_sigmoid(0, 1000) < 0.01 < inverse_sigmoid(7000, 1000) < 1 and inverse_sigmoid(5, 0) == 0


def test_forward_reports_every_loss_part(model):
    tokens = torch.randint(0, Vocabulary().size, (4, 8))
    out = model(tokens, torch.tensor([0, 1, 2, 0]), LossWeights(beta_mu=1.0, sample_probability=0.5))
    assert {"loss", "recon", "kl", "style", "mu", "accuracy", "style_accuracy"} <= set(out)
    out["loss"].backward()
    assert model.codebook.grad is not None and model.to_style.weight.grad is not None
    model.zero_grad()
