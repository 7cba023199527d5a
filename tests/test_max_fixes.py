"""Five faults of the device's earlier patch, each played through the patch interpreter (``maxsim``).

Every check runs on the current device, where it must pass, and on the earlier patch
(``tests/data/device_before_fixes.maxpat``), where it must fail for the reason its name promises — so
each check is shown to catch the fault it is about. (The sixth group — counts, registry, openrect —
is checked against real Max-saved devices in ``test_max_evidence.py``, also on both patches.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from maxsim import Sim, SimLive

from stylevae.max_patches.build import MAXPAT

BEFORE = Path(__file__).resolve().parent / "data" / "device_before_fixes.maxpat"


def patch(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def connected(patcher: dict, live: SimLive | None = None, **kw) -> Sim:
    """The device loaded, the daemon answering its first ping and naming three styles."""
    sim = Sim(patcher, live, **kw)
    sim.load()
    sim.deliver("/stylevae/pong")
    sim.deliver("/stylevae/styles", "a", "b", "c")
    return sim


def udpsend(sim: Sim):
    return next(o for o in sim.objects.values() if type(o).__name__ == "UdpSend")


def check_ports(patcher: dict) -> None:
    """The Port and Reply boxes restore 9400 and 9401 at load and the daemon's port follows Port."""
    sim = Sim(patcher)
    sim.load()
    ports = {s.port for s in sim.sent}
    assert ports == {9400}, f"the device sends to port {sorted(ports)}, not 9400"
    assert sim.reply_port() == 9401, f"the device listens on {sim.reply_port()}, not 9401"
    sim.set("Daemon Port", 9500)
    sim.set("Reply Port", 9502)
    sim.advance(1.0)
    assert sim.sent[-1].port == 9500 and sim.reply_port() == 9502
    assert sim.messages("/stylevae/hello")[-1].args == (9502,)


def check_host(patcher: dict) -> None:
    """Typing an address into Host sends ``host 1.2.3.4`` to udpsend: the next message goes there."""
    sim = Sim(patcher)
    sim.load()
    sim.type("host", "192.168.1.20")
    sim.advance(1.0)
    assert sim.sent[-1].host == "192.168.1.20"


def check_style_menus(patcher: dict) -> None:
    """The daemon's style names fill both menus, and the blend gets one weight per style."""
    sim = connected(patcher)
    menus = {c.longname: c.enum for c in sim.controls() if c.box["maxclass"] == "live.menu"}
    assert menus["Style A"] == menus["Style B"] == ["a", "b", "c"], f"the menus hold {menus['Style A']}"
    assert len(sim.messages("/stylevae/1/mix")[-1].args) == 3


def check_first_tempo(patcher: dict) -> None:
    """The first transport message carries Live's tempo, in whatever order Live restores and observes."""
    for reverse_fanout in (False, True):
        for reverse_parameters in (False, True):
            sim = Sim(patcher, SimLive(tempo=97.5, is_playing=1), reverse_fanout=reverse_fanout)
            sim.load(reverse_parameters=reverse_parameters)
            first = sim.messages("/stylevae/transport")[0]
            assert first.args[2] == 97.5, f"the first transport message says bpm {first.args[2]}"


def check_locate(patcher: dict) -> None:
    """A jump in Live's song position reaches the daemon within a 16th note."""
    sim = connected(patcher, SimLive(tempo=120.0))
    sim.live_set("is_playing", 1)
    sim.advance(2.03)
    sim.locate(64.1)
    jumped = sim.now
    sim.advance(0.125)  # a 16th at 120 bpm
    after = [s for s in sim.messages("/stylevae/transport") if s.time >= jumped]
    assert after and 64.1 <= after[0].args[0] < 64.4, f"no transport message within a 16th after the jump: {after}"


CHECKS = {
    check_ports: "sends to port \\[1279\\]",
    check_host: "host', 'text'",
    check_style_menus: "the menus hold \\['a'\\]",
    check_first_tempo: "says bpm 0.0",
    check_locate: "no transport message within a 16th",
}


@pytest.mark.parametrize("check", list(CHECKS), ids=lambda c: c.__name__)
def test_the_device_passes(check):
    check(patch(MAXPAT))


@pytest.mark.parametrize("check", list(CHECKS), ids=lambda c: c.__name__)
def test_the_check_catches_the_earlier_patch(check):
    with pytest.raises(AssertionError, match=CHECKS[check]):
        check(patch(BEFORE))
