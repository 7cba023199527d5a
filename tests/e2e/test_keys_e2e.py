"""Keys and the scale lock through the real daemon with the shipped model: liblo's oscsend sets the song's key
and a voice's own key (by name and as Live 12's interval list), the listener hears only notes of that scale,
the state reply carries the key, and a bad key is answered with what is allowed."""

import time

import pytest
from pythonosc.udp_client import SimpleUDPClient

from stylevae.model.data.keys import make_key
from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT
from tests.e2e import harness

pytestmark = pytest.mark.e2e

BPM = 240  # a 2-bar phrase lasts 2 s: a key change reaches the next phrase quickly


def test_song_key_voice_key_and_lock_on_the_wire(jack_server):
    daemon = harness.Daemon(DEFAULT_CHECKPOINT, jack_server.name, "--bpm", str(BPM))
    midi = dump = None
    try:
        midi = harness.MidiListener(daemon.midi_port)
        dump = harness.OscDump()
        SimpleUDPClient("127.0.0.1", daemon.osc_port).send_message("/stylevae/hello", [dump.port])
        assert dump.wait_for("/stylevae/styles")
        harness.oscsend(daemon.osc_port, "/stylevae/key", "is", 2, "dorian")
        harness.oscsend(daemon.osc_port, "/stylevae/1/lock", "f", 1.0)
        harness.oscsend(daemon.osc_port, "/stylevae/1/play", "i", 1)
        assert midi.wait_for(lambda ev: sum(e.is_on for e in ev) >= 24, 20), daemon.log()[-2000:]
        dorian = make_key(2, "dorian").pitch_classes()
        assert {e.pitch % 12 for e in midi.note_ons()} <= dorian

        # the voice's own key, as Live 12 sends a scale: the root, then the intervals (G major pentatonic)
        harness.oscsend(daemon.osc_port, "/stylevae/1/key", "iiiiii", 7, 0, 2, 4, 7, 9)
        changed, before = time.perf_counter(), len(midi.snapshot())
        pentatonic = make_key(7, "major_pentatonic").pitch_classes()
        phrase = 2 * 4 * 60 / BPM  # seconds
        assert midi.wait_for(lambda ev: any(e.is_on and e.wall > changed + phrase + 0.5 for e in ev), 20)
        later = [e for e in midi.snapshot()[before:] if e.is_on and e.wall > changed + phrase + 0.3]
        assert later and {e.pitch % 12 for e in later} <= pentatonic
        state = dump.wait_for("/stylevae/1/state", 3)[-1]
        # tags, play, style, temperature, variation, density, channel, octave, velocity, hold, root, scale, lock, own
        assert state[10] == "7" and state[11] == "\"major_pentatonic\"" and float(state[12]) == 1.0 and state[13] == "1"

        harness.oscsend(daemon.osc_port, "/stylevae/key", "is", 0, "bebop")
        errors = dump.wait_for("/stylevae/error")
        assert errors and "unknown scale 'bebop'; scales are: major, minor" in " ".join(errors[-1])
        harness.oscsend(daemon.osc_port, "/stylevae/1/key", "ii", 12, 0)
        assert "root 12 is out of range 0..11" in " ".join(dump.wait_for("/stylevae/error", 2)[-1])
    finally:
        assert daemon.stop() == 0
        if dump is not None:
            dump.stop()
        if midi is not None:
            time.sleep(0.3)
            assert midi.open_notes() == 0
            midi.close()
