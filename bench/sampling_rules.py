"""Sampling rules side by side: the shipped model's 16-bar streams, decoded as the daemon plays a voice, under
several temperatures and top-p values, each against real tunes by ``stylevae eval``'s ear-like measures; a rule
marked ``unbalanced`` draws each next phrase of a line without the weights that spread a line's visits evenly over
real phrases (``continuation.balance``; the rest of the shipped fit, its border ratio included, unchanged), one
marked ``unled`` decodes the phrase before a return without its lead into it (``decoder.Lead``).

The stream measures move from one seed set to another (a style's register drift by up to 0.8 semitones at 96
streams), so each rule runs on the same few seed sets and the report gives their mean: the same streams but for
the rule. For each rule it also gives the streams' mean distance to real tunes, each measure's |generated − real|
over real averaged over styles, on the six measures of a phrase and its neighbours and with span and drift.

Usage: .venv/bin/python bench/sampling_rules.py [--rules 1:1 1:0.95 1:0.95:unbalanced 1:0.95:unled ...] [--seeds 1234 1]
                                                [--streams 96] [--data data/default] [--name sampling_rules]
Needs the built data set (``stylevae data``). About 45 s per rule and seed set on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine_facts import hardware_line, machine, ran  # noqa: E402
from soak import save  # noqa: E402

if TYPE_CHECKING:  # torch and the model load inside main, after the arguments are read
    from stylevae.model.data.dataset import PhraseSet
    from stylevae.model.decoding.decoder import Rules
    from stylevae.model.network.checkpoint import Checkpoint

SIX = ("same_scale", "joint_fit", "border_leap", "inner_leap", "notes_per_bar", "repetition")
EIGHT = (*SIX, "pitch_span", "register_drift")
SHOWN = ("out_of_key", "border_leap", "inner_leap", "notes_per_bar", "repetition", "return_leap", "pitch_span",
         "register_drift")
MARKS = ("unbalanced", "unled")  # what a rule may leave out of the shipped way of playing, after its numbers


def rule(text: str) -> tuple[float, float, frozenset[str]]:
    """``TEMPERATURE:TOP_P``, then any of MARKS: ``1:0.95:unbalanced:unled``."""
    parts = text.split(":")
    try:
        marks = parts[2:]
        if len(parts) < 2 or len(set(marks)) != len(marks) or not set(marks) <= set(MARKS):
            raise ValueError
        temperature, top_p = (float(x) for x in parts[:2])
    except ValueError:
        raise argparse.ArgumentTypeError(f"a rule is TEMPERATURE:TOP_P[:unbalanced][:unled], got {text!r}") from None
    return temperature, top_p, frozenset(marks)


def distance(per_style: list[dict], measures: tuple[str, ...]) -> float:
    """The mean over styles and ``measures`` of |generated − real| / |real| (pairs without both left out)."""
    found = [abs(e["generated"][m] - e["real"][m]) / abs(e["real"][m]) for e in per_style for m in measures
             if e["generated"].get(m) is not None and e["real"].get(m)]
    return float(np.mean(found)) if found else float("nan")


def mean_over_seeds(runs: list[list[dict]]) -> list[dict]:
    """Per style, each measure's mean over the seed sets' runs (the real values are the same in every run)."""
    return [{"real": runs[0][s]["real"],
             "generated": {m: float(np.mean([run[s]["generated"][m] for run in runs]))
                           for m in runs[0][s]["generated"]  # the measures, not their standard errors' table
                           if all(isinstance(run[s]["generated"][m], (int, float)) for run in runs)}}
            for s in range(len(runs[0]))]


def render(result: dict) -> str:
    return side_by_side(result, "Sampling rules side by side", "rule (temperature / top-p, lines)")


def side_by_side(result: dict, title: str, label: str) -> str:
    """The report of ``result["rules"]`` (variants by name, each with its measures per style and its distances)."""
    names = list(result["rules"])
    lines = [
        f"# {title}",
        "",
        f"{ran(result)} Streams: {result['streams']} a style of 8 phrases, seed sets {result['seeds']}, "
        f"each variant on the same seeds; the generated values are means over the seed sets.",
        hardware_line(result["machine_start"], result["machine_end"]),
        "",
        f"| {label} | distance, six measures (per seed set) | distance, eight (per seed set) |",
        "| --- | --- | --- |",
    ]
    for name in names:
        entry = result["rules"][name]
        each6 = ", ".join(f"{d:.3f}" for d in entry["distance_six_each"])
        each8 = ", ".join(f"{d:.3f}" for d in entry["distance_eight_each"])
        lines.append(f"| {name} | {entry['distance_six']:.3f} ({each6}) | {entry['distance_eight']:.3f} ({each8}) |")
    styles = result["styles"]
    for measure in SHOWN:
        lines += ["", f"**{measure}**", "", "| style | real | " + " | ".join(names) + " |",
                  "|---|---|" + "---|" * len(names)]
        for s, style in enumerate(styles):
            real = result["rules"][names[0]]["per_style"][s]["real"].get(measure)
            cells = [result["rules"][n]["per_style"][s]["generated"].get(measure) for n in names]
            lines.append(f"| {style} | {'–' if real is None else f'{real:.3f}'} | "
                         + " | ".join("–" if c is None else f"{c:.3f}" for c in cells) + " |")
    return "\n".join(lines) + "\n"


def variant(runs: list[list[dict]]) -> dict:
    """A variant's entry: its measures per style, the mean over the seed sets' ``runs``, and their distances."""
    return {
        "per_style": mean_over_seeds(runs),
        "distance_six_each": [distance(run, SIX) for run in runs],
        "distance_eight_each": [distance(run, EIGHT) for run in runs],
        "distance_six": float(np.mean([distance(run, SIX) for run in runs])),
        "distance_eight": float(np.mean([distance(run, EIGHT) for run in runs])),
    }


def add_stream_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """The seed sets, streams, data set and report name that every side-by-side of streams takes."""
    parser.add_argument("--seeds", nargs="+", type=int, default=[1234, 1])
    parser.add_argument("--streams", type=int, default=96)
    parser.add_argument("--data", type=Path, default=Path("data/default"))
    parser.add_argument("--name", default=name)


def over_seeds(ckpt: Checkpoint, test: PhraseSet, args: argparse.Namespace,
               rules: Rules | None = None) -> list[list[dict]]:
    """The stream measures per style of ``ckpt`` (as it stands) at each of ``args``' seed sets."""
    from stylevae.model.evaluation import evaluate

    return [evaluate.stream_eval(ckpt, test, evaluate.EvalConfig(streams_per_style=args.streams, seed=seed),
                                 rules)["per_style"] for seed in args.seeds]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", nargs="+", type=rule, default=[rule(r) for r in ("1:1", "1:0.95", "1:0.9",
                                                                                      "0.9:1", "0.8:1")])
    add_stream_arguments(parser, "sampling_rules")
    args = parser.parse_args()

    import torch

    from stylevae.model.data import dataset
    from stylevae.model.decoding import decoder, playing
    from stylevae.model.decoding.decoder import Rules
    from stylevae.model.network import checkpoint
    from stylevae.model.training.batches import model_view

    torch.set_num_threads(1)
    start = machine(busy_window=5.0)
    ckpt = checkpoint.load(checkpoint.DEFAULT_CHECKPOINT, warn=False)
    test = model_view(ckpt.model, dataset.load(args.data).split("test"))
    result: dict = {"streams": args.streams, "seeds": args.seeds, "styles": ckpt.styles, "rules": {}}
    balanced, lead_steps = ckpt.continuation.after_weight, decoder.LEAD_STEPS
    for temperature, top_p, marks in args.rules:
        rules = Rules(temperature, playing.DENSITY, playing.LOCK, top_p=top_p)
        ckpt.continuation.after_weight = None if "unbalanced" in marks else balanced
        decoder.LEAD_STEPS = 0 if "unled" in marks else lead_steps  # a lead over no steps: none
        runs = over_seeds(ckpt, test, args, rules)
        name = f"{temperature:g} / {top_p:g}" + "".join(f", {mark}" for mark in MARKS if mark in marks)
        result["rules"][name] = variant(runs)
        print(f"{name}: done", flush=True)
    save(args.name, result, start, render)


if __name__ == "__main__":
    main()
