"""Musical features on hand-made phrases with known answers, and the properties of the set comparisons."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stylevae.model.data.tokens import HOLD, Note, Vocabulary, notes_to_tokens
from stylevae.model.evaluation import features

VOCAB = Vocabulary()
# C4 for 4 steps, E4 for 2, two steps of silence, G4 for 4, then silence to step 16
TRIAD = notes_to_tokens([Note(60, 0, 4), Note(64, 4, 6), Note(67, 8, 12)], 16, VOCAB)


def test_features_of_a_known_phrase():
    assert features.onset_pitches(TRIAD, VOCAB).tolist() == [60, 64, 67]
    histogram = features.pitch_class_histogram(TRIAD, VOCAB)
    assert histogram.shape == (12,) and histogram.sum() == pytest.approx(1.0)
    assert histogram[[0, 4, 7]].tolist() == pytest.approx([1 / 3] * 3) and histogram[[1, 2, 3, 5, 6]].sum() == 0
    assert features.pitch_range(TRIAD, VOCAB) == 7
    assert features.pitch_intervals(TRIAD, VOCAB).tolist() == [4, 3]
    assert features.note_lengths(TRIAD, VOCAB).tolist() == [4, 2, 4]
    assert features.inter_onset_intervals(TRIAD).tolist() == [4, 4]
    assert features.note_density(TRIAD) == 3
    contour = features.pitch_per_step(TRIAD, VOCAB)
    assert contour[:6].tolist() == [60] * 4 + [64] * 2 and contour[8:12].tolist() == [67] * 4
    assert np.isnan(contour[6:8]).all() and np.isnan(contour[12:]).all()


def test_a_note_sounding_at_the_end_is_cut_there_and_silence_has_no_features():
    tokens = notes_to_tokens([Note(48, 10, 16)], 16, VOCAB)
    assert features.note_lengths(tokens, VOCAB).tolist() == [6]
    assert features.pitch_class_histogram(tokens, VOCAB)[0] == 1.0  # C3
    silence = np.full(16, HOLD)
    assert features.pitch_range(silence, VOCAB) == 0 and features.note_density(silence) == 0
    assert features.pitch_class_histogram(silence, VOCAB).sum() == 0
    assert len(features.pitch_intervals(silence, VOCAB)) == 0


def test_pitch_classes_follow_the_vocabulary_low_note():
    vocab = Vocabulary(low=48, high=84)
    tokens = notes_to_tokens([Note(50, 0, 4)], 8, vocab)  # D3
    assert features.pitch_class_histogram(tokens, vocab)[2] == 1.0


def test_feature_samples_pool_over_the_set():
    other = notes_to_tokens([Note(72, 0, 16)], 16, VOCAB)
    pooled = features.feature_samples(np.stack([TRIAD, other]), VOCAB)
    assert set(pooled) == set(features.FEATURES)
    assert sorted(pooled["note_length"].tolist()) == [2, 4, 4, 16]
    assert pooled["note_density"].tolist() == [3, 1] and pooled["pitch_range"].tolist() == [7, 0]
    assert sorted(pooled["pitch_class"].tolist()) == [0, 0, 4, 7]
    assert pooled["pitch_interval"].tolist() == [4, 3]


def test_overlapping_area_known_values():
    assert features.overlapping_area(np.array([0, 0, 1, 1]), np.array([1, 1, 1, 2])) == pytest.approx(0.5)
    assert features.overlapping_area(np.array([1, 2, 3]), np.array([1, 2, 3])) == pytest.approx(1.0)
    assert features.overlapping_area(np.array([0, 1]), np.array([5, 6])) == 0.0
    assert math.isnan(features.overlapping_area(np.array([], dtype=int), np.array([1])))


@given(
    st.lists(st.integers(-20, 20), min_size=1, max_size=40),
    st.lists(st.integers(-20, 20), min_size=1, max_size=40),
)
def test_overlapping_area_is_a_symmetric_share(a, b):
    a, b = np.array(a), np.array(b)
    oa = features.overlapping_area(a, b)
    assert 0.0 <= oa <= 1.0 + 1e-9
    assert oa == pytest.approx(features.overlapping_area(b, a))
    assert features.overlapping_area(a, a) == pytest.approx(1.0)
    assert features.overlapping_area(a, a + 100) == 0.0
    assert features.kl_divergence(a, a) == pytest.approx(0.0, abs=1e-12)
    assert features.kl_divergence(a, b) >= -1e-12


def test_kl_grows_as_distributions_part():
    real = np.array([0, 1, 1, 2, 2, 2, 3])
    near, far = real + 1, real + 4
    assert 0 < features.kl_divergence(real, near) < features.kl_divergence(real, far)


def test_compare_samples_gives_overlap_and_kl_per_feature():
    same = features.feature_samples(np.stack([TRIAD, TRIAD]), VOCAB)
    result = features.compare_samples(same, same)
    assert all(result[f]["overlap"] == pytest.approx(1.0) for f in features.FEATURES)
    assert all(result[f]["kl"] == pytest.approx(0.0, abs=1e-12) for f in features.FEATURES)


def test_rhythm_and_contour_similarity():
    up_a_fifth = notes_to_tokens([Note(67, 0, 4), Note(71, 4, 6), Note(74, 8, 12)], 16, VOCAB)
    inverted = notes_to_tokens([Note(67, 0, 4), Note(63, 4, 6), Note(60, 8, 12)], 16, VOCAB)
    shifted_rhythm = notes_to_tokens([Note(60, 1, 3), Note(64, 5, 7)], 16, VOCAB)
    assert features.onset_agreement(TRIAD, up_a_fifth) == 1.0
    assert features.onset_agreement(TRIAD, shifted_rhythm) == pytest.approx(11 / 16)  # 5 of 16 steps disagree
    assert features.contour_correlation(TRIAD, up_a_fifth, VOCAB) == pytest.approx(1.0)
    assert features.contour_correlation(TRIAD, inverted, VOCAB) == pytest.approx(-1.0)
    flat = notes_to_tokens([Note(60, 0, 16)], 16, VOCAB)
    assert math.isnan(features.contour_correlation(TRIAD, flat, VOCAB))
