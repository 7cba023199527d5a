"""One daemon run of the benchmark alone (bridge_bench.py, item 2: 8 voices on JACK at period 32, the OSC traffic,
the listener), without the decoder timings and the reference, for side-by-side runs of two checkouts of the bridge:
run it from each in turn (the other's package first on PYTHONPATH). Besides the daemon run's own figures it says how
often the steps' periods fell in a stretch no period of the JACK output, or of the listener, covered, each apart,
against random times (``bridge_bench.share_at_notes``).

Usage: .venv/bin/python bench/daemon_run.py OUT.json [--seconds 60] [--keep-awake]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bridge_bench  # noqa: E402
from machine_facts import add_daemon_options, commit, cpu_model, daemon_options_of, machine, steal_share  # noqa: E402

from stylevae.model.network import checkpoint as ckpt  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seconds", type=float, default=60.0)
    add_daemon_options(parser)
    args = parser.parse_args()
    n_styles = ckpt.load(bridge_bench.DEFAULT_CHECKPOINT).model.config.n_styles
    start = machine()
    result = bridge_bench.daemon_run(bridge_bench.DEFAULT_CHECKPOINT, n_styles, args.seconds, 32, 8, 150.0,
                                     bridge_bench.DEFAULT_TORCH_THREADS, *daemon_options_of(args))
    result.update(cpu=cpu_model(), commit=commit(), steal=steal_share(start["cpu_times"], machine()["cpu_times"]),
                  daemon_options=daemon_options_of(args))
    args.out.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    both, onset = result["coverage_both"], result["onset_error_ms"]
    print(f"{args.out.name}: steal {result['steal']:.1%}, onset p99 {onset['p99']:.3f} max {onset['max']:.3f} ms, "
          f"{both['in_jack_late'] + both['in_missed']} note-ons in a stretch, the output's callback took "
          f"{result['jack_callback_us']} µs; steps' periods in a stretch of the output "
          f"{result['share_output']['at_notes']:.3f} (random {result['share_output']['at_random']:.3f}), "
          f"of the listener {result['share_listener']['at_notes']:.3f} ({result['share_listener']['at_random']:.3f})")


if __name__ == "__main__":
    main()
