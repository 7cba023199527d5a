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

from stylevae.bridge.children import tied
from stylevae.bridge.platform import server_name, server_running


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
        self._log = tempfile.TemporaryFile()
        command = [executable, "-n", name, "-d", "dummy", "-r", str(rate), "-p", str(period)]
        self.process = subprocess.Popen(tied(command, signal.SIGTERM), stdout=self._log, stderr=subprocess.STDOUT,
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
        """What jackd printed so far (its xrun reports among it)."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def _tail(self) -> str:
        lines = self.output().strip().splitlines()
        return lines[-1] if lines else "no output"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def ensure_server() -> DummyServer | None:
    """Start a dummy JACK server under JACK_DEFAULT_SERVER's name unless one is running; None if not needed."""
    if server_running():
        return None
    name = server_name()
    os.environ["JACK_DEFAULT_SERVER"] = name
    return DummyServer(name)
