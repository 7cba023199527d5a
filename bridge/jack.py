"""A JACK server with the dummy driver, for Linux machines with neither an ALSA sequencer nor JACK.

Headless machines (CI, a server, a fresh container) have no sound card: the dummy driver gives JACK a
clock without one, and a python-rtmidi JACK port then works as on a studio machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from stylevae.bridge.children import tied
from stylevae.bridge.platform import server_name, server_running

# jack2 keeps the servers of a machine in a small shared registry. A server that exits removes its entry; one killed
# outright (SIGKILL) leaves it, and jack2 reclaims an entry only for a new server of the same name, so servers of
# other names killed so fill it, and then no new server starts ("Too many servers already active").
REGISTRY = Path("/dev/shm/jack-shm-registry")
REGISTRY_FULL = "Too many servers already active"


class JackError(Exception):
    """JACK could not be started; the message says why and what to do."""


class DummyServer:
    """A ``jackd -d dummy`` child process, stopped with ``stop()`` (also on daemon exit). On Linux it also ends when
    the thread that started it does, SIGKILL of the daemon included (``children.tied``): a server the daemon started
    does not outlive it."""

    def __init__(self, name: str, rate: int = 48000, period: int = 256, timeout: float = 10.0):
        executable = shutil.which("jackd")
        if executable is None:
            raise JackError("jackd is not installed: `apt-get install jackd2` (or pick a port with --midi-port)")
        self.name, self.rate, self.period = name, rate, period
        self.died_reported = False  # for the daemon, which starts it again if it dies
        # Apart: jackd's errors go to stderr at once, its banner to stdout when it exits, and the error is the news.
        self._log, self._errors = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        command = [executable, "-n", name, "-d", "dummy", "-r", str(rate), "-p", str(period)]
        self.process = subprocess.Popen(tied(command, signal.SIGTERM), stdout=self._log, stderr=self._errors,
                                        stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + timeout
            while not server_running(name):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise JackError(f"jackd did not start ({self._tail()})")
                time.sleep(0.05)
            time.sleep(0.2)  # the socket appears a moment before the server takes clients
        except BaseException:  # a failed start, or Ctrl-C or SIGTERM during it: no server left behind
            self.stop()
            raise

    def output(self) -> str:
        """What jackd printed so far, its errors (xrun reports among them) after the rest."""
        return _read(self._log) + _read(self._errors)

    def _tail(self) -> str:
        """Why jackd did not start, in one line: its last error, else the last thing it printed."""
        errors = _read(self._errors).strip().splitlines()
        if any(REGISTRY_FULL in line for line in errors):
            return (f"JACK's registry of servers is full: a server killed outright stays in it; with no JACK server "
                    f"running, remove {REGISTRY} and try again")
        lines = errors or _read(self._log).strip().splitlines()
        return lines[-1] if lines else "no output"

    def stop(self) -> None:
        """Stop the server; if it was running, remove the semaphores of the clients it left connected."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            remove_semaphores(self.name)
        self._log.close()
        self._errors.close()


def remove_semaphores(server: str, shm: Path = REGISTRY.parent,
                      running: Callable[[str], bool] = server_running) -> None:
    """jack2 keeps a semaphore per client of a server in shared memory (``jack_sem.<uid>_<server>_<client>``) and
    removes it when the client closes or the server sees it go; a server that ends while a client is still connected
    leaves that one behind for good (seen with a listener and a daemon on a test's own server). Call it once the
    server ``server`` has ended: a client of it left can reach no server of that name any more (a restarted server
    makes its clients new semaphores), and a restarted server is started after the dead one has been stopped
    (``serve.keep_running``), by a stop that finds it ended and removes nothing. The names are ambiguous where a
    server's name has an underscore: server "a_b"'s client "c" and server "a"'s client "b_c" share one, so a
    semaphore that may be a running server's stays."""
    prefix = f"jack_sem.{os.getuid()}_{server}_"
    for left in shm.glob(prefix + "*"):
        words = left.name[len(prefix):].split("_")
        if not any(running(f"{server}_{'_'.join(words[:i])}") for i in range(1, len(words))):
            left.unlink(missing_ok=True)


def _read(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read().decode(errors="replace")


def ensure_server() -> DummyServer | None:
    """Start a dummy JACK server under JACK_DEFAULT_SERVER's name unless one is running; None if not needed."""
    if server_running():
        return None
    name = server_name()
    os.environ["JACK_DEFAULT_SERVER"] = name
    return DummyServer(name)
