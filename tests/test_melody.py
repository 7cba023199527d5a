"""Quantization, reduction to one voice, meters and phrase windows."""

import pytest

from stylevae.model.data.melody import (
    PhraseRules,
    Skipped,
    TimedNote,
    TimeSignature,
    check_grid,
    check_meter,
    piece_phrases,
    quantize,
    skyline,
)
from stylevae.model.data.tokens import Note, Vocabulary, tokens_to_notes

VOCAB = Vocabulary()


def test_skyline_keeps_the_highest_voice():
    chord_then_melody = [Note(60, 0, 4), Note(64, 0, 4), Note(67, 0, 2), Note(55, 1, 3), Note(62, 2, 4)]
    assert skyline(chord_then_melody) == [Note(67, 0, 2), Note(62, 2, 4)]


def test_a_later_onset_cuts_the_note_before_it():
    assert skyline([Note(60, 0, 8), Note(62, 4, 6)]) == [Note(60, 0, 4), Note(62, 4, 6)]


def test_quantize_rounds_small_jitter():
    notes = [TimedNote(60, 0.02, 0.49), TimedNote(62, 0.51, 1.0)]
    assert quantize(notes) == [Note(60, 0, 2), Note(62, 2, 4)]


def test_triplets_are_skipped():
    triplets = [TimedNote(60 + i, i / 3, (i + 1) / 3) for i in range(12)]
    with pytest.raises(Skipped, match="off the 16th-note grid"):
        check_grid(triplets, 0.1)


def test_a_piece_played_out_is_judged_off_the_grid_by_its_written_notes():
    """20 quarter notes and a triplet (2 of its 3 onsets off the grid: 2 in 23, 0.09) played out with the triplet
    twice (4 in 26, 0.15): the written notes decide, as its score's tuplets do."""
    straight = [TimedNote(60 + i % 12, float(i), i + 1.0) for i in range(20)]
    triplet = [TimedNote(72 + i, 20 + i / 3, 20 + (i + 1) / 3) for i in range(3)]
    again = [TimedNote(n.pitch, n.start + 1, n.end + 1) for n in triplet]
    signatures = [TimeSignature(0.0, 4, 4)]
    played = piece_phrases(straight + triplet + again, signatures, 0.0, PhraseRules(), VOCAB,
                           written=straight + triplet)
    assert [p.bar for p in played][:2] == [0, 1]
    with pytest.raises(Skipped, match="off the 16th-note grid"):
        piece_phrases(straight + triplet + again, signatures, 0.0, PhraseRules(), VOCAB)


@pytest.mark.parametrize(
    "num,den,ok", [(4, 4, True), (2, 4, True), (2, 2, True), (4, 2, True), (3, 4, False), (6, 8, False)]
)
def test_meters(num, den, ok):
    if ok:
        check_meter([TimeSignature(0, num, den)])
    else:
        with pytest.raises(Skipped, match="meter"):
            check_meter([TimeSignature(0, num, den)])


def test_phrases_start_on_bars_after_the_pickup():
    pickup = [TimedNote(59, 0.0, 1.0)]
    bars = [TimedNote(60 + (i % 5), 1.0 + i, 2.0 + i) for i in range(16)]  # 4 bars of quarters
    found = piece_phrases(pickup + bars, [TimeSignature(0, 4, 4)], 1.0, PhraseRules(bars=2, hop_bars=1), VOCAB)
    assert [phrase.bar for phrase in found] == [0, 1, 2]
    first = tokens_to_notes(found[0].tokens, VOCAB)
    assert first[0] == Note(60, 0, 4) and len(first) == 8


def test_a_phrase_knows_the_last_note_before_it():
    pickup = [TimedNote(59, 0.0, 1.0)]
    bars = [TimedNote(60 + (i % 5), 1.0 + i, 2.0 + i) for i in range(16)]
    found = piece_phrases(pickup + bars, [TimeSignature(0, 4, 4)], 1.0, PhraseRules(bars=2, hop_bars=1), VOCAB)
    # the first phrase follows the pickup; the second starts on bar 2, after the quarter of bar 1's beat 4
    assert [phrase.before for phrase in found] == [59, 60 + 3, 60 + 2]


def test_silent_or_empty_pieces_are_skipped():
    sparse = [TimedNote(60, 0.0, 0.25), TimedNote(62, 6.0, 6.25)]
    with pytest.raises(Skipped, match="no usable"):
        piece_phrases(sparse, [TimeSignature(0, 4, 4)], 0.0, PhraseRules(), VOCAB)
    with pytest.raises(Skipped, match="no notes"):
        piece_phrases([], [TimeSignature(0, 4, 4)], 0.0, PhraseRules(), VOCAB)
