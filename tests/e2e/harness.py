"""Real components for the end-to-end tests and the benchmark: a dummy-driver JACK server, the daemon
as a subprocess, a python-rtmidi JACK listener with timestamps, liblo's oscsend and oscdump.

Nothing here is faked: every process is the real program, talking over real JACK ports and real UDP.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import rtmidi
import torch
from pythonosc.osc_packet import OscPacket

from stylevae.bridge.children import console_group, interrupt, tied
from stylevae.bridge.jack import REGISTRY, DummyServer
from stylevae.bridge.realtime import REALTIME_PRIORITY
from stylevae.model.data.tokens import Vocabulary
from stylevae.model.network.checkpoint import Checkpoint, save
from stylevae.model.network.vae import ModelConfig, StyleVAE

ROOT = Path(__file__).resolve().parents[2]
HIGH = range(72, 84)  # pitches of the crafted model's style "a"
LOW = range(60, 72)  # pitches of its style "b"


class ToolMissing(RuntimeError):
    pass


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise ToolMissing(f"{tool} is not installed (apt-get install jackd2 liblo-tools)")
    return path


def wait_until(predicate, timeout: float = 15.0, poll: float = 0.05) -> bool:
    """Whether ``predicate`` came true within ``timeout`` seconds (asked once more at the end)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(poll)
    return predicate()


def jack_tool(tool: str, *args: str, timeout: float = 5.0, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess:
    """One run of a JACK tool (jack_connect, jack_lsp), killed after ``timeout`` seconds: libjack waits for the
    server's answer to a request with no time-out of its own, and jack_connect can hang in its close (``connect``),
    so a tool would otherwise hold the test until pytest's own time-out. A run killed so has return code -9 and says
    so on its stderr."""
    try:
        return subprocess.run([require(tool), *args], capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as expired:
        return subprocess.CompletedProcess(expired.cmd, -signal.SIGKILL, "", f"killed: no answer in {timeout:g} s")


def connections(port: str, run=None) -> list[str]:
    """The ports ``port`` is connected to, as the JACK server lists them (``jack_lsp -c``: the port, then each of
    its connections indented); none if jack_lsp got no answer."""
    listed = (run or jack_tool)("jack_lsp", "-c", port)
    lines = listed.stdout.splitlines() if listed.returncode == 0 else []
    return [line.strip() for line in lines[1:] if line[:1].isspace()]


def connect(source: str, destination: str, timeout: float, run=None) -> None:
    """Connect two JACK ports, trying until the server lists the connection. jack_connect's own word is not enough
    either way: it says "already connected?" for every refusal (a port of a client not yet active among them:
    jackd2 refuses those), and jackd2 1.9.21's jack_connect now and then hangs for good in ``jack_client_close``
    once the connection is made (seen with gdb: its main thread waits for a mutex of libjack's while libjack's own
    thread waits on a condition; the server idle), so that ``jack_tool`` kills it."""
    run = run or jack_tool
    deadline = time.monotonic() + timeout
    while True:
        result = run("jack_connect", source, destination)
        if result.returncode == 0 or source in connections(destination, run):
            return
        if time.monotonic() > deadline:
            said = (result.stderr.strip().splitlines() or ["nothing"])[-1]
            raise RuntimeError(f"jack_connect {source} {destination}: not done in {timeout:g} s "
                               f"(its last run said: {said})")
        time.sleep(0.1)


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- checkpoints -----------------------------------------------------------------------------------------


def random_checkpoint(folder: Path, seed: int = 0) -> Path:
    """A small random-weight model: fast to load, for tests where what it plays does not matter."""
    torch.manual_seed(seed)
    vocab = Vocabulary()
    model = StyleVAE(ModelConfig(n_styles=3, vocab_size=vocab.size, embed_dim=16, enc_hidden=32, dec_hidden=32,
                                 z_content=16, style_dim=8))
    save(Checkpoint(model, vocab, ["a", "b", "c"], {"steps": 32}), folder)
    return folder


@torch.no_grad()
def crafted_checkpoint(folder: Path) -> Path:
    """A small model whose output is known: a note-on every step, pitches 72..83 in style "a" and
    60..71 in style "b", switching at the very next step after the style changes (no memory)."""
    vocab = Vocabulary()
    model = StyleVAE(ModelConfig(n_styles=3, vocab_size=vocab.size, embed_dim=16, enc_hidden=32, dec_hidden=32,
                                 z_content=16, style_dim=8))
    for p in model.decoder.parameters():
        p.zero_()
    model.z_to_state.weight.zero_()
    model.z_to_state.bias.zero_()
    model.codebook.zero_()
    model.codebook[0, 0], model.codebook[1, 0] = 3.0, -3.0
    hidden, style_input = 32, 16  # the first style dimension follows the embedding in the decoder's input
    for layer, source, gain in ((0, style_input, 1.0), (1, 0, 3.0)):
        cell = model.decoder[layer]
        cell.bias_ih[:hidden] = 10.0  # input gate open
        cell.bias_ih[hidden : 2 * hidden] = -10.0  # forget gate shut: no memory of the previous step
        cell.bias_ih[3 * hidden :] = 10.0  # output gate open
        cell.weight_ih[2 * hidden, source] = gain  # unit 0 carries the style's sign
    model.to_logits.weight.zero_()
    model.to_logits.bias.fill_(-30.0)
    for pitch in HIGH:
        model.to_logits.weight[vocab.note_on(pitch), 0] = 8.0
        model.to_logits.bias[vocab.note_on(pitch)] = 0.0
    for pitch in LOW:
        model.to_logits.weight[vocab.note_on(pitch), 0] = -8.0
        model.to_logits.bias[vocab.note_on(pitch)] = 0.0
    save(Checkpoint(model, vocab, ["a", "b", "c"], {"steps": 32}), folder)
    return folder


# --- JACK -------------------------------------------------------------------------------------------------


def jack_socket(name: str) -> Path:
    return Path(f"/dev/shm/jack_{name}_{os.getuid()}_0")


def clear_stale_jack_registry() -> bool:
    """Remove jack2's registry of servers when no JACK server runs, so that it holds no entries of servers killed
    outright (bridge/jack.py, ``REGISTRY``): the tests and benchmarks name each server anew, and a few of them
    killed by a timeout would otherwise keep every later server from starting on this machine. Whether it did.
    Only before this process's first JACK client: libjack maps the registry once per process, and a client opened
    after the file was replaced finds none of the new server's memory."""
    names = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            names.append(comm.read_text(encoding="utf-8").strip())
        except OSError:
            continue  # ended meanwhile
    if any(name in ("jackd", "jackdbus") for name in names):
        return False
    try:
        REGISTRY.unlink()
    except FileNotFoundError:
        return False
    return True


class JackServer(DummyServer):
    """The daemon's own dummy-driver JACK starter, under a unique name; this process's listeners use it."""

    first = True  # the process's first server: no JACK client of this process can have mapped the registry yet

    def __init__(self, period: int = 256, rate: int = 48000):
        require("jackd")
        if JackServer.first:
            JackServer.first = False
            clear_stale_jack_registry()
        super().__init__(f"sv{uuid.uuid4().hex[:8]}", rate=rate, period=period)
        self._before = os.environ.get("JACK_DEFAULT_SERVER")
        os.environ["JACK_DEFAULT_SERVER"] = self.name

    def stop(self) -> None:
        """Stop it, and give this process's listeners back the server they used before, where they still use this
        one: a test's own server, stopped, must not leave the later tests of the module's shared server talking to
        a dead one (their JACK tools then fail to connect, over and over)."""
        super().stop()
        if os.environ.get("JACK_DEFAULT_SERVER") == self.name:
            if self._before is None:
                os.environ.pop("JACK_DEFAULT_SERVER")
            else:
                os.environ["JACK_DEFAULT_SERVER"] = self._before


# --- the daemon -------------------------------------------------------------------------------------------


def running(pid: int) -> bool:
    """Whether a process runs: there, and not a zombie waiting for whoever adopted it to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


# every daemon and MIDI listener this process started and has not ended yet, for the clean-up after each test
# (conftest.py)
STARTED: list[Daemon | MidiListener] = []


def end_since(count: int) -> None:
    """End those of the daemons and listeners started after the first ``count`` that still run, newest first (a
    test that failed before it ended one leaves it on the shared JACK server, playing or reading through the tests
    after it)."""
    for part in reversed(STARTED[count:]):
        part.close()
    del STARTED[count:]  # ended: their logs and events need not be kept for the rest of the run


class Daemon:
    """``stylevae serve`` as a subprocess on a JACK server (``jack_name``), or with None on the system's own MIDI
    backend, as a user starts it; ``ready`` once it printed its banner."""

    def __init__(self, checkpoint: Path, jack_name: str | None, *extra: str, port_name: str | None = None,
                 osc_port: int | None = None):
        self.osc_port = osc_port or free_udp_port()  # a given port: a daemon restarted where clients know it
        self.port_name = port_name or f"sv{uuid.uuid4().hex[:6]}"
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")  # what is read back, Windows too
        backend = []
        if jack_name is not None:
            env["JACK_DEFAULT_SERVER"], backend = jack_name, ["--midi-backend", "jack"]
        log = Path(tempfile.gettempdir()) / f"{self.port_name}.daemon.log"
        self.stderr = open(log, "w+", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "stylevae.bridge.cli", "serve", "--checkpoint", str(checkpoint),
                   "--osc-port", str(self.osc_port), "--port-name", self.port_name, *backend, "--seed", "1", *extra]
        # tied: a daemon whose test failed before stopping it ends with this process, not after it (Linux)
        self.process = subprocess.Popen(tied(command, signal.SIGTERM), stdout=subprocess.PIPE, stderr=self.stderr,
                                        text=True, encoding="utf-8", errors="replace", env=env, cwd=ROOT,
                                        creationflags=console_group())
        STARTED.append(self)
        # one reader from the start: waiting for the banner stays bounded while the daemon prints nothing
        self.out: list[str] = []  # every line it printed so far
        self._reader = threading.Thread(target=lambda: self.out.extend(self.process.stdout), daemon=True)
        self._reader.start()
        try:
            self.banner = self._banner(timeout=60)
        except BaseException:  # not ready: it goes now, not at the end of the run
            self.process.kill()
            self.process.wait()
            raise
        self.ready_seconds = float(re.search(r"ready in ([0-9.]+) s", self.banner[0]).group(1))

    def _banner(self, timeout: float) -> list[str]:
        """The lines up to its banner's last (``  device``), once printed."""
        def end() -> int | None:
            return next((i for i, line in enumerate(list(self.out)) if line.startswith("  device")), None)

        wait_until(lambda: end() is not None or not self._reader.is_alive(), timeout, poll=0.02)
        last = end()
        if last is not None:
            return self.out[: last + 1]
        if not self._reader.is_alive():
            raise RuntimeError(f"daemon exited before it was ready:\n{self.log()}")
        raise RuntimeError(f"daemon not ready in {timeout:g} s:\n{self.log()[-2000:]}")

    @property
    def rest(self) -> list[str]:
        """What it printed after its banner."""
        return self.out[len(self.banner):]

    @property
    def midi_port(self) -> str:
        """Its virtual port as JACK and ALSA name it (CoreMIDI names it ``port_name`` alone: the banner says which)."""
        return f"{self.port_name}:out"

    def log(self) -> str:
        if not self.stderr.closed:
            self.stderr.flush()
        return Path(self.stderr.name).read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        """Stop it if it still runs."""
        if self.process.poll() is None:
            self.stop()

    def stop(self, signum: int | None = signal.SIGTERM, timeout: float = 10) -> int:
        """End it with ``signum``, or with None as Ctrl-C in its console does (``children.interrupt``); killed if
        it has not ended in ``timeout`` seconds. Its exit code."""
        if self.process.poll() is None:
            if signum is None:
                interrupt(self.process)
            else:
                self.process.send_signal(signum)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(2)
        self.stderr.close()
        return self.process.returncode


# --- MIDI ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MidiEvent:
    time: float  # seconds, JACK's clock (rtmidi's delta times summed)
    wall: float  # perf_counter when the listener read it (within about a millisecond)
    status: int
    pitch: int
    velocity: int
    lag: float = 0.0  # FrameListener: seconds into its JACK period the listener's callback began (see there)
    ahead: int = 0  # FrameListener: cycles JACK's counter was ahead of the listener's count of its callbacks

    @property
    def channel(self) -> int:
        return (self.status & 0x0F) + 1

    @property
    def is_on(self) -> bool:
        return self.status & 0xF0 == 0x90 and self.velocity > 0

    @property
    def is_off(self) -> bool:
        return self.status & 0xF0 == 0x80 or (self.status & 0xF0 == 0x90 and self.velocity == 0)

    @property
    def is_all_notes_off(self) -> bool:
        return self.status & 0xF0 == 0xB0 and self.pitch == 123


def open_notes(events: list[MidiEvent], all_notes_off: bool = False) -> Counter[tuple[int, int]]:
    """Note-ons without their note-off, per (channel, pitch), order kept; with ``all_notes_off``, CC 123 on a
    channel also ends its notes (as a synth does), else only explicit note-offs count."""
    balance: Counter[tuple[int, int]] = Counter()
    for e in events:
        if e.is_on:
            balance[e.channel, e.pitch] += 1
        elif e.is_off and balance[e.channel, e.pitch] > 0:
            balance[e.channel, e.pitch] -= 1
        elif all_notes_off and e.is_all_notes_off:
            for key in [k for k in balance if k[0] == e.channel]:
                del balance[key]
    return +balance


def notes_heard(events: list[MidiEvent], within: float) -> list[MidiEvent]:
    """The note-ons a listener heard, each note once.

    When JACK runs the daemon's output late, what that period first wrote may go unread, so the output writes it
    again in the next callback, a note-on as a note-off and the note-on (bridge/jack_out.py). A reader that did read
    the first hears the note twice, the second time at once: a note-on of the same channel and pitch as the note-on
    before it, its note-off between them, less than ``within`` seconds later. That is counted once here. Two notes
    of different pitches, or any third note between them, still count twice.
    """
    heard: list[MidiEvent] = []
    last_on: MidiEvent | None = None
    ended = False
    for e in events:
        if e.is_off and last_on is not None and (e.channel, e.pitch) == (last_on.channel, last_on.pitch):
            ended = True
        if not e.is_on:
            continue
        again = (last_on is not None and ended and (e.channel, e.pitch) == (last_on.channel, last_on.pitch)
                 and e.time - last_on.time < within)
        if not again:
            heard.append(e)
            last_on = e
        ended = False
    return heard


class MidiListener:
    """A python-rtmidi input (JACK's API, unless ``api`` names another) connected to a port, recording every message
    with its timestamp.

    It polls rtmidi's queue from a thread of its own instead of taking a callback: a Python callback
    runs in JACK's process thread and would stall the whole JACK graph whenever it waits for the GIL.
    The timestamps are still taken in JACK's thread (rtmidi's delta times, summed).
    With ``source=None`` it opens a virtual input port instead (``self.name``), for a sender to connect to.
    """

    POLL_SECONDS = 0.0005
    _closed = False

    def __init__(self, source: str | None, timeout: float = 10, api: int = rtmidi.API_UNIX_JACK):
        client = f"listen{uuid.uuid4().hex[:6]}"
        self._in = rtmidi.MidiIn(api, name=client, queue_size_limit=1 << 16)
        self._in.ignore_types(sysex=True, timing=True, active_sense=True)
        self.events: list[MidiEvent] = []
        self._lock = threading.Lock()
        self._clock = 0.0
        if source is None:
            self.name = f"{client}:in"
            self._in.open_virtual_port("in")
        else:
            deadline = time.monotonic() + timeout
            while True:
                ports = self._in.get_ports()
                if source in ports:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"MIDI port {source} not found; ports: {ports}")
                time.sleep(0.1)
            self.name = source
            self._in.open_port(ports.index(source))
        self._running = True
        self._poller = threading.Thread(target=self._poll, daemon=True)
        self._poller.start()
        STARTED.append(self)

    def _poll(self) -> None:
        while self._running:
            message = self._in.get_message()
            if message is None:
                time.sleep(self.POLL_SECONDS)
                continue
            data, delta = message
            wall = time.perf_counter()
            with self._lock:
                self._clock += delta
                if len(data) == 3 and data[0] & 0xF0 in (0x80, 0x90, 0xB0):
                    self.events.append(MidiEvent(self._clock, wall, data[0], data[1], data[2]))

    def snapshot(self) -> list[MidiEvent]:
        with self._lock:
            return list(self.events)

    def note_ons(self) -> list[MidiEvent]:
        return [e for e in self.snapshot() if e.is_on]

    def open_notes(self) -> int:
        """Note-ons without their explicit note-off, counted per (channel, pitch)."""
        return sum(open_notes(self.snapshot()).values())

    def wait_for(self, predicate, timeout: float = 10, poll: float = 0.02) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.snapshot()):
                return True
            time.sleep(poll)
        return predicate(self.snapshot())

    def close(self) -> None:
        """End it; a second call does nothing."""
        if not self._closed:
            self._closed = True
            self._close()

    def _close(self) -> None:
        self._running = False
        self._poller.join(2)
        self._in.close_port()
        self._in.delete()


class MidiDump(MidiListener):
    """JACK's own ``jack_midi_dump`` (C, from jackd2) reading a port: every message at its frame.

    Its timestamps are JACK's frame counter at each event's offset (``time``: seconds from the dump's start; on the
    dummy driver they drift from the wall clock, so ``FrameListener`` is the one for timing), and no Python runs in
    JACK's thread, so a busy test process cannot make it miss events: the one for counting.
    """

    def __init__(self, source: str | None, rate: int = 48000, timeout: float = 10, client: str | None = None):
        self.client = client or f"dump{uuid.uuid4().hex[:6]}"
        self.input = f"{self.client}:input"
        self.name, self.rate = source, rate
        self.events: list[MidiEvent] = []
        self.other: list[str] = []  # lines that are not messages
        self._lock = threading.Lock()
        # its printing thread at the note sender's real-time priority (below JACK's threads) where allowed: starved
        # on a busy machine, it lets the ring buffer between it and JACK's thread overflow (it says so on stderr:
        # ``other``)
        command = ["stdbuf", "-oL", require("jack_midi_dump"), "-a", self.client]
        chrt = ["chrt", "-f", str(REALTIME_PRIORITY)]
        if shutil.which("chrt") and subprocess.run([*chrt, "true"], capture_output=True).returncode == 0:
            command = [*chrt, *command]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            if source is None:  # a receiver: wait until its input port is there for a sender to connect to
                if not wait_until(lambda: self.input in jack_tool("jack_lsp", self.input).stdout, timeout, 0.1):
                    raise RuntimeError(f"{self.input} not listed by jack_lsp in {timeout:g} s")
            else:
                connect(source, self.input, timeout)
        except BaseException:  # not connected: it goes now, not whenever its JACK server does
            self.close()
            raise
        STARTED.append(self)

    @classmethod
    def receiver(cls, client: str | None = None) -> MidiDump:
        """A dump whose input port (``input``) nothing is connected to: a stand-in for a synth's port."""
        return cls(None, client=client)

    def _read(self) -> None:
        for line in self.process.stdout:
            frame, colon, rest = line.partition(":")
            try:
                data = [int(b, 16) for b in rest.split()[:3]]
                stamp = int(frame)
            except ValueError:
                self.other.append(line.strip())
                continue
            if colon and len(data) == 3:
                with self._lock:
                    self.events.append(MidiEvent(stamp / self.rate, time.perf_counter(), *data))

    def state(self) -> str:
        """What the dump saw and said, and the port's connections, for a failed test's message."""
        code, seen = self.process.poll(), self.snapshot()
        return (f"jack_midi_dump {'running' if code is None else f'exited ({code})'}, {len(seen)} messages "
                f"({sum(e.is_on for e in seen)} note-ons), said {self.other[-3:]}; "
                f"its port connected to {connections(self.input) or 'nothing'}")

    @property
    def lost(self) -> bool:
        """Whether the dump said it lost events (its ring buffer overflowed)."""
        return any("lost" in line or "overflow" in line for line in self.other)

    def _close(self) -> None:
        self.process.send_signal(signal.SIGINT)
        finish(self.process, self._reader)


class FrameListener(MidiListener):
    """``jack_listen.py`` reading a port: each message at the perf_counter time of its frame (see there), for
    onset timing; jack_midi_dump's frames drift from the wall clock on the dummy driver."""

    def __init__(self, source: str | None, timeout: float = 20):  # the rtmidi port is not needed
        """With ``source`` None it reads nothing: a client with next to no work, whose stretches show JACK's own."""
        self.name, self.client = source, f"frames{uuid.uuid4().hex[:6]}"
        self.events: list[MidiEvent] = []
        self.gaps: list[tuple[float, float, int]] = []  # (from, to, periods JACK counted): see jack_listen.py
        self._lock = threading.Lock()
        script = Path(__file__).with_name("jack_listen.py")
        self.process = subprocess.Popen([sys.executable, str(script), self.client, *[source] * bool(source)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        # bounded, as the JACK tools are (``jack_tool``): its client's open waits for the server with no time-out
        answered = select.select([self.process.stdout], [], [], timeout)[0]
        if not answered or self.process.stdout.readline().strip() != "ready":
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"jack_listen.py could not listen to {source} in {timeout:g} s")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        STARTED.append(self)

    def _read(self) -> None:
        for line in self.process.stdout:
            parts = line.split()
            if len(parts) == 4 and parts[0] == "gap":
                self.gaps.append((float(parts[1]), float(parts[2]), int(parts[3])))
            elif len(parts) == 6:  # seconds, lag, ahead and a three-byte message
                stamp, lag, ahead, *data = parts
                with self._lock:
                    self.events.append(MidiEvent(float(stamp), time.perf_counter(), *(int(b, 16) for b in data),
                                                 float(lag), int(ahead)))

    def _close(self) -> None:
        self.process.stdin.close()
        finish(self.process, self._reader)


def finish(process: subprocess.Popen, reader: threading.Thread) -> None:
    """Wait for a listener process asked to end (killed after 5 s), and for the thread reading it."""
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    reader.join(2)


# --- OSC ----------------------------------------------------------------------------------------------------


def oscsend(port: int, address: str, types: str = "", *args: object) -> None:
    """liblo's oscsend: a client written by someone else."""
    command = [require("oscsend"), "localhost", str(port), address]
    if types:
        command += [types, *map(str, args)]
    subprocess.run(command, check=True, timeout=10, capture_output=True)


class OscReplies:
    """The daemon's replies read with python-osc, as a client of any system reads them (``OscDump`` needs liblo):
    each message's address and arguments, in the order they came."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.heard: list[tuple[str, tuple]] = []
        self._running = True
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while self._running:
            try:
                data = self.sock.recv(65536)
            except (TimeoutError, ConnectionResetError):  # Windows: a send of ours met a closed port
                continue
            except OSError:
                return
            self.heard.extend((timed.message.address, tuple(timed.message.params))
                              for timed in OscPacket(data).messages)

    def of(self, address: str) -> list[tuple]:
        """The arguments of each reply to ``address`` so far."""
        return [args for a, args in list(self.heard) if a == address]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10) -> list[tuple]:
        wait_until(lambda: len(self.of(address)) >= count, timeout, poll=0.02)
        return self.of(address)

    def stop(self) -> None:
        self._running = False
        self._reader.join(2)
        self.sock.close()


class OscDump:
    """liblo's oscdump listening on a free port, its lines collected."""

    def __init__(self) -> None:
        self.port = free_udp_port()
        self.process = subprocess.Popen([require("oscdump"), "-L", str(self.port)], stdout=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=lambda: self.lines.extend(self.process.stdout), daemon=True)
        self._reader.start()
        time.sleep(0.2)

    def messages(self, address: str) -> list[list[str]]:
        """Each line for ``address`` as its type tags and arguments (oscdump prints ``ADDR TAGS ARGS...``)."""
        found = []
        for line in list(self.lines):
            parts = line.split()
            if address in parts:
                found.append(parts[parts.index(address) + 1 :])
        return found

    def wait_for(self, address: str, count: int = 1, timeout: float = 10) -> list[list[str]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages(address)) < count:
            time.sleep(0.02)
        return self.messages(address)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(5)
