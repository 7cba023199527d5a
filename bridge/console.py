"""Windows: closing the daemon's console window ends it through the same clean-up as Ctrl-C, every note ended.

Closing a console window (or Task Manager's End Task) sends its processes CTRL_CLOSE_EVENT, which Python maps to no
signal: the process was ended where it stood, its notes sounding on the synth. A handler registered with
``SetConsoleCtrlHandler`` runs on a thread Windows starts for it, and Windows ends the process when the handler
returns TRUE (Microsoft's HandlerRoutine page), or some 5 s after the event if it has not. So the handler
interrupts the main thread as Ctrl-C does (serve's SIGINT handler stops serving, or abandons a start) and waits, up
to ``CLEAN_UP_SECONDS``, for the clean-up to be done: the end of the ``with`` block this class is entered in, early
in serve, so that it ends after every other part. Ctrl-C and Ctrl-Break are left to Python's own handler (SIGINT,
SIGBREAK).
"""

from __future__ import annotations

import _thread
import ctypes
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from stylevae.bridge.platform import WINDOWS
from stylevae.bridge.realtime import load_library

log = logging.getLogger("stylevae.console")

CTRL_CLOSE_EVENT = 2  # wincon.h
CLEAN_UP_SECONDS = 4.5  # within the 5 s Windows leaves a process after CTRL_CLOSE_EVENT
# BOOL WINAPI HandlerRoutine(DWORD): stdcall on Windows; the C convention elsewhere, where only tests call it
HANDLER = getattr(ctypes, "WINFUNCTYPE", ctypes.CFUNCTYPE)(ctypes.c_int, ctypes.c_uint32)


class ConsoleClose:
    """``with`` it, closing the console stops serving cleanly; nothing outside Windows."""

    def __init__(self, system: str = sys.platform, load: Callable[[str], Any] = load_library,
                 interrupt: Callable[[], None] = _thread.interrupt_main) -> None:
        self._system, self._load, self._interrupt = system, load, interrupt
        self._done = threading.Event()
        self._kernel: Any = None
        self.callback = HANDLER(self._on_event)  # kept: Windows calls it for as long as it is registered

    def _on_event(self, event: int) -> int:
        if event != CTRL_CLOSE_EVENT:
            return 0  # not handled: Ctrl-C and Ctrl-Break go on to Python's handler
        if not self._done.is_set():
            log.warning("the console is closing: stopping, all notes off")
            self._interrupt()
            self._done.wait(CLEAN_UP_SECONDS)
        return 1

    def __enter__(self) -> ConsoleClose:
        if self._system != WINDOWS:
            return self
        try:
            kernel = self._load("kernel32")
            kernel.SetConsoleCtrlHandler.argtypes = [HANDLER, ctypes.c_int]
            if kernel.SetConsoleCtrlHandler(self.callback, 1):
                self._kernel = kernel
            else:
                log.debug("SetConsoleCtrlHandler refused: closing the console ends the daemon without note-offs")
        except (OSError, AttributeError) as exc:
            log.debug("no console close handler (%s)", exc)
        return self

    def __exit__(self, *exc: object) -> None:
        """The clean-up is done: a handler waiting for it returns, and Windows may end the process."""
        self._done.set()
        if self._kernel is not None:
            self._kernel.SetConsoleCtrlHandler(self.callback, 0)
            self._kernel = None
