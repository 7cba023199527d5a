"""The OSC front end: a UDP socket, parsing (python-osc), validation into commands, and replies.

Deliberately thin: a datagram becomes typed commands (``commands.from_message``, driven by
``osc_spec.SPEC``) that go to the clock or the engine; anything refused gets ``/stylevae/error`` and a
log line and changes nothing. The socket is read directly (not through python-osc's server) so that an
oversize datagram, which python-osc would drop silently, is answered with an error too.
"""

from __future__ import annotations

import errno
import logging
import numbers
import os
import socket
import struct
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence

from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.osc_packet import OscPacket, ParseError
from pythonosc.parsing import osc_types

from stylevae.bridge import commands as cmd
from stylevae.bridge.clock import Clock
from stylevae.bridge.osc_spec import MAX_NESTING, MAX_PACKET, PREFIX
from stylevae.bridge.stats import Window, quantiles

log = logging.getLogger("stylevae.osc")

MAX_CLIENTS = 16  # the oldest registration goes first
RECEIVE_BUFFER = 65536
ERROR_LOGS_PER_SECOND = 20  # a flood of bad messages must not flood the log
# Characters of a refused message's address and of the reason that a refusal sends back (and logs): a reason quotes
# the value refused, and a value of 8 KB, quoted, made replies of up to 33 KB, over macOS's 9,216-byte limit on a
# datagram (not sent there at all).
MAX_REFUSAL_TEXT = 500
IP_RECVERR = 11  # Linux's (socket has no name for it): ICMP errors of an unconnected UDP socket are reported
PARSE_ERRORS = (ParseError, ValueError, IndexError, struct.error, TypeError)  # python-osc's
BUNDLE = b"#bundle\0"  # how an OSC bundle begins
# Linux's SO_TIMESTAMPNS (asm-generic/socket.h; socket has no name for it): the kernel stamps each datagram with
# the wall-clock time it arrived, given with the datagram as a struct timespec.
SO_TIMESTAMPNS = 35
TIMESPEC = struct.Struct("qq")
# Linux's SO_RXQ_OVFL (asm-generic/socket.h): each datagram comes with the count of datagrams the kernel has dropped
# on the socket so far, for want of room in its buffer (a native unsigned 32-bit number; absent while none were).
SO_RXQ_OVFL = 40
DROPS = struct.Struct("I")
# Room for the datagrams that arrive while the OSC thread waits for a core or the GIL. With Linux's default 208 KB,
# a fuzz of 1000 packets a second (one in eight a bundle of up to 20 KB) that the thread read up to 35 ms late lost
# 23 datagrams on an Intel machine (bench/results/README.md). Linux caps the size at net.core.rmem_max.
SOCKET_BUFFER_BYTES = 4 << 20
MAX_WAIT = 2.0  # a longer wait reads as a step of the wall clock in between: the datagram counts as arriving now


def quiet_python_osc(record: logging.LogRecord) -> bool:
    """python-osc logs a root warning for each odd element it skips: a flood of bad packets would flood the log
    past its rate limit. The daemon refuses such packets with its own line."""
    return "pythonosc" not in record.pathname


def nesting(data: bytes, limit: int) -> int:
    """How deep bundles nest in a packet (0 for a bare message), counted no further than one past ``limit``: read
    from the bundles' element sizes without parsing them, and without recursion. Sizes that lie are left to the
    parser to refuse; here they only end the count."""
    pending, deepest = [(memoryview(data), 1)] if data[:8] == BUNDLE else [], 0
    while pending and deepest <= limit:
        bundle, depth = pending.pop()
        deepest = max(deepest, depth)
        at = 16  # past "#bundle\0" and the time tag
        while at + 4 <= len(bundle):
            size = int.from_bytes(bundle[at:at + 4], "big")
            element = bundle[at + 4:at + 4 + size]
            if element[:8] == BUNDLE:
                pending.append((element, depth + 1))
            at += 4 + size
    return deepest


def typetags(message: OscMessage) -> str:
    """The message's OSC type tags without the comma (python-osc keeps only the values)."""
    data = message.dgram
    _, index = osc_types.get_string(data, 0)
    if index >= len(data):
        return ""
    tags, _ = osc_types.get_string(data, index)
    return tags[1:] if tags.startswith(",") else ""


def encode(address: str, args: Sequence[object]) -> bytes:
    builder = OscMessageBuilder(address)
    for value in args:
        if isinstance(value, bool):
            builder.add_arg(int(value), "i")
        elif isinstance(value, numbers.Integral):  # NumPy's integers too: a number must never go out as a string
            builder.add_arg(int(value), "i")
        elif isinstance(value, numbers.Real):
            builder.add_arg(float(value), "f")
        else:
            builder.add_arg(str(value), "s")
    return builder.build().dgram


def linux_option(sock: socket.socket, option: int) -> bool:
    """Turn on a Linux socket option the daemon can do without: False elsewhere, or where the kernel refuses it."""
    if sys.platform != "linux":
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, option, 1)
    except OSError:
        return False
    return True


def dropped_before(ancdata: list[tuple[int, int, bytes]]) -> int | None:
    """The kernel's count of datagrams dropped on the socket so far, from a datagram's ancillary data (None: none)."""
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == SO_RXQ_OVFL and len(data) >= DROPS.size:
            return DROPS.unpack_from(data)[0]
    return None


def waited(ancdata: list[tuple[int, int, bytes]], wall_now: float) -> float:
    """Seconds a datagram waited in the socket: the wall clock now less the kernel's arrival stamp among its
    ancillary data (both wall-clock, so the difference holds on any clock); 0 without a usable stamp."""
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= TIMESPEC.size:
            seconds, nanoseconds = TIMESPEC.unpack_from(data)
            wait = wall_now - (seconds + nanoseconds * 1e-9)
            return wait if 0.0 <= wait <= MAX_WAIT else 0.0
    return 0.0


class Replies:
    """The registered clients (from /hello) and the messages sent to them."""

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self._lock = threading.Lock()
        self._clients: OrderedDict[tuple[str, int], None] = OrderedDict()
        self._errors: socket.socket | None = None  # the same socket, read without waiting (see watch_errors)

    def watch_errors(self) -> None:
        """On Linux, learn of registered clients that went away: their port answers a reply with ICMP "port
        unreachable", which an unconnected UDP socket reports only with IP_RECVERR, on its error queue. The queue
        is read through a duplicate of the socket that Python does not wait on (the original has a timeout).
        Where the option is refused (WSL1 reports "linux" but translates only some socket options), replies to a
        client that went away fail one by one, in the log at debug level, as on other systems."""
        if not sys.platform.startswith("linux"):
            return
        try:
            self._sock.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
        except OSError:
            return
        self._errors = socket.socket(fileno=os.dup(self._sock.fileno()))

    def add(self, host: str, port: int) -> None:
        with self._lock:
            self._clients[host, port] = None
            self._clients.move_to_end((host, port))
            while len(self._clients) > MAX_CLIENTS:
                self._clients.popitem(last=False)

    def remove(self, host: str, port: int) -> None:
        with self._lock:
            self._clients.pop((host, port), None)

    def send(self, address: str, args: Sequence[object]) -> None:
        """To every registered client; a client gone away is dropped, with a line in the log."""
        data = encode(address, args)
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            for _ in range(2):  # an error may be another client's, reported on this send: then once more
                try:
                    self._sock.sendto(data, client)
                    break
                except OSError as exc:
                    if client in self.collect_gone() or self._errors is None:
                        log.debug("reply to %s:%d failed: %s", *client, exc)
                        break

    def close(self) -> None:
        if self._errors is not None:
            self._errors.close()
            self._errors = None

    def collect_gone(self) -> set[tuple[str, int]]:
        """Drop the clients whose port was reported unreachable; the set of them."""
        gone = set()
        while self._errors is not None:
            try:
                _, _, _, client = self._errors.recvmsg(1, 1024, socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:  # closed, or no error queue here
                break
            gone.add(client)
        for client in gone:
            with self._lock:
                registered = self._clients.pop(client, "absent") is None
            if registered:
                log.warning("OSC client %s:%d is gone (its port is closed): no more replies to it; it can "
                            "/stylevae/hello again", *client)
        return gone


class ErrorLog:
    """Logs refused messages, at most ERROR_LOGS_PER_SECOND, then says how many it skipped."""

    def __init__(self) -> None:
        self._second = 0
        self._count = 0
        self._skipped = 0

    def __call__(self, sender: tuple[str, int], address: str, reason: str) -> None:
        self.flush()
        self._count += 1
        if self._count > ERROR_LOGS_PER_SECOND:
            self._skipped += 1
            return
        log.warning("refused %s from %s:%d: %s", address or "<packet>", *sender, reason)

    def flush(self) -> None:
        """Once a second is over, say how many refusals it did not log (called on each refusal and when idle)."""
        second = int(time.monotonic())
        if second != self._second:
            if self._skipped:
                log.warning("%d more refused messages not logged", self._skipped)
            self._second, self._count, self._skipped = second, 0, 0


class OscServer:
    def __init__(self, host: str, port: int, context: cmd.Context, clock: Clock, engine):
        self.context = context
        self.clock = clock
        self.engine = engine
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.sock.bind((host, port))
        except (OSError, UnicodeError, TypeError) as exc:  # the last two: a host name that does not encode
            self.sock.close()
            if isinstance(exc, OSError) and not isinstance(exc, socket.gaierror) and exc.errno != errno.EADDRNOTAVAIL:
                fix = "pick another --osc-port"
            else:  # the host's fault: no such name, or not an address of this machine
                fix = "give --osc-host an address of this machine (127.0.0.1, the default, or a LAN address)"
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise OSError(f"cannot listen for OSC on {host}:{port} ({reason}); {fix}") from None
        self.sock.settimeout(0.2)
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKET_BUFFER_BYTES)
        except OSError:  # the system's own size stays; losses, if any, are logged (SO_RXQ_OVFL)
            pass
        self.address = self.sock.getsockname()
        self.replies = Replies(self.sock)
        self.replies.watch_errors()
        logging.getLogger().addFilter(quiet_python_osc)
        self._log_error = ErrorLog()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self.received = 0
        self.refused = 0
        # The kernel stamps each datagram with its arrival. A transport report is Live's position at the moment it
        # was sent: anchored when the OSC thread gets round to it, the whole song would sit late by however long the
        # report waited in the socket (the thread busy with other datagrams, or without a core or the GIL), until
        # the clock's glides had worked it off. Elsewhere the time the thread reads it stands in.
        self._stamped = linux_option(self.sock, SO_TIMESTAMPNS)
        # The kernel says with each datagram how many it dropped before it: UDP loses datagrams silently when they
        # come faster than the daemon reads them, and a lost transport report or play is a problem the log must
        # name. Elsewhere the loss cannot be seen.
        self._counted = linux_option(self.sock, SO_RXQ_OVFL)
        self.waits = Window(10000)  # seconds each datagram waited in the socket before the OSC thread read it
        self.lost = 0  # datagrams the kernel dropped before the OSC thread could read them (Linux)
        self._lost_logged, self._lost_second = 0, -1

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="osc", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(2)
        logging.getLogger().removeFilter(quiet_python_osc)
        self.replies.close()
        self.sock.close()

    def receive(self) -> tuple[bytes, tuple[str, int], float]:
        """The next datagram, its sender, and the ``perf_counter`` time it arrived (the kernel's stamp on Linux)."""
        if not (self._stamped or self._counted):
            data, sender = self.sock.recvfrom(RECEIVE_BUFFER)
            return data, sender, time.perf_counter()
        room = socket.CMSG_SPACE(TIMESPEC.size) + socket.CMSG_SPACE(DROPS.size)
        data, ancdata, _, sender = self.sock.recvmsg(RECEIVE_BUFFER, room)
        now = time.perf_counter()
        drops = dropped_before(ancdata)
        if drops is not None and drops > self.lost:
            self.lost = drops
            self.say_lost()
        if not self._stamped:
            return data, sender, now
        wait = waited(ancdata, time.time())
        self.waits.append(wait)
        return data, sender, now - wait

    def say_lost(self) -> None:
        """A line for datagrams lost in the socket since the last one, once a second at most (called on each loss
        and when idle, so the last of a burst is told too)."""
        second = int(time.monotonic())
        if self.lost > self._lost_logged and second != self._lost_second:
            self._lost_second = second
            log.warning("%d OSC datagrams lost before the daemon could read them (%d in all): they came faster than "
                        "it reads; send fewer, or smaller bundles", self.lost - self._lost_logged, self.lost)
            self._lost_logged = self.lost

    def summary(self) -> str:
        """Datagrams so far, for the log at exit."""
        text = f"{self.received} OSC datagrams, {self.refused} refused"
        if self._counted:
            text += f", {self.lost} lost in the socket before they were read"
        waits = quantiles(self.waits, 1000)
        if waits is None:
            return text
        return f"{text}; they waited in the socket p50 {waits[0]:.2f} ms, p99 {waits[1]:.2f} ms, max {waits[2]:.2f} ms"

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                data, sender, received = self.receive()
            except TimeoutError:
                self._log_error.flush()
                self.say_lost()
                continue
            except OSError as exc:  # ICMP port unreachable from a reply: a client went away
                if not self.replies.collect_gone():
                    log.debug("receive: %s", exc)
                continue
            try:
                self.handle_datagram(data, sender, received)
            except Exception:  # no client input may stop the daemon
                log.exception("unexpected error handling a datagram from %s:%d", *sender)
                self.refuse(sender, "", "internal error (logged by the daemon)")

    def refuse(self, sender: tuple[str, int], address: str, reason: str, more: str = "") -> None:
        """Reply and log that a message was refused; ``more`` (how many others a bundle had) follows the cut."""
        self.refused += 1
        address, reason = (text if len(text) <= MAX_REFUSAL_TEXT else text[:MAX_REFUSAL_TEXT - 1] + "…"
                           for text in (address, reason))
        reason += more
        self._log_error(sender, address, reason)
        self.replies.send(f"{PREFIX}/error", [address, reason])

    def handle_datagram(self, data: bytes, sender: tuple[str, int], received: float) -> None:
        self.received += 1
        if len(data) > MAX_PACKET:
            self.refuse(sender, "", f"packet of {len(data)} bytes is over the {MAX_PACKET}-byte limit")
            return
        if nesting(data, MAX_NESTING) > MAX_NESTING:
            self.refuse(sender, "", f"bundles nested more than {MAX_NESTING} deep")
            return
        try:
            messages = [timed.message for timed in OscPacket(data).messages]
        except PARSE_ERRORS as exc:
            self.refuse(sender, "", f"not an OSC packet ({exc})")
            return
        if not messages:
            self.refuse(sender, "", "no OSC message in the packet")
            return
        refused: list[tuple[str, str]] = []
        for message in messages:
            try:
                command = cmd.from_message(message.address, typetags(message), message.params, sender[0], self.context)
            except cmd.Invalid as exc:
                refused.append((message.address, str(exc)))
                continue
            self.dispatch(command, received)
        if refused:  # one reply per packet: a bundle of a thousand bad messages must not send a thousand replies
            address, reason = refused[0]
            more = f" (and {len(refused) - 1} more refused messages in this bundle)" if len(refused) > 1 else ""
            self.refuse(sender, address, reason, more)

    def dispatch(self, command: object, received: float) -> None:
        if isinstance(command, cmd.Hello):
            self.replies.add(command.host, command.port)
            self.replies.send(f"{PREFIX}/styles", self.context.styles)
        elif isinstance(command, cmd.Bye):
            self.replies.remove(command.host, command.port)
        elif isinstance(command, cmd.Ping):
            self.replies.send(f"{PREFIX}/pong", [])
        elif isinstance(command, cmd.Styles):
            self.replies.send(f"{PREFIX}/styles", self.context.styles)
        elif isinstance(command, cmd.Transport):
            self.clock.follow(command.beat, command.playing, command.bpm, received)
        elif isinstance(command, cmd.Tempo):
            self.clock.set_tempo(command.bpm, received)
        elif isinstance(command, cmd.Loop):
            self.clock.set_loop(command.on, command.start, command.length, received)
        else:
            self.engine.submit(command)
