"""The default corpus: styles drawn from the public-domain scores bundled with the music21 package.

Every source is read from the installed music21 package; nothing is downloaded. An ABC file holding
many tunes is split into its tunes, so that one bad tune costs only itself and work spreads evenly over
processes. For several-part scores (Bach chorales, Palestrina masses) the top part (soprano, cantus) is
the melody.

A piece is read as it is played: its repeat marks, with first and second endings, are played out
(``played_out``). Tunes are heard that way (a reel's strains AABB, a chorale's first two lines twice),
and how often and where a phrase comes back is learned and judged from them; read as written, no tune
ever repeated a whole strain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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


# a part that music21 plays out to more than this many times its written length has marks it misread (an air of two
# voices with "::" came out 8.75 times as long, by hand), and is kept as written; AABB tunes come out twice as long
PLAYED_LIMIT = 3.0
REPEATS = ("played out", "none", "as written")  # a piece's repeats (``played_out``): expanded, no marks, misread


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


class ParsedPiece(NamedTuple):
    title: str
    notes: list[TimedNote]  # the top part's, as played
    signatures: list[TimeSignature]
    origin: float  # the beat of the first full bar
    key: PieceKey
    repeats: str  # one of REPEATS
    written: list[TimedNote]  # the top part's, as written: whose tuplets judge the score (melody.piece_phrases)


def parse_piece(source: PieceSource, root: Path, play_repeats: bool = True) -> ParsedPiece:
    """The piece's top part, its repeats played out unless ``play_repeats`` is False (then as written)."""
    from music21 import converter, meter

    if source.text is not None:
        score = converter.parse(source.text, format="abc")
    else:
        score = converter.parse(str(root / source.path))
    title = (score.metadata.title if score.metadata and score.metadata.title else "") or source.label
    written = score.parts[0] if score.parts else score
    part, repeats = played_out(written) if play_repeats else (written, "as written")
    flat = part.stripTies().flatten()
    notes = top_notes(flat)
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
    as_written = notes if part is written else top_notes(written.stripTies().flatten())
    return ParsedPiece(title, notes, signatures, origin, score_key(flat, notes), repeats, as_written)


def top_notes(flat) -> list[TimedNote]:
    """The notes of a flattened part, a chord's top note for the chord, grace notes left out."""
    from music21 import chord, note

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
    return notes


def played_out(part):
    """(the part as played, one of REPEATS): its repeat marks expanded, first and second endings taken in turn;
    the part as written where there are none, or where music21 cannot expand them or gets a length past
    PLAYED_LIMIT times the written one (marks it misread)."""
    written = float(part.highestTime)
    try:
        played = part.expandRepeats()
    except Exception:  # music21's expander raises several kinds on marks it cannot pair: the tune is kept as written
        return part, "as written"
    length = float(played.highestTime)
    if length > PLAYED_LIMIT * written:
        return part, "as written"
    return (played, "played out") if length > written else (part, "none")


def score_key(flat, notes: list[TimedNote]) -> PieceKey:
    """The key the score writes (a key with its mode, else a key signature), else an estimate (model/data/keys.py)."""
    from music21 import key

    pitches, durations = [n.pitch for n in notes], [n.end - n.start for n in notes]
    for found in flat.getElementsByClass(key.KeySignature):  # music21's Key is a KeySignature with a tonic and mode
        if isinstance(found, key.Key) and found.mode:
            return piece_key(pitches, durations, declared=(found.tonic.pitchClass, found.mode))
        return piece_key(pitches, durations, sharps=found.sharps)
    return piece_key(pitches, durations)
