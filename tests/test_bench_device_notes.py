"""What the device-notes benchmark counts: for each note-on of the port, how much later the device played it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import device_notes  # noqa: E402


def test_each_port_note_on_is_matched_to_the_devices_first_of_its_pitch_at_or_after_it():
    port = [(0.25, 60), (0.5, 62), (0.75, 60), (1.0, 64)]
    track = [(0.25, 60), (0.656, 62), (0.9, 60), (0.95, 60)]  # 62 late by 156 ms, 60 by 150 ms, 64 never
    late = device_notes.lateness(port, track)
    assert late[0] == pytest.approx(0.0) and late[1] == pytest.approx(156.0) and late[2] == pytest.approx(150.0)
    assert late[3] is None


def test_a_loop_is_given_as_start_and_length_in_beats_and_a_wrong_one_is_one_line():
    assert device_notes.loop_of("0:2") == (0.0, 2.0) and device_notes.loop_of("2.5:1.5") == (2.5, 1.5)
    for wrong in ("2", "a:b", "0:0", "-1:2"):
        with pytest.raises(argparse.ArgumentTypeError) as error:
            device_notes.loop_of(wrong)
        message = str(error.value)
        assert "\n" not in message and ("START:LENGTH" in message or "length > 0" in message)


def test_changes_of_tempo_are_given_as_bpm_and_seconds_and_a_wrong_one_is_one_line():
    assert device_notes.tempo_of("90:2,150:2.5") == [(90.0, 2.0), (150.0, 2.5)]
    for wrong in ("90", "90:0", "10:2", "90:2,fast:1", ""):
        with pytest.raises(argparse.ArgumentTypeError) as error:
            device_notes.tempo_of(wrong)
        assert "\n" not in str(error.value) and "BPM:SECONDS" in str(error.value)
