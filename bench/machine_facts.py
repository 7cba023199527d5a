"""What every benchmark report says about the machine and code it ran on: the CPU model, whether a training job
ran beside it (a training run takes both cores, so its numbers are not the quiet machine's) and the commit."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cpu_model() -> str:
    """lscpu's model name ("?" where lscpu has none)."""
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    return next((line.split(":", 1)[1].strip() for line in lscpu.splitlines() if line.startswith("Model name")), "?")


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


def ran(report: dict) -> str:
    """A report's line saying when, with what command and on which commit it ran."""
    on = f", on commit {report['commit']}" if "commit" in report else ""
    return f"Run {report['date']} with `{report['command']}`{on}."
