"""Keys and scales: names, pitch-class sets, the tonic of a piece, and the errors a performer sees."""

import numpy as np
import pytest

from stylevae.model.data.keys import (
    SCALES,
    ScaleError,
    estimate_key,
    make_key,
    parse_tonic,
    piece_key,
    relative_shift,
)


def test_scales_by_name_and_by_interval():
    assert make_key(2, "dorian").pitch_classes() == frozenset({2, 4, 5, 7, 9, 11, 0})
    assert make_key(4, "Harmonic Minor").name == "harmonic_minor"  # Live's spelling normalised
    assert make_key(9, [0, 3, 5, 7, 10]).name == "minor_pentatonic"  # a set that has a name gets it
    odd = make_key(0, [0, 1, 6])
    assert odd.name == "" and odd.intervals == (0, 1, 6) and odd.describe() == "C {0,1,6}"
    assert make_key(0, [4, 7]).intervals == (0, 4, 7)  # the tonic always belongs to its scale


@pytest.mark.parametrize("scale, mode", [("major", "major"), ("minor", "minor"), ("dorian", "minor"),
                                          ("mixolydian", "major"), ("blues", "minor"), ("chromatic", "major")])
def test_mode_family_follows_the_third(scale, mode):
    assert make_key(0, scale).mode == mode


@pytest.mark.parametrize("root, scale, words", [
    (12, "major", "out of range 0..11"),
    (-1, "major", "out of range 0..11"),
    (0, "bebop", "unknown scale 'bebop'; scales are: major, minor"),
    (0, [], "empty pitch-class set"),
    (0, [0, 13], "0..11"),
    (0, [0, 2.5], "whole numbers"),
])
def test_bad_keys_get_one_line_naming_what_is_allowed(root, scale, words):
    with pytest.raises(ScaleError) as exc:
        make_key(root, scale)
    assert words in str(exc.value) and "\n" not in str(exc.value)


def test_tonic_names():
    assert [parse_tonic(t) for t in ("C", "c#", "Db", "Bb", "B#", "7")] == [0, 1, 1, 10, 0, 7]
    with pytest.raises(ScaleError, match="note name"):
        parse_tonic("H")


def test_relative_shift_takes_the_smallest_move_to_c():
    shifts = [relative_shift(t) for t in range(12)]
    assert shifts == [0, -1, -2, -3, -4, -5, 6, 5, 4, 3, 2, 1]
    assert all((t + s) % 12 == 0 for t, s in zip(range(12), shifts))


def scale_tune(tonic, intervals, ending):
    pitches = [60 + tonic + i for i in intervals] + [60 + tonic + i for i in intervals[::-1]] + [ending]
    return pitches, [1.0] * len(pitches)


def test_estimate_finds_major_and_minor_tonics():
    assert estimate_key(*scale_tune(7, SCALES["major"], 67)) == (7, "major")
    pitches, durations = scale_tune(9, SCALES["harmonic_minor"], 69)
    durations = [2.0 if p % 12 in (9, 0, 4) else 1.0 for p in pitches]  # the triad weighs more, as in a tune
    assert estimate_key(pitches, durations) == (9, "minor")


def test_a_declared_major_key_is_resolved_by_where_the_tune_ends():
    """ABC writes K:G for E-minor tunes: the signature holds, the tonic follows the melody's final."""
    pitches, durations = scale_tune(4, SCALES["minor"], 64)
    declared, signature = piece_key(pitches, durations, declared=(7, "major")), piece_key(pitches, durations, sharps=1)
    assert (declared.tonic, declared.mode) == (signature.tonic, signature.mode) == (4, "minor")
    assert piece_key(*scale_tune(7, SCALES["major"], 67), declared=(7, "major")).mode == "major"


def test_a_declared_church_mode_is_kept_and_an_absent_key_is_estimated():
    found = piece_key([62, 64, 65], [1, 1, 1], declared=(2, "Dorian"))
    assert (found.tonic, found.mode, found.source, found.family) == (2, "dorian", "score", "minor")
    assert piece_key(*scale_tune(5, SCALES["major"], 65)).source == "estimate"


def test_the_corpus_reader_takes_an_abc_tunes_key():
    """Through music21's real ABC parser: K:Ador is A dorian, K:G on a tune ending on E is E minor."""
    from music21 import converter

    from stylevae.model.data.corpus import score_key
    from stylevae.model.data.melody import TimedNote

    def key_of(abc):
        flat = converter.parse(abc, format="abc").parts[0].flatten()
        notes = [TimedNote(n.pitch.midi, float(n.offset), float(n.offset + n.quarterLength)) for n in flat.notes]
        return score_key(flat, notes)

    dorian = key_of("X:1\nT:t\nM:4/4\nL:1/4\nK:Ador\nA B c d | e d c B | A4 |]\n")
    assert (dorian.tonic, dorian.mode) == (9, "dorian")
    minor = key_of("X:1\nT:t\nM:4/4\nL:1/4\nK:G\nE F G A | B G F D | E4 |]\n")
    assert (minor.tonic, minor.mode, minor.source) == (4, "minor", "score")
    assert np.isscalar(minor.tonic)
