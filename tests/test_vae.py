"""The content critic (beyond the paper): each of its two losses trains only its own side."""

import torch

from stylevae.model.network.vae import LossWeights, ModelConfig, StyleVAE

SMALL = dict(embed_dim=8, enc_hidden=16, dec_hidden=16, z_content=8, style_dim=4)


def _model() -> StyleVAE:
    torch.manual_seed(0)
    return StyleVAE(ModelConfig(n_styles=3, vocab_size=20, content_critic=True, **SMALL))


def _grads(model: StyleVAE, loss: torch.Tensor) -> tuple[float, float]:
    """(gradient norm on the critic, gradient norm on the encoder's content head) of one loss."""
    model.zero_grad(set_to_none=True)
    loss.backward(retain_graph=True)
    critic = sum(float(p.grad.norm()) for p in model.critic.parameters() if p.grad is not None)
    encoder = float(model.to_mu.weight.grad.norm()) if model.to_mu.weight.grad is not None else 0.0
    return critic, encoder


def test_critic_loss_trains_the_critic_and_the_leak_penalty_trains_the_encoder():
    model = _model()
    tokens, styles = torch.randint(0, 20, (6, 5)), torch.tensor([0, 1, 2, 0, 1, 2])
    out = model(tokens, styles, LossWeights(critic_weight=1.0))
    critic_side, encoder_side = _grads(model, out["critic"])
    assert critic_side > 0 and encoder_side == 0
    critic_side, encoder_side = _grads(model, out["leak"])
    assert critic_side == 0 and encoder_side > 0


def test_leak_is_zero_for_a_critic_that_cannot_tell_and_log_s_for_a_sure_one():
    model = _model()
    styles = torch.tensor([0, 1, 2])
    with torch.no_grad():
        model.critic[2].weight.zero_()
        model.critic[2].bias.zero_()
    assert abs(float(model.critic_losses(torch.randn(3, 8), styles)["leak"])) < 1e-6
    with torch.no_grad():
        model.critic[2].bias.copy_(torch.tensor([100.0, 0.0, 0.0]))
    assert abs(float(model.critic_losses(torch.randn(3, 8), styles)["leak"]) - torch.log(torch.tensor(3.0))) < 1e-4


def test_without_the_critic_the_losses_have_no_critic_terms():
    model = StyleVAE(ModelConfig(n_styles=3, vocab_size=20, **SMALL))
    out = model(torch.randint(0, 20, (4, 5)), torch.tensor([0, 1, 2, 0]), LossWeights(critic_weight=1.0))
    assert "critic" not in out and not hasattr(model, "critic")
