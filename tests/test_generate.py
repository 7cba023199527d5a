"""The generation API: style weights, step-by-step decoding, mixtures, restyle, and its errors."""

import math

import numpy as np
import pytest
import torch

from stylevae.model.data.tokens import FIRST_PITCH_TOKEN, Vocabulary
from stylevae.model.decoding import generate
from stylevae.model.decoding.decoder import GREEDY, Decoder
from stylevae.model.network import checkpoint
from stylevae.model.network.vae import LossWeights, ModelConfig, StyleVAE, inverse_sigmoid, kl_divergence, mu_forcing

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


@pytest.fixture(scope="module")
def shipped():
    return checkpoint.load(checkpoint.DEFAULT_CHECKPOINT)


def test_generate_gives_chained_phrases_and_is_seeded(shipped):
    weights = np.eye(len(shipped.styles), dtype=np.float32)[:3]
    a = generate.generate(shipped, weights, phrases=2, seed=1)
    b = generate.generate(shipped, weights, phrases=2, seed=1)
    c = generate.generate(shipped, weights, phrases=2, seed=2)
    assert a.shape == (3, 2 * shipped.steps) and (a == b).all() and not (a == c).all()
    assert a.max() < shipped.vocab.size and (a >= FIRST_PITCH_TOKEN).any()


def test_the_daemons_decoder_matches_teacher_forced_decoding(shipped):
    """What the daemon's decoder (cached tables, the compiled step) picks greedily is what the training path's
    teacher-forced logits pick at every step, with the same z and first input."""
    model = shipped.model
    decoder = Decoder(model, shipped.vocab)
    z = torch.randn(4, model.config.z_size, generator=torch.Generator().manual_seed(0))
    first = [model.start_token, shipped.vocab.note_on(60), shipped.vocab.note_on(67), model.start_token]
    decoder.start_batch(range(4), z, first, [GREEDY] * 4)
    tokens = np.stack([decoder.step(range(4), np.full(4, 0.5)) for _ in range(shipped.steps)], axis=1)
    with torch.no_grad():
        forced = model.decode(z, torch.as_tensor(tokens), first=torch.tensor(first)).argmax(-1).numpy()
    assert (forced == tokens).mean() > 0.99  # float rounding may flip a near tie, no more


def test_restyle_returns_phrases_of_the_input_shape(shipped):
    tune = np.full((2, shipped.steps), 1)
    tune[:, ::4] = [[shipped.vocab.note_on(p) for p in (62, 64, 66, 67, 69, 71, 73, 74)]] * 2  # D major
    out = generate.restyle(shipped, tune, generate.style_weights(shipped.styles, 0).numpy(), seed=0)
    assert out.shape == tune.shape and (out >= FIRST_PITCH_TOKEN).any()
    assert generate.classify(shipped.model, torch.as_tensor(tune)).sum(-1).allclose(torch.ones(2))


def test_a_mix_lies_between_its_styles_in_the_codebook(model):
    half = generate.style_weights(STYLES, "irish:1,bach:1")
    vec = model.style_vector(half[None])[0]
    ends = model.style_vector(torch.eye(3)[:2])
    assert torch.allclose(vec, ends.mean(0), atol=1e-6)


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
