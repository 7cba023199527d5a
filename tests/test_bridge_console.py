"""Windows' console closing stops the daemon through its clean-up: checked with a stand-in kernel32 (the handler
Windows would call is called here, from a thread of its own as Windows does)."""

from __future__ import annotations

import threading

from stylevae.bridge import cli, console, serve


class Kernel:
    """kernel32's SetConsoleCtrlHandler: the handlers registered, and the calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, int]] = []

        def set_handler(handler, add) -> int:  # a function, so that argtypes can be set on it as on ctypes'
            self.calls.append((handler, add))
            return 1

        self.SetConsoleCtrlHandler = set_handler


def windows(kernel: Kernel, interrupt=lambda: None) -> console.ConsoleClose:
    return console.ConsoleClose("win32", load=lambda name: kernel, interrupt=interrupt)


def call_in_a_thread(handler, event: int) -> tuple[threading.Thread, list[int]]:
    answer: list[int] = []
    thread = threading.Thread(target=lambda: answer.append(handler(event)), daemon=True)
    thread.start()
    return thread, answer


def test_closing_interrupts_and_waits_for_the_clean_up_before_windows_may_end_the_process():
    kernel, interrupted = Kernel(), threading.Event()
    with windows(kernel, interrupted.set) as closing:
        (handler, add), = kernel.calls
        assert handler is closing.callback and add == 1
        thread, answer = call_in_a_thread(handler, console.CTRL_CLOSE_EVENT)
        assert interrupted.wait(console.CLEAN_UP_SECONDS / 2)
        thread.join(0.2)
        assert thread.is_alive()  # waits while the clean-up runs
    thread.join(2)  # at once, not at the end of its wait: Windows ends the process as soon as it returns
    assert not thread.is_alive() and answer == [1] and kernel.calls[-1] == (closing.callback, 0)


def test_ctrl_c_and_ctrl_break_are_left_to_pythons_handler():
    kernel, interrupts = Kernel(), []
    with windows(kernel, lambda: interrupts.append(1)) as closing:
        assert [closing.callback(event) for event in (0, 1)] == [0, 0]  # CTRL_C_EVENT, CTRL_BREAK_EVENT
    assert interrupts == []


def test_elsewhere_nothing_is_registered():
    kernel = Kernel()
    with console.ConsoleClose("linux", load=lambda name: kernel):
        pass
    assert kernel.calls == []


def test_a_console_closing_while_serve_starts_ends_it_through_its_clean_up(monkeypatch, capsys, tmp_path):
    """The whole path in-process: serve registers the handler; the console closes while it starts (the handler
    called from another thread, the main thread interrupted as Windows' Ctrl-C would); the start is abandoned as
    Ctrl-C abandons it (exit 130), and the handler returns once the clean-up is done."""
    kernel = Kernel()
    monkeypatch.setattr(serve, "raise_nice", lambda: False)
    monkeypatch.setattr(serve, "ConsoleClose", lambda: windows(kernel, console._thread.interrupt_main))
    answer: list[int] = []
    answered = threading.Event()

    def windows_calls_the_handler():
        answer.append(kernel.calls[0][0](console.CTRL_CLOSE_EVENT))
        answered.set()

    def close_the_console(config):
        threading.Thread(target=windows_calls_the_handler, daemon=True).start()
        # the interrupt lands in this (the main) thread meanwhile. Not a join of the handler's thread: Python 3.11's
        # join, broken into by KeyboardInterrupt, marks a thread that is still running as ended (bpo-45274's
        # clean-up), and a later join would return before the handler had
        threading.Event().wait(2)

    monkeypatch.setattr(serve, "setup_torch", close_the_console)
    code = cli.main(["serve", "--checkpoint", str(tmp_path / "nope")])
    answered.wait(2)  # at once: the clean-up is done (its wait would end only after 4.5 s)
    assert code == 130 and answer == [1]
    assert [add for _, add in kernel.calls] == [1, 0]
