"""A JACK MIDI listener in a process of its own that gives each message the perf_counter time of its frame.

jack_midi_dump gives frames, and the dummy driver's frame clock is not the wall clock: it runs a little fast
and, on a loaded machine, stalls and jumps, so frames cannot be turned into times after the fact. Here the
process callback puts each period on perf_counter when it runs (now less JACK's own count of the frames
since the period began, as the daemon's JACK output does to place events), so a note's time is the time of
its frame as JACK had it then. The callback only appends to a deque; the main thread prints, at real-time
priority below JACK's, so a busy machine neither starves the printing nor delays JACK's thread on the GIL.

Each line also says how far into its period the callback began (JACK's count, in seconds). A note stamped late
in a period whose callback began late is the listener's own delay as much as the sender's: the stamp is only
as good as JACK's count of the frames since the period began.

Usage: python jack_listen.py CLIENT [SOURCE_PORT]; prints ``ready`` then ``<seconds> <lag> <hex bytes>`` lines,
and ends at EOF on stdin.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import deque


def main() -> int:
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
    except (AttributeError, OSError):
        pass
    sys.setswitchinterval(0.0002)
    import jack

    jack.set_error_function(lambda message: None)
    client = jack.Client(sys.argv[1], no_start_server=True)
    port = client.midi_inports.register("input")
    rate = client.samplerate
    heard: deque[tuple[float, float, bytes]] = deque()

    @client.set_process_callback
    def process(frames: int) -> None:
        lag = client.frames_since_cycle_start / rate
        start = time.perf_counter() - lag
        for offset, data in port.incoming_midi_events():
            heard.append((start + offset / rate, lag, bytes(data)))

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
            t, lag, data = heard.popleft()
            lines.append(f"{t:.7f} {lag:.7f} {data.hex(' ')}\n")
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
