"""Processes the daemon starts beside itself, which must not outlive it: the spinners of ``--keep-awake`` and the
JACK server it starts where none runs.

A daemon ended by SIGKILL runs no clean-up, so on Linux each such child asks the kernel for a signal of its own when
its parent goes (``prctl(PR_SET_PDEATHSIG)``), set in a small Python prelude that then executes the real program:
the request survives ``exec`` (it is cleared only for set-user-ID programs and programs with file capabilities). The
kernel sends it when the *thread* that started the child ends, so start them from the main thread. macOS and Windows
have no such request: there the command runs as given.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable

# argv: the signal, the parent's pid as the command was made, then the program and its arguments.
TIE = """import ctypes, os, sys
ctypes.CDLL(None).prctl(1, int(sys.argv[1]))  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[2]):  # the parent ended before the line above
    sys.exit(0)
os.execvp(sys.argv[3], sys.argv[3:])
"""


def tied(command: list[str], signum: int | None = None, system: str = sys.platform) -> list[str]:
    """``command`` run so that it gets ``signum`` (SIGKILL unless given) when the thread that starts it ends (Linux;
    elsewhere as given). The default is looked up only here: Windows has no SIGKILL."""
    if not system.startswith("linux"):
        return command
    signum = signal.SIGKILL if signum is None else signum
    return [sys.executable, "-c", TIE, str(int(signum)), str(os.getpid()), *command]


def console_group(system: str = os.name) -> int:
    """``creationflags`` for a child that ``interrupt`` can end cleanly: on Windows a process group of its own, the
    one way a process can be sent a signal it handles (Ctrl-Break) rather than ended outright (``terminate``), which
    would leave the daemon's notes sounding on the synth."""
    return subprocess.CREATE_NEW_PROCESS_GROUP if system == "nt" else 0


def interrupt(process: subprocess.Popen, system: str = os.name) -> None:
    """End a child as Ctrl-C in its console does (Ctrl-Break on Windows, which ``stylevae serve`` handles the same
    way: every note ended, the port closed). Start it with ``console_group``'s flags."""
    if system != "nt":
        process.send_signal(signal.SIGINT)
        return
    try:
        process.send_signal(signal.CTRL_BREAK_EVENT)
    except OSError:  # no console to send it through (pythonw): ended outright
        process.terminate()


class Children:
    """Child processes started and ended as one set: the daemon's spinners, and what a benchmark runs beside
    itself. Ending kills them all before waiting for any, so none outlives a slow sibling."""

    def __init__(self, spawn: Callable[..., subprocess.Popen] = subprocess.Popen) -> None:
        self._spawn = spawn
        self._running: list[subprocess.Popen] = []

    def start(self, command: list[str], count: int) -> None:
        """``count`` more processes running ``command``; if one cannot start, those started are ended before the
        error goes on, since a caller whose start failed does not come to its stop."""
        try:
            for _ in range(count):
                self._running.append(self._spawn(command, stdin=subprocess.DEVNULL))
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for process in self._running:
            process.kill()
        for process in self._running:
            process.wait()
        self._running.clear()

    def alive(self) -> int:
        """How many still run (all of them, unless something killed one)."""
        return sum(process.poll() is None for process in self._running)

    def pids(self) -> list[int]:
        return [process.pid for process in self._running]
