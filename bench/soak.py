"""Soak: `stylevae serve` on a real JACK server for a while, driven as a performer's worst day would drive it.

N voices play; random valid controls (style, mix, temperature, variation, density, play, hold, octave,
channel, reseed, restyle) arrive at a given rate with a share of malformed packets; the transport is
reported every beat as Live does, with jumps, tempo changes and stops now and then, and Live's loop switched
on (a bar line, 1 to 4 bars), moved or off at some of the jumps, wrapping as Live's does; pings all along.
JACK's own ``jack_midi_dump`` reads the daemon's port (no Python in JACK's thread) and counts; a second
listener (tests/e2e/jack_listen.py) times the onsets and counts too. A listener late for its JACK period
(an xrun: the soak counts jackd's reports) misses that period's events, which reads as unmatched note-ons:
what the output wrote is compared with what each listener read.

It reports: note-ons and note-offs counted by totals per channel and pitch (order ignored: an unmatched
note-on is one that never got its note-off on the wire), notes open after each transport stop, after
the final stop and after SIGTERM, pings and pongs, malformed packets and refusals, the daemon's
(and its JACK process's) RSS over time, and the onset error against the soak's own transport.
Writes bench/results/<name>.{json,md}. Not a test: a test runs a 60-second version (tests/e2e/test_soak.py).

With ``--freeze`` the JACK server and the daemon's JACK output are frozen for a few milliseconds at a time, a few
dozen times a second, all along (bench/freezer.py): a busy host's steal, on demand.

Usage: .venv/bin/python bench/soak.py [--seconds 600] [--period 64] [--voices 8] [--rate 200] [--freeze] [--name NAME]
"""

from __future__ import annotations

import argparse
import random
import re
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT))

import harness  # noqa: E402
from freezer import Freezer, freeze_text  # noqa: E402
from machine_facts import (  # noqa: E402
    BUSY_WINDOW,
    RESULTS,
    add_daemon_options,
    calm,
    daemon_options_of,
    hardware_line,
    machine,
    ran,
    steal_share,
    write_report,
)
from osc_traffic import Controls, Malformed, message, refusals_logged  # noqa: E402

from stylevae.bridge import commands  # noqa: E402
from stylevae.bridge.jack_out import SUMMARY_PLACED, SUMMARY_WRITTEN  # noqa: E402
from stylevae.bridge.osc_spec import PREFIX  # noqa: E402
from stylevae.model.network import checkpoint as ckpt  # noqa: E402
from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT  # noqa: E402

PING_SECONDS = 0.2
LOOP_CHANGE_SHARE = 0.5  # of the jumps, those that come with a change of Live's loop
SETTLE_SECONDS = 0.5  # after a stop, before notes still open are counted; after a change, before onsets count
RATE = 48000


class Replies(threading.Thread):
    """The daemon's replies, counted by address, with the times pongs came and the last state of each voice."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:  # a flood of replies must not lose a pong here: past the system's limit where allowed (root)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUFFORCE, 1 << 23)
        except (AttributeError, OSError):
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 23)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.counts: Counter[str] = Counter()
        self.pongs: list[float] = []
        self.states: dict[str, bytes] = {}
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                data = self.sock.recv(65536)
            except (TimeoutError, OSError):
                continue
            self.take(data.split(b"\0", 1)[0].decode(errors="replace"), data)

    def close(self) -> None:
        """Stop reading and close the socket (the thread's wait for a reply lasts at most its timeout)."""
        self.stop.set()
        self.join(1)
        self.sock.close()

    def take(self, address: str, data: bytes) -> None:
        """One reply, as it came."""
        kind = address.rsplit("/", 1)[-1]
        self.counts[kind] += 1
        if kind == "pong":
            self.pongs.append(time.perf_counter())
        elif kind == "state":
            self.states[address] = data


class Transport:
    """The soak's own Live: a beat position that is a function of perf_counter, changed by jumps and tempo, and
    wrapped by Live's loop when it is on and the position was before its end (Live plays on past a loop it is
    beyond). Its loops lie on bar lines, so a wrap keeps the 16th grid that the onsets are measured against."""

    def __init__(self, bpm: float):
        self.bpm, self.t0, self.b0, self.playing = bpm, time.perf_counter(), 0.0, True
        self.loop: tuple[float, float] | None = None  # (start, length) in beats
        self.wraps, self._reported = 0, None  # wraps seen in the reports; the last beat reported since a change
        self.segments: list[tuple[float, float, float, bool]] = [(self.t0, self.b0, bpm, True)]  # from t: b0, bpm
        self.loops: list[tuple[float, tuple[float, float] | None]] = []  # (t, Live's loop from then)

    def beat(self, t: float) -> float:
        beat = self.b0 + (t - self.t0) * self.bpm / 60 if self.playing else self.b0
        if self.loop is not None and self.b0 < sum(self.loop) <= beat:
            start, length = self.loop
            beat = start + (beat - start) % length
        return beat

    def change(self, t: float, beat: float | None = None, bpm: float | None = None, playing: bool | None = None):
        self.b0 = self.beat(t) if beat is None else beat
        self.t0, self.bpm = t, bpm or self.bpm
        self.playing = self.playing if playing is None else playing
        self.segments.append((t, self.b0, self.bpm, self.playing))
        self._reported = None

    def set_loop(self, t: float, loop: tuple[float, float] | None) -> bytes:
        """Live's loop changed at ``t``: its position so far stays, the wrap follows the new loop; the message the
        device sends for it."""
        self.b0, self.t0 = self.beat(t), t
        self.loop, self._reported = loop, None
        self.loops.append((t, loop))
        start, length = loop or (0.0, 4.0)
        return message(f"{PREFIX}/loop", int(loop is not None), start, length)

    def report(self, t: float) -> bytes:
        beat = self.beat(t)
        self.wraps += self._reported is not None and beat < self._reported
        self._reported = beat
        return message(f"{PREFIX}/transport", beat, int(self.playing), self.bpm)

    def announce(self, sock: socket.socket, target: tuple[str, int], **change) -> None:
        """Make a change (jump, tempo, start, stop; none: a plain report) and send the report, both at a time read
        just before the send, as Live's device reads its position as it sends. A time read earlier, before other
        work of the soak's loop (a large malformed bundle takes milliseconds to build), would date the report too
        early, and the daemon, which counts it from its arrival, would seem late by that much."""
        t = time.perf_counter()
        if change:
            self.change(t, **change)
        sock.sendto(self.report(t), target)


def rss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return float("nan")
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="utf-8").split()]
    except OSError:
        return []


def by_key(counts: Counter[tuple[int, int]]) -> dict[str, int]:
    """Counts per (channel, pitch) as JSON can keep them: "channel/pitch" -> count, in order."""
    return {f"{c}/{p}": n for (c, p), n in sorted(counts.items())}


def tallies(events: list[harness.MidiEvent]) -> dict:
    """Totals per (channel, pitch), order ignored: the note-ons that never got a note-off."""
    ons = Counter((e.channel, e.pitch) for e in events if e.is_on)
    offs = Counter((e.channel, e.pitch) for e in events if e.is_off)
    unmatched = ons - offs
    return {"note_ons": sum(ons.values()), "note_offs": sum(offs.values()),
            "unmatched_note_ons": sum(unmatched.values()),
            "unmatched_keys": by_key(unmatched),
            "all_notes_off": sum(e.is_all_notes_off for e in events)}


def change_kind(segments, i: int) -> str:
    """What began the soak transport's segment ``i``: "start" (the first one too), "stop", "tempo" or "jump"."""
    if i == 0 or (segments[i][3] and not segments[i - 1][3]):
        return "start"
    if not segments[i][3]:
        return "stop"
    return "tempo" if segments[i][2] != segments[i - 1][2] else "jump"


def onset_errors(events: list[harness.MidiEvent], segments) -> dict:
    """|error| of each note-on (at the wall-clock time of its frame: ``harness.FrameListener``) against the 16th
    grid of the soak's transport, in ms, the constant offset (the median error) removed. Onsets within
    SETTLE_SECONDS of a change are counted apart (``after_change``, and by the kind of change): after a jump or a
    start the daemon re-aligns at the first step that leaves time for it, the one on the playhead up to 10 ms
    late; a tempo change reaches every note (the JACK output's are moved)."""
    starts = [s[0] for s in segments]
    ons = [e for e in events if e.is_on]
    if len(ons) < 2:
        return {"n": 0}
    frames = np.asarray([e.time for e in ons])

    def phase_errors(offset: float) -> tuple[np.ndarray, np.ndarray, list[str], list[float]]:
        """Signed errors (seconds, late positive) of the settled onsets and of those just after a change, the kind
        of change before each of the latter, and the settled onsets' times."""
        settled, changed, kinds, times = [], [], [], []
        for t in frames + offset:
            i = int(np.searchsorted(starts, t, side="right")) - 1
            if i < 0:
                continue
            t0, b0, bpm, playing = segments[i]
            if not playing or (i + 1 < len(starts) and starts[i + 1] - t < 0.05):
                continue
            step = 15.0 / bpm
            phase = ((t - t0) / step + (b0 * 4) % 1) % 1
            error = (phase if phase < 0.5 else phase - 1) * step
            if t - t0 < SETTLE_SECONDS:
                changed.append(error)
                kinds.append(change_kind(segments, i))
            else:
                settled.append(error)
                times.append(t - starts[0])
        return np.asarray(settled), np.asarray(changed), kinds, times

    offset = 0.0
    for _ in range(3):
        settled, _, _, _ = phase_errors(offset)
        if not settled.size:
            return {"n": 0}
        offset -= float(np.median(settled))
    settled, changed, kinds, times = phase_errors(offset)
    settled, changed = settled * 1000, changed * 1000
    a = np.abs(settled)
    result = {"n": int(a.size), "p50": float(np.percentile(a, 50)), "p99": float(np.percentile(a, 99)),
              "max": float(a.max()),
              # where the settled onsets over 1 ms off lie: seconds into the soak, signed ms (late positive)
              "over_1ms": [(round(t, 3), round(float(e), 2)) for t, e in zip(times, settled) if abs(e) > 1][:500]}
    if changed.size:
        result["after_change"] = late_figures(changed)
        result["after_change"]["by_kind"] = {kind: late_figures(changed[np.asarray(kinds) == kind])
                                             for kind in sorted(set(kinds))}
    return result


def late_figures(errors_ms: np.ndarray) -> dict:
    """Signed onset errors (ms, late positive), as the report gives them: their count, p99 and largest size, how
    many came over 1 ms late, and the latest."""
    size = np.abs(errors_ms)
    return {"n": int(errors_ms.size), "p99": float(np.percentile(size, 99)), "max": float(size.max()),
            "late_over_1ms": int((errors_ms > 1).sum()), "latest": float(errors_ms.max())}


def run_soak(checkpoint: Path, seconds: float, period: int, voices: int, rate: float, malformed_share: float,
             seed: int = 1, freeze: bool = False, say=print, daemon_options: Sequence[str] = ()) -> dict:
    rng = random.Random(seed)
    loaded = ckpt.load(checkpoint)
    context = commands.Context(tuple(loaded.styles), loaded.vocab, loaded.steps)
    controls, malformed = Controls(context.styles, voices, seed), Malformed(context, seed)
    server = harness.JackServer(period=period)
    daemon = dump = timing = osc = None
    freezer = Freezer([])
    replies = Replies()
    replies.start()
    result: dict = {"voices": voices, "period": period, "rate": rate, "malformed_share": malformed_share,
                    "daemon_options": list(daemon_options)}
    try:
        daemon = harness.Daemon(checkpoint, server.name, "--bpm", "120", *daemon_options)
        dump = harness.MidiDump(daemon.midi_port, rate=RATE)
        timing = harness.FrameListener(daemon.midi_port)
        osc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        target = ("127.0.0.1", daemon.osc_port)
        osc.sendto(message(f"{PREFIX}/hello", replies.port), target)
        transport = Transport(120.0)
        transport.announce(osc, target)
        for v in range(1, voices + 1):
            osc.sendto(message(f"{PREFIX}/{v}/density", 0.5), target)
            osc.sendto(message(f"{PREFIX}/{v}/play", 1), target)
        sent: Counter[str] = Counter()
        stops: list[int] = []  # notes open after each transport stop, by jack_midi_dump
        stops_second: list[int] = []  # ... and by the second listener, late in other periods than the dump
        stop_keys: list[dict] = []  # for each stop with notes open: when it was sent, and each listener's open keys
        stopped_at = 0.0
        rss: list[tuple[float, float, float]] = []  # (seconds, daemon MB, JACK process MB)
        if freeze:
            freezer = Freezer([server.process.pid, *children(daemon.process.pid)], seed)
        freezer.__enter__()  # and out after SIGTERM: the last note-offs are written under it too
        began = time.perf_counter()
        next_message = next_ping = next_rss = began
        next_report = began + 60 / transport.bpm
        next_jump, next_tempo, next_stop = began + rng.uniform(5, 12), began + rng.uniform(8, 15), began + 20
        restart_at = None
        while (now := time.perf_counter()) - began < seconds:
            if now >= next_message:
                kind, data = malformed.next() if rng.random() < malformed_share else controls.next()
                osc.sendto(data, target)
                sent["malformed" if kind in Malformed.KINDS else "controls"] += 1
                next_message += 1 / rate
            if now >= next_ping:
                osc.sendto(message(f"{PREFIX}/ping"), target)
                sent["pings"] += 1
                next_ping += PING_SECONDS
            if restart_at is not None and now >= restart_at:
                by_dump, by_second = harness.open_notes(dump.snapshot()), harness.open_notes(timing.snapshot())
                stops.append(sum(by_dump.values()))
                stops_second.append(sum(by_second.values()))
                if by_dump or by_second:
                    stop_keys.append({"stop": len(stops) - 1, "sent_at_s": stopped_at - began,
                                      "dump": by_key(by_dump), "second": by_key(by_second)})
                transport.announce(osc, target, playing=True)
                restart_at, next_report = None, time.perf_counter() + 60 / transport.bpm
            elif transport.playing and now >= next_stop:
                transport.announce(osc, target, playing=False)
                stopped_at = now
                restart_at, next_stop = now + SETTLE_SECONDS + 0.5, now + rng.uniform(15, 30)
            elif transport.playing and now >= next_jump:
                if rng.random() < LOOP_CHANGE_SHARE:  # the loop brace moved, set or switched off with the jump
                    loop = rng.choice([None, (4.0 * rng.randint(1, 64), 4.0 * rng.choice([1, 2, 4]))])
                    osc.sendto(transport.set_loop(time.perf_counter(), loop), target)
                    sent["loop_changes"] += 1
                loop = transport.loop  # with a loop on, the playhead goes into it or the bar before, as a user's does
                bars = (0, 64) if loop is None else (loop[0] / 4 - 1, (loop[0] + loop[1]) / 4 - 1)
                beat = 4.0 * rng.randint(int(bars[0]), int(bars[1]))
                transport.announce(osc, target, beat=beat)
                sent["jumps"] += 1
                next_jump = now + rng.uniform(5, 12)
            elif transport.playing and now >= next_tempo:
                transport.announce(osc, target, bpm=round(rng.uniform(80, 200), 1))
                sent["tempo_changes"] += 1
                next_tempo = now + rng.uniform(8, 15)
            elif transport.playing and now >= next_report:  # every beat, as the device does
                transport.announce(osc, target)
                next_report = now + 60 / transport.bpm
            if now >= next_rss:
                rss.append((now - began, rss_mb(daemon.process.pid),
                            sum(rss_mb(c) for c in children(daemon.process.pid))))
                next_rss += 5.0
            time.sleep(max(0.0, min(next_message, next_ping) - time.perf_counter()))
        elapsed = time.perf_counter() - began
        say(f"soak: {elapsed:.0f} s done; final stop and SIGTERM")
        for v in range(1, voices + 1):
            osc.sendto(message(f"{PREFIX}/{v}/play", 0), target)
        transport.announce(osc, target, playing=False)
        time.sleep(SETTLE_SECONDS + 0.5)
        open_after_stop = harness.open_notes(dump.snapshot())
        open_after_stop_second = harness.open_notes(timing.snapshot())
        mark = len(dump.snapshot())
        transport.announce(osc, target, playing=True)
        for v in range(1, voices + 1):
            osc.sendto(message(f"{PREFIX}/{v}/play", 1), target)
        dump.wait_for(lambda events: sum(e.is_on for e in events[mark:]) >= 2 * voices, 10)
        time.sleep(0.3)
        pings_answered = len(replies.pongs)
        # sent at the stops and the voices switched off, not the output's own at exit
        all_notes_off_before_sigterm = sum(e.is_all_notes_off for e in dump.snapshot())
        rc = daemon.stop(signal.SIGTERM)
        freezer.__exit__()
        time.sleep(0.5)
        events = dump.snapshot()
        open_after_sigterm = harness.open_notes(events)
        log = daemon.log()
        jack_summary = SUMMARY_PLACED.search(log)
        gaps = np.diff([began] + replies.pongs[:pings_answered]) if pings_answered else np.array([seconds])
        result.update({
            "seconds": elapsed, "freezes": freezer.freezes, "sent": dict(sent), "loop_wraps": transport.wraps,
            "transport": {"segments": [(round(t - transport.segments[0][0], 3), b, bpm, playing)
                                       for t, b, bpm, playing in transport.segments],
                          "loops": [(round(t - transport.segments[0][0], 3), loop) for t, loop in transport.loops]},
            "replies": dict(replies.counts),
            **tallies(events),
            "open_after_each_transport_stop": stops,
            "stops_with_notes_open": stop_keys,
            "open_after_final_stop": sum(open_after_stop.values()),
            "open_after_final_stop_keys": by_key(open_after_stop),
            "open_after_sigterm": sum(open_after_sigterm.values()),
            "open_after_sigterm_counting_cc123": sum(harness.open_notes(events, all_notes_off=True).values()),
            "all_notes_off_before_sigterm": all_notes_off_before_sigterm,
            "pings": sent["pings"], "pongs": pings_answered, "longest_pong_gap_s": float(gaps.max()),
            "onset_error_ms": onset_errors(timing.snapshot(), transport.segments),
            "jack_placement_ms": {k: float(jack_summary[k]) for k in ("p50", "p99", "max")} if jack_summary else None,
            "jack_full_buffers": int(jack_summary["full"]) if jack_summary else None,
            "rss_mb": rss, "exit_code": rc,
            "log_lines": {"tracebacks": log.count("Traceback"), "errors": log.count(" ERROR "),
                          "refused_logged": refusals_logged(log),
                          "refused_not_logged_lines": log.count("more refused messages not logged")},
            "dump_other_lines": [line for line in dump.other if line and "Shutting down" not in line][:20],
            "dump_lost_events": dump.lost,
            "jack_xruns": xruns(server.output()),
            "daemon_summary": [line.split(": ", 1)[-1] for line in log.splitlines()
                               if "decoder steps" in line or "JACK output:" in line],
            "jack_messages_written": int(written["written"]) if (written := SUMMARY_WRITTEN.search(log)) else None,
            "dump_messages": len(events),
            "second_listener": {"messages": len(second := timing.snapshot()),
                                "unmatched_note_ons": tallies(second)["unmatched_note_ons"],
                                "open_after_each_transport_stop": stops_second,
                                "open_after_final_stop": sum(open_after_stop_second.values()),
                                "open_after_sigterm": sum(harness.open_notes(second).values())},
            "events": events, "daemon_log": log,
        })
        return result
    finally:
        freezer.__exit__()
        replies.close()
        if osc is not None:
            osc.close()
        if daemon is not None and daemon.process.poll() is None:
            daemon.stop()
        for listener in (dump, timing):
            if listener is not None:
                listener.close()
        server.stop()


def xruns(jackd_output: str) -> dict[str, int]:
    """jackd's reports of a client that had not finished its period in time, by client: its MIDI is lost."""
    late = Counter(m.group(1) for m in re.finditer(r"XRun: client = (\S+)", jackd_output))
    late["all xrun lines"] = jackd_output.count("XRun")
    return dict(late)


def rss_growth(rss: list, warm_up: float = 60.0) -> float | None:
    """RSS at the end minus RSS after warm-up (MB), daemon and JACK process together."""
    after = [(t, a + b) for t, a, b in rss if t >= min(warm_up, rss[-1][0] / 2)] if rss else []
    return after[-1][1] - after[0][1] if len(after) > 1 else None


def render(r: dict) -> str:
    m0, m1 = r["machine_start"], r["machine_end"]
    onset, jack_ms = r["onset_error_ms"], r["jack_placement_ms"]
    before, quiet = calm(m0)
    loaded = m0["training_running"] or m1["training_running"] or not quiet
    lines = [
        f"# Soak{f' (UNDER LOAD: {before} at the start)' if loaded else ''}",
        "",
        ran(r),
        hardware_line(m0, m1),
        f"JACK dummy driver, 48 kHz, period {r['period']} frames; {r['voices']} voices; {r['rate']:g} messages/s, "
        f"{r['malformed_share']:.0%} malformed; the transport reported every beat, "
        f"{r['sent'].get('jumps', 0)} jumps ({r['sent'].get('loop_changes', 0)} with a change of Live's loop; "
        f"{r.get('loop_wraps', 0)} wraps), "
        f"{r['sent'].get('tempo_changes', 0)} tempo changes, "
        f"{len(r['open_after_each_transport_stop'])} stops; {r['seconds']:.0f} s.",
        f"Freezes: {freeze_text(r.get('freezes', 0), r['seconds'])}.",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| note-ons / note-offs on the wire | {r['note_ons']} / {r['note_offs']} |",
        f"| **unmatched note-ons** (totals per channel and pitch) | **{r['unmatched_note_ons']}** |",
        f"| notes open after each transport stop (max over {len(r['open_after_each_transport_stop'])}) | "
        f"{max(r['open_after_each_transport_stop'], default=0)} |",
        f"| notes open after the final stop (play 0 on every voice, transport stopped) | "
        f"{r['open_after_final_stop']} |",
        f"| notes open after SIGTERM (explicit note-offs only) | {r['open_after_sigterm']} |",
        f"| All Notes Off (CC 123) messages (before SIGTERM) | {r['all_notes_off']} "
        f"({r.get('all_notes_off_before_sigterm', '-')}) |",
        f"| pings / pongs; longest gap between pongs | {r['pings']} / {r['pongs']}; {r['longest_pong_gap_s']:.2f} s |",
        f"| malformed packets / error replies | {r['sent'].get('malformed', 0)} / {r['replies'].get('error', 0)} |",
        f"| refusals logged / \"N more not logged\" lines | {r['log_lines']['refused_logged']} / "
        f"{r['log_lines']['refused_not_logged_lines']} |",
        f"| tracebacks / ERROR lines in the daemon's log | {r['log_lines']['tracebacks']} / "
        f"{r['log_lines']['errors']} |",
    ]
    if onset.get("n"):
        lines.append(f"| onset error against the soak's transport, p50 / p99 / max (ms) | {onset['p50']:.3f} / "
                     f"{onset['p99']:.3f} / {onset['max']:.3f} (n {onset['n']}) |")
        if "over_1ms" in onset:
            seconds = sorted({int(t) for t, _ in onset["over_1ms"]})
            lines.append(f"| … of them over 1 ms off: how many, in which seconds of the soak | {len(onset['over_1ms'])}"
                         f"{', in ' + ', '.join(map(str, seconds)) if seconds else ''} |")
    if changed := onset.get("after_change"):
        lines.append(f"| … in the {SETTLE_SECONDS} s after a change: p99 / max (ms); onsets over 1 ms late, the latest "
                     f"| {changed['p99']:.3f} / {changed['max']:.3f} (n {changed['n']}); {changed['late_over_1ms']}, "
                     f"{changed['latest']:.3f} ms |")
        for kind, figures in changed.get("by_kind", {}).items():
            lines.append(f"| … of them after a {kind} | {figures['p99']:.3f} / {figures['max']:.3f} "
                         f"(n {figures['n']}); {figures['late_over_1ms']}, {figures['latest']:.3f} ms |")
    if jack_ms:
        lines.append(f"| JACK output: events placed after their time, p50 / p99 / max (ms); full buffers | "
                     f"{jack_ms['p50']:.3f} / {jack_ms['p99']:.3f} / {jack_ms['max']:.3f}; {r['jack_full_buffers']} |")
    growth = rss_growth(r["rss_mb"])
    first, last = r["rss_mb"][0], r["rss_mb"][-1]
    second = r["second_listener"]
    lines += [
        f"| RSS daemon + JACK process (MB): first, last; growth after warm-up | {first[1] + first[2]:.0f}, "
        f"{last[1] + last[2]:.0f}; {growth:+.1f} |" if growth is not None else "| RSS | too short a run |",
        f"| exit code after SIGTERM | {r['exit_code']} |",
        f"| messages the JACK output wrote / the listener read | {r['jack_messages_written']} / {r['dump_messages']}"
        f"{' (the listener said it LOST some)' if r['dump_lost_events'] else ''} |",
        f"| a second listener (jack_listen.py): messages read; unmatched note-ons; open after each stop (max), "
        f"after the final stop, after SIGTERM | {second['messages']}; {second['unmatched_note_ons']}; "
        f"{max(second['open_after_each_transport_stop'], default=0) if 'open_after_final_stop' in second else '-'}, "
        f"{second.get('open_after_final_stop', '-')}, {second['open_after_sigterm']} |",
        f"| JACK xruns (a client late for its period), by client | {r['jack_xruns']} |",
        "",
        "The daemon's own summary at exit: " + " ".join(r["daemon_summary"]),
        "",
        "Onset error: each note-on at the wall-clock time of its frame (tests/e2e/jack_listen.py) against the 16th "
        "grid of the transport the soak reported, the constant offset removed; onsets within "
        f"{SETTLE_SECONDS} s after a jump, tempo change or start are counted apart. The soak dates each report "
        "just before it sends it; what is left is the daemon's following of the reports (the time a report waited "
        "before the daemon dated it, the glides) and its timing. bench/bridge_bench.py measures onsets on a "
        "free-running clock.",
    ]
    if r["unmatched_keys"]:
        lines.append(f"\nUnmatched (channel/pitch: count): {r['unmatched_keys']}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--period", type=int, default=64, help="JACK period in frames (default 64)")
    parser.add_argument("--voices", type=int, default=8)
    parser.add_argument("--rate", type=float, default=200, help="control messages per second (default 200)")
    parser.add_argument("--malformed", type=float, default=0.1, help="share of malformed packets (default 0.1)")
    parser.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--freeze", action="store_true",
                        help="freeze the JACK server and the daemon's JACK output now and then (bench/freezer.py)")
    add_daemon_options(parser)
    parser.add_argument("--name", default=None, help="file name of the results (default soak_p<period>_<seconds>s)")
    args = parser.parse_args()
    name = args.name or f"soak_p{args.period}_{args.seconds:g}s"
    start = machine(BUSY_WINDOW)
    result = run_soak(args.checkpoint, args.seconds, args.period, args.voices, args.rate, args.malformed, args.seed,
                      args.freeze, daemon_options=daemon_options_of(args))
    events, log = result.pop("events"), result.pop("daemon_log")
    if result["unmatched_note_ons"] or result["open_after_sigterm"] or any(result["open_after_each_transport_stop"]):
        # keep what shows how, for a look
        (RESULTS / f"{name}.events.txt").write_text("".join(f"{e.time:.6f} {e.status:02x} {e.pitch} {e.velocity}\n"
                                                            for e in events), encoding="utf-8")
        (RESULTS / f"{name}.daemon.log").write_text(log, encoding="utf-8")
    save(name, result, start, render)


def save(name: str, result: dict, machine_start: dict, render) -> None:
    """The results as bench/results/<name>.json and .md, with the command, the date and the machine's load."""
    result.update({"machine_start": machine_start, "machine_end": machine()})
    result["steal_share"] = steal_share(machine_start["cpu_times"], result["machine_end"]["cpu_times"])
    write_report(name, result, render)


if __name__ == "__main__":
    main()
