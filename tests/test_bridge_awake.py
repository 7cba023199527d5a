"""``--keep-awake`` (bridge/awake.py): which way it keeps the cores from idling on which machine, that its spinners
run at the lowest priority and end with it, even when the daemon is killed, and that what it cannot do is one line."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import harness  # tests/e2e, on the path from conftest.py
import pytest

from stylevae.bridge import awake as awake_module
from stylevae.bridge.awake import KeepAwake
from stylevae.bridge.children import Children


def driver(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "current_driver"
    path.write_text(name + "\n", encoding="utf-8")
    return path


def gone(pid: int, within: float = 5.0) -> bool:
    """Whether the process ended within ``within`` s (a zombie not yet reaped counts as ended)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not harness.running(pid):
            return True
        time.sleep(0.05)
    return False


def test_off_does_nothing(tmp_path):
    qos = tmp_path / "qos"
    with KeepAwake(False, qos=qos, idle_driver=driver(tmp_path, "none")) as awake:
        assert awake.pids() == [] and not qos.exists() and awake.how == "no"


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's SCHED_IDLE")
def test_without_a_cpuidle_driver_one_spinner_a_core_runs_at_the_lowest_priority_until_the_end(tmp_path):
    qos = tmp_path / "qos"
    with KeepAwake(True, cores=2, qos=qos, idle_driver=driver(tmp_path, "none")) as awake:
        assert len(awake.pids()) == 2 and awake.how.startswith("yes, 2 spinners at SCHED_IDLE")
        deadline = time.monotonic() + 10
        while not all(os.sched_getscheduler(pid) == os.SCHED_IDLE for pid in awake.pids()):
            assert time.monotonic() < deadline, "the spinners did not take SCHED_IDLE"
            time.sleep(0.05)
        pids = awake.pids()
        assert awake.alive() == 2
    assert all(gone(pid) for pid in pids) and not qos.exists()  # no request where it would govern nothing


def test_with_a_cpuidle_driver_a_zero_latency_request_is_held_until_the_end(tmp_path):
    qos = tmp_path / "qos"
    qos.touch()
    awake = KeepAwake(True, qos=qos, idle_driver=driver(tmp_path, "intel_idle"), system="linux")
    awake.start()
    assert qos.read_bytes() == b"\x00\x00\x00\x00" and awake._qos is not None and not awake._qos.closed
    assert awake.pids() == [] and "PM QoS" in awake.how
    held = awake._qos
    awake.stop()
    assert held.closed  # closing the file is what ends the request


def test_a_request_it_may_not_make_is_one_line_and_nothing_else_changes(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, "stylevae.awake"):
        awake = KeepAwake(True, qos=tmp_path / "missing" / "qos", idle_driver=driver(tmp_path, "acpi_idle"),
                          system="linux")
        awake.start()
        awake.stop()
    assert awake.how.startswith("no") and awake.pids() == []
    assert len(caplog.records) == 1 and "\n" not in caplog.text.strip()
    assert "cannot write" in caplog.text and "udev rule or root" in caplog.text


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, which refuses every write")
def test_a_request_refused_after_the_file_opened_closes_the_file(tmp_path, caplog, monkeypatch):
    opened = []

    def keeping_open(*args, **kwargs):  # holds a reference, so a file dropped unclosed stays open
        opened.append(open(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(awake_module, "open", keeping_open, raising=False)
    with caplog.at_level(logging.WARNING, "stylevae.awake"):
        awake = KeepAwake(True, qos=Path("/dev/full"), idle_driver=driver(tmp_path, "acpi_idle"), system="linux")
        awake.start()  # /dev/full opens for writing, then refuses every write (ENOSPC)
        assert awake.how.startswith("no") and len(opened) == 1 and opened[0].closed
        awake.stop()
    assert len(caplog.records) == 1 and "cannot write /dev/full" in caplog.text


def failing_after(good: int):
    """A spawn that starts ``good`` real processes (each sleeping) and then fails as a full process table does."""
    started = []

    def spawn(command, **kwargs):
        if len(started) == good:
            raise OSError(11, "Resource temporarily unavailable")
        started.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], **kwargs))
        return started[-1]
    return spawn, started


def test_a_set_that_cannot_start_whole_ends_the_processes_it_started():
    spawn, started = failing_after(2)
    children = Children(spawn)
    with pytest.raises(OSError):
        children.start(["unused"], 3)
    assert len(started) == 2 and all(process.poll() is not None for process in started)
    assert children.alive() == 0 and children.pids() == []


def test_spinners_that_cannot_start_are_one_line_and_the_daemon_serves_on(tmp_path, caplog):
    spawn, started = failing_after(1)
    with caplog.at_level(logging.WARNING, "stylevae.awake"):
        with KeepAwake(True, cores=2, idle_driver=driver(tmp_path, "none"), system="linux", spawn=spawn) as awake:
            assert awake.how.startswith("no") and awake.pids() == []
            assert all(process.poll() is not None for process in started)
    assert len(caplog.records) == 1 and "\n" not in caplog.text.strip()
    assert "cannot start the processes" in caplog.text and "Resource temporarily unavailable" in caplog.text


@pytest.mark.parametrize("system", ["darwin", "win32"])
def test_elsewhere_than_linux_it_says_so_in_one_line(tmp_path, caplog, system):
    with caplog.at_level(logging.WARNING, "stylevae.awake"):
        with KeepAwake(True, qos=tmp_path / "qos", idle_driver=driver(tmp_path, "none"), system=system) as awake:
            assert awake.pids() == []
    assert len(caplog.records) == 1 and "Linux only" in caplog.text and awake.how.startswith("no")


PARENT = """
import sys, time
from pathlib import Path
from stylevae.bridge.awake import KeepAwake
awake = KeepAwake(True, cores=1, idle_driver=Path(sys.argv[1]))
awake.start()
print(awake.pids()[0], flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's parent-death signal")
def test_the_spinners_die_with_a_daemon_killed_outright(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(driver(tmp_path, "none"))], stdout=subprocess.PIPE,
                              text=True)
    try:
        spinner = int(parent.stdout.readline())
        assert not gone(spinner, within=0.5)  # it runs
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert gone(spinner), "a spinner outlived the daemon that SIGKILL ended"
    finally:
        parent.kill()
        parent.wait()


def cpuinfo(tmp_path: Path, flags: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu vme {flags} sse2\n\nprocessor\t: 1\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("on, driver_name, flags, system, advised", [
    (False, "none", "hypervisor", "linux", "try it"),  # a VM whose idle cores halt: said, as one to try
    (True, "none", "hypervisor", "linux", None),  # kept awake: nothing to advise
    (False, "haltpoll", "hypervisor", "linux", "haltpoll"),  # a VM with a driver: its idle cores can wake late too
    (False, "none", "", "linux", None),  # a machine of its own: a halted core wakes in microseconds
    (False, "intel_idle", "", "linux", None),
    (False, "none", "hypervisor", "darwin", None),  # --keep-awake is for Linux
])
def test_the_banner_advises_keep_awake_only_on_a_virtual_machine(tmp_path, on, driver_name, flags, system, advised):
    awake = KeepAwake(on, idle_driver=driver(tmp_path, driver_name), system=system, cpuinfo=cpuinfo(tmp_path, flags),
                      spawn=lambda *a, **k: pytest.fail("nothing starts"))
    advice = awake.advice()
    assert (advice is not None) == (advised is not None)
    if advised:
        assert "--keep-awake" in advice and advised in advice and "\n" not in advice


def test_no_advice_where_the_cpu_facts_cannot_be_read(tmp_path):
    awake = KeepAwake(False, idle_driver=driver(tmp_path, "none"), system="linux", cpuinfo=tmp_path / "absent")
    assert awake.advice() is None


def stat_file(tmp_path: Path, steal: int, total: int) -> Path:
    """A /proc/stat whose first line has ``steal`` ticks of ``total`` (the rest idle)."""
    path = tmp_path / "stat"
    path.write_text(f"cpu  {total - steal} 0 0 0 0 0 0 {steal} 0 0\ncpu0 1 0 0 0 0 0 0 0 0 0\n", encoding="ascii")
    return path


def test_cpu_times_reads_steal_and_the_total_and_nothing_where_proc_stat_says_nothing(tmp_path):
    assert awake_module.cpu_times(stat_file(tmp_path, 30, 1000)) == (30, 1000)
    (tmp_path / "old").write_text("cpu  1 2 3 4 5 6 7\n", encoding="ascii")  # no steal column
    (tmp_path / "junk").write_text("intr 1 2 3 4 5 6 7 8 9\n", encoding="ascii")
    assert all(awake_module.cpu_times(tmp_path / name) is None for name in ("old", "junk", "missing"))
    assert awake_module.cpu_times() is not None  # this Linux's own


def spinners_watched(tmp_path: Path, window: float = 3600.0) -> KeepAwake:
    """Two stand-in spinners (sleeping processes) watched on a stat file of no steal so far."""
    spawn, _ = failing_after(2)
    stat = stat_file(tmp_path, 0, 1000)
    awake = KeepAwake(True, cores=2, idle_driver=driver(tmp_path, "none"), system="linux", spawn=spawn, stat=stat,
                      window=window)
    awake.start()
    return awake


def test_the_spinners_stop_in_one_line_when_the_host_takes_the_cpu_from_them(tmp_path, caplog):
    """Steal under the limit since the last look: the spinners spin on; at or over it, they stop, its own
    words (``how``) say so, and one line says why."""
    awake = spinners_watched(tmp_path)
    try:
        below = int(awake_module.STEAL_LIMIT * 1000) - 1
        stat_file(tmp_path, below, 2000)
        assert not awake.check_steal() and awake.alive() == 2
        with caplog.at_level(logging.WARNING, "stylevae.awake"):
            stat_file(tmp_path, below + 20, 3000)  # 2 % of the last 1000 ticks
            assert awake.check_steal() and awake.alive() == 0
        assert awake.how == "stopped: the host took 2.0 % of the CPU time while they ran"
        assert len(caplog.records) == 1 and "\n" not in caplog.text.strip() and "steal" in caplog.text
    finally:
        awake.stop()


def test_the_watch_looks_every_window_by_itself_and_ends_with_the_daemon(tmp_path):
    """A watch every 50 ms stops the spinners once steal shows, unasked; one every hour ends at once with the
    daemon."""
    awake = spinners_watched(tmp_path, window=0.05)
    stat_file(tmp_path, 100, 2000)
    deadline = time.monotonic() + 10
    while awake.alive():
        assert time.monotonic() < deadline, "the watch did not stop the spinners"
        time.sleep(0.02)
    awake.stop()
    quiet = spinners_watched(tmp_path)  # a window of an hour: the daemon's end does not wait for it
    watch = quiet._watch
    quiet.stop()
    assert watch is not None and not watch.is_alive() and quiet.alive() == 0
