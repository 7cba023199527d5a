"""Evaluation of StyleVAE against the label-conditioned baseline (and the μ-forcing-off ablation) on the test split.

Every number comes from the test split (phrases of pieces never trained on) with fixed seeds. The style of
generated phrases is judged by an independent classifier (``model/evaluation/classifier.py``), never by a model's own
style head. ``evaluate`` computes ``metrics.json``; ``eval_plots`` and ``eval_report`` draw and write it up.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from stylevae.model.data import dataset
from stylevae.model.data.keys import make_key
from stylevae.model.data.tokens import FIRST_PITCH_TOKEN
from stylevae.model.decoding import playing
from stylevae.model.decoding.decoder import Rules, free_running, key_plan
from stylevae.model.decoding.generate import generate, output_tokens
from stylevae.model.evaluation import classifier, features, musicality
from stylevae.model.evaluation import report as eval_report
from stylevae.model.evaluation.classifier import ClassifierConfig
from stylevae.model.network import checkpoint
from stylevae.model.network.vae import StyleVAE, kl_divergence
from stylevae.model.training.batches import batch_inputs, model_view

ACTIVE_UNIT_THRESHOLD = 0.01  # Burda et al. 2016: a unit is active if Cov_x(E_q[z_u | x]) > 0.01
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
BLEND_PREFERENCE = ("irish_dance", "bach_chorale")  # the default pair to blend, when the data has both


class EvalError(Exception):
    """Models and data that cannot be evaluated together; the message says why."""


@dataclass(frozen=True)
class EvalConfig:
    max_test: int = 2800  # test phrases for reconstruction and latent metrics (style-balanced random subset)
    per_style: int = 200  # phrases generated per style from z_c ~ N(0, I)
    temperature: float = 1.0  # for those (the daemon's default)
    other_temperatures: tuple[float, ...] = (0.5, 0.75)  # the same style test at these, for the performer's guide
    real_per_style: int = 1000  # real test phrases per style for the feature distributions
    restyle_per_style: int = 30  # source phrases per style, each restyled into every other style
    blend_pair: tuple[str, str] | None = None  # default: BLEND_PREFERENCE if present, else the first and last style
    blend_count: int = 200  # z_c samples per blend weight
    # 16-bar streams per style, decoded as the daemon plays a voice. At 24, Chinese folk's share of consecutive
    # phrases in the same scale read 0.43 where four seed sets of 96 read 0.49-0.51 (real 0.49); even at 96 a
    # style's register drift moves by up to 0.8 semitones from one seed set to another
    streams_per_style: int = 96
    stream_phrases: int = 8  # phrases chained in a stream (8 two-bar phrases: 16 bars)
    listen_per_style: int = 2  # streams per style written as MIDI files and piano rolls, to listen to
    batch: int = 500
    seed: int = 1234
    threads: int = 1  # torch threads; more only pays on an idle machine (small ops oversubscribe badly)
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)


# --- small helpers ----------------------------------------------------------------------------------


def batched(fn: Callable[..., Tensor], *arrays: Tensor, batch: int) -> Tensor:
    """fn applied to aligned slices of the arrays, outputs concatenated along dim 0."""
    return torch.cat([fn(*(a[i : i + batch] for a in arrays)) for i in range(0, len(arrays[0]), batch)])


def one_hot(labels: np.ndarray, n_styles: int) -> Tensor:
    return F.one_hot(torch.as_tensor(labels, dtype=torch.long), n_styles).float()


def hardware() -> dict:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        lines = cpuinfo.read_text(encoding="utf-8").splitlines()
        names = [line.split(":", 1)[1].strip() for line in lines if "model name" in line]
        cpu = names[0] if names else cpu
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }


# --- per-model metrics ------------------------------------------------------------------------------


@torch.no_grad()
def reconstruction(model: StyleVAE, phrases: dataset.PhraseSet, batch: int) -> tuple[dict, np.ndarray]:
    """Teacher-forced and free-running reconstruction from the posterior mean z_c and the true style, of phrases
    as the model reads them (``model_view``).

    Both kinds get the same style information (the true label's one-hot), so the numbers compare the
    models' content paths; the StyleVAE's own style head is scored separately. Free-running decoding is the
    one decoding path's greedy rule. Returns the metrics and the posterior means (n, z_content), for the
    latent-space plot.
    """
    labels, vocab, steps = phrases.style, phrases.vocab, phrases.tokens.shape[1]
    n_styles = model.config.n_styles
    mus, logvars, tf_pred, free_pred, head, free_own, targets = [], [], [], [], [], [], []
    for i in range(0, len(phrases), batch):
        xb, styles, modes, first = batch_inputs(model, phrases, slice(i, i + batch), torch.device("cpu"))
        first_list = first.tolist() if first is not None else [model.start_token] * len(xb)
        enc = model.encode(xb)
        z = model.z(one_hot(styles.numpy(), n_styles), modes, enc.mu)
        tf_pred.append(model.decode(z, xb, first=first).argmax(-1))
        free_pred.append(torch.as_tensor(free_running(model, vocab, z, first_list, steps)))
        targets.append(xb)
        mus.append(enc.mu)
        logvars.append(enc.logvar)
        if enc.style_logits is not None:  # StyleVAE: also autoencode with no label, the style from its own head
            head.append(enc.style_logits.argmax(-1))
            own = model.z(one_hot(head[-1].numpy(), n_styles), modes, enc.mu)
            free_own.append(torch.as_tensor(free_running(model, vocab, own, first_list, steps)))
    x = torch.cat(targets)
    tf, free = torch.cat(tf_pred), torch.cat(free_pred)
    notes = x >= FIRST_PITCH_TOKEN
    mu, logvar = torch.cat(mus), torch.cat(logvars)
    result = {
        "phrases": len(x),
        "teacher_forced_accuracy": float((tf == x).float().mean()),
        "teacher_forced_note_accuracy": float((tf == x)[notes].float().mean()),
        "free_running_accuracy": float((free == x).float().mean()),
        "free_running_note_accuracy": float((free == x)[notes].float().mean()),
        "free_running_exact_phrases": float((free == x).all(1).float().mean()),
    }
    if head:
        predicted = torch.cat(head).numpy()
        hit = predicted == labels
        result["free_running_accuracy_own_style"] = float((torch.cat(free_own) == x).float().mean())
        result["style_head_accuracy"] = float(hit.mean())
        result["style_head_balanced_accuracy"] = float(
            np.mean([hit[labels == s].mean() for s in np.unique(labels)])
        )
    result["style_in_z_c"] = style_probe(mu.numpy(), labels)
    return {**result, **latent_stats(mu, logvar)}, mu.numpy()


@torch.no_grad()
def teacher_forced_by_style(model: StyleVAE, phrases: dataset.PhraseSet, batch: int) -> dict:
    """Teacher-forced token accuracy over a whole split (as the model reads it), in its own style mix, and per style.

    ``reconstruction`` scores a style-balanced subset, where the small styles weigh as much as Palestrina;
    this is the plain number over every test phrase, as MusicVAE reports it, with the per-style parts.
    """
    labels = phrases.style
    hits = []
    for i in range(0, len(phrases), batch):
        xb, styles, modes, first = batch_inputs(model, phrases, slice(i, i + batch), torch.device("cpu"))
        z = model.z(one_hot(styles.numpy(), model.config.n_styles), modes, model.encode(xb).mu)
        hits.append((model.decode(z, xb, first=first).argmax(-1) == xb).float().mean(1))
    per_phrase = torch.cat(hits).numpy()
    return {
        "accuracy": float(per_phrase.mean()),
        "phrases": len(phrases),
        "per_style": [float(per_phrase[labels == s].mean()) if (labels == s).any() else None
                      for s in range(model.config.n_styles)],
    }


def style_probe(mu: np.ndarray, labels: np.ndarray) -> float:
    """How much style the content code carries: balanced accuracy of a nearest-centroid style classifier on the
    posterior means z_c (n, D), fitted on even rows, scored on odd rows. Near chance = style lives in z_s only,
    which is what lets restyling swap it; high = z_c encodes the style too and can fight the swap."""
    fit, score = np.arange(0, len(mu), 2), np.arange(1, len(mu), 2)
    styles = [s for s in np.unique(labels) if (labels[fit] == s).any() and (labels[score] == s).any()]
    if len(styles) < 2:
        return float("nan")
    centroids = np.stack([mu[fit][labels[fit] == s].mean(0) for s in styles])  # (S', D)
    distances = ((mu[score][:, None, :] - centroids[None]) ** 2).sum(-1)  # (n/2, S')
    predicted = np.array(styles)[distances.argmin(1)]
    truth = labels[score]
    return float(np.mean([(predicted[truth == s] == s).mean() for s in styles]))


def latent_stats(mu: Tensor, logvar: Tensor) -> dict:
    """KL of q(z_c|x) to N(0, I) (nats per phrase) and Burda et al.'s active units of z_c."""
    variance = mu.var(0, unbiased=True)  # Cov_x(E_q[z_c]) per dimension
    active = int((variance > ACTIVE_UNIT_THRESHOLD).sum())
    return {
        "kl": float(kl_divergence(mu, logvar).mean()),
        "active_units": active,
        "z_content": int(mu.shape[1]),
        "mu_variance_total": float(variance.sum()),
    }


def generate_per_style(
    ckpt: checkpoint.Checkpoint, per_style: int, temperature: float, seed: int, data: dataset.PhraseSet
) -> tuple[np.ndarray, np.ndarray]:
    """per_style single phrases of every style, as a voice plays its first phrase at the default settings (but
    ``temperature``): tokens (S·n, T), labels (S·n,). Each phrase's key is drawn from the keys of the style's
    training pieces, as real phrases of the style come in their pieces' keys (a key-relative model chooses no
    key of its own); for a model from before keys, the phrases are as it decodes them."""
    n_styles = len(ckpt.styles)
    labels = np.repeat(np.arange(n_styles), per_style)
    rules = Rules(temperature, playing.DENSITY, playing.LOCK, top_p=playing.TOP_P)
    keys = None
    if ckpt.model.config.key_relative:
        rng = np.random.default_rng(seed)
        keys = []
        for style in ckpt.styles:
            counts = dataset.key_counts(data, style)
            found = list(counts)
            chosen = rng.choice(len(found), per_style, p=np.array(list(counts.values())) / sum(counts.values()))
            keys += [make_key(*found[i]) for i in chosen]
    return generate(ckpt, one_hot(labels, n_styles).numpy(), 1, keys, rules, seed=seed), labels


def judge(judge_model: classifier.StyleClassifier, tokens: np.ndarray, labels: np.ndarray, n_styles: int) -> dict:
    """The classifier's accuracies on phrases meant to be of ``labels``, and its confusion matrix (rows: meant)."""
    return judge_probs(classifier.predict(judge_model, tokens), labels, n_styles)


def judge_probs(probs: np.ndarray, labels: np.ndarray, n_styles: int) -> dict:
    confusion = np.zeros((n_styles, n_styles), dtype=np.int64)
    np.add.at(confusion, (labels, probs.argmax(-1)), 1)
    return {**classifier.accuracies(probs, labels, n_styles), "n": len(labels), "confusion": confusion.tolist()}


def by_style(tokens: np.ndarray, labels: np.ndarray, n_styles: int, vocab) -> dict[int, dict[str, np.ndarray]]:
    """Feature samples of each style's phrases: tokens (n, T), labels (n,) -> {style: {feature: samples}}."""
    return {s: features.feature_samples(tokens[labels == s], vocab) for s in range(n_styles)}


def feature_distributions(real: dict[int, dict], other: dict[int, dict], styles: list[str]) -> dict:
    """Per style and feature: overlapping area and KL(real ‖ other); also the mean over styles."""
    per_style = {name: features.compare_samples(real[s], other[s]) for s, name in enumerate(styles)}
    mean = {
        feature: {
            stat: float(np.nanmean([per_style[name][feature][stat] for name in styles])) for stat in ("overlap", "kl")
        }
        for feature in features.FEATURES
    }
    return {"per_style": per_style, "mean": mean}


@torch.no_grad()
def restyle_eval(
    model: StyleVAE,
    judge_model: classifier.StyleClassifier,
    test: dataset.PhraseSet,
    per_style: int,
    seed: int,
    batch: int,
) -> dict:
    """Encode test phrases of style A, decode (argmax) with style B ≠ A, keep the encoder's mean z_c.

    Scores whether the output is judged B, and how much of A's rhythm (onset agreement) and contour (pitch
    correlation) it keeps. The same similarities between each source and a random real test phrase of B
    give the chance level to read them against.
    """
    n_styles = len(test.styles)
    rng = np.random.default_rng(seed)
    sources, targets = [], []
    for a in range(n_styles):
        rows = np.flatnonzero(test.style == a)
        picked = rng.choice(rows, min(per_style, len(rows)), replace=False)
        for b in range(n_styles):
            if b != a:
                sources.append(picked)
                targets.append(np.full(len(picked), b))
    src_rows, target = np.concatenate(sources), np.concatenate(targets)
    picked = test.subset(src_rows)
    src = picked.tokens.astype(np.int64)
    x, _, modes, first = batch_inputs(model, model_view(model, picked), slice(None), torch.device("cpu"))
    mu = batched(lambda t: model.encode(t).mu, x, batch=batch)
    z = model.z(one_hot(target, n_styles), modes, mu)
    first_list = first.tolist() if first is not None else [model.start_token] * len(x)
    out = np.concatenate([free_running(model, test.vocab, z[i : i + batch], first_list[i : i + batch], x.shape[1])
                          for i in range(0, len(x), batch)])
    if model.config.key_relative:  # back into each source's own key
        shifts = -dataset.relative_shifts(picked)
        out = np.stack([output_tokens(row, int(shift), test.vocab) for row, shift in zip(out, shifts)])
    random_b = np.array([rng.choice(np.flatnonzero(test.style == b)) for b in target])
    vocab = test.vocab
    probs = classifier.predict(judge_model, out)
    verdict = judge_probs(probs, target, n_styles)
    hit = probs.argmax(-1) == target
    pair_accuracy = np.full((n_styles, n_styles), np.nan)
    source_style = test.style[src_rows]
    for a in range(n_styles):
        for b in range(n_styles):
            mask = (source_style == a) & (target == b)
            if mask.any():
                pair_accuracy[a, b] = hit[mask].mean()
    return {
        "pairs": int(len(target)),
        "target_accuracy": verdict["accuracy"],
        "target_balanced_accuracy": verdict["balanced_accuracy"],
        "pair_accuracy": [[None if np.isnan(v) else round(float(v), 4) for v in row] for row in pair_accuracy],
        "rhythm_agreement": float(np.mean([features.onset_agreement(s, o) for s, o in zip(src, out)])),
        "contour_correlation": nanmean([features.contour_correlation(s, o, vocab) for s, o in zip(src, out)]),
        "chance_rhythm_agreement": float(
            np.mean([features.onset_agreement(s, test.tokens[r]) for s, r in zip(src, random_b)])
        ),
        "chance_contour_correlation": nanmean(
            [features.contour_correlation(s, test.tokens[r], vocab) for s, r in zip(src, random_b)]
        ),
        "identical_outputs": float((out == src).all(1).mean()),
    }


def per_style_rows(phrases: dataset.PhraseSet, per_style: int, seed: int) -> np.ndarray:
    """The indices of at most per_style random phrases of each style."""
    rng = np.random.default_rng(seed)
    rows = [
        np.sort(rng.choice(mine, min(len(mine), per_style), replace=False))
        for mine in (np.flatnonzero(phrases.style == s) for s in range(len(phrases.styles)))
    ]
    return np.concatenate(rows)


def per_style_subset(phrases: dataset.PhraseSet, per_style: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """At most per_style random phrases of each style: tokens (n, T), labels (n,)."""
    picked = per_style_rows(phrases, per_style, seed)
    return phrases.tokens[picked], phrases.style[picked]


def nanmean(values: list[float]) -> float:
    finite = [v for v in values if not np.isnan(v)]
    return float(np.mean(finite)) if finite else float("nan")


def blend_pair(styles: list[str], chosen: tuple[str, str] | None) -> tuple[int, int]:
    """Indices of the two styles to blend: the chosen pair, else BLEND_PREFERENCE, else the first and last."""
    pair = chosen or (BLEND_PREFERENCE if all(s in styles for s in BLEND_PREFERENCE) else (styles[0], styles[-1]))
    unknown = [s for s in pair if s not in styles]
    if unknown or pair[0] == pair[1]:
        raise EvalError(f"cannot blend {pair[0]} and {pair[1]}: pick two different styles of {', '.join(styles)}")
    return styles.index(pair[0]), styles.index(pair[1])


@torch.no_grad()
def blend_eval(
    ckpt: checkpoint.Checkpoint,
    judge_model: classifier.StyleClassifier,
    pair: tuple[int, int],
    count: int,
    temperature: float,
    seed: int,
) -> dict:
    """Phrases decoded from (1 − w)·A + w·B for w in BLEND_WEIGHTS, the same z_c (half from each style's real
    phrases, of tunes in the key's mode) and key (A's) at every w; the classifier's mean probabilities of A and B,
    and how often it picks each."""
    n_styles = len(ckpt.styles)
    rng = np.random.default_rng(seed)
    mode = key_plan(ckpt.model, ckpt.style_key(pair[0])).mode
    z_c = np.stack([ckpt.continuation.initial(pair[i % 2], rng, mode) for i in range(count)])  # half from each style
    rules = Rules(temperature, playing.DENSITY, playing.LOCK, top_p=playing.TOP_P)
    rows = []
    for w in BLEND_WEIGHTS:
        weights = np.zeros((count, n_styles), dtype=np.float32)
        weights[:, pair[0]], weights[:, pair[1]] = 1 - w, w
        tokens = generate(ckpt, weights, 1, ckpt.style_key(pair[0]), rules, seed=seed + 1, contents=z_c)
        probs = classifier.predict(judge_model, tokens)
        picked = probs.argmax(-1)
        rows.append(
            {
                "weight_b": w,
                "p_a": float(probs[:, pair[0]].mean()),
                "p_b": float(probs[:, pair[1]].mean()),
                "picked_a": float((picked == pair[0]).mean()),
                "picked_b": float((picked == pair[1]).mean()),
                "notes_per_phrase": float((tokens >= FIRST_PITCH_TOKEN).sum(1).mean()),
            }
        )
    return {"rows": rows, "count": count}


def history_of(model_path: Path) -> list[dict] | None:
    """The run's history.json: inside a shipped checkpoint folder, beside a run's checkpoint folder
    (runs/x/best -> runs/x/history.json), or one level further up for kept epochs (runs/x/epochs/05);
    None if there is none."""
    for folder in (Path(model_path), Path(model_path).parent, Path(model_path).parent.parent):
        try:
            return json.loads((folder / "history.json").read_bytes())
        except (OSError, ValueError):
            continue
    return None


# --- the whole evaluation ---------------------------------------------------------------------------


EXPECTED_KIND = {"stylevae": "stylevae", "baseline": "baseline", "no_mu": "stylevae"}


def load_models(models: dict[str, Path], data: dataset.PhraseSet) -> dict[str, checkpoint.Checkpoint]:
    """Checkpoints by role (stylevae, baseline, no_mu), checked against the data and against their role."""
    loaded = {}
    for name, path in models.items():
        ckpt = checkpoint.load(path, expect_vocab=data.vocab)
        kind = ckpt.model.config.kind
        if kind != EXPECTED_KIND.get(name, kind):
            raise EvalError(
                f"{path}: a {kind} checkpoint cannot be evaluated as {name} (it needs a {EXPECTED_KIND[name]})"
            )
        if ckpt.styles != data.styles:
            raise EvalError(
                f"{path}: the model's styles ({', '.join(ckpt.styles)}) are not the data's ({', '.join(data.styles)})"
            )
        if ckpt.steps != data.tokens.shape[1]:
            raise EvalError(f"{path}: the model makes {ckpt.steps}-step phrases, the data has {data.tokens.shape[1]}")
        loaded[name] = ckpt
    return loaded


def model_facts(ckpt: checkpoint.Checkpoint) -> dict:
    train = ckpt.meta.get("train", {})
    return {
        "path": str(ckpt.path),
        "kind": ckpt.model.config.kind,
        "config": asdict(ckpt.model.config),
        "parameters": sum(p.numel() for p in ckpt.model.parameters()),
        "beta_mu": train.get("beta_mu"),
        "critic_weight": train.get("critic_weight", 0.0),
        "transpose": train.get("transpose"),
        "trained": ckpt.meta.get("progress"),
        "train_phrases": ckpt.meta.get("data", {}).get("train_phrases"),
    }


def evaluate(data_path: Path, models: dict[str, Path], out: Path, config: EvalConfig = EvalConfig()) -> dict:
    """Evaluates the models (name -> checkpoint folder) on the test split; writes metrics.json, report.md, PNGs."""
    started = time.perf_counter()
    torch.set_num_threads(config.threads or os.cpu_count() or 1)
    torch.manual_seed(config.seed)
    data = dataset.load(Path(data_path))
    test = data.split("test")
    if len(test) == 0:
        raise EvalError(f"{data_path}: the test split is empty")
    loaded = load_models(models, data)
    pair = blend_pair(data.styles, config.blend_pair)
    out.mkdir(parents=True, exist_ok=True)
    n_styles, steps = len(data.styles), int(data.tokens.shape[1])
    timings: dict[str, float] = {}

    tick = time.perf_counter()
    judge_model = classifier.load_or_train(data, out / "classifier", config.classifier)
    timings["classifier"] = time.perf_counter() - tick
    real_judgement = judge(judge_model.model, test.tokens, test.style, n_styles)

    recon_rows = per_style_rows(test, max(1, config.max_test // n_styles), config.seed)
    recon_labels = test.style[recon_rows]
    valid = data.split("valid")
    real_tokens, real_labels = per_style_subset(test, config.real_per_style, config.seed + 1)
    real_samples = by_style(real_tokens, real_labels, n_styles, data.vocab)
    valid_samples = by_style(*per_style_subset(valid, config.real_per_style, config.seed + 2), n_styles, data.vocab)
    metrics: dict = {
        "data": {
            "path": str(data_path),
            "styles": data.styles,
            "test_phrases": len(test),
            "test_phrases_per_style": np.bincount(test.style, minlength=n_styles).tolist(),
            "steps": steps,
        },
        "config": {**asdict(config), "classifier": asdict(config.classifier)},
        "hardware": hardware(),
        "classifier": {**judge_model.info, "test": real_judgement},
        "blend_styles": [data.styles[pair[0]], data.styles[pair[1]]],
        "features_valid_vs_test": feature_distributions(real_samples, valid_samples, data.styles),
        "models": {},
    }
    latents, generated_samples, histories, listening = {}, {}, {}, {}
    references = real_references(test, data.split("train"), n_styles, config.stream_phrases)
    for name, ckpt in loaded.items():
        tick = time.perf_counter()
        model = ckpt.model.cpu().eval()
        entry: dict = {"facts": model_facts(ckpt)}
        seen = model_view(model, test)
        entry["reconstruction"], latents[name] = reconstruction(model, seen.subset(recon_rows), config.batch)
        entry["teacher_forced_whole_test"] = teacher_forced_by_style(model, seen, config.batch)
        generated, labels = generate_per_style(ckpt, config.per_style, config.temperature, config.seed, data)
        generated_samples[name] = by_style(generated, labels, n_styles, data.vocab)
        entry["generation"] = judge(judge_model.model, generated, labels, n_styles)
        entry["generation"]["ratio_to_real"] = ratio(entry["generation"]["balanced_accuracy"],
                                                     real_judgement["balanced_accuracy"])
        by_temperature = {str(config.temperature): entry["generation"]["balanced_accuracy"]}
        for t in config.other_temperatures:
            phrases = generate_per_style(ckpt, config.per_style, t, config.seed, data)
            by_temperature[str(t)] = judge(judge_model.model, *phrases, n_styles)["balanced_accuracy"]
        entry["generation_by_temperature"] = by_temperature
        entry["features"] = feature_distributions(real_samples, generated_samples[name], data.styles)
        entry["restyle"] = restyle_eval(model, judge_model.model, test, config.restyle_per_style, config.seed,
                                        config.batch)
        entry["blend"] = blend_eval(ckpt, judge_model.model, pair, config.blend_count, config.temperature, config.seed)
        found = stream_eval(ckpt, test, config, references=references)
        entry["streams"] = found["per_style"]
        listening[name] = found["streams"]
        if model.config.kind == "stylevae":
            entry["codebook"] = model.codebook.detach().numpy().tolist()
        entry["seconds"] = round(time.perf_counter() - tick, 1)
        histories[name] = history_of(Path(ckpt.path))
        metrics["models"][name] = entry
    timings["total"] = time.perf_counter() - started
    metrics["seconds"] = {k: round(v, 1) for k, v in timings.items()}

    from stylevae.model.evaluation import (
        plots as eval_plots,  # matplotlib is slow to import: only `stylevae eval` pays for it, not `serve`
    )

    plots = eval_plots.draw_all(out, metrics, histories, latents, recon_labels, generated_samples, real_samples)
    plots += eval_plots.listening(out / "listen", listening, data.styles, data.vocab, steps, config.listen_per_style)
    metrics["plots"] = [p.relative_to(out).as_posix() for p in plots]  # the report's links: '/' on Windows too
    metrics["seconds"]["total_with_plots"] = round(time.perf_counter() - started, 1)
    metrics = json.loads(json.dumps(metrics, default=_json_default), parse_constant=lambda _: None)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    (out / "report.md").write_text(eval_report.render(metrics), encoding="utf-8")
    return metrics


def stream_eval(ckpt: checkpoint.Checkpoint, test: dataset.PhraseSet, config: EvalConfig,
                rules: Rules | None = None, references: list[dict] | None = None) -> dict:
    """Per style, daemon-like streams (default settings, ``stream_phrases`` chained phrases, the style's most
    common key) against excerpts of the same length from the real test pieces, by ``musicality`` measures; the
    measures of a phrase and the one after it against every two consecutive phrases of those pieces.
    ``references``: those of the real pieces (``real_references``) when already measured. ``rules``: other sampling
    rules than the defaults (bench/sampling_rules.py compares them)."""
    n_styles = len(ckpt.styles)
    references = references or real_references(test, None, n_styles, config.stream_phrases)
    per_style, streams = [], {}
    for s in range(n_styles):
        weights = one_hot(np.full(config.streams_per_style, s), n_styles).numpy()
        tokens = generate(ckpt, weights, config.stream_phrases, rules=rules, seed=config.seed + s)
        streams[s] = tokens
        per_style.append({"generated": musicality.summarise(tokens, ckpt.vocab, ckpt.steps), **references[s]})
    return {"per_style": per_style, "streams": streams}


def real_references(test: dataset.PhraseSet, training: dataset.PhraseSet | None, n_styles: int,
                    stream_phrases: int) -> list[dict]:
    """Per style, the real test pieces' ``real_reference`` ("real"), and with ``training`` (the training split)
    its pieces' too ("training"): the tunes the style was learned from, some ten times as many excerpts as the test
    pieces give, so a gap to the test pieces' figure can be told from their few excerpts' noise."""
    return [{"real": real_reference(test, s, stream_phrases),
             **({} if training is None else {"training": real_reference(training, s, stream_phrases)})}
            for s in range(n_styles)]


def real_reference(phrases: dataset.PhraseSet, style: int, stream_phrases: int) -> dict:
    """The ``musicality`` measures of a style's real pieces in ``phrases``: of excerpts as long as a stream, but
    those of a phrase and the next (``musicality.PAIR_MEASURES``), which every two consecutive phrases give."""
    mine = phrases.style == style
    bars, steps = phrases.manifest["rules"]["bars"], int(phrases.tokens.shape[1])
    excerpts = musicality.real_excerpts(phrases.tokens[mine], phrases.piece[mine], phrases.bar[mine], stream_phrases,
                                        bars)
    pairs = musicality.consecutive_pairs(phrases.tokens[mine], phrases.piece[mine], phrases.bar[mine], bars)
    reference = musicality.summarise(excerpts, phrases.vocab, steps)
    from_pairs = musicality.summarise(pairs, phrases.vocab, steps)
    errors = musicality.STANDARD_ERRORS
    reference.update({name: from_pairs.get(name) for name in musicality.PAIR_MEASURES}, pairs=len(pairs))
    reference[errors].update({name: from_pairs[errors].get(name) for name in musicality.PAIR_MEASURES})
    return reference


def ratio(generated: float, real: float) -> float | None:
    """Generated-phrase accuracy as a share of the accuracy on real phrases (1 = as recognisable as real music)."""
    return generated / real if real else None


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
