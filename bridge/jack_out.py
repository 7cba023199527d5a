"""The JACK output: a small process of its own that writes each note event at its frame.

Why a process: python-rtmidi's JACK port writes whatever reached it since the last cycle at frame 0 of
the next, so a note's timing is the time the daemon's sender thread got the GIL and a core, give or take
a period; and the daemon's GIL is busy with the decoder and the OSC thread. Here the sender hands each
event over ``HANDOVER_SECONDS`` ahead of its time, through a pipe, to a process whose only work is JACK's
process callback (JACK's real-time thread) and the thread that reads the pipe. The callback puts each
event at the frame of its ``perf_counter`` time, so the notes are sample-accurate and a late wake-up of
the sender costs nothing while it stays within the handover. When the daemon's clock changes after an event
was handed over, the sender moves it (a RETIME record, by the event's ident) or withdraws it (DROP: a voice's
note-ons or all, their note-offs at once; WITHDRAW: that very event, whatever it is). Nothing else in that
process takes the GIL for long, so the callback does not wait for the decoder.

Nothing is lost: before each write the callback checks the room left in the period's MIDI buffer; what
does not fit waits for the next period, in order (note-offs come before note-ons at the same time).
The books of sounding notes are kept where the events go out (``midi_out.Books``), and whatever ends
this process (the daemon's exit, the daemon killed, which closes the pipe) ends every sounding note and
sends All Notes Off on the channels used.

A callback that runs late can write into a period its readers have already read: measured here with JACK2's
dummy driver and the processes frozen for a few milliseconds at random (as a busy host's steal does), 85-89 %
of what a callback wrote was lost when JACK's frame count moved on while it ran, or when the next callback
was for the same frame (a late client run twice for one cycle, the second clearing what the first wrote), and
next to none of what the other callbacks wrote (1 of 26,853 note-ons; docs/bridge.md). Both show in the
callback, so what such a period first wrote is written again first thing in the next one: note-offs and
controls as they were (a second one is harmless), a note-on as a note-off and the note-on (the receiver then
holds it once, whether or not it read the first), unless another voice holds that pitch on that channel too
(a lost note-on is then a missed note, never a stuck one).

A period can also begin later than the one before it ended, when JACK's own thread was late (on a virtual machine,
the host took its core) or when JACK ran periods without calling this process back (it was not ready in time).
Events due in such a stretch go out at the first frame after it, and nothing here can place them earlier; the exit
line counts them apart from the rest, so a note heard late can be put down to JACK's timing or to this process.

A note-on comes with its grace: how late it may still start, the 1/8 beat the sender allows one that reaches it late
(at the tempo of the hand-over; a retime keeps it). One whose frame comes later than that after its time (this process
frozen or starved after the hand-over, or JACK's thread held up that long) is not written: a missed note rather than
one of a burst of late notes once the process runs again, as the sender does. Its note-off then finds no note to end
in the books and is not written either.

An overloaded machine makes JACK miss its deadline (an xrun): a client that was late, this one or the one
reading the port, can lose that period's MIDI, and a lost note-off is a note that drones until the next stop.
So the note-offs written in the last ``REPAIR_SECONDS`` are kept, and after JACK reports an xrun the next
period writes again each of them whose note has not started again since, up to ``REPAIR_TIMES`` times over
a run of xruns (a second note-off for a silent note is harmless; a lost note-on is a missed note, never a stuck
one, and is not repeated). This is for what the readers lose when they are late themselves. One whose pitch
has started again cannot be written now without cutting the new note short: it is written again right after
the note-off that next leaves the pitch silent, which ends the pitch whether the synth stacked the note-ons
or not, and cuts no other voice's note of that pitch. What a full buffer cannot take waits for the next
period's first frame.

Faults: when the JACK server goes away the process says so and exits; the daemon logs it once, keeps
serving OSC, and starts a new one that waits for a server and reopens the port. With ``--midi-port`` the
process reconnects to that port when it comes back after its owner closed it.

Run by the daemon as ``python -m stylevae.bridge.jack_out PORT_NAME [--existing NAME] [--wait]``; it answers
``ready <port>`` or ``error <message>`` on its first line (``waiting`` first with ``--wait``), then status
lines: ``gone <reason>``, ``port-gone <port>``, ``port-back <port>``, and ``summary <figures>`` at the end.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import logging
import math
import os
import re
import struct
import subprocess
import sys
import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from typing import BinaryIO

from stylevae.bridge import midi_out
from stylevae.bridge.realtime import realtime_priority, realtime_process
from stylevae.bridge.scheduler import AT_ONCE
from stylevae.bridge.stats import Window, quantiles

log = logging.getLogger("stylevae.jack")

# Events reach the JACK process this long before their time: longer than the latest hand-over the sender made
# in any soak (66.5 ms, on the Intel machine under a flood of controls), and a longer lead costs no musical
# accuracy, since a tempo change or a glide still moves what was handed over (``Writer.retime``). Events the
# engine pushes less than this ahead (a fast tempo with the shortest lookahead) are handed over at once.
HANDOVER_SECONDS = 0.1
# perf_counter time, voice (-1: none), kind, MIDI message, event ident (0: none), grace (seconds a note-on may be late)
RECORD = struct.Struct("<dbB3sqf")
EVENT, DROP, QUIT, RETIME, WITHDRAW = 0, 1, 2, 3, 4
ALL_VOICES = -1
START_TIMEOUT = 15.0  # seconds for the process to answer (Python's start-up on a loaded machine)
CLOSE_SECONDS = 5.0  # for the process to end once asked, before it is killed
RETRY_SECONDS = 0.5  # between attempts to reach a JACK server that is not (yet) there
WATCH_SECONDS = 0.25  # how often the process checks the server, the --midi-port connection and the exit
SWITCH_INTERVAL = 0.0002  # seconds: how long JACK's thread can wait for the GIL while another thread runs Python
GONE_EXIT = 3  # the process's exit code when the JACK server went away
REPAIR_SECONDS = 0.25  # note-offs first written this recently are written again after an xrun (JACK reports it late)
# ... at most this many times each: with no cap, the JACK server frozen ~40 times a second (bench/jack_loss.py) had
# each note-off written again 35-45 times, the callback's p99 near its period, and xruns of its own
REPAIR_TIMES = 3
# The parts of the exit line (``Writer.summary`` after "JACK output: "), for the benchmarks that read the log.
SUMMARY_WRITTEN = re.compile(r"JACK output: (?P<written>\d+) messages written")
SUMMARY_PLACED = re.compile(r"placed after their time by p50 (?P<p50>-?[\d.]+) ms, p99 (?P<p99>-?[\d.]+) ms, "
                            r"max (?P<max>-?[\d.]+) ms; (?P<full>\d+) full")
SUMMARY_AGAIN = re.compile(r"(?P<periods>\d+) periods that may have gone unread \(their (?P<messages>\d+) messages "
                           r"written again\)")
SUMMARY_CALLBACK = re.compile(r"(?P<xruns>\d+) xruns, after which (?P<repaired>\d+) note-offs were written again; "
                              r"the callback took p50 (?P<p50>\d+) µs, p99 (?P<p99>\d+) µs, max (?P<max>\d+) µs")
SUMMARY_UNCOVERED = re.compile(r"(?P<events>\d+) fell due in (?P<stretches>\d+) stretches no period of this "
                               r"process covered \((?P<ms>[\d.]+) ms in all; (?P<missed>\d+) periods JACK ran without "
                               r"calling it back\); the rest were placed after their time by p99 (?P<p99>-?[\d.]+) ms, "
                               r"max (?P<max>-?[\d.]+) ms")
WRITTEN_KEPT = 256  # note-ons whose idents the process keeps once written: more than 8 voices write in any period
GAP_FRAMES = 2  # a period's start is read to a frame (JACK floors the frames since it began): less is not a gap
# Set to a file name, the process writes there at exit each stretch no period of it covered, one per line as
# ``<from> <to> <periods>`` (perf_counter seconds; the periods JACK's frame count moved across it): for the benchmark,
# which tells the notes due in one from the rest (bench/bridge_bench.py).
STRETCHES_ENV = "STYLEVAE_JACK_STRETCHES"
STRETCHES_KEPT = 1_000_000  # the most kept: the latest, should a long run leave more
# Records the pipe could not take yet, kept for it (note-ons aside): a full pipe (64 KB, about 2,600 records) means the
# process's reader is held up for a second or more; this many more is half an hour of 8 busy voices' note-offs
KEPT_FOR_THE_PIPE = 100_000
DRAIN_SECONDS = 0.01  # how often what waits for a full pipe is offered to it again
SUMMARY_BEGAN = re.compile(r"it began p50 (?P<p50>\d+) µs, p99 (?P<p99>\d+) µs, max (?P<max>\d+) µs into its period")
SUMMARY_TOO_LATE = re.compile(r"(?P<notes>\d+) note-ons not written, their frame too late for their grace")


# --- the daemon's side -------------------------------------------------------------------------------------


class Pipe:
    """The daemon's end of the pipe to one JACK process, written without blocking: a held-up process must not stall
    the sender.

    When the pipe is full (the process's reader held up for a second or more), a note-on is lost, a missed note; every
    other record (a note-off, All Notes Off, a drop, a retime, a withdrawal, the quit) waits here, in order, and is
    offered to the pipe again every ``DRAIN_SECONDS`` until it takes it, so that a process held up still ends the
    notes it began, even when nothing more is written after them (a stop). Records are far smaller than
    ``PIPE_BUF``, so each goes through whole or not at all. The log says when the pipe fills and when it takes
    records again, once each time.
    """

    def __init__(self, stream: BinaryIO):
        self._stream = stream  # the file, not its number: once it is closed that number may be another file's
        self._lock = threading.Lock()  # the writers (sender, engine) and the drain thread
        self._waiting: deque[bytes] = deque()
        self._drain: threading.Thread | None = None
        self._closed = False
        self._full_since: int | None = None  # ``lost`` when the pipe was found full, while it is
        self.lost = 0

    def write(self, record: bytes, droppable: bool = False) -> None:
        """Into the pipe now, or (unless ``droppable``, or too many already wait) as soon as it takes it."""
        with self._lock:
            if self._closed:
                self.lost += 1
            elif self._flush() and self._put(record):
                return
            elif self._closed:
                self.lost += 1
                self._give_up()
            else:
                self._filled()
                if droppable or len(self._waiting) >= KEPT_FOR_THE_PIPE:
                    self.lost += 1
                    return
                self._waiting.append(record)
                if self._drain is None or not self._drain.is_alive():
                    self._drain = threading.Thread(target=self._drain_waiting, name="jack-pipe", daemon=True)
                    self._drain.start()

    @property
    def waiting(self) -> int:
        """Records the pipe has not taken yet."""
        return len(self._waiting)

    def close(self) -> None:
        """No more writes: what still waits is lost (the process it was for has gone, or ends every note itself)."""
        with self._lock:
            self._closed = True
            self._give_up()

    def _give_up(self) -> None:
        self.lost += len(self._waiting)
        self._waiting.clear()

    def _filled(self) -> None:
        if self._full_since is None:
            self._full_since = self.lost
            log.warning("the JACK output process is not reading (its pipe is full): new notes are dropped, and "
                        "note-offs wait for it")

    def _put(self, record: bytes) -> bool:
        """The record into the pipe; False when it is full, or gone (the process ended, or is being replaced: nothing
        written to it can arrive, so this end closes)."""
        try:
            os.write(self._stream.fileno(), record)
        except BlockingIOError:
            return False
        except (BrokenPipeError, ValueError, OSError):
            self._closed = True
            return False
        if self._full_since is not None and not self._waiting:
            log.warning("the JACK output process reads again: %d notes were dropped meanwhile",
                        self.lost - self._full_since)
            self._full_since = None
        return True

    def _flush(self) -> bool:
        """What waits, into the pipe, in order; whether all of it went."""
        while self._waiting:
            record = self._waiting.popleft()
            if not self._put(record):
                self._waiting.appendleft(record)
                return False
        return True

    def _drain_waiting(self) -> None:
        while True:
            time.sleep(DRAIN_SECONDS)
            with self._lock:
                if self._flush():
                    return
                if self._closed:
                    self._give_up()
                    return


class JackOut:
    """A ``NoteSink`` on JACK: hands events to the JACK process ``lead`` ahead of their time.

    A watcher thread reads the process's status lines and logs them; when the process ends without being
    asked to (the JACK server went away, or it crashed), it starts a new one that waits for a server.
    """

    backend = "jack"
    lead = HANDOVER_SECONDS

    def __init__(self, port_name: str, existing: str | None = None):
        self._args = [port_name] + (["--existing", existing] if existing else [])
        self._lock = threading.Lock()  # the pipe: the sender thread, cancel (engine thread) and close
        self._closed = False
        self._lost = 0  # events handed over while no JACK process could take them, or to processes that ended
        self.restarts = 0
        self._summarized = False  # the process sent its exit line: its notes were ended (see close)
        self._server_gone = False  # the last restart came from the server going away, not the process ending
        process, self.name = self._spawn(wait=False)
        self._process, self._pipe = process, Pipe(process.stdin)
        self._ready = True  # False while a restarted process waits for a server: events then go nowhere
        if existing:  # a restarted process waits for this very port
            self._args = [port_name, "--existing", self.name]
        self._watcher = threading.Thread(target=self._watch, name="jack-watch", daemon=True)
        self._watcher.start()

    def _spawn(self, wait: bool) -> tuple[subprocess.Popen, str]:
        command = [sys.executable, "-m", "stylevae.bridge.jack_out", *self._args] + (["--wait"] if wait else [])
        # its own session: a Ctrl-C or a signal to the daemon's process group is the daemon's to handle (it then
        # asks this process to end every note); were the daemon killed outright, the pipe's end tells it
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
        os.set_blocking(process.stdin.fileno(), False)  # a stuck process must not stall the sender
        if wait:
            return process, ""
        status, _, text = self._first_line(process).partition(" ")
        if status != "ready":
            process.wait(5)
            raise midi_out.MidiError(text or f"the JACK output process exited ({process.returncode})")
        return process, text

    @staticmethod
    def _first_line(process: subprocess.Popen) -> str:
        answer: list[bytes] = []
        reader = threading.Thread(target=lambda: answer.append(process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        if not answer:
            process.kill()
            return f"error the JACK output process did not answer in {START_TIMEOUT:g} s"
        return answer[0].decode(errors="replace").strip()

    @property
    def pid(self) -> int:
        """The JACK process's id, for what watches or freezes it from outside (the benchmarks)."""
        return self._process.pid

    # --- NoteSink ---------------------------------------------------------------------------------------------

    def send(self, message: bytes, at: float = AT_ONCE, voice: int = 0, ident: int = 0,
             grace: float = math.inf) -> None:
        self._write(RECORD.pack(at, voice, EVENT, message, ident, grace), droppable=midi_out.is_note_on(message))

    def drop(self, voice: int | None) -> None:
        self._write(RECORD.pack(AT_ONCE, ALL_VOICES if voice is None else voice, DROP, b"\0\0\0", 0, math.inf))

    def retime(self, ident: int, at: float) -> None:
        self._write(RECORD.pack(at, ALL_VOICES, RETIME, b"\0\0\0", ident, math.inf))

    def withdraw(self, idents: list[int]) -> None:
        for ident in idents:  # a record a write, as each goes through the pipe whole (or not at all, when it is full)
            self._write(RECORD.pack(AT_ONCE, ALL_VOICES, WITHDRAW, b"\0\0\0", ident, math.inf))

    def _write(self, record: bytes, droppable: bool = False) -> None:
        with self._lock:
            if not self._ready:  # not piled up for later: they would all come out at once when JACK is back
                self._lost += 1
                return
            self._pipe.write(record, droppable)

    @property
    def lost(self) -> int:
        """Events that reached no JACK process: none was there, the one there ended, or its pipe was full."""
        return self._lost + self._pipe.lost

    # --- faults -----------------------------------------------------------------------------------------------

    def _watch(self) -> None:
        """Log the process's status lines; restart it when it ends unasked."""
        while True:
            process = self._process
            for raw in process.stdout:
                self._report(raw.decode(errors="replace").strip())
            code = process.wait()
            if code != GONE_EXIT and not self._closed:
                log.error("the JACK output process ended (exit code %s); starting it again", code)
                time.sleep(RETRY_SECONDS)
            if not self._restart():
                return

    def _restart(self) -> bool:
        """A new process in place of the one that ended; False once closed. Where none can be started (a full
        process table, no memory) it says so once and tries again: this thread ending would leave MIDI off for the
        rest of the session."""
        failed = False
        while True:
            with self._lock:
                if self._closed:
                    return False
                self._ready = False
                self._pipe.close()  # what waits for the process that ended can reach no one
                try:
                    process, _ = self._spawn(wait=True)
                except OSError as exc:
                    if not failed:
                        log.error("cannot start the JACK output process again (%s): notes reach no one; trying again "
                                  "every %g s", exc, RETRY_SECONDS)
                    failed = True
                else:
                    self._lost += self._pipe.lost
                    self._process, self._pipe = process, Pipe(process.stdin)
                    self.restarts += 1
                    return True
            time.sleep(RETRY_SECONDS)

    def _report(self, line: str) -> None:
        status, _, text = line.partition(" ")
        if status == "ready" and self.restarts:
            self.name = text
            with self._lock:
                self._ready = True
            log.warning("%sMIDI out reopened as %s; notes play again, and All Notes Off on every channel once it "
                        "is connected", "JACK is back: " if self._server_gone else "", text)
            self._server_gone = False
        elif status == "gone":
            self._server_gone = True
            log.error("the JACK server is gone (%s): notes reach no one; still serving OSC, and the MIDI port "
                      "reopens when a JACK server is back", text)
        elif status == "port-gone":
            log.error("the MIDI port %s was closed by its owner: notes reach no one until it is back", text)
        elif status == "port-back":
            log.warning("the MIDI port %s is back: connected again", text)
        elif status == "summary":
            self._summarized = True
            log.info("JACK output: %s", text)
        elif status != "waiting":
            log.warning("JACK output: %s", line)

    def close(self) -> None:
        """End every sounding note (the process does, from its books) and stop the process."""
        with self._lock:
            self._closed = True
            process, waiting = self._process, not self._ready
        if waiting:  # for a JACK server: it has no port and no note to end, and reads nothing until it has one
            process.kill()
        else:
            self._write(RECORD.pack(AT_ONCE, ALL_VOICES, QUIT, b"\0\0\0", 0, math.inf))
        self._pipe.close()  # the pipe's end, read by a process held up, ends every note all the same
        try:
            process.stdin.close()
        except OSError:
            pass
        try:
            process.wait(CLOSE_SECONDS)
            killed = False
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            killed = True
        self._watcher.join(2)  # it has read the exit line, if there was one, before it ends
        if killed and self._summarized:  # JACK2 can take seconds to let a client go (seen after a freeze)
            log.warning("JACK output: its process ended every note but did not leave JACK within %g s; killed",
                        CLOSE_SECONDS)
        elif killed:
            log.error("JACK output: its process did not end within %g s; killed: notes it held may still sound "
                      "(the synth's panic ends them)", CLOSE_SECONDS)
        if self.lost:
            log.info("JACK output: %d messages went nowhere (no JACK server, or its process not keeping up)", self.lost)


# --- the JACK process --------------------------------------------------------------------------------------


class Writer:
    """The process callback's state: a time-ordered queue of (time, seq, voice, message, ident, grace) and the books.

    Records arrive in ``inbox`` (a deque: appends and pops are atomic, so the reader thread and the
    callback share it without a lock); the callback alone touches the queue and the books.
    """

    def __init__(self, port, rate: int, frames_since_cycle_start: Callable[[], int], frame_time: Callable[[], int],
                 now: Callable[[], float] = time.perf_counter, keep_stretches: bool = False):
        self.port = port
        self.rate = rate
        self._since_start = frames_since_cycle_start
        self._frame_time = frame_time  # JACK's frame count at the start of the period being processed
        self._now = now
        self.inbox: deque[tuple] = deque()
        self.queue: list[tuple[float, int, int, bytes, int, float]] = []
        self.books = midi_out.Books()
        self._seq = itertools.count()
        self.quitting = 0  # 1: ending queued events, 2: the books' ending queued
        self.done = threading.Event()
        self.written = 0  # every message put on the wire, those written again after xruns included
        self.full_periods = 0  # periods whose MIDI buffer could not take every event due
        self.too_late = 0  # note-ons not written: their frame came later than their grace after their time
        self.late = Window(100000)  # seconds each timed event went out after its time
        self.busy = Window(100000)  # seconds each callback took
        self.began = Window(100000)  # seconds into its period each callback began (JACK's count of frames)
        self.period = 0.0  # seconds
        self.recent_offs: deque[tuple[float, bytes, int]] = deque()  # (when first written, note-off, times again)
        self.xruns = 0  # counted by JACK's xrun callback (another thread): a repair is due when it moves
        self._repaired_xruns = 0
        self.repaired = 0  # note-offs written again after xruns
        self.again: deque[tuple[float, bytes, int]] = deque()  # (when first written, note-off, times) to write again
        self.owed: Counter[tuple[int, int]] = Counter()  # (channel, pitch) -> note-offs due once it is silent
        self.period_written: list[tuple[int, bytes]] = []  # (offset, message) first written by the last callback
        # the note-ons written and not yet ended, by ident, for ``withdraw`` (what a period can have written ahead of
        # the daemon), and the ident of each (channel, pitch)'s last
        self.written_ons: OrderedDict[int, bytes] = OrderedDict()
        self._written_keys: dict[tuple[int, int], int] = {}
        self._frame = -1  # the frame count the last callback ran for
        self._moved = False  # the frame count changed while the last callback ran
        self.unread_periods = 0  # periods whose messages were written again: they may have gone unread
        self.unread_messages = 0
        self._end: float | None = None  # when the last period this process was called back for ended
        self.stretches = 0  # periods that began after the one before ended: time no period of this process covered
        self.stretch_seconds = 0.0
        self.missed_periods = 0  # periods JACK ran without calling this process back (its frame count jumped)
        self.uncovered = 0  # timed events that fell due in such a stretch
        self.late_covered = Window(100000)  # seconds each other timed event went out after its time
        # (from, to, periods JACK's frame count moved) of each stretch, where asked (``STRETCHES_ENV``)
        self.stretch_log: deque[tuple[float, float, int]] | None = (deque(maxlen=STRETCHES_KEPT) if keep_stretches
                                                                    else None)

    def take(self, record: tuple) -> None:
        at, voice, kind, message, ident, grace = record
        if kind == EVENT:
            heapq.heappush(self.queue, (at, next(self._seq), voice, message, ident, grace))
        elif kind == DROP:
            self.drop(voice)
        elif kind == RETIME:
            self.retime(ident, at)
        elif kind == WITHDRAW:
            self.withdraw(ident)
        elif kind == QUIT and not self.quitting:
            self.drop(ALL_VOICES)
            self.quitting = 1

    def drop(self, voice: int) -> None:
        """A voice's queued note-ons go; its queued note-offs and controls go out at once."""
        kept = []
        for at, seq, v, message, ident, grace in self.queue:
            if voice in (ALL_VOICES, v):
                if midi_out.is_note_on(message):
                    continue
                at = AT_ONCE
            kept.append((at, seq, v, message, ident, grace))
        heapq.heapify(kept)
        self.queue = kept

    def retime(self, ident: int, at: float) -> None:
        """A queued event to its new time (the daemon's clock changed after handing it over). One already written,
        or sent at once by a drop, stays as it is. A note-on keeps its grace after its new time."""
        for i, (old, seq, voice, message, queued, grace) in enumerate(self.queue):
            if queued == ident and old != AT_ONCE:
                self.queue[i] = (at, seq, voice, message, ident, grace)
                heapq.heapify(self.queue)
                return

    def withdraw(self, ident: int) -> None:
        """A queued event goes unwritten (planned past a wrap of Live's loop that moved); one sent at once by a drop
        stays as it is. A note-on already written (a period longer than the daemon's guard before a wrap) is ended
        at once: the daemon's books no longer count it, and no note-off of its own will come."""
        for i, (at, _, _, _, queued, _) in enumerate(self.queue):
            if queued == ident and at != AT_ONCE:
                self.queue[i] = self.queue[-1]
                self.queue.pop()
                heapq.heapify(self.queue)
                return
        message = self.written_ons.pop(ident, None)
        if message is not None:
            key = midi_out.note_key(message)
            self._written_keys.pop(key, None)
            heapq.heappush(self.queue, (AT_ONCE, next(self._seq), ALL_VOICES, midi_out.note_off(*key), 0, math.inf))

    def process(self, frames: int) -> None:
        """JACK's process callback: each event due in this period at its frame, as many as the buffer takes."""
        began, into, frame = self._now(), self._since_start() / self.rate, self._frame_time()
        self.port.clear_buffer()
        if self.done.is_set():  # every note ended: nothing more to write, and the exit line is read off what is here
            return
        while self.inbox:
            self.take(self.inbox.popleft())
        start = self._now() - self._since_start() / self.rate  # this period's first frame
        end = start + frames / self.rate
        uncovered_from, moved = start, (frame - self._frame) % 2**32 // frames if self._frame >= 0 else 1
        self.missed_periods += max(0, moved - 1)
        if self._end is not None and start - self._end > GAP_FRAMES / self.rate:
            uncovered_from = self._end
            self.stretches += 1
            self.stretch_seconds += start - self._end
            if self.stretch_log is not None:
                self.stretch_log.append((self._end, start, moved))
        while self.recent_offs and self.recent_offs[0][0] < start - REPAIR_SECONDS:
            self.recent_offs.popleft()
        if self.xruns != self._repaired_xruns:
            self._repaired_xruns = self.xruns
            self._repair(start - REPAIR_SECONDS)
        last = self._write_unread(frame)
        self._write_again(last)
        queue = self.queue
        while queue and queue[0][0] < end:
            at, _, _, message, ident, grace = queue[0]
            if self.port.max_event_size < len(message):
                self.full_periods += 1
                break
            heapq.heappop(queue)
            offset = min(frames - 1, max(last, int((at - start) * self.rate)))
            if start + offset / self.rate - at > grace:  # held up past it: a missed note rather than a late one
                self.too_late += 1
                continue
            if not self.books.admit(message):
                continue
            if ident and midi_out.is_note_on(message):
                self.written_ons[ident] = message
                self._written_keys[midi_out.note_key(message)] = ident
                if len(self.written_ons) > WRITTEN_KEPT:
                    self.written_ons.popitem(last=False)
            elif midi_out.is_note_off(message):  # its note ended: a withdrawal of it comes too late to end it again
                self.written_ons.pop(self._written_keys.pop(midi_out.note_key(message), 0), None)
            self._put(offset, message)
            last = offset
            if midi_out.is_note_off(message):
                self.recent_offs.append((start, message, 0))
                key = midi_out.note_key(message)
                if self.owed.get(key) and not self.books.count(key):
                    self.again.extend([(start, message, 1)] * self.owed.pop(key))
                    self._write_again(offset)
            if at != AT_ONCE:
                self.late.append(start + offset / self.rate - at)
                if uncovered_from <= at < start:
                    self.uncovered += 1
                else:
                    self.late_covered.append(start + offset / self.rate - at)
        if self.quitting == 1 and not queue and not self.again:
            for message in self.books.ending():
                heapq.heappush(queue, (AT_ONCE, next(self._seq), ALL_VOICES, message, 0, math.inf))
            self.quitting = 2
        self._moved, self._frame, self._end = self._frame_time() != frame, frame, end
        self.busy.append(self._now() - began)
        self.began.append(into)
        self.period = frames / self.rate
        # Done once the last note-offs are past the repair window, so an xrun meanwhile still repairs them; last, so
        # that the exit line, read once done, counts this period too
        if self.quitting == 2 and not queue and not self.again and not self.recent_offs and not self._moved:
            self.done.set()

    def _put(self, offset: int, message: bytes, first: bool = True) -> None:
        """Write a message; one written for the ``first`` time is kept to be written again if this period goes unread.
        What is written again is not kept again: that would carry a growing load from one late callback to the next,
        each later for it (seen: a run of them held back every event); a note-off lost twice is the repair's."""
        self.port.write_midi_event(offset, message)
        if first:
            self.period_written.append((offset, message))
        self.written += 1

    def _write_unread(self, frame: int) -> int:
        """What the last callback wrote, again, when its period may have gone unread (see the module's docstring);
        the offset of the last one. In the same cycle again at the same offsets, else at this period's first frame.
        What does not fit in the buffer is not written again (it held no more than one buffer's worth, and a
        note-on takes two here): its note-offs then wait for the next period with the repairs."""
        written, self.period_written = self.period_written, []
        same_cycle = frame == self._frame
        if not written or not (same_cycle or self._moved):
            return 0
        self.unread_periods += 1
        last = 0
        for offset, message in written:
            last = offset if same_cycle else 0
            if not midi_out.is_note_on(message):
                again = [message]
            elif self.books.count(midi_out.note_key(message)) <= 1:
                again = [midi_out.note_off(*midi_out.note_key(message)), message]
            else:
                continue
            for one in again:
                if self.port.max_event_size < len(one):
                    if midi_out.is_note_off(one):
                        self.again.append((self._now(), one, 1))
                    continue
                self._put(last, one, first=False)
                self.unread_messages += 1
        return last

    def _repair(self, since: float) -> None:
        """After an xrun: the note-offs first written since ``since`` are due again, now for silent pitches, for the
        others once silent. Checked here, not only by the pruning in ``process``: a repair written late (the
        buffer was full) can stand behind newer entries."""
        for first, message, times in self.recent_offs:
            if first < since or times >= REPAIR_TIMES:
                continue
            key = midi_out.note_key(message)
            if self.books.count(key):
                self.owed[key] += 1
            else:
                self.again.append((first, message, times + 1))
        self.recent_offs.clear()

    def _write_again(self, offset: int) -> None:
        """The note-offs due again, at ``offset``, as many as the buffer takes (the rest first thing next period).
        Each stays due for the repair until ``REPAIR_SECONDS`` after it was first written: xruns come in runs, and
        one that loses this period loses the repair too, so the next repair writes it once more, up to
        ``REPAIR_TIMES``; but a note-off is not repeated for as long as xruns keep coming."""
        while self.again and self.port.max_event_size >= len(self.again[0][1]):
            first, message, times = self.again.popleft()
            self._put(offset, message, first=False)
            self.recent_offs.append((first, message, times))
            self.repaired += 1

    def on_xrun(self, delay: float = 0.0) -> None:
        """JACK's xrun callback (its own thread): the next period repairs (none once done: every note has ended)."""
        if not self.done.is_set():
            self.xruns += 1

    def summary(self) -> str:
        busy = quantiles(self.busy, 1e6)
        into = quantiles(self.began, 1e6)
        took = (f"; the callback took p50 {busy[0]:.0f} µs, p99 {busy[1]:.0f} µs, max {busy[2]:.0f} µs of a "
                f"{self.period * 1e6:.0f} µs period; it began p50 {into[0]:.0f} µs, p99 {into[1]:.0f} µs, "
                f"max {into[2]:.0f} µs into its period") if busy else ""
        took += f"; {self.too_late} note-ons not written, their frame too late for their grace"
        late = quantiles(self.late, 1000)
        repairs = (f"; {self.unread_periods} periods that may have gone unread (their {self.unread_messages} messages "
                   f"written again); {self.xruns} xruns, after which {self.repaired} note-offs were written again")
        if not late:
            return f"{self.written} messages written{repairs}{took}"
        covered = quantiles(self.late_covered, 1000) or (0.0, 0.0, 0.0)
        return (f"{self.written} messages written at their frame; placed after their time by p50 {late[0]:.3f} ms, "
                f"p99 {late[1]:.3f} ms, max {late[2]:.3f} ms; {self.full_periods} full MIDI buffers "
                f"(the rest waited a period); of those timed, {self.uncovered} fell due in {self.stretches} "
                f"stretches no period of this process covered ({self.stretch_seconds * 1000:.1f} ms in all; "
                f"{self.missed_periods} periods JACK ran without calling it back); the rest were placed after their "
                f"time by p99 {covered[1]:.3f} ms, max {covered[2]:.3f} ms{repairs}{took}")


class DirectPort:
    """The JACK output port as the writer uses it, its MIDI buffer looked up once a period.

    JACK-Client's ``OwnMidiPort`` looks the buffer up again for each ``write_midi_event`` and each
    ``max_event_size``, three or four calls into libjack for every event: 8.3 µs an event on the AMD EPYC, against
    1.8 µs when the buffer is looked up once, and a period with a step's notes in it has 16 or more. That time is
    the callback's, and the clients after it in JACK's graph (the synth) wait for it. This goes through the same
    binding of libjack that JACK-Client made (its ``_lib`` and the port's ``_ptr``)."""

    def __init__(self, port, lib, ffi, frames: int):
        self._port, self._lib, self._ffi, self._frames = port._ptr, lib, ffi, frames
        self._buffer = None

    def clear_buffer(self) -> None:
        # an output port's buffer does not depend on the frames asked for (those are for mixing inputs)
        self._buffer = self._lib.jack_port_get_buffer(self._port, self._frames)
        self._lib.jack_midi_clear_buffer(self._buffer)

    @property
    def max_event_size(self) -> int:
        return self._lib.jack_midi_max_event_size(self._buffer)

    def write_midi_event(self, offset: int, message: bytes) -> None:
        if self._lib.jack_midi_event_write(self._buffer, offset, self._ffi.from_buffer(message), len(message)):
            raise RuntimeError(f"JACK refused a MIDI event at frame {offset} (the writer checks the room first)")


def say(status: str, text: str = "") -> None:
    print(f"{status} {text}".strip(), flush=True)


def read_records(fd: int, inbox: deque) -> None:
    """The pipe from the daemon into the callback's inbox; at its end (the daemon exited or was killed), QUIT."""
    pending = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            inbox.append((AT_ONCE, ALL_VOICES, QUIT, b"", 0, math.inf))
            return
        pending += chunk
        whole = len(pending) // RECORD.size * RECORD.size
        for offset in range(0, whole, RECORD.size):
            inbox.append(RECORD.unpack_from(pending, offset))
        pending = pending[whole:]


def open_client(jack, name: str, wait: bool):
    """A client on the running server; with ``wait``, try until one is there."""
    announced = False
    while True:
        try:
            return jack.Client(name, no_start_server=True)
        except jack.JackOpenError:
            if not wait:
                raise
        if not announced:
            say("waiting")
            announced = True
        time.sleep(RETRY_SECONDS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stylevae.bridge.jack_out")
    parser.add_argument("port_name")
    parser.add_argument("--existing")
    parser.add_argument("--wait", action="store_true")
    args = parser.parse_args(argv)
    # This process's own threads (this one, the pipe's reader) take the GIL that JACK's thread needs for the
    # callback: at real-time priority (below JACK's) no ordinary process can pre-empt one of them while it holds
    # it, and the GIL changes hands quickly. Its threads inherit the priority.
    realtime_priority()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        import jack
    except OSError as exc:  # the package is there but libjack is not
        say("error", f"cannot load libjack ({exc}); apt-get install jackd2 (or pick --midi-backend alsa)")
        return 1
    # libjack's own messages (a lost server, a retry) would fill the daemon's log: the status lines say it once
    jack.set_error_function(lambda message: None)
    jack.set_info_function(lambda message: None)
    try:
        client = open_client(jack, args.port_name, args.wait)
    except jack.JackOpenError:
        say("error", f"cannot reach a JACK server; {midi_out.HELP}")
        return 1
    port = client.midi_outports.register("out")
    stretches_file = os.environ.get(STRETCHES_ENV)
    writer = Writer(DirectPort(port, jack._lib, jack._ffi, client.blocksize), client.samplerate,
                    lambda: client.frames_since_cycle_start, lambda: client.last_frame_time,
                    keep_stretches=bool(stretches_file))
    gone: list[str] = []

    def shutdown(status, reason: str) -> None:
        gone.append(reason or "shut down")
        writer.done.set()  # wakes the main thread

    client.set_process_callback(writer.process)
    client.set_shutdown_callback(shutdown)
    client.set_xrun_callback(writer.on_xrun)
    client.activate()
    realtime_process()  # libjack's threads, started by now, where the xrun callback takes the GIL
    target, connected = None, True
    if args.existing and args.wait:  # a restart: the exact name found at start, connected when it is there
        target = args.existing
    elif args.existing:
        inputs = [p.name for p in client.get_ports(is_midi=True, is_input=True)]
        try:
            target = inputs[midi_out.match_port(inputs, args.existing, "jack")]
        except midi_out.MidiError as exc:
            say("error", str(exc))
            client.deactivate()
            client.close()
            return 1
    if target is not None:
        connected = follow_target(client, port, target, connected)
    say("ready", target or port.name)
    threading.Thread(target=read_records, args=(sys.stdin.fileno(), writer.inbox), daemon=True).start()
    # A restart: the process before ended with notes sounding (it crashed, or the server went), and their note-offs
    # from the daemon find nothing in these books. Once the port reaches someone, All Notes Off on every channel
    # ends them there (the port's own or a patchbay's connection, or the --midi-port target).
    silence_owed = args.wait
    while True:
        if silence_owed and reaches_someone(client, port):
            for channel in range(1, 17):
                writer.inbox.append((AT_ONCE, ALL_VOICES, EVENT, midi_out.all_notes_off(channel), 0, math.inf))
            silence_owed = False
        if writer.done.wait(WATCH_SECONDS if target is not None or silence_owed else None):
            break
        if target is not None:
            connected = follow_target(client, port, target, connected)
    if gone:
        say("gone", gone[0])
        os._exit(GONE_EXIT)  # libjack's state after a server's death is not to be trusted for a clean close
    time.sleep(4 * client.blocksize / client.samplerate + 0.01)  # the last period's events reach the readers
    # The exit line before leaving JACK: JACK2 took 2 s to deactivate a client that had been frozen (SIGSTOP) for a
    # few seconds, once more than the daemon waits before it kills this process (CLOSE_SECONDS), and the line was lost
    say("summary", writer.summary())
    if stretches_file:
        with open(stretches_file, "w", encoding="utf-8") as out:
            out.writelines(f"{a:.7f} {b:.7f} {n}\n" for a, b, n in writer.stretch_log)
    client.deactivate()
    client.close()
    return 0


def reaches_someone(client, port) -> bool:
    """Whether the port is connected to any input now (a port that goes away while listed: not yet)."""
    try:
        return bool(client.get_all_connections(port))
    except Exception:  # jack.JackError, as in follow_target
        return False


def follow_target(client, port, target: str, connected: bool) -> bool:
    """Say when the --midi-port target goes away, and connect to it again when it is back. JACK-Client lists the
    ports' names and then looks each one up, raising JackError for one that went away in between (a synth closing,
    a device unplugged): that says nothing yet, the next check looks again, and the process goes on; ending here
    would end it without the note-offs of its notes."""
    try:
        if any(p.name == target for p in client.get_all_connections(port)):
            return True
        there = any(p.name == target for p in client.get_ports(is_midi=True, is_input=True))
    except Exception:  # jack.JackError (imported in main, after the libjack check)
        return connected
    if there:
        try:
            client.connect(port, target)
        except Exception:  # gone again meanwhile: the next check tries again
            return False
        if not connected:
            say("port-back", target)
        return True
    if connected:
        say("port-gone", target)
    return False


if __name__ == "__main__":
    sys.exit(main())
