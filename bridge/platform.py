"""What differs between macOS, Windows and Linux, decided in one place.

Which MIDI backend the daemon uses, whether it needs a JACK server, which system packages serving and the
tests need, how the demo reaches a General MIDI synth, and what to tell the user when something is missing.
Every decision is a pure function of a ``Machine`` (what was found on this computer), so the rules are
unit-tested for all three systems on any one of them; only ``Machine.probe()`` looks at the real machine.
Standard library only: ``scripts/system-deps.sh`` runs this file with the system's Python before any venv exists.

``python3 -m stylevae.bridge.platform packages serve|demo|test`` (or this file run by path) prints the Debian
packages to install (nothing when all is there), or says in one line what to install by hand and exits 1 where
there is no apt-get.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

LINUX, MACOS, WINDOWS = "linux", "darwin", "win32"

WINDOWS_NO_PORT = (
    'Windows has no virtual MIDI ports: create one in loopMIDI and run `stylevae serve --midi-port "loopMIDI Port"`, '
    "or run `stylevae serve --midi-port none` and switch the device to Notes to this track"
)
NO_PORT = "none"  # --midi-port none: no MIDI output, notes only as OSC replies (the device plays them itself)
WINDOWS_GM_SYNTH = "Microsoft GS Wavetable Synth"  # Windows' built-in General MIDI output port
DEMO_ID = "stylevae-demo"  # the demo's synth names its MIDI input with this, on every backend


@dataclass(frozen=True)
class Need:
    """A system program the project needs, by the command that shows it is there and its package names."""

    tool: str
    debian: str
    brew: str
    why: str


JACK = Need("jackd", "jackd2", "jack", "a JACK server: the MIDI backend where Linux has no ALSA sequencer")
LIBLO = Need("oscsend", "liblo-tools", "liblo", "liblo's oscsend and oscdump: an OSC client the tests did not write")
FLUIDSYNTH = Need("fluidsynth", "fluidsynth", "fluid-synth",
                  "a General MIDI synth for `stylevae demo` (Debian's brings the TimGM6mb soundfont)")
SOX = Need("sox", "sox", "sox", "sox: the demo's test measures the WAV file with it")
TEST_NEEDS = (JACK, LIBLO, FLUIDSYNTH, SOX)
TOOLS = tuple(need.tool for need in TEST_NEEDS) + ("apt-get", "brew")
PURPOSES = ("serve", "demo", "test")

# General MIDI soundfonts where each system's packages put them (Debian: an alternatives link to the installed
# one, then the packages' own files; Fedora and Arch: /usr/share/soundfonts).
SOUNDFONTS = {
    LINUX: (
        "/usr/share/sounds/sf2/default-GM.sf2",
        "/usr/share/sounds/sf2/FluidR3_GM.sf2",
        "/usr/share/sounds/sf2/TimGM6mb.sf2",
        "/usr/share/sounds/sf3/default-GM.sf3",
        "/usr/share/soundfonts/default.sf2",
        "/usr/share/soundfonts/FluidR3_GM.sf2",
    ),
    MACOS: ("/opt/homebrew/share/soundfonts/default.sf2", "/usr/local/share/soundfonts/default.sf2"),
    WINDOWS: (),
}


JACK_SOCKET_DIRS = (Path("/dev/shm"), Path("/tmp"))


def server_name() -> str:
    return os.environ.get("JACK_DEFAULT_SERVER", "default")


def server_running(name: str | None = None) -> bool:
    """Whether a JACK server of that name has its socket up (checked without connecting, so libjack
    prints nothing and starts nothing)."""
    name = name or server_name()
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return any((folder / f"jack_{name}_{uid}_0").exists() for folder in JACK_SOCKET_DIRS)


@dataclass(frozen=True)
class Machine:
    """What the decisions depend on; tests build one per system, the daemon probes the real one."""

    system: str  # LINUX, MACOS or WINDOWS
    alsa_sequencer: bool = False  # /dev/snd/seq: where Linux keeps virtual MIDI ports
    sound_card: bool = False  # Linux: an ALSA playback device
    sound_server: bool = False  # Linux: a PulseAudio or PipeWire socket in this session
    jack_running: bool = False
    tools: frozenset[str] = field(default_factory=frozenset)  # which of TOOLS are on the PATH

    @classmethod
    def probe(cls) -> Machine:
        system = normalise(sys.platform)
        runtime = Path(os.environ.get("XDG_RUNTIME_DIR", "/nonexistent"))
        snd = Path("/dev/snd")
        return cls(
            system=system,
            alsa_sequencer=system == LINUX and (snd / "seq").exists(),
            sound_card=system == LINUX and snd.is_dir() and any(snd.glob("pcmC*p")),
            sound_server=system == LINUX and (
                "PULSE_SERVER" in os.environ
                or (runtime / "pulse" / "native").exists()
                or (runtime / "pipewire-0").exists()
            ),
            jack_running=system != WINDOWS and server_running(),
            tools=frozenset(t for t in TOOLS if shutil.which(t)),
        )


def normalise(platform: str) -> str:
    """sys.platform to one of LINUX, MACOS, WINDOWS (other Unixes are treated as Linux)."""
    if platform.startswith("win") or platform == "cygwin":
        return WINDOWS
    return MACOS if platform == MACOS else LINUX


class Unavailable(Exception):
    """The platform cannot do what was asked; the message says what to do instead, in one line."""


# --- the daemon's MIDI output ------------------------------------------------------------------------------


def midi_backend(machine: Machine, compiled: Iterable[str], requested: str = "auto", existing_port: bool = False,
                 help_text: str = "") -> str:
    """The backend to use: the requested one, or for ``auto`` the first that works here.

    ``compiled`` names the APIs the installed python-rtmidi has ("alsa", "jack", "coremidi", "winmm").
    """
    compiled = set(compiled)
    if requested != "auto":
        if requested not in compiled:
            raise Unavailable(f"this python-rtmidi build has no {requested} support; {help_text}")
        return requested
    if machine.system == MACOS and "coremidi" in compiled:
        return "coremidi"
    if machine.system == WINDOWS:
        if existing_port and "winmm" in compiled:
            return "winmm"
        raise Unavailable(WINDOWS_NO_PORT)
    if "alsa" in compiled and machine.alsa_sequencer:
        return "alsa"
    if "jack" in compiled and machine.jack_running:
        return "jack"
    raise Unavailable(f"no MIDI backend: no ALSA sequencer (/dev/snd/seq) and no running JACK server; {help_text}")


def starts_jack(machine: Machine, requested: str) -> bool:
    """Whether ``serve --start-jack`` should start a dummy JACK server: only on Linux, only for JACK, and not
    when ALSA's sequencer would be chosen anyway (a running server is left alone by the starter itself)."""
    if machine.system != LINUX or requested not in ("auto", "jack"):
        return False
    return not (requested == "auto" and machine.alsa_sequencer)


def listed_backends(machine: Machine, requested: str) -> list[str]:
    """The backends ``serve --list-ports`` asks: the requested one, or those this system can have."""
    if requested != "auto":
        return [requested]
    if machine.system == WINDOWS:
        return ["winmm"]
    if machine.system == MACOS:
        return ["coremidi"]
    return (["alsa"] if machine.alsa_sequencer else []) + ["jack"]


# --- system packages ----------------------------------------------------------------------------------------


def needs(machine: Machine, purpose: str) -> list[Need]:
    """What ``purpose`` ("serve", "demo" or "test") needs on this machine that is not there yet.

    Serving needs nothing system-wide on macOS (CoreMIDI has virtual ports), on Windows (an existing port),
    or on Linux with an ALSA sequencer or a running JACK server; else JACK, which ``--start-jack`` starts.
    The demo needs FluidSynth, except on Windows (its GS Wavetable Synth). The tests need all of TEST_NEEDS
    everywhere: they run on a dummy-driver JACK server.
    """
    if purpose == "serve":
        wanted = [JACK] if machine.system == LINUX and not (machine.alsa_sequencer or machine.jack_running) else []
    elif purpose == "demo":
        wanted = [] if machine.system == WINDOWS else [FLUIDSYNTH]
    elif purpose == "test":
        wanted = list(TEST_NEEDS)
    else:
        raise ValueError(f"purpose {purpose!r} is not one of {', '.join(PURPOSES)}")
    return [need for need in wanted if need.tool not in machine.tools]


def install_command(machine: Machine, missing: list[Need]) -> list[str] | None:
    """The apt-get packages to install, or None where there is no apt-get (then ``install_hint`` says what)."""
    if not missing or "apt-get" not in machine.tools:
        return None if missing else []
    return [need.debian for need in missing]


def install_hint(machine: Machine, missing: list[Need]) -> str:
    """One line: what to install by hand on a machine without apt-get."""
    what = "; ".join(need.why for need in missing)
    if machine.system == MACOS:
        return f"please install with Homebrew: brew install {' '.join(n.brew for n in missing)} ({what})"
    tools = ", ".join(need.tool for need in missing)
    return f"please install {tools} with your package manager (Debian: {' '.join(n.debian for n in missing)}) ({what})"


# --- the demo's synth ---------------------------------------------------------------------------------------


def find_soundfont(machine: Machine, exists: Callable[[str], bool] = os.path.exists) -> str | None:
    """The first General MIDI soundfont this system's packages installed, or None."""
    return next((path for path in SOUNDFONTS[machine.system] if exists(path)), None)


@dataclass(frozen=True)
class Synth:
    """How the demo plays live: the synth process to start (None: the system has one) and the port the daemon
    sends to (given to ``serve --midi-port``, matched by substring)."""

    command: tuple[str, ...] | None
    midi_port: str


def live_synth(machine: Machine, soundfont: str | None, audio_driver: str | None = None) -> Synth:
    """A General MIDI synth to hear the demo through, on this system's audio output and MIDI backend.

    Windows plays through its built-in GS Wavetable Synth. Elsewhere FluidSynth runs with a GM soundfont,
    its MIDI input named DEMO_ID on the backend the daemon will use (ALSA, JACK or CoreMIDI).
    """
    if machine.system == WINDOWS:
        return Synth(None, WINDOWS_GM_SYNTH)
    if FLUIDSYNTH.tool not in machine.tools:
        raise Unavailable(f"no General MIDI synth: {install_hint(machine, [FLUIDSYNTH])}, or render the tour "
                          "with --wav FILE.wav (that needs FluidSynth too) or --midi FILE.mid")
    if soundfont is None:
        raise Unavailable("no General MIDI soundfont found: pass --soundfont FILE.sf2 (Debian: apt-get install "
                          "fluid-soundfont-gm)")
    if machine.system == MACOS:
        midi, audio = ["-m", "coremidi", "-o", f"midi.coremidi.id={DEMO_ID}"], "coreaudio"
    elif machine.alsa_sequencer:
        midi, audio = ["-m", "alsa_seq", "-o", f"midi.alsa_seq.id={DEMO_ID}"], None
    elif machine.jack_running:
        midi, audio = ["-m", "jack", "-o", f"midi.jack.id={DEMO_ID}", "-o", f"audio.jack.id={DEMO_ID}", "-j"], "jack"
    else:
        raise Unavailable("no MIDI backend to reach a synth here (no ALSA sequencer, no JACK server): render the "
                          "tour with --wav FILE.wav")
    if audio is None:  # Linux with ALSA: the desktop's sound server if it has one, else the card itself
        if not (machine.sound_server or machine.sound_card):
            raise Unavailable("no audio output here (no sound card, no sound server): render the tour with "
                              "--wav FILE.wav")
        audio = "pulseaudio" if machine.sound_server else "alsa"
    return Synth(("fluidsynth", "-a", audio_driver or audio, *midi, soundfont), DEMO_ID)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "packages" or args[1] not in PURPOSES:
        print(f"usage: python3 -m stylevae.bridge.platform packages {'|'.join(PURPOSES)}", file=sys.stderr)
        return 2
    machine = Machine.probe()
    missing = needs(machine, args[1])
    packages = install_command(machine, missing)
    if packages is None:
        print(install_hint(machine, missing), file=sys.stderr)
        return 1
    print(" ".join(packages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
