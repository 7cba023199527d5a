"""The register's pull side by side: the shipped model's 16-bar streams, decoded as the daemon plays a voice, with
the phrase continuation fitted anew on the training split for each width of the pull (``REGISTER_PULL``, times each
style's spread of phrase registers; the weights that balance a line's visits are fitted under it, as they walk
with it), each against real tunes by ``stylevae eval``'s ear-like measures. The shipped border ratio is kept for
all: it mends what little is left at the border once the next phrase is chosen. Each fit is saved and loaded as a
shipped one is, so the width the shipped model has decodes as the shipped model.

The report is bench/sampling_rules.py's: each width on the same seed sets, the mean over them, and the streams' mean
distance to real tunes on six measures and with span and drift (which the pull moves most).

Usage: .venv/bin/python bench/register_pull.py [--pulls 1 1.5 2.5] [--seeds 1234 1] [--streams 96]
                                               [--data data/default] [--name register_pull]
Needs the built data set (``stylevae data``). About a minute for the training split's posterior means, then some
3 minutes per width on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine_facts import machine  # noqa: E402
from sampling_rules import add_stream_arguments, over_seeds, side_by_side, variant  # noqa: E402
from soak import save  # noqa: E402


def width(text: str) -> float:
    """A pull's width: a positive number of the style's spreads."""
    try:
        value = float(text)
        if not value > 0 or value == float("inf"):
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"a pull is a positive number of spreads, got {text!r}") from None
    return value


@contextmanager
def pulled(pull: float) -> Iterator[None]:
    """The register's pull ``pull`` wide inside (the fit's walks and the decoding both read the module's value),
    the shipped one again after."""
    from stylevae.model.decoding import continuation

    shipped = continuation.REGISTER_PULL
    continuation.REGISTER_PULL = pull
    try:
        yield
    finally:
        continuation.REGISTER_PULL = shipped


def render(result: dict) -> str:
    return side_by_side(result, "The register's pull side by side", "pull (spreads)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pulls", nargs="+", type=width, default=[1.0, 1.5, 2.5])
    add_stream_arguments(parser, "register_pull")
    args = parser.parse_args()

    import torch

    from stylevae.model.data import dataset
    from stylevae.model.decoding import continuation
    from stylevae.model.network import checkpoint
    from stylevae.model.training.batches import model_view

    torch.set_num_threads(1)
    start = machine(busy_window=5.0)
    ckpt = checkpoint.load(checkpoint.DEFAULT_CHECKPOINT, warn=False)
    data = dataset.load(args.data)
    train, test = model_view(ckpt.model, data.split("train")), model_view(ckpt.model, data.split("test"))
    mu = continuation.posterior_means(ckpt.model, train.tokens)
    border = ckpt.continuation.border
    result: dict = {"streams": args.streams, "seeds": args.seeds, "styles": ckpt.styles, "rules": {}}
    for pull in args.pulls:
        with pulled(pull), tempfile.TemporaryDirectory() as folder:
            fitted = continuation.fit(mu, train, data.manifest["rules"]["bars"])
            fitted.border = border
            fitted.save(Path(folder))  # and loaded, as a shipped fit is: its μ in half precision
            ckpt.continuation = continuation.load(Path(folder), fitted.z_content)
            runs = over_seeds(ckpt, test, args)
        result["rules"][f"{pull:g}"] = variant(runs)
        print(f"pull {pull:g}: done", flush=True)
    save(args.name, result, start, render)


if __name__ == "__main__":
    main()
