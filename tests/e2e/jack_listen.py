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

Usage: python jack_listen.py CLIENT [SOURCE_PORT]; prints ``ready`` then ``<seconds> <lag> <ahead> <hex bytes>``
lines, and ends at EOF on stdin.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import deque


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
    first_cycle: list[int] = []
    callbacks = [0]

    @client.set_process_callback
    def process(frames: int) -> None:
        lag = client.frames_since_cycle_start / rate
        start = time.perf_counter() - lag
        cycle = client.last_frame_time
        if not first_cycle:
            first_cycle.append(cycle)
        ahead = ((cycle - first_cycle[0]) % 2**32) // frames - callbacks[0]
        callbacks[0] += 1
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
