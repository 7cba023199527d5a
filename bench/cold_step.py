"""Why a decoder step inside the daemon costs more than one run back to back: the same 8-voice step (the compiled
step and draw, model/network/stepper.py), timed after different things happened to its core just before.

- back to back: nothing (the step's weights and code stay in the core's caches);
- after sleeping 1, 10 or 83 ms (83 ms is a 16th at 180 BPM: how the daemon steps);
- back to back, but with 64 MB of memory written before each step (the data caches flushed, nothing else);
- after sleeping 83 ms and then spinning 0.5, 1 or 2 ms (a core kept busy before the step, its clock up);
- with --hold-idle, all of the above again with a PM QoS request holding the CPUs out of their idle states
  (``/dev/cpu_dma_latency`` at 0; needs root on Linux), which is what real-time audio set-ups do.

With --parts it times instead the parts of the step, each after 83 ms asleep (round robin, so that all meet the
same conditions) and back to back, beside three yardsticks: reading as many bytes as the largest weight, one
NumPy op on 4 numbers, and an empty Python call. That shows what a cold step is made of: what a smaller
decoder (fewer bytes) or fewer calls could save. Writes bench/results/<name>.{json,md}.

Usage: .venv/bin/python bench/cold_step.py [--hold-idle | --parts] [--name cold_step]
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from machine_facts import hardware_line, machine, ran  # noqa: E402
from soak import save  # noqa: E402

from stylevae.model.data.keys import SCALES  # noqa: E402
from stylevae.model.decoding import playing  # noqa: E402
from stylevae.model.decoding.decoder import Decoder, Rules, draw  # noqa: E402
from stylevae.model.network import checkpoint as ckpt  # noqa: E402
from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT  # noqa: E402
from stylevae.model.network.stepper import add_products, lstm_update  # noqa: E402

VOICES = 8
FLUSH_BYTES = 64 << 20


def conditions(trash: np.ndarray) -> dict[str, tuple[Callable[[], None], int]]:
    """name -> (what happens before each step, how many steps)."""

    def sleep(seconds: float) -> Callable[[], None]:
        return lambda: time.sleep(seconds)

    def sleep_then_spin(seconds: float) -> Callable[[], None]:
        def before() -> None:
            time.sleep(0.083)
            until = time.perf_counter() + seconds
            while time.perf_counter() < until:
                pass
        return before

    def flush() -> None:
        trash[::64] += 1

    return {"back to back": (lambda: None, 1000), "after sleeping 1 ms": (sleep(0.001), 500),
            "after sleeping 10 ms": (sleep(0.010), 300), "after sleeping 83 ms": (sleep(0.083), 150),
            "back to back, 64 MB written before each": (flush, 300),
            "after 83 ms asleep, then spinning 0.5 ms": (sleep_then_spin(0.0005), 150),
            "after 83 ms asleep, then spinning 1 ms": (sleep_then_spin(0.001), 150),
            "after 83 ms asleep, then spinning 2 ms": (sleep_then_spin(0.002), 150)}


def measure(decoder: Decoder, before: Callable[[], None], steps: int) -> dict:
    rows, uniforms = list(range(VOICES)), np.random.default_rng(0)
    wall, cpu = [], []
    for _ in range(steps):
        before()
        started, cpu_started = time.perf_counter(), time.thread_time()
        decoder.step(rows, uniforms.random(VOICES))
        wall.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - cpu_started)
    w, c = np.asarray(wall) * 1000, np.asarray(cpu) * 1000
    return {"n": steps, "p50": float(np.percentile(w, 50)), "p99": float(np.percentile(w, 99)),
            "cpu_p50": float(np.percentile(c, 50))}


def playing_decoder(loaded: ckpt.Checkpoint) -> Decoder:
    """The daemon's decoder with 8 voices started, as they play (the daemon's rules)."""
    decoder = Decoder(loaded.model, loaded.vocab)
    rules = Rules(playing.TEMPERATURE, playing.DENSITY, playing.LOCK, SCALES["major"], playing.TOP_P)
    z = torch.randn(VOICES, loaded.model.config.z_size, generator=torch.Generator().manual_seed(0))
    for row in range(VOICES):
        decoder.start(row, z[row : row + 1], loaded.model.start_token, rules)
    measure(decoder, lambda: None, 100)  # warm-up
    return decoder


def run(loaded: ckpt.Checkpoint) -> dict[str, dict]:
    decoder = playing_decoder(loaded)
    trash = np.zeros(FLUSH_BYTES, dtype=np.uint8)
    return {name: measure(decoder, before, steps) for name, (before, steps) in conditions(trash).items()}


def parts(decoder: Decoder) -> dict[str, Callable[[], object]]:
    """name -> one part of an 8-voice step on the decoder's own arrays (or a yardstick beside them)."""
    stepper, rng = decoder.stepper, np.random.default_rng(0)
    h = np.ascontiguousarray(decoder._state[0, 0])
    below = np.concatenate([h, decoder._state[-1, 0]], axis=1)
    # the same bytes elsewhere, only read: a byte-wise max is the fastest full read NumPy has (SIMD, no arithmetic)
    weight_bytes = stepper.upper[0].copy().view(np.uint8)
    gates = rng.standard_normal((VOICES, stepper.first.shape[0])).astype(np.float32)
    c, h_out, c_out = np.zeros_like(h), np.empty_like(h), np.empty_like(h)
    logits = rng.standard_normal((VOICES, decoder.vocab.size)).astype(np.float32)
    rules = decoder.rule_arrays()
    tiny = np.zeros(4, dtype=np.float32)
    return {
        "the whole step (Decoder.step)": lambda: decoder.step(list(range(VOICES)), rng.random(VOICES)),
        "the network's step (Stepper.step, one compiled call)":
            lambda: stepper.step(decoder._previous, decoder._z_gates, decoder._state),
        "first layer's recurrent products": lambda: add_products(gates.copy(), h, stepper.first),
        "upper layer's products": lambda: add_products(gates.copy(), below, stepper.upper[0]),
        "logits' products": lambda: add_products(logits.copy(), h, stepper.to_logits),
        "two LSTM updates": lambda: (lstm_update(gates, c, h_out, c_out), lstm_update(gates, c, h_out, c_out)),
        "the sampling rule and the draw (one compiled call)": lambda: draw(logits, *rules, rng.random(VOICES)),
        f"yardstick: reading {weight_bytes.nbytes >> 20} MB (the largest weight's size)": weight_bytes.max,
        "yardstick: one NumPy op on 4 numbers": lambda: np.add(tiny, 1.0),
        "yardstick: an empty Python call": lambda: None,
    }


def time_parts(loaded: ckpt.Checkpoint, rounds: int = 120, hot: int = 300) -> dict[str, dict]:
    called = parts(playing_decoder(loaded))
    cold: dict[str, list[float]] = {name: [] for name in called}
    for _ in range(rounds):
        for name, call in called.items():
            time.sleep(0.083)
            started = time.perf_counter()
            call()
            cold[name].append(time.perf_counter() - started)
    table = {}
    for name, call in called.items():
        warm = []
        for _ in range(hot):
            started = time.perf_counter()
            call()
            warm.append(time.perf_counter() - started)
        c = np.asarray(cold[name]) * 1000
        table[name] = {"n": rounds, "cold_p50": float(np.percentile(c, 50)), "cold_p90": float(np.percentile(c, 90)),
                       "hot_p50": float(np.median(warm) * 1000)}
    return table


def render(r: dict) -> str:
    m = r["machine_start"]
    lines = [f"# A decoder step after its core did something else ({VOICES} voices)", "", ran(r), hardware_line(m), "",
             "| before each step | idle states | p50 (ms) | p99 (ms) | CPU p50 (ms) | n |",
             "| --- | --- | --- | --- | --- | --- |"]
    for idle, table in r["tables"].items():
        for name, p in table.items():
            lines.append(f"| {name} | {idle} | {p['p50']:.3f} | {p['p99']:.3f} | {p['cpu_p50']:.3f} | {p['n']} |")
    return "\n".join(lines) + "\n"


def render_parts(r: dict) -> str:
    m = r["machine_start"]
    lines = [f"# The parts of a decoder step after 83 ms asleep ({VOICES} voices)",
             "", ran(r), hardware_line(m), "",
             "Each part timed alone, round robin, each after 83 ms asleep (cold) and then back to back (hot). The "
             "parts share code and data, so the cold parts add up to more than the cold whole.", "",
             "| part | cold p50 (ms) | cold p90 (ms) | hot p50 (ms) | n cold |", "| --- | --- | --- | --- | --- |"]
    for name, p in r["parts"].items():
        lines.append(f"| {name} | {p['cold_p50']:.3f} | {p['cold_p90']:.3f} | {p['hot_p50']:.3f} | {p['n']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--hold-idle", action="store_true", help="also with /dev/cpu_dma_latency at 0 (root)")
    what.add_argument("--parts", action="store_true", help="time the step's parts instead (see above)")
    parser.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT)
    parser.add_argument("--name", default="cold_step")
    args = parser.parse_args()
    start = machine()
    torch.set_grad_enabled(False)
    loaded = ckpt.load(args.checkpoint)
    if args.parts:
        save(args.name, {"parts": time_parts(loaded)}, start, render_parts)
        return
    tables = {"allowed": run(loaded)}
    if args.hold_idle:
        try:
            fd = os.open("/dev/cpu_dma_latency", os.O_WRONLY)
        except OSError as exc:
            sys.exit(f"--hold-idle: cannot open /dev/cpu_dma_latency ({exc.strerror}); run as root on Linux")
        try:
            os.write(fd, struct.pack("i", 0))  # held for as long as the file stays open
            tables["held off (cpu_dma_latency 0)"] = run(loaded)
        finally:
            os.close(fd)
    save(args.name, {"tables": tables}, start, render)


if __name__ == "__main__":
    main()
