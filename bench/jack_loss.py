"""What the JACK output loses when JACK's side is frozen now and then: the daemon's JACK output process alone (no model,
no OSC), on a dummy-driver JACK server, fed one note every 10 ms (eight voices of 16ths at 190 BPM), each note-on
unique (channel, pitch and velocity count up) and ended 5 ms later; JACK's own ``jack_midi_dump`` reads the port.
With ``--freeze`` the JACK server and the output process are frozen for 0.5-6 ms about 40 times a second
(bench/freezer.py), as a busy host's steal freezes a virtual machine; the reader is not frozen, so what it misses
the output failed to deliver.

It reports the note-ons the reader never saw, the ones it saw twice, the notes open (in order) at the end, and the
output's own exit line (periods it wrote again, xrun repairs, the callback's time). Writes
bench/results/<name>.{json,md}.

Usage: .venv/bin/python bench/jack_loss.py [--seconds 60] [--period 64] [--freeze] [--name NAME]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT))

import harness  # noqa: E402
from freezer import Freezer, freeze_text  # noqa: E402
from machine_facts import hardware_line, machine, ran  # noqa: E402
from soak import save  # noqa: E402

from stylevae.bridge import midi_out  # noqa: E402
from stylevae.bridge.jack_out import JackOut  # noqa: E402

NOTE_SECONDS = 0.01  # one note-on every ...
LENGTH_SECONDS = 0.005  # ... ended this much later


class ExitLine(logging.Handler):
    """The output's exit line, as the daemon logs it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def unique_note_on(n: int) -> bytes:
    """The n-th note-on: 16 × 127 × 127 of them before one comes again."""
    channel, rest = divmod(n, 127 * 127)
    return midi_out.note_on(channel % 16 + 1, 1 + rest // 127, 1 + rest % 127)


def run_loss(seconds: float, period: int, freeze: bool, seed: int = 0) -> dict:
    lines = ExitLine()
    logging.getLogger("stylevae.jack").addHandler(lines)
    logging.getLogger("stylevae.jack").setLevel(logging.INFO)
    server = harness.JackServer(period=period)
    out = dump = None
    try:
        out = JackOut(f"loss{int(time.time()) % 100000}")
        dump = harness.MidiDump(out.name)
        sent: list[bytes] = []
        with Freezer([server.process.pid, out.pid] if freeze else [], seed) as freezer:
            began = time.perf_counter() + 0.3
            while (at := began + len(sent) * NOTE_SECONDS) < began + seconds:
                time.sleep(max(0.0, at - out.lead - time.perf_counter()))
                message = unique_note_on(len(sent))
                out.send(message, at=at)
                out.send(midi_out.note_off((message[0] & 0x0F) + 1, message[1]), at=at + LENGTH_SECONDS)
                sent.append(message)
            time.sleep(out.lead + 0.2)
        out.close()
        out = None
        time.sleep(0.5)
        events = dump.snapshot()
    finally:
        if out is not None:
            out.close()
        if dump is not None:
            dump.close()
        server.stop()
        logging.getLogger("stylevae.jack").removeHandler(lines)
    seen = Counter(bytes((e.status, e.pitch, e.velocity)) for e in events if e.is_on)
    return {"seconds": seconds, "period": period, "freezes": freezer.freezes, "note_ons_sent": len(sent),
            "note_ons_lost": sum(1 for m in sent if not seen[m]),
            "note_ons_seen_twice": sum(1 for m in sent if seen[m] > 1),
            "open_at_the_end": sum(harness.open_notes(events).values()), "messages_read": len(events),
            "output_exit_line": [line for line in lines.lines if line.startswith("JACK output:")]}


def render(r: dict) -> str:
    lost = r["note_ons_lost"] / max(1, r["note_ons_sent"])
    return "\n".join([
        "# What the JACK output loses",
        "",
        ran(r),
        hardware_line(r["machine_start"], r["machine_end"]),
        f"JACK dummy driver, 48 kHz, period {r['period']} frames; a note every {NOTE_SECONDS * 1000:g} ms for "
        f"{r['seconds']:g} s; freezes: {freeze_text(r['freezes'], r['seconds'])}.",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| note-ons sent / never read | {r['note_ons_sent']} / **{r['note_ons_lost']}** ({lost:.1%}) |",
        f"| note-ons read twice (written again: the reader holds the note once) | {r['note_ons_seen_twice']} |",
        f"| notes open at the end, in order (explicit note-offs only) | **{r['open_at_the_end']}** |",
        f"| messages read | {r['messages_read']} |",
        "",
        "The output's exit line: " + " ".join(r["output_exit_line"] or ["(none: the process did not end cleanly)"]),
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--period", type=int, default=64)
    parser.add_argument("--freeze", action="store_true", help="freeze the JACK server and the output now and then")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", default=None, help="file name of the results (default jack_loss_p<period>)")
    args = parser.parse_args()
    start = machine()
    result = run_loss(args.seconds, args.period, args.freeze, args.seed)
    save(args.name or f"jack_loss_p{args.period}", result, start, render)


if __name__ == "__main__":
    main()
