"""The data report: per style, what the corpus holds and what was skipped, as Markdown and JSON."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from stylevae.model.data.corpus import PLAYED_LIMIT, REPEATS
from stylevae.model.data.dataset import SPLITS, PhraseSet
from stylevae.model.data.keys import PITCH_NAMES, SCALES, mode_family
from stylevae.model.data.tokens import FIRST_PITCH_TOKEN, STEPS_PER_BAR

MINOR_FAMILY = {name for name, intervals in SCALES.items() if mode_family(intervals) == "minor"}


def style_stats(data: PhraseSet) -> list[dict]:
    vocab = data.vocab
    piece_split = [p["split"] for p in data.manifest["pieces"]]
    rows = []
    for index, name in enumerate(data.styles):
        mine = data.style == index
        tokens = data.tokens[mine]
        onsets = tokens >= FIRST_PITCH_TOKEN
        pitches = tokens[onsets].astype(int) - FIRST_PITCH_TOKEN + vocab.low
        pieces = {int(p) for p in data.piece[mine]}
        row = {
            "style": name,
            "pieces_seen": data.manifest["pieces_seen"].get(name, 0),
            "pieces_used": len(pieces),
            "notes": int(onsets.sum()),
            "pitch_min": int(pitches.min()),
            "pitch_max": int(pitches.max()),
            "notes_per_bar": round(float(onsets.sum() / (len(tokens) * tokens.shape[1] / STEPS_PER_BAR)), 2),
            "skipped": sum(data.manifest["skipped"].get(name, {}).values()),
        }
        keys = Counter(_key_name(data.manifest["pieces"][p]["key"]) for p in pieces)
        row["keys"] = dict(keys.most_common())
        row["key_sources"] = dict(Counter(data.manifest["pieces"][p]["key"]["source"] for p in pieces))
        bars = Counter(data.manifest["pieces"][p].get("bar_quarters") for p in pieces)
        row["written_bars"] = {_bar_name(q): n for q, n in sorted(bars.items(), key=lambda kv: (kv[0] is None,
                                                                                                kv[0] or 0))}
        repeats = Counter(data.manifest["pieces"][p].get("repeats") for p in pieces)
        row["repeats"] = {name: repeats[name] for name in REPEATS}
        for split in SPLITS:
            row[f"{split}_pieces"] = sum(piece_split[p] == split for p in pieces)
            row[f"{split}_phrases"] = int(sum(piece_split[p] == split for p in data.piece[mine]))
        rows.append(row)
    return rows


def _repeats_section(data: PhraseSet, rows: list[dict]) -> list[str]:
    """The pieces whose repeat marks were played out, per style (none for MIDI files, which are as played)."""
    if data.manifest["origin"]["kind"] != "music21":
        return ["MIDI files are read as they play: their repeats are already in them.", ""]
    if not data.manifest.get("play_repeats"):
        return ["Built with --as-written (or before repeats were played out): every score's repeats read once.", ""]
    return [
        "Scores are read as played: repeat marks expanded, first and second endings taken in turn (music21's "
        "expandRepeats). Pieces per style whose repeats were played out, that have none, and that are kept as written "
        f"(music21 could not expand their marks, or played them out past {PLAYED_LIMIT:g} times their written length):",
        "",
        "| style | " + " | ".join(REPEATS) + " |",
        "|---|" + "---|" * len(REPEATS),
        *[f"| {r['style']} | " + " | ".join(str(r["repeats"][name]) for name in REPEATS) + " |" for r in rows],
        "",
    ]


def _bar_name(quarters: float | None) -> str:
    """A written bar's length as the report names it: "4 quarters"; "not recorded" for data built before pieces
    recorded it."""
    return "not recorded" if quarters is None else f"{quarters:g} quarters"


def _key_name(key: dict) -> str:
    return f"{PITCH_NAMES[key['tonic']]} {key['mode']}"


def render(data: PhraseSet) -> str:
    rows = style_stats(data)
    rules = data.manifest["rules"]
    lines = [
        "# Data report",
        "",
        f"Source: {data.manifest['origin']['kind']}; {len(data)} phrases of {rules['bars']} bars "
        f"({data.tokens.shape[1]} sixteenth-note steps), hop {rules['hop_bars']} bar(s); "
        f"pitch range {data.vocab.low}–{data.vocab.high}; split by piece, seed {data.manifest['seed']}. "
        f"Built in {data.manifest['build_seconds']} s. Phrases are stored in their pieces' own keys "
        "(a key-relative model trains on them moved to C).",
        "",
        "| style | pieces used / seen | train phrases | valid phrases | test phrases | notes | pitch range "
        "| notes per bar |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['style']} | {r['pieces_used']} / {r['pieces_seen']} | {r['train_phrases']} | {r['valid_phrases']} "
            f"| {r['test_phrases']} | {r['notes']} | {r['pitch_min']}–{r['pitch_max']} | {r['notes_per_bar']} |"
        )
    lines += [
        "",
        "## Keys",
        "",
        "Every piece's key (model/data/keys.py): a church mode the score declares is kept; a declared major or minor "
        "key, or a bare key signature, is resolved between the signature's major and its relative minor by the "
        "melody (its final note, else its pitch classes); a piece with neither gets a Krumhansl–Schmuckler "
        "estimate. Pieces per key (the six most common) and where the keys came from:",
        "",
        "| style | most common keys (pieces) | minor-family share | from the score / signature / estimate |",
        "|---|---|---|---|",
    ]
    for r in rows:
        top = ", ".join(f"{k} {n}" for k, n in list(r["keys"].items())[:6])
        minor = sum(n for k, n in r["keys"].items() if k.split(" ")[1] in MINOR_FAMILY) / max(1, r["pieces_used"])
        sources = r["key_sources"]
        lines.append(f"| {r['style']} | {top} | {minor:.2f} | {sources.get('score', 0)} / "
                     f"{sources.get('signature', 0)} / {sources.get('estimate', 0)} |")
    lines += [
        "",
        "## Written bars",
        "",
        "A phrase is two 4/4 bars of the grid whatever the meter: a 2/4 tune's (a bar of 2 quarters) holds four of its "
        "written bars, a 4/2 tune's (8 quarters) one. Pieces per written bar:",
        "",
        "| style | pieces per written bar |",
        "|---|---|",
        *[f"| {r['style']} | {', '.join(f'{k}: {n}' for k, n in r['written_bars'].items())} |" for r in rows],
        "",
        "## Repeats",
        "",
        *_repeats_section(data, rows),
        "## Skipped pieces",
        "",
    ]
    for style, reasons in sorted(data.manifest["skipped"].items()):
        top = sorted(reasons.items(), key=lambda kv: -kv[1])
        lines.append(f"- **{style}** ({sum(reasons.values())}): " + "; ".join(f"{why} × {n}" for why, n in top[:8]))
    if data.manifest.get("styles_without_data"):
        lines.append(f"- styles with no usable phrase: {', '.join(data.manifest['styles_without_data'])}")
    return "\n".join(lines) + "\n"


def write(data: PhraseSet, folder: Path) -> Path:
    path = folder / "report.md"
    path.write_text(render(data), encoding="utf-8")
    (folder / "report.json").write_text(json.dumps(style_stats(data), indent=1), encoding="utf-8")
    return path
