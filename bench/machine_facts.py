"""What every benchmark report says about the machine it ran on: the CPU model and whether a training job ran
beside it (a training run takes both cores, so its numbers are not the quiet machine's)."""

from __future__ import annotations

import subprocess


def cpu_model() -> str:
    """lscpu's model name ("?" where lscpu has none)."""
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    return next((line.split(":", 1)[1].strip() for line in lscpu.splitlines() if line.startswith("Model name")), "?")


def training_running() -> bool:
    found = subprocess.run(["pgrep", "-f", "stylevae train|stylevae.model.training.train"],
                           capture_output=True, text=True)
    return bool(found.stdout.split())
