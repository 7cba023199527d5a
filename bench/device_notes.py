"""How late the device's own note output ("Notes to this track") begins each note, against the daemon's MIDI port.

The engine with the shipped model and fake time, and the device's patcher played by ``tests/maxsim.py``, on one
timeline (``tests/test_device_note_output.py``'s ``Together``: Live plays from beat 0 at 120 BPM, one voice, the
daemon answering the device's pings; ``--loop START:LENGTH`` in beats turns Live's loop on, ``--lookahead`` is the
daemon's; ``--tempo BPM:SECONDS,...`` changes Live's tempo after ``--seconds``, one change after another, each
held so long, and ``--no-retell`` measures the daemon as it was before it told the device a change of tempo again).
For each note-on of the port, the device's first note-on at the same pitch at or after it: how much later it came;
how many of the port's notes the track sounded from the same on to the same off; and, when both sounded as many
notes, how far apart the ons and offs of each pair lay; and the device's note-offs for a pitch it was not sounding
(a second note-off of a note, or one of a note it never began). ``--maxpat``
measures another patch, e.g. an earlier one: ``git show 581a4a8:max_patches/StyleVAE.maxpat > /tmp/before.maxpat``.
Nothing here runs Max: the simulator's reading of the patch is what is measured. Writes
bench/results/<name>.{json,md}.

Usage: .venv/bin/python bench/device_notes.py [--seconds 60] [--maxpat PATH] [--loop START:LENGTH]
                                              [--lookahead 0.5] [--seed N] [--tempo BPM:SECONDS,...]
                                              [--no-retell] [--name device_notes]
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
from maxsim import midi_faults  # noqa: E402
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


def run(seconds: float, maxpat: Path, loop: tuple[float, float] | None = None, lookahead: float = 0.5,
        seed: int | None = None, tempo: list[tuple[float, float]] | None = None, retell: bool = True) -> dict:
    both = Together(maxpat, lookahead)
    if seed is not None:
        both.rig.engine.seed = seed
    if not retell:
        both.rig.engine._retell = lambda now: None
    if loop is not None:
        both.loop(*loop)
    both.rig.send(cmd.Play(1, True))
    both.run(seconds)
    for bpm, held in tempo or []:
        both.tempo(bpm)
        both.run(held)
    late = lateness(both.port_ons(), both.track_ons())
    found = np.array([ms for ms in late if ms is not None] or [np.nan])
    port, track = both.port_notes(), both.track_notes()
    apart = [max(abs(a - c), abs(b - d) if b != d else 0.0) * 1000 for (a, b, _), (c, d, _) in zip(port, track)]
    shown = maxpat.resolve().relative_to(ROOT) if maxpat.resolve().is_relative_to(ROOT) else maxpat
    return {"seconds": seconds, "maxpat": str(shown), "loop": loop, "lookahead": lookahead, "seed": seed,
            "port_note_ons": len(late), "missing": late.count(None),
            "late_ms_p50": float(np.median(found)), "late_ms_p90": float(np.percentile(found, 90)),
            "late_ms_max": float(found.max()), "on_time_share": float(np.mean(found < 1.0)),
            "port_notes": len(port), "track_notes": len(track), "same_notes": len(set(port) & set(track)),
            "notes_equal": track == port, "tempo": tempo, "retell": retell,
            "apart_ms_max": max(apart) if apart and len(port) == len(track) else None,
            "apart_over_1ms": sum(ms > 1.0 for ms in apart) if len(port) == len(track) else None,
            "track_note_offs": sum(1 for _, status, _, v in both.played if status & 0xF0 == 0x80 or not v),
            "stray_note_offs": sum(fault.startswith("note-off") for fault in midi_faults(both.midi(), ended=False))}


def render(r: dict) -> str:
    loop, tempo = r.get("loop"), r.get("tempo")
    looped = f"{loop[0]:g} to {loop[0] + loop[1]:g}" if loop else "off"
    changes = ", ".join(f"{bpm:g} BPM for {held:g} s" for bpm, held in tempo) if tempo else "none"
    apart = r.get("apart_ms_max")
    return "\n".join([
        f"# The device's own note output against the daemon's port ({r['seconds']:g} s at 120 BPM, one voice"
        f"{', then changes of tempo' if tempo else ''})", "",
        ran(r), hardware_line(r["machine_start"], r["machine_end"]), f"The patch measured: `{r['maxpat']}`. "
        f"Live's loop: {looped}; the daemon's lookahead {r.get('lookahead', 0.5):g} beat. Then changes of tempo: "
        f"{changes}{'' if r.get('retell', True) else ' (the daemon not telling them to the device)'}.", "",
        "| measure | value |", "| --- | --- |",
        f"| the port's note-ons; not played by the device | {r['port_note_ons']}; {r['missing']} |",
        f"| the device's note-on after the port's, p50 / p90 / max (ms) | {r['late_ms_p50']:.0f} / "
        f"{r['late_ms_p90']:.0f} / {r['late_ms_max']:.0f} |",
        f"| note-ons within 1 ms of the port's | {r['on_time_share']:.0%} |",
        f"| the port's notes the track sounded from the same on to the same off (notes in the track) | "
        f"{r.get('same_notes', '-')} of {r.get('port_notes', '-')} ({r.get('track_notes', '-')}) |",
        f"| every note sounded from on to off as the port's | {'yes' if r['notes_equal'] else 'no'} |",
        f"| as many notes: the farthest an on or off lay from the port's (ms); pairs more than 1 ms apart | "
        f"{'-' if apart is None else f'{apart:.1f}'}; {r.get('apart_over_1ms', '-')} |",
        f"| the device's note-offs; of them for a pitch it was not sounding | {r.get('track_note_offs', '-')}; "
        f"{r.get('stray_note_offs', '-')} |", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--maxpat", type=Path, default=MAXPAT)
    parser.add_argument("--loop", type=loop_of, default=None, help="Live's loop on, START:LENGTH in beats")
    parser.add_argument("--lookahead", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=None, help="the engine's seed (the test rig's by default)")
    parser.add_argument("--tempo", type=tempo_of, default=None, help="changes of Live's tempo, BPM:SECONDS,...")
    parser.add_argument("--no-retell", dest="retell", action="store_false",
                        help="the daemon not telling the device a change of tempo again, as before it did")
    parser.add_argument("--name", default="device_notes")
    args = parser.parse_args()
    start = machine()
    result = run(args.seconds, args.maxpat, args.loop, args.lookahead, args.seed, args.tempo, args.retell)
    save(args.name, result, start, render)


def loop_of(text: str) -> tuple[float, float]:
    try:
        start, length = (float(x) for x in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a loop is START:LENGTH in beats, e.g. 0:2, not {text!r}") from None
    if length <= 0 or start < 0:
        raise argparse.ArgumentTypeError(f"a loop needs a start >= 0 and a length > 0, not {text!r}")
    return start, length


def tempo_of(text: str) -> list[tuple[float, float]]:
    try:
        changes = [tuple(float(x) for x in change.split(":")) for change in text.split(",")]
    except ValueError:
        changes = []
    if not changes or any(len(c) != 2 or not 20 <= c[0] <= 999 or c[1] <= 0 for c in changes):
        raise argparse.ArgumentTypeError(f"changes of tempo are BPM:SECONDS,... (20-999 BPM, seconds > 0), e.g. "
                                         f"90:2,150:2, not {text!r}")
    return [(bpm, held) for bpm, held in changes]


if __name__ == "__main__":
    main()
