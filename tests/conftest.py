"""Shared fixtures: model checkpoints made on the spot, and the real components of the e2e tests."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "e2e"))

import harness  # noqa: E402


def need_tools(*tools: str) -> None:
    """Skip without the tools on a developer's machine; fail in CI, where .ci/run installs them."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (scripts/system-deps.sh test installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def crafted_checkpoint(tmp_path_factory) -> Path:
    return harness.crafted_checkpoint(tmp_path_factory.mktemp("crafted"))


@pytest.fixture(scope="session")
def random_checkpoint(tmp_path_factory) -> Path:
    return harness.random_checkpoint(tmp_path_factory.mktemp("random"))


@pytest.fixture(autouse=True)
def no_daemon_outlives_its_test():
    """A daemon or MIDI listener a failing test did not stop is stopped after it, before it can play (or read)
    through the next tests."""
    started = len(harness.STARTED)
    yield
    harness.end_since(started)


@pytest.fixture(scope="module")
def jack_server():
    need_tools("jackd", "oscsend", "oscdump")
    server = harness.JackServer()
    yield server
    server.stop()
