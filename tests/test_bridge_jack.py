"""The dummy JACK server the daemon starts (bridge/jack.py): why it did not start, in one line. A stand-in ``jackd``
on the PATH prints what jack2's does; the real server is the end-to-end tests' (tests/e2e)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from stylevae.bridge import jack, serve

BANNER = "jackdmp 1.9.21\\nThis is free software, and you are welcome to redistribute it\\n" \
         "under certain conditions; see the file COPYING for details\\n"
# The daemon starts jackd on Linux only (platform.starts_jack); the tests below stand in for it with a script run by
# its #! line, and name jack2's semaphores by user id: neither works on Windows
NOT_WINDOWS = pytest.mark.skipif(sys.platform == "win32", reason="a #! script and user ids, POSIX's")


def stand_in(tmp_path: Path, monkeypatch, errors: str) -> None:
    """A ``jackd`` that prints ``errors`` on stderr and then jack2's banner on stdout (jackd's stdout is buffered
    into a file, so its banner lands after its errors), and exits 255 as jack2's does when it cannot open its
    server."""
    script = tmp_path / "jackd"
    script.write_text(f"#!{sys.executable}\nimport sys\nsys.stderr.write('{errors}')\nsys.stderr.flush()\n"
                      f"sys.stdout.write('{BANNER}')\nsys.exit(255)\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")


@NOT_WINDOWS
def test_a_full_registry_of_servers_is_named_with_what_to_do(tmp_path, monkeypatch):
    stand_in(tmp_path, monkeypatch, "Too many servers already active\\nFailed to open server\\n")
    with pytest.raises(jack.JackError) as refused:
        jack.DummyServer(f"full{tmp_path.name[-6:]}", timeout=10)
    message = str(refused.value)
    assert "\n" not in message and "registry of servers is full" in message and str(jack.REGISTRY) in message


@NOT_WINDOWS
def test_another_failure_is_jackds_own_last_error_not_its_banner(tmp_path, monkeypatch):
    stand_in(tmp_path, monkeypatch, "Cannot lock down 82280346 byte memory area\\nFailed to open server\\n")
    with pytest.raises(jack.JackError, match=r"jackd did not start \(Failed to open server\)$"):
        jack.DummyServer(f"fail{tmp_path.name[-6:]}", timeout=10)


@NOT_WINDOWS
def test_a_stopped_servers_left_semaphores_go_and_only_its_own(tmp_path):
    uid = os.getuid()
    names = [f"jack_sem.{uid}_sv1_listener", f"jack_sem.{uid}_sv1_out_put", f"jack_sem.{uid}_sv1_dump_a",
             f"jack_sem.{uid}_sv12_listener", f"jack_sem.{uid + 1}_sv1_listener", "jack-shm-registry"]
    for name in names:
        (tmp_path / name).touch()
    # a running server "sv1_out" may own "sv1_out_put" (its client "put"); "sv1_dump" is not running
    jack.remove_semaphores("sv1", shm=tmp_path, running=lambda name: name == "sv1_out")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:2] + names[3:])


def test_a_dead_server_that_cannot_be_started_again_is_tried_again_not_the_end_of_the_daemon(monkeypatch, caplog):
    """The daemon's main loop restarts a ``--start-jack`` server that died; a start that fails for want of a process
    or a file (OSError, not JackError) must leave it to the next round, not end the daemon with a traceback."""
    def no_process(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(jack, "DummyServer", no_process)
    dead = SimpleNamespace(process=SimpleNamespace(poll=lambda: -9, returncode=-9), died_reported=False,
                           name="gone", rate=48000, period=256)
    assert serve.keep_running(dead) is dead and serve.keep_running(dead) is dead
    assert dead.died_reported and sum("died" in r.getMessage() for r in caplog.records) == 1
