"""The bridge's timing and robustness targets, judged in one command on the machine it runs on.

The targets hold for every 2-core machine of this class, Intel or AMD, so each maker's machine has to show
them: this runs, one after the other, N consecutive benchmark runs (``bridge_bench.py``), the soaks at JACK
periods 32, 64 and 256 (``soak.py``) and the fuzz (``fuzz.py``), each writing its own report as usual, then
judges every target in ``TARGETS`` against every report and writes one table, met or missed, with the CPU
model and the load at each start. Before each part it waits (up to two minutes) for the cores to be less than a
quarter busy, so that one part's tail does not weigh on the next; a part that starts loaded is marked so. It reads
the cores' share of busy time over a few seconds rather than the load average, which counts a part that just
ended (its spinners above all) for minutes after.

``--judge`` re-judges reports already written (the committed ones, say) without running anything. ``--awake``
runs the benchmarks with every core kept from going idle (``bridge_bench.py --awake``), ``--keep-awake`` every
part with the daemon's own ``--keep-awake``; the table says so.

Usage: .venv/bin/python bench/targets.py [--runs 5] [--bench-seconds 60] [--soaks 32:600,64:1800,256:600]
                                         [--fuzz-packets 100000] [--awake] [--keep-awake] [--name targets_NAME]
       .venv/bin/python bench/targets.py --judge --bench A B ... --soak C ... --fuzz D --name NAME
Takes about 70 minutes with the defaults. Keep the machine otherwise idle.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from machine_facts import QUIET_BUSY, QUIET_LOAD, RESULTS, busy_now, calm, training_running  # noqa: E402
from soak import rss_growth  # noqa: E402

from stylevae.bridge.config import DEFAULT_TORCH_THREADS  # noqa: E402
from stylevae.bridge.scheduler import SUMMARY_DROPPED  # noqa: E402

QUIET_STEAL = 0.02  # so does a host that took this share of the CPU time or more during the part (steal)
DECODER_STEPS, DAEMON_RUN = "decoder steps", "daemon run"  # the benchmark's phases its targets are read from
MEASURED_PHASES = f" (in its {DECODER_STEPS} and {DAEMON_RUN}, where recorded)"
SETTLE_SECONDS = 120.0  # the longest wait for the cores to fall below QUIET_BUSY before a part
RSS_SOAK_SECONDS = 1800  # the RSS target is over 30 minutes: judged on soaks at least this long
BENCH_RUNS = 5  # the benchmark's targets hold in each of this many consecutive runs
SOAK_PERIODS = (32, 64, 256)  # JACK periods the soaks must cover
ONSET_P99_MS, ONSET_MAX_MS = 1.0, 5.0  # a note's onset against its grid time: in the benchmark, and during the fuzz


class Unread(str):
    """A count a report has but that cannot be trusted, and why: a listener that missed messages (late for its
    JACK period in an xrun) counts notes as open that the output did end."""


LISTENER_MISSED = Unread("its listener missed messages")
SOCKET_LOST = Unread("the daemon's socket lost datagrams")
FUZZ_OWN_BESIDES_PINGS = 17  # commands the fuzz sends itself but pings, in reports from before it counted them
Reading = float | None | Unread  # None: the report does not measure this (a short soak's RSS growth, say)


@dataclass(frozen=True)
class Target:
    """One target: what is measured, from which kind of report, and the limit it must stay within."""

    key: str
    part: str  # "bench", "soak" or "fuzz": the reports it reads
    what: str  # as the report says it
    read: Callable[[dict], Reading]  # the measured value in one report's JSON
    limit: float
    strict: bool = False  # met when below the limit, not at it

    def met(self, value: float) -> bool:
        return value < self.limit if self.strict else value <= self.limit

    @property
    def text(self) -> str:
        return f"{'<' if self.strict else '<='} {self.limit:g}"


def _trusted(count: float, complete: bool) -> Reading:
    """A listener's count of notes left open, where it can be trusted: a listener that missed messages (in xruns,
    which at small periods all of them do now and then) and still counted none could only have missed a note
    whose note-on it missed too; one that counted some may have missed their note-offs."""
    return count if complete or count == 0 else LISTENER_MISSED


def _bench_listener(r: dict, count: float) -> Reading:
    d = r["daemon"]
    return _trusted(count, d.get("messages_read") is not None and d["messages_read"] >= d["messages_written"])


def _soak_listener(r: dict, dump: float, second: float | None = None, both: float | None = None) -> Reading:
    """jack_midi_dump's count where it can be trusted, else the second listener's (given where it counted). Where
    neither can be, but both count notes left open, the notes both count are taken (``both``; by default the fewer
    of the two counts): the two are separate clients, late in different periods, so a note-off neither read most
    likely reached no one (lost in the output's own period), and one the other read was on the wire."""
    written = r["jack_messages_written"]
    first = _trusted(dump, not r["dump_lost_events"] and r["dump_messages"] >= written)
    if not isinstance(first, Unread) or second is None:
        return first
    other = _trusted(second, r["second_listener"]["messages"] >= written)
    if not isinstance(other, Unread):
        return other
    return min(dump, second) if both is None else both


def _dropped(dropped: dict | None) -> float | None:
    """A note-on too late to play is dropped, by the sender or the JACK output, so the onset errors never see it:
    counted here, as a note that missed the onset targets (reports from before they were counted do not measure it)."""
    return dropped["sender"] + dropped["jack_output"] if dropped else None


def _late_dropped(r: dict) -> float | None:
    return _dropped(r["daemon"].get("late_dropped"))


def _daemon_steps_p99(r: dict) -> float | None:
    steps = r["daemon"].get("daemon_steps")
    return steps["p99"] if steps and int(steps["batch"]) == 8 else None


def _open_in_both(stop: dict) -> int:
    """Notes both listeners count open after one stop, key by key (``soak.py``'s ``stops_with_notes_open``)."""
    return sum(min(n, stop["second"].get(key, 0)) for key, n in stop["dump"].items())


def _open_after_stops(r: dict) -> Reading:
    """The most notes open after any stop. Where neither listener can be trusted, a note counts only at a stop
    where both count it open, by its key where the report names the keys: a listener that missed a note-off keeps
    that key open over the stops that follow, until it misses a note-on of that key too, while the other listener
    read the note-off."""
    second = r["second_listener"]
    dump_stops = [*r["open_after_each_transport_stop"], r["open_after_final_stop"]]
    if "open_after_final_stop" not in second:  # reports before the second listener counted stops have not
        return _soak_listener(r, max(dump_stops))
    second_stops = [*second["open_after_each_transport_stop"], second["open_after_final_stop"]]
    named = {stop["stop"]: stop for stop in r.get("stops_with_notes_open", [])}
    pairs = enumerate(zip(dump_stops, second_stops))  # the final stop last: no keys named, the fewer taken
    both = [_open_in_both(named[i]) if i in named else min(d, s) for i, (d, s) in pairs]
    return _soak_listener(r, max(dump_stops), max(second_stops), max(both))


def _rss_growth(r: dict) -> float | None:
    return rss_growth(r["rss_mb"]) if r["seconds"] >= RSS_SOAK_SECONDS * 0.99 else None


def _fuzz_dropped(r: dict) -> float | None:
    """As ``_dropped``. Older reports keep the daemon's summary, with the sender's count; the JACK output then
    dropped none (it played every note-on, however late, and the onset errors count those)."""
    if r.get("late_dropped"):
        return _dropped(r["late_dropped"])
    found = SUMMARY_DROPPED.search(r.get("sender_summary", ""))
    return int(found["notes"]) if found else None


def _fuzz_down(r: dict) -> float:
    return 0 if r["alive_after"] and r["exit_code"] == 0 else 1


def _fuzz_taken(r: dict) -> Reading:
    """Fuzz packets the daemon took as commands: the datagrams it did not refuse, by its own count, less the commands
    the fuzz sent itself (reports from before it counted them: its pings and its 17 others, a hello, 4 voices'
    density and play, and two queries of each). Where the daemon's socket lost datagrams, a ping lost and a packet
    taken cannot be told apart."""
    if r.get("daemon_received") is None:
        return None
    if r.get("daemon_lost"):
        return SOCKET_LOST
    taken = r.get("malformed_taken")
    return r["daemon_received"] - r["daemon_refused"] - r["pings"] - FUZZ_OWN_BESIDES_PINGS if taken is None else taken


def _step(voices: int) -> Callable[[dict], float]:
    return lambda r: r[f"decode_{voices}_t{DEFAULT_TORCH_THREADS}"]["p99"]


TARGETS = (
    Target("onset_p99", "bench", "onset error p99, 8 voices (ms)", lambda r: r["daemon"]["onset_error_ms"]["p99"],
           ONSET_P99_MS),
    Target("onset_max", "bench", "onset error max, 8 voices (ms)", lambda r: r["daemon"]["onset_error_ms"]["max"],
           ONSET_MAX_MS),
    Target("late_dropped", "bench", "note-ons not played as more than 1/8 beat late, 8 voices", _late_dropped, 0),
    Target("daemon_step", "bench", "8-voice step inside the daemon, p99 (ms)", _daemon_steps_p99, 3),
    Target("step_1", "bench", "1-voice step in the benchmark's process, p99 (ms)", _step(1), 1),
    Target("step_8", "bench", "8-voice step in the benchmark's process, p99 (ms)", _step(8), 1.5),
    Target("bench_open", "bench", "notes open after SIGTERM",
           lambda r: _bench_listener(r, r["daemon"]["open_notes_after_sigterm"]), 0),
    Target("unmatched", "soak", "unmatched note-ons",
           lambda r: _soak_listener(r, r["unmatched_note_ons"], r["second_listener"]["unmatched_note_ons"]), 0),
    Target("soak_open_stop", "soak", "notes open after a stop (the most after any)", _open_after_stops, 0),
    Target("soak_open_term", "soak", "notes open after SIGTERM",
           lambda r: _soak_listener(r, r["open_after_sigterm"], r["second_listener"]["open_after_sigterm"]), 0),
    Target("soak_pongs", "soak", "pings not answered", lambda r: r["pings"] - r["pongs"], 0),
    Target("soak_tracebacks", "soak", "tracebacks in the daemon's log", lambda r: r["log_lines"]["tracebacks"], 0),
    Target("rss", "soak", f"RSS growth after warm-up, {RSS_SOAK_SECONDS // 60}-minute soak (MB)", _rss_growth, 10,
           strict=True),
    Target("fuzz_down", "fuzz", "daemon dead after the fuzz, or exit code not 0 (1: yes)", _fuzz_down, 0),
    Target("fuzz_pongs", "fuzz", "pings not answered", lambda r: r["pings"] - r["pongs"], 0),
    Target("fuzz_tracebacks", "fuzz", "tracebacks in the daemon's log", lambda r: r["log_lines"]["tracebacks"], 0),
    Target("fuzz_changed", "fuzz", "voices whose settings a refused packet changed (1: some)",
           lambda r: 0 if r["states_unchanged"] else 1, 0),
    Target("fuzz_taken", "fuzz", "fuzz packets the daemon took as commands", _fuzz_taken, 0),
    Target("fuzz_dropped", "fuzz", "note-ons not played as more than 1/8 beat late, during the fuzz", _fuzz_dropped,
           0),
    Target("fuzz_onset_p99", "fuzz", "onset error during the fuzz, p99 (ms)",
           lambda r: r["onset_error_during_ms"]["p99"], ONSET_P99_MS),
    Target("fuzz_onset_max", "fuzz", "onset error during the fuzz, max (ms)",
           lambda r: r["onset_error_during_ms"]["max"], ONSET_MAX_MS),
)
BY_KEY = {t.key: t for t in TARGETS}


def _covered(run: str, key: str, which: str = "coverage") -> Callable[[dict], float | None]:
    def read(r: dict) -> float | None:
        coverage = (r.get(run) or {}).get(which) or {}
        return (coverage.get("covered_error_ms") or {}).get(key)
    return read


def _share(key: str) -> Callable[[dict], float | None]:
    return lambda r: ((r["daemon"].get("coverage_both") or {}).get("share") or {}).get(key)


def _in_stretch(r: dict) -> float | None:
    coverage = r["daemon"].get("coverage_both")
    return coverage["in_jack_late"] + coverage["in_missed"] if coverage else None


# Beside the benchmark's targets, not targets: where the late notes fell (bridge_bench.py, item 6). A note due while
# no JACK period ran comes at the first frame after, whoever sent it; what the daemon answers for is the rest.
CONTEXT = (
    ("note-ons due while no JACK period of the daemon's output or of the listener ran", _in_stretch),
    ("onset error p99 of the other note-ons (ms)", _covered("daemon", "p99", "coverage_both")),
    ("onset error max of the other note-ons (ms)", _covered("daemon", "max", "coverage_both")),
    ("share of the steps' periods in a stretch (the daemon's output or the listener)", _share("at_notes")),
    ("… of times drawn at random", _share("at_random")),
    ("reference sender: onset error p99 of its note-ons no stretch held up (ms)", _covered("reference", "p99")),
    ("reference sender: onset error p99 of all its note-ons (ms)", lambda r: r["reference"]["onset_error_ms"]["p99"]),
    ("JACK's own late periods per minute, a listener alone on it (driver xruns)",
     lambda r: r["alone"]["jack_said"]["driver_xruns_per_min"] if r.get("alone") else None),
)


@dataclass
class Verdict:
    target: Target
    values: list[Reading]  # one per report of the target's part, in order

    @property
    def measured(self) -> list[float]:
        return [v for v in self.values if v is not None and not isinstance(v, Unread)]

    @property
    def unread(self) -> list[Unread]:
        return [v for v in self.values if isinstance(v, Unread)]

    @property
    def met(self) -> bool | None:
        """Met in every report that measures it; None where none does (such a target is not met either)."""
        return all(self.target.met(v) for v in self.measured) if self.measured else None


def judge(reports: dict[str, Sequence[dict]]) -> list[Verdict]:
    """Every target against every report of its part: part name -> the reports' JSON, in run order."""
    return [Verdict(t, [t.read(r) for r in reports.get(t.part, [])]) for t in TARGETS]


def cpu_of(part: str, r: dict) -> str:
    """The CPU model a report ran on."""
    return (r["hardware"] if part == "bench" else r["machine_start"])["cpu"]


def machine_of(part: str, r: dict) -> str:
    """The CPU model and commit a report ran on (reports from before the commit was recorded lack it)."""
    return f"{cpu_of(part, r)}, {r.get('commit', 'commit not recorded')}"


def measured_steal(r: dict) -> float | None:
    """The host's steal while the report measured what its targets read: the benchmark's decoder steps and daemon
    run where it recorded its phases (its reference sender and listener alone, which leave the cores idle and see
    more steal, are context, not targets), else the whole report's."""
    phases = r.get("phase_steal") or {}
    measured = [phases.get(p) for p in (DECODER_STEPS, DAEMON_RUN) if phases.get(p) is not None]
    return max(measured) if measured else r.get("steal_share")


def quiet(part: str, r: dict) -> tuple[str, bool]:
    """The report's load: the cores' busy share in the seconds before its start (older reports: the 1-minute load
    average then), a training run then, the busy processes the benchmark added (``--load``), and the host's steal
    during it (reports from before steal or ``--load`` were recorded lack them); and whether that is a quiet
    machine. Cores kept awake (the benchmark's ``--awake``, the daemon's ``--keep-awake``) are said, not held
    against it: their spinners run at the lowest priority, and any thread takes a core from them."""
    start = r["load_start"] if part == "bench" else r["machine_start"]
    training, steal = start["training_running"], measured_steal(r)
    before, calm_start = calm(start)
    added = r.get("busy_load", {}).get("processes", 0)
    awake = ", cores kept awake" if r.get("awake", {}).get("processes") else ""
    awake += ", the daemon's --keep-awake" if "--keep-awake" in r.get("daemon_options", []) else ""
    text = (f"{before}{', training' if training else ''}{f', {added} busy added' if added else ''}; "
            f"{'-' if steal is None else f'{steal:.1%}'}{awake}")
    return text, calm_start and not training and not added and (steal is None or steal < QUIET_STEAL)


def lacking(reports: dict[str, Sequence[dict]], verdicts: Sequence[Verdict]) -> list[str]:
    """What the reports do not cover of what the targets ask for: a claim for a machine needs all of it."""
    periods = {r["period"] for r in reports.get("soak", [])}
    unmeasured = [f"{v.target.what} ({v.target.part})" for v in verdicts if v.met is None]
    unread = [f"{v.target.what} ({v.target.part}) in {len(v.unread)} report(s): {v.unread[0]}"
              for v in verdicts if v.unread]
    return [text for text, missing in (
        (f"{BENCH_RUNS} benchmark runs", len(reports.get("bench", [])) < BENCH_RUNS),
        ("soaks at JACK periods " + ", ".join(str(p) for p in SOAK_PERIODS if p not in periods),
         not periods >= set(SOAK_PERIODS)),
        ("a quiet machine in every report", not all(quiet(part, r)[1] for part, rs in reports.items() for r in rs)),
        ("measured: " + ", ".join(unmeasured), bool(unmeasured)),
        ("read: " + "; ".join(unread), bool(unread)),
    ) if missing]


def render(reports: dict[str, Sequence[dict]], names: dict[str, Sequence[str]], command: str, date: str) -> str:
    verdicts = judge(reports)
    missed = [f"{v.target.what} ({v.target.part})" for v in verdicts if v.met is False]
    short = lacking(reports, verdicts)
    cpus = {cpu_of(part, r) for part, rs in reports.items() for r in rs}
    title = f"{len(missed)} missed" if missed else "all met" if not short else "met where measured, not all measured"
    lines = [
        f"# The bridge's targets on {', '.join(sorted(cpus))}: {title}",
        "",
        f"Judged {date} with `{command}`. Each report's CPU (lscpu model name) and commit are "
        "in its column's last row.",
        "",
    ]
    for part in ("bench", "soak", "fuzz"):
        if not reports.get(part):
            lines += [f"No {part} report was judged.", ""]
            continue
        columns = [f"[{n}]({n}.md)" for n in names[part]]
        lines += [f"| {part}: target | limit | {' | '.join(columns)} | met |",
                  "| --- | --- | " + "--- | " * len(columns) + "--- |"]
        for v in verdicts:
            if v.target.part != part:
                continue
            cells = [cell(x) for x in v.values]
            met = {True: "yes", False: "**NO**", None: "not measured"}[v.met]
            lines.append(f"| {v.target.what} | {v.target.text} | {' | '.join(cells)} | {met} |")
        if part == "bench":
            lines += [f"| {what} (not a target) | | {' | '.join(cell(read(r)) for r in reports[part])} | |"
                      for what, read in CONTEXT]
        loads = [quiet(part, r) for r in reports[part]]
        lines.append(f"| quiet: the cores' busy share before the start (older reports: the load average then); the "
                     f"host's steal during the run{MEASURED_PHASES if part == 'bench' else ''} | < {QUIET_BUSY:.0%} "
                     f"(< {QUIET_LOAD:g}); < {QUIET_STEAL:.0%} | "
                     f"{' | '.join(text for text, _ in loads)} | "
                     f"{'yes' if all(ok for _, ok in loads) else '**NO**'} |")
        lines.append(f"| CPU, commit | | {' | '.join(machine_of(part, r) for r in reports[part])} | |")
        lines.append("")
    lines.append("Missed: " + "; ".join(missed) + "." if missed else "No target missed in any report.")
    if short:
        lines.append("Not covered, so not a claim for this machine: " + "; ".join(short) + ".")
    return "\n".join(lines) + "\n"


def cell(value: Reading) -> str:
    if isinstance(value, Unread):
        return f"({value})"
    return "-" if value is None else f"{value:.3f}" if value % 1 else f"{value:.0f}"


def wait_quiet(say: Callable[[str], None], clock: Callable[[], float] = time.monotonic,
               busy: Callable[[], float | None] = busy_now, limit: float = QUIET_BUSY,
               longest: float = SETTLE_SECONDS) -> float | None:
    """Wait until the cores are less than ``limit`` busy (at most ``longest`` s; each reading takes a few seconds
    of its own); returns the last reading, None where the kernel gives none (then there is nothing to wait for)."""
    until = clock() + longest
    current = busy()
    while current is not None and current >= limit and clock() < until:
        current = busy()
    if current is not None and current >= limit:
        say(f"the cores are still {current:.0%} busy after {longest:.0f} s: this part runs under load")
    return current


def plan(args: argparse.Namespace) -> list[tuple[str, str, list[str]]]:
    """(part, report name, command) for each run, in order."""
    keep_awake = ["--keep-awake"] * args.keep_awake  # the daemon's, in every part
    bench = ["bridge_bench.py", "--seconds", f"{args.bench_seconds:g}", "--voices", "8", *["--awake"] * args.awake,
             *keep_awake]
    runs = [("bench", f"{args.name}_bench{i}", bench) for i in range(1, args.runs + 1)]
    for period, seconds in args.soaks:
        runs.append(("soak", f"{args.name}_soak_p{period}_{seconds:g}s",
                     ["soak.py", "--seconds", f"{seconds:g}", "--period", str(period), "--voices", "8", *keep_awake]))
    if args.fuzz_packets:
        runs.append(("fuzz", f"{args.name}_fuzz", ["fuzz.py", "--packets", str(args.fuzz_packets), *keep_awake]))
    return [(part, name, [sys.executable, str(BENCH / command[0]), *command[1:], "--name", name])
            for part, name, command in runs]


def soaks(text: str) -> list[tuple[int, float]]:
    """"32:600,64:1800" -> [(32, 600.0), (64, 1800.0)]: JACK period and seconds of each soak."""
    try:
        return [(int(p), float(s)) for p, s in (item.split(":") for item in text.split(",") if item)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give soaks as PERIOD:SECONDS,... (e.g. 64:1800)") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="consecutive benchmark runs (default 5)")
    parser.add_argument("--bench-seconds", type=float, default=60.0)
    parser.add_argument("--soaks", type=soaks, default=soaks("32:600,64:1800,256:600"), help="PERIOD:SECONDS,...")
    parser.add_argument("--fuzz-packets", type=int, default=100000, help="0: no fuzz")
    parser.add_argument("--awake", action="store_true", help="benchmarks with every core kept from going idle")
    parser.add_argument("--keep-awake", action="store_true", help="the daemon's --keep-awake, in every part")
    parser.add_argument("--name", default=None, help="file name of the table (default targets_<date>)")
    parser.add_argument("--judge", action="store_true", help="judge reports already written, run nothing")
    parser.add_argument("--bench", nargs="*", default=[], help="with --judge: benchmark report names, in order")
    parser.add_argument("--soak", nargs="*", default=[], help="with --judge: soak report names")
    parser.add_argument("--fuzz", nargs="*", default=[], help="with --judge: fuzz report names")
    args = parser.parse_args()
    args.name = args.name or time.strftime("targets_%Y%m%d_%H%M", time.gmtime())
    if args.judge:
        names = {"bench": args.bench, "soak": args.soak, "fuzz": args.fuzz}
    else:
        if training_running():
            print("a training run is running: its numbers would not be the quiet machine's", file=sys.stderr)
        names = {"bench": [], "soak": [], "fuzz": []}
        for part, name, command in plan(args):
            wait_quiet(lambda line: print(line, file=sys.stderr))
            print(f"{time.strftime('%H:%M:%S')} {name} ...", flush=True)
            done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL)
            if done.returncode != 0:
                sys.exit(f"{name} failed (exit code {done.returncode}); the reports so far are in {RESULTS}")
            names[part].append(name)
    missing = [n for ns in names.values() for n in ns if not (RESULTS / f"{n}.json").is_file()]
    if missing:
        sys.exit(f"no report {', '.join(missing)} in {RESULTS}")
    reports = {part: [json.loads((RESULTS / f"{n}.json").read_bytes()) for n in ns] for part, ns in names.items()}
    text = render(reports, names, "python bench/targets.py " + " ".join(sys.argv[1:]),
                  time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    (RESULTS / f"{args.name}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
