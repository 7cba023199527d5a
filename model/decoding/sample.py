"""Offline generation to MIDI files (``stylevae sample``): new phrases for a style or a mix, or a MIDI file restyled.

A restyled file is cut into consecutive phrases of the model's length; each is encoded, its mean z_c kept
and decoded with the new style, and the phrases are joined again, so a whole tune can be re-played.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import torch

from stylevae.model.data.keys import Key
from stylevae.model.data.midi_io import midi_to_melody, write_midi
from stylevae.model.data.tokens import Vocabulary, notes_to_tokens, tokens_to_notes
from stylevae.model.decoding import playing
from stylevae.model.decoding.decoder import Rules
from stylevae.model.decoding.generate import GenerationError, check_temperature, generate, restyle, style_weights
from stylevae.model.network.checkpoint import Checkpoint

SAMPLE_TEMPERATURE = playing.TEMPERATURE
RESTYLE_TEMPERATURE = playing.RESTYLE_TEMPERATURE
MAX_RESTYLE_PHRASES = 256  # 512 bars of 4/4 at 2-bar phrases: longer files are cut


def parse_style(ckpt: Checkpoint, text: str) -> torch.Tensor:
    """Style weights (S,) from ``name`` or ``name:w,name:w``; errors list the model's styles."""
    try:
        return style_weights(ckpt.styles, text)
    except GenerationError as exc:
        message = str(exc)
        if "styles are" not in message:
            message += f"; styles are: {', '.join(ckpt.styles)}"
        raise GenerationError(message) from None


def midi_phrases(path: Path, steps: int, vocab: Vocabulary) -> np.ndarray:
    """The melody of a MIDI file as consecutive phrases: (k, steps) tokens; MidiReadError if unreadable or empty."""
    notes = midi_to_melody(path)
    k = min(math.ceil(max(n.end for n in notes) / steps), MAX_RESTYLE_PHRASES)
    notes = [n._replace(end=min(n.end, k * steps)) for n in notes if n.start < k * steps]
    outside = sorted({n.pitch for n in notes if not vocab.low <= n.pitch <= vocab.high})
    if outside:
        raise GenerationError(
            f"{path}: pitches {outside[:5]} are outside the model's range {vocab.low}..{vocab.high} (MIDI numbers)"
        )
    return notes_to_tokens(notes, k * steps, vocab).reshape(k, steps)


def generate_tokens(
    ckpt: Checkpoint,
    style: str,
    count: int,
    temperature: float | None,
    seed: int | None,
    source: np.ndarray | None = None,
    key: Key | None = None,
    lock: float = playing.LOCK,
    phrases: int = 1,
    variation: float = playing.VARIATION,
) -> np.ndarray:
    """``count`` melodies as tokens (count, L): ``phrases`` chained phrases each, as a daemon voice plays them
    (L = phrases · the model's steps), in ``key`` (default: the style's most common), or ``source`` phrases
    (k, steps) restyled in the source's own key (L = k·steps)."""
    weights = parse_style(ckpt, style).numpy()
    if not 0 <= lock <= 1:
        raise GenerationError(f"lock must be between 0 and 1, got {lock}")
    if source is None:
        t = check_temperature(SAMPLE_TEMPERATURE if temperature is None else temperature)
        rules = Rules(t, playing.DENSITY, lock, top_p=playing.TOP_P)
        return generate(ckpt, np.tile(weights, (count, 1)), phrases, key, rules, variation, seed)
    t = check_temperature(RESTYLE_TEMPERATURE if temperature is None else temperature)
    seeds = np.random.default_rng(seed).integers(2**31, size=count)
    return np.stack([restyle(ckpt, source, weights, t, int(s)).reshape(-1) for s in seeds])


def file_stem(style: str) -> str:
    """A file-name-safe form of a style text: irish_dance:0.7,bach_chorale:0.3 -> irish_dance0.7-bach_chorale0.3."""
    return re.sub(r"[^A-Za-z0-9_.-]", "", style.replace(",", "-"))


def write_files(tokens: np.ndarray, vocab: Vocabulary, out: Path, stem: str, bpm: float) -> list[Path]:
    """One MIDI file per row of tokens (n, L): out/stem_01.mid, …"""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, row in enumerate(tokens, start=1):
        path = out / f"{stem}_{i:02d}.mid"
        write_midi(path, tokens_to_notes(row, vocab), bpm)
        paths.append(path)
    return paths
