"""The evaluation: the independent classifier, the latent statistics, and `stylevae eval` end to end on tiny models."""

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from stylevae.bridge.cli import main
from stylevae.model.data import dataset
from stylevae.model.evaluation import classifier, evaluate, musicality
from stylevae.model.evaluation import report as eval_report
from stylevae.model.network import checkpoint
from stylevae.model.training.train import TrainConfig, train
from tests.midi_factory import STYLES, TINY, TINY_NETWORK, make_midi_dir

QUICK_CLASSIFIER = classifier.ClassifierConfig(epochs=6, epoch_size=512, channels=32)
QUICK_EVAL = [
    "--per-style=12", "--restyle-per-style=3", "--blend-count=8", "--real-per-style=50", "--max-test=60",
    "--classifier-epochs=6", "--classifier-epoch-size=512",
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """Three styles that differ in register and rhythm; a StyleVAE, the baseline and a no-μ ablation on them."""
    root = tmp_path_factory.mktemp("eval")
    midi = make_midi_dir(root / "midi", {**STYLES, "mid": (60, [2, 4])}, pieces=8)
    dataset.build_midi_dir(midi, root / "data", workers=1)
    runs = (("stylevae", "stylevae", 16.0), ("baseline", "baseline", 16.0), ("no_mu", "stylevae", 0.0))
    for name, kind, beta_mu in runs:
        settings = {**TINY, "model": replace(TINY_NETWORK, kind=kind), "beta_mu": beta_mu, "epochs": 1}
        train(TrainConfig(data=str(root / "data"), out=str(root / name), **settings))
    return root


def test_the_classifier_learns_the_tiny_styles(tiny, tmp_path):
    data = dataset.load(tiny / "data")
    judge = classifier.load_or_train(data, tmp_path, QUICK_CLASSIFIER)
    test = data.split("test")
    scores = classifier.accuracies(classifier.predict(judge.model, test.tokens), test.style, len(data.styles))
    assert scores["balanced_accuracy"] >= 0.9, scores
    assert (tmp_path / classifier.WEIGHTS).is_file() and json.loads((tmp_path / classifier.CONFIG).read_bytes())
    again = classifier.load_or_train(data, tmp_path, QUICK_CLASSIFIER)
    assert again.info.get("reused") and np.allclose(
        classifier.predict(again.model, test.tokens), classifier.predict(judge.model, test.tokens), atol=1e-6
    )
    other = classifier.ClassifierConfig(**{**QUICK_CLASSIFIER.__dict__, "epochs": 1})
    assert not classifier.load_or_train(data, tmp_path, other).info.get("reused")  # another config: retrained


def test_active_units_count_dimensions_whose_mean_varies_over_the_data():
    generator = torch.Generator().manual_seed(0)
    mu = torch.zeros(500, 4)
    mu[:, 0] = torch.randn(500, generator=generator)  # variance ~1: active
    mu[:, 1] = 0.05 * torch.randn(500, generator=generator)  # variance ~0.0025: inactive
    mu[:, 2] = 0.3  # constant: inactive
    mu[:, 3] = 0.5 * torch.randn(500, generator=generator)  # variance ~0.25: active
    stats = evaluate.latent_stats(mu, torch.zeros(500, 4))
    assert stats["active_units"] == 2 and stats["z_content"] == 4
    assert stats["kl"] == pytest.approx(float(0.5 * mu.pow(2).sum(1).mean()), rel=1e-5)


def test_the_style_probe_reads_style_from_z_c_only_when_it_is_there():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 100)
    noise = rng.normal(size=(300, 6))
    assert evaluate.style_probe(noise + 5 * np.eye(6)[labels], labels) == 1.0
    assert evaluate.style_probe(noise, labels) < 0.55  # chance is 1/3


def test_verdicts_call_small_differences_no_clear_winner():
    assert "no clear winner" in eval_report.verdict("x", "a", "b", 0.50, 0.52, n=100)
    assert "**a** wins" in eval_report.verdict("x", "a", "b", 0.90, 0.50, n=100)
    assert "**b** wins" in eval_report.verdict("x", "a", "b", 0.2, 0.4, tolerance=0.05)
    assert "no clear winner" in eval_report.verdict("x", "a", "b", 0.2, 0.22, tolerance=0.05)
    assert "not measured" in eval_report.verdict("x", "a", "b", None, 0.3)


def test_eval_end_to_end(tiny, tmp_path, capsys):
    out = tmp_path / "report"
    argv = ["eval", f"--data={tiny / 'data'}", f"--model={tiny / 'stylevae/best'}",
            f"--baseline={tiny / 'baseline/best'}", f"--no-mu={tiny / 'no_mu/best'}", f"--out={out}", *QUICK_EVAL]
    assert main(argv) == 0, capsys.readouterr().err
    metrics = json.loads((out / "metrics.json").read_bytes(), parse_constant=pytest.fail)  # strict JSON: no NaN
    assert set(metrics["models"]) == {"stylevae", "baseline", "no_mu"}
    for name, entry in metrics["models"].items():
        recon = entry["reconstruction"]
        for key in ("teacher_forced_accuracy", "free_running_accuracy", "free_running_note_accuracy"):
            assert 0.0 <= recon[key] <= 1.0
        assert 0 <= recon["active_units"] <= recon["z_content"] == 8 and recon["kl"] >= 0
        whole = entry["teacher_forced_whole_test"]
        counts = metrics["data"]["test_phrases_per_style"]
        assert whole["phrases"] == metrics["data"]["test_phrases"] == sum(counts)
        assert whole["accuracy"] == pytest.approx(np.dot(whole["per_style"], counts) / sum(counts), abs=1e-6)
        assert ("style_head_accuracy" in recon) == ("free_running_accuracy_own_style" in recon) == (name != "baseline")
        generation = entry["generation"]
        assert generation["n"] == 3 * 12 and np.array(generation["confusion"]).sum() == 36
        assert generation["ratio_to_real"] == pytest.approx(
            generation["balanced_accuracy"] / metrics["classifier"]["test"]["balanced_accuracy"]
        )
        assert set(entry["generation_by_temperature"]) == {"0.5", "0.75", "1.0"}
        assert entry["generation_by_temperature"]["1.0"] == generation["balanced_accuracy"]
        for feature in entry["features"]["mean"].values():
            assert 0.0 <= feature["overlap"] <= 1.0
        restyle = entry["restyle"]
        assert restyle["pairs"] == 3 * 2 * 3 and 0 <= restyle["rhythm_agreement"] <= 1
        assert [row["weight_b"] for row in entry["blend"]["rows"]] == [0.0, 0.25, 0.5, 0.75, 1.0]
        assert all(0 <= row["p_a"] + row["p_b"] <= 1 + 1e-6 for row in entry["blend"]["rows"])
        for style in entry["streams"]:  # the test and training pieces (the tiny ones give pairs), each with errors
            assert style["training"]["pairs"] > style["real"]["pairs"] > 0
            assert set(style["generated"][musicality.STANDARD_ERRORS]) == set(style["generated"]) - {
                "streams", musicality.STANDARD_ERRORS}
            for real in ("real", "training"):
                errors = style[real][musicality.STANDARD_ERRORS]
                assert all(errors[name] is not None and errors[name] >= 0 for name in musicality.PAIR_MEASURES)
    assert metrics["classifier"]["test"]["balanced_accuracy"] >= 0.8
    assert metrics["blend_styles"] == ["fast", "slow"]
    for plot in metrics["plots"]:
        assert (out / plot).stat().st_size > 1000
    assert {"training_curves.png", "latent_space.png", "blending.png", "features_stylevae.png"} <= set(
        metrics["plots"]
    )
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Summary" in report and "| teacher-forced token accuracy |" in report and "no_mu" in report
    assert "Hardware:" in report and "Blending fast → slow" in report
    assert "Targets for `stylevae`" in report and "| whole test split |" in report
    assert "| style | real test pieces | real training pieces | stylevae | baseline | no_mu |" in report
    assert "report.md" in capsys.readouterr().out


def test_eval_alone_takes_the_shipped_model_and_its_companions(tiny, tmp_path, monkeypatch, capsys):
    shipped = tmp_path / "checkpoints"
    shutil.copytree(tiny / "stylevae/best", shipped / "default")
    shutil.copytree(tiny / "baseline/best", shipped / "baseline")
    monkeypatch.setattr(checkpoint, "DEFAULT_CHECKPOINT", shipped / "default")
    out = tmp_path / "report"
    assert main(["eval", f"--data={tiny / 'data'}", f"--out={out}", *QUICK_EVAL]) == 0, capsys.readouterr().err
    metrics = json.loads((out / "metrics.json").read_bytes())
    assert {n: m["facts"]["path"] for n, m in metrics["models"].items()} == {
        "stylevae": str(shipped / "default"), "baseline": str(shipped / "baseline")
    }
    assert "Only `stylevae` was evaluated" not in (out / "report.md").read_text(encoding="utf-8")


def test_eval_refuses_a_model_of_other_styles(tiny, random_checkpoint, tmp_path, capsys):
    argv = ["eval", f"--data={tiny / 'data'}", f"--model={random_checkpoint}", f"--out={tmp_path}"]
    assert main(argv) == 2
    error = capsys.readouterr().err.strip()
    assert "styles (a, b, c) are not the data's (fast, mid, slow)" in error and "\n" not in error


def test_eval_refuses_a_checkpoint_in_the_wrong_role(tiny, tmp_path, capsys):
    argv = ["eval", f"--data={tiny / 'data'}", f"--model={tiny / 'baseline/best'}", f"--out={tmp_path}"]
    assert main(argv) == 2
    assert "a baseline checkpoint cannot be evaluated as stylevae" in capsys.readouterr().err


@pytest.mark.parametrize(
    "flag, message",
    [("--blend=fast,nope", "cannot blend"), ("--per-style=0", "--per-style must be at least 1"),
     ("--temperature=0", "--temperature must be a positive number")],
)
def test_eval_bad_options_are_one_line_errors(tiny, tmp_path, capsys, flag, message):
    argv = ["eval", f"--data={tiny / 'data'}", f"--model={tiny / 'stylevae/best'}", f"--out={tmp_path}", flag]
    assert main(argv) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and "\n" not in error and "Traceback" not in error


def test_eval_without_data_says_how_to_build_it(tmp_path, capsys):
    assert main(["eval", f"--data={tmp_path / 'none'}", f"--model={tmp_path}", f"--out={tmp_path / 'o'}"]) == 2
    error = capsys.readouterr().err
    assert "build the data set first (stylevae data)" in error and error.count("\n") == 1


def test_a_stream_figure_is_bold_only_beyond_noise_of_both_real_references():
    """Sections on the tonic 0.20 ± 0.03 against the test pieces' 0.45 ± 0.10 and the training pieces' 0.40 ± 0.03:
    beyond two errors of either difference, bold; against training pieces at 0.25 it is within noise of them,
    and not bold, however far the test pieces' figure lies."""
    def summary(value: float, error: float) -> dict:
        return {"cadence_tonic": value, musicality.STANDARD_ERRORS: {"cadence_tonic": error}}

    far = {"generated": summary(0.20, 0.03), "real": summary(0.45, 0.10), "training": summary(0.40, 0.03)}
    near_training = {**far, "training": summary(0.25, 0.03)}
    assert eval_report.stream_cell(far, "cadence_tonic") == "**0.200 ± 0.030**"
    assert eval_report.stream_cell(near_training, "cadence_tonic") == "0.200 ± 0.030"
    assert eval_report.off_real(far, "cadence_tonic") and not eval_report.off_real(near_training, "cadence_tonic")
