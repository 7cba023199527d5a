"""Building, splitting, caching and loading the phrase data set.

Both ingestion paths (the music21 corpus, a folder of MIDI files with one subfolder per style) produce
the same cache in one folder:

* ``phrases.npz`` — ``tokens`` (phrases × steps, uint8), and per phrase its ``style``, ``piece``, ``bar``,
  its piece's key (``tonic`` 0–11 and ``mode``, an index into ``keys.MODES``) and ``before``, the pitch of
  the last note that began before it (-1 at a piece's start);
* ``manifest.json`` — vocabulary, phrase rules, style names, every piece (source, title, split, key and
  where the key came from, written bar, whether its repeats were played out) and every skipped piece's
  reason, so each phrase can be traced to its source file and bar (of the piece as played).

The split is by piece (no phrase of a test piece is trained on), stratified by style, with a fixed seed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from stylevae.model.data.corpus import (
    DEFAULT_STYLES,
    PieceSource,
    StyleSource,
    by_name,
    corpus_root,
    parse_piece,
    piece_sources,
)
from stylevae.model.data.keys import MODES, PieceKey, piece_key, relative_shift
from stylevae.model.data.melody import Phrase, PhraseRules, Skipped, bar_quarters, piece_phrases
from stylevae.model.data.midi_io import MidiReadError, read_midi
from stylevae.model.data.tokens import FIRST_PITCH_TOKEN, Vocabulary

SPLITS = ("train", "valid", "test")
CACHE_VERSION = 2
MIDI_SUFFIXES = (".mid", ".midi", ".smf", ".kar")
WINDOWS_MAX_WORKERS = 61  # ProcessPoolExecutor refuses more there (a wait on at most 64 handles, less its own)


ARRAYS = ("tokens", "style", "piece", "bar", "tonic", "mode", "before")  # PhraseSet's arrays, in field order


class DataError(Exception):
    """A data set that cannot be built or loaded; the message says why."""


@dataclass(frozen=True)
class BuildConfig:
    vocab: Vocabulary = field(default_factory=Vocabulary)
    rules: PhraseRules = field(default_factory=PhraseRules)
    seed: int = 1234
    valid_fraction: float = 0.1
    test_fraction: float = 0.1
    play_repeats: bool = True  # read a score's repeats played out (corpus.played_out), else as written; MIDI is played


@dataclass
class PieceResult:
    style: str
    source: str
    title: str = ""
    phrases: list[Phrase] = field(default_factory=list)
    key: PieceKey | None = None
    skipped: str | None = None
    bar_quarters: float | None = None  # the written bar, in quarter notes (melody.bar_quarters)
    repeats: str | None = None  # a score's repeats (corpus.REPEATS); None for a MIDI file, which is as played


@dataclass
class PhraseSet:
    """Phrases in memory, with the manifest they came with."""

    tokens: np.ndarray  # (n, steps) uint8
    style: np.ndarray  # (n,) int64
    piece: np.ndarray  # (n,) int64
    bar: np.ndarray  # (n,) int64
    tonic: np.ndarray  # (n,) int64, the piece's tonic pitch class
    mode: np.ndarray  # (n,) int64, index into keys.MODES
    before: np.ndarray  # (n,) int64, the last pitch before the phrase, -1 for none
    manifest: dict

    @property
    def styles(self) -> list[str]:
        return self.manifest["styles"]

    @property
    def vocab(self) -> Vocabulary:
        return Vocabulary(**self.manifest["vocab"])

    @property
    def bar_quarters(self) -> np.ndarray:
        """(n,) float64: each phrase's tune's written bar in quarter notes (``melody.bar_quarters``); 4, the grid's
        own bar, for data built before pieces recorded it (or a manifest without its pieces)."""
        pieces = self.manifest.get("pieces")
        if not pieces:
            return np.full(len(self), 4.0)
        written = np.array([p.get("bar_quarters") or 4.0 for p in pieces], dtype=np.float64)
        return written[self.piece]

    def split(self, name: str) -> PhraseSet:
        piece_split = np.array([p["split"] for p in self.manifest["pieces"]])
        return self.subset(piece_split[self.piece] == name)

    def subset(self, rows: np.ndarray) -> PhraseSet:
        """The phrases at ``rows`` (indices or a boolean mask)."""
        return PhraseSet(*(getattr(self, name)[rows] for name in ARRAYS), self.manifest)

    def __len__(self) -> int:
        return len(self.tokens)


# --- parsing, in worker processes ------------------------------------------------------------------


def _parse_music21(job: tuple[PieceSource, str, BuildConfig]) -> PieceResult:
    source, root, config = job
    result = PieceResult(source.style, source.label)
    try:
        parsed = parse_piece(source, Path(root), config.play_repeats)
        result.title, result.key, result.repeats = parsed.title, parsed.key, parsed.repeats
        result.phrases = piece_phrases(parsed.notes, parsed.signatures, parsed.origin, config.rules, config.vocab,
                                       parsed.written)
        result.bar_quarters = bar_quarters(parsed.signatures)
    except Skipped as exc:
        result.skipped = str(exc)
    except Exception as exc:  # music21's parsers raise many kinds on odd scores: count them, go on
        result.skipped = f"music21 could not parse it ({type(exc).__name__})"
    return result


def _parse_midi(job: tuple[str, str, str, BuildConfig]) -> PieceResult:
    style, path, label, config = job
    result = PieceResult(style, label, title=Path(path).stem)
    try:
        notes, signatures, declared = read_midi(Path(path))
        result.phrases = piece_phrases(notes, signatures, 0.0, config.rules, config.vocab)
        result.bar_quarters = bar_quarters(signatures)
        result.key = piece_key([n.pitch for n in notes], [n.end - n.start for n in notes], declared)
    except MidiReadError as exc:
        result.skipped = str(exc).split(": ", 1)[1]
    except Skipped as exc:
        result.skipped = str(exc)
    return result


def _run_parallel(worker: Callable, jobs: Sequence, workers: int, desc: str) -> list[PieceResult]:
    """Workers are spawned, not forked: a fork copies only the calling thread, so a lock another thread of the
    caller held at that moment (a long-lived process such as a test run has several) stays locked in the worker
    for good. Spawn is also what macOS and Windows do. A worker that dies (killed, out of memory) ends the build
    with an error rather than a wait for its pieces that never ends."""
    if workers <= 1 or len(jobs) < 8:
        return [worker(job) for job in tqdm(jobs, desc=desc, unit="piece")]
    workers = min(workers, WINDOWS_MAX_WORKERS) if sys.platform == "win32" else workers
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        try:
            return list(tqdm(pool.map(worker, jobs, chunksize=8), total=len(jobs), desc=desc, unit="piece"))
        except BrokenProcessPool:
            raise DataError(f"a worker reading the {desc} died; try again with --workers 1 to see why") from None


# --- building ---------------------------------------------------------------------------------------


def build_music21(
    out: Path,
    config: BuildConfig = BuildConfig(),
    styles: tuple[StyleSource, ...] = DEFAULT_STYLES,
    limit_per_style: int | None = None,
    workers: int | None = None,
) -> PhraseSet:
    root = corpus_root()
    sources = piece_sources(styles, root, limit_per_style)
    jobs = [(source, str(root), config) for source in sources]
    started = time.perf_counter()
    results = _run_parallel(_parse_music21, jobs, workers or os.cpu_count() or 1, "music21 corpus")
    origin = {
        "kind": "music21",
        "music21_version": _music21_version(),
        "styles": {s.name: {"description": s.description, "patterns": list(s.patterns)} for s in styles},
        "limit_per_style": limit_per_style,
    }
    return _assemble(out, results, [s.name for s in styles], config, origin, time.perf_counter() - started)


def build_midi_dir(
    midi_dir: Path, out: Path, config: BuildConfig = BuildConfig(), workers: int | None = None
) -> PhraseSet:
    if not midi_dir.is_dir():
        raise DataError(f"{midi_dir} is not a folder (expected one subfolder of MIDI files per style)")
    style_dirs = sorted((d for d in midi_dir.iterdir() if d.is_dir() and not d.name.startswith(".")), key=by_name)
    jobs = []
    for style_dir in style_dirs:
        for path in sorted(style_dir.rglob("*"), key=by_name):
            if path.is_file() and path.suffix.lower() in MIDI_SUFFIXES:
                jobs.append((style_dir.name, str(path), path.relative_to(midi_dir).as_posix(), config))
    started = time.perf_counter()
    results = _run_parallel(_parse_midi, jobs, workers or os.cpu_count() or 1, "MIDI files")
    origin = {"kind": "midi_dir", "path": str(midi_dir.resolve())}
    names = [d.name for d in style_dirs]
    return _assemble(out, results, names, config, origin, time.perf_counter() - started)


def _assemble(
    out: Path,
    results: list[PieceResult],
    style_names: list[str],
    config: BuildConfig,
    origin: dict,
    seconds: float,
) -> PhraseSet:
    usable = [r for r in results if r.phrases]
    if not usable:
        reasons = sorted({r.skipped for r in results if r.skipped})
        raise DataError(
            f"no usable phrase in {len(results)} piece(s); skipped because: {'; '.join(reasons[:3]) or 'none found'}"
        )
    styles_with_data = [s for s in style_names if any(r.style == s for r in usable)]
    if len(styles_with_data) < 2:
        raise DataError(
            f"only {len(styles_with_data)} style(s) have usable phrases ({', '.join(styles_with_data) or 'none'}); "
            "at least 2 styles are needed"
        )
    style_index = {s: i for i, s in enumerate(styles_with_data)}
    pieces = []
    tokens, rows = [], []
    for result in usable:
        if result.style not in style_index:
            continue
        pid = len(pieces)
        key = result.key
        pieces.append({"style": result.style, "source": result.source, "title": result.title, "split": "",
                       "key": {"tonic": key.tonic, "mode": key.mode, "source": key.source},
                       "bar_quarters": result.bar_quarters, "repeats": result.repeats})
        for phrase in result.phrases:
            tokens.append(phrase.tokens.astype(np.uint8))
            before = -1 if phrase.before is None else phrase.before
            rows.append((style_index[result.style], pid, phrase.bar, key.tonic, MODES.index(key.family), before))
    assign_splits(pieces, config)
    skipped: dict[str, dict[str, int]] = {}
    for result in results:
        if result.skipped:
            reasons = skipped.setdefault(result.style, {})
            reasons[result.skipped] = reasons.get(result.skipped, 0) + 1
    manifest = {
        "version": CACHE_VERSION,
        "vocab": asdict(config.vocab),
        "rules": asdict(config.rules),
        "seed": config.seed,
        "fractions": {"valid": config.valid_fraction, "test": config.test_fraction},
        "play_repeats": config.play_repeats,
        "origin": origin,
        "styles": styles_with_data,
        "styles_without_data": [s for s in style_names if s not in style_index],
        "pieces_seen": {s: sum(r.style == s for r in results) for s in style_names},
        "pieces": pieces,
        "skipped": skipped,
        "skipped_files": [{"source": r.source, "reason": r.skipped} for r in results if r.skipped],
        "build_seconds": round(seconds, 1),
    }
    columns = np.array(rows, dtype=np.int64).T
    data = PhraseSet(np.stack(tokens), *columns, manifest)
    save(data, out)
    return data


def assign_splits(pieces: list[dict], config: BuildConfig) -> None:
    """Marks every piece train, valid or test: per style, shuffled with the seed, by the fractions."""
    rng = np.random.default_rng(config.seed)
    for style in sorted({p["style"] for p in pieces}):
        members = [p for p in pieces if p["style"] == style]
        order = rng.permutation(len(members))
        n_test = int(round(len(members) * config.test_fraction))
        n_valid = int(round(len(members) * config.valid_fraction))
        if len(members) >= 3:
            n_test, n_valid = max(n_test, 1), max(n_valid, 1)
        for rank, index in enumerate(order):
            members[index]["split"] = "test" if rank < n_test else "valid" if rank < n_test + n_valid else "train"


# --- views -----------------------------------------------------------------------------------------


def relative_shifts(data: PhraseSet) -> np.ndarray:
    """Per phrase, the shift that brings its piece's tonic to C: the smallest (keys.relative_shift, −5..6
    semitones), an octave further where that would push a note out of the vocabulary."""
    vocab = data.vocab
    shift = np.array([relative_shift(t) for t in range(12)])[data.tonic]
    pitched = data.tokens >= FIRST_PITCH_TOKEN
    low = np.where(pitched, data.tokens, vocab.size).min(axis=1).astype(np.int64)
    high = np.where(pitched, data.tokens, 0).max(axis=1).astype(np.int64)
    shift = np.where(high + shift >= vocab.size, shift - 12, shift)
    return np.where(low + shift < FIRST_PITCH_TOKEN, shift + 12, shift)


def key_relative(data: PhraseSet) -> PhraseSet:
    """Every phrase (and the pitch before it) transposed so that its piece's tonic is C (``relative_shifts``),
    row for row: what a key-relative model trains and is evaluated on."""
    shift = relative_shifts(data)
    tokens = data.tokens.astype(np.int64)
    shifted = np.where(tokens >= FIRST_PITCH_TOKEN, tokens + shift[:, None], tokens)
    before = np.where(data.before >= 0, data.before + shift, -1)
    return PhraseSet(shifted.astype(np.uint8), data.style, data.piece, data.bar, np.zeros_like(data.tonic),
                     data.mode, before, data.manifest)


def first_tokens(before: np.ndarray, vocab: Vocabulary, start_token: int) -> np.ndarray:
    """The decoder's first inputs: the note-on of the pitch before each phrase, the start token where none."""
    inside = (before >= vocab.low) & (before <= vocab.high)
    return np.where(inside, FIRST_PITCH_TOKEN + before - vocab.low, start_token)


def key_counts(data: PhraseSet, style: str, split: str = "train") -> dict[tuple[int, str], int]:
    """How many pieces of a style and split are in each key (tonic, mode)."""
    counts: dict[tuple[int, str], int] = {}
    for p in data.manifest["pieces"]:
        if p["style"] == style and p["split"] == split and "key" in p:
            key = (p["key"]["tonic"], p["key"]["mode"])
            counts[key] = counts.get(key, 0) + 1
    return counts


def style_keys(data: PhraseSet) -> dict[str, dict]:
    """Per style, the most common key (tonic and mode) of its training pieces: a voice's key until told one."""
    found: dict[str, dict] = {}
    for style in data.styles:
        counts = key_counts(data, style)
        if counts:
            (tonic, mode), _ = max(counts.items(), key=lambda item: (item[1], -item[0][0]))
            found[style] = {"tonic": tonic, "mode": mode}
    return found


# --- the cache --------------------------------------------------------------------------------------


def save(data: PhraseSet, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "phrases.npz", **{name: getattr(data, name) for name in ARRAYS})
    (out / "manifest.json").write_text(json.dumps(data.manifest, indent=1), encoding="utf-8")


def load(folder: Path) -> PhraseSet:
    manifest_path, arrays_path = folder / "manifest.json", folder / "phrases.npz"
    for path in (manifest_path, arrays_path):
        if not path.is_file():
            raise DataError(f"{path} is missing: build the data set first (stylevae data)")
    try:
        manifest = json.loads(manifest_path.read_bytes())
        with np.load(arrays_path, allow_pickle=False) as arrays:
            if manifest.get("version") != CACHE_VERSION:
                raise DataError(
                    f"{manifest_path}: cache version {manifest.get('version')}, this code reads {CACHE_VERSION} "
                    "(keys per phrase): rebuild it with stylevae data"
                )
            data = PhraseSet(arrays["tokens"], *(arrays[name].astype(np.int64) for name in ARRAYS[1:]), manifest)
    except (ValueError, KeyError, OSError) as exc:
        raise DataError(f"{folder}: unreadable data cache ({exc})") from None
    return data


def iter_provenance(data: PhraseSet, indices: Iterable[int]) -> Iterable[dict]:
    """Where phrases came from: source file, piece title, bar offset."""
    for i in indices:
        piece = data.manifest["pieces"][int(data.piece[i])]
        yield {"source": piece["source"], "title": piece["title"], "bar": int(data.bar[i]), "style": piece["style"]}


def _music21_version() -> str:
    import music21

    return music21.__version__
