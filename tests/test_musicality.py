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


def test_consecutive_pairs_are_every_two_phrases_in_a_row_on_each_pieces_grid():
    """Phrases of two pieces, one at every bar (phrases of two bars overlap): the pairs are those on the piece's
    own two-bar grid, every one of them (the border between bars 4 and 6 as well as 2 and 4), never across pieces
    or a gap."""
    rows = [(0, b) for b in range(7)] + [(1, 0), (1, 4), (1, 6)]
    tokens = np.array([notes_to_tokens([Note(40 + k, 0, 4)], 32, VOCAB) for k in range(len(rows))])
    piece, bar = np.array([p for p, _ in rows]), np.array([b for _, b in rows])
    pairs = musicality.consecutive_pairs(tokens, piece, bar, 2)
    first_pitches = sorted((int(row[0]), int(row[32])) for row in pairs)
    at = {row: tokens[k][0] for k, row in enumerate(rows)}
    expected = sorted((int(at[p, b]), int(at[p, b + 2])) for p, b in [(0, 0), (0, 2), (0, 4), (1, 4)])
    assert first_pitches == expected and pairs.shape == (4, 64)
    assert musicality.consecutive_pairs(tokens[:1], piece[:1], bar[:1], 2).shape == (0, 64)


def test_the_leap_into_a_phrase_that_comes_back_is_from_the_note_before_it():
    """Phrases A (C E G), B (D F) and A again, two bars each: the third repeats the first and is entered from B's
    last note, F, to C: 5 semitones; the border from A to B (G to D) is no return's. A stream whose phrases never
    repeat has no such leap; its repetition is 0, the first's a half."""
    a = [(0, 60), (4, 64), (8, 67)]
    b = [(0, 62), (8, 65)]
    notes = [Note(p, start + offset, start + offset + 4) for offset, phrase in ((0, a), (2 * BAR, b), (4 * BAR, a))
             for start, p in phrase]
    found = musicality.stream_measures(notes_to_tokens(notes, 6 * BAR, VOCAB), VOCAB, 2 * BAR)
    assert found["return_leap"] == 5.0 and found["repetition"] == 0.5
    assert musicality.returns(notes, 6 * BAR, 2 * BAR) == [False, True]
    moving = [Note(60 + 2 * k, k * 2 * BAR, k * 2 * BAR + 8) for k in range(3)]
    none = musicality.stream_measures(notes_to_tokens(moving, 6 * BAR, VOCAB), VOCAB, 2 * BAR)
    assert none["return_leap"] is None and none["repetition"] == 0.0


def test_a_section_that_ends_on_its_tonic_is_read_apart_from_its_other_phrases():
    """Eight two-bar phrases of a C major tune (C E G arpeggios, so the key reads as C): the 4th and 8th end on a
    C held for 12 steps, the others on D, E or G held for 4; every section ends on the tonic, no other phrase does.
    Ending the 2nd phrase on C too makes one of the six others end there; a silent stream has no cadence."""
    def phrase(last: int, held: int) -> list[tuple[int, int, int]]:
        return [(0, 60, 4), (4, 64, 4), (8, 67, 4), (2 * BAR - held, last, held)]

    def tune(ends: list[int]) -> np.ndarray:
        notes = [Note(p, k * 2 * BAR + start, k * 2 * BAR + start + length)
                 for k, last in enumerate(ends) for start, p, length in phrase(last, 12 if last == 72 else 4)]
        return notes_to_tokens(notes, 16 * BAR, VOCAB)

    found = musicality.stream_measures(tune([62, 64, 67, 72, 62, 64, 67, 72]), VOCAB, 2 * BAR)
    assert found["cadence_tonic"] == 1.0 and found["end_tonic"] == 0.0 and found["cadence_length"] == 12.0
    more = musicality.stream_measures(tune([62, 72, 67, 72, 62, 64, 67, 72]), VOCAB, 2 * BAR)
    assert more["end_tonic"] == 1 / 6 and more["cadence_tonic"] == 1.0
    silent = musicality.stream_measures(np.zeros(16 * BAR, np.int64), VOCAB, 2 * BAR)
    assert silent["cadence_tonic"] is None and silent["end_tonic"] is None and silent["cadence_length"] is None


def test_real_excerpts_begin_on_their_pieces_8_bar_sections():
    """A piece with a two-bar phrase at every bar from 0 to 39 (they overlap) but bar 6: 16-bar excerpts begin at
    bars 8 and 24, on its sections — never at bar 1, where the next eight phrases would all be there but off them;
    each is its 8 phrases in order."""
    bars = [b for b in range(40) if b != 6]
    tokens = np.array([notes_to_tokens([Note(40 + b, 0, 4)], 32, VOCAB) for b in bars])
    found = musicality.real_excerpts(tokens, np.zeros(len(bars), np.int64), np.array(bars), 8, 2)
    first = int(tokens[0][0])
    assert [int(row[0]) - first for row in found] == [8, 24]
    assert [int(found[0][32 * k]) - first for k in range(8)] == [8 + 2 * k for k in range(8)]
    rows = musicality.excerpt_rows(np.zeros(len(bars), np.int64), np.array(bars), 8, 2)
    assert [[bars[r] for r in excerpt] for excerpt in rows] == [[8 + 2 * k for k in range(8)],
                                                               [24 + 2 * k for k in range(8)]]
    assert musicality.excerpt_rows(np.zeros(3, np.int64), np.arange(3), 8, 2).shape == (0, 8)


def test_a_sections_last_note_is_as_long_as_it_lasts_within_its_phrase():
    """The 4th phrase's last note, a C from its step 20, sounds on 8 steps into the next phrase: it counts 12 steps,
    to its phrase's end, as the decoder's cadence can only make it."""
    notes = []
    for k in range(8):
        base = k * 2 * BAR
        first = 8 if k == 4 else 0  # the phrase after the held C begins late
        notes += [Note(60, base + first, base + first + 4), Note(64, base + 12, base + 16),
                  Note(67, base + 16, base + 20)]
        notes.append(Note(72, base + 20, base + 2 * BAR + 8) if k == 3 else Note(62, base + 20, base + 24))
    found = musicality.cadences(notes, 16 * BAR, 2 * BAR)
    assert found["cadence_length"] == (12 + 4) / 2 and found["cadence_tonic"] == 0.5


def test_a_summary_gives_each_mean_its_standard_error_over_the_streams_that_have_it():
    """Three 16-bar streams of whole notes, two of them climbing by 1 and 3 semitones a bar and one silent: the
    register drift's mean is over the two with notes, 12 and 36 semitones, and its error their standard deviation
    (ddof 1) over √2; a measure only one stream has gets no error."""
    def climbing(step: int) -> np.ndarray:
        return notes_to_tokens([Note(40 + step * b, b * BAR, (b + 1) * BAR) for b in range(16)], 16 * BAR, VOCAB)

    streams = np.stack([climbing(1), climbing(3), np.zeros(16 * BAR, np.int64)])
    found = musicality.summarise(streams, VOCAB, 2 * BAR)
    errors = found[musicality.STANDARD_ERRORS]
    assert found["streams"] == 3 and found["register_drift"] == 24.0
    assert errors["register_drift"] == np.std([12.0, 36.0], ddof=1) / np.sqrt(2)
    one = musicality.summarise(streams[:1], VOCAB, 2 * BAR)
    assert one["register_drift"] == 12.0 and one[musicality.STANDARD_ERRORS]["register_drift"] is None


def test_a_gap_is_beyond_noise_only_past_two_standard_errors_of_the_difference():
    """Errors 0.03 and 0.04 give the difference an error of 0.05: a gap of 0.11 is beyond two of it, 0.09 is not."""
    assert musicality.beyond_noise(0.50, 0.39, 0.03, 0.04)
    assert not musicality.beyond_noise(0.50, 0.41, 0.03, 0.04)
    assert not musicality.beyond_noise(0.50, 0.10, None, 0.04)  # an error not known: no claim


def test_a_strain_played_twice_comes_back_a_section_later_and_returns_elsewhere_do_not():
    """Eight two-bar phrases: a 4-phrase strain (p q p r) played twice, every phrase of the second time repeating the
    one 8 bars before, 1.0, and the section whole; the same phrases in another order the second time (q p r p) repeat
    earlier ones as often (``repetition``) but none 8 bars on, 0. One section alone has none to compare."""
    def phrase(k: int) -> list[Note]:
        return [Note(48 + 3 * k + 2 * n, 4 * n, 4 * n + 4) for n in range(4)]

    def stream(order: list[int]) -> np.ndarray:
        notes = [Note(n.pitch, n.start + i * 2 * BAR, n.end + i * 2 * BAR) for i, k in enumerate(order)
                 for n in phrase(k)]
        return notes_to_tokens(notes, len(order) * 2 * BAR, VOCAB)

    strains = musicality.stream_measures(stream([0, 1, 0, 2] * 2), VOCAB, 2 * BAR)
    swapped = musicality.stream_measures(stream([0, 1, 0, 2, 1, 0, 2, 0]), VOCAB, 2 * BAR)
    assert strains["section_return"] == strains["whole_section"] == 1.0
    assert swapped["section_return"] == swapped["whole_section"] == 0.0
    assert strains["repetition"] == swapped["repetition"] == 5 / 7
    # three of the four phrases back: most of the section's phrases, but not the section
    partly = musicality.stream_measures(stream([0, 1, 0, 2, 0, 1, 0, 3]), VOCAB, 2 * BAR)
    assert partly["section_return"] == 0.75 and partly["whole_section"] == 0.0
    alone = musicality.stream_measures(stream([0, 1, 0, 2]), VOCAB, 2 * BAR)
    assert alone["section_return"] is None and alone["whole_section"] is None
