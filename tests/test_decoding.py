"""The one decoding path: the sampling rule, the batch, keys and the lock — on the shipped checkpoint where a
trained model matters."""

from dataclasses import replace

import numpy as np
import pytest
import torch
from numba import types

from stylevae.model.data.keys import MODES, SCALES, make_key
from stylevae.model.data.tokens import FIRST_PITCH_TOKEN, HOLD, REST, Vocabulary
from stylevae.model.decoding import playing
from stylevae.model.decoding.continuation import AGAIN, BORDER_SPAN, CADENCE_STEPS
from stylevae.model.decoding.decoder import (
    LEAD_STEPS,
    Decoder,
    Lead,
    Rules,
    compiled_on_disk,
    draw,
    key_plan,
    leading,
    opening,
    rule_biases,
    rule_probabilities,
    sample_rows,
    stream,
)
from stylevae.model.decoding.playing import NEIGHBOURS
from stylevae.model.network import checkpoint
from stylevae.model.network.stepper import network_step


@pytest.fixture(scope="module")
def shipped():
    return checkpoint.load(checkpoint.DEFAULT_CHECKPOINT)


def after_rules(probabilities: np.ndarray, top_p=None, border=None, pending=None, close=None,
                closing=None) -> np.ndarray:
    """``rule_probabilities`` on logits that give ``probabilities``, with no density, lock or temperature."""
    rows, size = probabilities.shape
    zeros = np.zeros((rows, size), dtype=np.float32)
    with np.errstate(divide="ignore"):
        logits = np.log(probabilities).astype(np.float32)
    return rule_probabilities(logits, zeros, np.ones((rows, 1), dtype=np.float32), zeros,
                              np.ones((0, 0)) if border is None else border,
                              np.zeros(rows, dtype=bool) if pending is None else pending,
                              np.ones((0, 0)) if close is None else close,
                              np.zeros(rows, dtype=bool) if closing is None else closing,
                              np.ones(rows) if top_p is None else top_p)


def test_sample_rows_inverts_each_rows_cdf():
    probabilities = np.array([[0.5, 0.5, 0.0], [1.0, 3.0, 0.0]])  # row 2 unnormalised
    draws = {u: sample_rows(probabilities, np.array([u, u])).tolist() for u in (0.0, 0.49, 0.51, 0.999)}
    assert draws == {0.0: [0, 0], 0.49: [0, 1], 0.51: [1, 1], 0.999: [1, 1]}  # never the zero-probability token


def test_sample_rows_draws_in_proportion():
    rng = np.random.default_rng(7)
    probabilities = np.tile(np.array([[0.1, 0.2, 0.7]]), (20000, 1))
    tokens = sample_rows(probabilities, rng.random(20000))
    assert np.allclose(np.bincount(tokens, minlength=3) / 20000, [0.1, 0.2, 0.7], atol=0.015)


def test_nucleus_keeps_the_smallest_set_holding_p():
    probabilities = np.array([[0.5, 0.3, 0.15, 0.05], [0.25, 0.25, 0.25, 0.25]])
    cut = after_rules(probabilities, top_p=np.array([0.7, 0.5]))
    assert (cut[0] > 0).tolist() == [True, True, False, False]  # 0.5 < 0.7, 0.5 + 0.3 covers it
    assert (cut[1] > 0).sum() == 2
    assert np.allclose(after_rules(probabilities, top_p=np.array([1.0, 1.0])), probabilities)


def test_rule_biases_lock_and_density():
    vocab = Vocabulary(60, 71)  # one octave, C to B
    before, after = rule_biases(Rules(density=1.0, lock=0.5, scale=SCALES["major"], tonic=2), vocab)
    assert before[REST] < 0 and before[HOLD] == 0 and (before[FIRST_PITCH_TOKEN:] > 0).all()
    in_d_major = {2, 4, 6, 7, 9, 11, 1}
    expected = [0.0 if p % 12 in in_d_major else np.log(0.5) for p in range(60, 72)]
    assert np.allclose(after[FIRST_PITCH_TOKEN:], expected) and after[REST] == after[HOLD] == 0
    _, locked = rule_biases(Rules(lock=1.0, scale=SCALES["major"]), vocab)
    assert np.isneginf(locked[FIRST_PITCH_TOKEN + 1])  # C#: masked
    assert np.isfinite(locked[:FIRST_PITCH_TOKEN]).all()  # rest and hold stay possible


@pytest.mark.parametrize("bad", [dict(temperature=0), dict(lock=1.5), dict(density=-2), dict(top_p=0)])
def test_rules_refuse_values_out_of_range(bad):
    with pytest.raises(ValueError, match="out of range"):
        Rules(**bad)


def test_lock_one_plays_no_note_outside_the_scale_in_any_scale_and_root(shipped):
    """Every scale the daemon knows, on every root, two chained phrases each, at a high temperature."""
    keys = [make_key(root, scale) for scale in SCALES for root in range(12)]
    weights = np.eye(len(shipped.styles), dtype=np.float32)[np.arange(len(keys)) % len(shipped.styles)]
    rules = [Rules(temperature=1.5, lock=1.0)] * len(keys)
    tokens = stream(shipped.model, shipped.vocab, shipped.continuation, weights, keys, 2, shipped.steps, rules,
                    playing.VARIATION, list(range(len(keys))))
    played = 0
    for row, key in zip(tokens, keys):
        shift = key_plan(shipped.model, key).shift
        pitches = [shipped.vocab.pitch(int(t)) + shift for t in row if t >= FIRST_PITCH_TOKEN]
        played += len(pitches)
        outside = [p for p in pitches if p % 12 not in key.pitch_classes()]
        assert not outside, f"{key.describe()}: {outside}"
    assert played > 2 * len(keys)  # the lock did not just silence the model


def test_a_rows_tokens_do_not_depend_on_its_batch_mates(shipped):
    decoder = Decoder(shipped.model, shipped.vocab)
    z = torch.zeros(2, shipped.model.config.z_size)
    z[1, -1] = 3.0
    rules = Rules(temperature=1.0)
    first = shipped.model.start_token
    decoder.start_batch(["a", "b"], z, [first, first], [rules, rules])
    rng = np.random.default_rng(5)
    draws = rng.random((32, 2))
    together = np.stack([decoder.step(["a", "b"], draws[t]) for t in range(32)])
    alone = Decoder(shipped.model, shipped.vocab)
    alone.start("a", z[:1], first, rules)
    single = np.stack([alone.step(["a"], draws[t, :1]) for t in range(32)])
    assert (together[:, 0] == single[:, 0]).all()


def test_a_row_cut_to_its_top_token_ignores_its_draws_until_its_top_p_opens(shipped):
    """top_p near 0 leaves one token per row, so the draws cannot matter; a batch mate at top_p 1 still samples,
    and opening the row's top_p mid-phrase makes its draws matter again."""
    z = torch.zeros(2, shipped.model.config.z_size)
    z[1, -1] = 3.0
    first = shipped.model.start_token

    def play(seed: int) -> np.ndarray:
        decoder = Decoder(shipped.model, shipped.vocab)
        decoder.start_batch(["a", "b"], z, [first, first], [Rules(top_p=1e-6), Rules()])
        draws = np.random.default_rng(seed).random((64, 2))
        tokens = [decoder.step(["a", "b"], draws[t]) for t in range(32)]
        decoder.change("a", rules=Rules())
        return np.stack(tokens + [decoder.step(["a", "b"], draws[t]) for t in range(32, 64)])

    one, other = play(1), play(2)
    assert (one[:32, 0] == other[:32, 0]).all()
    assert (one[:32, 1] != other[:32, 1]).any() and (one[32:, 0] != other[32:, 0]).any()


def test_a_row_resumed_inside_its_phrase_decodes_from_there_what_it_decoded_before(shipped):
    """Two rows decode a phrase; the second is put back to step 0, 5 or 12 of it: the tokens before are the ones it
    drew, and with the same draws it decodes the rest as before, border weights included (they hold until the
    first note-on); its batch mate is not disturbed."""
    z = torch.zeros(2, shipped.model.config.z_size)
    z[1, -1] = 3.0
    first, rules = shipped.vocab.note_on(60), Rules(temperature=1.5, density=-1.0)  # rests first
    border = np.ones(shipped.vocab.size)
    border[FIRST_PITCH_TOKEN:] = 0.0
    border[shipped.vocab.note_on(71)] = 1.0  # its first note-on is B4
    draws = np.random.default_rng(3).random((32, 2))
    for at in (0, 5, 12):
        decoder = Decoder(shipped.model, shipped.vocab, trails=True)
        decoder.start_batch(["a", "b"], z, [first, first], [rules, rules], [None, border], ["za", "zb"])
        before = np.stack([decoder.step(["a", "b"], draws[t]) for t in range(24)])
        assert decoder.resumable("b", "zb") == 24
        assert decoder.resume("b", "zb", at) == before[:at, 1].tolist()
        again = [int(decoder.step(["b"], draws[t, 1:])[0]) for t in range(at, 32)]
        assert again[: 24 - at] == before[at:, 1].tolist()
        assert decoder.resumable("b", "zb") == 32
        alone = Decoder(shipped.model, shipped.vocab)
        alone.start("a", z[:1], first, rules)
        a = [int(alone.step(["a"], draws[t, :1])[0]) for t in range(25)]
        assert a[:24] == before[:, 0].tolist() and int(decoder.step(["a"], draws[24, :1])[0]) == a[24]
    assert before[:5, 1].max() < FIRST_PITCH_TOKEN <= before[5:12, 1].max()  # a resume at 5 still owes the border
    assert shipped.vocab.note_on(71) == next(t for t in before[:, 1] if t >= FIRST_PITCH_TOKEN)


def test_a_row_is_resumable_only_for_the_phrase_it_began_and_keeps_what_a_change_did(shipped):
    """A change mid-phrase (new rules at step 8) is part of what the row played: resumed after it, the row decodes
    what it decoded then, the change included."""
    z = torch.zeros(1, shipped.model.config.z_size)
    first = shipped.model.start_token
    plain = Decoder(shipped.model, shipped.vocab)
    plain.start("a", z, first, Rules(), None, "z")
    assert plain.resumable("a", "z") is None  # without trails nothing is kept
    decoder = Decoder(shipped.model, shipped.vocab, trails=True)
    decoder.start("a", z, first, Rules(temperature=1.5), None, "z")
    assert decoder.resumable("a", "another phrase") is None and decoder.resumable("b", "z") is None
    draws = np.random.default_rng(4).random((24, 1))
    before = [int(decoder.step(["a"], draws[t])[0]) for t in range(8)]
    decoder.change("a", rules=Rules(temperature=0.5))
    before += [int(decoder.step(["a"], draws[t])[0]) for t in range(8, 24)]
    assert decoder.resumable("a", "z") == 24
    assert decoder.resume("a", "z", 12) == before[:12]
    assert [int(decoder.step(["a"], draws[t])[0]) for t in range(12, 24)] == before[12:]
    with pytest.raises(ValueError, match="cannot resume"):
        decoder.resume("a", "z", 25)


def test_a_row_keeps_as_many_earlier_phrases_as_asked_and_takes_one_up_again(shipped):
    """Phrases "p0".."p3" begun one after another on a row that keeps two: the last two before the current one are
    held, trails and all; resumed in one of them, the row decodes what it decoded there, and the phrase it left is
    kept in turn."""
    z = torch.zeros(1, shipped.model.config.z_size)
    first, rules = shipped.model.start_token, Rules(temperature=1.5)
    draws = np.random.default_rng(5).random((32, 1))
    decoder = Decoder(shipped.model, shipped.vocab, trails=True)
    decoder.kept = 2
    played = {}
    for phrase in ("p0", "p1", "p2", "p3"):
        decoder.start("a", z, first, rules, None, phrase)
        played[phrase] = [int(decoder.step(["a"], draws[t])[0]) for t in range(32 if phrase != "p3" else 10)]
    assert [decoder.resumable("a", p) for p in ("p0", "p1", "p2", "p3")] == [None, 32, 32, 10]
    assert decoder.resume("a", "p1", 20) == played["p1"][:20]
    assert [int(decoder.step(["a"], draws[t])[0]) for t in range(20, 32)] == played["p1"][20:]
    assert [decoder.resumable("a", p) for p in ("p1", "p2", "p3")] == [32, 32, 10]  # p3 kept, p2 still
    decoder.kept = 0
    decoder.start("a", z, first, rules, None, "p4")
    assert [decoder.resumable("a", p) for p in ("p1", "p2", "p3", "p4")] == [None, None, None, 0]
    decoder.forget("a")
    assert decoder.resumable("a", "p4") is None


def test_a_row_taken_back_to_its_phrases_start_can_go_back_to_where_it_was(shipped):
    """Live's loop wraps a voice back to the start of its phrase, which it decodes again (differently: its rules
    changed), and a change of the loop takes it back past the wrap: the row resumes where the phrase was before the
    wrap, all its steps held, and goes on as it would have; the phrase as it was is forgotten once another begins."""
    z = torch.zeros(1, shipped.model.config.z_size)
    first = shipped.model.start_token
    draws = np.random.default_rng(6).random((32, 1))
    decoder = Decoder(shipped.model, shipped.vocab, trails=True)
    decoder.kept = 1
    decoder.start("a", z, first, Rules(temperature=1.5), None, "p")
    played = [int(decoder.step(["a"], draws[t])[0]) for t in range(32)]
    for steps in (16, 32):
        assert decoder.resume("a", "p", 0) == []  # the wrap
        decoder.change("a", rules=Rules(temperature=0.5))
        again = [int(decoder.step(["a"], draws[t])[0]) for t in range(8)]
        assert decoder.resumable("a", "p") == 32
        assert decoder.resume("a", "p", steps) == played[:steps]  # the change of the loop
        decoder.change("a", rules=Rules(temperature=1.5))
        assert [int(decoder.step(["a"], draws[t])[0]) for t in range(steps, 32)] == played[steps:]
    assert again != played[:8]
    assert decoder.resume("a", "p", 0) == []  # the wrap again, its first eight steps decoded with other rules
    decoder.change("a", rules=Rules(temperature=0.5))
    assert [int(decoder.step(["a"], draws[t])[0]) for t in range(8)] == again
    assert decoder.resume("a", "p", 8) == again  # taken up: the steps decoded since
    assert decoder.resume("a", "p", 8, as_it_was=True) == played[:8]  # taken back past the wrap: as it was
    decoder.change("a", rules=Rules(temperature=1.5))
    assert [int(decoder.step(["a"], draws[t])[0]) for t in range(8, 32)] == played[8:]
    decoder.start("a", z, first, Rules(), None, "q")
    assert decoder.resumable("a", "p") == 32
    decoder.start("a", z, first, Rules(), None, "r")
    assert decoder.resumable("a", "p") is None  # one phrase kept: "q"


def test_turning_a_dial_for_hours_does_not_grow_the_decoder(shipped):
    """Every new temperature is a new rule set: the decoder keeps only the last few rule sets' biases."""
    from stylevae.model.decoding.decoder import BIAS_CACHE

    decoder = Decoder(shipped.model, shipped.vocab)
    decoder.start(1, torch.zeros(1, shipped.model.config.z_size), shipped.model.start_token, Rules())
    for k in range(1000):
        decoder.change(1, rules=Rules(temperature=0.5 + k / 1000))
        decoder.step([1], [0.5])
    assert len(decoder._biases) <= BIAS_CACHE


def test_cross_border_moves_only_pending_rows_note_ons_and_keeps_their_mass():
    probabilities = np.array([[0.2, 0.2, 0.3, 0.3], [0.2, 0.2, 0.3, 0.3]])
    weights = np.array([[1.0, 1.0, 3.0, 1.0], [1.0, 1.0, 3.0, 1.0]])
    out = after_rules(probabilities, border=weights, pending=np.array([True, False]))
    assert np.allclose(out[0, :FIRST_PITCH_TOKEN], 0.2) and np.isclose(out[0, FIRST_PITCH_TOKEN:].sum(), 0.6)
    assert np.isclose(out[0, 2] / out[0, 3], 3.0)
    assert np.allclose(out[1], probabilities[1])


def test_a_cadence_reweighs_every_token_of_its_rows_the_rest_and_the_hold_too():
    """A closing row's tokens are each times their weight, the rhythm's too (its total no longer 1: the draw reads
    it as it is); a border's weights on the same row keep their note-ons' mass first; other rows are untouched."""
    probabilities = np.array([[0.2, 0.2, 0.3, 0.3], [0.2, 0.2, 0.3, 0.3]])
    close = np.array([[0.5, 2.0, 1.0, 0.0], [0.5, 2.0, 1.0, 0.0]])
    out = after_rules(probabilities, close=close, closing=np.array([True, False]))
    assert np.allclose(out[0], [0.1, 0.4, 0.3, 0.0]) and np.allclose(out[1], probabilities[1])
    border = np.array([[1.0, 1.0, 3.0, 1.0], [1.0, 1.0, 1.0, 1.0]])
    both = after_rules(probabilities, border=border, pending=np.array([True, False]), close=close,
                       closing=np.array([True, False]))
    assert np.allclose(both[0], [0.1, 0.4, 0.45, 0.0])
    heavier = after_rules(probabilities[:1], top_p=np.array([0.8]), close=np.array([[2.0, 2.0, 1.0, 1.0]]),
                          closing=np.array([True]))
    assert np.allclose(heavier[0], [0.4, 0.4, 0.3, 0.3])  # top-p reads its share of the row's total, 1.4 here


def test_border_weights_hold_until_the_phrases_first_note_on(shipped):
    """Weights that allow only one pitch: the first note-on of the phrase is that pitch, later ones are free."""
    only = np.zeros(shipped.vocab.size)
    only[:FIRST_PITCH_TOKEN] = 1.0
    target = shipped.vocab.note_on(67)
    only[target] = 1.0
    z = torch.zeros(1, shipped.model.config.z_size)
    firsts, laters = [], set()
    for seed in range(12):
        decoder = Decoder(shipped.model, shipped.vocab)
        decoder.start("a", z, shipped.vocab.note_on(60), Rules(temperature=1.5), only)
        rng = np.random.default_rng(seed)
        onsets = [t for t in (int(decoder.step(["a"], rng.random(1))[0]) for _ in range(32)) if t >= FIRST_PITCH_TOKEN]
        firsts.append(onsets[0])
        laters.update(onsets[1:])
    assert set(firsts) == {target}
    assert laters - {target}  # once the first note-on is drawn, the weights are gone


def test_the_compiled_kernels_only_ever_see_contiguous_arrays(shipped):
    """Each new layout or dtype of an argument is a new compilation of a kernel (about 15 s, in the engine's thread,
    mid-performance): every way the decoder stacks, splits and changes its batch must hand the kernels C-contiguous
    arrays of fixed dtypes."""
    decoder = Decoder(shipped.model, shipped.vocab)
    border = np.ones(shipped.vocab.size)
    z = decoder.z(np.eye(len(shipped.styles))[:3], [0, 1, 0], np.zeros((3, shipped.model.config.z_content)))
    decoder.start_batch([1, 2, 3], z, [shipped.model.start_token] * 3, [Rules()] * 3, [None, border, None])
    decoder.step([1, 2, 3], [0.1, 0.2, 0.3])
    decoder.step([3, 1], [0.4, 0.5])  # a subset, in another order
    decoder.change(2, z[:1], Rules(temperature=0.5, top_p=0.9))
    decoder.start(4, z[2:], shipped.vocab.note_on(60), Rules(lock=1.0, scale=SCALES["major"]), border)
    decoder.step([2, 4], [0.6, 0.7])
    decoder.forget(2)
    decoder.step([1, 3, 4], [0.8, 0.9, 0.1])
    decoder.step([4], [0.2])
    for kernel in (network_step, draw):
        layouts = {t.layout for signature in kernel.signatures for t in signature if isinstance(t, types.Array)}
        assert layouts == {"C"}, kernel


def test_the_decoders_kernels_are_found_on_disk_once_they_ran(shipped):
    """The daemon says it is compiling when this is false: numba's cache must be where it is looked for."""
    decoder = Decoder(shipped.model, shipped.vocab)
    decoder.start(1, torch.zeros(1, shipped.model.config.z_size), shipped.model.start_token, Rules())
    decoder.step([1], [0.5])
    assert compiled_on_disk()


def test_a_next_phrase_that_begins_where_the_line_ended_keeps_borders_as_real_tunes_leap(shipped, monkeypatch):
    """The shipped line, same seeds, choosing its next phrases by how they begin after its last note, and not: the
    choice brings Irish dance's border leaps to those of real tunes (3.09 semitones in the committed report's
    test excerpts; 1.2 × that is the report's check) from well above, and the notes inside phrases are not what
    changed."""
    from stylevae.model.decoding.continuation import Continuation
    from stylevae.model.evaluation import musicality

    style = shipped.styles.index("irish_dance")
    lines = 128  # about 900 borders: the effect (over a semitone) is far above the noise
    weights = np.eye(len(shipped.styles), dtype=np.float32)[np.full(lines, style)]
    keys = [shipped.style_key(style)] * lines
    rules = [Rules(playing.TEMPERATURE, playing.DENSITY, playing.LOCK)] * lines

    def played():
        tokens = stream(shipped.model, shipped.vocab, shipped.continuation, weights, keys, 8, shipped.steps, rules,
                        playing.VARIATION, list(range(lines)))
        return musicality.summarise(tokens, shipped.vocab, shipped.steps)

    joined = played()
    monkeypatch.setattr(Continuation, "_joins", lambda self, style, rows, last_pitch: np.ones(len(rows)))
    blind = played()
    assert joined["border_leap"] < 1.2 * 3.093 < blind["border_leap"]
    assert abs(joined["notes_per_bar"] - blind["notes_per_bar"]) < 0.2  # rhythm untouched


@pytest.mark.parametrize("mode", range(len(MODES)))
def test_every_phrase_of_a_shipped_line_has_a_real_phrases_content(shipped, mode):
    """Sixteen phrases of a shipped line at the default variation, in every style, in a major and in a minor key:
    each phrase's z_c is the μ of a real training phrase of the style (one of the fitted next phrases) from a tune
    of the key's mode family, so it keeps the length of real phrases' z_c and the mode's sixths and sevenths. The
    linear step this replaced drew points between them (their length fell by a third within four phrases), and
    the decoder leapt more inside those phrases."""
    from stylevae.model.decoding.decoder import Line

    fitted = shipped.continuation
    lengths = np.linalg.norm(fitted.after, axis=1)
    for style in range(len(shipped.styles)):
        in_mode = (fitted.pair_style == style) & (fitted.pair_mode == mode)
        assert in_mode.sum() >= 2 * NEIGHBOURS, (shipped.styles[style], MODES[mode])
        real = {row.tobytes() for row in fitted.after[in_mode]}
        line = Line.create(fitted, style, 3, mode)
        for k in range(16):
            assert line.z_content.tobytes() in real, (shipped.styles[style], MODES[mode], k)
            assert lengths.min() <= np.linalg.norm(line.z_content) <= lengths.max()
            line.begin_phrase(False)
            line.took(60 + 2 * (k % 4))
            line.advance(fitted, playing.VARIATION, style, mode=mode, position=k + 1)


def test_a_line_taken_back_to_its_mark_moves_on_as_it_did_from_there(shipped):
    """Marked at a phrase, a line moves on five phrases (repeats of earlier ones among them, with the shipped
    style's rates); taken back to the mark, it moves on through the same five: the same contents, seeds and first
    notes. What it did after the mark changes nothing in the mark."""
    from stylevae.model.decoding.decoder import Line

    line = Line.create(shipped.continuation, 2, 4)
    for position, pitch in enumerate((60, 62), start=1):
        line.advance(shipped.continuation, 0.7, 2, position=position)
        line.begin_phrase(False)
        line.took(pitch)
    mark = line.mark()
    assert line.planned[1]  # a return drawn ahead: the mark must keep it

    def five() -> list:
        phrases = []
        for k in range(5):
            line.advance(shipped.continuation, 0.7, 2, position=3 + k)
            line.begin_phrase(False)
            phrases.append((line.z_content.tobytes(), line.phrase_seed, line.phrase_first, line.sampler.random()))
            line.took(64 + k)
        return phrases

    leading = line.leading  # the note the marked phrase leads into: a replay from the mark leads there again
    first = five()
    assert line.leading != leading
    line.back_to(mark)
    assert line.leading == leading
    assert five() == first
    assert len({seed for _, seed, _, _ in first}) > 1


def only_into(then: int | None, steps: int, interval: int = 0) -> Lead:
    """A lead that lets the phrase's last beat play nothing but the note ``interval`` semitones below ``then`` (None:
    the phrase's own first note): real tunes would cross into ``then`` from there alone."""
    shares = np.zeros(2 * BORDER_SPAN + 1)
    shares[BORDER_SPAN + interval] = 1.0
    return Lead(steps - LEAD_STEPS, shares, then)


def decode_with(shipped, lead: Lead | None, seed: int, first_pitch: int = 60) -> list[int]:
    decoder = Decoder(shipped.model, shipped.vocab)
    decoder.start("a", torch.zeros(1, shipped.model.config.z_size), shipped.vocab.note_on(first_pitch),
                  Rules(temperature=1.5), lead=lead)
    rng = np.random.default_rng(seed)
    return [int(decoder.step(["a"], rng.random(1))[0]) for _ in range(shipped.steps)]


def test_a_lead_weighs_the_note_ons_of_the_phrases_last_beat_only(shipped):
    """A lead into D5 that allows only a step up into it: every note-on of the last beat is C5; before it the notes
    are the decoder's own (the same as without a lead, draw for draw), and without a lead the last beat plays
    others."""
    then, at = 74, shipped.steps - LEAD_STEPS
    led_last, free_last = set(), set()
    for seed in range(12):
        led, free = decode_with(shipped, only_into(then, shipped.steps, 2), seed), decode_with(shipped, None, seed)
        assert led[:at] == free[:at]
        led_last.update(t for t in led[at:] if t >= FIRST_PITCH_TOKEN)
        free_last.update(t for t in free[at:] if t >= FIRST_PITCH_TOKEN)
    assert led_last == {shipped.vocab.note_on(then - 2)}
    assert free_last - led_last


def only_c(steps: int, vocab) -> Lead:
    """A cadence that lets the phrase's last CADENCE_STEPS steps play no note-on but C5 (and rests and holds)."""
    close = np.zeros((CADENCE_STEPS, vocab.size))
    close[:, [REST, HOLD, vocab.note_on(72)]] = 1.0
    return leading(None, None, steps, vocab, close)


def test_a_cadence_weighs_every_token_of_the_phrases_last_steps_only(shipped):
    """A cadence that allows only C5 among note-ons: the phrase's last steps play no other note; before them the
    decoder's own notes, draw for draw; without it the last steps play others."""
    at = shipped.steps - CADENCE_STEPS
    closed_last, free_last = set(), set()
    for seed in range(12):
        closed = decode_with(shipped, only_c(shipped.steps, shipped.vocab), seed)
        free = decode_with(shipped, None, seed)
        assert closed[:at] == free[:at]
        closed_last.update(t for t in closed[at:] if t >= FIRST_PITCH_TOKEN)
        free_last.update(t for t in free[at:] if t >= FIRST_PITCH_TOKEN)
    assert closed_last <= {shipped.vocab.note_on(72)} and free_last - closed_last


def test_a_cadence_holds_across_batches_and_resumes_at_every_step(shipped):
    """A row with a cadence (and a lead into a return) decodes the same tokens alone, in a batch whose rows change at
    every step, and taken back to any step and decoded again: its weights follow its own steps."""
    z = torch.zeros(2, shipped.model.config.z_size)
    z[1, -1] = 2.0
    first, rules, steps, vocab = shipped.vocab.note_on(60), Rules(temperature=1.5), shipped.steps, shipped.vocab
    shares = np.exp(-2.0 * np.abs(np.arange(-BORDER_SPAN, BORDER_SPAN + 1)))
    close = np.ones((CADENCE_STEPS, vocab.size))
    close[:, FIRST_PITCH_TOKEN::2] = 0.05
    close[-3:, [REST, HOLD]] = 6.0
    lead = leading(shares, 67, steps, vocab, close)
    changed = 0
    for seed in range(4):
        draws = np.random.default_rng(seed).random((steps, 2))
        alone = Decoder(shipped.model, vocab)
        alone.start("b", z[1:], first, rules, lead=lead)
        solo = [int(alone.step(["b"], draws[t, 1:])[0]) for t in range(steps)]
        plain = Decoder(shipped.model, vocab)
        plain.start("b", z[1:], first, rules, lead=replace(lead, close=None))
        changed += [int(plain.step(["b"], draws[t, 1:])[0]) for t in range(steps)] != solo
        decoder = Decoder(shipped.model, vocab, trails=True)
        decoder.start_batch(["a", "b"], z, [first, first], [rules, rules], origins=["za", "zb"], leads=[None, lead])
        together = [int(decoder.step(["a", "b"] if t % 2 else ["b"], draws[t] if t % 2 else draws[t, 1:])[-1])
                    for t in range(steps)]
        assert together == solo
        for back in range(steps - CADENCE_STEPS - 1, steps):
            assert decoder.resume("b", "zb", back) == solo[:back]
            assert [int(decoder.step(["b"], draws[t, 1:])[0]) for t in range(back, steps)] == solo[back:]
    assert changed  # the cadence did something


def test_a_phrase_with_a_place_opens_with_its_styles_cadence_there(shipped):
    """``opening`` gives a phrase at a place of the song the cadence weights of its style there (the 4th and the
    8th phrase the same), with a lead into a return as well when one follows; no place, no cadence."""
    style, steps, vocab = shipped.styles.index("irish_dance"), shipped.steps, shipped.vocab
    _, _, lead = opening(shipped.model, vocab, shipped.continuation, style, 60, None, steps, 3)
    assert lead.shares is None and np.array_equal(lead.close, shipped.continuation.cadence_weights(style, 3, vocab))
    assert lead.closing(steps - CADENCE_STEPS - 1) is None and lead.closing(steps - 1) is not None
    _, _, eighth = opening(shipped.model, vocab, shipped.continuation, style, 60, None, steps, 7)
    assert np.array_equal(eighth.close, lead.close)
    _, _, both = opening(shipped.model, vocab, shipped.continuation, style, 60, 67, steps, 3)
    assert both.then == 67 and both.into is not None and np.array_equal(both.close, lead.close)
    assert opening(shipped.model, vocab, shipped.continuation, style, 60, None, steps)[2] is None


def test_a_phrase_played_twice_leads_into_its_own_first_note(shipped):
    """A lead into the phrase itself (the next phrase repeats it): the last beat's note-ons are the phrase's first."""
    for seed in range(8):
        tokens = decode_with(shipped, only_into(None, shipped.steps), seed)
        onsets = [t for t in tokens if t >= FIRST_PITCH_TOKEN]
        assert {t for t in tokens[shipped.steps - LEAD_STEPS:] if t >= FIRST_PITCH_TOKEN} <= {onsets[0]}


def test_a_lead_holds_across_batches_and_resumes(shipped):
    """A row with a lead decodes the same tokens alone, with a batch mate that leaves in its last beat, and when
    taken back to a step before its last beat and decoded again: its lead's weights come with its own steps, not
    the batch's."""
    z = torch.zeros(2, shipped.model.config.z_size)
    z[1, -1] = 2.0
    first, rules, steps = shipped.vocab.note_on(60), Rules(temperature=1.5), shipped.steps
    lead = Lead(steps - LEAD_STEPS, np.exp(-2.0 * np.abs(np.arange(-BORDER_SPAN, BORDER_SPAN + 1))), 67)
    changed = 0
    for seed in range(4):
        draws = np.random.default_rng(seed).random((steps, 2))
        alone, unled = Decoder(shipped.model, shipped.vocab), Decoder(shipped.model, shipped.vocab)
        alone.start("b", z[1:], first, rules, lead=lead)
        unled.start("b", z[1:], first, rules)
        solo = [int(alone.step(["b"], draws[t, 1:])[0]) for t in range(steps)]
        changed += [int(unled.step(["b"], draws[t, 1:])[0]) for t in range(steps)] != solo
        decoder = Decoder(shipped.model, shipped.vocab, trails=True)
        decoder.start_batch(["a", "b"], z, [first, first], [rules, rules], origins=["za", "zb"], leads=[None, lead])
        together = [int(decoder.step(["a", "b"], draws[t])[1]) for t in range(steps - 2)]
        together += [int(decoder.step(["b"], draws[t, 1:])[0]) for t in range(steps - 2, steps)]
        assert together == solo
        back = steps - LEAD_STEPS - 2  # before the last beat: the lead begins again at its step
        assert decoder.resume("b", "zb", back) == solo[:back]
        assert [int(decoder.step(["b"], draws[t, 1:])[0]) for t in range(back, steps)] == solo[back:]
    assert changed  # the lead did something


def test_a_phrase_that_repeats_at_once_leads_into_its_own_first_note_even_when_that_comes_in_its_last_beat(shipped):
    """A lead into the phrase's own first note over the whole phrase, no border weights: once the first note-on
    comes, every later one is the same note — the same alone, in a batch whose rows change at every step, and
    taken back to any step and decoded again (at 0 and at the last beat: the lead's beginning and a first note-on
    inside it)."""
    z = torch.zeros(2, shipped.model.config.z_size)
    z[1, -1] = 2.0
    rules, steps = Rules(temperature=1.5), shipped.steps
    for at in (0, steps - LEAD_STEPS):
        lead = Lead(at, only_into(None, steps).shares, None)
        for seed in range(4):
            draws = np.random.default_rng(seed).random((steps, 2))
            alone = Decoder(shipped.model, shipped.vocab)
            alone.start("b", z[1:], shipped.model.start_token, rules, lead=lead)
            solo = [int(alone.step(["b"], draws[t, 1:])[0]) for t in range(steps)]
            onsets = [t for t in solo if t >= FIRST_PITCH_TOKEN]
            if at == 0:
                assert onsets and set(onsets) == {onsets[0]}
            shifting = Decoder(shipped.model, shipped.vocab, trails=True)
            shifting.start_batch(["a", "b"], z, [shipped.model.start_token] * 2, [rules, rules], origins=["za", "zb"],
                                 leads=[None, lead])
            mixed = [int(shifting.step(["a", "b"] if t % 2 else ["b"], draws[t, 1:] if t % 2 == 0 else draws[t])[-1])
                     for t in range(steps)]
            assert mixed == solo
            for back in range(steps):
                assert shifting.resume("b", "zb", back) == solo[:back]
                assert [int(shifting.step(["b"], draws[t, 1:])[0]) for t in range(back, steps)] == solo[back:]


def test_a_row_taken_back_before_its_first_note_on_leads_into_the_one_it_plays_then(shipped):
    """A lead into the phrase's own first note: taken back to its start and given other rules, the row leads into
    the first note-on it draws now, as a row given those rules from the start does, not into the one it drew
    before."""
    z = torch.zeros(1, shipped.model.config.z_size)
    lead = Lead(0, only_into(None, shipped.steps).shares, None)
    hotter = Rules(temperature=3.0, density=0.5)
    for seed in range(6):
        draws = np.random.default_rng(seed).random(shipped.steps)
        decoder = Decoder(shipped.model, shipped.vocab, trails=True)
        decoder.start("a", z, shipped.model.start_token, Rules(temperature=1.2), origin="za", lead=lead)
        [decoder.step(["a"], draws[t : t + 1]) for t in range(shipped.steps)]
        decoder.resume("a", "za", 0)
        decoder.change("a", rules=hotter)
        again = [int(decoder.step(["a"], draws[t : t + 1])[0]) for t in range(shipped.steps)]
        fresh = Decoder(shipped.model, shipped.vocab)
        fresh.start("a", z, shipped.model.start_token, hotter, lead=lead)
        assert again == [int(fresh.step(["a"], draws[t : t + 1])[0]) for t in range(shipped.steps)]


def test_a_first_note_on_in_a_lead_is_weighted_by_both_and_later_ones_by_the_lead_alone(shipped):
    """Border weights that allow D or E as the phrase's first note-on, a lead over the whole phrase that allows only
    E to G (a step or less below the G it leads into, or G itself): the first note-on is E, the one both allow; later
    ones range over E to G."""
    border = np.zeros(shipped.vocab.size)
    border[:FIRST_PITCH_TOKEN] = 1.0
    border[[shipped.vocab.note_on(62), shipped.vocab.note_on(64)]] = 1.0
    shares = np.zeros(2 * BORDER_SPAN + 1)
    shares[BORDER_SPAN : BORDER_SPAN + 4] = 1.0  # into G from G, F sharp, F or E
    later = set()
    for seed in range(12):
        decoder = Decoder(shipped.model, shipped.vocab)
        decoder.start("a", torch.zeros(1, shipped.model.config.z_size), shipped.vocab.note_on(60),
                      Rules(temperature=1.5), border, lead=Lead(0, shares, 67))
        rng = np.random.default_rng(seed)
        onsets = [t for t in (int(decoder.step(["a"], rng.random(1))[0]) for _ in range(shipped.steps))
                  if t >= FIRST_PITCH_TOKEN]
        assert onsets[0] == shipped.vocab.note_on(64)
        later.update(onsets[1:])
    assert later <= {shipped.vocab.note_on(p) for p in range(64, 68)} and len(later) > 1


def test_a_lines_next_phrase_coming_back_is_what_the_current_one_leads_into(shipped):
    """At each border the line knows whether the next phrase is a return, and of which phrase: ``leading`` is that
    phrase's first note (``AGAIN``: the current phrase's own), None when the next is new; the next phrase is then
    that return."""
    from stylevae.model.decoding.decoder import Line

    seen = set()
    for seed in range(12):
        line = Line.create(shipped.continuation, 2, seed)
        line.begin_phrase(False)
        line.took(60)
        expected = None
        for position in range(1, 12):
            line.advance(shipped.continuation, 0.7, 2, position=position)
            if position > 1:
                assert (line.repeating is not None) == (expected is not None)
                if expected is not None:
                    assert line.repeating[3] == expected
            line.begin_phrase(False)
            line.took(60 + position)
            expected = {None: None, AGAIN: line.history[-1][3]}.get(line.leading, line.leading)
            seen.add("again" if line.leading == AGAIN else "none" if line.leading is None else "earlier")
    assert seen == {"again", "none", "earlier"}
    line.leading = AGAIN
    line.reseed(shipped.continuation, 2, 1)
    assert line.leading is None  # a reseeded line's next phrase is drawn anew: nothing to lead into


def test_leads_bring_the_leap_into_returns_down_to_that_of_new_phrases(shipped, monkeypatch):
    """The shipped line, same seeds, with leads and without: Irish dance's returns were entered with leaps some
    1.5 semitones larger than new phrases (4.16 against 2.69 on 192 lines by hand, epoch 14's model). These 256
    lines enter theirs with 3.63 semitones without leads, 3.20 with the real shares as they are, 2.81 with them
    raised to the style's fitted power (the training split's tunes enter theirs with 2.89); earlier fits dropped by
    0.21 to 0.73 over sets of 128 and 256 lines with the shares alone. With leads the leap into returns falls by
    over 0.3 semitone, borders as a whole leap less, and the notes inside phrases are not what changed; the power
    takes it down by over 0.2 more than the shares alone."""
    from stylevae.model.decoding import decoder as decoding
    from stylevae.model.evaluation import musicality

    style = shipped.styles.index("irish_dance")
    lines = 256
    weights = np.eye(len(shipped.styles), dtype=np.float32)[np.full(lines, style)]
    keys = [shipped.style_key(style)] * lines
    rules = [Rules(playing.TEMPERATURE, playing.DENSITY, playing.LOCK)] * lines

    def leaps() -> tuple[float, float, float]:
        tokens = stream(shipped.model, shipped.vocab, shipped.continuation, weights, keys, 8, shipped.steps, rules,
                        playing.VARIATION, list(range(lines)))
        summary = musicality.summarise(tokens, shipped.vocab, shipped.steps)
        return summary["return_leap"], summary["border_leap"], summary["inner_leap"]

    led = leaps()
    monkeypatch.setattr(shipped.continuation, "lead_power", None)  # the shares as they are
    shared = leaps()
    monkeypatch.setattr(decoding, "LEAD_STEPS", 0)  # a lead over no steps: none
    unled = leaps()
    assert led[0] < unled[0] - 0.3 and led[1] < unled[1]
    assert led[0] < shared[0] - 0.2
    assert abs(led[2] - unled[2]) < 0.1


def test_sections_end_on_the_tonic_and_on_longer_notes_as_real_tunes_do(shipped, monkeypatch):
    """The shipped line, same seeds, with places and cadences and without: an American fiddle line's 8-bar sections
    end on the tonic more often than its other phrases, by more than without them, on longer notes, and the notes
    inside phrases are not what changed (these 256 lines: 0.36 of the sections' last notes on the tonic against
    0.26 of the other phrases', 2.2 steps long; without, 0.30 against 0.30, 1.97 steps; real tunes' 16-bar excerpts
    in the training split 0.47 against 0.24, 2.9 steps; the held note's gain over four sets of 128 lines ran from
    0.16 to 0.36 steps)."""
    from stylevae.model.evaluation import musicality

    style = shipped.styles.index("american_fiddle")
    lines = 256
    weights = np.eye(len(shipped.styles), dtype=np.float32)[np.full(lines, style)]
    keys = [shipped.style_key(style)] * lines
    rules = [Rules(playing.TEMPERATURE, playing.DENSITY, playing.LOCK, top_p=playing.TOP_P)] * lines

    def endings() -> dict:
        tokens = stream(shipped.model, shipped.vocab, shipped.continuation, weights, keys, 8, shipped.steps, rules,
                        playing.VARIATION, list(range(lines)))
        return musicality.summarise(tokens, shipped.vocab, shipped.steps)

    placed = endings()
    monkeypatch.setattr(shipped.continuation, "cadence", None)
    monkeypatch.setattr(shipped.continuation, "ending", None)
    monkeypatch.setattr(shipped.continuation, "after_place", None)
    monkeypatch.setattr(shipped.continuation, "_by_style", {})  # the pairs it looked up by place
    plain = endings()
    assert placed["cadence_tonic"] - placed["end_tonic"] > plain["cadence_tonic"] - plain["end_tonic"] + 0.05
    assert placed["cadence_length"] > plain["cadence_length"] + 0.15
    assert abs(placed["inner_leap"] - plain["inner_leap"]) < 0.1


@pytest.mark.parametrize("style_name", ["irish_dance", "american_fiddle", "scottish_air"])
def test_the_ending_ratio_chooses_more_phrases_ending_on_the_tonic_at_a_sections_end(shipped, monkeypatch, style_name):
    """The shipped fit, the same draws, with the ending ratio and without: lines at 400 real phrases before a
    dance's 8-bar section ends go on to next phrases ending on the tonic more often where the ratio favours them
    (Scottish 1.31 times: 0.46 → 0.57 of these 400; Irish 1.11: 0.32 → 0.34; fiddle 1.14: 0.33 → 0.36), and about
    as often where its lines already end there as real tunes do (a weight within 5 % of 1, as Irish lines had when
    the tunes were read as written). The same draws either way: a ratio left out moves nothing, one upside down
    moves the share the other way."""
    fit = shipped.continuation
    style = shipped.styles.index(style_name)
    rows = fit._pairs(style, 0, 2)[0]
    starts = fit.after[np.random.default_rng(0).choice(rows, 400)]

    def tonic_share() -> float:
        draws = np.random.default_rng(1)
        chosen = [fit._choose(z, playing.VARIATION, draws, style, None, 0, None, None, 3) for z in starts]
        return float(np.mean(fit.after_last[chosen] % 12 == 0))

    assert fit.by_place(style)
    tonic = float(fit.ending[style, 3, 0])  # the ratio's weight on next phrases ending on the tonic there
    weighed = tonic_share()
    monkeypatch.setattr(fit, "ending", None)
    moved = weighed - tonic_share()
    assert abs(moved) < 0.02 if abs(tonic - 1) < 0.05 else moved * np.sign(tonic - 1) > 0


def test_a_phrase_before_a_return_opens_with_a_lead_into_it(shipped):
    """``opening`` gives a phrase before a return a lead over its last beat, with the shares of how real tunes of
    its style enter returns raised to the style's power, into the return's first note (``AGAIN``: its own, known
    once played); none before a new phrase. The weights into a known note are made then, and favour the interval
    real tunes take most."""
    style, steps = shipped.styles.index("irish_dance"), shipped.steps
    shares = shipped.continuation.lead_weights(style)
    assert shipped.continuation.lead_power[style] > 0
    _, _, lead = opening(shipped.model, shipped.vocab, shipped.continuation, style, 60, 67, steps)
    assert lead.at == steps - LEAD_STEPS and lead.then == 67 and np.array_equal(lead.shares, shares)
    likeliest = int(np.argmax(shares)) - BORDER_SPAN  # the interval from the note before into the return
    assert int(np.argmax(lead.into[FIRST_PITCH_TOKEN:])) + shipped.vocab.low == 67 - likeliest
    _, _, again = opening(shipped.model, shipped.vocab, shipped.continuation, style, 60, AGAIN, steps)
    assert again.then is None and again.into is None
    assert opening(shipped.model, shipped.vocab, shipped.continuation, style, 60, None, steps)[2] is None
