"""Phrase-to-phrase latents: the pairs of real phrases a line goes on along, the repeat rates, the border, and a line
that brings phrases back."""

import numpy as np
import pytest
from safetensors.numpy import save_file

from stylevae.model.data.dataset import PhraseSet
from stylevae.model.data.tokens import Note, Vocabulary, notes_to_tokens
from stylevae.model.decoding import continuation
from stylevae.model.decoding.decoder import Line

VOCAB = Vocabulary()


def phrase_set(rows: list[tuple[list[Note], int, int, int, int]]) -> PhraseSet:
    """A PhraseSet of (notes, style, piece, bar, mode) rows, two styles, no note before any phrase."""
    tokens = np.stack([notes_to_tokens(notes, 32, VOCAB) for notes, *_ in rows]).astype(np.uint8)
    style, piece, bar, mode = (np.array([row[k] for row in rows], np.int64) for k in range(1, 5))
    manifest = {"styles": ["a", "b"], "vocab": {"low": VOCAB.low, "high": VOCAB.high}}
    return PhraseSet(tokens, style, piece, bar, np.zeros(len(rows), np.int64), mode, np.full(len(rows), -1), manifest)


def test_the_fit_keeps_real_next_phrases_that_stay_in_their_tunes_key():
    """Pieces of three phrases, bars 0, 2 and 4, in style a; the third phrase of every other piece leaves C major
    (an F sharp held all through). The pairs are the consecutive phrases of a piece whose next phrase keeps to the
    key, with that phrase's μ and first pitch; style b, whose pieces have one phrase each, goes on from a phrase to
    itself."""
    in_key, f_sharp = [Note(64, 0, 8), Note(67, 8, 16)], [Note(66, 0, 32)]
    rows = []
    for piece in range(6):
        third = f_sharp if piece % 2 else [Note(72, 4, 32)]
        rows += [([Note(60, 0, 16)], 0, piece, 0, 0), (in_key, 0, piece, 2, 0), (third, 0, piece, 4, 0)]
    rows += [([Note(62, 0, 32)], 1, 6 + piece, 0, 0) for piece in range(3)]
    phrases = phrase_set(rows)
    mu = np.arange(len(rows), dtype=np.float32)[:, None] * np.ones((1, 3), np.float32)  # row i's μ: (i, i, i)
    fitted = continuation.fit(mu, phrases, 2)
    a = fitted.pair_style == 0
    pairs = sorted(zip(fitted.before[a, 0].astype(int), fitted.after[a, 0].astype(int)))
    expected = sorted([(3 * p, 3 * p + 1) for p in range(6)] + [(3 * p + 1, 3 * p + 2) for p in range(0, 6, 2)])
    assert pairs == expected
    assert sorted(fitted.after_first[a].tolist()) == sorted([64] * 6 + [72] * 3)
    b = fitted.pair_style == 1
    assert np.array_equal(fitted.before[b], fitted.after[b]) and b.sum() == 3
    assert continuation.outside_home(phrases.tokens[:3], phrases.mode[:3], VOCAB).tolist() == [0.0, 0.0, 0.0]
    assert continuation.outside_home(phrases.tokens[5:6], phrases.mode[5:6], VOCAB).tolist() == [1.0]


def pairs_around(centres: list[float], per: int = 40) -> continuation.Continuation:
    """Style 0's pairs: ``per`` phrases near each centre (on the first axis of a 2-d z_c), each followed by a phrase
    at the centre + 100, whose first pitch is 60 + its index within the centre's group."""
    before = np.concatenate([[[c + 0.01 * k, 0.0] for k in range(per)] for c in centres]).astype(np.float32)
    after = before + np.float32([100.0, 0.0])
    first = np.concatenate([60 + np.arange(per) for _ in centres])
    return continuation.Continuation(2, before, after, np.zeros(len(before), np.int64), first.astype(np.int64))


def test_a_line_goes_on_to_the_next_phrase_of_a_real_phrase_near_it():
    """z_c near one group of real phrases: the next z_c is the next phrase of one of them, a real μ, never a
    point between (where the decoder leaps more); variation 0 stays."""
    fitted = pairs_around([0.0, 50.0])
    rng = np.random.default_rng(0)
    for _ in range(50):
        found = fitted.step(np.float32([49.5, 0.0]), 0.5, rng, 0)
        assert any(np.array_equal(found, row) for row in fitted.after[40:])
    z = np.float32([0.0, 0.0])
    assert fitted.step(z, 0.0, rng, 0) is z


def test_the_next_phrase_begins_near_the_note_the_line_ended_on():
    """Real tunes of the style never leap at a border (all their border intervals 0): of the neighbours' next
    phrases, one beginning on the line's last note is drawn far more often than the rest together."""
    fitted = pairs_around([0.0])
    shares = np.full(2 * continuation.BORDER_SPAN + 1, 1e-4, np.float32)
    shares[continuation.BORDER_SPAN] = 1.0
    fitted.border_real = (shares / shares.sum())[None]
    rng = np.random.default_rng(1)
    firsts = [int(fitted.after_first[np.flatnonzero((fitted.after == fitted.step(np.float32([0.2, 0]), 1.0, rng, 0,
                                                                                  last_pitch=70)).all(1))[0]])
              for _ in range(200)]
    assert firsts.count(70) > 150
    unjoined = [fitted.step(np.float32([0.2, 0]), 1.0, rng, 0) for _ in range(200)]  # no last note: any
    assert len({row.tobytes() for row in unjoined}) > 10


def test_a_small_variation_keeps_to_the_next_phrases_nearest_the_line():
    """Two groups of real phrases equally near z_c, one followed by phrases near it and one by phrases far off:
    at variation 0.05 the line goes on near; at 1, either."""
    half = continuation.NEIGHBOURS // 2
    before = np.float32([[1.0, 0.0]] * half + [[-1.0, 0.0]] * half)
    after = np.float32([[1.5, 0.0]] * half + [[40.0, 0.0]] * half)
    fitted = continuation.Continuation(2, before, after, np.zeros(2 * half, np.int64), np.full(2 * half, 60))
    rng = np.random.default_rng(2)
    near_share = np.mean([fitted.step(np.float32([0, 0]), 0.05, rng, 0)[0] == 1.5 for _ in range(200)])
    free_share = np.mean([fitted.step(np.float32([0, 0]), 1.0, rng, 0)[0] == 1.5 for _ in range(200)])
    assert near_share == 1.0 and 0.3 < free_share < 0.7


def test_latents_survive_saving_and_an_older_fit_loads_as_none(tmp_path):
    """Saved in half precision and read back as float32; a file of the linear step an older version fitted reads
    as no fit (its checkpoint then says so, and ``stylevae latents`` fits it anew)."""
    fitted = pairs_around([0.0, 50.0])
    fitted.save(tmp_path)
    again = continuation.load(tmp_path, 2)
    assert again.learned and again.after.dtype == np.float32
    assert np.allclose(again.after, fitted.after, rtol=1e-3, atol=0)
    assert np.array_equal(again.after_first, fitted.after_first) and np.array_equal(again.pair_style, fitted.pair_style)
    older = {"bank": np.zeros((1, 2), np.float32), "bank_style": np.zeros(1, np.int64),
             "transition": np.eye(2, dtype=np.float32)[None], "bias": np.zeros((1, 2), np.float32),
             "scale": np.ones((1, 2), np.float32)}
    save_file(older, str(tmp_path / continuation.LATENTS))
    assert not continuation.load(tmp_path, 2).learned


def test_repeat_rates_count_the_earlier_repeat_by_place_in_the_strain():
    a = notes_to_tokens([Note(60, 0, 4), Note(62, 4, 8), Note(64, 8, 16)], 32, VOCAB)
    b = notes_to_tokens([Note(67, 0, 8), Note(65, 8, 16)], 32, VOCAB)
    c = notes_to_tokens([Note(72, 0, 16), Note(71, 16, 32)], 32, VOCAB)
    d = notes_to_tokens([Note(55, 0, 32)], 32, VOCAB)
    assert continuation.REPEAT_LAGS == 4 and continuation.REPEAT_PLACES == 8

    def rates(*phrases, prior=0.0):  # one piece, its phrases at bars 0, 2, 4, …
        n = len(phrases)
        return continuation.repeat_rates(np.stack(phrases), np.zeros(n, int), np.zeros(n, int),
                                         np.arange(0, 2 * n, 2), 1, 2, VOCAB, prior)[0]

    # A B A B C A: the third phrase repeats the first (2 back), the fourth the second, the last the A 3 back;
    # each share is of the phrases at that place with that many before them
    found = rates(a, b, a, b, c, a)
    expected = np.zeros((8, 4))
    expected[2, 1] = expected[3, 1] = expected[5, 2] = 1.0
    assert np.allclose(found, expected)
    # an 8-bar section that comes back whole: A B C D A B, each of the last two 4 back
    expected = np.zeros((8, 4))
    expected[4, 3] = expected[5, 3] = 1.0
    assert np.allclose(rates(a, b, c, d, a, b), expected)
    # a strain played twice, A B A C A B A C: the second time's phrases count as 4 back, the section's, though its A's
    # also repeat the A 2 back (the line that replays 4 back brings the section back whatever its own A's were)
    expected = np.zeros((8, 4))
    expected[2, 1] = expected[4, 3] = expected[5, 3] = expected[6, 3] = expected[7, 3] = 1.0
    assert np.allclose(rates(a, b, a, c, a, b, a, c), expected)
    # the tenth phrase is at the second's place: it repeats the one before, the second did not
    others = [notes_to_tokens([Note(40 + 3 * k, 0, 32)], 32, VOCAB) for k in range(9)]
    assert np.isclose(rates(*others, others[-1])[1, 0], 0.5)
    # with a prior, a place of few phrases is drawn toward the style's rates over all places
    # (A B A B C A: four phrases have two before them, two of them repeat two back)
    drawn = rates(a, b, a, b, c, a, prior=4.0)
    assert np.isclose(drawn[2, 1], (1 + 4 * 0.5) / (1 + 4)) and np.isclose(drawn[4, 1], (0 + 4 * 0.5) / (1 + 4))
    assert np.isclose(drawn[6, 1], 0.5) and np.isclose(drawn[1, 0], 0.0)


def test_a_line_repeats_with_the_rates_of_its_phrases_place():
    """Place 2 always repeats two back, place 3 never: what comes back follows the phrase's place in the song,
    whichever strain it is in."""
    rates = np.zeros((1, 8, 4), np.float32)
    rates[0, 2, 1] = 1.0
    fitted = continuation.Continuation(4, repeat=rates)
    rng = np.random.default_rng(0)
    assert all(fitted.repeat_lag(0, rng, 4, position) == 2 for position in (2, 10, 18))
    assert not any(fitted.repeat_lag(0, rng, 4, position) for position in (1, 3, 4, 9, 11) for _ in range(20))
    assert fitted.repeat_lag(0, rng, 1, 2) == 0  # but only with two phrases behind


def test_repeat_rates_fitted_before_places_load_as_one_place(tmp_path):
    older = pairs_around([0.0, 50.0])
    older.repeat = np.array([[0.0, 1.0, 0.0, 0.0]], np.float32)
    older.save(tmp_path)
    loaded = continuation.load(tmp_path, 2)
    assert loaded.repeat.shape == (1, 1, 4)
    assert all(loaded.repeat_lag(0, np.random.default_rng(k), 4, k) == 2 for k in range(10))


def test_a_line_brings_an_earlier_phrase_back_note_for_note():
    always_two_back = continuation.Continuation(4, repeat=np.array([[[0.0, 1.0, 0.0]]], np.float32))
    line = Line(np.ones(4, np.float32), np.random.default_rng(0), phrase_seed=11)
    line.begin_phrase(replay=False)  # phrase 1
    line.took(60)
    line.advance(always_two_back, 0.5, 0, position=1)  # only one phrase behind: no lag-2 repeat yet, a walk step
    line.begin_phrase(replay=False)  # phrase 2
    second = (line.z_content.copy(), line.phrase_seed, line.phrase_first)
    assert second[2] == 60 and not np.allclose(second[0], 1.0)
    line.took(67)
    line.advance(always_two_back, 0.5, 0, position=2)  # phrase 3 = phrase 1 again
    line.begin_phrase(replay=False)
    assert np.allclose(line.z_content, 1.0) and line.phrase_seed == 11 and line.phrase_first is None


def returning_pairs() -> continuation.Continuation:
    """Style 0's neighbours' next phrases all begin on C; half end on D, half on A; real tunes cross a border by a
    step down far more often than by a sixth or more."""
    fitted = pairs_around([0.0])
    fitted.after_first = np.full(40, 60)
    fitted.after_last = np.array([62, 71] * 20)
    fitted.border_real = np.full((1, 2 * continuation.BORDER_SPAN + 1), 0.01, np.float32)
    fitted.border_real[0, continuation.BORDER_SPAN - 2] = 0.75
    return fitted


@pytest.mark.parametrize("lag", [1, 2, 3, 4])
def test_a_return_is_drawn_a_phrase_ahead_and_the_phrase_before_it_leads_into_it(lag):
    """A phrase brings back the first, ``lag`` back (the first begins on C, the others on E), or with lag 1 the one
    just before it; that is drawn as the phrase before the return is chosen, so that phrase is one ending on D,
    which leads into the C that comes back. With no return planned, either. The line then plays the return note
    for note."""
    fitted = returning_pairs()
    at = max(lag, 2)  # the return's place
    rates = np.zeros((1, 8, 4), np.float32)
    rates[0, at, lag - 1] = 1.0

    def before_returns(repeat):
        fitted.repeat = repeat
        ends, returns = [], []
        for seed in range(60):
            line = Line.create(fitted, 0, seed)
            played = [line.z_content]
            line.begin_phrase(False)
            line.took(60)
            for position in range(1, at):
                line.advance(fitted, 1.0, 0, position=position)
                played.append(line.z_content)
                line.begin_phrase(False)
                line.took(64)
            ends.append(int(fitted.after_last[(fitted.after == played[-1]).all(1)][0]))
            line.advance(fitted, 1.0, 0, position=at)
            returns.append(line.repeating is not None and np.array_equal(line.z_content, played[at - lag]))
        return np.array(ends), returns

    ends, returns = before_returns(rates)
    assert np.mean(ends == 62) > 0.9 and all(returns)
    ends, returns = before_returns(np.zeros((1, 8, 4), np.float32))
    assert 0.25 < np.mean(ends == 62) < 0.75 and not any(returns)


def test_the_phrase_before_a_return_leads_into_it_as_real_tunes_enter_their_returns(tmp_path):
    """Where real tunes enter their returns otherwise than their other phrases (here: from a seventh above, where
    other borders step down), the phrase before a return is chosen, and led in, by how they enter returns; latents
    fitted before returns had their own lead by all borders, and ones whose two tables differ in shape are refused."""
    fitted = returning_pairs()
    fitted.return_real = np.full((1, 2 * continuation.BORDER_SPAN + 1), 0.01, np.float32)
    fitted.return_real[0, continuation.BORDER_SPAN - 11] = 0.75  # from B down to C
    rates = np.zeros((1, 8, 4), np.float32)
    rates[0, 2, 0] = 1.0  # the third phrase brings back the second
    fitted.repeat = rates
    ends = []
    for seed in range(40):
        line = Line.create(fitted, 0, seed)
        line.begin_phrase(False)
        line.took(60)
        line.advance(fitted, 1.0, 0, position=1)  # the second phrase: the third will bring it back
        ends.append(int(fitted.after_last[(fitted.after == line.z_content).all(1)][0]))
    assert np.mean(np.array(ends) == 71) > 0.9
    assert np.array_equal(fitted.lead_shares(0), fitted.return_real[0])
    fitted.save(tmp_path)
    assert np.array_equal(continuation.load(tmp_path, 2).lead_shares(0), fitted.return_real[0])
    fitted.return_real = None
    assert np.array_equal(fitted.lead_shares(0), fitted.border_real[0])
    fitted.return_real = fitted.border_real[:, :5]
    fitted.save(tmp_path)
    with pytest.raises(ValueError, match="returns' border intervals do not match") as refused:
        continuation.load(tmp_path, 2)
    assert "\n" not in str(refused.value)


def test_a_lead_raises_the_shares_of_real_entries_into_returns_to_its_styles_power(tmp_path):
    """The lead's weights are the shares of real tunes' entries into returns raised to the style's fitted power: 1
    (or latents fitted before powers) the shares as they are, 0 no lead (all alike), 2 their squares; the power is
    saved and read back, and a negative one or one per style too few is refused in one line."""
    fitted = returning_pairs()
    fitted.return_real = continuation.interval_shares(np.array([2, 2, -1, 5]))[None].astype(np.float32)
    shares = fitted.return_real[0]
    assert np.array_equal(fitted.lead_weights(0), shares)
    for power, expected in ((1.0, shares), (0.0, np.ones_like(shares)), (2.0, shares**2)):
        fitted.lead_power = np.array([power], np.float32)
        assert np.allclose(fitted.lead_weights(0), expected)
    fitted.save(tmp_path)
    assert np.allclose(continuation.load(tmp_path, 2).lead_weights(0), shares**2)
    for broken in (np.array([-1.0], np.float32), np.zeros(0, np.float32)):
        fitted.lead_power = broken
        fitted.save(tmp_path)
        with pytest.raises(ValueError, match="lead powers do not match their styles") as refused:
            continuation.load(tmp_path, 2)
        assert "\n" not in str(refused.value)


def test_the_fit_learns_how_real_tunes_enter_their_returns_apart_from_their_other_borders():
    """Pieces of A B A: the return of A entered from a fifth below its first note, every other phrase from a step
    below. The fit's border intervals peak at the step, those into returns at the fifth, and the repeat rates are
    those ``repeat_rates`` counts on its own."""
    a, b = [Note(67, 0, 8), Note(64, 8, 16)], [Note(65, 0, 16), Note(62, 16, 32)]
    rows = [(notes, 0, piece, bar, 0) for piece in range(8) for notes, bar in ((a, 0), (b, 2), (a, 4))]
    phrases = phrase_set(rows)
    phrases.before[:] = [first - (7 if bar == 4 else 2) for piece in range(8) for first, bar in ((67, 0), (65, 2),
                                                                                                  (67, 4))]
    mu = np.arange(len(rows), dtype=np.float32)[:, None] * np.ones((1, 2), np.float32)
    fitted = continuation.fit(mu, phrases, 2)
    assert int(np.argmax(fitted.border_real[0])) == continuation.BORDER_SPAN + 2
    assert int(np.argmax(fitted.return_real[0])) == continuation.BORDER_SPAN + 7
    assert fitted.return_real[0, continuation.BORDER_SPAN + 7] > 0.2  # 8 returns, add-one over 25 bins
    assert np.array_equal(fitted.repeat, continuation.repeat_rates(phrases.tokens, phrases.style, phrases.piece,
                                                                    phrases.bar, 2, 2, VOCAB))


def test_a_return_drawn_for_one_place_is_not_taken_at_another():
    """The sixth place always brings back the phrase before, the fourth never: a line at the fifth draws the return
    for the sixth; the song then jumps back, and the phrase at the fourth is no return. A line at variation 0 (it
    repeats its phrase, drawing nothing) holds no return drawn ahead."""
    fitted = returning_pairs()
    fitted.repeat = np.zeros((1, 8, 4), np.float32)
    fitted.repeat[0, 5, 0] = 1.0
    line = Line.create(fitted, 0, 1)
    line.begin_phrase(False)
    line.took(60)
    line.advance(fitted, 1.0, 0, position=4)
    line.begin_phrase(False)
    assert line.planned == (5, 1)
    line.advance(fitted, 1.0, 0, position=3)
    assert line.repeating is None
    line.begin_phrase(False)
    line.advance(fitted, 1.0, 0, position=4)
    line.advance(fitted, 0.0, 0, position=5)
    assert line.planned is None


def test_last_pitches_are_each_phrases_last_note_on():
    held = notes_to_tokens([Note(60, 0, 4), Note(67, 4, 32)], 32, VOCAB)  # G held to the end
    silent = notes_to_tokens([], 32, VOCAB)
    assert continuation.last_pitches(np.stack([held, silent]), VOCAB).tolist() == [67, continuation.NO_NOTE]


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
    fitted = continuation.Continuation(4, np.zeros((1, 4), np.float32), np.zeros((1, 4), np.float32),
                                       np.zeros(1, np.int64), np.full(1, 60), border=border)
    weights = fitted.border_weights(0, 60, VOCAB)
    assert weights[VOCAB.note_on(62)] == 4.0 and weights[VOCAB.note_on(61)] == 1.0 and weights[0] == 1.0
    assert fitted.border_weights(0, None, VOCAB) is None
    fitted.save(tmp_path)
    again = continuation.load(tmp_path, 4)
    assert np.array_equal(again.border, border)


def pairs_in_two_modes() -> continuation.Continuation:
    """Style 0's pairs from tunes of both mode families, all beginning near the origin; a major tune's next phrase
    lies at +100 on the first axis, a minor tune's at −100. Style 1 has major tunes only."""
    before = np.float32([[0.01 * k, 0.0] for k in range(40)] * 2)
    style = np.array([0] * 60 + [1] * 20, np.int64)
    mode = np.array([0] * 40 + [1] * 20 + [0] * 20, np.int64)
    after = before + np.where(mode == 0, 100.0, -100.0).astype(np.float32)[:, None] * np.float32([1.0, 0.0])
    return continuation.Continuation(2, before, after, style, np.full(80, 60), pair_mode=mode)


def test_a_line_keeps_to_next_phrases_of_its_keys_mode_family():
    """A line in a minor key goes on only to next phrases of minor tunes, and starts from one; in major, of major
    ones; told no mode, of either. A style with no tune of the line's mode goes on along the tunes it has."""
    fitted = pairs_in_two_modes()
    rng = np.random.default_rng(3)
    z = np.float32([0.2, 0.0])
    assert all(fitted.step(z, 1.0, rng, 0, mode=1)[0] < -90 for _ in range(100))
    assert all(fitted.step(z, 1.0, rng, 0, mode=0)[0] > 90 for _ in range(100))
    either = [fitted.step(z, 1.0, rng, 0)[0] > 0 for _ in range(200)]
    assert 0 < sum(either) < 200
    assert all(fitted.initial(0, rng, mode=1)[0] < -90 for _ in range(50))
    assert all(fitted.step(z, 1.0, rng, 1, mode=1)[0] > 90 for _ in range(50))
    line = Line.create(fitted, 0, 4, mode=1)
    for k in range(10):
        line.advance(fitted, 0.5, 0, mode=1, position=k + 1)
        assert line.z_content[0] < -90


def test_the_fit_keeps_pairs_of_each_mode_with_their_modes_and_registers(tmp_path, monkeypatch):
    """Many more major tunes than minor ones: the fit keeps up to PAIRS_PER_MODE of each, so a minor line has as
    many to go on along as the minor tunes give; each pair knows its tune's mode and its next phrase's register,
    and each style how far its phrases' registers lie from their tune's; all of it saved and loaded."""
    monkeypatch.setattr(continuation, "PAIRS_PER_MODE", 3)
    rows = []
    for piece in range(8):
        mode = 1 if piece < 2 else 0
        rows += [([Note(60, 0, 16)], 0, piece, 0, mode), ([Note(67, 0, 16)], 0, piece, 2, mode)]
    phrases = phrase_set(rows)
    mu = np.arange(len(rows), dtype=np.float32)[:, None] * np.ones((1, 2), np.float32)
    fitted = continuation.fit(mu, phrases, 2)
    assert sorted(fitted.pair_mode.tolist()) == [0, 0, 0, 1, 1]
    minor_tunes_before = {0.0, 2.0}  # the first phrases of pieces 0 and 1
    assert set(fitted.before[fitted.pair_mode == 1, 0].tolist()) == minor_tunes_before
    assert not set(fitted.before[fitted.pair_mode == 0, 0].tolist()) & minor_tunes_before
    assert fitted.after_register.tolist() == [67.0] * 5  # each next phrase's register: its mean pitch
    assert fitted.after_last.tolist() == [67] * 5  # and its last note
    assert np.allclose(fitted.register_spread, [3.5, 1.0])  # C and G about their tune's 63.5; style b has no phrase
    fitted.save(tmp_path)
    again = continuation.load(tmp_path, 2)
    assert np.array_equal(again.pair_mode, fitted.pair_mode) and np.array_equal(again.after_register, [67.0] * 5)
    assert np.array_equal(again.register_spread, fitted.register_spread)
    assert np.array_equal(again.after_last, fitted.after_last)


def test_a_line_goes_on_to_next_phrases_near_its_own_register(monkeypatch):
    """The neighbours' next phrases lie in registers 50 to 89; a line whose notes lie about 60 goes on to those
    near 60 (about as far as the style's spread, 2 semitones, times REGISTER_PULL), one about 80 to those near 80;
    with no notes yet, to any."""
    fitted = pairs_around([0.0])
    fitted.after_register = np.linspace(50, 89, 40).astype(np.float32)
    fitted.register_spread = np.float32([2.0])
    monkeypatch.setattr(continuation, "REGISTER_PULL", 1.0)  # a Gaussian of 2 semitones about the line's register
    rng = np.random.default_rng(5)

    def registers(home):
        chosen = [fitted.step(np.float32([0.2, 0]), 1.0, rng, 0, home=home) for _ in range(200)]
        return np.array([fitted.after_register[(fitted.after == row).all(1)][0] for row in chosen])

    for home in (60.0, 80.0):
        found = registers(home)
        assert abs(np.mean(found) - home) < 1.0 and np.std(found) < 2.4
    assert np.ptp(registers(None)) > 25 and np.std(registers(None)) > 8


def test_a_lines_register_follows_its_notes_and_a_replay_takes_them_again():
    """``home`` is the mean of the line's note-ons, the recent ones weighing most; a phrase replayed takes its
    notes again from where they stood when it began, not on top of the first pass's; a mark keeps them."""
    line = Line.create(continuation.Continuation(2), 0, 1)
    assert line.home is None
    line.begin_phrase(False)
    for pitch in (60, None, 64):
        line.took(pitch)
    assert 62 < line.home < 62.1
    line.begin_phrase(False)
    mark = line.mark()
    for _ in range(200):
        line.took(80)
    assert line.home > 79
    line.begin_phrase(True)
    assert 62 < line.home < 62.1
    line.took(90)
    line.back_to(mark)
    assert 62 < line.home < 62.1
    fitted = continuation.Continuation(2, np.zeros((1, 2), np.float32), np.zeros((1, 2), np.float32),
                                       np.zeros(1, np.int64), np.full(1, 60))
    line.reseed(fitted, 0, 7)
    assert line.home is None


def test_a_next_phrase_without_notes_is_neither_pulled_nor_pushed_and_the_pull_is_never_zero_wide(tmp_path):
    """A next phrase without a note (no register) weighs as the mean of the others' pull, not as one right in the
    line's register; a style whose tunes are single phrases (no spread to measure) gets MIN_SPREAD, not a width of
    0; latents with one of the register arrays but not the other, or a spread short of the styles, are refused."""
    fitted = pairs_around([0.0])
    fitted.after_register = np.float32([60.0] * 10 + [66.0] * 10 + [np.nan] * 20)
    fitted.register_spread = np.float32([3.0 / continuation.REGISTER_PULL])  # a pull 3 semitones wide
    rng = np.random.default_rng(6)
    chosen = [fitted.step(np.float32([0.2, 0]), 1.0, rng, 0, home=60.0) for _ in range(300)]
    silent = np.mean([np.isnan(fitted.after_register[(fitted.after == row).all(1)][0]) for row in chosen])
    assert 0.05 < silent < 0.35  # 0.17 expected; 0.66 were they taken as in the line's register
    spread = continuation.register_spread(np.float32([60.0, 64.0, np.nan]), np.array([0, 0, 1]), np.array([0, 1, 2]), 2)
    assert spread.tolist() == [continuation.MIN_SPREAD] * 2
    fitted.save(tmp_path)
    assert continuation.load(tmp_path, 2).register_spread is not None
    for broken in ({"register_spread": None}, {"register_spread": np.float32([])}):
        half = continuation.Continuation(**{**{f: getattr(fitted, f) for f in (
            "z_content", "before", "after", "pair_style", "after_first", "after_register", "register_spread")},
            **broken})
        half.save(tmp_path)
        with pytest.raises(ValueError, match="registers do not match"):
            continuation.load(tmp_path, 2)


def test_balanced_lines_visit_each_next_phrase_about_as_often_as_the_others():
    """Forty phrases in a row, each leading on to itself's place; real tunes' borders favour the twenty that begin on
    the note lines end on nine to one over the twenty an octave away, and the phrases at the ends of the row are
    among fewer phrases' neighbours: unbalanced, lines go on to the first twenty nine times in ten and to some
    phrases hardly ever. With the weights ``balance`` fits, each phrase takes about its even share."""
    fitted = pairs_around([0.0])
    fitted.after = fitted.before.copy()
    fitted.after_first = np.where(np.arange(40) % 2, 72, 60)
    fitted.after_last = np.full(40, 60)
    shares = np.full(2 * continuation.BORDER_SPAN + 1, 1e-3, np.float32)
    shares[continuation.BORDER_SPAN], shares[continuation.BORDER_SPAN + 12] = 0.9, 0.1
    fitted.border_real = (shares / shares.sum())[None]

    def visits(seed: int) -> np.ndarray:
        rng, k, counts = np.random.default_rng(seed), 0, np.zeros(40)
        for _ in range(4000):
            k = int(np.flatnonzero((fitted.after == fitted.step(fitted.after[k], 0.3, rng, 0, 60)).all(1))[0])
            counts[k] += 1
        return counts

    unbalanced = visits(1)
    assert unbalanced[::2].sum() / unbalanced.sum() > 0.85 and unbalanced.min() < 0.1 * unbalanced.mean()
    fitted.after_weight = continuation.balance(fitted, 0.3)
    balanced = visits(2)
    assert 0.4 < balanced[::2].sum() / balanced.sum() < 0.6
    assert 0.4 * balanced.mean() < balanced.min() and balanced.max() < 2.5 * balanced.mean()


def test_the_fit_balances_its_lines_and_weights_survive_saving_or_are_refused(tmp_path):
    """The fit's weights are positive, not all even (its pairs lie in a row, whose ends fewer lines reach), the same
    for the same seed, and saved with the rest; latents without weights (fitted before them) load without; weights
    not all positive, or not one per pair, are refused in one line."""
    rows = [([Note(pitch, 0, 16)], 0, piece, bar, 0) for piece, pitch in enumerate((60, 62, 64, 67)) for bar in (0, 2)]
    mu = np.arange(len(rows), dtype=np.float32)[:, None] * np.ones((1, 2), np.float32)
    fitted = continuation.fit(mu, phrase_set(rows), 2)
    assert fitted.after_weight.shape == (4,) and (fitted.after_weight > 0).all()
    assert np.ptp(fitted.after_weight) > 0.1
    assert fitted.balanced_under.tolist() == [continuation.REGISTER_PULL, continuation.VARIATION,
                                              continuation.NEIGHBOURS, continuation.PLACE_CYCLE]
    assert fitted.balanced_as_now
    assert np.array_equal(continuation.fit(mu, phrase_set(rows), 2).after_weight, fitted.after_weight)
    fitted.save(tmp_path)
    assert np.array_equal(continuation.load(tmp_path, 2).after_weight, fitted.after_weight)
    assert np.array_equal(continuation.load(tmp_path, 2).balanced_under, fitted.balanced_under)
    fitted.balanced_under = fitted.balanced_under[:2]
    fitted.save(tmp_path)
    with pytest.raises(ValueError, match="balancing settings are not three or four numbers"):
        continuation.load(tmp_path, 2)
    fitted.balanced_under = None
    weights = fitted.after_weight.copy()
    fitted.after_weight = None
    fitted.save(tmp_path)
    assert continuation.load(tmp_path, 2).after_weight is None
    for broken, message in ((0.0, "weights are not all positive"), (np.nan, "weights are not all positive"),
                            (None, "pairs do not match")):
        fitted.after_weight = weights.copy() if broken is not None else weights[:3]
        if broken is not None:
            fitted.after_weight[0] = broken
        fitted.save(tmp_path)
        with pytest.raises(ValueError, match=message) as refused:
            continuation.load(tmp_path, 2)
        assert "\n" not in str(refused.value)


def test_each_style_and_mode_is_balanced_over_its_own_next_phrases():
    """Two styles, each with next phrases of both mode families, their rows interleaved in the fit's arrays; in
    each (style, mode), real borders favour the phrases on the line's last note nine to one. Balanced, each group's
    lines visit its own phrases evenly, whatever the rows of the other groups."""
    groups = [(s, m) for s in range(2) for m in range(2)]
    n = 40 * len(groups)
    owner = np.arange(n) % len(groups)  # interleaved: row r belongs to group r mod 4
    place = np.arange(n) // len(groups)  # its place in its group's row of phrases
    before = np.stack([place * 0.01 + 10.0 * owner, np.zeros(n)], 1).astype(np.float32)
    fitted = continuation.Continuation(2, before, before.copy(), np.array([groups[g][0] for g in owner]),
                                       np.where(place % 2, 72, 60), pair_mode=np.array([groups[g][1] for g in owner]),
                                       after_last=np.full(n, 60))
    shares = np.full(2 * continuation.BORDER_SPAN + 1, 1e-3, np.float32)
    shares[continuation.BORDER_SPAN], shares[continuation.BORDER_SPAN + 12] = 0.9, 0.1
    fitted.border_real = np.stack([shares / shares.sum()] * 2)
    fitted.after_weight = continuation.balance(fitted, 0.3)
    rng = np.random.default_rng(3)
    for g, (style, mode) in enumerate(groups):
        mine = np.flatnonzero(owner == g)
        k, counts = mine[0], np.zeros(n)
        for _ in range(4000):
            k = int(np.flatnonzero((fitted.after == fitted.step(fitted.after[k], 0.3, rng, style, 60, mode)).all(1))[0])
            counts[k] += 1
        visits = counts[mine]
        assert counts.sum() == visits.sum()  # never a phrase of another group
        assert 0.4 < visits[::2].sum() / visits.sum() < 0.6
        assert 0.4 * visits.mean() < visits.min() and visits.max() < 2.5 * visits.mean()


def test_the_fit_draws_next_phrases_from_the_grid_as_evenly_over_a_sections_places_as_they_come(monkeypatch):
    """A style whose pieces have a phrase at every bar (two-bar phrases overlap), 14 and 16 bars, and end their
    sections on C, other phrases on E (a sectioned style): the pairs' next phrases are those on their piece's grid
    (even bars), each with its place in an 8-bar section — 2, 4, 4 and 3 at the four places (bar 0 is never a next
    phrase; the shorter piece has no bar 14). With room for 12 pairs (3 a place) the first place keeps both of its
    own and the others share the other 10 as evenly as they can; off-grid next phrases are never kept."""
    rows = [([Note(60 if bar % 8 == 6 else 64, 0, 8)], 0, piece, bar, 0)
            for piece in range(2) for bar in range(16 if piece else 14)]
    mu = np.arange(len(rows), dtype=np.float32)[:, None] * np.ones((1, 2), np.float32)  # row i's μ: (i, i)
    bars = np.array([bar for *_, bar, _ in rows])

    def fitted_bars() -> tuple[continuation.Continuation, np.ndarray]:
        fitted = continuation.fit(mu, phrase_set(rows), 2)
        return fitted, bars[fitted.after[:, 0].astype(int)]

    fitted, after_bars = fitted_bars()
    assert (after_bars % 2 == 0).all()
    assert np.array_equal(fitted.after_place, (after_bars // 2) % continuation.PLACE_CYCLE)
    assert np.bincount(fitted.after_place, minlength=4).tolist() == [2, 4, 4, 3]
    monkeypatch.setattr(continuation, "PAIRS_PER_PLACE", 3)
    fitted, after_bars = fitted_bars()
    assert np.bincount(fitted.after_place, minlength=4).tolist() == [2, 3, 4, 3] and (after_bars % 2 == 0).all()


def placed_pairs(per_place: int = 40, sectioned: tuple[bool, ...] = (True, False)) -> continuation.Continuation:
    """Per style, ``per_place`` pairs at each place of a section, their before μ all near the origin (every one is
    near a line there), each next phrase's first pitch 60 + its place."""
    n = len(sectioned) * continuation.PLACE_CYCLE * per_place
    rng = np.random.default_rng(3)
    before = rng.normal(0, 0.01, (n, 2)).astype(np.float32)
    style = np.repeat(np.arange(len(sectioned)), continuation.PLACE_CYCLE * per_place)
    place = np.tile(np.repeat(np.arange(continuation.PLACE_CYCLE), per_place), len(sectioned))
    return continuation.Continuation(2, before, before + 1.0, style.astype(np.int64), (60 + place).astype(np.int64),
                                     after_place=place.astype(np.int64), sectioned=np.array(sectioned))


def test_a_sectioned_styles_line_goes_on_to_next_phrases_of_its_place_and_another_style_to_any():
    """Next phrases at every place, all near the line: a line of the sectioned style at the song's 4th or 8th
    phrase goes on to next phrases from the last place of a section (first pitch 63) only, and at the 2nd to the
    second place's; a line of the other style, and one of a fit whose places are too few to choose among as many
    as elsewhere, to next phrases of every place."""
    fitted = placed_pairs()
    rng = np.random.default_rng(0)
    z = np.zeros(2, np.float32)

    def firsts(fit: continuation.Continuation, style: int, place: int) -> set[int]:
        return {int(fit.after_first[fit._choose(z, 1.0, rng, style, None, None, None, None, place)])
                for _ in range(200)}

    assert firsts(fitted, 0, 3) == firsts(fitted, 0, 7) == {63}
    assert firsts(fitted, 0, 1) == {61}
    assert firsts(fitted, 1, 3) == {60, 61, 62, 63}
    thin = placed_pairs(per_place=continuation.NEIGHBOURS // 2)
    assert firsts(thin, 0, 3) == {60, 61, 62, 63}


def test_sectioned_styles_are_those_whose_sections_end_on_the_tonic_more_often_than_their_other_phrases():
    """Style a's tunes end their 4th phrase on C and the others on E; style b's end every phrase on C half the
    time: a ends its sections differently, b does not. Off-grid phrases count for neither."""
    rows = []
    for piece in range(4):
        for k in range(8):
            rows.append(([Note(60 if k % 4 == 3 else 64, 0, 8)], 0, piece, 2 * k, 0))
            rows.append(([Note(60 if (k + piece) % 2 else 64, 0, 8)], 1, 4 + piece, 2 * k, 0))
        rows.append(([Note(60, 0, 8)], 0, piece, 1, 0))  # off the grid: a C that would count against a
    phrases = phrase_set(rows)
    found = continuation.sectioned_styles(phrases.tokens, phrases.style, phrases.bar, phrases.tonic, 2, VOCAB, 2)
    assert found.tolist() == [True, False]
    in_f = continuation.sectioned_styles(phrases.tokens, phrases.style, phrases.bar, np.full(len(rows), 5), 2, VOCAB, 2)
    assert in_f.tolist() == [False, False]  # read above F, neither ends on its tonic: no style ends sections apart


def test_cadence_weights_put_each_steps_ratio_on_every_token_by_its_kind_and_survive_saving(tmp_path):
    """A cadence whose last step favours the tonic 4 times and holds a half: every C's note-on gets 4 there (C4 and
    C5 alike), G the fifth's weight, D the others', the rest and the hold the no-note weight; earlier steps their
    own. No place, or no fit: none. Saved and loaded; a cadence of another shape is refused in one line."""
    fitted = placed_pairs()
    kinds = continuation.ENDING_KINDS
    cadence = np.ones((2, continuation.PLACE_CYCLE, continuation.CADENCE_STEPS, kinds), np.float32)
    cadence[0, 3, -1] = [4.0, 2.0, 0.25, 0.5]
    fitted.cadence = cadence
    weights = fitted.cadence_weights(0, 7, VOCAB)
    assert weights.shape == (continuation.CADENCE_STEPS, VOCAB.size)
    last = weights[-1]
    assert last[VOCAB.note_on(60)] == last[VOCAB.note_on(72)] == 4.0 and last[VOCAB.note_on(67)] == 2.0
    assert last[VOCAB.note_on(62)] == 0.25 and last[0] == last[1] == 0.5
    assert (weights[:-1] == 1.0).all() and (fitted.cadence_weights(0, 2, VOCAB) == 1.0).all()
    assert fitted.cadence_weights(0, None, VOCAB) is None
    assert continuation.Continuation(2).cadence_weights(0, 3, VOCAB) is None
    fitted.save(tmp_path)
    again = continuation.load(tmp_path, 2)
    assert np.array_equal(again.cadence, cadence) and np.array_equal(again.after_place, fitted.after_place)
    assert again.sectioned.tolist() == [True, False]
    for broken, message in ((cadence[:, :, :2], "cadence weights do not match"),
                            (np.zeros_like(cadence), "cadence weights do not match")):
        fitted.cadence = broken
        fitted.save(tmp_path)
        with pytest.raises(ValueError, match=message) as refused:
            continuation.load(tmp_path, 2)
        assert "\n" not in str(refused.value)


def test_the_ending_ratio_weighs_next_phrases_by_their_last_note_at_their_place_and_survives_saving(tmp_path):
    """Next phrases at every place end on C, G, D or no note alike; an ending ratio that favours the tonic 8 times
    at a section's last place: a sectioned style's line there goes on to phrases ending on C about 8 in 11 times,
    elsewhere, and a style whose lines know no places, about a quarter. Saved and loaded; a ratio of another shape,
    or not all positive, is refused in one line."""
    fitted = placed_pairs()
    fitted.after_last = np.tile(np.array([60, 67, 62, continuation.NO_NOTE]), len(fitted.after) // 4)
    ending = np.ones((2, continuation.PLACE_CYCLE, continuation.ENDING_KINDS), np.float32)
    ending[:, 3, 0] = 8.0
    fitted.ending = ending
    rng = np.random.default_rng(0)
    z = np.zeros(2, np.float32)

    def tonic_share(fit: continuation.Continuation, style: int, place: int) -> float:
        rows = [fit._choose(z, 1.0, rng, style, None, None, None, None, place) for _ in range(2000)]
        return float(np.mean(fit.after_last[rows] == 60))

    assert 0.66 < tonic_share(fitted, 0, 7) < 0.79
    assert 0.2 < tonic_share(fitted, 0, 1) < 0.3 and 0.2 < tonic_share(fitted, 1, 3) < 0.3
    assert continuation.last_kinds(np.array([48, 72, 55, 61, continuation.NO_NOTE])).tolist() == [0, 0, 1, 2, 3]
    assert continuation.last_kinds(np.array([62, 69]), tonic=2).tolist() == [0, 1]
    fitted.save(tmp_path)
    assert np.array_equal(continuation.load(tmp_path, 2).ending, ending)
    for broken in (ending[:, :2], -ending):
        fitted.ending = broken
        fitted.save(tmp_path)
        with pytest.raises(ValueError, match="ending weights do not match") as refused:
            continuation.load(tmp_path, 2)
        assert "\n" not in str(refused.value)


def test_the_ending_ratio_is_real_phrases_last_notes_over_the_played_ones_within_the_clip():
    """Real phrases end on the tonic 3 times in 4, played ones once in 4 and on other degrees the rest: the tonic
    weighs about 3 (shares with a hundredth added), other degrees about a third, a kind neither has 1 however many
    phrases each side has; a kind only real phrases have stays within the clip."""
    real = np.array([0] * 750 + [2] * 250)
    played = np.array([0] * 25 + [2] * 75)
    ratio = continuation.ending_ratio(real, played)
    assert ratio.shape == (continuation.ENDING_KINDS,)
    assert ratio[0] == pytest.approx(0.76 / 0.26) and ratio[2] == pytest.approx(0.26 / 0.76)
    assert ratio[1] == ratio[3] == 1
    lopsided = continuation.ending_ratio(np.zeros(10_000, np.int64), np.full(10_000, 2))
    assert lopsided[0] == continuation.BORDER_CLIP and lopsided[2] == 1 / continuation.BORDER_CLIP


def test_the_cadence_ratio_is_real_tunes_kinds_of_token_at_each_step_over_the_played_lines():
    """Real last half-bars end on a held C, played ones on a D at the last step: the ratio favours the C's note-on
    and holding at the steps where real tunes have them, the D's note-on least at the last, each within the clip."""
    steps = continuation.CADENCE_STEPS
    real = np.zeros((20, 32), np.int64)
    real[:, 32 - steps] = VOCAB.note_on(60)
    real[:, 32 - steps + 1:] = 1  # held
    played = np.ones((20, 32), np.int64)
    played[:, -1] = VOCAB.note_on(62)
    counted = continuation.ending_kinds(real, VOCAB)
    assert counted.shape == (steps, continuation.ENDING_KINDS)
    assert counted[0].tolist() == [20, 0, 0, 0] and counted[-1].tolist() == [0, 0, 0, 20]
    ratio = continuation.cadence_ratio(counted, continuation.ending_kinds(played, VOCAB))
    assert ratio[0, 0] == continuation.BORDER_CLIP  # 21/24 against 1/24 of the played ones' C: clipped at 8
    assert ratio[-1, 2] == 1 / continuation.BORDER_CLIP and ratio[-1, 3] == continuation.BORDER_CLIP
    assert ratio[1, 3] == 1.0  # both hold there
    assert continuation.ending_kinds(played, VOCAB, tonic=2)[-1].tolist() == [20, 0, 0, 0]  # D read above D


def test_balancing_evens_visits_among_the_next_phrases_of_each_place_not_across_places():
    """A sectioned style whose section's first place has half as many next phrases as the others: lines at that
    place visit each of them twice as often, which is no hub; the weights of each place are evened among
    themselves (their geometric mean 1), not pushed down against the others'."""
    fitted = placed_pairs(per_place=2 * continuation.NEIGHBOURS, sectioned=(True,))
    keep = (fitted.after_place != 0) | (np.arange(len(fitted.after)) % 2 == 0)
    thin = continuation.Continuation(2, fitted.before[keep], fitted.after[keep], fitted.pair_style[keep],
                                     fitted.after_first[keep], after_place=fitted.after_place[keep],
                                     sectioned=fitted.sectioned)
    weights = continuation.balance(thin, 1.0, rounds=3)
    for place in range(continuation.PLACE_CYCLE):
        assert abs(np.log(weights[thin.after_place == place]).mean()) < 0.05


def test_places_that_do_not_fit_this_version_are_refused_in_one_line(tmp_path):
    """Places beyond a section's, places without the sectioned styles (or these without those), and places not one
    per pair are refused, each in one line naming what does not match."""
    beyond = 4  # a place past a section's last, 3
    for change, message in (
            (lambda f: setattr(f, "after_place", np.where(f.after_place == 3, beyond, f.after_place)), "places or"),
            (lambda f: setattr(f, "sectioned", None), "places or sectioned"),
            (lambda f: setattr(f, "after_place", None), "places or sectioned"),
            (lambda f: setattr(f, "after_place", f.after_place[:-1]), "pairs do not match")):
        fitted = placed_pairs()
        change(fitted)
        fitted.save(tmp_path)
        with pytest.raises(ValueError, match=message) as refused:
            continuation.load(tmp_path, 2)
        assert "\n" not in str(refused.value)
    placed_pairs().save(tmp_path)
    assert continuation.load(tmp_path, 2).after_place is not None


def test_weights_balanced_before_places_are_as_now_only_for_latents_without_places():
    """Three settings recorded (before places): as now for latents whose lines know no places, not for latents with
    places (their weights were walked without them); the four of now: as now; another place cycle: not."""
    fitted = placed_pairs()
    now = continuation.walk_settings(continuation.VARIATION)
    fitted.balanced_under = now[:3]
    assert not fitted.balanced_as_now
    fitted.after_place = fitted.sectioned = None
    assert fitted.balanced_as_now
    fitted.balanced_under = now
    assert fitted.balanced_as_now
    fitted.balanced_under = now + np.array([0, 0, 0, 1.0])
    assert not fitted.balanced_as_now


def test_meter_families_tell_the_grids_bar_from_shorter_and_longer_ones():
    assert continuation.meter_families(np.array([4.0, 2.0, 8.0, 4.0, 16.0])).tolist() == [0, 1, 2, 0, 2]


def test_each_meter_familys_repeat_rates_are_its_own_tunes_drawn_toward_the_styles():
    """Style 0: at place 2, the 4/4 tunes' phrases all repeat the one two back, the 2/4 tunes' never; the style's
    rates there are halfway. Each family's rates are its own (a prior of 2 phrases draws 10 of them a sixth of the way
    to the style's), and a family the style has no tune of repeats as the style does."""
    rows = np.arange(20)
    repeats = (rows, np.full(20, 2), np.full(20, 2), np.where(rows < 10, 2, 0))
    style, meter = np.zeros(20, np.int64), np.where(rows < 10, 0, 1)
    rates = continuation.repeat_rates(None, style, None, None, 1, 2, VOCAB, prior=0.0, repeats=repeats)
    assert rates[0, 2, 1] == 0.5
    by_meter = continuation.meter_repeat_rates(rates, style, meter, repeats, 1, prior=2.0)
    assert by_meter.shape == (1, continuation.METER_FAMILIES, 8, 4)
    assert np.isclose(by_meter[0, 0, 2, 1], (10 + 2 * 0.5) / 12)
    assert np.isclose(by_meter[0, 1, 2, 1], (0 + 2 * 0.5) / 12)
    assert np.allclose(by_meter[0, 2], rates[0])


def test_a_line_repeats_with_the_rates_of_its_tunes_meter():
    """Pairs of two meter families, far apart in z_c: place 2 always repeats two back in 4/4 tunes, never in 2/4
    ones. A line that began on a 4/4 tune's phrase brings its first phrase back at its third; one on a 2/4 tune's does
    not; without meters (older latents) the style's own rates hold, whatever the phrase's tune."""
    fitted = pairs_around([0.0, 50.0])
    fitted.pair_meter = np.repeat([0, 1], 40)
    fitted.repeat = np.full((1, 8, 4), 0.0, np.float32)
    fitted.repeat[0, 2, 1] = 0.5
    fitted.repeat_meter = np.zeros((1, continuation.METER_FAMILIES, 8, 4), np.float32)
    fitted.repeat_meter[0, 0, 2, 1] = 1.0

    def third_repeats_first(line: Line) -> bool:
        line.begin_phrase(replay=False)
        for position in (1, 2):
            line.advance(fitted, 1.0, 0, position=position)
            line.begin_phrase(replay=False)
        return line.repeating is not None and line.repeating[0] is line.history[0][0]

    found = {0: [], 1: []}
    for seed in range(40):
        line = Line.create(fitted, 0, seed)
        found[line.meter].append(third_repeats_first(line))
    assert found[0] and found[1] and all(found[0]) and not any(found[1])
    fitted.pair_meter = fitted.repeat_meter = None
    older = [third_repeats_first(Line.create(fitted, 0, seed)) for seed in range(60)]
    assert 0.3 < np.mean(older) < 0.7


def test_meter_families_survive_saving_and_mismatched_ones_are_refused_in_one_line(tmp_path):
    fitted = pairs_around([0.0, 50.0])
    fitted.repeat = np.full((1, 8, 4), 0.1, np.float32)
    fitted.pair_meter = np.repeat([0, 1], 40)
    fitted.repeat_meter = np.full((1, continuation.METER_FAMILIES, 8, 4), 0.2, np.float32)
    fitted.save(tmp_path)
    loaded = continuation.load(tmp_path, 2)
    assert np.array_equal(loaded.pair_meter, fitted.pair_meter) and np.array_equal(loaded.repeat_meter,
                                                                                     fitted.repeat_meter)
    assert loaded.meter_of(45) == 1 and continuation.Continuation(2).meter_of(0) is None
    for name, broken in (("pair_meter", np.full(80, continuation.METER_FAMILIES)),
                         ("repeat_meter", np.full((1, 2, 8, 4), 0.2, np.float32))):
        setattr(loaded, name, broken)
        loaded.save(tmp_path)
        with pytest.raises(ValueError, match="meter families do not match") as refused:
            continuation.load(tmp_path, 2)
        assert "\n" not in str(refused.value)
        setattr(loaded, name, getattr(fitted, name))


def test_a_line_that_goes_by_place_goes_on_among_the_tunes_of_its_meter_while_they_are_enough():
    """Pairs near 0 from 4/4 tunes and near 50 from 2/4 ones, of a style whose lines go by place: a line at 0 of the
    2/4 family goes on to a 2/4 tune's next phrase (about 150), though the 4/4 tunes' lie nearer, and says so; a line
    of no known family goes on to the nearest (about 100), as does any line of a style whose lines do not go by
    place. A family with fewer than NEIGHBOURS pairs is no pool of its own: its line goes on among all."""
    fitted = pairs_around([0.0, 50.0])
    fitted.pair_meter, fitted.sectioned = np.repeat([0, 1], 40), np.array([True])
    rng = np.random.default_rng(0)
    for _ in range(20):
        z, meter = fitted.next_phrase(np.float32([0.0, 0.0]), 1.0, rng, 0, meter=1)
        assert 145 < z[0] < 155 and meter == 1
        z, meter = fitted.next_phrase(np.float32([0.0, 0.0]), 1.0, rng, 0)
        assert 95 < z[0] < 105 and meter == 0
    unplaced = pairs_around([0.0, 50.0])
    unplaced.pair_meter, unplaced.sectioned = np.repeat([0, 1], 40), np.array([False])
    assert all(unplaced.next_phrase(np.float32([0.0, 0.0]), 1.0, rng, 0, meter=1)[1] == 0 for _ in range(20))
    thin = pairs_around([0.0, 50.0])
    thin.pair_meter, thin.sectioned = np.where(np.arange(80) < continuation.NEIGHBOURS - 1, 2, 0), np.array([True])
    assert all(thin.next_phrase(np.float32([50.0, 0.0]), 1.0, rng, 0, meter=2)[1] == 0 for _ in range(20))


def test_the_balancing_walks_lines_of_each_meter_family_where_lines_keep_to_one(monkeypatch):
    """Style 0 goes by place, its pairs half from 4/4 tunes and half from 2/4 ones: its lines are walked within
    each family, among that family's pairs only; style 1 does not go by place, and its lines, which draw among all
    its tunes, are walked once over all its pairs; a family too thin to keep a line (under NEIGHBOURS pairs) is no
    walk of its own."""
    fitted = placed_pairs(per_place=2 * continuation.NEIGHBOURS)
    per_style = continuation.PLACE_CYCLE * 2 * continuation.NEIGHBOURS
    fitted.pair_meter = np.arange(len(fitted.after)) % 2
    fitted.pair_meter[per_style + 1:per_style + 11] = 2  # a thin family in style 1 (not by place: no pool anyway)
    walked = []
    real_walk = continuation._walk

    def walk(fitted, style, mode, meter, rows, variation, rng):
        walked.append((style, meter, set(fitted.pair_meter[rows].tolist())))
        return real_walk(fitted, style, mode, meter, rows, variation, rng)

    monkeypatch.setattr(continuation, "_walk", walk)
    continuation.balance(fitted, 1.0, rounds=1)
    assert sorted(walked, key=lambda w: (w[0], str(w[1]))) == [(0, 0, {0}), (0, 1, {1}), (1, None, {0, 1, 2})]
    fitted.pair_meter[:10] = 2  # too few pairs of style 0's third family: its lines go on among all, unwalked
    walked.clear()
    fitted._by_style.clear()
    continuation.balance(fitted, 1.0, rounds=1)
    assert [(style, meter) for style, meter, _ in walked] == [(0, 0), (0, 1), (1, None)]


def test_repeat_rates_after_a_return_are_counted_from_the_phrase_before():
    """One 4/4 tune of eight phrases whose lags (how far back each repeats; 0: not) run 0 0 0 0 4 4 4 0: a section
    comes back for three phrases. Each phrase's rates are counted given the lag of the one before it (known by its
    bar), per place, and drawn toward the family's rates at that place by the prior."""
    bar = np.arange(0, 16, 2)
    repeats = (np.arange(1, 8), bar[1:] // 2, np.minimum(np.arange(1, 8), 4), np.array([0, 0, 0, 4, 4, 4, 0]))
    previous = continuation.previous_lags(repeats, np.zeros(8, np.int64), bar, 2)
    assert previous.tolist() == [0, 0, 0, 0, 4, 4, 4]  # the tune's first phrase is none of the rows: 0
    style = meter = np.zeros(8, np.int64)
    with np.errstate(invalid="ignore"):  # no prior: places and cases never seen are 0 / 0
        rates = continuation.repeat_rates(None, style, None, None, 1, 2, VOCAB, prior=0.0, repeats=repeats)
        by_meter = continuation.meter_repeat_rates(rates, style, meter, repeats, 1, prior=0.0)
        after = continuation.after_repeat_rates(by_meter, style, meter, repeats, previous, 1, prior=0.0)
    assert after.shape == (1, continuation.METER_FAMILIES, 8, continuation.REPEAT_LAGS + 1, continuation.REPEAT_LAGS)
    assert after[0, 0, 4, 0, 3] == 1.0  # place 4: after a new phrase, it came back
    assert after[0, 0, 5, 4, 3] == after[0, 0, 6, 4, 3] == 1.0  # places 5 and 6: after a return, they came back
    assert after[0, 0, 7, 4, 3] == 0.0 and by_meter[0, 0, 5, 3] == 1.0  # place 7: after one, it did not
    drawn = continuation.after_repeat_rates(by_meter, style, meter, repeats, previous, 1, prior=1.0)
    assert np.isclose(drawn[0, 0, 7, 4, 3], (0 + 1.0 * by_meter[0, 0, 7, 3]) / 2)
    assert np.array_equal(drawn[0, 0, 5, 0], by_meter[0, 0, 5])  # a case never seen: the family's rates


def test_a_line_that_has_returned_goes_on_returning_as_a_strain_comes_back():
    """Rates that bring a phrase back four back only after a phrase that did so, and at place 4 after none: a line's
    fifth to eighth phrases bring back its first to fourth, all four, where rates without the phrase before (the
    family's) would bring back any one of them with the same chance alone."""
    fitted = pairs_around([0.0, 50.0])
    fitted.pair_meter = np.zeros(80, np.int64)
    fitted.repeat = np.zeros((1, 8, 4), np.float32)
    fitted.repeat_meter = np.zeros((1, continuation.METER_FAMILIES, 8, 4), np.float32)
    fitted.repeat_meter[0, 0, 4:, 3] = 0.5
    fitted.repeat_after = np.zeros((1, continuation.METER_FAMILIES, 8, 5, 4), np.float32)
    fitted.repeat_after[0, 0, 4, 0, 3] = 0.5
    fitted.repeat_after[0, 0, 5:, 4, 3] = 1.0

    def returns(line: Line) -> list[bool]:
        line.begin_phrase(replay=False)
        found = []
        for position in range(1, 8):
            line.advance(fitted, 1.0, 0, position=position)
            line.begin_phrase(replay=False)
            found.append(line.lag == 4)
        return found

    runs = [returns(Line.create(fitted, 0, seed))[3:] for seed in range(40)]
    assert {tuple(r) for r in runs} == {(True,) * 4, (False,) * 4}
    fitted.repeat_after = None
    alone = [returns(Line.create(fitted, 0, seed))[3:] for seed in range(40)]
    assert len({tuple(r) for r in alone}) > 4


def test_repeat_rates_after_a_return_survive_saving_and_mismatched_ones_are_refused_in_one_line(tmp_path):
    fitted = pairs_around([0.0, 50.0])
    fitted.repeat = np.full((1, 8, 4), 0.1, np.float32)
    fitted.pair_meter = np.repeat([0, 1], 40)
    fitted.repeat_meter = np.full((1, continuation.METER_FAMILIES, 8, 4), 0.2, np.float32)
    fitted.repeat_after = np.full((1, continuation.METER_FAMILIES, 8, 5, 4), 0.05, np.float32)
    fitted.save(tmp_path)
    assert np.array_equal(continuation.load(tmp_path, 2).repeat_after, fitted.repeat_after)
    fitted.repeat_after = fitted.repeat_after[:, :, :, :4]
    fitted.save(tmp_path)
    with pytest.raises(ValueError, match="repeat rates after a return do not match") as refused:
        continuation.load(tmp_path, 2)
    assert "\n" not in str(refused.value)


def test_the_repeat_rates_read_real_16_bar_spans_and_a_style_without_any_keeps_all_its_phrases():
    """Style 0 has a complete 16-bar span (rows 0–7) and a tune that stops short of one (rows 8–13); style 1 has
    only short tunes (rows 14–17). The repeat rows kept are style 0's in the span, with the lag before each as it
    was, and all of style 1's."""
    style = np.array([0] * 14 + [1] * 4)
    rows = np.array([1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 15, 16, 17])
    repeats = (rows, rows % 8, np.minimum(rows % 8, 4), np.where(rows % 8 >= 4, 4, 0))
    previous = np.arange(len(rows))
    spans = np.arange(8)[None, :]
    kept, before = continuation.in_spans(repeats, previous, spans, style, 2)
    assert kept[0].tolist() == [1, 2, 3, 4, 5, 6, 7, 15, 16, 17]
    assert kept[3].tolist() == [0, 0, 0, 4, 4, 4, 4, 4, 0, 0] and kept[1].tolist() == [1, 2, 3, 4, 5, 6, 7, 7, 0, 1]
    assert before.tolist() == [0, 1, 2, 3, 4, 5, 6, 12, 13, 14]


def test_meter_shares_count_each_styles_real_16_bar_spans_by_their_tunes_meter():
    style = np.array([0] * 8 + [0] * 8 + [0] * 8 + [1] * 8)
    meter = np.array([0] * 8 + [0] * 8 + [1] * 8 + [1] * 8)
    spans = np.arange(24).reshape(3, 8)  # style 1's phrases lie in no span
    shares = continuation.meter_shares(spans, style, meter, 3)
    assert np.allclose(shares, [[2 / 3, 1 / 3, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])


def test_a_lines_first_phrase_and_meter_are_drawn_by_its_styles_real_excerpts_not_by_its_pairs():
    """Pairs half from 4/4 tunes and half from 2/4 ones, where 9 in 10 of the style's real excerpts are in 4/4:
    lines that go by place begin on a 4/4 tune's phrase about 9 times in 10 (the pairs alone: 1 in 2), with that
    phrase's z_c. Shares of a family the pairs lack, all zero shares, latents fitted before the shares, and a style
    whose lines do not go by place (nor keep a meter): the pairs as they come."""
    fitted = pairs_around([0.0, 50.0])
    fitted.pair_meter, fitted.sectioned = np.repeat([0, 1], 40), np.array([True])

    def four_four(shares: list[float] | None) -> float:
        fitted.first_meter = None if shares is None else np.array([shares], np.float32)
        rng, found = np.random.default_rng(0), []
        for _ in range(600):
            z, meter = fitted.first_phrase(0, rng)
            assert (meter == 0) == (z[0] < 125)  # the z_c of a phrase of that family's tune (4/4: about 100)
            found.append(meter == 0)
        return float(np.mean(found))

    assert 0.86 < four_four([0.9, 0.1, 0.0]) < 0.94
    for shares in ([0.0, 0.0, 1.0], [0.0, 0.0, 0.0], None):
        assert 0.44 < four_four(shares) < 0.56
    fitted.sectioned = np.array([False])
    assert 0.44 < four_four([0.9, 0.1, 0.0]) < 0.56


def test_first_meter_shares_survive_saving_and_mismatched_ones_are_refused_in_one_line(tmp_path):
    fitted = pairs_around([0.0, 50.0])
    fitted.repeat = np.full((1, 8, 4), 0.1, np.float32)
    fitted.pair_meter = np.repeat([0, 1], 40)
    fitted.repeat_meter = np.full((1, continuation.METER_FAMILIES, 8, 4), 0.2, np.float32)
    fitted.first_meter = np.array([[0.75, 0.25, 0.0]], np.float32)
    fitted.save(tmp_path)
    assert np.array_equal(continuation.load(tmp_path, 2).first_meter, fitted.first_meter)
    for broken in (np.array([[0.5, 0.5]], np.float32), np.array([[np.nan, 0.5, 0.5]], np.float32),
                   np.array([[-0.5, 1.0, 0.5]], np.float32)):
        fitted.first_meter = broken
        fitted.save(tmp_path)
        with pytest.raises(ValueError, match="first phrases' meter shares do not match") as refused:
            continuation.load(tmp_path, 2)
        assert "\n" not in str(refused.value)
