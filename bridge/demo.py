"""``stylevae demo``: hear the model without Live — a short tour, driven through the daemon's OSC interface.

Each style for a few bars, then a blend of two styles, then the blend in another key. The demo starts
``stylevae serve`` as a child process and talks to it only in OSC (docs/osc.md), as the Max for Live device
does: the tour is a list of messages sent half a bar before the bar lines they apply at (the daemon is told
to quantize to bars), and the daemon's note replies (``/stylevae/1/note``) are its record.

Live, the daemon plays into a General MIDI synth: FluidSynth with the system's GM soundfont, or Windows'
own GS Wavetable Synth (bridge/platform.py decides). With ``--wav`` no audio device is needed: the daemon
runs without a MIDI port, and the recorded notes are rendered offline by FluidSynth into a WAV file exactly
as long as the tour.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.osc_packet import OscPacket, ParseError

from stylevae.bridge import midi_out, platform
from stylevae.bridge.children import console_group, interrupt
from stylevae.model.data.midi_io import write_midi
from stylevae.model.data.tokens import BEATS_PER_BAR, STEPS_PER_BEAT, Note
from stylevae.model.errors import UserError, output_file, seed
from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT

VOICE = 1
PREFIX = "/stylevae"
BLEND_KEY = (0, "major")  # the blend is set in C major, so the key change that follows is always heard
NEW_KEY = (7, "minor")  # G minor
KEY_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
LEAD_BEATS = 2.0  # each section's messages go out this long before its bar line
READY_TIMEOUT = 90.0  # seconds for the daemon to answer: loading torch and the model on a busy machine
SAMPLE_RATE = 44100
FADE_SECONDS = 0.02  # the WAV's last notes are cut at the tour's end: a short fade instead of a click
PEAK = 0.9  # the WAV is scaled towards this peak (GM soundfonts differ in loudness by several times),
MAX_GAIN = 8.0  # by at most this much, so that a near-silent render stays near-silent


@dataclass(frozen=True)
class Section:
    label: str
    beat: float  # where it starts
    messages: tuple[tuple[str, tuple], ...]


def plan_tour(styles: Sequence[str], blend: tuple[str, str], bars: int) -> list[Section]:
    """Each style for ``bars`` bars, the blend of two styles (in C major), then the blend in G minor.

    Keys change at phrase boundaries: with the default model's 2-bar phrases, an even ``bars`` puts the key
    change on its section's first bar; an odd one can delay it by a bar.
    """
    length = bars * BEATS_PER_BAR
    sections = [Section(style, i * length, ((f"{PREFIX}/{VOICE}/style", (style,)),)) for i, style in enumerate(styles)]
    weights = tuple(0.5 if style in blend else 0.0 for style in styles)
    at = len(styles) * length
    sections.append(Section(f"blend of {blend[0]} and {blend[1]}, in {key_name(BLEND_KEY)}", at,
                            ((f"{PREFIX}/{VOICE}/mix", weights), (f"{PREFIX}/key", BLEND_KEY))))
    sections.append(Section(f"the same blend, now in {key_name(NEW_KEY)}", at + length,
                            ((f"{PREFIX}/key", NEW_KEY),)))
    return sections


def key_name(key: tuple[int, str]) -> str:
    return f"{KEY_NAMES[key[0]]} {key[1]}"


@dataclass(frozen=True)
class PlayedNote:
    pitch: int
    velocity: int
    beat: float
    length: float


@dataclass
class Client:
    """One UDP socket on loopback: sends to the daemon, and receives its replies (registered with hello)."""

    daemon_port: int
    sock: socket.socket = field(init=False)
    notes: list[PlayedNote] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    styles: list[str] | None = None

    def __post_init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self._got_styles = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, name="demo-osc", daemon=True)
        self._thread.start()

    def send(self, address: str, args: Sequence[object] = ()) -> None:
        builder = OscMessageBuilder(address)
        for arg in args:
            builder.add_arg(arg)
        self.sock.sendto(builder.build().dgram, ("127.0.0.1", self.daemon_port))

    def hello(self, timeout: float, alive: Callable[[], bool]) -> list[str]:
        """Register for replies until the daemon answers with its styles."""
        deadline = time.monotonic() + timeout
        while not self._got_styles.is_set():
            if not alive():
                raise UserError("the daemon stopped before it was ready")
            if time.monotonic() > deadline:
                raise UserError(f"the daemon did not answer on OSC port {self.daemon_port} in {timeout:g} s")
            self.send(f"{PREFIX}/hello", (self.sock.getsockname()[1],))
            self._got_styles.wait(0.25)
        return list(self.styles or [])

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(65536)
            except (TimeoutError, ConnectionResetError):  # Windows: a hello sent before the daemon's port was open
                continue
            except OSError:
                return
            try:
                messages = [m.message for m in OscPacket(data).messages]
            except ParseError:
                continue
            for message in messages:
                self._take(message.address, list(message.params))

    def _take(self, address: str, params: list) -> None:
        if address == f"{PREFIX}/{VOICE}/note":
            self.notes.append(PlayedNote(int(params[0]), int(params[1]), float(params[2]), float(params[3])))
        elif address == f"{PREFIX}/styles":
            self.styles = [str(p) for p in params]
            self._got_styles.set()
        elif address == f"{PREFIX}/error":
            self.errors.append(f"{params[0]}: {params[1]}")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1)
        self.sock.close()


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Child:
    """A child process with its output in a temporary log, ended on exit; its last line explains a failure."""

    def __init__(self, command: Sequence[str], stdin: int | None = subprocess.DEVNULL, system: str = os.name):
        self.log = tempfile.TemporaryFile()
        self.system = system
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")  # what last_line decodes, Windows too
        self.process = subprocess.Popen(list(command), stdin=stdin, stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                        creationflags=console_group(system))

    def alive(self) -> bool:
        return self.process.poll() is None

    def last_line(self) -> str:
        self.log.seek(0)
        lines = [line for line in self.log.read().decode(errors="replace").splitlines() if line.strip()]
        return lines[-1].strip() if lines else "no output"

    def stop(self, timeout: float = 10.0) -> None:
        if self.alive():
            if self.process.stdin is not None:  # FluidSynth's shell: quit, as a user would
                try:
                    self.process.stdin.write(b"quit\n")
                    self.process.stdin.close()
                except OSError:
                    pass
            else:
                interrupt(self.process, self.system)  # the daemon ends every note and closes its port
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def start_daemon(args: argparse.Namespace, osc_port: int, midi_port: str) -> Child:
    command = [sys.executable, "-m", "stylevae.bridge.cli", "serve", "--checkpoint", str(args.checkpoint), "--osc-port",
               str(osc_port), "--midi-port", midi_port, "--bpm", f"{args.bpm:g}"]
    if args.seed is not None:
        command += ["--seed", str(args.seed)]
    return Child(command)


def start_synth(synth: platform.Synth, timeout: float = 15.0) -> Child | None:
    """Start the synth (if the system has none built in) and wait until its MIDI input can be seen."""
    if synth.command is None:
        return None
    child = Child(synth.command, stdin=subprocess.PIPE)
    backend = midi_out.choose_backend("auto", existing_port=True)
    deadline = time.monotonic() + timeout
    with midi_out.port_lister(backend) as ports:
        while not any(synth.midi_port in name for name in ports()):
            if not child.alive():
                raise UserError(f"FluidSynth stopped: {child.last_line()}")
            if time.monotonic() > deadline:
                child.stop()
                raise UserError(f"FluidSynth's MIDI input {synth.midi_port!r} did not appear on {backend}")
            time.sleep(0.1)
    return child


def play_tour(client: Client, sections: list[Section], bars: int, bpm: float,
              now: Callable[[], float] = time.perf_counter, sleep: Callable[[float], None] = time.sleep,
              say: Callable[[str], None] = print) -> float:
    """Send the tour in time; returns its length in beats. The first section starts at beat 0, LEAD_BEATS
    after the transport message that starts the daemon's clock at -LEAD_BEATS."""
    seconds_per_beat = 60.0 / bpm
    total = sections[-1].beat + bars * BEATS_PER_BAR
    client.send(f"{PREFIX}/transport", (-LEAD_BEATS, 1, float(bpm)))
    started = now()
    client.send(f"{PREFIX}/quantize", ("bar",))

    def wait_for(beat: float) -> None:
        delay = started + (beat + LEAD_BEATS) * seconds_per_beat - now()
        if delay > 0:
            sleep(delay)

    for i, section in enumerate(sections):
        wait_for(section.beat - LEAD_BEATS)
        for address, args in section.messages:
            client.send(address, args)
        if i == 0:
            client.send(f"{PREFIX}/{VOICE}/play", (1,))
        say(f"  bar {int(section.beat // BEATS_PER_BAR) + 1:>3}  {section.label}")
    wait_for(total - LEAD_BEATS)
    client.send(f"{PREFIX}/{VOICE}/play", (0,))
    wait_for(total + 1)  # the last notes' reports arrive when the voice stops
    client.send(f"{PREFIX}/transport", (total + 1, 0, float(bpm)))
    return total


def tour_notes(notes: Sequence[PlayedNote], total_beats: float) -> list[Note]:
    """The notes inside the tour, on the step grid, cut at its end."""
    kept = []
    end_step = round(total_beats * STEPS_PER_BEAT)
    for note in sorted(notes, key=lambda n: n.beat):
        start = round(note.beat * STEPS_PER_BEAT)
        end = min(round((note.beat + note.length) * STEPS_PER_BEAT), end_step)
        if 0 <= start < end:
            kept.append(Note(note.pitch, start, end))
    return kept


def render_wav(midi: Path, soundfont: str, out: Path, seconds: float) -> None:
    """FluidSynth renders the MIDI file offline (no audio device); the WAV is then cut or padded to exactly
    ``seconds``, faded at the very end and scaled to a common peak."""
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "render.wav"
        command = ["fluidsynth", "-ni", "-g", "0.5", "-r", str(SAMPLE_RATE), "-O", "s16", "-T", "wav", "-F", str(raw),
                   soundfont, str(midi)]
        result = subprocess.run(command, capture_output=True, text=True, errors="replace")  # any code page
        if result.returncode != 0 or not raw.exists():
            lines = (result.stderr or result.stdout).strip().splitlines()
            raise UserError(f"FluidSynth could not render the tour: {lines[-1] if lines else 'no output'}")
        with wave.open(str(raw), "rb") as src:
            channels = src.getnchannels()
            frames = np.frombuffer(src.readframes(src.getnframes()), dtype=np.int16).reshape(-1, channels)
    wanted = round(seconds * SAMPLE_RATE)
    audio = np.zeros((wanted, channels), dtype=np.float32)
    audio[: min(wanted, len(frames))] = frames[:wanted]
    fade = min(wanted, round(FADE_SECONDS * SAMPLE_RATE))
    audio[wanted - fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None]
    peak = float(np.abs(audio).max())
    if peak > 0:
        audio *= min(PEAK * 32767 / peak, MAX_GAIN)
    with wave.open(str(out), "wb") as dst:
        dst.setnchannels(channels)
        dst.setsampwidth(2)
        dst.setframerate(SAMPLE_RATE)
        dst.writeframes(np.round(audio).astype(np.int16).tobytes())


def pick_blend(styles: Sequence[str], asked: str | None) -> tuple[str, str]:
    if asked is None:
        return styles[0], styles[-1]
    names = tuple(part.strip() for part in asked.split(","))
    unknown = [n for n in names if n not in styles]
    if len(names) != 2 or unknown or names[0] == names[1]:
        raise UserError(f"--blend takes two different styles of the model, e.g. {styles[0]},{styles[-1]} "
                        f"(styles: {', '.join(styles)})")
    return names[0], names[1]


def run(args: argparse.Namespace) -> None:
    machine = platform.Machine.probe()
    soundfont = str(args.soundfont) if args.soundfont else platform.find_soundfont(machine)
    if args.soundfont and not args.soundfont.is_file():
        raise UserError(f"--soundfont {args.soundfont}: no such file")
    for written in (args.wav, args.midi):  # before the tour, which takes a minute
        if written:
            output_file(written)
    if args.wav:
        if platform.FLUIDSYNTH.tool not in machine.tools or soundfont is None:
            missing = "a General MIDI soundfont (--soundfont FILE.sf2)" if soundfont is None else "FluidSynth"
            raise UserError(f"rendering a WAV needs FluidSynth and a GM soundfont, and there is no {missing}: "
                            f"{platform.install_hint(machine, [platform.FLUIDSYNTH])}; --midi FILE.mid needs neither")
        synth, target = None, platform.NO_PORT
    elif args.midi:
        synth, target = None, platform.NO_PORT
    else:
        try:
            synth = platform.live_synth(machine, soundfont, args.audio_driver)
        except platform.Unavailable as exc:
            raise UserError(str(exc)) from None
        target = synth.midi_port
    children: list[Child] = []
    client = None
    try:
        synth_process = start_synth(synth) if synth else None
        if synth_process:
            children.append(synth_process)
        osc_port = free_udp_port()
        daemon = start_daemon(args, osc_port, target)
        children.insert(0, daemon)
        client = Client(osc_port)
        try:
            styles = client.hello(READY_TIMEOUT, daemon.alive)
        except UserError as exc:
            raise UserError(f"{exc}: {daemon.last_line()}") from None
        sections = plan_tour(styles, pick_blend(styles, args.blend), args.bars)
        seconds = (sections[-1].beat + args.bars * BEATS_PER_BAR) * 60.0 / args.bpm
        if synth is None:
            where = f"into {args.wav or args.midi}"
        else:
            where = f"through FluidSynth ({Path(soundfont).name})" if synth.command else f"through {synth.midi_port}"
        print(f"StyleVAE demo: {len(sections)} sections of {args.bars} bar(s) at {args.bpm:g} BPM, {seconds:.1f} s, "
              f"{where}", flush=True)
        total = play_tour(client, sections, args.bars, args.bpm, say=lambda line: print(line, flush=True))
        if client.errors:
            raise UserError(f"the daemon refused {client.errors[0]}")
        notes = tour_notes(client.notes, total)
        if not notes:
            raise UserError(f"the daemon played no notes: {daemon.last_line()}")
    finally:
        if client:
            client.close()
        for child in children:
            child.stop()
    with tempfile.TemporaryDirectory() as folder:
        midi = args.midi or Path(folder) / "tour.mid"
        write_midi(midi, notes, bpm=args.bpm, velocity=args.velocity)
        if args.midi:
            print(f"wrote {args.midi} ({len(notes)} notes)")
        if args.wav:
            render_wav(midi, soundfont, args.wav, seconds)
            print(f"wrote {args.wav} ({seconds:.1f} s, {len(notes)} notes)")


def add_command(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser(
        "demo",
        help="hear the model without Live: each style, a blend and a key change, through a GM synth or into a WAV",
        description="A short tour through the daemon's OSC interface: each style for a few bars, a blend of two, "
        "then the blend in another key. Plays through FluidSynth with a General MIDI soundfont (Windows: its "
        "built-in GS Wavetable Synth), or renders a WAV file with no audio device (--wav; needs FluidSynth).",
    )
    demo.add_argument("--wav", type=Path, metavar="FILE", help="render the tour into this WAV file instead of "
                      "playing it (no audio device needed)")
    demo.add_argument("--midi", type=Path, metavar="FILE", help="also write the tour's notes as a MIDI file (alone: "
                      "no synth needed at all)")
    demo.add_argument("--bars", type=int, default=2, help="bars per section (default: %(default)s, one phrase)")
    demo.add_argument("--bpm", type=float, default=110.0, help="tempo (default: %(default)s)")
    demo.add_argument("--blend", metavar="A,B", help="the two styles of the blend (default: the model's first and "
                      "last)")
    demo.add_argument("--velocity", type=int, default=96, help="the notes' velocity in the MIDI and WAV files "
                      "(default: %(default)s)")
    demo.add_argument("--soundfont", type=Path, metavar="SF2", help="a General MIDI soundfont (default: the one the "
                      "system's packages installed, e.g. /usr/share/sounds/sf2/default-GM.sf2)")
    demo.add_argument("--audio-driver", metavar="NAME", help="FluidSynth's audio driver when playing live (default: "
                      "coreaudio on macOS; on Linux pulseaudio with a sound server, else alsa, or jack on JACK)")
    demo.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT, help="checkpoint folder (default: the "
                      "shipped model)")
    demo.add_argument("--seed", type=seed, help="seed the daemon's phrases, for a reproducible tour")
    demo.set_defaults(run=check_and_run)


def check_and_run(args: argparse.Namespace) -> None:
    if not 1 <= args.bars <= 16:
        raise UserError(f"--bars must be within 1..16, got {args.bars}")
    if not 40 <= args.bpm <= 400:
        raise UserError(f"--bpm must be within 40..400, got {args.bpm:g}")
    if not 1 <= args.velocity <= 127:
        raise UserError(f"--velocity must be within 1..127, got {args.velocity}")
    run(args)
