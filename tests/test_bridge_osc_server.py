"""The OSC front end over real UDP loopback, in process: replies, refusals, oversize, bundles, clock."""

import socket
import sys
import time

import pytest
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from stylevae.bridge import commands as cmd
from stylevae.bridge.clock import Clock
from stylevae.bridge.osc_server import (
    MAX_REFUSAL_TEXT,
    SO_TIMESTAMPNS,
    TIMESPEC,
    OscServer,
    dropped_before,
    nesting,
    waited,
)
from stylevae.bridge.osc_spec import MAX_NESTING
from stylevae.model.data.tokens import Vocabulary


class FakeEngine:
    def __init__(self):
        self.commands = []

    def submit(self, command):
        self.commands.append(command)


def build(address, *args):
    builder = OscMessageBuilder(address)
    for a in args:
        builder.add_arg(a)
    return builder.build()


@pytest.fixture
def rig():
    engine = FakeEngine()
    clock = Clock(120)
    server = OscServer("127.0.0.1", 0, cmd.Context(("a", "b"), Vocabulary(), 32), clock, engine)
    server.start()
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind(("127.0.0.1", 0))
    client.settimeout(2)
    replies = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    replies.bind(("127.0.0.1", 0))
    replies.settimeout(2)

    def send(data):
        client.sendto(data if isinstance(data, bytes) else data.dgram, server.address)

    def receive():
        message = OscMessage(replies.recv(65536))
        return message.address, message.params

    send(build("/stylevae/hello", replies.getsockname()[1]))
    assert receive() == ("/stylevae/styles", ["a", "b"])
    yield server, engine, clock, send, receive
    server.stop()
    client.close()
    replies.close()


def test_ping_and_voice_commands(rig):
    server, engine, clock, send, receive = rig
    send(build("/stylevae/ping"))
    assert receive() == ("/stylevae/pong", [])
    send(build("/stylevae/3/temperature", 0.5))
    send(build("/stylevae/ping"))
    receive()
    assert engine.commands == [cmd.SetParam(3, "temperature", 0.5)]


def test_refusals_reply_and_change_nothing(rig):
    server, engine, clock, send, receive = rig
    send(build("/stylevae/3/temperature", float("nan")))
    assert receive()[0] == "/stylevae/error"
    send(b"not osc at all")
    address, (where, reason) = receive()
    assert address == "/stylevae/error" and "not an OSC packet" in reason
    # 9,020 bytes: over MAX_PACKET, and under the largest datagram macOS sends by default (9,216 bytes)
    send(build("/stylevae/1/mix", *([1.0] * 1800)))
    address, (where, reason) = receive()
    assert "8192" in reason
    assert engine.commands == [] and server.refused == 3


def test_a_refusal_quoting_a_huge_value_stays_a_small_reply(rig):
    """A reason quotes the value refused: 8 KB of control characters, quoted, made a reply of 33 KB, which macOS
    does not send at all (its datagrams stop at 9,216 bytes by default): the client got no error."""
    server, engine, clock, send, receive = rig
    send(build("/stylevae/1/style", "\x01" * 8000))
    address, (where, reason) = receive()
    assert address == "/stylevae/error" and where == "/stylevae/1/style"
    assert len(reason) == MAX_REFUSAL_TEXT and reason.endswith("…") and "\\x01" in reason
    assert len(build(address, where, reason).dgram) < 9216 and engine.commands == []
    bundle = OscBundleBuilder(IMMEDIATELY)  # the bundle's count of other refusals comes after the cut
    bundle.add_content(build("/stylevae/1/style", "\x01" * 4000))
    bundle.add_content(build("/stylevae/1/style", "\x02"))
    send(bundle.build().dgram)
    address, (where, reason) = receive()
    assert reason.endswith("… (and 1 more refused messages in this bundle)")


def test_bundles_and_transport_reach_the_clock(rig):
    server, engine, clock, send, receive = rig
    bundle = OscBundleBuilder(IMMEDIATELY)
    bundle.add_content(build("/stylevae/transport", 32.0, 1, 90.0))
    bundle.add_content(build("/stylevae/1/play", True))
    send(bundle.build().dgram)
    send(build("/stylevae/ping"))
    receive()
    time.sleep(0.05)
    assert clock.bpm == pytest.approx(90.0) and 32.0 <= clock.beat() < 33.0
    assert engine.commands == [cmd.Play(1, True)]


def test_a_bundle_of_bad_messages_gets_one_reply_and_its_good_ones_still_apply(rig):
    server, engine, clock, send, receive = rig
    bundle = OscBundleBuilder(IMMEDIATELY)
    for _ in range(3):
        bundle.add_content(build("/stylevae/1/temperature", float("nan")))
    bundle.add_content(build("/stylevae/2/play", True))
    send(bundle.build().dgram)
    address, (where, reason) = receive()
    assert address == "/stylevae/error" and where == "/stylevae/1/temperature" and "and 2 more" in reason
    send(build("/stylevae/ping"))
    assert receive() == ("/stylevae/pong", [])  # no second error reply came before it
    assert engine.commands == [cmd.Play(2, True)]


def bundled(*elements: bytes) -> bytes:
    return b"#bundle\0" + bytes(8) + b"".join(len(e).to_bytes(4, "big") + e for e in elements)


def nested(depth, data=None):
    data = data or build("/stylevae/1/channel", 99).dgram
    for _ in range(depth):
        data = bundled(data)
    return data


@pytest.mark.parametrize("data, says", [
    (nested(MAX_NESTING + 1), f"nested more than {MAX_NESTING} deep"),
    (nested(400), f"nested more than {MAX_NESTING} deep"),  # as deep as 8192 bytes go, near: once Python's own bound
    (b"#bundle\0" + bytes(8), "no OSC message"), (b"#bundle\0" + bytes(8) + b"\0\0\0\x04abcd", "no OSC message"),
    (nested(MAX_NESTING), "channel 99 is out of range")])  # read, down to the message
def test_odd_packets_are_refused_in_one_line(rig, data, says):
    server, engine, clock, send, receive = rig
    send(data)
    address, (where, reason) = receive()
    assert address == "/stylevae/error" and says in reason and "\n" not in reason


def test_nesting_is_counted_through_siblings_and_past_sizes_that_lie():
    message = build("/stylevae/ping").dgram
    assert nesting(message, 16) == 0 and nesting(bundled(message), 16) == 1
    assert nesting(bundled(message, nested(3, message), nested(5, message), message), 16) == 6
    assert nesting(nested(40, message), 16) == 17  # counted no further than one past the limit
    lying = bundled(bundled(message))[:-4] + b"\xff\xff\xff\xff"  # its last element says 4 GB
    assert nesting(lying, 16) == 2 and nesting(b"#bundle\0", 16) == 1


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux tells a port closed (IP_RECVERR)")
def test_a_client_that_went_away_is_dropped_with_one_line(rig, caplog):
    server, engine, clock, send, receive = rig
    gone = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    gone.bind(("127.0.0.1", 0))
    port = gone.getsockname()[1]
    send(build("/stylevae/hello", port))
    receive()  # the styles, to the first client
    gone.close()
    for _ in range(4):
        send(build("/stylevae/ping"))
        assert receive() == ("/stylevae/pong", [])  # the client still there gets every answer
    lines = [r.getMessage() for r in caplog.records if "is gone" in r.getMessage()]
    assert lines == [f"OSC client 127.0.0.1:{port} is gone (its port is closed): no more replies to it; it can "
                     "/stylevae/hello again"]


def test_numbers_go_out_as_numbers_whatever_their_type():
    """A NumPy integer (a decoded token's pitch) must reach a client as an int, never as the string "86"."""
    import numpy as np

    from stylevae.bridge.osc_server import encode

    message = OscMessage(encode("/stylevae/1/note", [np.int64(86), 100, np.float32(1.5), 0.25, True]))
    assert message.params == [86, 100, 1.5, 0.25, 1]


def test_a_transport_report_counts_from_when_it_arrived_not_when_it_was_read():
    """A report that waited in the socket (the OSC thread busy) still anchors Live's position at its arrival:
    read 80 ms late, the beat it says is placed 80 ms earlier than the read, not at the read."""
    clock = Clock(120)
    server = OscServer("127.0.0.1", 0, cmd.Context(("a", "b"), Vocabulary(), 32), clock, FakeEngine())
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sent = time.perf_counter()
        client.sendto(build("/stylevae/transport", 8.0, 1, 120.0).dgram, server.address)
        time.sleep(0.08)  # the thread that reads is busy elsewhere
        data, sender, arrived = server.receive()
        read = time.perf_counter()
        server.handle_datagram(data, sender, arrived)
        assert clock.time_of(8.0) == pytest.approx(arrived, abs=1e-6)  # a locate: beat 8 is where it arrived
        if sys.platform == "linux":  # the kernel's stamp
            assert sent - 0.001 < arrived < sent + 0.04 and read - arrived > 0.07
            assert len(server.waits) == 1 and 0.07 < server.waits.last(1)[0] < 1.0
        else:  # no stamps: the read stands in
            assert arrived >= sent + 0.08
    finally:
        client.close()
        server.stop()


def test_a_waiting_time_needs_a_plausible_kernel_stamp():
    stamp = 1_700_000_000.25
    ancdata = [(socket.SOL_SOCKET, SO_TIMESTAMPNS, TIMESPEC.pack(1_700_000_000, 250_000_000))]
    assert waited(ancdata, stamp + 0.005) == pytest.approx(0.005, abs=1e-6)
    assert waited(ancdata, stamp - 1.0) == 0.0  # the wall clock stepped back in between
    assert waited(ancdata, stamp + 3600) == 0.0  # or forward
    assert waited([], stamp) == 0.0
    assert waited([(socket.SOL_SOCKET, SO_TIMESTAMPNS, b"\0" * 4)], stamp) == 0.0


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux tells a socket's losses")
def test_datagrams_lost_in_a_full_socket_are_counted_and_told(caplog):
    """UDP drops what arrives while the socket's buffer is full, and says nothing: the daemon must count each loss
    and say so in one line (a buffer shrunk to the least the kernel allows stands in for a busy OSC thread)."""
    server = OscServer("127.0.0.1", 0, cmd.Context(("a", "b"), Vocabulary(), 32), Clock(120), FakeEngine())
    server.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent, read = 200, 0
    try:
        for _ in range(sent):
            client.sendto(build("/stylevae/ping").dgram, server.address)
        server.sock.settimeout(0.05)
        with caplog.at_level("WARNING", logger="stylevae.osc"):
            while True:
                try:
                    server.receive()
                except TimeoutError:
                    break
                read += 1
            client.sendto(build("/stylevae/ping").dgram, server.address)  # the last losses come with the next one
            server.receive()
        assert 0 < read < sent and server.lost == sent - read
        lines = [r.getMessage() for r in caplog.records if "lost" in r.getMessage()]
        assert lines and all("\n" not in line for line in lines), lines
        assert len(lines) == 1 and f"{sent - read} OSC datagrams lost" in lines[0], lines
        assert f"{sent - read} lost in the socket" in server.summary()
    finally:
        client.close()
        server.stop()


def test_a_loss_count_is_read_only_from_its_own_ancillary_data():
    assert dropped_before([(socket.SOL_SOCKET, 40, (7).to_bytes(4, sys.byteorder))]) == 7
    assert dropped_before([(socket.SOL_SOCKET, SO_TIMESTAMPNS, TIMESPEC.pack(1, 2))]) is None
    assert dropped_before([]) is None


@pytest.mark.parametrize("host, fix", [
    ("bad\x00host", "--osc-host"),  # does not encode: TypeError from the socket module
    ("höst.invalid", "--osc-host"),  # no such name
    ("192.0.2.1", "--osc-host"),  # not an address of this machine (TEST-NET-1)
])
def test_a_host_it_cannot_listen_on_is_one_line_naming_the_host_option(host, fix):
    with pytest.raises(OSError) as refused:
        OscServer(host, 0, cmd.Context(("a", "b"), Vocabulary(), 32), Clock(120), FakeEngine())
    message = str(refused.value)
    assert "\n" not in message and message.startswith("cannot listen for OSC on") and fix in message


def test_a_port_taken_is_one_line_naming_the_port_option():
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    taken.bind(("127.0.0.1", 0))
    try:
        with pytest.raises(OSError, match="pick another --osc-port$"):
            OscServer("127.0.0.1", taken.getsockname()[1], cmd.Context(("a", "b"), Vocabulary(), 32), Clock(120),
                      FakeEngine())
    finally:
        taken.close()


class RefusingSocket:
    """A socket whose system refuses IP_RECVERR (as WSL1 does with the options it does not translate)."""

    def __init__(self, sock):
        self.sock = sock

    def setsockopt(self, *args):
        raise OSError(22, "Invalid argument")

    def __getattr__(self, name):
        return getattr(self.sock, name)


def test_a_system_that_refuses_to_report_gone_clients_still_replies(monkeypatch):
    """Without the error queue the daemon cannot tell a client went away; it must still start and answer."""
    from stylevae.bridge.osc_server import Replies

    monkeypatch.setattr(sys, "platform", "linux")
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind(("127.0.0.1", 0))
    client.settimeout(2)
    replies = Replies(RefusingSocket(server))
    try:
        replies.watch_errors()
        replies.add(*client.getsockname())
        replies.send("/stylevae/pong", [])
        assert OscMessage(client.recv(65536)).address == "/stylevae/pong"
        assert replies.collect_gone() == set()
    finally:
        replies.close()
        server.close()
        client.close()
