"""Training end to end on a tiny data set: checkpoints, resume, the baseline, DDP with torchrun."""

import argparse
import json
import math
import os
import subprocess
import sys
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pytest
import torch

from stylevae.model.data import dataset
from stylevae.model.data.tokens import FIRST_PITCH_TOKEN, Vocabulary
from stylevae.model.decoding import continuation
from stylevae.model.evaluation import evaluate
from stylevae.model.network import checkpoint
from stylevae.model.network.vae import Architecture
from stylevae.model.training import train as train_module
from stylevae.model.training.batches import model_view
from stylevae.model.training.train import TrainConfig, add_config_arguments, augment, config_from_args, train
from tests.midi_factory import STYLES, TINY, TINY_NETWORK, make_midi_dir

DEFAULT_TRAIN_CONFIG = Path(__file__).resolve().parents[1] / "model" / "checkpoints" / "train_default.json"


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    midi = make_midi_dir(root / "midi", {**STYLES, "mid": (60, [2, 4])}, pieces=8)
    dataset.build_midi_dir(midi, root / "data", workers=1)
    return root / "data"


@pytest.mark.parametrize("kind", ["stylevae", "baseline"])
def test_training_writes_loadable_checkpoints(tiny_data, tmp_path, kind):
    best = train(TrainConfig(data=str(tiny_data), out=str(tmp_path), epochs=2,
                             **{**TINY, "model": replace(TINY_NETWORK, kind=kind)}))
    loaded = checkpoint.load(best)
    assert loaded.styles == ["fast", "mid", "slow"] and loaded.model.config.kind == kind
    assert loaded.meta["train"]["model"]["kind"] == kind and loaded.meta["data"]["origin"]["kind"] == "midi_dir"
    history = json.loads((tmp_path / "history.json").read_bytes())
    assert [h["epoch"] for h in history] == [1, 2]
    assert all(torch.isfinite(p).all() for p in loaded.model.parameters())


def test_a_key_relative_model_ships_with_its_phrase_continuation_and_border_ratio(tiny_data, tmp_path):
    network = replace(TINY_NETWORK, key_relative=True)
    best = train(TrainConfig(data=str(tiny_data), out=str(tmp_path), epochs=1, **{**TINY, "model": network}))
    found = checkpoint.load(best).continuation
    assert found.learned and found.repeat is not None
    assert found.border.shape == (3, 2 * continuation.BORDER_SPAN + 1)
    assert (found.border != 1).any()  # fitted from what the model played, not left at its neutral value


def test_stylevae_latents_fits_a_checkpoints_continuation_anew_and_refuses_other_data(tiny_data, tmp_path, capsys):
    """A checkpoint whose latents an older version fitted (the linear step's) loads without a fit; ``stylevae
    latents`` on the data it was trained on fits the phrase pairs again. Data of other styles: one line, nothing
    written."""
    import shutil

    from safetensors.numpy import save_file

    from stylevae.bridge.cli import main

    network = replace(TINY_NETWORK, key_relative=True)
    best = train(TrainConfig(data=str(tiny_data), out=str(tmp_path / "run"), epochs=1, **{**TINY, "model": network}))
    older = {"bank": np.zeros((1, network.z_content), np.float32), "bank_style": np.zeros(1, np.int64),
             "transition": np.eye(network.z_content, dtype=np.float32)[None]}
    save_file(older, str(best / continuation.LATENTS))
    assert not checkpoint.load(best).continuation.learned
    assert main(["latents", "--model", str(best), "--data", str(tiny_data)]) == 0
    found = checkpoint.load(best).continuation
    assert found.learned and set(found.pair_style.tolist()) == {0, 1, 2} and found.border is not None
    other = tmp_path / "other"
    shutil.copytree(tiny_data, other)
    manifest = json.loads((other / "manifest.json").read_bytes())
    manifest["styles"] = ["x", "y", "z"]
    (other / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    before = (best / continuation.LATENTS).read_bytes()
    assert main(["latents", "--model", str(best), "--data", str(other)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "is not the data" in err and "Traceback" not in err
    assert (best / continuation.LATENTS).read_bytes() == before


def test_training_with_the_content_critic_keeps_it_in_the_checkpoint(tiny_data, tmp_path):
    best = train(TrainConfig(data=str(tiny_data), out=str(tmp_path), epochs=1, critic_weight=3.0, **TINY))
    loaded = checkpoint.load(best)
    assert loaded.model.config.content_critic and loaded.meta["train"]["critic_weight"] == 3.0
    history = json.loads((tmp_path / "history.json").read_bytes())
    assert 0 <= history[0]["valid_critic_accuracy"] <= 1 and "valid_leak" in history[0]


def test_the_critics_penalty_is_what_it_can_read_and_trains_only_the_encoder():
    """log S − H(critic): 0 for a critic that cannot tell the styles apart, log S for a certain one; its gradient
    reaches z_c (the encoder) and never the critic, whose own loss is on a detached z_c."""
    import math

    from stylevae.model.network.vae import ModelConfig, StyleVAE

    model = StyleVAE(ModelConfig(n_styles=3, vocab_size=10, z_content=4, content_critic=True))
    last = model.critic[-1]
    z_c = torch.randn(5, 4, requires_grad=True)
    styles = torch.tensor([0, 1, 2, 0, 1])
    with torch.no_grad():
        last.weight.zero_(), last.bias.zero_()
    assert model.critic_losses(z_c, styles)["leak"].item() == pytest.approx(0.0, abs=1e-6)
    with torch.no_grad():
        last.bias.copy_(torch.tensor([50.0, 0.0, 0.0]))
    assert model.critic_losses(z_c, styles)["leak"].item() == pytest.approx(math.log(3), abs=1e-4)
    with torch.no_grad():
        last.weight.normal_(), last.bias.zero_()
    model.critic_losses(z_c, styles)["leak"].backward()
    assert z_c.grad is not None and z_c.grad.abs().sum() > 0
    assert all(p.grad is None for p in model.critic.parameters())


def test_resume_continues_where_it_stopped(tiny_data, tmp_path):
    config = TrainConfig(data=str(tiny_data), out=str(tmp_path), epochs=1, **TINY)
    train(config)
    first = json.loads((tmp_path / "last" / "progress.json").read_bytes())
    train(TrainConfig(**{**config.__dict__, "epochs": 2}), resume=True)
    second = json.loads((tmp_path / "last" / "progress.json").read_bytes())
    assert first["epoch"] == 1 and second["epoch"] == 2
    assert second["step"] == 2 * first["step"]
    assert [h["epoch"] for h in second["history"]] == [1, 2]


def test_a_run_goes_on_from_a_checkpoint_with_its_weights_and_schedules(tiny_data, tmp_path):
    """A run started from a checkpoint alone begins with its weights (at a learning rate of almost 0 they stay
    them) and goes on from the epoch and step it reached, which the new checkpoints record."""
    first = train(TrainConfig(data=str(tiny_data), out=str(tmp_path / "a"), epochs=1, **TINY))
    reached = json.loads((tmp_path / "a" / "last" / "progress.json").read_bytes())
    config = TrainConfig(data=str(tiny_data), out=str(tmp_path / "b"), epochs=2, lr=1e-12, lr_min=0.0,
                         start_from=str(first), **TINY)
    went_on = train(config)
    progress = json.loads((tmp_path / "b" / "last" / "progress.json").read_bytes())
    assert progress["epoch"] == 2 and progress["step"] == 2 * reached["step"]
    assert [h["epoch"] for h in progress["history"]] == [2]
    before, after = checkpoint.load(first).model.state_dict(), checkpoint.load(went_on).model.state_dict()
    assert all(torch.allclose(before[name], after[name], atol=1e-6) for name in before)
    assert checkpoint.load(went_on).meta["started_from"] == {"folder": str(first), "epoch": 1,
                                                             "step": reached["step"]}


@pytest.mark.parametrize("change, said", [
    (dict(model=replace(TINY_NETWORK, z_content=6)), "z_content: 8, not 6"),
    (dict(epochs=1), "trained for 1 epochs already"),
])
def test_a_run_from_a_checkpoint_of_another_network_or_no_epochs_left_is_refused_in_one_line(
        tiny_data, tmp_path, change, said):
    first = train(TrainConfig(data=str(tiny_data), out=str(tmp_path / "a"), epochs=1, **TINY))
    config = TrainConfig(**{**TINY, "data": str(tiny_data), "out": str(tmp_path / "b"), "epochs": 2,
                            "start_from": str(first), **change})
    with pytest.raises(ValueError) as refused:
        train(config)
    assert said in str(refused.value) and "\n" not in str(refused.value)
    assert not (tmp_path / "b" / "last").exists()


def test_a_run_from_a_checkpoint_of_other_data_or_without_its_progress_is_refused_in_one_line(tiny_data, tmp_path):
    import shutil

    first = train(TrainConfig(data=str(tiny_data), out=str(tmp_path / "a"), epochs=1, **TINY))
    other = tmp_path / "other"
    shutil.copytree(tiny_data, other)
    manifest = json.loads((other / "manifest.json").read_bytes())
    manifest["styles"] = ["x", "y", "z"]
    (other / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ValueError, match="was trained on other data") as refused:
        train(TrainConfig(**{**TINY, "data": str(other), "out": str(tmp_path / "b"), "epochs": 2,
                             "start_from": str(first)}))
    assert "\n" not in str(refused.value)
    config = json.loads((first / "config.json").read_bytes())
    del config["progress"]
    (first / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ValueError, match="records no training progress") as refused:
        train(TrainConfig(**{**TINY, "data": str(tiny_data), "out": str(tmp_path / "c"), "epochs": 2,
                             "start_from": str(first)}))
    assert "\n" not in str(refused.value)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads the process's mappings from /proc")
def test_resumed_optimizer_state_holds_no_view_of_the_file_the_next_save_rewrites(tmp_path):
    """safetensors' load_file maps the file into memory and its tensors are views of it: kept as the optimizer's
    state, the file stayed mapped, and the next save rewrote it under them (Windows refuses that outright)."""
    model = torch.nn.Linear(64, 64)
    optimizer = torch.optim.Adam(model.parameters())
    model(torch.ones(2, 64)).sum().backward()
    optimizer.step()
    train_module._save_progress(tmp_path, model, optimizer, {"epoch": 1})
    resumed = torch.optim.Adam(model.parameters())
    assert train_module._load_progress(tmp_path, model, resumed) == {"epoch": 1}
    assert str(tmp_path / "optimizer.safetensors") not in Path("/proc/self/maps").read_text(encoding="utf-8")
    state = resumed.state[model.weight]
    assert torch.equal(state["exp_avg"], optimizer.state[model.weight]["exp_avg"])


def test_loss_goes_down(tiny_data, tmp_path):
    train(TrainConfig(data=str(tiny_data), out=str(tmp_path), epochs=6, lr=3e-3, **TINY))
    history = json.loads((tmp_path / "history.json").read_bytes())
    assert history[-1]["valid_recon"] < history[0]["valid_recon"]


def test_training_stops_once_validation_accuracy_reaches_the_goal(tiny_data, tmp_path):
    """The goal is set between what a free run reached by its last epoch and the best before: the same seeded
    run must then go past every earlier epoch (all below the goal) and stop at the first that reaches it."""
    free = TrainConfig(data=str(tiny_data), out=str(tmp_path / "free"), epochs=5, lr=3e-3, **TINY)
    train(free)
    accuracies = [h["valid_accuracy"] for h in json.loads((tmp_path / "free" / "history.json").read_bytes())]
    first = next(i for i, a in enumerate(accuracies) if i > 0 and a > max(accuracies[:i]))
    goal = (accuracies[first] + max(accuracies[:first])) / 2
    train(TrainConfig(**{**vars(free), "out": str(tmp_path / "stop"), "stop_accuracy": goal, "epochs": 6}))
    history = json.loads((tmp_path / "stop" / "history.json").read_bytes())
    assert len(history) == first + 1 >= 2
    assert_stopped_at_the_goal(history, goal=goal, epochs=6)


@pytest.mark.parametrize("select_by", ["free_running", "loss"])
def test_the_best_checkpoint_is_the_epoch_its_measure_prefers(tiny_data, tmp_path, select_by):
    """best/ is the epoch whose validation phrases decode best free-running (by default), or whose loss is lowest:
    the same seeded run, so both read one history."""
    config = TrainConfig(data=str(tiny_data), out=str(tmp_path), epochs=5, lr=3e-3, select_by=select_by, **TINY)
    best = train(config)
    history = json.loads((tmp_path / "history.json").read_bytes())
    marks = [-h["valid_free_running_accuracy"] if select_by == "free_running" else
             h["valid_recon"] + config.beta * h["valid_kl"] for h in history]
    assert len(set(marks)) > 1  # else any epoch would do
    assert checkpoint.load(best, warn=False).meta["progress"]["epoch"] == int(np.argmin(marks)) + 1


def test_the_free_running_validation_score_is_the_evaluations_reconstruction(tiny_data, tmp_path):
    """Training picks checkpoints by what the evaluation reports as free-running reconstruction: one measure."""
    best = checkpoint.load(train(TrainConfig(data=str(tiny_data), out=str(tmp_path), epochs=2, lr=3e-3, **TINY)),
                           warn=False)
    phrases = model_view(best.model, dataset.load(tiny_data).split("valid"))
    found = train_module.free_running_accuracy(best.model, phrases, torch.device("cpu"), batch=7)
    assert found == pytest.approx(evaluate.reconstruction(best.model, phrases, batch=64)[0]["free_running_accuracy"])
    history = json.loads((tmp_path / "history.json").read_bytes())
    assert history[-1]["valid_free_running_accuracy"] == pytest.approx(found, abs=1e-4)


def test_tau_anneals_over_its_epochs_and_holds_after():
    """A run given more epochs to go on with keeps τ at its end, rather than raising it again."""
    shipped = parsed("--config", str(DEFAULT_TRAIN_CONFIG))
    per_epoch = shipped.epoch_size // shipped.batch_size
    assert shipped.epochs > shipped.anneal_epochs > 0
    at = [shipped.hyper(epoch * per_epoch, per_epoch).tau for epoch in (0, 15, shipped.anneal_epochs, shipped.epochs)]
    assert at[0] == shipped.tau_start and shipped.tau_start > at[1] > shipped.tau_end
    assert at[2] == at[3] == pytest.approx(shipped.tau_end)
    whole = replace(shipped, anneal_epochs=0)
    assert whole.hyper(shipped.anneal_epochs * per_epoch, per_epoch).tau > shipped.tau_end
    assert whole.hyper(shipped.epochs * per_epoch, per_epoch).tau == pytest.approx(shipped.tau_end)


def assert_stopped_at_the_goal(history: list[dict], goal: float, epochs: int) -> None:
    accuracies = [h["valid_accuracy"] for h in history]
    assert len(accuracies) < epochs and accuracies[-1] >= goal and all(a < goal for a in accuracies[:-1])


def test_augmentation_keeps_notes_in_range_and_rhythm_intact():
    vocab = Vocabulary()
    tokens = torch.randint(0, vocab.size, (256, 32))
    moved = augment(tokens, 5, vocab.size, torch.Generator().manual_seed(0))
    pitched = tokens >= FIRST_PITCH_TOKEN
    assert torch.equal(moved >= FIRST_PITCH_TOKEN, pitched)
    assert torch.equal(moved[~pitched], tokens[~pitched])
    assert moved.max() < vocab.size
    shifts = {int(s) for s in (moved - tokens)[pitched].unique()}
    assert len(shifts) > 3 and max(abs(s) for s in shifts) <= 5


# Windows' torch is built without libuv, which torchrun's rendezvous store asks for there
@pytest.mark.skipif(sys.platform == "win32", reason="torchrun's rendezvous needs libuv")
def test_data_parallel_training_with_torchrun(tiny_data, tmp_path):
    settings = {**asdict(TINY_NETWORK), **{k: v for k, v in TINY.items() if k != "model"}}
    args = [f"--{k.replace('_', '-')}={v}" for k, v in settings.items()]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--nproc-per-node=2",
            "--standalone",
            "-m",
            "stylevae.model.training.train",
            f"--data={tiny_data}",
            f"--out={tmp_path}",
            "--epochs=4",
            "--stop-accuracy=0.0001",  # reached at once: both ranks must stop there together
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    progress = json.loads((tmp_path / "last" / "progress.json").read_bytes())
    single = len(dataset.load(tiny_data).split("train")) // (TINY["batch_size"] * 2)
    assert_stopped_at_the_goal(json.loads((tmp_path / "history.json").read_bytes()), goal=0.0001, epochs=4)
    assert progress["step"] == progress["epoch"] * single  # two ranks share each epoch
    checkpoint.load(tmp_path / "best")


def parsed(*argv: str) -> TrainConfig:
    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    return config_from_args(parser.parse_args(list(argv)))


def test_the_shipped_training_config_and_flags_set_the_network_and_the_run():
    shipped = parsed("--config", str(DEFAULT_TRAIN_CONFIG))
    assert shipped.model == Architecture(kind="stylevae", key_relative=True) and shipped.critic_weight == 10.0
    changed = parsed("--config", str(DEFAULT_TRAIN_CONFIG), "--kind", "baseline", "--dec-layers", "3", "--epochs", "2")
    assert changed.model == replace(shipped.model, kind="baseline", dec_layers=3) and changed.epochs == 2
    assert changed.critic_weight == 10.0
    assert parsed("--key-relative", "false").model.key_relative is False
    config = changed.model_config(n_styles=3, vocab_size=90)
    assert (config.kind, config.dec_layers, config.content_critic, config.n_modes) == ("baseline", 3, True, 2)


@pytest.mark.parametrize("content, says", [
    ({"embed_dim": 32}, "unknown settings ['embed_dim'] (the network's settings go under \"model\")"),
    ({"model": {"embed": 32}}, "unknown settings under \"model\" ['embed']"),
    ({"epoch": 3}, "unknown settings ['epoch']"),
    ([1, 2], "not a JSON object of settings (the network's an object under \"model\")"),
    ({"model": 64}, "not a JSON object of settings (the network's an object under \"model\")"),
    ({"lr": "fast"}, 'lr must be a number, got "fast"'),
    ({"epochs": 1.5}, "epochs must be a whole number, got 1.5"),
    ({"epochs": True}, "epochs must be a whole number, got true"),
    ({"keep_epochs": 1}, "keep_epochs must be true or false, got 1"),
    ({"model": {"kind": 2}}, "kind must be a string, got 2"),
    ({"model": {"dec_hidden": None}}, "dec_hidden must be a whole number, got null"),
])
def test_a_wrong_training_config_is_one_line_naming_the_setting(tmp_path, content, says):
    path = tmp_path / "train.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(ValueError) as error:
        parsed("--config", str(path))
    assert str(error.value) == f"{path}: {says}"


def test_a_whole_number_is_a_number_and_the_config_takes_it(tmp_path):
    path = tmp_path / "train.json"
    path.write_text(json.dumps({"lr": 1, "beta_mu": 0, "model": {"key_relative": False}}), encoding="utf-8")
    assert (parsed("--config", str(path)).lr, parsed("--config", str(path)).beta_mu) == (1, 0)


@pytest.mark.parametrize("argv, says", [
    (["--lr", "nan"], "lr must be more than 0, got nan"),
    (["--batch-size", "0"], "batch_size must be more than 0, got 0"),
    (["--grad-clip", "0"], "grad_clip must be more than 0, got 0.0"),  # it would zero every step
    (["--beta", "-1"], "beta must be 0 or more, got -1.0"),
    (["--max-minutes", "inf"], "max_minutes must be 0 or more, got inf"),
    (["--stop-accuracy", "1.5"], "stop_accuracy must be between 0 and 1, got 1.5"),
    (["--lr-decay", "0"], "lr_decay must be more than 0 and at most 1, got 0.0"),
    (["--dec-layers", "0"], "dec_layers must be at least 1, got 0"),
    (["--z-content", "-4"], "z_content must be at least 1, got -4"),
    (["--seed", "-5"], "seed must be within 0..2147483647, got -5"),  # NumPy's generator takes no negative seed
    (["--select-by", "accuracy"], "select_by must be one of free_running, loss, got 'accuracy'"),
    (["--anneal-epochs", "-1"], "anneal_epochs must be 0 or more, got -1"),
])
def test_a_setting_out_of_its_range_is_one_line_naming_it(argv, says):
    with pytest.raises(ValueError) as error:
        parsed(*argv)
    assert str(error.value) == says


def test_a_missing_or_broken_training_config_is_one_line(tmp_path):
    with pytest.raises(ValueError) as error:
        parsed("--config", str(tmp_path / "none.json"))
    assert str(error.value) == f"{tmp_path / 'none.json'}: cannot read it (No such file or directory)"
    (tmp_path / "broken.json").write_text('{"epochs": 3,', encoding="utf-8")
    with pytest.raises(ValueError) as error:
        parsed("--config", str(tmp_path / "broken.json"))
    assert str(error.value).startswith(f"{tmp_path / 'broken.json'}: not valid JSON (") and "\n" not in str(error.value)


def test_the_cadence_ratio_reads_the_played_lines_above_their_keys_tonic(monkeypatch):
    """Real phrases (as the model sees them: tonic on C) end on a C; lines played in D major end every phrase on a
    D: both end on their tonic, so the ratio leaves the tonic's note-on at the last step alone (about 1), where
    reading the played D above C would call it another degree."""
    from types import SimpleNamespace

    from stylevae.model.data.keys import make_key
    from stylevae.model.data.tokens import Note, notes_to_tokens

    vocab, steps = Vocabulary(), 32
    rows = [(notes_to_tokens([Note(64, 0, 8), Note(60, 31, 32)], steps, vocab), piece, bar)
            for piece in range(40) for bar in range(0, 16, 2)]
    tokens = np.stack([r[0] for r in rows]).astype(np.uint8)
    n = len(rows)
    manifest = {"styles": ["a"], "vocab": {"low": vocab.low, "high": vocab.high}}
    phrases = dataset.PhraseSet(tokens, np.zeros(n, np.int64), np.array([r[1] for r in rows]),
                                np.array([r[2] for r in rows]), np.zeros(n, np.int64), np.zeros(n, np.int64),
                                np.full(n, 64), manifest)
    played_phrase = notes_to_tokens([Note(66, 0, 8), Note(62, 31, 32)], steps, vocab)
    monkeypatch.setattr(train_module, "generate", lambda ckpt, weights, count, seed: np.tile(
        np.concatenate([played_phrase] * count), (len(weights), 1)))
    ckpt = SimpleNamespace(styles=["a"], steps=steps, vocab=vocab, style_key=lambda s: make_key(2, "major"),
                           continuation=continuation.Continuation(2))
    train_module.played_fit(ckpt, phrases, 2, 0)
    cadence = ckpt.continuation.cadence
    assert cadence.shape == (1, continuation.PLACE_CYCLE, continuation.CADENCE_STEPS, continuation.ENDING_KINDS)
    assert np.allclose(cadence[0, :, -1, 0], 1.0, atol=0.05)


@pytest.mark.parametrize("real_leap, power", [(3, 2.0), (8, 0.0), (0, train_module.LEAD_POWER_MAX)])
def test_the_leads_power_makes_lines_enter_returns_with_real_tunes_mean_leap(monkeypatch, real_leap, power):
    """Real tunes of A B A enter the return of A ``real_leap`` semitones from below. The played lines stand for a
    decoder whose leap into its one return falls as the lead's power rises (6 − 1.5 · power semitones on average):
    the fit finds the power at which the two meet (3: 2), and
    the bound where none does (8, wider than the lines at power 0: no lead; 0: the highest power)."""
    from types import SimpleNamespace

    from stylevae.model.data.tokens import Note, notes_to_tokens

    vocab, steps = Vocabulary(), 32
    a, b = [Note(67, 0, 8), Note(64, 8, 32)], [Note(65, 0, 16), Note(62, 16, 32)]
    rows = [(notes, piece, bar) for piece in range(40) for notes, bar in ((a, 0), (b, 2), (a, 4))]
    tokens = np.stack([notes_to_tokens(notes, steps, vocab) for notes, _, _ in rows]).astype(np.uint8)
    n = len(rows)
    before = [67 - real_leap if bar == 4 else 60 if bar == 2 else -1 for _, _, bar in rows]
    phrases = dataset.PhraseSet(tokens, np.zeros(n, np.int64), np.array([r[1] for r in rows]),
                                np.array([r[2] for r in rows]), np.zeros(n, np.int64), np.zeros(n, np.int64),
                                np.array(before), {"styles": ["a"], "vocab": {"low": vocab.low, "high": vocab.high}})
    fitted = continuation.Continuation(2)
    fitted.border_real = fitted.return_real = continuation.interval_shares(np.array([3]))[None].astype(np.float32)

    def played(ckpt, weights, count, seed):
        """Lines of ``count`` phrases, the third the first again entered by a leap of the mean's floor or ceiling (so
        many of each that they average it), each other phrase a note of its own."""
        mean = 6 - 1.5 * float(ckpt.continuation.lead_power[0])
        lines = []
        for i in range(len(weights)):
            leap = math.ceil(mean) if (i + 0.5) / len(weights) < mean % 1 else math.floor(mean)
            phrase = [a, [Note(50, 0, 16), Note(67 - leap, 16, 32)], a] + [[Note(40 + 3 * k, 0, 32)]
                                                                           for k in range(count - 3)]
            lines.append(np.concatenate([notes_to_tokens(notes, steps, vocab) for notes in phrase]))
        return np.stack(lines)

    monkeypatch.setattr(train_module, "generate", played)
    ckpt = SimpleNamespace(styles=["a"], steps=steps, vocab=vocab, continuation=fitted)
    train_module.fit_lead_power(ckpt, phrases, 2, 0)
    assert fitted.lead_power.shape == (1,) and abs(float(fitted.lead_power[0]) - power) < 0.15
