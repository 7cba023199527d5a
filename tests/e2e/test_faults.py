"""Faults, end to end on real JACK: the server dies and comes back (or, one the daemon started, is started
again), the port the daemon sends to is closed by its owner, a registered OSC client goes away, the OSC port
is taken, the daemon is killed outright. Each time the daemon says so in one line of its own, keeps serving,
and recovers; and no note is left hanging.

Notes are read by JACK's own jack_midi_dump (harness.MidiDump). The model is the crafted one: a note every 16th.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import harness
import pytest
from harness import wait_until
from pythonosc.udp_client import SimpleUDPClient

from stylevae.bridge.jack import DummyServer, remove_semaphores
from stylevae.bridge.jack_out import SUMMARY_AGAIN, SUMMARY_TOO_LATE
from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT

sys.path.insert(0, str(harness.ROOT / "bench"))
from freezer import Freezer  # noqa: E402
from soak import children  # noqa: E402

pytestmark = pytest.mark.e2e


def count_notes(dump, at_least, timeout=15.0) -> bool:
    return wait_until(lambda: sum(e.is_on for e in dump.snapshot()) >= at_least, timeout)


@pytest.fixture
def own_server():
    """A JACK server this test may kill: not the module's shared one."""
    harness.require("jackd")
    servers = [harness.JackServer()]
    yield servers
    for s in servers:
        s.stop()


@pytest.mark.parametrize("end", ["killed", "stopped"])
def test_the_jack_server_dies_and_comes_back(crafted_checkpoint, own_server, end):
    """Killed (a crash: no goodbye to its clients) or stopped (it tells them it shuts down), then started again."""
    server = own_server[0]
    daemon = harness.Daemon(crafted_checkpoint, server.name)
    dump = harness.MidiDump(daemon.midi_port)
    dump_osc = harness.OscDump()
    try:
        osc = SimpleUDPClient("127.0.0.1", daemon.osc_port)
        osc.send_message("/stylevae/hello", [dump_osc.port])
        osc.send_message("/stylevae/1/play", [1])
        assert count_notes(dump, 6)
        server.process.kill() if end == "killed" else server.process.terminate()
        server.process.wait(10)
        assert wait_until(lambda: "the JACK server is gone" in daemon.log()), daemon.log()[-2000:]
        osc.send_message("/stylevae/ping", [])
        assert dump_osc.wait_for("/stylevae/pong"), "the daemon stopped serving OSC without JACK"
        assert daemon.process.poll() is None
        time.sleep(1.5)  # it keeps trying meanwhile, quietly
        own_server.append(DummyServer(server.name))  # the same server name, as a restarted studio would have
        assert wait_until(lambda: "JACK is back" in daemon.log(), 20), daemon.log()[-2000:]
        dump.close()
        dump = harness.MidiDump(daemon.midi_port)
        assert count_notes(dump, 6), f"no notes after the server came back: {dump.state()}"
        assert daemon.stop(signal.SIGTERM) == 0
        time.sleep(0.3)
        assert dump.open_notes() == 0
        log = daemon.log()
        assert log.count("the JACK server is gone") == 1, "said more than once"
        assert "Traceback" not in log
    finally:
        if daemon.process.poll() is None:
            daemon.stop()
        dump.close()
        dump_osc.stop()


def test_the_port_sent_to_is_closed_by_its_owner_and_comes_back(crafted_checkpoint, jack_server):
    synth = harness.MidiDump.receiver()  # an input port of someone else's, like a synth's
    daemon = harness.Daemon(crafted_checkpoint, jack_server.name, "--midi-port", synth.input)
    try:
        assert synth.input in "".join(daemon.banner)
        osc = SimpleUDPClient("127.0.0.1", daemon.osc_port)
        osc.send_message("/stylevae/1/play", [1])
        assert count_notes(synth, 6)
        synth.close()  # the synth quits: its port goes away
        assert wait_until(lambda: f"the MIDI port {synth.input} was closed by its owner" in daemon.log()), \
            daemon.log()[-2000:]
        synth = harness.MidiDump.receiver(synth.client)  # and starts again under the same name
        assert wait_until(lambda: f"the MIDI port {synth.input} is back" in daemon.log()), daemon.log()[-2000:]
        assert count_notes(synth, 6), "no notes after the port came back"
        assert daemon.stop(signal.SIGTERM) == 0
        time.sleep(0.3)
        assert synth.open_notes() == 0
        assert daemon.log().count("was closed by its owner") == 1
    finally:
        if daemon.process.poll() is None:
            daemon.stop()
        synth.close()


@pytest.mark.parametrize("reached", ["own port, connected again", "--midi-port"])
def test_the_jack_output_process_killed_is_started_again_and_ends_the_notes_it_left(crafted_checkpoint, jack_server,
                                                                                    reached):
    """The output process dies with a note sounding: its note-off, when the daemon sends it, finds nothing in the
    new process's books. The new one sends All Notes Off on every channel once its port reaches someone (connected
    again by a patchbay, here by hand; or the --midi-port synth it connects to itself)."""
    synth = harness.MidiDump.receiver()
    extra = ("--midi-port", synth.input) if reached == "--midi-port" else ()
    daemon = harness.Daemon(crafted_checkpoint, jack_server.name, *extra)
    try:
        if not extra:
            harness.connect(daemon.midi_port, synth.input, 10)
        osc = SimpleUDPClient("127.0.0.1", daemon.osc_port)
        osc.send_message("/stylevae/1/play", [1])
        assert count_notes(synth, 6)
        output = [c for c in children(daemon.process.pid) if "jack_out" in Path(f"/proc/{c}/cmdline").read_text()]
        assert len(output) == 1
        os.kill(output[0], signal.SIGKILL)
        killed_at = len(synth.snapshot())
        assert wait_until(lambda: "the JACK output process ended (exit code -9); starting it again" in daemon.log())
        assert wait_until(lambda: "MIDI out reopened as" in daemon.log(), 20), daemon.log()[-2000:]
        assert "JACK is back" not in daemon.log()  # the server never went
        if not extra:
            harness.connect(daemon.midi_port, synth.input, 15)
        after = lambda: synth.snapshot()[killed_at:]  # noqa: E731
        assert wait_until(lambda: {e.channel for e in after() if e.is_all_notes_off} == set(range(1, 17))), \
            "no All Notes Off after the restart"
        assert count_notes(synth, killed_at // 2 + 6), "no notes after the restart"
        # every note the old process began ends there, before the daemon is stopped (its stop sends its own)
        assert harness.open_notes(synth.snapshot(), all_notes_off=True).total() <= 1  # the one sounding now
        assert daemon.stop(signal.SIGTERM) == 0
        time.sleep(0.3)
        assert "Traceback" not in daemon.log()
    finally:
        if daemon.process.poll() is None:
            daemon.stop()
        synth.close()


def test_a_jack_output_process_held_up_until_its_pipe_fills_ends_every_note_it_began(crafted_checkpoint, jack_server):
    """The output process stops reading (frozen here by SIGSTOP) for long enough that the pipe to it fills: the
    note-offs the daemon writes meanwhile wait for it, and once it reads again every note it began ends, with no stop.
    They used to be lost with the note-ons, leaving the notes it had begun sounding until the next stop. Nor do the
    note-ons in the pipe, due while it was frozen, come out at once when it runs again: they used to, as a burst."""
    listener = None
    daemon = harness.Daemon(crafted_checkpoint, jack_server.name)
    try:
        # jack_listen.py, not jack_midi_dump: the burst of events when the process reads again overflows
        # jack_midi_dump's buffer now and then (it loses messages, counted as notes left open)
        listener = harness.FrameListener(daemon.midi_port)
        output = [c for c in children(daemon.process.pid) if "jack_out" in Path(f"/proc/{c}/cmdline").read_text()]
        assert len(output) == 1
        pipe = os.open(f"/proc/{output[0]}/fd/0", os.O_WRONLY)  # the pipe it reads, shrunk to a page: it fills fast
        try:
            fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 4096)
        finally:
            os.close(pipe)  # an end left open here would keep it from seeing the daemon's end close
        osc = SimpleUDPClient("127.0.0.1", daemon.osc_port)
        voices = 4
        for v in range(1, voices + 1):
            osc.send_message(f"/stylevae/{v}/play", [1])
        assert count_notes(listener, 16)
        os.kill(output[0], signal.SIGSTOP)
        try:
            assert wait_until(lambda: "the JACK output process is not reading" in daemon.log(), 20), \
                daemon.log()[-2000:]
            time.sleep(1.0)  # note-offs pile up behind the full pipe
        finally:
            os.kill(output[0], signal.SIGCONT)
            resumed = time.perf_counter()
        assert wait_until(lambda: "the JACK output process reads again" in daemon.log(), 20), daemon.log()[-2000:]
        time.sleep(1.0)
        # a 16th apart, each voice may start a note due in the last 1/8 beat of the freeze and one more: no more
        burst = [e for e in listener.snapshot() if e.is_on and resumed <= e.time < resumed + 0.05]
        assert len(burst) <= 2 * voices, burst
        # every note it began has ended, but the one each voice (a channel each) sounds now: no stop has been sent
        sounding = harness.open_notes(listener.snapshot())
        assert max(Counter(channel for channel, _ in sounding.elements()).values()) == 1, sounding
        assert daemon.stop(signal.SIGTERM) == 0
        time.sleep(0.3)
        assert listener.open_notes() == 0 and "Traceback" not in daemon.log()
        # the note-ons in the pipe, due while it was frozen: its exit line counts them (said before it leaves JACK,
        # which then took seconds)
        assert int(SUMMARY_TOO_LATE.search(daemon.log())["notes"]) > 0, daemon.log()[-2000:]
    finally:
        if daemon.process.poll() is None:
            daemon.stop()
        if listener is not None:
            listener.close()


def test_a_registered_client_goes_away(crafted_checkpoint, jack_server):
    daemon = harness.Daemon(crafted_checkpoint, jack_server.name)
    dump = harness.MidiDump(daemon.midi_port)
    staying, leaving = harness.OscDump(), harness.OscDump()
    try:
        osc = SimpleUDPClient("127.0.0.1", daemon.osc_port)
        for client in (staying, leaving):
            osc.send_message("/stylevae/hello", [client.port])
        osc.send_message("/stylevae/1/play", [1])
        assert leaving.wait_for("/stylevae/1/state")
        leaving.stop()  # oscdump quits: its port answers replies with "port unreachable"
        for _ in range(10):
            osc.send_message("/stylevae/ping", [])
            time.sleep(0.05)
        assert len(staying.wait_for("/stylevae/pong", 10)) == 10, "the client still there lost replies"
        assert wait_until(lambda: f"OSC client 127.0.0.1:{leaving.port} is gone" in daemon.log())
        assert daemon.log().count("is gone") == 1
        mark = len(dump.snapshot())
        assert count_notes(dump, mark // 2 + 4), f"notes stopped: {dump.state()}"
        assert daemon.stop(signal.SIGTERM) == 0
    finally:
        if daemon.process.poll() is None:
            daemon.stop()
        dump.close()
        staying.stop()


def test_the_osc_port_taken_is_one_line_and_leaves_nothing_behind(crafted_checkpoint, jack_server):
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    taken.bind(("127.0.0.1", 0))
    port = taken.getsockname()[1]
    try:
        env = dict(os.environ, JACK_DEFAULT_SERVER=jack_server.name)
        result = subprocess.run(
            [sys.executable, "-m", "stylevae.bridge.cli", "serve", "--checkpoint", str(crafted_checkpoint),
             "--osc-port", str(port), "--midi-backend", "jack", "--port-name", "takentest"],
            capture_output=True, text=True, timeout=60, env=env, cwd=harness.ROOT)
    finally:
        taken.close()
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and f"cannot listen for OSC on 127.0.0.1:{port}" in errors[0], result.stderr
    listed = harness.jack_tool("jack_lsp", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "takentest" not in listed.stdout, "the JACK output process outlived the daemon"


def test_sigkill_of_the_daemon_still_ends_its_notes_on_jack(crafted_checkpoint, jack_server):
    """SIGKILL gives the daemon no chance to send anything; its JACK process sees the pipe close and ends every
    note it sent, then All Notes Off (docs/bridge.md says what to do on other backends)."""
    daemon = harness.Daemon(crafted_checkpoint, jack_server.name)
    dump = harness.MidiDump(daemon.midi_port)
    try:
        osc = SimpleUDPClient("127.0.0.1", daemon.osc_port)
        for voice in (1, 2):
            osc.send_message(f"/stylevae/{voice}/play", [1])
        assert count_notes(dump, 8)
        daemon.stop(signal.SIGKILL)
        assert wait_until(lambda: dump.open_notes() == 0, 5), "a note was left hanging"
        # the queued note-offs can end every note a period before the books' ending brings All Notes Off
        assert wait_until(lambda: any(e.is_all_notes_off for e in dump.snapshot()), 5), "no All Notes Off"
    finally:
        dump.close()


def test_a_jack_server_the_daemon_started_is_started_again_when_it_dies(crafted_checkpoint, jack_server, monkeypatch):
    name = f"own{uuid.uuid4().hex[:6]}"
    monkeypatch.setenv("JACK_DEFAULT_SERVER", name)  # for this test's own JACK tools
    daemon = harness.Daemon(crafted_checkpoint, name, "--start-jack")
    dump = None
    try:
        osc = SimpleUDPClient("127.0.0.1", daemon.osc_port)
        osc.send_message("/stylevae/1/play", [1])
        dump = harness.MidiDump(daemon.midi_port)
        assert count_notes(dump, 4)
        jackd = [c for c in children(daemon.process.pid) if "jackd" in Path(f"/proc/{c}/cmdline").read_text()]
        assert len(jackd) == 1
        os.kill(jackd[0], signal.SIGKILL)
        assert wait_until(lambda: "the JACK server is gone" in daemon.log())
        assert wait_until(lambda: "JACK is back" in daemon.log(), 30), daemon.log()[-2000:]
        assert f"the JACK server {name!r} the daemon started died" in daemon.log()
        dump.close()
        dump = harness.MidiDump(daemon.midi_port)
        assert count_notes(dump, 4), "no notes after the server was started again"
        assert daemon.stop() == 0
        assert not harness.jack_socket(name).exists(), "the daemon left its JACK server running"
    finally:
        if daemon.process.poll() is None:
            daemon.stop()
        if dump is not None:
            dump.close()


def jackd_of(name: str) -> list[int]:
    """The pids of jackd processes serving ``name``."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            command = open(f"/proc/{entry}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if b"-n" in command and name.encode() in command and any(c.endswith(b"jackd") for c in command):
            found.append(int(entry))
    return [pid for pid in found if harness.running(pid)]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_during_start_up_leaves_no_jack_server_behind(crafted_checkpoint, jack_server, signum):
    """Ctrl-C or SIGTERM while the daemon starts (its first start compiles for some 20 s): the JACK server it
    started is stopped, as at any other exit, and the daemon exits without a traceback."""
    name = f"own{uuid.uuid4().hex[:6]}"
    command = [sys.executable, "-m", "stylevae.bridge.cli", "serve", "--checkpoint", str(crafted_checkpoint),
               "--osc-port", str(harness.free_udp_port()), "--midi-backend", "jack", "--start-jack"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=harness.ROOT,
                               env=dict(os.environ, JACK_DEFAULT_SERVER=name))
    try:
        assert wait_until(lambda: harness.jack_socket(name).exists(), 30), "the daemon did not start its server"
        process.send_signal(signum)  # the daemon is still starting: its banner comes after the server's start
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "ready" not in out, "the signal came after the start: this test saw nothing of the start-up"
    assert process.returncode == 130 and "Traceback" not in err, err
    assert wait_until(lambda: not jackd_of(name), 5), "the daemon stopped while starting left its JACK server running"
    assert not harness.jack_socket(name).exists()


def test_a_daemon_killed_outright_leaves_no_jack_server_behind(crafted_checkpoint, jack_server):
    """SIGKILL runs nothing in the daemon, but the JACK server it started goes with it (the parent-death signal)."""
    name = f"own{uuid.uuid4().hex[:6]}"
    daemon = harness.Daemon(crafted_checkpoint, name, "--start-jack", port_name="killed")
    try:
        assert len(jackd_of(name)) == 1
        assert daemon.stop(signal.SIGKILL) == -signal.SIGKILL
        assert wait_until(lambda: not jackd_of(name), 10), "the JACK server outlived the daemon SIGKILL ended"
    finally:
        for pid in jackd_of(name):
            os.kill(pid, signal.SIGTERM)  # not SIGKILL: a server killed outright stays in JACK's registry
        wait_until(lambda: not jackd_of(name), 10)
        remove_semaphores(name)  # its server ended under the daemon's JACK output: nothing in the daemon could


def test_a_test_server_stopped_gives_the_listeners_back_the_shared_one(jack_server):
    """The JACK tools of this process follow the newest server started; a test's own server, once stopped, must
    hand them back, or every later test on the shared server connects to a dead one."""
    own = harness.JackServer()
    try:
        assert os.environ["JACK_DEFAULT_SERVER"] == own.name
    finally:
        own.stop()
    assert os.environ["JACK_DEFAULT_SERVER"] == jack_server.name
    listener = harness.MidiDump.receiver()  # waits until jack_lsp, on the default server, lists its port
    listener.close()


def test_a_server_stopped_under_its_clients_leaves_no_semaphore_of_theirs(jack_server):
    """jack2 removes a client's semaphore when the client closes or the server sees it go; a server that ends while
    a client is still connected leaves that client's in /dev/shm for good, unless the server's stop removes it: each
    test, soak or benchmark that stops its server under its listeners or its daemon would add some."""
    own = harness.JackServer()
    dump = harness.MidiDump.receiver()
    try:
        semaphore = Path(f"/dev/shm/jack_sem.{os.getuid()}_{own.name}_{dump.client}")
        assert wait_until(semaphore.exists, 10), "jack2 names its semaphores otherwise: this test needs its new name"
        own.stop()  # the listener still connected
    finally:
        dump.process.send_signal(signal.SIGKILL)
        dump.process.wait()
        own.stop()
    assert not list(Path("/dev/shm").glob(f"jack_sem.{os.getuid()}_{own.name}_*"))


def test_a_listener_a_test_left_open_is_closed_after_it(jack_server):
    """As a failing test leaves one: the clean-up after each test (conftest.py) ends its JACK client; closing it
    again, as the test's own ``finally`` might, does nothing."""
    started = len(harness.STARTED)
    dump = harness.MidiDump.receiver()
    assert dump.process.poll() is None and harness.STARTED[started:] == [dump]
    harness.end_since(started)
    assert dump.process.poll() is not None and len(harness.STARTED) == started
    dump.close()


def test_freezes_of_jack_leave_no_note_hanging(crafted_checkpoint):
    """The JACK server and the daemon's JACK process frozen for 0.5-6 ms about 40 times a second (bench/freezer.py,
    a busy host's steal) while 8 voices play a note every 16th at 240 BPM: JACK reports xruns, late callbacks
    write into periods already read, and yet after the voices stop, and after SIGTERM, every note-on the
    listener saw has its note-off (CC 123 not counted)."""
    harness.require("jackd")
    server = harness.JackServer(period=64)
    daemon = dump = None
    freezer = Freezer([])
    try:
        daemon = harness.Daemon(crafted_checkpoint, server.name)
        dump = harness.MidiDump(daemon.midi_port)
        osc = SimpleUDPClient("127.0.0.1", daemon.osc_port)
        osc.send_message("/stylevae/tempo", [240.0])
        for voice in range(1, 9):
            osc.send_message(f"/stylevae/{voice}/channel", [voice])
            osc.send_message(f"/stylevae/{voice}/play", [1])
        assert count_notes(dump, 40)
        jack_process = children(daemon.process.pid)
        assert len(jack_process) == 1, f"the daemon's child processes: {jack_process}"
        with Freezer([server.process.pid, *jack_process], seed=1) as freezer:
            time.sleep(20)
            for voice in range(1, 9):
                osc.send_message(f"/stylevae/{voice}/play", [0])
            time.sleep(1.0)
            open_after_stop = harness.open_notes(dump.snapshot())
            osc.send_message("/stylevae/1/play", [1])
            assert count_notes(dump, sum(e.is_on for e in dump.snapshot()) + 4)
            assert daemon.stop(signal.SIGTERM) == 0
        assert freezer.freezes > 400
        time.sleep(0.5)
        events = dump.snapshot()
        assert sum(e.is_on for e in events) > 1000
        log = daemon.log()
        unread = SUMMARY_AGAIN.search(log)
        xruns = re.search(r"(\d+) xruns, after which (\d+) note-offs were written again", log)
        assert unread and xruns and int(xruns.group(1)) > 0, log[-1500:]
        said = f"{unread.group(0)}; {xruns.group(0)}"
        hanging = sum(open_after_stop.values())
        assert not open_after_stop, f"{hanging} notes left hanging ({dict(open_after_stop)}); {said}"
        open_now = harness.open_notes(events)
        assert not open_now, f"{sum(open_now.values())} notes open after SIGTERM ({dict(open_now)}); {said}"
    finally:
        freezer.__exit__()
        if dump is not None:
            dump.close()
        if daemon is not None:
            daemon.stop()
        server.stop()


@pytest.mark.skipif(Path("/sys/devices/system/cpu/cpuidle/current_driver").exists()
                    and Path("/sys/devices/system/cpu/cpuidle/current_driver").read_text().strip() != "none",
                    reason="this machine has a cpuidle driver: --keep-awake makes a PM QoS request, not spinners")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_keep_awake_spins_a_core_each_at_the_lowest_priority_while_serving_and_never_outlives_the_daemon(
        jack_server, signum):
    """Where idle CPUs halt (no cpuidle driver, as on this project's virtual machines) the shipped model's daemon
    keeps each core busy with a spinner at SCHED_IDLE while it plays; they end with it, on SIGTERM and on SIGKILL.
    On the module's shared server, after tests that started and stopped servers of their own."""
    daemon = harness.Daemon(DEFAULT_CHECKPOINT, jack_server.name, "--keep-awake")
    try:
        assert wait_until(lambda: any("cores    : kept awake: yes" in line for line in daemon.rest), 5), daemon.rest
        def spinning() -> list[int]:
            """The daemon's spinners. Read once right after the banner, one of two was missing on a busy host: a
            spinner read while its wrapper execs it may show no command line for that moment."""
            return [pid for pid in children(daemon.process.pid)
                    if "a core kept awake" in Path(f"/proc/{pid}/cmdline").read_text(encoding="utf-8")]

        assert wait_until(lambda: len(spinning()) == os.cpu_count(), 5), spinning()
        spinners = spinning()
        assert wait_until(lambda: all(os.sched_getscheduler(pid) == os.SCHED_IDLE for pid in spinners), 5)
        SimpleUDPClient("127.0.0.1", daemon.osc_port).send_message("/stylevae/1/play", [1])
        dump = harness.MidiDump(daemon.midi_port)
        try:
            assert count_notes(dump, 4), "no notes with the cores kept awake"
        finally:
            dump.close()
    finally:
        daemon.stop(signum)
    assert wait_until(lambda: not any(harness.running(pid) for pid in spinners), 5), (
        f"a spinner outlived the daemon ended by {signal.Signals(signum).name}")
