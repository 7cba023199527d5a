"""End to end, with real components: a dummy-driver JACK server, `stylevae serve` as a subprocess, its
virtual port read by a python-rtmidi JACK listener (timestamps from JACK), OSC over UDP loopback from
python-osc and from liblo's oscsend, replies read by liblo's oscdump.

The model is crafted (see harness.crafted_checkpoint): a note every 16th, high pitches in style "a",
low ones in style "b", so what the notes must be is known. No assertion here is about speed: the
timing figures are the benchmark's job (bench/bridge_bench.py); the grid checks allow a quarter step.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import harness
import numpy as np
import pytest
from harness import wait_until
from pythonosc.udp_client import SimpleUDPClient

sys.path.insert(0, str(harness.ROOT / "bench"))

import machine_facts  # noqa: E402

from stylevae.bridge.awake import KeepAwake  # noqa: E402

pytestmark = pytest.mark.e2e

LOOKAHEAD = 0.5  # beats: the daemon's default
STEP = 60 / 120 / 4  # seconds: a 16th at the daemon's default tempo


class Session:
    """One daemon with its listener, python-osc client and oscdump, torn down whatever happens."""

    def __init__(self, checkpoint, jack_name, *extra):
        self.daemon = harness.Daemon(checkpoint, jack_name, *extra)
        self.midi = harness.MidiListener(self.daemon.midi_port)
        self.dump = harness.OscDump()
        self.osc = SimpleUDPClient("127.0.0.1", self.daemon.osc_port)
        self.osc.send_message("/stylevae/hello", [self.dump.port])
        assert self.dump.wait_for("/stylevae/styles"), "no reply to /stylevae/hello"

    def oscsend(self, address, types="", *args):
        harness.oscsend(self.daemon.osc_port, address, types, *args)

    def wait_notes(self, count, after=0, timeout=20.0):
        ok = self.midi.wait_for(lambda events: sum(e.is_on for e in events[after:]) >= count, timeout)
        assert ok, f"fewer than {count} notes arrived\n{self.daemon.log()[-2000:]}"

    def close(self):
        if self.daemon.process.poll() is None:
            self.daemon.stop()
        self.midi.close()
        self.dump.stop()


@pytest.fixture
def session(jack_server, crafted_checkpoint):
    sessions = []

    def start(*extra):
        s = Session(crafted_checkpoint, jack_server.name, *extra)
        sessions.append(s)
        return s

    yield start
    for s in sessions:
        s.close()


def assert_on_grid(events, step, s: Session, skip=0):
    """Each interval between the notes heard, after the first ``skip``, is a whole number of steps, within a quarter
    step; none is doubled. A note the JACK output wrote again at once counts once (``harness.notes_heard``). The
    listener's times are JACK's: when they fail, the daemon is stopped and its JACK output's own account added (the
    periods JACK ran without calling it back, xruns), as a starved JACK server puts notes off the grid by itself."""
    gaps = np.diff([e.time for e in harness.notes_heard(events, step / 4)][skip:])
    steps = np.round(gaps / step)
    worst = np.abs(gaps - steps * step).max()
    if not (steps >= 1).all() or worst >= step / 4:
        if s.daemon.process.poll() is None:
            s.daemon.stop()
        account = next((line for line in reversed(s.daemon.log().splitlines()) if "JACK output:" in line), "")
        problem = (f"two notes within one step: {gaps.min():.4f} s" if not (steps >= 1).all()
                   else f"an onset is {worst * 1000:.1f} ms off the grid")
        pytest.fail(f"{problem}; {account.split(' INFO: ', 1)[-1] or 'no account of the JACK output'}")


def test_notes_on_the_16th_grid_at_the_tempo(session):
    s = session("--bpm", "150")
    banner = "".join(s.daemon.banner)
    assert s.daemon.midi_port in banner and f"127.0.0.1:{s.daemon.osc_port}" in banner
    assert "a, b, c" in banner and "cpu" in banner
    s.osc.send_message("/stylevae/1/play", [1])
    s.wait_notes(24)
    assert_on_grid(s.midi.snapshot(), 60 / 150 / 4, s)
    assert all(e.channel == 1 and 72 <= e.pitch < 84 for e in s.midi.note_ons())
    reports = s.dump.wait_for("/stylevae/1/note", 10)
    beats = [float(r[3]) for r in reports]
    assert all(b * 4 == round(b * 4) for b in beats) and beats == sorted(beats)


def test_the_daemons_threads_run_before_ordinary_work(session):
    """The note sender and the JACK output's threads at a real-time policy, every other thread of the daemon and
    its output at a raised nice level: a busy process that pre-empts the engine while it holds the GIL would make
    the sender wait for as long as the scheduler lets that process run."""
    if os.geteuid() != 0:
        pytest.skip("raising priorities needs root here (or rtprio and nice limits)")
    s = session()
    s.osc.send_message("/stylevae/1/play", [1])
    s.wait_notes(4)
    output = subprocess.run(["pgrep", "-P", str(s.daemon.process.pid)], capture_output=True, text=True).stdout
    for pid in (s.daemon.process.pid, int(output.split()[0])):
        threads = machine_facts.thread_priorities(pid)
        assert threads["realtime"] >= 1, threads
        assert threads["realtime"] + threads["raised_nice"] == threads["threads"], threads


def test_style_change_shows_within_the_lookahead(session):
    s = session()
    s.oscsend("/stylevae/1/play", "i", 1)
    s.wait_notes(8)
    s.oscsend("/stylevae/1/style", "s", "b")
    sent_at = len(s.midi.snapshot())  # the message is out once oscsend returns
    s.wait_notes(12, after=sent_at)
    after = harness.notes_heard(s.midi.snapshot()[sent_at:], STEP / 4)
    old_style = [i for i, e in enumerate(after) if e.pitch >= 72]
    # only the steps already generated when the change arrived: at most the lookahead's
    assert len(old_style) <= LOOKAHEAD * 4
    assert old_style == list(range(len(old_style))), "the style flipped back"
    states = s.dump.wait_for("/stylevae/1/state", 2)
    assert states[-1][2] == '"b"'


def test_transport_follow_tempo_change_and_jump(session):
    s = session()
    s.osc.send_message("/stylevae/1/play", [1])
    s.osc.send_message("/stylevae/transport", [0.0, 1, 120.0])
    s.wait_notes(8)
    s.oscsend("/stylevae/tempo", "f", 200)
    mark = len(s.midi.snapshot())
    s.wait_notes(20, after=mark)
    assert_on_grid(s.midi.snapshot()[mark:], 60 / 200 / 4, s, skip=4)  # past the lookahead
    # a locate in Live: beat 64
    before_jump = len(s.dump.messages("/stylevae/1/note"))
    mark = len(s.midi.snapshot())
    s.osc.send_message("/stylevae/transport", [64.0, 1, 200.0])
    s.wait_notes(16, after=mark)
    assert_on_grid(s.midi.snapshot()[mark:], 60 / 200 / 4, s)  # no burst of catch-up notes
    s.dump.wait_for("/stylevae/1/note", before_jump + 10)
    beats = [float(r[3]) for r in s.dump.messages("/stylevae/1/note")[before_jump:]]
    assert max(beats) >= 64.0 and all(b >= 64.0 or b < 64.0 - 8 for b in beats)
    # transport follow: Live's position reported every 16th, drifting by up to 0.03 beat either way, is
    # absorbed by gliding: no locate, and the voice's steps go on one by one, none doubled or skipped
    anchor, anchored_at = 128.0, time.perf_counter()
    s.osc.send_message("/stylevae/transport", [anchor, 1, 200.0])  # a locate to a known place and time
    time.sleep(0.3)
    before_follow = len(s.dump.messages("/stylevae/1/note"))
    mark = len(s.midi.snapshot())
    for k in range(40):
        time.sleep(0.075)
        drift = 0.03 * ((k % 5) - 2) / 2
        beat = anchor + (time.perf_counter() - anchored_at) * 200 / 60 + drift
        s.osc.send_message("/stylevae/transport", [beat, 1, 200.0])
    time.sleep(0.3)
    heard = s.midi.snapshot()[mark:]
    assert sum(e.is_on for e in heard) >= 30
    assert_on_grid(heard, 60 / 200 / 4, s)
    beats = [float(r[3]) for r in s.dump.messages("/stylevae/1/note")[before_follow:]]
    assert len(beats) >= 30 and np.allclose(np.diff(beats), 0.25), "a step was doubled or skipped while following"
    assert s.midi.open_notes() <= 1
    s.osc.send_message("/stylevae/transport", [70.0, 0, 200.0])
    assert s.midi.wait_for(lambda _: s.midi.open_notes() == 0, 5), "notes left open after the transport stopped"


def test_a_tempo_change_moves_the_notes_the_jack_output_already_has(session):
    """The JACK output gets each event 100 ms ahead of its time; the notes of those 100 ms after a tempo change
    must land on the new tempo's grid too. Kept at their old times, the first of them would be off the new grid
    by up to 40 ms (100 ms × (1 − 120/200)), more than the quarter step allowed."""
    s = session()
    s.osc.send_message("/stylevae/1/play", [1])
    s.wait_notes(4)
    changes = []
    for bpm in (200, 120, 200, 120, 200, 120):
        changes.append((time.perf_counter(), bpm))
        s.osc.send_message("/stylevae/tempo", [float(bpm)])
        time.sleep(0.7)
    heard = s.midi.snapshot()
    soon = 0  # notes within the lead after a change: the ones handed over before it
    for (at, bpm), (end, _) in zip(changes, changes[1:] + [(time.perf_counter(), None)]):
        # read (``wall``) a few ms after the change reached the daemon, timed by JACK (``time``)
        after = [e for e in heard if at + 0.005 < e.wall < end]
        soon += sum(e.is_on and e.wall < at + 0.1 for e in after)
        assert_on_grid(after, 60 / bpm / 4, s)
    assert soon >= 3, "too few notes fell in the 100 ms after a change to test them"


def test_a_tempo_change_tells_a_device_again_the_notes_it_holds(session):
    """A device that plays the notes itself holds those the daemon sent up to the lookahead (2 beats here) for times
    worked out at the old tempo: after ``oscsend /stylevae/tempo f 60`` the daemon sends ``/retime``, then the
    replies for those notes again, each with its lead at the new tempo, over real UDP to oscdump."""
    s = session("--lookahead", "2")
    s.osc.send_message("/stylevae/1/play", [1])
    s.wait_notes(4)
    s.oscsend("/stylevae/tempo", "f", 60.0)
    assert s.dump.wait_for("/stylevae/1/retime"), s.daemon.log()[-2000:]
    lines = [line.split() for line in s.dump.lines]
    told = next(i for i, parts in enumerate(lines) if "/stylevae/1/retime" in parts)
    sent = {(parts[-4], parts[-2]) for parts in lines[:told] if "/stylevae/1/on" in parts}  # (pitch, beat)
    again = lines[told + 1]
    assert "/stylevae/1/on" in again or "/stylevae/1/note" in again, again
    ons = [parts for parts in lines[told + 1:] if "/stylevae/1/on" in parts][:2]
    assert ons and all((parts[-4], parts[-2]) in sent and 0.0 < float(parts[-1]) <= 2.0 for parts in ons), ons


def play_live_loop(s: Session, start: float, length: float, seconds: float) -> float:
    """Live plays from beat 0 with its loop on, reporting its song position every 16th (wrapped, as Live's own is);
    the wall-clock time of the loop's first wrap."""
    anchored_at = time.perf_counter()
    s.osc.send_message("/stylevae/transport", [0.0, 1, 120.0])
    while (elapsed := time.perf_counter() - anchored_at) < seconds:
        time.sleep(0.125 - elapsed % 0.125)
        song = (time.perf_counter() - anchored_at) * 2.0
        if song >= start + length:
            song = start + (song - start) % length
        s.osc.send_message("/stylevae/transport", [song, 1, 120.0])
    return anchored_at + (start + length) / 2.0


@pytest.mark.parametrize("told", [True, False])
def test_a_loop_the_device_sends_wraps_without_a_locate(session, told):
    """Live's loop from beat 4 to 6: told of it (``oscsend``, as the device sends it), the daemon plans each wrap, so
    the voice plays on through every wrap on the grid with no All Notes Off, and every note it reports lies in the
    loop after the first wrap. Not told, each wrap is a locate, which ends its notes with an All Notes Off."""
    s = session()
    if told:
        s.oscsend("/stylevae/loop", "iff", 1, 4.0, 2.0)
    s.osc.send_message("/stylevae/1/play", [1])
    s.wait_notes(4)
    wrapped_at = play_live_loop(s, 4.0, 2.0, 5.5)  # wraps at 3, 4 and 5 s
    s.oscsend("/stylevae/ping")
    assert s.dump.wait_for("/stylevae/pong")
    wraps = [e for e in s.midi.snapshot() if e.wall > wrapped_at - 0.5]
    assert sum(e.is_all_notes_off for e in wraps) == (0 if told else 3), s.daemon.log()[-2000:]
    if told:
        assert_on_grid(wraps, 0.125, s)
        beats = [float(r[3]) for r in s.dump.messages("/stylevae/1/note")]
        late = beats[-12:]  # the notes of the last wraps
        assert len(beats) > 30 and all(b < 6.0 for b in beats) and all(4.0 <= b < 6.0 for b in late), beats


def test_a_loop_made_longer_just_before_its_wrap_cuts_no_note(session):
    """Live's loop 4..6, made 4..8 a quarter beat before its second wrap, with the voice planned a beat ahead, past
    that wrap: the daemon withdraws what it planned from the wrap on, from the JACK process too, and plays on into
    the longer loop; no All Notes Off, no ``/cut``, the device told again what it holds (``/retime``)."""
    s = session("--lookahead", "1")
    s.oscsend("/stylevae/loop", "iff", 1, 4.0, 2.0)
    s.osc.send_message("/stylevae/1/play", [1])
    s.wait_notes(4)
    start, end, song, changed_at = 4.0, 6.0, 0.0, None
    s.osc.send_message("/stylevae/transport", [song, 1, 120.0])
    last = began = time.perf_counter()
    while (now := time.perf_counter()) - began < 6.0:  # Live: its song position every 16th, wrapped at the end
        time.sleep(0.125 - (now - began) % 0.125)
        now = time.perf_counter()
        song, last = song + (now - last) * 2.0, now
        if song >= end:
            song = start + (song - end)
        s.osc.send_message("/stylevae/transport", [song, 1, 120.0])
        if changed_at is None and now - began > 3.0 and song >= end - 0.3:
            end, changed_at, cuts = 8.0, time.perf_counter(), len(s.dump.messages("/stylevae/1/cut"))
            s.osc.send_message("/stylevae/loop", [1, 4.0, 4.0])
    s.oscsend("/stylevae/ping")
    assert s.dump.wait_for("/stylevae/pong") and changed_at is not None
    heard = [e for e in s.midi.snapshot() if e.wall > began + 0.5]  # after the locate to beat 0 (its All Notes Off)
    assert len(heard) > 20 and not any(e.is_all_notes_off for e in heard), s.daemon.log()[-2000:]
    assert_on_grid([e for e in heard if e.wall > changed_at - 0.5], 0.125, s)
    assert s.dump.messages("/stylevae/1/retime") and len(s.dump.messages("/stylevae/1/cut")) == cuts
    beats = [float(r[3]) for r in s.dump.messages("/stylevae/1/note")]
    assert any(6.0 <= b < 8.0 for b in beats) and s.midi.open_notes() <= 1
    s.osc.send_message("/stylevae/transport", [song, 0, 120.0])
    assert s.midi.wait_for(lambda _: s.midi.open_notes() == 0, 5)


def test_stop_and_sigterm_leave_no_note_open(session):
    s = session()
    for voice, channel in ((1, 3), (2, 4)):
        s.oscsend(f"/stylevae/{voice}/channel", "i", channel)
        s.oscsend(f"/stylevae/{voice}/play", "i", 1)
    s.wait_notes(12)
    assert {e.channel for e in s.midi.note_ons()} == {3, 4}
    s.oscsend("/stylevae/1/play", "i", 0)
    s.oscsend("/stylevae/ping")
    assert s.dump.wait_for("/stylevae/pong")  # the daemon has handled the stop by now
    time.sleep(0.05)
    mark = len(s.midi.snapshot())
    s.wait_notes(6, after=mark)
    assert {e.channel for e in s.midi.snapshot()[mark:] if e.is_on} == {4}
    mark = len(s.midi.snapshot())
    s.osc.send_message("/stylevae/transport", [0.0, 0, 120.0])
    assert s.midi.wait_for(lambda _: s.midi.open_notes() == 0, 5)
    # then All Notes Off on each channel used since the last (voice 1 ended its own at play 0), after the note-offs
    assert s.midi.wait_for(lambda events: sum(e.is_all_notes_off for e in events[mark:]) >= 1, 5)
    stopped = s.midi.snapshot()[mark:]
    stopped = stopped[max((i for i, e in enumerate(stopped) if e.is_on), default=-1) + 1 :]  # after the last note
    assert [e.channel for e in stopped if e.is_all_notes_off] == [4]
    assert all(e.is_off for e in stopped[: next(i for i, e in enumerate(stopped) if e.is_all_notes_off)])
    s.osc.send_message("/stylevae/transport", [0.0, 1, 120.0])
    s.wait_notes(4, after=len(s.midi.snapshot()))
    assert s.daemon.stop(signal.SIGTERM) == 0
    time.sleep(0.3)
    assert s.midi.open_notes() == 0
    assert "stopped (all notes off)" in "".join(s.daemon.rest)


def bad_datagrams():
    from pythonosc.osc_message_builder import OscMessageBuilder

    def message(address, *args):
        builder = OscMessageBuilder(address)
        for a in args:
            builder.add_arg(a)
        return builder.build().dgram

    yield message("/stylevae/1/temperature", float("nan"))
    yield message("/stylevae/1/temperature", float("inf"))
    yield message("/stylevae/1/temperature", "hot")
    yield message("/stylevae/1/temperature", 1.0, 2.0)
    yield message("/stylevae/1/channel", 99)
    yield message("/stylevae/99/play", 1)
    yield message("/stylevae/1/style", "nosuch")
    yield message("/stylevae/1/mix", 1.0)
    yield message("/stylevae/1/restyle", 60, 0.0, 1.0, 61, 0.5, 1.0)
    yield message("/stylevae/tempo", 0.0)
    yield message("/stylevae/transport", 1.0, 1)
    yield message("/nothing/here")
    yield message("/stylevae/1/style", "../../etc/passwd")
    yield b"\x00\x01garbage"
    yield b"#bundle\x00garbage"
    yield message("/stylevae/1/mix", *([0.5] * 3000))  # over 8 KiB


def test_flood_of_bad_messages_changes_nothing(session):
    s = session()
    s.osc.send_message("/stylevae/1/play", [1])
    s.wait_notes(4)
    before = s.dump.wait_for("/stylevae/1/state")[-1]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    datagrams = list(bad_datagrams())
    assert len(datagrams[-1]) > 8192
    for _ in range(60):
        for data in datagrams:
            sock.sendto(data, ("127.0.0.1", s.daemon.osc_port))
        time.sleep(0.005)
    for args in (("/stylevae/1/velocity", "i", 0), ("/stylevae/1/octave", "s", "up"), ("/stylevae/x", "f", 1)):
        s.oscsend(*args)
    sock.close()
    s.osc.send_message("/stylevae/ping", [])
    assert s.dump.wait_for("/stylevae/pong"), "the daemon stopped answering"
    errors = s.dump.wait_for("/stylevae/error", 60 * len(datagrams))
    assert len(errors) >= 60 * len(datagrams)
    assert any("8192" in " ".join(e) for e in errors)
    assert s.daemon.process.poll() is None
    s.osc.send_message("/stylevae/1/query", [])
    time.sleep(0.3)
    state = s.dump.messages("/stylevae/1/state")[-1]
    assert state[1:3] == ["1", '"a"'] and state == before, "a refused message changed the voice"
    mark = len(s.midi.snapshot())
    s.wait_notes(4, after=mark)
    assert s.daemon.stop(signal.SIGINT) == 0
    time.sleep(0.3)
    assert s.midi.open_notes() == 0


def run_cli(*args, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "stylevae.bridge.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=harness.ROOT)


def test_no_midi_backend_is_a_one_line_error(crafted_checkpoint, jack_server):
    env = dict(os.environ, JACK_DEFAULT_SERVER=f"absent{uuid.uuid4().hex[:6]}")
    result = run_cli("serve", "--checkpoint", str(crafted_checkpoint), "--osc-port", str(harness.free_udp_port()),
                     env=env)
    assert result.returncode != 0
    # the error is one line (log lines before it, e.g. the crafted checkpoint's warning that it predates keys, are
    # the model's, not the error's)
    lines = [line for line in result.stderr.strip().splitlines() if "error" in line]
    assert len(lines) == 1 and "start a JACK server" in lines[0] and "--midi-port" in lines[0], result.stderr


def test_start_jack_brings_up_its_own_server(crafted_checkpoint, jack_server):
    name = f"own{uuid.uuid4().hex[:6]}"
    daemon = harness.Daemon(crafted_checkpoint, name, "--start-jack", port_name="selfstart")
    try:
        assert f"JACK server {name!r} started by the daemon" in "".join(daemon.banner)
        assert harness.jack_socket(name).exists()
    finally:
        assert daemon.stop() == 0
    assert not harness.jack_socket(name).exists(), "the daemon left its JACK server running"


def test_the_banner_advises_keep_awake_on_a_virtual_machine(crafted_checkpoint, jack_server):
    """On a virtual machine the banner names --keep-awake; elsewhere it says nothing of cores."""
    advice = KeepAwake(False).advice()  # this machine's facts, read as the daemon reads them
    daemon = harness.Daemon(crafted_checkpoint, jack_server.name)
    try:
        assert wait_until(lambda: any(line.startswith("  cores") for line in daemon.rest), 2) == (advice is not None)
        if advice is not None:
            assert f"  cores    : {advice}\n" in daemon.rest
    finally:
        assert daemon.stop() == 0


def test_existing_port_and_a_liblo_client(crafted_checkpoint, jack_server):
    """--midi-port NAME sends to an existing port; a liblo client registers and drives the daemon."""
    midi = harness.MidiListener(None)
    dump = harness.OscDump()
    daemon = harness.Daemon(crafted_checkpoint, jack_server.name, "--midi-port", midi.name)
    try:
        assert midi.name in "".join(daemon.banner)
        harness.oscsend(daemon.osc_port, "/stylevae/hello", "i", dump.port)
        harness.oscsend(daemon.osc_port, "/stylevae/styles")
        assert len(dump.wait_for("/stylevae/styles", 2)) == 2
        harness.oscsend(daemon.osc_port, "/stylevae/2/mix", "fff", 0, 1, 0)
        harness.oscsend(daemon.osc_port, "/stylevae/2/play", "T")
        assert midi.wait_for(lambda ev: sum(e.is_on for e in ev) >= 6, 10)
        assert all(e.channel == 2 and e.pitch in harness.LOW for e in midi.note_ons())
        harness.oscsend(daemon.osc_port, "/stylevae/ping")
        assert dump.wait_for("/stylevae/pong")
    finally:
        assert daemon.stop() == 0
        time.sleep(0.3)
        assert midi.open_notes() == 0
        midi.close()
        dump.stop()


def test_list_ports_shows_the_ports_to_send_to(jack_server):
    midi = harness.MidiListener(None)
    try:
        result = run_cli("serve", "--list-ports", "--midi-backend", "jack",
                         env=dict(os.environ, JACK_DEFAULT_SERVER=jack_server.name))
        assert result.returncode == 0, result.stderr
        assert f"  {midi.name}" in result.stdout.splitlines()
    finally:
        midi.close()
