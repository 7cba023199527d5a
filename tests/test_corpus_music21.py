"""The default-corpus builder, on a small subset of the real music21 corpus."""

import numpy as np

from stylevae.model.data import dataset, report
from stylevae.model.data.corpus import (
    DEFAULT_STYLES,
    PLAYED_LIMIT,
    REPEATS,
    PieceSource,
    corpus_root,
    parse_piece,
    played_out,
    split_abc,
)
from stylevae.model.data.tokens import tokens_to_notes


def test_builder_on_a_subset_of_the_real_corpus(tmp_path):
    data = dataset.build_music21(tmp_path / "cache", limit_per_style=6, workers=2)
    assert len(data.styles) >= 4, data.manifest["skipped"]
    assert set(data.styles) <= {s.name for s in DEFAULT_STYLES}
    root = corpus_root()
    for piece in data.manifest["pieces"]:
        assert (root / piece["source"].split("#")[0]).is_file()
    assert sum(data.manifest["pieces_seen"].values()) == 6 * len(DEFAULT_STYLES)
    # every phrase decodes to a real melody inside the vocabulary
    for tokens in data.tokens[:: max(1, len(data) // 50)]:
        notes = tokens_to_notes(tokens, data.vocab)
        assert len(notes) >= 2 and all(data.vocab.low <= n.pitch <= data.vocab.high for n in notes)
    assert np.isin(data.style, range(len(data.styles))).all()
    # each piece says whether its repeats were played out, and the report counts them per style
    assert data.manifest["play_repeats"] and {p["repeats"] for p in data.manifest["pieces"]} <= set(REPEATS)
    rows = {r["style"]: r for r in report.style_stats(data)}
    assert all(sum(r["repeats"].values()) == r["pieces_used"] for r in rows.values())
    assert sum(r["repeats"]["played out"] for r in rows.values()) > 0
    assert "## Repeats" in report.render(data)


def test_abc_files_split_into_tunes_with_the_header():
    text = "%abc\nI:linebreak $\n\nX:1\nT:One\nK:C\nCDEF|\n\nX: 2\nT:Two\nK:G\nGABc|\n"
    tunes = list(split_abc(text))
    assert [x for x, _ in tunes] == [1, 2]
    assert all(t.startswith("%abc\nI:linebreak") for _, t in tunes)
    assert "T:Two" in tunes[1][1] and "T:One" not in tunes[1][1]


TUNE = "X:1\nT:Strain\nM:4/4\nL:1/4\nK:C\n|:CDEF|GABc|1 cBAG:|2 cGEC|]\n"


def _parse(text: str, play_repeats: bool = True):
    return parse_piece(PieceSource("irish_dance", "tune.abc", 1, text), corpus_root(), play_repeats)


def test_a_tunes_repeats_are_played_out_with_first_and_second_endings():
    played = _parse(TUNE)
    assert played.repeats == "played out"
    pitches = [n.pitch for n in played.notes]
    a, b = [60, 62, 64, 65, 67, 69, 71, 72], [72, 71, 69, 67]
    assert pitches == a + b + a + [72, 67, 64, 60]  # the first ending the first time, the second the second
    assert [n.start for n in played.notes] == [float(i) for i in range(len(pitches))]


def test_a_tune_read_as_written_or_without_marks_plays_each_bar_once():
    written = _parse(TUNE, play_repeats=False)
    assert written.repeats == "as written" and len(written.notes) == 16  # both endings, once each
    plain = _parse(TUNE.replace("|:", "|").replace(":|", "|").replace("|1", "|").replace("|2", "|"))
    assert plain.repeats == "none" and len(plain.notes) == 16


class _Part:
    """A stand-in part whose expansion is ``expanded`` (a part or an exception to raise)."""

    def __init__(self, length: float, expanded=None):
        self.highestTime, self.expanded = length, expanded

    def expandRepeats(self):
        if isinstance(self.expanded, Exception):
            raise self.expanded
        return self.expanded


def test_marks_music21_cannot_play_out_or_misreads_keep_the_tune_as_written():
    part = _Part(32.0, RuntimeError("unpaired repeat"))
    assert played_out(part) == (part, "as written")
    runaway = _Part(32.0, _Part(32.0 * PLAYED_LIMIT + 4))
    assert played_out(runaway) == (runaway, "as written")
    twice = _Part(64.0)
    assert played_out(_Part(32.0, twice)) == (twice, "played out")
