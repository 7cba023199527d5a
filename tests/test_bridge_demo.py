"""`stylevae demo`'s tour: what it sends and when, which notes it keeps, and its one-line refusals."""

import socket
import sys
import time

import pytest
from pythonosc.osc_message_builder import OscMessageBuilder

from stylevae.bridge import children, cli, demo, platform
from tests.fakes import FakeTime

STYLES = ["folk", "dance", "chorale"]


def test_the_tour_plays_each_style_then_a_blend_then_a_key_change():
    sections = demo.plan_tour(STYLES, ("folk", "chorale"), bars=2)
    assert [s.beat for s in sections] == [0, 8, 16, 24, 32]
    assert [s.messages for s in sections[:3]] == [(("/stylevae/1/style", (style,)),) for style in STYLES]
    assert sections[3].messages == (("/stylevae/1/mix", (0.5, 0.0, 0.5)), ("/stylevae/key", (0, "major")))
    assert sections[4].messages == (("/stylevae/key", (7, "minor")),)
    assert sections[3].label == "blend of folk and chorale, in C major"
    assert sections[4].label == "the same blend, now in G minor"


class Recorder:
    def __init__(self, clock: FakeTime):
        self.clock = clock
        self.sent: list[tuple[float, str, tuple]] = []

    def send(self, address, args=()):
        self.sent.append((self.clock.t, address, tuple(args)))


def test_messages_go_out_half_a_bar_before_their_bar_line():
    clock = FakeTime(100.0)
    client = Recorder(clock)

    def sleep(seconds):
        assert seconds > 0
        clock.t += seconds

    sections = demo.plan_tour(STYLES, ("folk", "dance"), bars=1)
    total = demo.play_tour(client, sections, bars=1, bpm=120, now=clock, sleep=sleep, say=lambda line: None)
    assert total == 20
    sent = [(round((t - 100.0) * 2 - demo.LEAD_BEATS, 6), a, args) for t, a, args in client.sent]
    assert sent[0] == (-2.0, "/stylevae/transport", (-2.0, 1, 120.0))  # the clock starts half a bar early
    assert sent[1] == (-2.0, "/stylevae/quantize", ("bar",))  # so that each change lands on its bar line
    assert sent[2:4] == [(-2.0, "/stylevae/1/style", ("folk",)), (-2.0, "/stylevae/1/play", (1,))]
    assert (2.0, "/stylevae/1/style", ("dance",)) in sent
    assert (10.0, "/stylevae/key", (0, "major")) in sent and (14.0, "/stylevae/key", (7, "minor")) in sent
    assert (18.0, "/stylevae/1/play", (0,)) in sent  # stops at the tour's end, beat 20
    assert sent[-1] == (21.0, "/stylevae/transport", (21.0, 0, 120.0))


def test_tour_notes_are_cut_at_the_end_and_put_on_the_grid():
    played = [demo.PlayedNote(60, 90, 1.0, 0.5), demo.PlayedNote(62, 90, -0.5, 1.0), demo.PlayedNote(64, 90, 7.5, 2.0),
              demo.PlayedNote(65, 90, 8.0, 1.0), demo.PlayedNote(59, 90, 0.0, 0.25)]
    assert demo.tour_notes(played, total_beats=8) == [demo.Note(59, 0, 1), demo.Note(60, 4, 6), demo.Note(64, 30, 32)]


def test_blend_must_name_two_styles_of_the_model():
    assert demo.pick_blend(STYLES, None) == ("folk", "chorale")
    assert demo.pick_blend(STYLES, "dance, folk") == ("dance", "folk")
    for bad in ("folk", "folk,folk", "folk,jazz", "a,b,c"):
        with pytest.raises(demo.UserError, match="--blend takes two different styles.*styles: folk, dance, chorale"):
            demo.pick_blend(STYLES, bad)


def run(capsys, *args):
    code = cli.main(["demo", *args])
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize(("args", "words"), [(["--bars", "0"], "--bars"), (["--bpm", "1000"], "--bpm"),
                                             (["--velocity", "0"], "--velocity"),
                                             (["--soundfont", "/nonexistent.sf2"], "no such file")])
def test_bad_options_are_one_line(capsys, args, words):
    code, err = run(capsys, *args)
    assert code == 2 and len(err) == 1 and words in err[0]


def test_a_wav_without_fluidsynth_says_what_to_install(capsys, monkeypatch):
    monkeypatch.setattr(platform.Machine, "probe", classmethod(lambda cls: cls(platform.LINUX)))
    code, err = run(capsys, "--wav", "out.wav")
    assert code == 2 and len(err) == 1
    assert "please install fluidsynth" in err[0] and "--midi FILE.mid needs neither" in err[0]


def test_live_without_audio_points_to_wav(capsys, monkeypatch):
    bare = platform.Machine(platform.LINUX, tools=frozenset({"fluidsynth"}))
    monkeypatch.setattr(platform.Machine, "probe", classmethod(lambda cls: bare))
    code, err = run(capsys, "--soundfont", __file__)
    assert code == 2 and len(err) == 1 and "--wav FILE.wav" in err[0]


class Lister:
    """python-rtmidi's MidiOut as the demo's wait for FluidSynth's port uses it: the port appears at the third
    listing; every client opened and closed is counted."""

    opened: list = []

    def __init__(self, api, name):
        self.listings, self.deleted = 0, False
        Lister.opened.append(self)

    def get_ports(self, encoding="auto"):
        self.listings += 1
        names = ["system:playback"] + (["FLUID Synth (stylevae-demo):midi_00"] if self.listings >= 3 else [])
        return [name.encode() for name in names] if encoding is None else names

    def delete(self):
        self.deleted = True


def test_waiting_for_the_synths_port_asks_one_client_again_and_again(monkeypatch):
    """A client opened and closed per look costs a JACK server a graph change each time, and libjack's close has
    hung now and then in JACK's own tools: one client, listing afresh, closed once the port is there."""
    monkeypatch.setattr(demo.midi_out, "choose_backend", lambda requested, existing_port: "jack")
    monkeypatch.setattr(demo.midi_out.platform, "server_running", lambda: True)
    monkeypatch.setattr(demo.midi_out.rtmidi, "MidiOut", Lister)
    Lister.opened = []
    synth = platform.Synth((sys.executable, "-c", "import time; time.sleep(30)"), "stylevae-demo")
    child = demo.start_synth(synth, timeout=10)
    try:
        assert [(c.listings, c.deleted) for c in Lister.opened] == [(3, True)]
    finally:
        child.stop(timeout=1)


class Process:
    """subprocess.Popen as Windows runs the demo's children: what they are started with and sent is kept."""

    def __init__(self, command, stdin, stdout, stderr, env, creationflags):
        self.creationflags, self.stdin, self.sent, self.returncode = creationflags, None, [], None

    def poll(self):
        return self.returncode

    def send_signal(self, signum):
        self.sent.append(signum)
        self.returncode = 0

    def wait(self, timeout=None):
        return self.returncode


def test_on_windows_the_daemon_is_stopped_with_ctrl_break_in_a_group_of_its_own(monkeypatch):
    """terminate() ends a Windows process outright: the daemon's notes would keep sounding on the synth. Ctrl-Break,
    which serve handles, reaches only a process started in a group of its own."""
    monkeypatch.setattr(children.subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200, raising=False)
    monkeypatch.setattr(children.signal, "CTRL_BREAK_EVENT", 1, raising=False)
    monkeypatch.setattr(demo.subprocess, "Popen", Process)
    child = demo.Child(["stylevae", "serve"], system="nt")
    child.stop()
    assert child.process.creationflags == 0x200 and child.process.sent == [1]


def test_the_demos_client_keeps_listening_after_windows_says_a_hello_found_no_port(monkeypatch):
    """On Windows a datagram sent to a port nobody has open yet (the demo's hellos while the daemon starts) comes back
    as ConnectionResetError from the sender's next receive; the client's reader ended there, and the demo then said
    the daemon did not answer. A loopback socket stands in for the daemon, the error for Windows' word."""
    daemon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    daemon.bind(("127.0.0.1", 0))
    told = []

    class Windows(socket.socket):
        """The client's socket alone: its first receive says what Windows says."""

        def recv(self, size, *args):
            if not told:
                told.append(True)
                raise ConnectionResetError(10054, "An existing connection was forcibly closed by the remote host")
            return super().recv(size, *args)

    monkeypatch.setattr(demo.socket, "socket", Windows)
    client = demo.Client(daemon.getsockname()[1])
    monkeypatch.undo()
    try:
        deadline = time.monotonic() + 2.0
        while not told and time.monotonic() < deadline:
            time.sleep(0.01)
        assert told
        answer = OscMessageBuilder("/stylevae/styles")
        answer.add_arg("irish_dance")
        daemon.sendto(answer.build().dgram, client.sock.getsockname())
        assert client.hello(2.0, lambda: True) == ["irish_dance"]
    finally:
        client.close()
        daemon.close()
