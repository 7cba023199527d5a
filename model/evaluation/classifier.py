"""An independent style classifier: the judge of generated phrases' style.

It must not share anything with the VAEs it judges (an encoder's own style head would grade its own
decoder), so it is a different kind of model — a small dilated 1-D CNN over the tokens — trained only on
the real training phrases, with the best epoch chosen on the validation split. Training phrases are drawn
style-balanced and transposed at random by up to ±``transpose`` semitones, like the VAEs' training data,
so the classifier judges phrases in keys the VAEs may produce, and leans on rhythm and melodic shape
rather than absolute key alone. Weights are saved as safetensors + JSON, never pickle.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import Tensor, nn

from stylevae.model.data.dataset import PhraseSet
from stylevae.model.training.batches import augment, balanced_indices

WEIGHTS = "classifier.safetensors"
CONFIG = "classifier.json"


@dataclass(frozen=True)
class ClassifierConfig:
    embed_dim: int = 32
    channels: int = 64
    dropout: float = 0.1
    epochs: int = 10  # on the default corpus: valid balanced accuracy 0.60 after 3, 0.65 after 10 (2 min, 2 cores)
    epoch_size: int = 16384  # phrases per epoch: caps the time on a large corpus
    batch_size: int = 128
    lr: float = 3e-3
    transpose: int = 5
    seed: int = 1234


class StyleClassifier(nn.Module):
    """Embedding -> 3 dilated convolutions (receptive field 15 steps) -> mean and max over time -> logits."""

    def __init__(self, vocab_size: int, n_styles: int, config: ClassifierConfig):
        super().__init__()
        c = config.channels
        self.embed = nn.Embedding(vocab_size, config.embed_dim)
        self.convs = nn.ModuleList(
            nn.Conv1d(config.embed_dim if i == 0 else c, c, kernel_size=3, dilation=d, padding=d)
            for i, d in enumerate((1, 2, 4))
        )
        self.dropout = nn.Dropout(config.dropout)
        self.out = nn.Linear(2 * c, n_styles)

    def forward(self, tokens: Tensor) -> Tensor:
        """tokens (B, T) -> style logits (B, S)."""
        x = self.embed(tokens).transpose(1, 2)  # (B, E, T)
        for conv in self.convs:
            x = F.relu(conv(x))
        pooled = torch.cat([x.mean(-1), x.amax(-1)], dim=-1)  # (B, 2C)
        return self.out(self.dropout(pooled))


@dataclass
class TrainedClassifier:
    model: StyleClassifier
    styles: list[str]
    info: dict  # config, data fingerprint, per-epoch validation accuracy, seconds


def data_fingerprint(data: PhraseSet) -> str:
    """Identifies the phrases, labels and split, so a saved classifier is reused only on the same data."""
    digest = hashlib.sha1(np.ascontiguousarray(data.tokens).tobytes())
    digest.update(data.style.tobytes())
    digest.update(json.dumps([p["split"] for p in data.manifest["pieces"]]).encode())
    digest.update(json.dumps(data.styles).encode())
    return digest.hexdigest()[:16]


@torch.no_grad()
def predict(model: StyleClassifier, tokens: np.ndarray | Tensor, batch: int = 1024) -> np.ndarray:
    """Style probabilities of phrases: tokens (n, T) -> (n, S)."""
    model.eval()
    tokens = torch.as_tensor(np.asarray(tokens), dtype=torch.long)
    parts = [F.softmax(model(tokens[i : i + batch]), dim=-1) for i in range(0, len(tokens), batch)]
    return torch.cat(parts).numpy() if parts else np.zeros((0, model.out.out_features))


def accuracies(probs: np.ndarray, labels: np.ndarray, n_styles: int) -> dict:
    """Plain accuracy, balanced accuracy (mean of per-style recalls) and the per-style recalls."""
    hit = probs.argmax(-1) == labels
    recalls = [float(hit[labels == s].mean()) if (labels == s).any() else float("nan") for s in range(n_styles)]
    return {"accuracy": float(hit.mean()), "balanced_accuracy": float(np.nanmean(recalls)), "per_style": recalls}


def train_classifier(data: PhraseSet, config: ClassifierConfig = ClassifierConfig()) -> TrainedClassifier:
    """Trains on data's train split, keeps the epoch with the best balanced accuracy on its valid split."""
    started = time.perf_counter()
    torch.manual_seed(config.seed)
    train_set, valid_set = data.split("train"), data.split("valid")
    vocab_size, n_styles = data.vocab.size, len(data.styles)
    model = StyleClassifier(vocab_size, n_styles, config)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    generator = torch.Generator().manual_seed(config.seed)
    epoch_size = min(config.epoch_size, max(len(train_set), config.batch_size))
    best_score, best_state, history = -1.0, None, []
    for epoch in range(config.epochs):
        rows = balanced_indices(train_set.style, epoch_size, np.random.default_rng(config.seed + epoch))
        model.train()
        for start in range(0, len(rows), config.batch_size):
            batch = rows[start : start + config.batch_size]
            tokens = torch.as_tensor(train_set.tokens[batch], dtype=torch.long)
            tokens = augment(tokens, config.transpose, vocab_size, generator)
            loss = F.cross_entropy(model(tokens), torch.as_tensor(train_set.style[batch]))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        valid = accuracies(predict(model, valid_set.tokens), valid_set.style, n_styles)
        history.append({"epoch": epoch + 1, "valid_balanced_accuracy": round(valid["balanced_accuracy"], 4)})
        if valid["balanced_accuracy"] > best_score:
            best_score = valid["balanced_accuracy"]
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    info = {
        "config": asdict(config),
        "vocab_size": vocab_size,
        "data": data_fingerprint(data),
        "train_phrases": len(train_set),
        "valid_phrases": len(valid_set),
        "history": history,
        "best_valid_balanced_accuracy": round(best_score, 4),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return TrainedClassifier(model, list(data.styles), info)


def save(classifier: TrainedClassifier, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in classifier.model.state_dict().items()}, str(folder / WEIGHTS))
    info = {"styles": classifier.styles, **classifier.info}
    (folder / CONFIG).write_text(json.dumps(info, indent=1), encoding="utf-8")


def load(folder: Path) -> TrainedClassifier:
    info = json.loads((folder / CONFIG).read_bytes())
    styles = info.pop("styles")
    model = StyleClassifier(info["vocab_size"], len(styles), ClassifierConfig(**info["config"]))
    model.load_state_dict(load_file(str(folder / WEIGHTS)))
    model.eval()
    return TrainedClassifier(model, styles, info)


def load_or_train(data: PhraseSet, folder: Path, config: ClassifierConfig = ClassifierConfig()) -> TrainedClassifier:
    """The classifier saved in folder if it was trained on the same data with the same config, else a new one
    (saved there): re-running an evaluation does not retrain the judge."""
    if (folder / CONFIG).is_file() and (folder / WEIGHTS).is_file():
        try:
            saved = load(folder)
        except (ValueError, KeyError, TypeError, RuntimeError, OSError):
            saved = None
        if saved and saved.info["data"] == data_fingerprint(data) and saved.info["config"] == asdict(config):
            saved.info["reused"] = True
            return saved
    trained = train_classifier(data, config)
    save(trained, folder)
    return trained
