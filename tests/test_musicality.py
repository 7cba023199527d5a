"""Ear-like measures of a stream (model/evaluation/musicality.py): its register's span and drift."""

import numpy as np

from stylevae.model.data.tokens import Note, Vocabulary, notes_to_tokens
from stylevae.model.evaluation import musicality

VOCAB = Vocabulary()
BAR = 16


def test_a_stream_that_climbs_drifts_and_one_that_comes_back_does_not():
    """16 bars of whole notes: climbing a tone a bar, the last four bars' mean lies 24 semitones above the first
    four's; going up and back down, none. The span is from the lowest note to the highest either way."""
    climbing = notes_to_tokens([Note(48 + 2 * b, b * BAR, (b + 1) * BAR) for b in range(16)], 16 * BAR, VOCAB)
    back = [48 + 2 * min(b, 15 - b) for b in range(16)]
    returning = notes_to_tokens([Note(p, b * BAR, (b + 1) * BAR) for b, p in enumerate(back)], 16 * BAR, VOCAB)
    up, home = (musicality.stream_measures(t, VOCAB, 2 * BAR) for t in (climbing, returning))
    assert up["register_drift"] == 24.0 and up["pitch_span"] == 30.0
    assert home["register_drift"] == 0.0 and home["pitch_span"] == 14.0


def test_register_drift_needs_notes_at_both_ends_of_a_long_enough_stream():
    notes = [Note(60, 0, BAR)]
    assert musicality.register_drift(notes, 16 * BAR) is None  # nothing in the last four bars
    assert musicality.register_drift(notes + [Note(67, 4 * BAR, 5 * BAR)], 6 * BAR) is None  # too short to compare
    silent = musicality.stream_measures(np.zeros(16 * BAR, np.int64), VOCAB, 2 * BAR)
    assert silent["pitch_span"] is None and silent["register_drift"] is None
