"""The default-corpus builder, on a small subset of the real music21 corpus."""

import numpy as np

from stylevae.model.data import dataset
from stylevae.model.data.corpus import DEFAULT_STYLES, corpus_root, split_abc
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


def test_abc_files_split_into_tunes_with_the_header():
    text = "%abc\nI:linebreak $\n\nX:1\nT:One\nK:C\nCDEF|\n\nX: 2\nT:Two\nK:G\nGABc|\n"
    tunes = list(split_abc(text))
    assert [x for x, _ in tunes] == [1, 2]
    assert all(t.startswith("%abc\nI:linebreak") for _, t in tunes)
    assert "T:Two" in tunes[1][1] and "T:One" not in tunes[1][1]
