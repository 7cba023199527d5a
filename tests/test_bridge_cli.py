"""`stylevae serve` errors a user can fix: one line, no traceback, exit code 2."""

import os
import signal
import sys
from pathlib import Path

import pytest

from stylevae.bridge import cli, config, midi_out, platform, serve
from stylevae.bridge.config import MAX_PORT_NAME_BYTES, BridgeConfig
from stylevae.model.errors import UserError
from stylevae.model.network import versions


@pytest.fixture(autouse=True)
def keep_pytests_nice_level(monkeypatch):
    """`serve` raises the nice level of the process it runs in first: here that would be pytest's own, and every
    process pytest starts later would inherit it."""
    monkeypatch.setattr(serve, "raise_nice", lambda: False)


def run(capsys, *args):
    code = cli.main(["serve", *args])
    err = capsys.readouterr().err.strip().splitlines()
    return code, err


def test_missing_checkpoint_is_one_line(capsys, tmp_path):
    code, err = run(capsys, "--checkpoint", str(tmp_path / "nope"))
    assert code == 2 and len(err) == 1 and "no such checkpoint folder" in err[0]


def test_serve_gives_the_callers_signal_handlers_and_switch_interval_back(capsys, tmp_path):
    """Run in-process (as here), its handlers would outlive it: a later Ctrl-C or SIGTERM would raise where nothing
    expects it, and the processes the caller forks later would inherit them."""
    before = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)], sys.getswitchinterval()
    sys.setswitchinterval(0.004)
    try:
        code, _ = run(capsys, "--checkpoint", str(tmp_path / "nope"))
        assert code == 2
        assert ([signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)], sys.getswitchinterval()) == \
            (before[0], 0.004)
    finally:
        sys.setswitchinterval(before[1])


@pytest.mark.parametrize(("flag", "value", "words"), [("--lookahead", "9", "lookahead"), ("--bpm", "5", "tempo"),
                                                      ("--osc-port", "70000", "OSC port"),
                                                      ("--torch-threads", "0", "torch threads"),
                                                      ("--port-name", "", "must be 1..63 bytes long"),
                                                      ("--midi-port", " ", "needs a port's name"),
                                                      ("--port-name", "a:b", "without ':'"),
                                                      ("--port-name", "é" * 32, "must be 1..63 bytes long"),
                                                      ("--device", "nope", "runs on auto, cpu, cuda, cuda:N or mps"),
                                                      ("--device", "meta", "runs on auto, cpu, cuda, cuda:N or mps"),
                                                      ("--device", "mps", "Metal (MPS) is not available here")])
def test_bad_settings_are_one_line(capsys, monkeypatch, flag, value, words):
    # Metal taken away: an Apple-silicon Mac (GitHub's runners too) has it, and would take --device mps
    monkeypatch.setattr(serve.torch.backends.mps, "is_available", lambda: False)
    code, err = run(capsys, flag, value)
    assert code == 2 and len(err) == 1 and words in err[0]


def test_a_port_name_of_63_bytes_is_taken(monkeypatch):
    """JACK refused a client name of 64 bytes or more, and the daemon said only that no server was reached."""
    monkeypatch.setattr(config.sys, "platform", "linux")  # where a name need not be ASCII
    name = "é" * 31 + "e"
    assert len(name.encode()) == MAX_PORT_NAME_BYTES and BridgeConfig(port_name=name).port_name == name


def test_on_macos_a_port_name_is_ascii(monkeypatch):
    """rtmidi gives CoreMIDI its port names as ASCII: "Stylé" there was no name at all, and CoreFoundation ended the
    process when rtmidi released it."""
    monkeypatch.setattr(config.sys, "platform", "darwin")
    with pytest.raises(ValueError, match="on macOS use ASCII") as refused:
        BridgeConfig(port_name="Stylé")
    assert "\n" not in str(refused.value) and BridgeConfig(port_name="StyleVAE 2").port_name == "StyleVAE 2"


@pytest.mark.parametrize(("device", "cuda_devices", "says"), [
    ("cuda", 0, "--device cuda: no CUDA device is available (use --device cpu)"),
    ("cuda:1", 0, "--device cuda:1: no CUDA device is available (use --device cpu)"),
    ("cuda:2", 2, "--device cuda:2: there are 2 CUDA device(s), cuda:0..cuda:1"),
])
def test_a_cuda_device_that_is_not_there_is_one_line(monkeypatch, device, cuda_devices, says):
    monkeypatch.setattr(serve.torch.cuda, "is_available", lambda: cuda_devices > 0)
    monkeypatch.setattr(serve.torch.cuda, "device_count", lambda: cuda_devices)
    monkeypatch.setattr(serve.torch, "set_num_threads", lambda n: None)
    with pytest.raises(UserError) as error:
        serve.setup_torch(BridgeConfig(device=device))
    assert str(error.value) == says


def test_a_cuda_device_that_is_there_is_taken(monkeypatch):
    monkeypatch.setattr(serve.torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(serve.torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(serve.torch, "set_num_threads", lambda n: None)
    assert serve.setup_torch(BridgeConfig(device="cuda:1")) == serve.torch.device("cuda", 1)


def test_no_backend_says_what_to_do(monkeypatch):
    monkeypatch.setattr(platform.Machine, "probe", classmethod(lambda cls: cls(platform.LINUX)))
    with pytest.raises(midi_out.MidiError, match="start a JACK server.*--midi-port"):
        midi_out.choose_backend("auto")


def test_list_ports_without_any_backend_is_a_user_error(monkeypatch, capsys):
    monkeypatch.setattr(platform.Machine, "probe", classmethod(lambda cls: cls(platform.LINUX)))
    monkeypatch.setattr(midi_out.rtmidi, "get_compiled_api", lambda: [midi_out.rtmidi.API_UNIX_JACK])
    with pytest.raises(serve.UserError, match="no MIDI backend"):
        serve.list_ports(BridgeConfig(), None)


def test_serve_parser_keeps_the_model_commands():
    parser = cli.build_parser()
    assert parser.parse_args(["serve", "--start-jack"]).start_jack
    assert parser.parse_args(["data", "--report"]).report


@pytest.mark.parametrize(("torch_version", "numpy_version", "refused"),
                         [("2.2.2", "2.1.0", True), ("2.2.2+cu121", "1.26.4", False), ("2.3.0", "2.0.0", False),
                          ("2.13.0+cpu", "2.4.1", False), ("2.2.0", "2.0.0rc1", True)])
def test_a_torch_built_for_numpy_1_beside_numpy_2_is_refused_in_one_line(capsys, monkeypatch, torch_version,
                                                                          numpy_version, refused):
    """torch before 2.3 cannot turn tensors into NumPy 2 arrays: every command would fail at its first step with
    "Numpy is not available". Said before any command runs, with what to install."""
    installed = {"torch": torch_version, "numpy": numpy_version}
    monkeypatch.setattr(versions.metadata, "version", installed.__getitem__)
    code, err = run(capsys, "--checkpoint", str(Path("/nonexistent")))
    assert code == 2 and len(err) == 1
    assert ('pip install "numpy<2"' in err[0] and torch_version in err[0]) is refused
    assert ("no such checkpoint folder" in err[0]) is not refused


def test_a_windows_ctrl_break_ends_serving_as_ctrl_c_does(capsys, monkeypatch, tmp_path):
    """Windows' Ctrl-Break (SIGBREAK, which ``stylevae demo`` sends the daemon there) ended the process outright,
    notes sounding. Here SIGUSR1 stands in for SIGBREAK where the system lacks it (Linux, macOS), sent while serve
    starts: handled, it abandons the start as Ctrl-C does (exit 130); unhandled, it would reach the test's own
    handler, and the start go on to the missing checkpoint (exit 2). Windows has no SIGUSR1 but SIGBREAK itself,
    raised within the process: its os.kill ends a process outright for any signal but the two console events."""
    stand_in = getattr(signal, "SIGUSR1", None)
    if stand_in is not None:
        monkeypatch.setattr(signal, "SIGBREAK", stand_in, raising=False)
        monkeypatch.setattr(serve, "setup_torch", lambda config: os.kill(os.getpid(), stand_in))
    else:
        monkeypatch.setattr(serve, "setup_torch", lambda config: signal.raise_signal(signal.SIGBREAK))
    previous = signal.signal(signal.SIGBREAK, lambda *_: None)
    try:
        code, _ = run(capsys, "--checkpoint", str(tmp_path / "nope"))
    finally:
        signal.signal(signal.SIGBREAK, previous)
    assert code == 130
