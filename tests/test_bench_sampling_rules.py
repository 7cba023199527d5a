"""bench/sampling_rules.py: the distance of streams to real tunes, the mean over seed sets and the report, on
made-up per-style measures."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import sampling_rules  # noqa: E402

MACHINE = {"cpu": "AMD EPYC", "cores": 2, "loadavg": (0.5, 0.4, 0.3), "training_running": False,
           "busy_processes": []}


def style(generated: dict, real: dict) -> dict:
    return {"generated": generated, "real": real}


def test_distance_is_the_mean_relative_difference_over_styles_and_measures_it_can_read():
    per_style = [style({"inner_leap": 3.0, "repetition": 0.1}, {"inner_leap": 2.0, "repetition": 0.2}),
                 style({"inner_leap": 2.0, "repetition": None}, {"inner_leap": 2.0, "repetition": 0.2})]
    assert sampling_rules.distance(per_style, ("inner_leap", "repetition")) == pytest.approx((0.5 + 0.5 + 0.0) / 3)
    assert math.isnan(sampling_rules.distance(per_style, ("pitch_span",)))


def test_the_generated_values_are_averaged_over_seed_sets_and_a_missing_one_leaves_the_measure_out():
    real = {"inner_leap": 2.0, "register_drift": 2.5}
    runs = [[style({"inner_leap": 2.0, "register_drift": 3.0}, real)],
            [style({"inner_leap": 3.0, "register_drift": None}, real)]]
    found = sampling_rules.mean_over_seeds(runs)
    assert found == [style({"inner_leap": 2.5}, real)]


def test_a_rule_is_temperature_and_top_p_maybe_unbalanced_or_unled_and_anything_else_is_refused_in_one_line():
    assert sampling_rules.rule("0.9:0.95") == (0.9, 0.95, frozenset())
    assert sampling_rules.rule("1:0.95:unbalanced") == (1.0, 0.95, {"unbalanced"})
    assert sampling_rules.rule("1:0.95:unled:unbalanced") == (1.0, 0.95, {"unbalanced", "unled"})
    for wrong in ("0.9", "1:0.95:even", "1:0.95:unbalanced:x", "1:0.95:unled:unled", "a:1"):
        with pytest.raises(argparse.ArgumentTypeError,
                           match=f"TEMPERATURE:TOP_P\\[:unbalanced\\]\\[:unled\\], got '{wrong}'") as refused:
            sampling_rules.rule(wrong)
        assert "\n" not in str(refused.value)


def test_the_report_shows_each_rule_beside_real_tunes():
    per_style = [style({"inner_leap": 2.7, "pitch_span": 18.0}, {"inner_leap": 2.68, "pitch_span": None})]
    entry = {"per_style": per_style, "distance_six": 0.2, "distance_eight": 0.21, "distance_six_each": [0.19, 0.21],
             "distance_eight_each": [0.2, 0.22]}
    result = {"streams": 96, "seeds": [1234, 1], "styles": ["irish_dance"], "rules": {"1 / 0.95": entry},
              "date": "2026-12-05 09:00 UTC", "command": "python bench/sampling_rules.py", "commit": "abc1234",
              "machine_start": MACHINE, "machine_end": MACHINE}
    text = sampling_rules.render(result)
    assert "| 1 / 0.95 | 0.200 (0.190, 0.210) | 0.210 (0.200, 0.220) |" in text
    assert "| irish_dance | 2.680 | 2.700 |" in text and "| irish_dance | – | 18.000 |" in text
