"""bench/register_pull.py: a pull's width, the pull in force while a width is tried, and the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import register_pull  # noqa: E402

from stylevae.model.decoding import continuation  # noqa: E402
from tests.test_continuation import pairs_around  # noqa: E402

MACHINE = {"cpu": "AMD EPYC", "cores": 2, "loadavg": (0.5, 0.4, 0.3), "training_running": False,
           "busy_processes": []}


def test_a_pull_is_a_positive_number_and_anything_else_is_refused_in_one_line():
    assert register_pull.width("1.5") == 1.5
    for wrong in ("0", "-1", "inf", "nan", "wide"):
        with pytest.raises(argparse.ArgumentTypeError, match=f"a pull is a positive number of spreads, got '{wrong}'"):
            register_pull.width(wrong)


def test_a_line_walks_with_the_pull_tried_and_the_shipped_one_comes_back_even_after_an_error():
    """Inside, a line at register 60 goes on to next phrases within the narrow pull; after, the shipped width."""
    shipped = continuation.REGISTER_PULL
    fitted = pairs_around([0.0])
    fitted.after_register = np.linspace(50, 89, 40).astype(np.float32)
    fitted.register_spread = np.float32([2.0])
    rng = np.random.default_rng(5)

    def spread_of_choices() -> float:
        chosen = [fitted.step(np.float32([0.2, 0]), 1.0, rng, 0, home=60.0) for _ in range(200)]
        return float(np.std([fitted.after_register[(fitted.after == row).all(1)][0] for row in chosen]))

    with register_pull.pulled(0.5):
        assert continuation.REGISTER_PULL == 0.5 and spread_of_choices() < 1.5
    assert continuation.REGISTER_PULL == shipped and spread_of_choices() > 2.0
    with pytest.raises(RuntimeError), register_pull.pulled(0.5):
        raise RuntimeError
    assert continuation.REGISTER_PULL == shipped


def test_the_report_names_each_pull():
    entry = {"per_style": [{"generated": {"pitch_span": 18.0}, "real": {"pitch_span": 14.8}}], "distance_six": 0.15,
             "distance_eight": 0.16, "distance_six_each": [0.14, 0.16], "distance_eight_each": [0.15, 0.17]}
    result = {"streams": 96, "seeds": [1234, 1], "styles": ["chinese_folk"], "rules": {"1.5": entry},
              "date": "2026-12-05 11:00 UTC", "command": "python bench/register_pull.py", "commit": "abc1234",
              "machine_start": MACHINE, "machine_end": MACHINE}
    text = register_pull.render(result)
    assert text.startswith("# The register's pull side by side") and "| pull (spreads) |" in text
    assert "| 1.5 | 0.150 (0.140, 0.160) | 0.160 (0.150, 0.170) |" in text
    assert "| chinese_folk | 14.800 | 18.000 |" in text
