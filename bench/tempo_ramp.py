"""A ramp of Live's tempo while a device plays the notes itself: how much the daemon tells it again.

A device that plays the notes itself ("Notes to this track") holds each note's reply, timed at the tempo it came at,
up to the lookahead; after a change of tempo the daemon tells it ``/retime`` and sends again what it holds. Live's
tempo automation arrives as many small changes. `stylevae serve` with the shipped model on a real JACK server (dummy
driver), N voices playing, one client registered for the replies (this process, over UDP, reading as fast as they
come); after a few seconds the tempo ramps from FROM to TO BPM in SECONDS, a change every EVERY ms, as the device
sends Live's. Reported: the replies that came during the ramp (each /on, /note and /retime), per second and in the
busiest 100 ms. Whether the device then plays each note when the port does is the simulator's to show
(tests/test_device_note_output.py). The code under test is whatever ``stylevae`` imports (``PYTHONPATH`` can point
it at another worktree to compare). Writes bench/results/<name>.{json,md}.

Usage: .venv/bin/python bench/tempo_ramp.py [--voices 8] [--lookahead 4] [--ramp 120:180:2] [--every 5]
                                            [--name tempo_ramp]
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT))

import harness  # noqa: E402
from machine_facts import hardware_line, machine, ran  # noqa: E402
from osc_traffic import message  # noqa: E402
from soak import Replies, save  # noqa: E402

from stylevae.bridge import commands as cmd  # noqa: E402
from stylevae.bridge.osc_spec import PREFIX, lookup  # noqa: E402
from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT  # noqa: E402

SETTLE_SECONDS = 3.0  # the voices playing before the ramp, so the device holds a lookahead's worth
AFTER_SECONDS = 1.0  # replies still coming after the ramp's last change are its too
WINDOW_SECONDS = 0.1
BPM = lookup(f"{PREFIX}/tempo")[0].args[0]  # the range /tempo takes


class Heard(Replies):
    """Every reply's address and when it came (on the soak's socket for replies, its buffer past the system's limit)."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: list[tuple[float, str]] = []

    def take(self, address: str, data: bytes) -> None:
        self.replies.append((time.perf_counter(), address))


def busiest(times: list[float], window: float) -> int:
    """The most replies within any ``window`` seconds."""
    most, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] > window:
            first += 1
        most = max(most, last - first + 1)
    return most


def run(voices: int, lookahead: float, ramp: tuple[float, float, float], every: float) -> dict:
    start_bpm, end_bpm, seconds = ramp
    heard = Heard()
    heard.start()
    server = harness.JackServer()
    daemon = None
    try:
        daemon = harness.Daemon(DEFAULT_CHECKPOINT, server.name, "--bpm", f"{start_bpm:g}", "--lookahead",
                                f"{lookahead:g}")
        osc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        target = ("127.0.0.1", daemon.osc_port)
        osc.sendto(message(f"{PREFIX}/hello", heard.port), target)
        for v in range(1, voices + 1):
            osc.sendto(message(f"{PREFIX}/{v}/play", 1), target)
        time.sleep(SETTLE_SECONDS)
        changes, began = round(seconds / every), time.perf_counter()
        for k in range(1, changes + 1):
            time.sleep(max(0.0, began + k * every - time.perf_counter()))
            osc.sendto(message(f"{PREFIX}/tempo", start_bpm + (end_bpm - start_bpm) * k / changes), target)
        ended = time.perf_counter()
        time.sleep(AFTER_SECONDS)
        daemon.stop()
        log = daemon.log()
    finally:
        heard.stop.set()
        if daemon is not None and daemon.process.poll() is None:
            daemon.stop()
        server.stop()
    during = [(t, address) for t, address in heard.replies if began <= t <= ended + AFTER_SECONDS]
    kinds = Counter(address.rsplit("/", 1)[-1] for _, address in during)
    told = [t for t, address in during if address.endswith(("/on", "/note", "/retime"))]
    summary = next((line for line in reversed(log.splitlines()) if "decoder steps" in line), "")
    return {"voices": voices, "lookahead": lookahead, "ramp": list(ramp), "every": every, "changes": changes,
            "ramp_seconds": ended - began, "code": str(Path(cmd.__file__).resolve().parents[1]),
            "replies": dict(kinds), "note_replies": len(told),
            "per_second": len(told) / (ended - began + AFTER_SECONDS),
            "busiest_100ms": busiest(told, WINDOW_SECONDS), "retimes": kinds.get("retime", 0),
            "errors": kinds.get("error", 0), "daemon_summary": summary}


def render(r: dict) -> str:
    start_bpm, end_bpm, seconds = r["ramp"]
    replies = r["replies"]
    return "\n".join([
        f"# A ramp of Live's tempo, {start_bpm:g} to {end_bpm:g} BPM in {seconds:g} s ({r['voices']} voices, "
        f"lookahead {r['lookahead']:g} beats)", "", ran(r), hardware_line(r["machine_start"], r["machine_end"]),
        f"The code measured: `{r['code']}`. A change every {r['every'] * 1000:g} ms ({r['changes']} changes, "
        f"sent over {r['ramp_seconds']:.2f} s); replies counted from the first change to {AFTER_SECONDS:g} s after the "
        "last.", "",
        "| measure | value |", "| --- | --- |",
        f"| /on, /note, /retime | {replies.get('on', 0)}, {replies.get('note', 0)}, {r['retimes']} |",
        f"| of these, per second | {r['per_second']:.0f} |",
        f"| in the busiest 100 ms | {r['busiest_100ms']} |",
        f"| /retime per voice per second | {r['retimes'] / r['voices'] / (r['ramp_seconds'] + AFTER_SECONDS):.1f} |",
        f"| /error | {r['errors']} |", "",
        f"The daemon's own line at exit: {r['daemon_summary'].split(': ', 1)[-1]}", ""])


def ramp_of(text: str) -> tuple[float, float, float]:
    try:
        start, end, seconds = (float(x) for x in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a ramp is FROM:TO:SECONDS (BPM, BPM, s), e.g. 120:180:2, not {text!r}") \
            from None
    if not (BPM.low <= start <= BPM.high and BPM.low <= end <= BPM.high and seconds > 0):
        raise argparse.ArgumentTypeError(f"a ramp goes between {BPM.low:g} and {BPM.high:g} BPM in more than 0 s, "
                                         f"not {text!r}")
    return start, end, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", type=int, default=8)
    parser.add_argument("--lookahead", type=float, default=4.0)
    parser.add_argument("--ramp", type=ramp_of, default=(120.0, 180.0, 2.0), help="FROM:TO:SECONDS")
    parser.add_argument("--every", type=float, default=5.0, help="milliseconds between two changes")
    parser.add_argument("--name", default="tempo_ramp")
    args = parser.parse_args()
    start = machine()
    result = run(args.voices, args.lookahead, args.ramp, args.every / 1000)
    save(args.name, result, start, render)


if __name__ == "__main__":
    main()
