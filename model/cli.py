"""The model's subcommands of ``stylevae``: data, train, latents, eval, sample."""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

from stylevae.model.data import dataset
from stylevae.model.data import report as data_report
from stylevae.model.data.keys import SCALES, ScaleError
from stylevae.model.data.melody import PhraseRules
from stylevae.model.data.midi_io import MidiReadError
from stylevae.model.data.tokens import Vocabulary
from stylevae.model.decoding import playing
from stylevae.model.errors import UserError, output_folder, seed

DEFAULT_DATA = Path("data/default")
DEFAULT_EVAL_OUT = Path("runs/eval")


def add_commands(sub: argparse._SubParsersAction) -> None:
    data = sub.add_parser(
        "data",
        help="build the phrase data set (music21 corpus, or a folder of MIDI files)",
        description="Build the cached phrase data set and its report. Without --midi-dir, the default corpus "
        "is read from the music21 package (about 20 minutes on 2 cores); with --midi-dir, every subfolder "
        "of DIR is a style and its MIDI files are its pieces.",
    )
    data.add_argument("--midi-dir", type=Path, help="folder with one subfolder of MIDI files per style")
    data.add_argument("--out", type=Path, default=DEFAULT_DATA, help="cache folder (default: %(default)s)")
    data.add_argument("--bars", type=int, default=2, help="bars of 4/4 per phrase (default: %(default)s)")
    data.add_argument("--hop", type=int, default=1, help="bars between phrase starts (default: %(default)s)")
    data.add_argument("--low", type=int, default=21, help="lowest MIDI pitch (default: %(default)s)")
    data.add_argument("--high", type=int, default=108, help="highest MIDI pitch (default: %(default)s)")
    data.add_argument("--limit-per-style", type=int, help="use only the first N pieces of each style")
    data.add_argument("--as-written", action="store_true", help="read scores' repeats once, as written (default: "
                      "played out, with first and second endings, as tunes are heard)")
    data.add_argument("--workers", type=int, help="parallel processes (default: all cores)")
    data.add_argument("--force", action="store_true", help="rebuild even if the cache exists")
    data.add_argument("--report", action="store_true", help="print the report of the existing cache, build nothing")
    data.set_defaults(run=run_data)

    from stylevae.model.training.train import add_config_arguments

    train = sub.add_parser(
        "train",
        help="train a StyleVAE or the baseline on a built data set",
        description="Train on DATA (see `stylevae data`), writing OUT/best (the best checkpoint), OUT/last "
        "(for --resume) and OUT/history.json. Settings come from TrainConfig defaults, then --config FILE, "
        "then flags. For data-parallel training run "
        "`torchrun --nproc-per-node N -m stylevae.model.training.train ...` (on Windows set the environment "
        "variable USE_LIBUV to 0 first: PyPI's torch there is built without libuv, which torchrun's rendezvous asks "
        "for by default).",
    )
    add_config_arguments(train)
    train.set_defaults(run=run_train)
    latents = sub.add_parser(
        "latents",
        help="fit a checkpoint's phrase continuation anew on the data it was trained on",
        description="Fit the phrase-to-phrase latents beside a checkpoint (latents.safetensors: the pairs of real "
        "phrases a line goes on along, the weights that spread a line's visits evenly over them, how often phrases "
        "come back, and the border ratio) on the training split "
        "of DATA, the data set the checkpoint was trained on. Training does this when it ends; this is for a "
        "checkpoint whose latents an older version fitted (it then starts its lines from N(0, I) and walks at "
        "random, and says so when loaded). A few minutes on 2 cores for the default corpus.",
    )
    latents.add_argument("--model", type=Path, help="the checkpoint folder (default: the shipped model)")
    latents.add_argument("--data", type=Path, default=DEFAULT_DATA, help="built data set (default: %(default)s)")
    latents.set_defaults(run=run_latents)
    add_eval(sub)
    add_sample(sub)


def add_eval(sub: argparse._SubParsersAction) -> None:
    from stylevae.model.evaluation.evaluate import EvalConfig
    from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT

    d = EvalConfig()
    companions = DEFAULT_CHECKPOINT.parent
    ev = sub.add_parser(
        "eval",
        help="evaluate StyleVAE against the baseline (and the μ-forcing-off ablation) on the test split",
        description="Score the models on DATA's test split and write OUT/report.md, OUT/metrics.json, PNG plots "
        "and OUT/classifier/ (the independent style classifier that judges generated phrases: trained on the "
        "training split on first use, reused afterwards on the same data). Without --model, the shipped model "
        f"({DEFAULT_CHECKPOINT}) is evaluated with its companions {companions}/baseline and {companions}/no_mu "
        "when they exist. The real runs: stylevae eval --model runs/default/best --baseline runs/baseline/best "
        "--no-mu runs/no_mu/best --out runs/eval. Training curves are read from history.json beside each "
        "checkpoint folder (runs/x/best -> runs/x/history.json).",
    )
    ev.add_argument("--data", type=Path, default=DEFAULT_DATA, help="built data set (default: %(default)s)")
    ev.add_argument("--model", type=Path, help="the StyleVAE checkpoint folder (default: the shipped model)")
    ev.add_argument("--baseline", type=Path, help="the label-conditioned baseline's checkpoint folder "
                    "(default: the shipped baseline if present and --model is not given)")
    ev.add_argument("--no-mu", type=Path, help="the ablation trained without μ-forcing (--beta-mu 0) "
                    "(default: the shipped one if present and --model is not given)")
    ev.add_argument("--out", type=Path, default=DEFAULT_EVAL_OUT, help="report folder (default: %(default)s)")
    ev.add_argument("--max-test", type=int, default=d.max_test, help="test phrases for reconstruction and latent "
                    "metrics, style-balanced (default: %(default)s)")
    ev.add_argument("--per-style", type=int, default=d.per_style, help="phrases generated per style "
                    "(default: %(default)s)")
    ev.add_argument("--real-per-style", type=int, default=d.real_per_style, help="real test phrases per style for "
                    "the feature distributions (default: %(default)s)")
    ev.add_argument("--restyle-per-style", type=int, default=d.restyle_per_style, help="test phrases per style "
                    "restyled into every other style (default: %(default)s)")
    ev.add_argument("--blend", metavar="A,B", help="the two styles to blend (default: irish_dance,bach_chorale when "
                    "present, else the first and last style)")
    ev.add_argument("--blend-count", type=int, default=d.blend_count, help="z_c samples per blend weight "
                    "(default: %(default)s)")
    ev.add_argument("--temperature", type=float, default=d.temperature, help="sampling temperature of generated "
                    "phrases (default: %(default)s)")
    ev.add_argument("--seed", type=seed, default=d.seed, help="(default: %(default)s)")
    ev.add_argument("--threads", type=int, default=d.threads, help="torch threads (default: %(default)s; more "
                    "helps only on an otherwise idle machine)")
    ev.add_argument("--classifier-epochs", type=int, default=d.classifier.epochs, help="(default: %(default)s)")
    ev.add_argument("--classifier-epoch-size", type=int, default=d.classifier.epoch_size,
                    help="phrases per classifier epoch (default: %(default)s)")
    ev.set_defaults(run=run_eval)


def add_sample(sub: argparse._SubParsersAction) -> None:
    from stylevae.model.decoding import sample

    sa = sub.add_parser(
        "sample",
        help="write generated melodies as MIDI files: a style, a mix of styles, or a MIDI file restyled",
        description="Generate --count MIDI files into --out. --style is a style name or a mix "
        "(irish_dance:0.7,bach_chorale:0.3). With --restyle IN.mid, the file's melody (highest voice, cut into "
        "the model's 2-bar phrases) is re-played in the chosen style, keeping its content code. "
        "`stylevae sample --list-styles` prints the model's styles.",
    )
    sa.add_argument("--style", help="style name or mix name:weight,name:weight")
    sa.add_argument("--restyle", type=Path, metavar="IN.mid", help="restyle this MIDI file instead of sampling")
    sa.add_argument("--count", type=int, default=4, help="files to write (default: %(default)s)")
    sa.add_argument("--temperature", type=float, help=f"sampling temperature > 0 (default: "
                    f"{sample.SAMPLE_TEMPERATURE}, with --restyle {sample.RESTYLE_TEMPERATURE})")
    sa.add_argument("--key", help="tonic: a note name (C, F#, Bb) or 0..11 (default: the style's most common key)")
    sa.add_argument("--scale", default=None, help=f"with --key: a scale name ({', '.join(SCALES)}) or intervals "
                    "like 0,2,3,5,7,9,10 (default: the style's mode)")
    sa.add_argument("--lock", type=float, default=playing.LOCK,
                    help="scale lock 0..1: 1 only in-scale notes (default: %(default)s)")
    sa.add_argument("--phrases", type=int, default=1, help="phrases chained in each file, as a daemon voice plays "
                    "them (default: %(default)s)")
    sa.add_argument("--variation", type=float, default=playing.VARIATION,
                    help="how far the line moves at each phrase border, 0..1 (default: %(default)s)")
    sa.add_argument("--seed", type=seed, help="for reproducible output (default: fresh randomness)")
    sa.add_argument("--bpm", type=float, default=120.0, help="tempo written to the files (default: %(default)s)")
    sa.add_argument("--out", type=Path, default=Path("samples"), help="output folder (default: %(default)s)")
    sa.add_argument("--model", type=Path, help="checkpoint folder (default: the shipped model)")
    sa.add_argument("--list-styles", action="store_true", help="print the model's styles and exit")
    sa.set_defaults(run=run_sample)


def run_data(args: argparse.Namespace) -> None:
    if args.report or ((args.out / "manifest.json").is_file() and not args.force):
        data = _load(args.out)
        if not args.report:
            print(f"{args.out} exists (use --force to rebuild); its report:")
        print(data_report.render(data))
        return
    for flag in ("bars", "hop", "limit_per_style", "workers"):  # the last two: not given is "all"
        if getattr(args, flag) is not None and getattr(args, flag) < 1:
            raise UserError(f"--{flag.replace('_', '-')} must be at least 1, got {getattr(args, flag)}")
    try:
        config = dataset.BuildConfig(Vocabulary(args.low, args.high), PhraseRules(bars=args.bars, hop_bars=args.hop),
                                     play_repeats=not args.as_written)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    output_folder(args.out)
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
    from stylevae.model.network import checkpoint
    from stylevae.model.training import train

    started = time.perf_counter()
    try:
        config = train.config_from_args(args)
        best = train.train(config, resume=args.resume)
    except (ValueError, dataset.DataError, checkpoint.CheckpointError) as exc:
        raise UserError(str(exc)) from None
    print(f"best checkpoint: {best} (training took {(time.perf_counter() - started) / 60:.0f} min)")


def run_latents(args: argparse.Namespace) -> None:
    from stylevae.model.decoding.continuation import LATENTS
    from stylevae.model.network import checkpoint
    from stylevae.model.training.batches import model_view
    from stylevae.model.training.train import fit_continuation

    folder = args.model or checkpoint.DEFAULT_CHECKPOINT
    try:
        ckpt = checkpoint.load(folder, warn=False)
    except checkpoint.CheckpointError as exc:
        raise UserError(str(exc)) from None
    data = _load(args.data)
    if data.styles != ckpt.styles or data.vocab != ckpt.vocab or data.tokens.shape[1] != ckpt.steps:
        raise UserError(f"{args.data} is not the data {folder} was trained on: its styles, pitch range or phrase "
                        f"length differ ({', '.join(data.styles)} against {', '.join(ckpt.styles)})")
    output_folder(folder, folder / LATENTS)
    fit_continuation(folder, model_view(ckpt.model, data.split("train")), data.manifest["rules"]["bars"])


def run_eval(args: argparse.Namespace) -> None:
    from stylevae.model.evaluation import evaluate
    from stylevae.model.evaluation.classifier import ClassifierConfig
    from stylevae.model.network import checkpoint

    models = {"stylevae": args.model or checkpoint.DEFAULT_CHECKPOINT}
    companions = checkpoint.DEFAULT_CHECKPOINT.parent
    for name, given in (("baseline", args.baseline), ("no_mu", args.no_mu)):
        if given:
            models[name] = given
        elif args.model is None and (companions / name).is_dir():
            models[name] = companions / name
    for flag in ("max_test", "per_style", "real_per_style", "restyle_per_style", "blend_count",
                 "classifier_epochs", "classifier_epoch_size", "threads"):
        if getattr(args, flag) < 1:
            raise UserError(f"--{flag.replace('_', '-')} must be at least 1")
    if not math.isfinite(args.temperature) or args.temperature <= 0:
        raise UserError(f"--temperature must be a positive number, got {args.temperature}")
    blend = None
    if args.blend:
        blend = tuple(s.strip() for s in args.blend.split(","))
        if len(blend) != 2:
            raise UserError(f"--blend takes two styles, A,B; got {args.blend!r}")
    config = evaluate.EvalConfig(
        max_test=args.max_test,
        per_style=args.per_style,
        temperature=args.temperature,
        real_per_style=args.real_per_style,
        restyle_per_style=args.restyle_per_style,
        blend_pair=blend,
        blend_count=args.blend_count,
        seed=args.seed,
        threads=args.threads,
        classifier=ClassifierConfig(epochs=args.classifier_epochs, epoch_size=args.classifier_epoch_size),
    )
    output_folder(args.out)
    try:
        metrics = evaluate.evaluate(args.data, models, args.out, config)
    except (dataset.DataError, checkpoint.CheckpointError, evaluate.EvalError) as exc:
        raise UserError(str(exc)) from None
    print(f"evaluated {', '.join(models)} in {metrics['seconds']['total_with_plots']:.0f} s")
    print(f"report: {args.out / 'report.md'}; metrics: {args.out / 'metrics.json'}")


def run_sample(args: argparse.Namespace) -> None:
    from stylevae.model.decoding import sample
    from stylevae.model.decoding.generate import GenerationError
    from stylevae.model.network import checkpoint

    try:
        ckpt = checkpoint.load(args.model or checkpoint.DEFAULT_CHECKPOINT)
    except checkpoint.CheckpointError as exc:
        raise UserError(str(exc)) from None
    if args.list_styles:
        print("\n".join(ckpt.styles))
        return
    if not args.style:
        raise UserError(f"--style is required: one of {', '.join(ckpt.styles)}, or a mix name:weight,name:weight")
    if args.count < 1:
        raise UserError(f"--count must be at least 1, got {args.count}")
    if not math.isfinite(args.bpm) or not 20 <= args.bpm <= 400:
        raise UserError(f"--bpm must be between 20 and 400, got {args.bpm}")
    if not 1 <= args.phrases <= 64:
        raise UserError(f"--phrases must be between 1 and 64, got {args.phrases}")
    if not 0 <= args.variation <= 1:
        raise UserError(f"--variation must be between 0 and 1, got {args.variation}")
    try:
        key = _key(args.key, args.scale, ckpt, args.style)
        source = sample.midi_phrases(args.restyle, ckpt.steps, ckpt.vocab) if args.restyle else None
        tokens = sample.generate_tokens(ckpt, args.style, args.count, args.temperature, args.seed, source, key,
                                        args.lock, args.phrases, args.variation)
    except (GenerationError, MidiReadError, ScaleError) as exc:
        raise UserError(str(exc)) from None
    output_folder(args.out)
    stem = sample.file_stem(args.style)
    if args.restyle:
        stem = f"{args.restyle.stem}_as_{stem}"
    for path in sample.write_files(tokens, ckpt.vocab, args.out, stem, args.bpm):
        print(path)


def _key(tonic: str | None, scale: str | None, ckpt, style: str):
    """The key of --key/--scale; None (the style's own) without --key."""
    from stylevae.model.data.keys import make_key, parse_tonic

    if tonic is None:
        if scale is not None:
            raise UserError("--scale needs --key (the tonic), e.g. --key D --scale dorian")
        return None
    root = parse_tonic(tonic)
    if scale is None:
        heaviest = max(style.split(","), key=lambda item: float(item.split(":")[1]) if ":" in item else 1.0)
        name = heaviest.split(":")[0].strip()
        scale = ckpt.style_key(ckpt.styles.index(name)).name if name in ckpt.styles else "major"
    if "," in scale or scale.strip().isdigit():
        try:
            intervals = [int(v) for v in scale.split(",")]
        except ValueError:
            raise ScaleError(f"cannot read the intervals {scale!r}: write numbers 0..11 (0,2,3,7)") from None
        return make_key(root, intervals)
    return make_key(root, scale)


def _load(folder: Path) -> dataset.PhraseSet:
    try:
        return dataset.load(folder)
    except dataset.DataError as exc:
        raise UserError(str(exc)) from None
