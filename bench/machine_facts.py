"""What every benchmark report says about the machine and code it ran on: the CPU model, whether a training job
ran beside it (a training run takes both cores, so its numbers are not the quiet machine's), how much CPU time
the host took from this virtual machine meanwhile, and the commit."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from stylevae.bridge.awake import idle_driver

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def cpu_model() -> str:
    """lscpu's model name ("?" where lscpu has none) with the CPU's family and model: a virtual machine's name is
    often only the maker's line ("AMD EPYC"), which hides which generation ran. On macOS, sysctl's brand string
    ("Apple M1 (Virtual)", an Intel model); on Windows, what ``platform`` knows (family, model, maker)."""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        if sys.platform == "darwin":
            brand = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True)
            if brand.stdout.strip():
                return brand.stdout.strip()
        return platform.processor() or "?"
    return cpu_model_of(lscpu)


def cpu_model_of(lscpu: str) -> str:
    """The name from lscpu's output, its family and model added where it gives them (x86; not on every ARM)."""
    fields = {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lscpu.splitlines())}
    name = fields.get("Model name", "?")
    if "CPU family" in fields and "Model" in fields:
        name += f" (family {fields['CPU family']}, model {fields['Model']})"
    return name


def training_running() -> bool:
    found = subprocess.run(["pgrep", "-f", "stylevae train|stylevae.model.training.train"],
                           capture_output=True, text=True)
    return bool(found.stdout.split())


def commit() -> str:
    """The checked-out commit, marked where the daemon's or the model's code differs from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "?"
    return head + (" (with uncommitted changes)" if git("status", "--porcelain", "--", "bridge", "model") else "")


def cpu_times() -> list[int]:
    """The machine's CPU time so far by kind, in clock ticks: /proc/stat's first line ([] where there is none)."""
    try:
        with open("/proc/stat", encoding="utf-8") as stat:
            return [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return []


def _spent(start: list[int], end: list[int]) -> list[int] | None:
    """CPU time by kind between two ``cpu_times()``: user, nice, system, idle, iowait, irq, softirq, steal. Guest
    time (columns 9 and 10) is already in user and nice, so it is left out. None where the kernel does not count
    steal, or no time passed."""
    if len(start) < 8 or len(end) < 8:
        return None
    spent = [b - a for a, b in zip(start[:8], end[:8], strict=True)]
    return spent if sum(spent) > 0 else None


def steal_share(start: list[int], end: list[int]) -> float | None:
    """The share of all CPU time between two ``cpu_times()`` in which this machine's cores had work to run but the
    hypervisor ran other guests (steal): time no program in the guest can make up for, so a report with much of it
    is not the quiet machine's. None where the kernel does not count it."""
    spent = _spent(start, end)
    return None if spent is None else spent[7] / sum(spent)


BUSY_WINDOW = 5.0  # seconds over which ``busy_now`` reads what the cores are doing
QUIET_BUSY = 0.25  # the cores this busy or more in the seconds before a part's start mark it as run under load
QUIET_LOAD = 1.0  # the same from the 1-minute load average, for reports from before the busy share was recorded


def busy_share(start: list[int], end: list[int]) -> float | None:
    """The share of all CPU time between two ``cpu_times()`` that the guest's own programs and kernel used (user,
    nice, system, irq, softirq), as opposed to idle, waiting for I/O, or taken by the host (steal). None where the
    kernel does not count it."""
    spent = _spent(start, end)
    return None if spent is None else (spent[0] + spent[1] + spent[2] + spent[5] + spent[6]) / sum(spent)


def calm(start: dict) -> tuple[str, bool]:
    """How busy the machine was as a part began, from its ``machine()``, and whether that is quiet: the cores'
    busy share over the seconds before (reports from before it was recorded: the 1-minute load average). The load
    average lags by minutes, so it counts a part that just ended against the next, and the spinners that keep
    cores awake (at the lowest priority, taking nothing from anyone) against the part itself."""
    if start.get("busy_share") is not None:
        return f"busy {start['busy_share']:.0%}", start["busy_share"] < QUIET_BUSY
    return f"load {start['loadavg'][0]:.2f}", start["loadavg"][0] < QUIET_LOAD


def busy_now(seconds: float = BUSY_WINDOW, sleep=time.sleep) -> float | None:
    """``busy_share`` over the next ``seconds``: what the machine is doing now. The load average says what it did
    over the last minute, decaying slowly, so a benchmark that just ended (its spinners above all) still counts in
    it for minutes; the shares of CPU time do not lag."""
    start = cpu_times()
    sleep(seconds)
    return busy_share(start, cpu_times())


def ran(report: dict) -> str:
    """A report's line saying when, with what command and on which commit it ran, and what the host took (in
    each of its phases, where they were recorded)."""
    on = f", on commit {report['commit']}" if "commit" in report else ""
    steal = report.get("steal_share")
    phases = report.get("phase_steal") or {}
    each = ", ".join(f"{phase} {'-' if share is None else f'{share:.1%}'}" for phase, share in phases.items())
    took = "" if steal is None else f" The host took {steal:.1%} of the CPU time meanwhile (steal)" + (
        f": {each}." if each else ".")
    return f"Run {report['date']} with `{report['command']}`{on}.{took}"


@contextlib.contextmanager
def steal_during(report: dict, phase: str) -> Iterator[None]:
    """The host's steal while a phase of a report runs, into ``report["phase_steal"][phase]``. The phases of one
    report keep the cores busy in different measures (a listener alone on JACK leaves them idle, and an idle vCPU
    hands its time back to the host), so the steal of the whole report can differ from the one its measure saw."""
    start = cpu_times()
    try:
        yield
    finally:
        report.setdefault("phase_steal", {})[phase] = steal_share(start, cpu_times())


def add_daemon_options(parser: argparse.ArgumentParser) -> None:
    """The daemon's own options a benchmark can pass on to it, the same in every benchmark that starts one."""
    parser.add_argument("--keep-awake", action="store_true", help="the daemon's own --keep-awake")


def daemon_options_of(args: argparse.Namespace) -> list[str]:
    """The ``stylevae serve`` options ``add_daemon_options`` took, to start the daemon with and to record."""
    return ["--keep-awake"] * args.keep_awake


OURS = ("bench/", "stylevae.bridge")  # a benchmark's own processes (script, daemon, output) are not "others"


def busy_processes(share: float = 30.0) -> list[str]:
    """Other processes using over ``share`` % of a core (ps's lifetime average), by their command line."""
    ps = subprocess.run(["ps", "-ww", "-eo", "pcpu,args", "--sort=-pcpu"], capture_output=True, text=True).stdout
    busy = [line.strip() for line in ps.splitlines()[1:] if float(line.split(None, 1)[0]) > share]
    return [line[:80] for line in busy if not any(mark in line for mark in OURS)]


REALTIME_POLICIES = (1, 2)  # SCHED_FIFO, SCHED_RR (linux/sched.h)


def thread_priorities(pid: int) -> dict:
    """A process's threads: how many, how many at a real-time policy, how many of the others at a raised nice
    level (below 0), from each thread's /proc stat (fields 41 and 19). How the note sender fares on a loaded
    machine depends on these, and they depend on privileges the benchmark does not choose. All 0 where the
    process (or /proc) is not there."""
    counts = {"threads": 0, "realtime": 0, "raised_nice": 0}
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            text = stat.read_text(encoding="utf-8")
            fields = text.rsplit(")", 1)[1].split()  # after the command name: field 3 onwards
        except OSError:  # the thread ended meanwhile
            continue
        realtime = int(fields[41 - 3]) in REALTIME_POLICIES
        counts["threads"] += 1
        counts["realtime"] += realtime
        counts["raised_nice"] += not realtime and int(fields[19 - 3]) < 0
    return counts


def machine(busy_window: float = 0.0) -> dict:
    """The machine now: CPU model, cores, the cpuidle driver, load average, a training job, other busy processes,
    CPU times (for ``steal_share``); with a ``busy_window``, also the busy share of the cores over that many seconds
    first (the benchmarks' measure of a quiet start)."""
    facts = {"busy_share": busy_now(busy_window), "busy_window": busy_window} if busy_window else {}
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "idle_driver": idle_driver(), "loadavg": os.getloadavg(),
            **facts, "training_running": training_running(), "busy_processes": busy_processes(),
            "cpu_times": cpu_times()}


def hardware_line(start: dict, end: dict | None = None) -> str:
    """A report's line on the hardware and the load, from ``machine()`` at its start (and end)."""
    def load(m: dict) -> str:
        return " / ".join(f"{x:.2f}" for x in m["loadavg"])
    training = start["training_running"] or bool(end and end["training_running"])
    at_end = f", at the end {load(end)}" if end else ""
    others = list(dict.fromkeys(start["busy_processes"] + (end["busy_processes"] if end else [])))
    busy = f" Other busy processes: {'; '.join(others)}." if others else ""
    cores_busy = start.get("busy_share")
    window = start.get("busy_window", BUSY_WINDOW)  # reports from before it was recorded took the default
    share = "" if cores_busy is None else f" (the cores {cores_busy:.0%} busy in the {window:g} s before)"
    # reports from before it was recorded say nothing of it
    idle = f", cpuidle driver {start['idle_driver']}" if "idle_driver" in start else ""
    return (f"Hardware: {start['cpu']}, {start['cores']} cores{idle}. Load average at start {load(start)}{share}"
            f"{at_end}; a training run {'WAS' if training else 'was not'} running.{busy}")


def write_report(name: str, result: dict, render: Callable[[dict], str]) -> None:
    """A report as bench/results/<name>.json and .md (printed too), stamped with the date, the command and the
    commit."""
    result.update({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                   "command": f"python bench/{Path(sys.argv[0]).name} " + " ".join(sys.argv[1:]), "commit": commit()})
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    (RESULTS / f"{name}.md").write_text(render(result), encoding="utf-8")
    print(render(result))
