"""How late the device's own note output ("Notes to this track") begins each note, against the daemon's MIDI port.

The engine with the shipped model and fake time, and the device's patcher played by ``tests/maxsim.py``, on one
timeline (``tests/test_device_note_output.py``'s ``Together``: Live plays from beat 0 at 120 BPM, one voice, the
default lookahead, the daemon answering the device's pings). For each note-on of the port, the device's first
note-on at the same pitch at or after it: how much later it came. ``--maxpat`` measures another patch, e.g. an
earlier one: ``git show 581a4a8:max_patches/StyleVAE.maxpat > /tmp/before.maxpat``. Nothing here runs Max: the
simulator's reading of the patch is what is measured. Writes bench/results/<name>.{json,md}.

Usage: .venv/bin/python bench/device_notes.py [--seconds 60] [--maxpat PATH] [--name device_notes]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from machine_facts import hardware_line, machine, ran  # noqa: E402
from soak import save  # noqa: E402
from test_device_note_output import Together  # noqa: E402

from stylevae.bridge import commands as cmd  # noqa: E402
from stylevae.max_patches.build import MAXPAT  # noqa: E402


def lateness(port: list[tuple[float, int]], track: list[tuple[float, int]]) -> list[float | None]:
    """For each port note-on (time, pitch), ms until the track's first note-on of that pitch at or after it; None
    when the track never played it."""
    by_pitch: dict[int, list[float]] = {}
    for t, pitch in track:
        by_pitch.setdefault(pitch, []).append(t)
    late = []
    for t, pitch in port:
        later = [u for u in by_pitch.get(pitch, []) if u >= t - 1e-6]
        late.append((min(later) - t) * 1000 if later else None)
    return late


def run(seconds: float, maxpat: Path) -> dict:
    both = Together(maxpat)
    both.rig.send(cmd.Play(1, True))
    both.run(seconds)
    late = lateness(both.port_ons(), both.track_ons())
    found = np.array([ms for ms in late if ms is not None])
    shown = maxpat.resolve().relative_to(ROOT) if maxpat.resolve().is_relative_to(ROOT) else maxpat
    return {"seconds": seconds, "maxpat": str(shown), "port_note_ons": len(late), "missing": late.count(None),
            "late_ms_p50": float(np.median(found)), "late_ms_p90": float(np.percentile(found, 90)),
            "late_ms_max": float(found.max()), "on_time_share": float(np.mean(found < 1.0)),
            "notes_equal": both.track_notes() == both.port_notes()}


def render(r: dict) -> str:
    return "\n".join([
        f"# The device's own note output against the daemon's port ({r['seconds']:g} s, 120 BPM, one voice)", "",
        ran(r), hardware_line(r["machine_start"], r["machine_end"]), f"The patch measured: `{r['maxpat']}`.", "",
        "| measure | value |", "| --- | --- |",
        f"| the port's note-ons; not played by the device | {r['port_note_ons']}; {r['missing']} |",
        f"| the device's note-on after the port's, p50 / p90 / max (ms) | {r['late_ms_p50']:.0f} / "
        f"{r['late_ms_p90']:.0f} / {r['late_ms_max']:.0f} |",
        f"| note-ons within 1 ms of the port's | {r['on_time_share']:.0%} |",
        f"| every note sounded from on to off as the port's | {'yes' if r['notes_equal'] else 'no'} |", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--maxpat", type=Path, default=MAXPAT)
    parser.add_argument("--name", default="device_notes")
    args = parser.parse_args()
    start = machine()
    save(args.name, run(args.seconds, args.maxpat), start, render)


if __name__ == "__main__":
    main()
