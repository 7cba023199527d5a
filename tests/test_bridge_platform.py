"""The platform decisions for macOS, Windows and Linux with and without ALSA and JACK, on any machine."""

import subprocess
import sys
from pathlib import Path

import pytest

from stylevae.bridge import cli, midi_out, platform, serve
from stylevae.bridge.config import BridgeConfig
from stylevae.bridge.platform import LINUX, MACOS, WINDOWS, Machine

ALL_APIS = ("alsa", "jack", "coremidi", "winmm")
MAC = Machine(MACOS)
WIN = Machine(WINDOWS)
LINUX_BARE = Machine(LINUX)  # a server or container: no sound card, no ALSA sequencer, no JACK
LINUX_ALSA = Machine(LINUX, alsa_sequencer=True, sound_card=True)
LINUX_DESKTOP = Machine(LINUX, alsa_sequencer=True, sound_card=True, sound_server=True)
LINUX_JACK = Machine(LINUX, jack_running=True)
LINUX_BOTH = Machine(LINUX, alsa_sequencer=True, jack_running=True)


def with_tools(machine: Machine, *tools: str) -> Machine:
    return Machine(machine.system, machine.alsa_sequencer, machine.sound_card, machine.sound_server,
                   machine.jack_running, frozenset(tools))


@pytest.mark.parametrize(("machine", "backend"), [(MAC, "coremidi"), (LINUX_ALSA, "alsa"), (LINUX_BOTH, "alsa"),
                                                  (LINUX_JACK, "jack")])
def test_auto_backend(machine, backend):
    assert platform.midi_backend(machine, ALL_APIS) == backend


def test_linux_without_alsa_or_jack_has_no_backend_and_says_what_to_do():
    with pytest.raises(platform.Unavailable, match="no ALSA sequencer.*no running JACK server; start one"):
        platform.midi_backend(LINUX_BARE, ALL_APIS, help_text="start one")


def test_an_rtmidi_without_alsa_falls_back_to_jack():
    assert platform.midi_backend(LINUX_BOTH, ["jack"]) == "jack"


def test_windows_uses_an_existing_port_only():
    assert platform.midi_backend(WIN, ALL_APIS, existing_port=True) == "winmm"
    with pytest.raises(platform.Unavailable) as refused:
        platform.midi_backend(WIN, ALL_APIS)
    message = str(refused.value)
    assert '--midi-port "loopMIDI Port"' in message and "Notes to this track" in message and "\n" not in message


def test_a_requested_backend_must_be_compiled_in():
    assert platform.midi_backend(LINUX_BARE, ALL_APIS, "jack") == "jack"
    with pytest.raises(platform.Unavailable, match="no coremidi support"):
        platform.midi_backend(LINUX_BARE, ["alsa", "jack"], "coremidi")


def test_windows_without_midi_port_is_one_line_from_the_command(monkeypatch, capsys):
    """What a Windows user sees from `stylevae serve`: the loopMIDI and device paths, in one line, exit 2."""
    monkeypatch.setattr(platform.Machine, "probe", classmethod(lambda cls: WIN))
    monkeypatch.setattr(midi_out.rtmidi, "get_compiled_api", lambda: [midi_out.rtmidi.API_WINDOWS_MM])
    monkeypatch.setattr(serve, "raise_nice", lambda: False)  # not pytest's own nice level
    code = cli.main(["serve"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert err[0] == f"stylevae serve: error: {platform.WINDOWS_NO_PORT}"


@pytest.mark.parametrize(("machine", "requested", "start"), [
    (LINUX_BARE, "auto", True), (LINUX_BARE, "jack", True), (LINUX_ALSA, "auto", False), (LINUX_ALSA, "jack", True),
    (LINUX_BARE, "alsa", False), (MAC, "auto", False), (WIN, "auto", False)])
def test_start_jack_only_where_linux_would_use_jack(machine, requested, start):
    assert platform.starts_jack(machine, requested) is start


@pytest.mark.parametrize(("machine", "backends"), [(MAC, ["coremidi"]), (WIN, ["winmm"]),
                                                   (LINUX_ALSA, ["alsa", "jack"]), (LINUX_BARE, ["jack"])])
def test_list_ports_asks_the_backends_of_the_system(machine, backends):
    assert platform.listed_backends(machine, "auto") == backends
    assert platform.listed_backends(machine, "jack") == ["jack"]


@pytest.mark.parametrize(("machine", "packages"), [
    (with_tools(MAC, "brew"), []), (with_tools(WIN), []), (with_tools(LINUX_ALSA, "apt-get"), []),
    (with_tools(LINUX_DESKTOP, "apt-get"), []), (with_tools(LINUX_JACK, "apt-get"), []),
    (with_tools(LINUX_BARE, "apt-get"), ["jackd2"]), (with_tools(LINUX_BARE, "apt-get", "jackd"), [])])
def test_serving_installs_jack_only_where_neither_alsa_nor_jack_is_there(machine, packages):
    assert platform.install_command(machine, platform.needs(machine, "serve")) == packages


@pytest.mark.parametrize(("machine", "packages"), [(with_tools(LINUX_DESKTOP, "apt-get"), ["fluidsynth"]),
                                                   (with_tools(LINUX_DESKTOP, "apt-get", "fluidsynth"), []),
                                                   (with_tools(WIN), [])])
def test_the_demo_installs_fluidsynth_except_on_windows(machine, packages):
    assert platform.install_command(machine, platform.needs(machine, "demo")) == packages
    assert platform.install_hint(with_tools(MAC), platform.needs(MAC, "demo")).startswith(
        "please install with Homebrew: brew install fluid-synth")


def test_the_tests_install_what_they_use():
    bare = with_tools(LINUX_BARE, "apt-get")
    assert platform.install_command(bare, platform.needs(bare, "test")) == ["jackd2", "liblo-tools", "fluidsynth",
                                                                             "sox"]
    ready = with_tools(LINUX_BARE, "apt-get", "jackd", "oscsend", "fluidsynth", "sox")
    assert platform.needs(ready, "test") == []
    assert platform.install_command(ready, []) == []


def test_without_apt_the_hint_names_the_system_s_packages():
    mac = with_tools(MAC, "brew")
    missing = platform.needs(mac, "test")
    assert platform.install_command(mac, missing) is None
    hint = platform.install_hint(mac, missing)
    assert hint.startswith("please install with Homebrew: brew install jack liblo fluid-synth sox") and "\n" not in hint
    fedora = with_tools(LINUX_BARE)
    hint = platform.install_hint(fedora, platform.needs(fedora, "serve"))
    assert hint.startswith("please install jackd with your package manager (Debian: jackd2)")


def test_the_install_script_s_entry_point(monkeypatch, capsys):
    monkeypatch.setattr(platform.Machine, "probe", classmethod(lambda cls: with_tools(LINUX_BARE, "apt-get")))
    assert platform.main(["packages", "serve"]) == 0
    assert capsys.readouterr().out.strip() == "jackd2"
    monkeypatch.setattr(platform.Machine, "probe", classmethod(lambda cls: with_tools(MAC)))
    assert platform.main(["packages", "serve"]) == 0
    assert capsys.readouterr().out.strip() == ""
    assert platform.main(["packages", "test"]) == 1
    assert capsys.readouterr().err.startswith("please install with Homebrew")
    assert platform.main(["packages", "nonsense"]) == 2


def test_the_module_runs_with_the_system_python_alone():
    """system-deps.sh runs it before the venv exists: the standard library must be enough."""
    code = "import runpy; print(runpy.run_path('bridge/platform.py')['Machine'].probe().system)"
    # -I -S: no site-packages (so neither torch nor the installed project) and no user paths
    out = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    assert out.strip() == platform.normalise(sys.platform)


@pytest.mark.parametrize(("name", "system"), [("darwin", MACOS), ("win32", WINDOWS), ("cygwin", WINDOWS),
                                              ("linux", LINUX), ("freebsd14", LINUX)])
def test_normalise(name, system):
    assert platform.normalise(name) == system


def test_soundfont_is_the_first_installed():
    installed = {"/usr/share/sounds/sf2/TimGM6mb.sf2", "/usr/share/sounds/sf2/FluidR3_GM.sf2"}
    assert platform.find_soundfont(LINUX_BARE, installed.__contains__) == "/usr/share/sounds/sf2/FluidR3_GM.sf2"
    assert platform.find_soundfont(LINUX_BARE, lambda path: False) is None
    assert platform.find_soundfont(WIN, lambda path: True) is None


SF = "/sf/gm.sf2"


@pytest.mark.parametrize(("machine", "audio", "midi"), [
    (MAC, "coreaudio", ["-m", "coremidi", "-o", "midi.coremidi.id=stylevae-demo"]),
    (LINUX_DESKTOP, "pulseaudio", ["-m", "alsa_seq", "-o", "midi.alsa_seq.id=stylevae-demo"]),
    (LINUX_ALSA, "alsa", ["-m", "alsa_seq", "-o", "midi.alsa_seq.id=stylevae-demo"]),
    (LINUX_JACK, "jack", ["-m", "jack", "-o", "midi.jack.id=stylevae-demo", "-o", "audio.jack.id=stylevae-demo",
                          "-j"])])
def test_live_synth_is_fluidsynth_on_the_daemon_s_backend(machine, audio, midi):
    synth = platform.live_synth(with_tools(machine, "fluidsynth"), SF)
    assert synth.command == ("fluidsynth", "-a", audio, *midi, SF)
    assert synth.midi_port == platform.DEMO_ID
    assert platform.live_synth(with_tools(machine, "fluidsynth"), SF, "file").command[2] == "file"


def test_live_synth_on_windows_is_the_built_in_one():
    assert platform.live_synth(WIN, None) == platform.Synth(None, "Microsoft GS Wavetable Synth")


@pytest.mark.parametrize(("machine", "soundfont", "words"), [
    (LINUX_DESKTOP, SF, "no General MIDI synth: please install fluidsynth"),
    (with_tools(MAC, "fluidsynth"), None, "--soundfont FILE.sf2"),
    (with_tools(LINUX_BARE, "fluidsynth"), SF, "no MIDI backend to reach a synth"),
    (with_tools(Machine(LINUX, alsa_sequencer=True), "fluidsynth"), SF, "no audio output here")])
def test_live_synth_refusals_say_what_to_do_in_one_line(machine, soundfont, words):
    with pytest.raises(platform.Unavailable, match=words) as refused:
        platform.live_synth(machine, soundfont)
    message = str(refused.value)
    assert "\n" not in message and ("--wav" in message or "--soundfont" in message)


def test_midi_port_none_opens_no_port_and_starts_no_jack(monkeypatch):
    monkeypatch.setattr(platform.Machine, "probe", classmethod(lambda cls: LINUX_BARE))
    port, server = serve.open_midi(BridgeConfig(midi_port=platform.NO_PORT, start_jack=True))
    assert isinstance(port, midi_out.NoPort) and server is None
    port.send(midi_out.note_on(1, 60, 100), 0.0, 1)  # the sender's NoteSink calls: they go nowhere
    port.send(midi_out.note_off(1, 60))
    port.drop(None)
    port.close()


class StartedServer:
    """Stands in for the dummy JACK server ``open_midi`` starts: only whether it was stopped matters here."""

    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


@pytest.mark.parametrize("failure, raised", [(midi_out.MidiError("no port"), serve.UserError),
                                             (KeyboardInterrupt(), KeyboardInterrupt)])
def test_a_port_that_does_not_open_stops_the_jack_server_started_for_it(monkeypatch, failure, raised):
    """No port (a one-line error), or Ctrl-C while it opens: either way the server started for it does not stay."""
    server = StartedServer()
    monkeypatch.setattr(platform.Machine, "probe", classmethod(lambda cls: LINUX_BARE))
    monkeypatch.setattr(serve.jack, "ensure_server", lambda: server)
    monkeypatch.setattr(serve.midi_out, "choose_backend", lambda *a: "jack")

    def opening(*args):
        raise failure
    monkeypatch.setattr(serve.jack_out, "JackOut", opening)
    with pytest.raises(raised):
        serve.open_midi(BridgeConfig(start_jack=True))
    assert server.stopped
