"""The model's subcommands of ``stylevae``: data (and, as they arrive, train, eval, sample)."""

from __future__ import annotations

import argparse
from pathlib import Path

from model import data_report, dataset
from model.melody import PhraseRules
from model.tokens import Vocabulary

DEFAULT_DATA = Path("data/default")


class UserError(Exception):
    """An error the user can fix; printed as one line, no traceback."""


def add_commands(sub: argparse._SubParsersAction) -> None:
    data = sub.add_parser(
        "data",
        help="build the phrase data set (music21 corpus, or a folder of MIDI files)",
        description="Build the cached phrase data set and its report. Without --midi-dir, the default corpus "
        "is read from the music21 package (about 15 minutes on 2 cores); with --midi-dir, every subfolder "
        "of DIR is a style and its MIDI files are its pieces.",
    )
    data.add_argument("--midi-dir", type=Path, help="folder with one subfolder of MIDI files per style")
    data.add_argument("--out", type=Path, default=DEFAULT_DATA, help="cache folder (default: %(default)s)")
    data.add_argument("--bars", type=int, default=2, help="bars of 4/4 per phrase (default: %(default)s)")
    data.add_argument("--hop", type=int, default=1, help="bars between phrase starts (default: %(default)s)")
    data.add_argument("--low", type=int, default=21, help="lowest MIDI pitch (default: %(default)s)")
    data.add_argument("--high", type=int, default=108, help="highest MIDI pitch (default: %(default)s)")
    data.add_argument("--limit-per-style", type=int, help="use only the first N pieces of each style")
    data.add_argument("--workers", type=int, help="parallel processes (default: all cores)")
    data.add_argument("--force", action="store_true", help="rebuild even if the cache exists")
    data.add_argument("--report", action="store_true", help="print the report of the existing cache, build nothing")
    data.set_defaults(run=run_data)

    from model.train import add_config_arguments

    train = sub.add_parser(
        "train",
        help="train a StyleVAE or the baseline on a built data set",
        description="Train on DATA (see `stylevae data`), writing OUT/best (the best checkpoint), OUT/last "
        "(for --resume) and OUT/history.json. Settings come from TrainConfig defaults, then --config FILE, "
        "then flags. For data-parallel training run `torchrun --nproc-per-node N -m model.train ...`.",
    )
    add_config_arguments(train)
    train.set_defaults(run=run_train)


def run_data(args: argparse.Namespace) -> None:
    if args.report or ((args.out / "manifest.json").is_file() and not args.force):
        data = _load(args.out)
        if not args.report:
            print(f"{args.out} exists (use --force to rebuild); its report:")
        print(data_report.render(data))
        return
    if args.bars < 1 or args.hop < 1:
        raise UserError("--bars and --hop must be at least 1")
    try:
        config = dataset.BuildConfig(Vocabulary(args.low, args.high), PhraseRules(bars=args.bars, hop_bars=args.hop))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    try:
        if args.midi_dir:
            data = dataset.build_midi_dir(args.midi_dir, args.out, config, args.workers)
        else:
            data = dataset.build_music21(args.out, config, limit_per_style=args.limit_per_style, workers=args.workers)
    except dataset.DataError as exc:
        raise UserError(str(exc)) from None
    path = data_report.write(data, args.out)
    print(data_report.render(data))
    print(f"cache: {args.out}/phrases.npz, {args.out}/manifest.json; report: {path}")


def run_train(args: argparse.Namespace) -> None:
    from model import checkpoint, train

    try:
        config = train.config_from_args(args)
        best = train.train(config, resume=args.resume)
    except (ValueError, dataset.DataError, checkpoint.CheckpointError) as exc:
        raise UserError(str(exc)) from None
    print(f"best checkpoint: {best}")


def _load(folder: Path) -> dataset.PhraseSet:
    try:
        return dataset.load(folder)
    except dataset.DataError as exc:
        raise UserError(str(exc)) from None
