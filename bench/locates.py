"""The first notes after a locate: on which step the voices come in, how long after the locate, and how late.

The engine thread with the shipped model and its real clock, in this process; a recording sender stands in for
the note sender (what is measured is when the engine pushes each note, against its time). N voices play; the
transport locates every second or so, taking turns between a bar line (where Live usually starts or jumps)
and anywhere, at a tempo drawn from 90, 120, 150 and 180 BPM. Optionally under load: ``--gil`` runs a thread
that takes the GIL for about 0.1 ms every 5 ms (as the daemon's OSC thread does under a flood of controls), and
``--spinners N`` runs N processes that spin (a busy machine, or a busy host stealing the cores).

With ``--loop`` the transport plays Live's loop brace instead: by default a 2-bar loop, starting on bar 1 and on bar 2
in turn (the first and the 17th step of the model's 2-bar phrase; ``--loops`` gives others, as start:length in
beats), wraps back to its start twice a round, each wrap reported as it happens (the device reports every 16th, the
wrap's own included); only the wraps are counted. With ``--planned`` the daemon is told of the loop first
(``/stylevae/loop``), as the device does, and plans each wrap; without it, each wrap is a locate found by its report.
For each wrap: the voices that came in on the loop's downbeat, the note-ons of steps past the loop's end that were
due by the time the report came (a synth plays those: the JACK output holds its notes 100 ms ahead), the note-ons
pushed after their time, and the decoder steps per voice in the beat before the wrap (4 when the wrap replays
nothing).

Reported: the note-ons pushed after their time (how many, how late), the step the voices came in on after a bar
line (0: the downbeat itself), and the wait from a locate to its first note. The code under test is whatever
``stylevae`` imports (``PYTHONPATH`` can point it at another worktree to compare). Writes
bench/results/<name>.{json,md}.

Usage: .venv/bin/python bench/locates.py [--rounds 40] [--voices 8] [--loop [--planned] [--loops 0:8,4:8]] [--gil]
    [--spinners 0] [--name locates]
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from machine_facts import hardware_line, machine, ran  # noqa: E402
from soak import save  # noqa: E402

from stylevae.bridge import commands as cmd  # noqa: E402
from stylevae.bridge.children import Children  # noqa: E402
from stylevae.bridge.clock import Clock  # noqa: E402
from stylevae.bridge.engine import Engine  # noqa: E402
from stylevae.model.network import checkpoint  # noqa: E402

TEMPOS = (90, 120, 150, 180)
LOOPS = ((0.0, 8.0), (4.0, 8.0))  # --loop: 2 bars from bar 1 and from bar 2 (start, length in beats)
SPIN = "while True: pass"


class FirstNotes:
    """The engine's sender, recording when each note-on was pushed against its time."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self.first: dict[int, tuple[float, float]] = {}  # epoch -> its first note-on (beat, time)
        self.behind: list[tuple[int, float, float]] = []  # (epoch, beat, seconds) of each note-on pushed after its time
        self.ons: list[tuple[float, float, float]] = []  # each note-on: (Live's song beat, due, pushed at)

    def push(self, events) -> None:
        now = time.perf_counter()
        for event in events:
            if event.is_on and event.epoch == self.clock.epoch:
                due = self.clock.time_of(event.beat)
                self.ons.append((self.clock.song(event.beat), due, now))
                self.first.setdefault(event.epoch, (event.beat, due))
                if now > due:
                    self.behind.append((event.epoch, event.beat, now - due))

    def cancel(self, voice: int | None = None) -> None:
        pass


def take_the_gil(stop: threading.Event) -> None:
    while not stop.is_set():
        total = 0
        for i in range(2000):
            total += i
        time.sleep(0.005)


def run(rounds: int, voices: int, gil: bool, loop: bool = False, planned: bool = False,
        loops: tuple[tuple[float, float], ...] = LOOPS) -> dict:
    torch.set_num_threads(1)
    clock = Clock(120)
    sender = FirstNotes(clock)
    engine = Engine(checkpoint.load(checkpoint.DEFAULT_CHECKPOINT), clock, sender, lambda a, v: None, 0.5, seed=1)
    engine.warm_up()
    steps = count_steps(engine)
    engine.start()
    stop = threading.Event()
    if gil:
        threading.Thread(target=take_the_gil, args=(stop,), daemon=True).start()
    for v in range(1, voices + 1):
        engine.submit(cmd.Play(v, True))
    rng = random.Random(0)  # the same locates and tempos in every run, for runs side by side
    time.sleep(2)
    locates, wraps = {}, []
    for r in range(rounds):
        if loop:
            (beat, length), bpm = loops[r % len(loops)], rng.choice(TEMPOS)
            if planned:
                clock.set_loop(True, beat, length)
            clock.follow(beat, True, bpm)  # into the loop: not counted
            for _ in range(2):
                now = clock.beat()
                wrap = clock.time_of(now + beat + length - clock.song(now))
                time.sleep(max(0.0, wrap - time.perf_counter()))
                clock.follow(beat, True, bpm)
                locates[clock.epoch] = (beat, time.perf_counter())
                wraps.append((beat, length, wrap, time.perf_counter(), clock.time_of(clock.beat() - 1.0)))
            time.sleep(0.5)
            clock.set_loop(False, 0.0, 0.0)
            continue
        beat = 4.0 * rng.randint(0, 16) if r % 2 == 0 else rng.uniform(0, 64)
        clock.follow(beat, True, rng.choice(TEMPOS))
        locates[clock.epoch] = (beat, time.perf_counter())
        time.sleep(rng.uniform(0.8, 1.2))
    engine.stop()
    stop.set()
    at_bar, elsewhere = [], []
    for epoch, (beat, at) in locates.items():
        if epoch in sender.first:
            first_beat, due = sender.first[epoch]
            (at_bar if beat % 4 == 0 else elsewhere).append(((first_beat - beat) * 4, due - at))
    late = np.array([seconds for epoch, _, seconds in sender.behind if epoch in locates]) * 1000
    located = {epoch: beat for epoch, (beat, _) in locates.items()}
    on_playhead = np.array([seconds for epoch, beat, seconds in sender.behind if beat == located.get(epoch)]) * 1000
    return {"rounds": rounds, "voices": voices, "gil": gil, "loop": loop, "planned": planned,
            **({"loops": [list(s) for s in loops], **at_wraps(wraps, sender.ons, steps, voices)} if loop else {}),
            "code": str(Path(cmd.__file__).resolve().parents[1]),
            "late_note_ons": len(late), "late_ms_max": float(late.max()) if len(late) else 0.0,
            "late_on_the_located_step": len(on_playhead),
            "late_ms_max_on_the_located_step": float(on_playhead.max()) if len(on_playhead) else 0.0,
            "bar_line_first_step": sorted(round(s) for s, _ in at_bar),
            "wait_ms_p50_bar_line": float(np.median([w for _, w in at_bar]) * 1000),
            "wait_ms_p50_elsewhere": float(np.median([w for _, w in elsewhere]) * 1000) if elsewhere else None}


def count_steps(engine: Engine) -> list[tuple[float, int]]:
    """Every decoder step the engine takes from now on, as (when, rows): the bench's own watch on the decoder."""
    steps, step = [], engine.decoder.step

    def counted(rows, uniforms):
        steps.append((time.perf_counter(), len(rows)))
        return step(rows, uniforms)

    engine.decoder.step = counted
    return steps


def at_wraps(wraps: list[tuple[float, float, float, float, float]], ons: list[tuple[float, float, float]],
             steps: list[tuple[float, int]], voices: int) -> dict:
    """For each wrap (loop start and length, its time, when its report came, the time a beat before it): the note-ons
    on the loop's downbeat, those of steps past the loop's end due by the report, the latest push after its time of a
    note-on in the beat after, and the decoder steps per voice in the beat before."""
    downbeat, past_end, late, decoded = [], [], [], []
    for start, length, at, reported, beat_before in wraps:
        near = [(song, due, pushed) for song, due, pushed in ons if at - 0.001 <= due <= at + 0.5]
        downbeat.append(sum(abs(due - at) < 0.001 and abs(song - start) < 1e-6 for song, due, _ in near))
        past_end.append(sum(song >= start + length and due <= reported for song, due, _ in near))
        late.append(max([pushed - due for _, due, pushed in near if pushed > due], default=0.0) * 1000)
        decoded.append(sum(rows for t, rows in steps if beat_before <= t < at) / voices)
    return {"wraps": len(wraps), "downbeat_note_ons": downbeat, "past_end_note_ons": past_end,
            "wrap_late_ms": late, "steps_per_voice_in_the_beat_before": decoded}


def render(r: dict) -> str:
    shapes = ", ".join(f"{start:g}:{length:g}" for start, length in r.get("loops", LOOPS))
    head = [(f"# Wraps of Live's loop ({r['voices']} voices, {2 * r['rounds']} wraps of loops {shapes}, start:length "
             "in beats)" if r.get("loop")
             else f"# The first notes after a locate ({r['voices']} voices, {r['rounds']} locates)"), "", ran(r),
            hardware_line(r["machine_start"], r["machine_end"]),
            f"The code measured: `{r['code']}`. Load: {'a thread taking the GIL, ' if r['gil'] else ''}"
            f"{r['spinners']} spinning process(es)."
            + (f" The daemon {'was' if r.get('planned') else 'was not'} told of the loop." if r.get("loop") else ""),
            "", "| measure | value |", "| --- | --- |"]
    if r.get("wraps"):
        decoded = r.get("steps_per_voice_in_the_beat_before", [])
        return "\n".join(head + [
            f"| wraps with a note-on on the loop's downbeat | {sum(n > 0 for n in r['downbeat_note_ons'])} of "
            f"{r['wraps']} (note-ons there: {sum(r['downbeat_note_ons'])}) |",
            f"| note-ons past the loop's end, due by the wrap's report | {sum(r['past_end_note_ons'])}, at "
            f"{sum(n > 0 for n in r['past_end_note_ons'])} wraps |",
            f"| wraps with a note-on in the beat after pushed late | {sum(ms > 0 for ms in r['wrap_late_ms'])}, "
            f"latest {max(r['wrap_late_ms'], default=0.0):.2f} ms |",
            f"| decoder steps per voice in the beat before a wrap (4: none replayed), p50 / max | "
            f"{np.median(decoded):g} / {max(decoded):g} |" if decoded else "| decoder steps | not counted |", ""])
    steps = r["bar_line_first_step"]
    return "\n".join(head + [
        f"| note-ons pushed after their time | {r['late_note_ons']}, up to {r['late_ms_max']:.2f} ms |",
        f"| … of them on the step located to (a locate to a grid point) | {r['late_on_the_located_step']}, up to "
        f"{r['late_ms_max_on_the_located_step']:.2f} ms |",
        f"| locates to a bar line that came in on the downbeat | {steps.count(0)} of {len(steps)} |",
        f"| step they came in on, after a bar line | {steps} |",
        f"| wait from a locate to its first note, p50: to a bar line / elsewhere (ms) | "
        f"{r['wait_ms_p50_bar_line']:.1f} / "
        + ("-" if r["wait_ms_p50_elsewhere"] is None else f"{r['wait_ms_p50_elsewhere']:.1f}") + " |", ""])


def loop_shapes(text: str) -> tuple[tuple[float, float], ...]:
    """``--loops``: "6:4,4:8" -> ((6.0, 4.0), (4.0, 8.0))."""
    try:
        shapes = tuple((float(a), float(b)) for a, b in (part.split(":") for part in text.split(",")))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: loops are start:length in beats, comma-separated") from None
    if any(start < 0 or length <= 0 for start, length in shapes):
        raise argparse.ArgumentTypeError(f"{text!r}: a loop starts at beat 0 or later and has a length")
    return shapes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--voices", type=int, default=8)
    parser.add_argument("--loop", action="store_true", help="wraps of a 2-bar loop instead of locates")
    parser.add_argument("--planned", action="store_true", help="with --loop: the daemon is told of the loop")
    parser.add_argument("--loops", type=loop_shapes, default=LOOPS,
                        help="with --loop: the loops taking turns, start:length in beats, comma-separated")
    parser.add_argument("--gil", action="store_true", help="a thread taking the GIL as the OSC thread does")
    parser.add_argument("--spinners", type=int, default=0, help="processes spinning meanwhile")
    parser.add_argument("--name", default="locates")
    args = parser.parse_args()
    start = machine()
    spinners = Children()
    try:
        spinners.start([sys.executable, "-c", SPIN], args.spinners)
        result = run(args.rounds, args.voices, args.gil, args.loop, args.planned, args.loops)
    finally:
        spinners.stop()
    result["spinners"] = args.spinners
    save(args.name, result, start, render)


if __name__ == "__main__":
    main()
