"""`stylevae demo` end to end: the real daemon with the shipped model, real OSC, real FluidSynth, and the
resulting audio measured by sox, a tool no one here wrote."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need_tools

pytestmark = pytest.mark.e2e


def sox_stat(wav: Path, *trim: float) -> dict[str, float]:
    """sox's `stat` effect (it reports on stderr), optionally over a window (start, length) in seconds."""
    command = ["sox", str(wav), "-n", *(["trim", f"{trim[0]}", f"{trim[1]}"] if trim else []), "stat"]
    report = subprocess.run(command, capture_output=True, text=True, check=True).stderr
    return {m[1].strip(): float(m[2]) for m in re.finditer(r"^([A-Za-z ()]+):\s+(-?[0-9.]+)\s*$", report, re.M)}


def demo(cwd: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "stylevae.bridge.cli", "demo", "--seed", "1", *args], cwd=cwd,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result


def test_demo_renders_a_wav_as_long_as_the_tour_with_every_section_sounding(tmp_path):
    """Nine 2-bar sections (seven styles, the blend, the key change) at 300 BPM: 72 beats, 14.4 s."""
    need_tools("fluidsynth", "sox")
    out = tmp_path / "tour.wav"
    result = demo(tmp_path, "--wav", str(out), "--bars", "2", "--bpm", "300")
    assert "9 sections of 2 bar(s) at 300 BPM, 14.4 s" in result.stdout
    whole = sox_stat(out)
    assert whole["Length (seconds)"] == pytest.approx(14.4, abs=1 / 44100)
    assert whole["Maximum amplitude"] > 0.5
    section = 14.4 / 9
    quiet = [i for i in range(9) if sox_stat(out, i * section, section)["RMS     amplitude"] < 0.01]
    assert not quiet, f"silent sections: {quiet}\n{result.stdout}"


def test_demo_plays_live_into_fluidsynth_over_jack_midi(tmp_path, jack_server):
    """The live route: FluidSynth's MIDI input on the JACK server, the daemon sending to it by name. FluidSynth's
    file audio driver stands in for a sound card (it renders in real time into fluidsynth.wav in its folder)."""
    need_tools("fluidsynth", "sox")
    result = demo(tmp_path, "--audio-driver", "file", "--bars", "1", "--bpm", "300")
    assert "through FluidSynth" in result.stdout
    wav = tmp_path / "fluidsynth.wav"
    length = sox_stat(wav)["Length (seconds)"]
    tour = 36 * 60 / 300  # nine 1-bar sections at 300 BPM
    assert length > tour  # the synth ran at least as long as the tour
    # FluidSynth writes digital silence (RMS 0) until a note reaches it; a velocity-100 note of this soundfont has
    # an RMS near 0.004, and the tour's half-second windows had 0.004-0.015 (the peak, near 0.05, is too close to
    # any fixed line to test). So: windows with sound must cover most of the tour.
    window = 0.5
    rms = [sox_stat(wav, i * window, window)["RMS     amplitude"] for i in range(int(length // window))]
    sounding = sum(r > 0.001 for r in rms) * window
    assert sounding >= 0.8 * tour, f"sound in {sounding:g} s of a {tour:g} s tour; window RMS: {rms}"
