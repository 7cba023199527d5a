"""The default corpus: styles drawn from the public-domain scores bundled with the music21 package.

Every source is read from the installed music21 package; nothing is downloaded. An ABC file holding
many tunes is split into its tunes, so that one bad tune costs only itself and work spreads evenly over
processes. For several-part scores (Bach chorales, Palestrina masses) the top part (soprano, cantus) is
the melody.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stylevae.model.data.keys import PieceKey, piece_key
from stylevae.model.data.melody import Skipped, TimedNote, TimeSignature


@dataclass(frozen=True)
class StyleSource:
    name: str
    description: str
    patterns: tuple[str, ...]  # globs under music21's corpus folder


GERMAN_ESSEN = ("altdeu", "ballad", "boehme", "dva", "erk", "fink", "kinder", "zuccal")

DEFAULT_STYLES: tuple[StyleSource, ...] = (
    StyleSource("chinese_folk", "Essen folk song collection, Chinese (Han) songs", ("essenFolksong/han*.abc",)),
    StyleSource(
        "german_folk",
        "Essen folk song collection, German songs",
        tuple(f"essenFolksong/{prefix}*.abc" for prefix in GERMAN_ESSEN),
    ),
    StyleSource("irish_dance", "O'Neill's Music of Ireland (1850)", ("oneills1850/*.abc",)),
    StyleSource("american_fiddle", "Ryan's Mammoth Collection (1883)", ("ryansMammoth/*.abc",)),
    StyleSource("scottish_air", "Aird's Selection of Scotch, English, Irish and Foreign Airs", ("airdsAirs/*.abc",)),
    StyleSource("bach_chorale", "J. S. Bach, four-part chorales (soprano)", ("bach/bwv*.mxl",)),
    StyleSource("palestrina", "G. P. da Palestrina, masses (cantus)", ("palestrina/*.krn",)),
)


@dataclass(frozen=True)
class PieceSource:
    """One piece to parse: a file, or one tune of a multi-tune ABC file."""

    style: str
    path: str  # relative to the corpus root
    tune: int | None = None  # ABC X: number
    text: str | None = None  # the tune's ABC text (file header included)

    @property
    def label(self) -> str:
        return self.path if self.tune is None else f"{self.path}#X{self.tune}"


def corpus_root() -> Path:
    import music21

    return Path(music21.__file__).parent / "corpus"


def split_abc(text: str) -> Iterator[tuple[int, str]]:
    """(X number, text) of every tune in an ABC file, each with the file header prepended."""
    parts = re.split(r"(?m)^(?=X:)", text)
    header = parts[0] if parts and not parts[0].startswith("X:") else ""
    for chunk in parts:
        match = re.match(r"X:\s*(\d+)", chunk)
        if match:
            yield int(match.group(1)), header + chunk


def by_name(path: Path) -> tuple[str, ...]:
    """Paths in the same order on every system, as Linux sorts them: Windows compares paths without case, which put
    the pieces in another order there, and so, through the seeded shuffle, into other splits (a model trained on
    Linux's split, evaluated on Windows', met some of its training pieces in the test split)."""
    return path.parts


def piece_sources(styles: tuple[StyleSource, ...], root: Path, limit_per_style: int | None = None) -> list[PieceSource]:
    found: list[PieceSource] = []
    for style in styles:
        pieces: list[PieceSource] = []
        for pattern in style.patterns:
            for path in sorted(root.glob(pattern), key=by_name):
                rel = path.relative_to(root).as_posix()  # the same in every manifest, Windows too
                if path.suffix == ".abc":
                    text = path.read_text(encoding="latin-1")
                    pieces.extend(PieceSource(style.name, rel, x, tune) for x, tune in split_abc(text))
                else:
                    pieces.append(PieceSource(style.name, rel))
        found.extend(pieces[:limit_per_style] if limit_per_style else pieces)
    return found


def parse_piece(
    source: PieceSource, root: Path
) -> tuple[str, list[TimedNote], list[TimeSignature], float, PieceKey]:
    """(title, notes of the top part, time signatures, beat of the first full bar, key)."""
    from music21 import chord, converter, meter, note

    if source.text is not None:
        score = converter.parse(source.text, format="abc")
    else:
        score = converter.parse(str(root / source.path))
    title = (score.metadata.title if score.metadata and score.metadata.title else "") or source.label
    part = score.parts[0] if score.parts else score
    flat = part.stripTies().flatten()
    notes: list[TimedNote] = []
    for element in flat.notes:
        length = float(element.duration.quarterLength)
        if length <= 0:
            continue  # grace notes
        if isinstance(element, chord.Chord):
            pitch = max(p.midi for p in element.pitches)
        elif isinstance(element, note.Note):
            pitch = element.pitch.midi
        else:
            continue
        start = float(element.offset)
        notes.append(TimedNote(int(pitch), start, start + length))
    signatures = [
        TimeSignature(float(ts.offset), ts.numerator, ts.denominator)
        for ts in flat.getElementsByClass(meter.TimeSignature)
    ]
    if not signatures:
        raise Skipped("no time signature")
    measures = list(part.getElementsByClass("Measure"))
    origin = 0.0
    if measures and measures[0].paddingLeft:
        origin = float(measures[0].barDuration.quarterLength - measures[0].paddingLeft)
    return title, notes, signatures, origin, score_key(flat, notes)


def score_key(flat, notes: list[TimedNote]) -> PieceKey:
    """The key the score writes (a key with its mode, else a key signature), else an estimate (model/data/keys.py)."""
    from music21 import key

    pitches, durations = [n.pitch for n in notes], [n.end - n.start for n in notes]
    for found in flat.getElementsByClass(key.KeySignature):  # music21's Key is a KeySignature with a tonic and mode
        if isinstance(found, key.Key) and found.mode:
            return piece_key(pitches, durations, declared=(found.tonic.pitchClass, found.mode))
        return piece_key(pitches, durations, sharps=found.sharps)
    return piece_key(pitches, durations)
