"""Live's loop changed while the voices play, a moment before a wrap: what was cut, and what came late.

A performer drags the loop's end out, pulls it in, moves the brace or switches the loop off as the playhead nears
the end: the wrap the voices may have planned past moves. The engine thread with the shipped model and its real
clock, the real note sender (its own thread) into a recording output that holds events ``--lead`` ahead as the
JACK output does, in this process; N voices play. Each round Live plays a loop from its start, reporting its song
position every 16th as the device does (wrapped at the loop's end), and in the second pass, at a distance before
the wrap drawn from 0.02 beat to the lookahead and half a beat (the stretch in which the engine may have planned past
the wrap; spread evenly over it), the loop changes to another shape: made longer, made shorter, moved, or switched
off, by turns; Live plays on under the new loop for a second.

Reported for the changes: those after which a voice was cut (All Notes Off, or ``/cut`` to a device), the note-ons
pushed after their time and those the sender dropped as late in the second after, and the note-offs sent at once
(a cut) rather than at their time; the changes within 40 ms of the first wrap they move (``REPLAN_GUARD_SECONDS``:
the old loop's, or the new one's when its end comes first) apart. The code
under test is whatever ``stylevae`` imports (``PYTHONPATH`` can point it at another worktree to compare). Writes
bench/results/<name>.{json,md}.

Usage: .venv/bin/python bench/loop_changes.py [--rounds 24] [--voices 8] [--lookahead 0.5] [--name loop_changes]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from machine_facts import hardware_line, machine, ran  # noqa: E402
from soak import save  # noqa: E402

from stylevae.bridge import commands as cmd  # noqa: E402
from stylevae.bridge.clock import Clock  # noqa: E402
from stylevae.bridge.engine import Engine  # noqa: E402
from stylevae.bridge.scheduler import AT_ONCE, Scheduler  # noqa: E402
from stylevae.model.network import checkpoint  # noqa: E402

BPM = 120.0
LOOP = (0.0, 4.0)  # a bar from bar 1: its wrap lies inside the model's 2-bar phrase
CHANGES = {"longer": (0.0, 6.0), "shorter": (0.0, 3.0), "moved": (1.0, 3.0), "off": None}
GUARD_SECONDS = 0.04  # as the clock's REPLAN_GUARD_SECONDS (not imported: the code before had none)
REPORT_BEATS = 0.25  # Live's reports: every 16th
REPORT_SECONDS = 60.0 / BPM * REPORT_BEATS
AFTER_SECONDS = 1.0  # how long Live plays on after a change, and what is counted


class Recorder:
    """The output: every message, when it was handed over and its time, ``lead`` ahead as the JACK output takes
    them; and how many events were withdrawn."""

    def __init__(self, lead: float):
        self.lead = lead
        self.sent: list[tuple[float, str, float]] = []  # (handed over at, "on"/"off"/"cc123", its time)
        self.withdrawn = 0

    def send(self, message: bytes, at: float = AT_ONCE, voice: int = 0, ident: int = 0,
             grace: float = math.inf) -> None:
        kind = {0x90: "on", 0x80: "off", 0xB0: "cc123"}[message[0] & 0xF0]
        self.sent.append((time.perf_counter(), kind, at))

    def drop(self, voice: int | None) -> None:
        """Nothing is queued here: a cut's note-offs are counted as sent at once."""

    def retime(self, ident: int, at: float) -> None:
        """The tempo is steady here."""

    def withdraw(self, idents: list[int]) -> None:
        self.withdrawn += len(idents)


class Live:
    """Live's transport: the song position from the time, wrapped at the loop's end when the playhead reaches it
    from before it; each report goes to the clock as the device's would."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self.loop: tuple[float, float] | None = None
        self.song, self.at, self.passes = 0.0, time.perf_counter(), 0

    def locate(self, song: float) -> None:
        self.song, self.at, self.passes = song, time.perf_counter(), 0
        self.clock.follow(song, True, BPM)

    def report(self) -> None:
        now = time.perf_counter()
        song = self.song + (now - self.at) * BPM / 60.0
        if self.loop is not None and self.song < sum(self.loop) <= song:
            song = self.loop[0] + (song - sum(self.loop)) % self.loop[1]
            self.passes += 1
        self.song, self.at = song, now
        self.clock.follow(song, True, BPM)

    def set_loop(self, loop: tuple[float, float] | None) -> None:
        self.loop = loop
        self.clock.set_loop(loop is not None, *(loop or LOOP))


def run(rounds: int, voices: int, lookahead: float, lead: float) -> dict:
    torch.set_num_threads(1)
    clock = Clock(BPM)
    sink = Recorder(lead)
    sender = Scheduler(clock, sink)
    cuts: list[float] = []
    engine = Engine(checkpoint.load(checkpoint.DEFAULT_CHECKPOINT), clock, sender,
                    lambda address, values: cuts.append(time.perf_counter()) if address.endswith("/cut") else None,
                    lookahead, seed=1)
    engine.warm_up()
    sender.start()
    engine.start()
    live = Live(clock)
    for v in range(1, voices + 1):
        engine.submit(cmd.Play(v, True))
    rng = random.Random(0)  # the same changes in every run, for runs side by side
    # beats before the wrap, spread evenly over the stretch the engine may have planned past it (one drawn in each
    # of ``rounds`` equal parts), in random order
    low, high = 0.02, lookahead + 0.5
    distances = [low + (high - low) * (k + rng.random()) / rounds for k in range(rounds)]
    rng.shuffle(distances)
    changes = []
    for r, before in enumerate(distances):
        kind = list(CHANGES)[r % len(CHANGES)]
        live.set_loop(LOOP)
        live.locate(LOOP[0])
        change = None
        while change is None or time.perf_counter() - change["at"] < AFTER_SECONDS:
            time.sleep(REPORT_SECONDS - (time.perf_counter() - live.at) % REPORT_SECONDS)
            live.report()
            if change is None and live.passes == 1 and live.song + REPORT_BEATS >= sum(LOOP) - before:
                # the change comes before the next report, when the playhead stands ``before`` the wrap
                wrap_at = live.at + (sum(LOOP) - live.song) * 60.0 / BPM
                time.sleep(max(0.0, wrap_at - before * 60.0 / BPM - time.perf_counter()))
                change = {"kind": kind, "before_beats": before, "at": time.perf_counter(), "wrap_at": wrap_at,
                          "moved_at": moved_wrap(wrap_at, before, CHANGES[kind]), "dropped": sender.dropped,
                          "behind": len(sender.behind)}
                live.set_loop(CHANGES[kind])
        late = list(sender.behind)[change["behind"]:]
        change.update({"dropped": sender.dropped - change["dropped"], "behind": len(late),
                       "behind_ms_max": max(late, default=0.0) * 1000})
        live.set_loop(None)
        clock.follow(live.song, False, BPM)
        time.sleep(0.3)
        changes.append(change)
    engine.stop()
    sender.stop()
    for change in changes:
        at = change["at"]
        counted = [(kind, due) for t, kind, due in sink.sent if at <= t <= at + AFTER_SECONDS]
        change["cut"] = any(at <= t <= at + AFTER_SECONDS for t in cuts) or ("cc123", AT_ONCE) in counted
        change["offs_at_once"] = counted.count(("off", AT_ONCE))
        change["in_guard"] = change["moved_at"] - at < GUARD_SECONDS
    return {"rounds": rounds, "voices": voices, "lookahead": lookahead, "lead": lead, "bpm": BPM,
            "code": str(Path(cmd.__file__).resolve().parents[1]), "changes": changes, "withdrawn": sink.withdrawn}


def moved_wrap(wrap_at: float, before: float, loop: tuple[float, float] | None) -> float:
    """When the first wrap the change moves comes: the old loop's (at ``wrap_at``, ``before`` beats after the change),
    or the new loop's, where its end lies between the playhead and the old end."""
    song = sum(LOOP) - before
    if loop is not None and song < sum(loop) < sum(LOOP):
        return wrap_at - (sum(LOOP) - sum(loop)) * 60.0 / BPM
    return wrap_at


def render(r: dict) -> str:
    rows = []
    for label, picked in (("further than 40 ms from the wrap they move",
                           [c for c in r["changes"] if not c["in_guard"]]),
                          ("within 40 ms of it", [c for c in r["changes"] if c["in_guard"]])):
        if picked:
            rows.append(f"| {label} | {len(picked)} | {sum(c['cut'] for c in picked)} | "
                        f"{sum(c['offs_at_once'] for c in picked)} | {sum(c['behind'] for c in picked)}, up to "
                        f"{max(c['behind_ms_max'] for c in picked):.2f} ms | {sum(c['dropped'] for c in picked)} |")
    return "\n".join([
        f"# Live's loop changed a moment before its wrap ({r['voices']} voices, {r['rounds']} changes, lookahead "
        f"{r['lookahead']:g} beat, {r['bpm']:g} BPM)", "", ran(r), hardware_line(r["machine_start"], r["machine_end"]),
        f"The code measured: `{r['code']}`. Loop {LOOP[0]:g}:{LOOP[1]:g} (start:length, beats) changed to "
        + ", ".join(f"{k} ({'-' if v is None else f'{v[0]:g}:{v[1]:g}'})" for k, v in CHANGES.items())
        + f" by turns; output lead {r['lead'] * 1000:g} ms; events withdrawn from the output: {r['withdrawn']}.", "",
        "| changes | how many | after which a voice was cut (All Notes Off or /cut) | note-offs sent at once "
        "(a cut) | note-ons pushed after their time | note-ons dropped as late |",
        "| --- | --- | --- | --- | --- | --- |", *rows, ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=24)
    parser.add_argument("--voices", type=int, default=8)
    parser.add_argument("--lookahead", type=float, default=0.5)
    parser.add_argument("--lead", type=float, default=0.1, help="seconds the output takes events ahead (JACK's)")
    parser.add_argument("--name", default="loop_changes")
    args = parser.parse_args()
    start = machine()
    result = run(args.rounds, args.voices, args.lookahead, args.lead)
    save(args.name, result, start, render)


if __name__ == "__main__":
    main()
