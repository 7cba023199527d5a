"""Is JACK late for its periods more often with the machine idle, or with it busy? A listener alone on a JACK server
of its own (``bridge_bench.alone_run``: dummy driver, period 32, 0.67 ms) for SECONDS under each load below, the
loads taking turns over ROUNDS rounds, each load's processes at nice 19:

- ``none``: nothing beside it;
- ``spin1``, ``spin2``: one or two Python processes spinning in a loop (no system calls, no memory traffic);
- ``tick1k``: one process waking 1000 times a second and sleeping again;
- ``mem1``: one process streaming over a 64 MB array;
- ``keep-awake``: the daemon's own ``--keep-awake`` (``bridge/awake.py``), held in this process the way it takes
  here: a 0 µs PM QoS request where the kernel has a cpuidle driver, one spinner a core at SCHED_IDLE where not.

Each row gives how the cores were kept awake if they were, jackd's own count of its late periods a minute (the dummy
driver's xruns), the listener's periods begun late and those JACK ran without calling it back, the time no period of
it covered, and the host's steal during the run. On a virtual machine an idle CPU halts and goes back to the host;
``spin2`` keeps both from idling.

Usage: .venv/bin/python bench/idle_loads.py ROUNDS SECONDS OUT.json
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bridge_bench  # noqa: E402
from machine_facts import machine, steal_share  # noqa: E402

from stylevae.bridge.awake import KeepAwake  # noqa: E402
from stylevae.bridge.children import Children  # noqa: E402

PY = sys.executable
LOADS = {
    "none": [],
    "spin1": [[PY, "-c", "while True: pass"]],
    "spin2": [[PY, "-c", "while True: pass"]] * 2,
    "tick1k": [[PY, "-c", "import time\nwhile True: time.sleep(0.001)"]],
    "mem1": [[PY, "-c", "import numpy as np\na=np.ones(64<<17)\nwhile True: a+=1.0"]],
    "keep-awake": [],  # no process of its own: KeepAwake below
}


def run(name: str, seconds: float) -> dict:
    """The listener alone for ``seconds`` beside the load ``name``, with the steal meanwhile."""
    load = Children()
    with KeepAwake(name == "keep-awake") as awake:
        try:
            for command in LOADS[name]:
                load.start(["nice", "-n", "19", *command], 1)
            time.sleep(1.0)
            start = machine()
            result = bridge_bench.alone_run(seconds, 32)
            result["steal"] = steal_share(start["cpu_times"], machine()["cpu_times"])
            result["awake"] = awake.how
            return result
        finally:
            load.stop()


def main() -> None:
    rounds, seconds, out = int(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3])
    rows = []
    for i in range(rounds):
        for name in LOADS:
            r = run(name, seconds)
            rows.append({"round": i + 1, "load": name, "awake": r["awake"], "steal": r["steal"],
                         "xruns_per_min": r["jack_said"]["driver_xruns_per_min"],
                         "late_per_min": r["jack_late_per_min"], "missed_per_min": r["missed_periods_per_min"],
                         "stretch_ms_per_min": r["stretch_ms_per_min"]})
            print(json.dumps(rows[-1]), flush=True)
            out.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
