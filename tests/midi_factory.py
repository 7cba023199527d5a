"""MIDI files written by the tests: styles that differ in register and rhythm, so a model can tell them apart."""

import random
from pathlib import Path

from stylevae.model.data.midi_io import write_midi
from stylevae.model.data.tokens import Note


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
