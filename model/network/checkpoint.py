"""Checkpoints: a folder holding ``weights.safetensors`` and ``config.json``. Never pickle.

``config.json`` carries everything needed to rebuild and to check the model: the model config, the
vocabulary, the style names, the training config and where the data came from. Loading checks each of
them and names the file and the mismatch in a one-line error.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from stylevae.model.data.keys import Key, make_key
from stylevae.model.data.tokens import Vocabulary
from stylevae.model.decoding import continuation
from stylevae.model.decoding.continuation import Continuation
from stylevae.model.network.vae import ModelConfig, StyleVAE

FORMAT = "stylevae-checkpoint"
VERSION = 1
WEIGHTS = "weights.safetensors"
CONFIG = "config.json"
DEFAULT_CHECKPOINT = Path(__file__).resolve().parents[1] / "checkpoints" / "default"


log = logging.getLogger("stylevae.model")


class CheckpointError(Exception):
    """A checkpoint that cannot be used; the message names the file and the problem."""


@dataclass
class Checkpoint:
    model: StyleVAE
    vocab: Vocabulary
    styles: list[str]
    meta: dict[str, Any]  # training config, data provenance, metrics
    path: Path | None = None
    continuation: Continuation | None = None  # the phrase-to-phrase latents beside the weights, if fitted

    def __post_init__(self) -> None:
        if self.continuation is None:
            self.continuation = Continuation(self.model.config.z_content)

    @property
    def steps(self) -> int:
        return int(self.meta.get("steps", 32))

    def style_key(self, style: int) -> Key:
        """The most common key of a style's training pieces (C major for a model trained before keys)."""
        found = self.meta.get("style_keys", {}).get(self.styles[style])
        return make_key(found["tonic"], found["mode"]) if found else make_key(0, "major")


def save(checkpoint: Checkpoint, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous().cpu() for k, v in checkpoint.model.state_dict().items()}
    save_file(state, str(folder / WEIGHTS))
    config = {
        "format": FORMAT,
        "version": VERSION,
        "model": asdict(checkpoint.model.config),
        "vocab": asdict(checkpoint.vocab),
        "styles": checkpoint.styles,
        **checkpoint.meta,
    }
    (folder / CONFIG).write_text(json.dumps(config, indent=1), encoding="utf-8")


def load(
    folder: Path, device: str | torch.device = "cpu", expect_vocab: Vocabulary | None = None, warn: bool = True
) -> Checkpoint:
    """A checkpoint, checked; ``warn``: say in one log line what a checkpoint from an earlier version lacks."""
    folder = Path(folder)
    config_path, weights_path = folder / CONFIG, folder / WEIGHTS
    if not folder.is_dir():
        raise CheckpointError(f"{folder}: no such checkpoint folder")
    for path in (config_path, weights_path):
        if not path.is_file():
            raise CheckpointError(f"{path}: missing (a checkpoint is {WEIGHTS} + {CONFIG})")
    try:
        config = json.loads(config_path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{config_path}: not valid JSON ({exc})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise CheckpointError(f"{config_path}: not a StyleVAE checkpoint config (format != {FORMAT!r})")
    if config.get("version") != VERSION:
        raise CheckpointError(f"{config_path}: checkpoint version {config.get('version')}, this code reads {VERSION}")
    try:
        vocab = Vocabulary(**config["vocab"])
        known = {f.name for f in fields(ModelConfig)}
        model_config = ModelConfig(**{k: v for k, v in config["model"].items() if k in known})
        styles = list(config["styles"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"{config_path}: incomplete or invalid config ({exc})") from None
    if model_config.vocab_size != vocab.size:
        raise CheckpointError(
            f"{config_path}: model vocabulary size {model_config.vocab_size} != {vocab.size} "
            f"for pitches {vocab.low}..{vocab.high}"
        )
    if len(styles) != model_config.n_styles:
        raise CheckpointError(f"{config_path}: {len(styles)} style names for a model of {model_config.n_styles} styles")
    if expect_vocab is not None and vocab != expect_vocab:
        raise CheckpointError(
            f"{config_path}: vocabulary {vocab.low}..{vocab.high} does not match the expected "
            f"{expect_vocab.low}..{expect_vocab.high}"
        )
    try:
        state = load_file(str(weights_path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{weights_path}: unreadable or truncated weights ({exc})") from None
    model = StyleVAE(model_config)
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    extra = sorted(set(state) - set(expected))
    if missing or extra:
        raise CheckpointError(
            f"{weights_path}: weights do not match the config (missing {missing[:3]}, unexpected {extra[:3]})"
        )
    for name, tensor in state.items():
        if tensor.shape != expected[name].shape:
            raise CheckpointError(
                f"{weights_path}: {name} has shape {tuple(tensor.shape)}, "
                f"the config needs {tuple(expected[name].shape)}"
            )
    model.load_state_dict(state)
    model.to(device).eval()
    meta = {k: v for k, v in config.items() if k not in ("format", "version", "model", "vocab", "styles")}
    try:
        latents = continuation.load(folder, model_config.z_content)
    except ValueError as exc:
        raise CheckpointError(str(exc)) from None
    lacks = [what for what, missing in (
        ("keys (it plays in absolute pitch; a key only sets its scale lock)", not model_config.key_relative),
        (f"phrase continuation (no {continuation.LATENTS} of this version: lines start from N(0, I) and walk at "
         "random; `stylevae latents` fits it)", not latents.learned),
        ("balanced lines (they come back to a few real phrases over and over; `stylevae latents` fits the weights)",
         latents.learned and latents.after_weight is None),
        ("places (a line's next phrases are drawn from any place in their tunes, so it never ends a section as they"
         " do; `stylevae latents` fits them)", latents.learned and latents.after_place is None),
    ) if missing]
    if lacks and warn:
        log.warning("%s: a checkpoint from before %s", folder, " and ".join(lacks))
    if not latents.balanced_as_now and warn:
        log.warning("%s: the weights that balance its lines were fitted under another register pull, variation, "
                    "number of neighbours or places than this version's; `stylevae latents` fits them anew", folder)
    return Checkpoint(model, vocab, styles, meta, folder, latents)
