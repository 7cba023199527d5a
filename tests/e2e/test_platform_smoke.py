"""The daemon as a user starts it, on whichever system the tests run: the shipped model, the system's own MIDI port
read by python-rtmidi, OSC from python-osc, and a stop as Ctrl-C in its console gives it (Ctrl-Break on Windows).

The port is CoreMIDI's virtual port on macOS, found by the name the banner gives; here JACK's (the dummy-driver
server, as ``make serve`` starts one where there is no ALSA sequencer); Windows has no virtual ports, so there the
daemon runs as with the device's own note output (``--midi-port none``) and the notes are read from its replies.
Nothing here needs JACK's tools, liblo or a shell on macOS and Windows, where the rest of tests/e2e cannot run:
``.github/workflows/platforms.yml`` runs this file there.
"""

from __future__ import annotations

import re
import sys

import harness
import pytest
import rtmidi
from pythonosc.udp_client import SimpleUDPClient

pytestmark = pytest.mark.e2e

SHIPPED = harness.ROOT / "model" / "checkpoints" / "default"
DORIAN = (0, 2, 3, 5, 7, 9, 10)
NOTES = 16  # enough to hear a key: four beats of 16ths at most, some phrases' worth at the shipped model's pace


# What each system can run: its own virtual port, and the device's own note output (no port at all)
MODES = ["none"] if sys.platform == "win32" else ["port", "none"]


class Run:
    """The daemon on this system's own output (``mode`` "port") or on none, its notes going only to OSC clients, as
    for the device's own note output ("none"); the port's listener, and the replies."""

    def __init__(self, request: pytest.FixtureRequest, mode: str) -> None:
        self.listener: harness.MidiListener | None = None
        if mode == "none":
            self.daemon = harness.Daemon(SHIPPED, None, "--midi-port", "none")
        elif sys.platform == "darwin":
            self.daemon = harness.Daemon(SHIPPED, None)
        else:
            self.daemon = harness.Daemon(SHIPPED, request.getfixturevalue("jack_server").name)
        self.port = re.search(r"MIDI out : (.*) \(", "".join(self.daemon.banner)).group(1)
        if mode == "port":
            api = rtmidi.API_MACOSX_CORE if sys.platform == "darwin" else rtmidi.API_UNIX_JACK
            self.listener = harness.MidiListener(self.port, api=api)
        self.replies = harness.OscReplies()
        self.osc = SimpleUDPClient("127.0.0.1", self.daemon.osc_port)

    def notes_on(self) -> list[tuple[int, int]]:
        """(channel, pitch) of each note begun: on the port, or without one as the voice's /on replies."""
        if self.listener is None:
            return [(1, args[0]) for args in self.replies.of("/stylevae/1/on")]
        return [(e.channel, e.pitch) for e in self.listener.note_ons()]

    def close(self) -> None:
        self.daemon.close()
        if self.listener is not None:
            self.listener.close()
        self.replies.stop()


@pytest.fixture(params=MODES)
def run(request):
    started = Run(request, request.param)
    yield started
    started.close()


def test_the_daemon_plays_in_the_key_it_is_given_and_ends_every_note_when_interrupted(run):
    run.osc.send_message("/stylevae/hello", [run.replies.port])
    assert run.replies.wait_for("/stylevae/styles"), f"no reply to /stylevae/hello\n{run.daemon.log()[-2000:]}"
    run.osc.send_message("/stylevae/key", [2, "dorian"])
    run.osc.send_message("/stylevae/1/lock", [1.0])  # every note in the scale: no chromatic touch
    run.osc.send_message("/stylevae/1/play", [1])
    assert harness.wait_until(lambda: len(run.notes_on()) >= NOTES, 30), (
        f"{len(run.notes_on())} notes in 30 s on {run.port}\n{run.daemon.log()[-2000:]}")
    state = run.replies.of("/stylevae/1/state")[-1]
    assert (state[0], state[9], state[10], state[11]) == (1, 2, "dorian", 1.0), state
    heard = run.notes_on()
    assert {channel for channel, _ in heard} == {1}
    outside = [pitch for _, pitch in heard if (pitch - 2) % 12 not in DORIAN]
    assert not outside, f"notes outside D dorian: {outside} of {[pitch for _, pitch in heard]}"

    cuts = len(run.replies.of("/stylevae/1/cut"))
    assert run.daemon.stop(signum=None) == 0, run.daemon.log()[-2000:]  # as Ctrl-C (Ctrl-Break on Windows)
    log = run.daemon.log()
    assert "Traceback" not in log, log[-2000:]
    assert "StyleVAE Bridge stopped (all notes off)" in "".join(run.daemon.out)
    if run.listener is not None:
        assert harness.wait_until(lambda: any(e.is_all_notes_off for e in run.listener.snapshot()), 5)
        events = run.listener.snapshot()
        assert run.listener.open_notes() == 0, f"notes left sounding: {harness.open_notes(events)}"
        last_off = max(i for i, e in enumerate(events) if e.is_all_notes_off)
        assert not any(e.is_on for e in events[last_off:]), "a note began after the last All Notes Off"
    else:  # the device's own note output ends what it sounds at /cut
        assert len(run.replies.wait_for("/stylevae/1/cut", cuts + 1, timeout=5)) > cuts, "no /cut at the stop"
