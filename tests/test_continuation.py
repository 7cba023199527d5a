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
    # one piece, A B A B C A at bars 0, 2, …: the phrases with three before them are A(6) B? no: B(6), C(8), A(10)
    tokens = np.stack([a, b, a, b, c, a])
    rates = continuation.repeat_rates(tokens, np.zeros(6, int), np.zeros(6, int), np.arange(0, 12, 2), 1, 2, VOCAB)
    # phrase 3 (B) repeats 2 back; phrase 4 (C) repeats nothing; phrase 5 (A) repeats 3 back (A at phrase 2)
    assert np.allclose(rates[0], [0.0, 1 / 3, 1 / 3])


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
