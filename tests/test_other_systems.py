"""What Windows and macOS lack, stood in for on Linux: the project must not depend on it where nothing says so.

- Imports: a name read when a module is imported (a default argument, a module-level constant, an ``import fcntl``)
  that the system does not have stops ``stylevae`` before it says a word: on Windows the whole command died so, at
  ``children.tied``'s default signal, SIGKILL. Each system is stood in for by this Python with those names taken
  away after the project's dependencies are imported (they are not under test here): Windows' signal module has
  only seven signals, its os module no user ids, process groups or Linux scheduling, and there is no fcntl,
  resource, termios, pwd or grp; macOS's os has no ``sched_*`` calls. Names used only once a feature runs are the
  unit tests' concern, where each such path is tested with stand-ins.
- Text: Windows reads and writes files, pipes and redirected output in its ANSI code page unless told otherwise.
"""

from __future__ import annotations

import ast
import os
import pkgutil
import subprocess
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from stylevae import bridge, max_patches, model
from stylevae.model.data import corpus, dataset

DEPENDENCIES = ("numpy", "torch", "numba", "mido", "rtmidi", "pythonosc", "safetensors", "music21", "tqdm",
                "matplotlib", "jack")

STRIP = """
import importlib, os, signal, socket, sys
for name in {dependencies!r}:
    try:
        importlib.import_module(name)
    except (ImportError, OSError):  # JACK-Client without libjack: the daemon imports it only to serve on JACK
        pass
lacking = {lacking!r}
keep = lacking.pop("signals kept", None)
if keep is not None:
    for name in [n for n in dir(signal) if n.startswith("SIG") and not n.startswith("SIG_") and n not in keep]:
        delattr(signal, name)
for gone in lacking.pop("modules", []):
    sys.modules[gone] = None  # `import gone` now raises ImportError
for module, names in lacking.items():
    owner = {{"os": os, "socket": socket}}[module]
    for name in names:
        if hasattr(owner, name):
            delattr(owner, name)
"""

LINUX_SCHEDULING = ["sched_setscheduler", "sched_getscheduler", "sched_getparam", "sched_param", "sched_setaffinity",
                    "sched_getaffinity", "SCHED_FIFO", "SCHED_RR", "SCHED_OTHER", "SCHED_IDLE", "SCHED_BATCH", "pipe2"]
LINUX_SOCKETS = ["SO_RCVBUFFORCE", "MSG_ERRQUEUE", "IP_RECVERR", "SO_TIMESTAMPNS", "SO_RXQ_OVFL"]
LACKING = {
    "windows": {
        "signals kept": ["SIGABRT", "SIGFPE", "SIGILL", "SIGINT", "SIGSEGV", "SIGTERM", "SIGBREAK"],
        "os": ["getuid", "geteuid", "getgid", "getegid", "getpgid", "killpg", "fork", "nice", "getpriority",
               "setpriority", "getloadavg", "uname", "sysconf", "O_NONBLOCK", *LINUX_SCHEDULING],
        "socket": LINUX_SOCKETS,
        "modules": ["fcntl", "resource", "termios", "pwd", "grp"],
    },
    "macos": {"os": LINUX_SCHEDULING, "socket": LINUX_SOCKETS},
}


def modules() -> list[str]:
    """Every module of the three packages, the command line's included."""
    found = []
    for package in (bridge, model, max_patches):
        found += [info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    return sorted(found)


def on(system: str, code: str) -> subprocess.CompletedProcess:
    prelude = STRIP.format(dependencies=DEPENDENCIES, lacking=LACKING[system])
    return subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("system", ["windows", "macos"])
def test_every_module_imports_without_what_the_system_lacks(system):
    names = modules()
    assert "stylevae.bridge.cli" in names and "stylevae.model.training.train" in names
    result = on(system, f"import importlib\nfor name in {names!r}:\n    importlib.import_module(name)\nprint('ok')")
    assert result.stdout.strip() == "ok", result.stderr[-3000:]


@pytest.mark.parametrize("system", ["windows", "macos"])
def test_the_command_line_answers_without_what_the_system_lacks(system):
    code = ("from stylevae.bridge import cli\n"
            "for args in (['--help'], ['serve', '--help'], ['sample', '--help'], ['demo', '--help']):\n"
            "    try:\n"
            "        cli.main(args)\n"
            "    except SystemExit as done:\n"
            "        assert done.code == 0, (args, done.code)\n")
    result = on(system, code)
    assert result.returncode == 0 and "serve" in result.stdout, result.stderr[-3000:]


def test_the_stand_in_for_windows_takes_away_what_windows_lacks():
    """The stand-in itself, checked: without it the tests above would pass on anything."""
    code = ("import signal, os\n"
            "assert not hasattr(signal, 'SIGKILL') and not hasattr(signal, 'SIGUSR1') and hasattr(signal, 'SIGINT')\n"
            "assert not hasattr(os, 'getuid') and not hasattr(os, 'sched_setscheduler')\n"
            "try:\n    import fcntl\nexcept ImportError:\n    print('ok')\n")
    result = on("windows", code)
    assert result.stdout.strip() == "ok", result.stderr[-3000:]


def test_every_text_file_the_project_reads_or_writes_names_its_encoding():
    """Without one, Python takes the system's: cp1252 on Windows, which cannot write the eval report's arrows and
    Greek letters and misreads the UTF-8 docs and configs (``stylevae eval`` failed so at its very end)."""
    root = Path(__file__).resolve().parents[1]
    unnamed = []
    for folder in ("bridge", "model", "max_patches", "scripts", "bench"):
        for path in sorted((root / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or any(k.arg == "encoding" for k in node.keywords):
                    continue
                function = node.func
                name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
                text_open = name == "open" and isinstance(function, ast.Name) and not any(
                    isinstance(a, ast.Constant) and "b" in str(a.value) for a in node.args[1:2])
                if name in ("read_text", "write_text") or text_open:
                    unnamed.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not unnamed, unnamed


@pytest.mark.parametrize("command", [["--help"], ["eval", "--help"]])
def test_help_written_to_a_file_in_windows_code_page_is_whole(command, tmp_path):
    """Windows writes a redirected output in its ANSI code page, which has no μ (the eval command's help): the
    command died there with UnicodeEncodeError. PYTHONIOENCODING stands in for that code page."""
    out = tmp_path / "help.txt"
    with out.open("wb") as file:
        done = subprocess.run([sys.executable, "-m", "stylevae.bridge.cli", *command], stdout=file,
                              stderr=subprocess.PIPE, env={**os.environ, "PYTHONIOENCODING": "cp1252"}, timeout=120)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")[-2000:]
    assert b"?-forcing" in out.read_bytes()


def test_pieces_sort_in_linuxs_order_on_windows_too():
    """Windows compares paths without case: the corpus's pieces came in another order there and, through the seeded
    shuffle, fell into other splits than the shipped model's (trained on Linux's)."""
    linux = [PurePosixPath(p) for p in ("Bach/b.mid", "Bach/a.mid", "abc/x.mid", "Zed/c.abc")]
    windows = [PureWindowsPath(p) for p in ("Bach/b.mid", "Bach/a.mid", "abc/x.mid", "Zed/c.abc")]
    assert sorted(windows) != [PureWindowsPath(p) for p in sorted(linux)]  # what the stand-in stands for
    assert [p.as_posix() for p in sorted(windows, key=corpus.by_name)] == [p.as_posix() for p in sorted(linux)]


def test_a_data_build_on_windows_asks_for_at_most_61_workers(monkeypatch):
    """ProcessPoolExecutor refuses more than 61 workers on Windows: on a 64-thread machine `stylevae data` died."""
    asked = []

    class Pool:
        def __init__(self, workers, mp_context=None):
            asked.append(workers)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def map(self, worker, jobs, chunksize=1):
            return map(worker, jobs)

    monkeypatch.setattr(dataset, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(dataset.sys, "platform", "win32")
    assert dataset._run_parallel(abs, list(range(-8, 0)), 64, "jobs") == list(range(8, 0, -1))
    monkeypatch.setattr(dataset.sys, "platform", "linux")
    dataset._run_parallel(abs, list(range(-8, 0)), 64, "jobs")
    assert asked == [61, 64]
