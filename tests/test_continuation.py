"""Phrase-to-phrase latents: the bank, the learned step, the repeat rates, and a line that brings phrases back."""

import numpy as np

from stylevae.model.data.tokens import Note, Vocabulary, notes_to_tokens
from stylevae.model.decoding import continuation
from stylevae.model.decoding.decoder import Line

VOCAB = Vocabulary()


def test_the_fit_learns_how_the_next_phrase_follows():
    """Synthetic pieces whose next phrase's μ is 0.8·μ + 1 (plus a little noise): the fit finds it per style."""
    rng = np.random.default_rng(0)
    mus, styles, pieces, bars = [], [], [], []
    for piece in range(400):
        z = rng.standard_normal(4)
        for k in range(6):
            mus.append(z.copy()), styles.append(piece % 2), pieces.append(piece), bars.append(2 * k)
            z = 0.8 * z + 1.0 + 0.05 * rng.standard_normal(4)
    fitted = continuation.fit(np.array(mus, np.float32), np.array(styles), np.array(pieces), np.array(bars), 2, 2)
    assert np.allclose(fitted.transition[0], 0.8 * np.eye(4), atol=0.05)
    assert np.allclose(fitted.bias[0], 1.0, atol=0.1) and (fitted.scale[0] < 0.1).all()
    z = np.zeros(4, np.float32)
    assert np.allclose(fitted.step(z, 1.0, rng, 0), 1.0, atol=0.4)  # the learned step, its small noise included
    assert fitted.step(z, 0.0, rng, 0) is z  # variation 0 stays
    assert (fitted.bank_style == 0).sum() == continuation.BANK_PER_STYLE


def test_repeat_rates_count_the_nearest_earlier_repeat():
    a = notes_to_tokens([Note(60, 0, 4), Note(62, 4, 8), Note(64, 8, 16)], 32, VOCAB)
    b = notes_to_tokens([Note(67, 0, 8), Note(65, 8, 16)], 32, VOCAB)
    c = notes_to_tokens([Note(72, 0, 16), Note(71, 16, 32)], 32, VOCAB)
    d = notes_to_tokens([Note(55, 0, 32)], 32, VOCAB)
    assert continuation.REPEAT_LAGS == 4

    def rates(*phrases):  # one piece, its phrases at bars 0, 2, 4, …
        n = len(phrases)
        return continuation.repeat_rates(np.stack(phrases), np.zeros(n, int), np.zeros(n, int),
                                         np.arange(0, 2 * n, 2), 1, 2, VOCAB)[0]

    # A B A B C A: the phrases with four before them are C (no repeat) and A (3 back, the A of phrase 2)
    assert np.allclose(rates(a, b, a, b, c, a), [0.0, 0.0, 0.5, 0.0])
    # an 8-bar section that comes back whole: A B C D A B, each of the last two 4 back
    assert np.allclose(rates(a, b, c, d, a, b), [0.0, 0.0, 0.0, 1.0])


def test_a_line_brings_an_earlier_phrase_back_note_for_note():
    always_two_back = continuation.Continuation(4, repeat=np.array([[0.0, 1.0, 0.0]], np.float32))
    line = Line(np.ones(4, np.float32), np.random.default_rng(0), phrase_seed=11)
    line.begin_phrase(replay=False)  # phrase 1
    line.took(60)
    line.advance(always_two_back, 0.5, 0)  # only one phrase behind: no lag-2 repeat yet, a walk step
    line.begin_phrase(replay=False)  # phrase 2
    second = (line.z_content.copy(), line.phrase_seed, line.phrase_first)
    assert second[2] == 60 and not np.allclose(second[0], 1.0)
    line.took(67)
    line.advance(always_two_back, 0.5, 0)  # phrase 3 = phrase 1 again
    line.begin_phrase(replay=False)
    assert np.allclose(line.z_content, 1.0) and line.phrase_seed == 11 and line.phrase_first is None


def test_border_ratio_favours_what_real_tunes_do_more_often_and_stays_clipped():
    real = np.array([0] * 50 + [2] * 40 + [-2] * 10)
    played = np.array([0] * 10 + [2] * 40 + [-2] * 10 + [7] * 40)
    ratio = continuation.border_ratio(real, played)
    at = continuation.border_bins(np.array([0, 2, -2, 7, 5, 30]))
    assert ratio[at[0]] > 3 and abs(ratio[at[1]] - 1) < 0.1
    assert np.isclose(ratio[at[3]], 1 / continuation.BORDER_CLIP)  # 1/40 of the played rate, clipped
    assert ratio[at[4]] == 1.0  # an interval neither saw is left alone
    assert at[5] == 2 * continuation.BORDER_SPAN  # beyond an octave: the edge bin
    assert ratio.min() >= 1 / continuation.BORDER_CLIP and ratio.max() <= continuation.BORDER_CLIP


def test_real_border_intervals_run_from_the_note_before_to_the_first_note():
    late = notes_to_tokens([Note(64, 4, 8)], 32, VOCAB)  # a rest first, then E
    none = notes_to_tokens([], 32, VOCAB)
    found = continuation.real_border_intervals(np.stack([late, late, none]), np.array([60, -1, 60]), VOCAB)
    assert found.tolist() == [4]  # no note before, or no note in the phrase: left out


def test_border_weights_put_the_ratio_on_each_pitch_by_its_interval_and_survive_saving(tmp_path):
    border = np.ones((1, 2 * continuation.BORDER_SPAN + 1), np.float32)
    border[0, continuation.BORDER_SPAN + 2] = 4.0  # a whole tone up
    fitted = continuation.Continuation(4, np.zeros((1, 4), np.float32), np.zeros(1, np.int64),
                                       np.eye(4, dtype=np.float32)[None], np.zeros((1, 4), np.float32),
                                       np.ones((1, 4), np.float32), None, border)
    weights = fitted.border_weights(0, 60, VOCAB)
    assert weights[VOCAB.note_on(62)] == 4.0 and weights[VOCAB.note_on(61)] == 1.0 and weights[0] == 1.0
    assert fitted.border_weights(0, None, VOCAB) is None
    fitted.save(tmp_path)
    again = continuation.load(tmp_path, 4)
    assert np.array_equal(again.border, border)
