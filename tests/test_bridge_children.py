"""Children tied to the daemon: the command as run, on each system."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from stylevae.bridge.children import tied

PROGRAM = [sys.executable, "-c", "import sys; print(sys.argv[1:]); sys.exit(3)", "a b", "-n"]


@pytest.mark.parametrize("system", ["darwin", "win32"])
def test_elsewhere_than_linux_the_command_runs_as_given(system):
    assert tied(PROGRAM, signal.SIGTERM, system) == PROGRAM


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_on_linux_the_program_runs_with_its_arguments_and_exit_code():
    result = subprocess.run(tied(PROGRAM, signal.SIGTERM), capture_output=True, text=True, timeout=30)
    assert result.returncode == 3 and result.stdout.strip() == "['a b', '-n']", result


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_on_linux_the_program_holds_the_parent_death_signal_asked():
    check = [sys.executable, "-c", "import ctypes, signal; v = ctypes.c_int(); "
             "ctypes.CDLL(None).prctl(2, ctypes.byref(v)); print(v.value)"]  # PR_GET_PDEATHSIG
    result = subprocess.run(tied(check, signal.SIGTERM), capture_output=True, text=True, timeout=30)
    assert int(result.stdout) == signal.SIGTERM, result
