"""A JACK MIDI listener in a process of its own that gives each message the perf_counter time of its frame.

jack_midi_dump gives frames, and the dummy driver's frame clock is not the wall clock: it runs a little fast
and, on a loaded machine, stalls and jumps, so frames cannot be turned into times after the fact. Here the
process callback puts each period on perf_counter when it runs (now less JACK's own count of the frames
since the period began, as the daemon's JACK output does to place events), so a note's time is the time of
its frame as JACK had it then. The callback only appends to a deque; the main thread prints, at real-time
priority below JACK's, so a busy machine neither starves the printing nor delays JACK's thread on the GIL.

The stamp is only as good as that count, and JACK 2 counts from the cycle its engine is in: every client reads
one shared timer (``jack_frames_since_cycle_start`` and ``jack_last_frame_time`` in JACK 2's JackAPI.cpp). So
each line also says how far into its period the callback began (``lag``, seconds) and by how many cycles JACK's
cycle counter had run ahead of this listener's count of its own callbacks (``ahead``). A cycle whose callback
did not run (the listener was late: an xrun) raises it by one for good; held 3 ms at a 32-frame period, a
callback was followed by one whose count had run 3 cycles ahead, and it stayed so (JACK skipped the cycles
rather than running them late). A note stamped right after the count rose was stamped by a listener that had
just been late, so its stamp is suspect.

A period that began later than the one before it ended leaves a stretch of time no period covered: JACK's own
thread was late (on a virtual machine, the host took its core). No client can place an event whose time falls in
such a gap at that time, only at the next period's first frame. The listener says where each gap was, so that
late notes can be told apart by whose lateness they show.

Usage: python jack_listen.py CLIENT [SOURCE_PORT]; prints ``ready`` then ``<seconds> <lag> <ahead> <hex bytes>``
lines and ``gap <from> <to> <cycles>`` lines (seconds: the end of a period and the start of the next, more than
``GAP_FRAMES`` later; and how many periods JACK's frame count moved between the two: more than 1 means the
listener missed periods JACK ran, not a gap of JACK's), and ends at EOF on stdin.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import deque

GAP_FRAMES = 2  # a period's start is read to a frame (JACK floors the frames since it began): less is not a gap


def main() -> int:
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(2))  # as the note sender: REALTIME_PRIORITY
    except (AttributeError, OSError):
        pass
    sys.setswitchinterval(0.0002)
    import jack

    jack.set_error_function(lambda message: None)
    client = jack.Client(sys.argv[1], no_start_server=True)
    port = client.midi_inports.register("input")
    rate = client.samplerate
    heard: deque[tuple[float, float, int, bytes]] = deque()
    gaps: deque[tuple[float, float, int]] = deque()
    first_cycle: list[int] = []
    callbacks = [0]
    last = [0.0, 0]  # the end of the last period called back, and its frame count

    @client.set_process_callback
    def process(frames: int) -> None:
        lag = client.frames_since_cycle_start / rate
        start = time.perf_counter() - lag
        cycle = client.last_frame_time
        if not first_cycle:
            first_cycle.append(cycle)
        ahead = ((cycle - first_cycle[0]) % 2**32) // frames - callbacks[0]
        callbacks[0] += 1
        if last[0] and start - last[0] > GAP_FRAMES / rate:
            gaps.append((last[0], start, ((cycle - last[1]) % 2**32) // frames))
        last[:] = start + frames / rate, cycle
        for offset, data in port.incoming_midi_events():
            heard.append((start + offset / rate, lag, ahead, bytes(data)))

    client.activate()
    if len(sys.argv) > 2:
        client.connect(sys.argv[2], port)
    print("ready", flush=True)
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    while True:
        finished = done.wait(0.01)
        lines = []
        while heard:
            t, lag, ahead, data = heard.popleft()
            lines.append(f"{t:.7f} {lag:.7f} {ahead} {data.hex(' ')}\n")
        while gaps:
            lines.append("gap {:.7f} {:.7f} {}\n".format(*gaps.popleft()))
        if lines:
            sys.stdout.write("".join(lines))
            sys.stdout.flush()
        if finished:
            break
    client.deactivate()
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
