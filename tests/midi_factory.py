"""MIDI files written by the tests: styles that differ in register and rhythm, so a model can tell them apart."""

import random
from pathlib import Path

from stylevae.model.data.midi_io import write_midi
from stylevae.model.data.tokens import Note
from stylevae.model.network.vae import Architecture


def _tune(rng: random.Random, bars: int, low: int, step_choices: list[int]) -> list[Note]:
    notes, t = [], 0
    while t < bars * 16:
        length = rng.choice(step_choices)
        notes.append(Note(rng.randint(low, low + 12), t, min(t + length, bars * 16)))
        t += length
    return notes


def make_midi_dir(root: Path, styles: dict[str, tuple[int, list[int]]], pieces: int = 10, seed: int = 0) -> Path:
    rng = random.Random(seed)
    for name, (low, lengths) in styles.items():
        (root / name).mkdir(parents=True)
        for i in range(pieces):
            write_midi(root / name / f"{name}_{i}.mid", _tune(rng, 8, low, lengths))
    return root


STYLES = {"fast": (72, [1, 2]), "slow": (48, [4, 8])}

# A network and training settings that train in seconds on styles like these (tests of training and evaluation).
TINY_NETWORK = Architecture(embed_dim=8, enc_hidden=16, dec_hidden=16, z_content=8, style_dim=4, key_relative=True)
TINY = dict(model=TINY_NETWORK, batch_size=16, threads=1, valid_size=0)
