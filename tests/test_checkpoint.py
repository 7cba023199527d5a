"""Checkpoints: safetensors + JSON, and one-line errors for every way a checkpoint can be wrong."""

import json

import pytest
import torch

from stylevae.model.data.tokens import Vocabulary
from stylevae.model.network import checkpoint
from stylevae.model.network.vae import ModelConfig, StyleVAE

SMALL = dict(embed_dim=8, enc_hidden=8, dec_hidden=8, z_content=4, style_dim=3)


def _save(folder, styles=("a", "b", "c"), kind="stylevae", vocab=None):
    vocab = vocab or Vocabulary()
    model = StyleVAE(ModelConfig(n_styles=len(styles), vocab_size=vocab.size, kind=kind, **SMALL))
    checkpoint.save(checkpoint.Checkpoint(model, vocab, list(styles), {"steps": 32}), folder)
    return model


@pytest.mark.parametrize("kind", ["stylevae", "baseline"])
def test_round_trip(tmp_path, kind):
    model = _save(tmp_path, kind=kind)
    loaded = checkpoint.load(tmp_path)
    assert loaded.styles == ["a", "b", "c"] and loaded.steps == 32 and loaded.model.config == model.config
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, loaded.model.state_dict()[name])
    assert not loaded.model.training


def _one_line(exc: pytest.ExceptionInfo, *words: str) -> None:
    message = str(exc.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_missing_folder_and_files(tmp_path):
    with pytest.raises(checkpoint.CheckpointError) as exc:
        checkpoint.load(tmp_path / "nope")
    _one_line(exc, "no such checkpoint")
    _save(tmp_path)
    (tmp_path / "weights.safetensors").unlink()
    with pytest.raises(checkpoint.CheckpointError) as exc:
        checkpoint.load(tmp_path)
    _one_line(exc, "weights.safetensors", "missing")


def test_truncated_weights(tmp_path):
    _save(tmp_path)
    weights = tmp_path / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:200])
    with pytest.raises(checkpoint.CheckpointError) as exc:
        checkpoint.load(tmp_path)
    _one_line(exc, str(weights), "truncated")


def test_pickle_is_never_read(tmp_path):
    _save(tmp_path)
    (tmp_path / "weights.safetensors").write_bytes(b"\x80\x04\x95pickle payload")
    with pytest.raises(checkpoint.CheckpointError) as exc:
        checkpoint.load(tmp_path)
    _one_line(exc, "unreadable")


def test_mismatched_config_and_weights(tmp_path):
    _save(tmp_path)
    config = json.loads((tmp_path / "config.json").read_bytes())
    config["model"]["dec_hidden"] = 16
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(checkpoint.CheckpointError) as exc:
        checkpoint.load(tmp_path)
    _one_line(exc, "has shape", "the config needs")


def test_other_vocabulary(tmp_path):
    _save(tmp_path, vocab=Vocabulary(36, 96))
    with pytest.raises(checkpoint.CheckpointError) as exc:
        checkpoint.load(tmp_path, expect_vocab=Vocabulary())
    _one_line(exc, "36..96", "21..108")
    config = json.loads((tmp_path / "config.json").read_bytes())
    config["vocab"] = {"low": 21, "high": 108}
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(checkpoint.CheckpointError) as exc:
        checkpoint.load(tmp_path)
    _one_line(exc, "vocabulary size")


def test_style_names_must_match_the_model(tmp_path):
    _save(tmp_path)
    config = json.loads((tmp_path / "config.json").read_bytes())
    config["styles"] = ["a", "b"]
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(checkpoint.CheckpointError) as exc:
        checkpoint.load(tmp_path)
    _one_line(exc, "2 style names", "3 styles")


def test_not_a_checkpoint(tmp_path):
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "weights.safetensors").write_bytes(b"")
    with pytest.raises(checkpoint.CheckpointError) as exc:
        checkpoint.load(tmp_path)
    _one_line(exc, "not valid JSON")
    (tmp_path / "config.json").write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(checkpoint.CheckpointError) as exc:
        checkpoint.load(tmp_path)
    _one_line(exc, "not a StyleVAE checkpoint")


def test_latents_without_balancing_weights_or_fitted_under_other_settings_are_named_in_one_line(
        tmp_path, caplog, monkeypatch):
    """A checkpoint whose latents have no balancing weights, or weights fitted under another register pull than
    the code's, loads and says so in one log line, naming the command that fits them anew; weights fitted as the
    code walks now load without a word of them. The shipped checkpoint's are."""
    import numpy as np

    from stylevae.model.decoding import continuation

    def said() -> list[str]:  # the lines about the balancing weights (this small model is from before keys too)
        found = [r.getMessage() for r in caplog.records if "balance" in r.getMessage().split(": ", 1)[1]]
        caplog.clear()
        return found

    _save(tmp_path)
    latents = continuation.Continuation(4, np.zeros((2, 4), np.float32), np.ones((2, 4), np.float32),
                                        np.zeros(2, np.int64), np.full(2, 60))
    latents.save(tmp_path)
    with caplog.at_level("WARNING", logger="stylevae.model"):
        checkpoint.load(tmp_path)
        lines = said()
        assert len(lines) == 1 and "\n" not in lines[0]
        assert "from before" in lines[0] and "balanced lines" in lines[0] and "`stylevae latents`" in lines[0]
        continuation.balance(latents, continuation.VARIATION)
        latents.save(tmp_path)
        checkpoint.load(tmp_path)
        assert said() == []
        monkeypatch.setattr(continuation, "REGISTER_PULL", continuation.REGISTER_PULL + 1.0)
        checkpoint.load(tmp_path)
        lines = said()
    assert len(lines) == 1 and "\n" not in lines[0]
    assert "fitted under another register pull" in lines[0] and "`stylevae latents`" in lines[0]
    monkeypatch.undo()
    assert checkpoint.load(checkpoint.DEFAULT_CHECKPOINT, warn=False).continuation.balanced_as_now
