"""The representation: exact round trips between tokens, notes and MIDI files."""

from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stylevae.model.data.midi_io import MidiReadError, midi_to_melody, write_midi
from stylevae.model.data.tokens import (
    HOLD,
    REST,
    Note,
    Vocabulary,
    canonical,
    notes_to_tokens,
    tokens_to_notes,
    transpose,
)

VOCAB = Vocabulary()
STEPS = 32


@st.composite
def melodies(draw, steps: int = STEPS, vocab: Vocabulary = VOCAB) -> list[Note]:
    """Monophonic note lists on the grid: sorted, non-overlapping, inside the phrase."""
    bounds = sorted(draw(st.sets(st.integers(0, steps), max_size=2 * steps)))
    notes = []
    for start, end in zip(bounds[::2], bounds[1::2]):
        notes.append(Note(draw(st.integers(vocab.low, vocab.high)), start, end))
    return notes


token_sequences = st.lists(st.integers(0, VOCAB.size - 1), min_size=1, max_size=64)


@given(melodies())
def test_notes_tokens_notes_is_identity(notes):
    assert tokens_to_notes(notes_to_tokens(notes, STEPS, VOCAB), VOCAB) == notes


@given(token_sequences)
def test_tokens_notes_tokens_gives_canonical_and_canonical_is_stable(tokens):
    once = canonical(tokens, VOCAB)
    assert np.array_equal(canonical(once, VOCAB), once)
    assert tokens_to_notes(once, VOCAB) == tokens_to_notes(tokens, VOCAB)


@given(melodies())
def test_canonical_tokens_round_trip_exactly(notes):
    tokens = notes_to_tokens(notes, STEPS, VOCAB)
    assert np.array_equal(notes_to_tokens(tokens_to_notes(tokens, VOCAB), STEPS, VOCAB), tokens)


@settings(max_examples=40, deadline=None)
@given(melodies(steps=64))
def test_midi_file_round_trip(notes):
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.mid"
        write_midi(path, notes)
        if notes:
            assert midi_to_melody(path) == notes
        else:
            with pytest.raises(MidiReadError, match="no notes"):
                midi_to_melody(path)


@given(melodies(vocab=Vocabulary(60, 72), steps=16), st.integers(-30, 30))
def test_transpose_moves_every_note_or_refuses(notes, shift):
    vocab = Vocabulary(60, 72)
    tokens = notes_to_tokens(notes, 16, vocab)
    moved = transpose(tokens, shift, vocab)
    fits = all(vocab.low <= n.pitch + shift <= vocab.high for n in notes)
    assert (moved is not None) == fits
    if moved is not None:
        assert tokens_to_notes(moved, vocab) == [n._replace(pitch=n.pitch + shift) for n in notes]


def test_token_meaning():
    vocab = Vocabulary()
    tokens = [vocab.note_on(60), HOLD, REST, HOLD, vocab.note_on(62), vocab.note_on(64), HOLD, HOLD]
    assert tokens_to_notes(tokens, vocab) == [Note(60, 0, 2), Note(62, 4, 5), Note(64, 5, 8)]
    assert vocab.size == 90


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="overlap"):
        notes_to_tokens([Note(60, 0, 4), Note(62, 2, 6)], 8, VOCAB)
    with pytest.raises(ValueError, match="outside"):
        notes_to_tokens([Note(10, 0, 4)], 8, VOCAB)
    with pytest.raises(ValueError, match="MIDI"):
        Vocabulary(0, 200)
