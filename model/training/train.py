"""Training: one process, or data-parallel over several with ``torchrun`` (DDP; gloo on CPU, nccl on GPU).

Epochs draw phrases style-balanced (every style equally often, whatever its size), transposed at
random for augmentation. After each epoch the validation split is scored; ``best/`` keeps the best
checkpoint (by default the one that decodes validation phrases best free-running, as the daemon plays) and ``last/``
the newest with the optimizer, for ``--resume``. A run can also go on from a checkpoint
alone (``start_from``: a shipped one keeps no optimizer), its schedules from the step it reached.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch.nn.parallel import DistributedDataParallel
from tqdm import tqdm

from stylevae.model.data import dataset
from stylevae.model.data.keys import MODES
from stylevae.model.data.tokens import tokens_to_notes
from stylevae.model.decoding import continuation
from stylevae.model.decoding.decoder import free_running
from stylevae.model.decoding.generate import generate
from stylevae.model.errors import MAX_SEED, output_folder
from stylevae.model.evaluation import musicality
from stylevae.model.network import checkpoint
from stylevae.model.network.vae import Architecture, LossWeights, ModelConfig, StyleVAE, inverse_sigmoid
from stylevae.model.training.batches import augment, balanced_indices, batch_inputs, model_view

# TrainConfig's ranges, by setting (lr_decay's is its own: above 0, at most 1)
POSITIVE = ("batch_size", "lr", "epochs", "grad_clip", "tau_start", "tau_end")
NON_NEGATIVE = ("lr_min", "epoch_size", "anneal_epochs", "max_minutes", "threads", "beta", "beta_warmup_steps",
                "free_bits", "beta_mu", "style_weight", "critic_weight", "sampling_rate", "transpose", "valid_size")
FRACTIONS = ("stop_accuracy", "max_sample_probability")
# what picks the best checkpoint: validation phrases decoded free-running from their own z_c (token agreement), or
# the teacher-forced loss, which rises as scheduled sampling feeds the decoder its own tokens and so prefers a decoder
# that plays worse
SELECT_BY = ("free_running", "loss")


@dataclass
class TrainConfig:
    data: str = "data/default"
    out: str = "runs/default"
    seed: int = 1234
    # the network: kind "stylevae" or "baseline", its size (MusicVAE's cat-mel_2bar_small class), key-relative
    # (phrases transposed to a tonic of C, conditioned on the mode, continuing the note before)
    model: Architecture = field(default_factory=lambda: Architecture(key_relative=True))
    # optimisation
    batch_size: int = 128
    lr: float = 1e-3
    lr_min: float = 1e-5
    lr_decay: float = 0.9998  # per step, MusicVAE-style exponential decay
    epochs: int = 30
    anneal_epochs: int = 0  # epochs over which τ anneals from tau_start to tau_end (0 = all of them)
    epoch_size: int = 0  # phrases per epoch; 0 = the training split's size
    max_minutes: float = 0.0  # stop after this long (0 = no limit)
    stop_accuracy: float = 0.0  # stop after the first epoch whose validation token accuracy reaches this (0 = never)
    grad_clip: float = 1.0
    threads: int = 0  # torch threads per process (0 = all cores / processes)
    # the loss and its schedules
    beta: float = 0.2
    beta_warmup_steps: int = 3000
    free_bits: float = 0.0
    beta_mu: float = 16.0  # μ-forcing target; 0 turns it off
    tau_start: float = 1.0
    tau_end: float = 0.5
    style_weight: float = 1.0
    critic_weight: float = 0.0  # beyond the paper: penalise style readable from z_c (0 = no critic)
    sampling_rate: float = 2000.0  # inverse-sigmoid scheduled sampling; 0 = teacher forcing only
    max_sample_probability: float = 0.5
    transpose: int = 0  # augmentation: random shift within ± semitones (keep 0 for a key-relative model)
    keep_epochs: bool = False  # also keep every epoch's checkpoint in OUT/epochs/NN (to compare runs at equal steps)
    # a checkpoint folder whose training this run goes on with: its weights, and every schedule (β, τ, scheduled
    # sampling, the learning rate) and the epoch count from the step it reached; the optimizer's moments start anew
    # (a checkpoint keeps none); max_minutes counts this run's time. The network and the data must be the ones it
    # was trained with. "": from scratch
    start_from: str = ""
    valid_size: int = 2048  # validation phrases scored per epoch (a fixed random subset; 0 = all)
    select_by: str = "free_running"  # what keeps a checkpoint as best/: one of SELECT_BY

    def __post_init__(self) -> None:
        """A setting out of its range is said at once, in its own name: at the first step it would be a traceback
        from deep in torch (a learning rate of NaN, a batch of 0), or a run that learns nothing (a gradient clip of
        0 zeroes every step)."""
        for names, holds, wanted in (
            (POSITIVE, lambda v: v > 0, "more than 0"),
            (NON_NEGATIVE, lambda v: v >= 0, "0 or more"),
            (FRACTIONS, lambda v: 0 <= v <= 1, "between 0 and 1"),
        ):
            for name in names:
                value = getattr(self, name)
                if not (math.isfinite(value) and holds(value)):
                    raise ValueError(f"{name} must be {wanted}, got {value!r}")
        if not 0 < self.lr_decay <= 1:
            raise ValueError(f"lr_decay must be more than 0 and at most 1, got {self.lr_decay!r}")
        if not 0 <= self.seed <= MAX_SEED:
            raise ValueError(f"seed must be within 0..{MAX_SEED}, got {self.seed}")
        if self.select_by not in SELECT_BY:
            raise ValueError(f"select_by must be one of {', '.join(SELECT_BY)}, got {self.select_by!r}")

    def model_config(self, n_styles: int, vocab_size: int) -> ModelConfig:
        return ModelConfig(**asdict(self.model), n_styles=n_styles, vocab_size=vocab_size,
                           content_critic=self.critic_weight > 0, n_modes=len(MODES) if self.model.key_relative else 0)

    def hyper(self, step: int, steps_per_epoch: int) -> LossWeights:
        """The loss's weights at a step. τ anneals over ``anneal_epochs``, so that a run given more epochs to go on
        with holds τ where it ended rather than raising it again."""
        progress = min(step / max(steps_per_epoch * (self.anneal_epochs or self.epochs), 1), 1.0)
        return LossWeights(
            beta=self.beta * min(1.0, step / max(self.beta_warmup_steps, 1)),
            free_bits=self.free_bits,
            beta_mu=self.beta_mu,
            tau=self.tau_start * (self.tau_end / self.tau_start) ** progress,
            style_weight=self.style_weight,
            sample_probability=min(inverse_sigmoid(step, self.sampling_rate), self.max_sample_probability),
            critic_weight=self.critic_weight,
        )

    def final_hyper(self) -> LossWeights:
        """The schedules' end values, without sampling: what validation and evaluation score."""
        return LossWeights(
            beta=self.beta,
            free_bits=self.free_bits,
            beta_mu=self.beta_mu,
            tau=self.tau_end,
            style_weight=self.style_weight,
            sample_probability=0.0,
            critic_weight=self.critic_weight,
        )


@torch.no_grad()
def score(model: StyleVAE, data: dataset.PhraseSet, hyper: LossWeights, device: torch.device, batch: int = 512) -> dict:
    """Mean losses and teacher-forced accuracies over a split (seeded: the same noise every epoch)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return _score(model, data, hyper, device, batch)


def _score(model: StyleVAE, data: dataset.PhraseSet, hyper: LossWeights, device: torch.device, batch: int) -> dict:
    model.eval()
    totals: dict[str, float] = {}
    for start in range(0, len(data), batch):
        tokens, styles, modes, first = batch_inputs(model, data, slice(start, start + batch), device)
        out = model(tokens, styles, hyper, modes, first)
        for key, value in out.items():
            totals[key] = totals.get(key, 0.0) + float(value) * len(tokens)
    model.train()
    return {key: value / len(data) for key, value in totals.items()}


@torch.no_grad()
def free_running_accuracy(model: StyleVAE, data: dataset.PhraseSet, device: torch.device, batch: int = 512) -> float:
    """Token agreement with the phrases of their greedy decoding from their own posterior mean z_c and true style,
    each step fed the token decoded before: how the daemon plays a real phrase's z_c. The teacher-forced scores,
    fed the real tokens, see one step ahead only."""
    model.eval()
    hits = 0
    for start in range(0, len(data), batch):
        tokens, styles, modes, first = batch_inputs(model, data, slice(start, start + batch), device)
        z = model.z(F.one_hot(styles, model.config.n_styles).float(), modes, model.encode(tokens).mu)
        firsts = first.tolist() if first is not None else [model.start_token] * len(tokens)
        hits += int((free_running(model, data.vocab, z, firsts, tokens.shape[1]) == tokens.cpu().numpy()).sum())
    model.train()
    return hits / data.tokens.size


def _setup_distributed() -> tuple[int, int, torch.device]:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
        rank = dist.get_rank()
        device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if backend == "nccl" else "cpu")
        return rank, world, device
    return 0, 1, torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _save_progress(folder: Path, model: StyleVAE, optimizer: torch.optim.Optimizer, progress: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {}
    names = {id(p): n for n, p in model.named_parameters()}
    for group in optimizer.param_groups:
        for param in group["params"]:
            for key, value in optimizer.state.get(param, {}).items():
                if torch.is_tensor(value):
                    tensors[f"{names[id(param)]}::{key}"] = value.detach().cpu().contiguous().reshape(value.shape)
    save_file(tensors, str(folder / "optimizer.safetensors"))
    (folder / "progress.json").write_text(json.dumps(progress, indent=1), encoding="utf-8")


def _load_progress(folder: Path, model: StyleVAE, optimizer: torch.optim.Optimizer) -> dict:
    tensors = load_file(str(folder / "optimizer.safetensors"))
    params = dict(model.named_parameters())
    for key, value in tensors.items():
        name, field_name = key.split("::")
        # copies: load_file's tensors are views of the file mapped into memory, and the next save rewrites that
        # file (Windows refuses to while it is mapped)
        optimizer.state[params[name]][field_name] = value.to(params[name].device, copy=True)
    return json.loads((folder / "progress.json").read_bytes())


def _start_from(folder: Path, model: StyleVAE, data: dataset.PhraseSet, device: torch.device) -> dict:
    """Load ``folder``'s weights into ``model``: the epoch and step its training reached, or a one-line error when
    its network or data are not this run's."""
    found = checkpoint.load(folder, device, warn=False)
    if found.model.config != model.config:
        raise ValueError(f"{folder}: its network ({_differences(found.model.config, model.config)}) is not this "
                         f"run's: give the settings it was trained with")
    if found.styles != data.styles or found.vocab != data.vocab:
        raise ValueError(f"{folder} was trained on other data (styles {', '.join(found.styles)}, pitches "
                         f"{found.vocab.low}..{found.vocab.high}): give the data set it was trained on")
    reached = found.meta.get("progress", {})
    if not isinstance(reached.get("epoch"), int) or not isinstance(reached.get("step"), int):
        raise ValueError(f"{folder}: its config records no training progress (epoch and step) to go on from")
    model.load_state_dict(found.model.state_dict())
    return {"epoch": reached["epoch"], "step": reached["step"]}


def _differences(found: ModelConfig, wanted: ModelConfig) -> str:
    """The fields in which two networks differ, as "name: theirs, not ours"."""
    return "; ".join(f"{f.name}: {getattr(found, f.name)}, not {getattr(wanted, f.name)}" for f in fields(found)
                     if getattr(found, f.name) != getattr(wanted, f.name))


def train(config: TrainConfig, resume: bool = False) -> Path:
    """Trains a model; returns the folder of the best checkpoint."""
    rank, world, device = _setup_distributed()
    torch.set_num_threads(config.threads or max(1, (os.cpu_count() or 1) // world))
    torch.manual_seed(config.seed + rank)
    out = output_folder(Path(config.out))  # now, not at the first epoch's end
    data = dataset.load(Path(config.data))
    train_set, valid_set = data.split("train"), data.split("valid")
    if len(train_set) == 0 or len(valid_set) == 0:
        raise dataset.DataError(f"{config.data}: the training or validation split is empty")
    if 0 < config.valid_size < len(valid_set):
        valid_set = valid_set.subset(
            np.random.default_rng(config.seed).choice(len(valid_set), config.valid_size, replace=False)
        )
    vocab = data.vocab
    model = StyleVAE(config.model_config(len(data.styles), vocab.size)).to(device)
    train_set, valid_set = model_view(model, train_set), model_view(model, valid_set)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    epoch_size = config.epoch_size or len(train_set)
    steps_per_epoch = epoch_size // (config.batch_size * world)
    if steps_per_epoch == 0:
        raise ValueError(f"an epoch of {epoch_size} phrases is less than one batch of {config.batch_size} × {world}")
    progress = {"epoch": 0, "step": 0, "best_valid": math.inf, "history": [], "seconds": 0.0}
    if resume and (out / "last" / "progress.json").is_file():
        model.load_state_dict(checkpoint.load(out / "last", device).model.state_dict())
        progress = _load_progress(out / "last", model, optimizer)
    elif config.start_from:
        progress.update(_start_from(Path(config.start_from), model, data, device))
        progress["started_from"] = {"folder": config.start_from, "epoch": progress["epoch"], "step": progress["step"]}
        if progress["epoch"] >= config.epochs:
            raise ValueError(f"{config.start_from} was trained for {progress['epoch']} epochs already: give more "
                             f"epochs than that to go on")
    trainer = DistributedDataParallel(model) if world > 1 else model
    meta = {
        "steps": int(data.tokens.shape[1]),
        "train": asdict(config),
        "data": {
            "origin": data.manifest["origin"],
            "rules": data.manifest["rules"],
            "seed": data.manifest["seed"],
            "train_phrases": len(train_set),
            "valid_phrases": len(valid_set),
        },
        "style_keys": dataset.style_keys(data),
        **({"started_from": progress["started_from"]} if "started_from" in progress else {}),
    }
    started = time.perf_counter() - progress["seconds"]
    generator = torch.Generator().manual_seed(config.seed + rank)
    for epoch in range(progress["epoch"], config.epochs):
        rng = np.random.default_rng(config.seed + epoch)
        order = balanced_indices(train_set.style, steps_per_epoch * config.batch_size * world, rng)
        order = order[rank::world]
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch + 1}/{config.epochs}", disable=rank != 0, unit="batch")
        for b in bar:
            rows = order[b * config.batch_size : (b + 1) * config.batch_size]
            tokens, styles, modes, first = batch_inputs(model, train_set, rows, device)
            tokens = augment(tokens, config.transpose, vocab.size, generator)
            hyper = config.hyper(progress["step"], steps_per_epoch)
            losses = trainer(tokens, styles, hyper, modes, first)
            optimizer.zero_grad(set_to_none=True)
            losses["loss"].backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            progress["step"] += 1
            for group in optimizer.param_groups:
                group["lr"] = max(config.lr_min, config.lr * config.lr_decay ** progress["step"])
            if b % 10 == 0:
                shown = {
                    k: float(losses[k].detach())
                    for k in ("loss", "recon", "kl", "accuracy", "style_accuracy", "critic_accuracy")
                    if k in losses
                }
                bar.set_postfix({k: f"{v:.3g}" for k, v in shown.items()}, p=f"{hyper.sample_probability:.2f}")
        progress["epoch"] = epoch + 1
        progress["seconds"] = time.perf_counter() - started
        stop = config.max_minutes > 0 and progress["seconds"] > config.max_minutes * 60
        if rank == 0:
            valid = {**score(model, valid_set, config.final_hyper(), device),
                     "free_running_accuracy": free_running_accuracy(model, valid_set, device)}
            # lower is better
            mark = valid["recon"] + config.beta * valid["kl"] if config.select_by == "loss" \
                else -valid["free_running_accuracy"]
            progress["history"].append(
                {
                    "epoch": epoch + 1,
                    "step": progress["step"],
                    "seconds": round(progress["seconds"], 1),
                    **{f"valid_{k}": round(v, 4) for k, v in valid.items()},
                    **{f"train_{k}": round(float(v.detach()), 4) for k, v in losses.items()},
                }
            )
            print(
                f"epoch {epoch + 1}: valid recon {valid['recon']:.2f} kl {valid['kl']:.2f} "
                f"accuracy {valid['accuracy']:.3f} free-running {valid['free_running_accuracy']:.3f} "
                f"style accuracy {valid['style_accuracy']:.3f}",
                flush=True,
            )
            stop = stop or 0 < config.stop_accuracy <= valid["accuracy"]
            ckpt = checkpoint.Checkpoint(model, vocab, data.styles, {**meta, "progress": _summary(progress)})
            if mark < progress["best_valid"]:
                progress["best_valid"] = mark
                checkpoint.save(ckpt, out / "best")
            checkpoint.save(ckpt, out / "last")
            if config.keep_epochs:
                checkpoint.save(ckpt, out / "epochs" / f"{epoch + 1:02d}")
            _save_progress(out / "last", model, optimizer, progress)
            (out / "history.json").write_text(json.dumps(progress["history"], indent=1), encoding="utf-8")
        if world > 1:  # rank 0 decides (only it validates), the others follow
            decision = torch.tensor([int(stop)], device=device)
            dist.broadcast(decision, src=0)
            stop = bool(decision.item())
        if stop:
            break
    if world > 1:
        dist.barrier()  # every rank done with the group before any tears it down (a rank leaving early can abort)
        dist.destroy_process_group()
    if rank == 0:
        fit_continuation(out / "best", train_set, data.manifest["rules"]["bars"])
    return out / "best"


BORDER_STREAMS = 128  # lines per style played to learn the border and cadence ratios,
BORDER_PHRASES = 8  # of 8 phrases each: about 900 border intervals per style, two 8-bar sections' ends per line


def fit_continuation(folder: Path, phrases: dataset.PhraseSet, phrase_bars: int, seed: int = 0) -> None:
    """Fit and save a checkpoint's phrase-to-phrase latents (model/decoding/continuation.py) on its training
    phrases (as the model sees them); then the border, cadence and ending ratios and the lead's power, from lines played
    with the rest of the fit."""
    started = time.perf_counter()
    ckpt = checkpoint.load(folder, warn=False)
    mu = continuation.posterior_means(ckpt.model, phrases.tokens)
    ckpt.continuation = continuation.fit(mu, phrases, phrase_bars)
    if ckpt.model.config.key_relative:  # a model that continues the note before a phrase, with its tonic on C
        played_fit(ckpt, phrases, phrase_bars, seed)
    ckpt.continuation.save(folder)
    print(f"phrase continuation fitted on {len(mu)} phrases in {time.perf_counter() - started:.0f} s", flush=True)


# the ending ratio's passes, each multiplying in its ratio of real to played last notes, and the lines a style plays in
# each: a line's two sections' ends are one draw more than two (the second often repeats the first), and 128 lines'
# share of American fiddle's ending on the tonic ran from 0.32 to 0.44 over four seeds (by hand)
ENDING_PASSES = 3
ENDING_LINES = 384


def played_fit(ckpt: checkpoint.Checkpoint, phrases: dataset.PhraseSet, phrase_bars: int, seed: int) -> None:
    """Fit the checkpoint's continuation's ratios of real tunes to lines it plays at default settings in the style's
    most common key, per style: the border ratio (``continuation.border_ratio``: the training phrases' border
    intervals over the lines'), and at each place of an 8-bar section, on their tunes' phrase grid, the cadence ratio
    (``continuation.cadence_ratio``: the kinds of token in the last beat), both from lines played without them; then
    the ending ratio (``continuation.ending_ratio``: the kinds of last note) for styles whose lines go by place, from
    lines played with the rest, in passes, each multiplying in its own (a decoder gives back the last note of the
    phrase a line chose only so often, so one pass falls short); last the power of the lead into returns
    (``fit_lead_power``), with all the rest."""
    fitted, n_styles = ckpt.continuation, len(ckpt.styles)
    on_grid = phrases.bar % phrase_bars == 0
    place = (phrases.bar // phrase_bars) % continuation.PLACE_CYCLE

    def played(s: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """``count`` lines of style ``s`` (count, phrases·steps), and their phrases' places (one row a phrase)."""
        weights = np.eye(n_styles, dtype=np.float32)[np.full(count, s)]
        lines = generate(ckpt, weights, BORDER_PHRASES, seed=seed + s)
        return lines, np.tile(np.arange(BORDER_PHRASES) % continuation.PLACE_CYCLE, count)

    borders, cadences = [], []
    for s in range(n_styles):
        mine = phrases.style == s
        real = continuation.real_border_intervals(phrases.tokens[mine], phrases.before[mine], phrases.vocab)
        lines, at = played(s, BORDER_STREAMS)
        found = [musicality.intervals(tokens_to_notes(row, ckpt.vocab), ckpt.steps)[0] for row in lines]
        borders.append(continuation.border_ratio(real, np.concatenate(found)))
        by_phrase = lines.reshape(-1, ckpt.steps)  # phrase k of a line is the k-th of its song
        tonic = ckpt.style_key(s).tonic  # where the played lines' tonic lies; the training phrases' is on C
        cadences.append([continuation.cadence_ratio(
            continuation.ending_kinds(phrases.tokens[mine & on_grid & (place == p)], phrases.vocab),
            continuation.ending_kinds(by_phrase[at == p], ckpt.vocab, tonic)) for p in range(continuation.PLACE_CYCLE)])
    fitted.border, fitted.cadence = np.stack(borders), np.array(cadences, dtype=np.float32)
    fitted.ending = np.ones((n_styles, continuation.PLACE_CYCLE, continuation.ENDING_KINDS), np.float32)
    sectioned = list(filter(fitted.by_place, range(n_styles)))
    real_kinds = {(s, p): continuation.last_kinds(continuation.last_pitches(
        phrases.tokens[(phrases.style == s) & on_grid & (place == p)], phrases.vocab))
        for s in sectioned for p in range(continuation.PLACE_CYCLE)}
    for _ in range(ENDING_PASSES):
        for s in sectioned:
            lines, at = played(s, ENDING_LINES)
            last = continuation.last_kinds(continuation.last_pitches(lines.reshape(-1, ckpt.steps), ckpt.vocab),
                                           ckpt.style_key(s).tonic)
            for p in range(continuation.PLACE_CYCLE):
                ratio = continuation.ending_ratio(real_kinds[s, p], last[at == p])
                fitted.ending[s, p] = np.clip(fitted.ending[s, p] * ratio, 1 / continuation.BORDER_CLIP,
                                              continuation.BORDER_CLIP)
    fit_lead_power(ckpt, phrases, phrase_bars, seed)


# the lead's power is searched in [0, LEAD_POWER_MAX] by LEAD_ROUNDS halvings (to within 4 / 2**5 = 0.125), each
# playing LEAD_LINES lines of the style on the same seed, so that the power alone differs from one to the next: at
# 512 lines Irish dance's lines entered returns 2.94 / 2.77 / 2.57 semitones on average at powers 1.5 / 2 / 3
LEAD_POWER_MAX = 4.0
LEAD_ROUNDS = 5
LEAD_LINES = 384


def fit_lead_power(ckpt: checkpoint.Checkpoint, phrases: dataset.PhraseSet, phrase_bars: int, seed: int) -> None:
    """Fit the power each style's lead raises its shares to (``Continuation.lead_weights``) so that lines played
    with the rest of the fit enter the phrases that come back (``musicality.return_entries``) with the mean leap the
    training phrases that nearly repeat an earlier one are entered with; the bound where even it falls short (German
    folk's lines enter theirs more narrowly than real tunes even without a lead). Intervals beyond an octave count as
    one, as the shares bin them."""
    fitted, n_styles, span = ckpt.continuation, len(ckpt.styles), continuation.BORDER_SPAN
    repeats = continuation.near_repeats(phrases.tokens, phrases.piece, phrases.bar, phrase_bars, phrases.vocab)
    real = continuation.real_return_intervals(phrases, repeats)
    fitted.lead_power = np.ones(n_styles, np.float32)

    def entered(s: int, power: float) -> float | None:
        """The mean |interval| into returns of lines of style ``s`` played with the lead at ``power``."""
        fitted.lead_power[s] = power
        weights = np.eye(n_styles, dtype=np.float32)[np.full(LEAD_LINES, s)]
        found = [musicality.return_entries(tokens_to_notes(row, ckpt.vocab), len(row), ckpt.steps)
                 for row in generate(ckpt, weights, BORDER_PHRASES, seed=seed + s)]
        leaps = np.abs(np.clip(np.concatenate([np.zeros(0), *found]), -span, span))
        return float(leaps.mean()) if len(leaps) else None

    for s in range(n_styles):
        if not len(real[s]) or fitted.lead_shares(s) is None:
            continue
        target = float(np.abs(np.clip(real[s], -span, span)).mean())
        low, high = 0.0, LEAD_POWER_MAX
        at_low = entered(s, low)
        if at_low is None or at_low <= target:  # narrower than real with no lead at all, or no returns to lead into
            fitted.lead_power[s] = low
            continue
        if entered(s, high) >= target:
            continue
        for _ in range(LEAD_ROUNDS):  # a higher power, narrower entries
            middle = (low + high) / 2
            low, high = (middle, high) if entered(s, middle) > target else (low, middle)
        fitted.lead_power[s] = (low + high) / 2


def _summary(progress: dict) -> dict:
    return {k: progress[k] for k in ("epoch", "step", "seconds")}


def main() -> None:
    """Entry point for ``torchrun -m stylevae.model.training.train --data ... --out ...`` (data-parallel training)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m stylevae.model.training.train")
    add_config_arguments(parser)
    args = parser.parse_args()
    train(config_from_args(args), resume=args.resume)


def add_config_arguments(parser) -> None:
    parser.add_argument("--config", type=Path, help="a JSON file of TrainConfig fields (the network's under "
                        '"model"); flags override it')
    parser.add_argument("--resume", action="store_true", help="continue from OUT/last")
    for f in [*_run_settings(), *fields(Architecture)]:
        default = getattr(TrainConfig().model, f.name) if f in fields(Architecture) else f.default
        kind = _boolean if isinstance(default, bool) else type(default)
        parser.add_argument(f"--{f.name.replace('_', '-')}", type=kind, default=None, help=f"(default: {default})")


def _run_settings() -> list:
    """TrainConfig's own settings: its fields but the network's."""
    return [f for f in fields(TrainConfig) if f.name != "model"]


def _boolean(text: str) -> bool:
    """argparse's type for a bool setting: ``bool("False")`` would be True."""
    words = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    if text.lower() not in words:
        import argparse

        raise argparse.ArgumentTypeError(f"{text!r} is not a boolean (true/false, 1/0, yes/no)")
    return words[text.lower()]


def config_from_args(args) -> TrainConfig:
    """TrainConfig's defaults, then ``--config FILE``, then flags."""
    values, network = {}, {}
    if args.config:
        try:
            values = json.loads(Path(args.config).read_bytes())
        except OSError as exc:
            raise ValueError(f"{args.config}: cannot read it ({exc.strerror})") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{args.config}: not valid JSON ({exc})") from None
        if not isinstance(values, dict) or not isinstance(values.get("model", {}), dict):
            raise ValueError(f'{args.config}: not a JSON object of settings (the network\'s an object under "model")')
        network = values.pop("model", {})
        unknown = set(values) - _names(_run_settings())
        if unknown:
            moved = ' (the network\'s settings go under "model")' if unknown & _names(fields(Architecture)) else ""
            raise ValueError(f"{args.config}: unknown settings {sorted(unknown)}{moved}")
        unknown = set(network) - _names(fields(Architecture))
        if unknown:
            raise ValueError(f'{args.config}: unknown settings under "model" {sorted(unknown)}')
        _check_types(values, TrainConfig(), args.config)
        _check_types(network, TrainConfig().model, args.config)
    for f in _run_settings():
        if getattr(args, f.name) is not None:
            values[f.name] = getattr(args, f.name)
    for f in fields(Architecture):
        if getattr(args, f.name) is not None:
            network[f.name] = getattr(args, f.name)
    return TrainConfig(**values, model=replace(TrainConfig().model, **network))


def _names(settings: list) -> set[str]:
    return {f.name for f in settings}


def _check_types(values: dict, defaults: object, source: Path) -> None:
    """Each JSON value of the kind its setting's default is (a whole number for an int, any number for a float; a
    JSON true is no number), so that a wrong one is said here, not as a TypeError at the first step."""
    for name, value in values.items():
        kind = type(getattr(defaults, name))
        fits = isinstance(value, (int, float)) if kind is float else isinstance(value, kind)
        if isinstance(value, bool) is not (kind is bool) or not fits:
            raise ValueError(f"{source}: {name} must be {KIND_WORDS[kind]}, got {json.dumps(value)}")


KIND_WORDS = {int: "a whole number", float: "a number", bool: "true or false", str: "a string"}


if __name__ == "__main__":
    main()
