"""Everything the device sends, played through the patch, is accepted by the daemon's own validation.

The device side is the patcher itself, run by ``maxsim`` through a session that moves every control;
the daemon side is ``stylevae.bridge.commands.from_message``, the function its dispatcher refuses messages with,
and ``stylevae.bridge.osc_spec``. No message list is kept by hand.
"""

from __future__ import annotations

import json

import pytest
from maxsim import Sim, SimLive

from stylevae.bridge import commands, osc_spec
from stylevae.bridge.config import DEFAULT_OSC_PORT, BridgeConfig
from stylevae.max_patches.build import MAXPAT
from stylevae.max_patches.device import DAEMON_PORT, DEFAULT_LOCK, LATE_DROP_BEATS, SCALE_NAMES
from stylevae.model.data.tokens import Vocabulary

STYLES = ("irish", "german", "chinese")
CONTEXT = commands.Context(STYLES, Vocabulary(), 32)


def session(reverse: bool = False, live: SimLive | None = None) -> Sim:
    """Load, connect, then move every control once while Live plays, change Live's key and loop, stop."""
    sim = Sim(json.loads(MAXPAT.read_text(encoding="utf-8")), live or SimLive(tempo=128.0, root_note=2,
              scale_intervals=(0, 2, 3, 5, 7, 9, 10), loop=1, loop_start=8.0, loop_length=12.0),
              reverse_fanout=reverse)
    sim.load(reverse_parameters=reverse)
    sim.deliver("/stylevae/pong")
    sim.deliver("/stylevae/styles", *STYLES)
    sim.live_set("is_playing", 1)
    moves = [("Play", 1), ("Style A", 1), ("Style B", 2), ("Blend", 0.25), ("Temperature", 1.4),
             ("Variation", 0.7), ("Density", -0.5), ("Lock", 1.0), ("Channel", 5), ("Octave", -1),
             ("Velocity", 90), ("Hold", 1), ("Hold", 0), ("Reseed", 1), ("Follow Key", 0), ("Key", 4),
             ("Scale", SCALE_NAMES.index("minor")), ("Follow Key", 1), ("Voice", 3)]
    for name, value in moves:
        sim.advance(0.3)
        sim.set(name, value)
    sim.live_set("root_note", 7)
    sim.live_set("tempo", 140.0)
    sim.live_set("loop_start", 16.0)
    sim.live_set("loop_length", 8.0)
    sim.live_set("loop", 0)
    sim.advance(1.0)
    sim.live_set("is_playing", 0)
    sim.advance(0.5)
    return sim


@pytest.fixture(scope="module")
def sent():
    return session().sent


def test_every_message_is_accepted_by_the_daemon(sent):
    assert len(sent) > 50
    for message in sent:
        try:
            commands.from_message(message.address, message.typetags, message.args, "127.0.0.1", CONTEXT)
        except commands.Invalid as exc:
            pytest.fail(f"the daemon refuses {message.address} {message.args}: {exc}")


def test_the_device_sends_every_command_it_shows(sent):
    addresses = {s.address for s in sent}
    wanted = {"hello", "ping", "styles", "transport", "tempo", "key", "loop"}
    per_voice = {"play", "mix", "temperature", "variation", "density", "channel", "octave", "velocity", "hold",
                 "reseed", "key", "lock"}
    missing = ({f"{osc_spec.PREFIX}/{c}" for c in wanted} | {f"{osc_spec.PREFIX}/1/{c}" for c in per_voice}
               | {f"{osc_spec.PREFIX}/3/{c}" for c in per_voice - {"reseed"}}) - addresses
    assert not missing


def test_type_tags_are_the_documented_ones(sent):
    tags = {}
    for s in sent:
        tags.setdefault(s.address, set()).add(s.typetags)
    assert tags["/stylevae/transport"] == {"fif"}
    assert tags["/stylevae/tempo"] == {"f"} and tags["/stylevae/hello"] == {"i"}
    assert tags["/stylevae/1/mix"] == {"fff"} and tags["/stylevae/1/lock"] == {"f"}
    assert tags["/stylevae/key"] == {"iiiiiiii"}  # root and Live's seven intervals
    assert tags["/stylevae/1/key"] == {"", "is"}  # follow the song, or root and scale name
    assert tags["/stylevae/loop"] == {"iff"}  # on, start and length


def test_every_loop_message_is_accepted_by_the_spec(sent):
    loops = [s for s in sent if s.address == f"{osc_spec.PREFIX}/loop"]
    assert len(loops) >= 4  # on load, and on each of the three changes
    for message in loops:
        assert osc_spec.accepts(message.address, message.typetags), f"{message.address} {message.typetags}"


def test_a_blend_sends_one_weight_per_style(sent):
    mixes = [s.args for s in sent if s.address == "/stylevae/1/mix"]
    assert (0.0, 0.75, 0.25) in mixes  # Style A = index 1, Style B = index 2, Blend 0.25


def test_stopping_live_stops_the_voice_and_says_so(sent):
    last = [s for s in sent if s.address == "/stylevae/transport"][-1]
    assert last.args[1] == 0
    plays = [s.args for s in sent if s.address == "/stylevae/3/play"]
    assert plays[-1] == (0,)


def test_the_device_defaults_to_the_daemon_port_lock_and_late_limit():
    assert DAEMON_PORT == DEFAULT_OSC_PORT
    assert DEFAULT_LOCK == osc_spec.DEFAULT_LOCK
    assert LATE_DROP_BEATS == BridgeConfig().late_drop_beats


def test_control_ranges_fit_the_daemon_ranges():
    sim = Sim(json.loads(MAXPAT.read_text(encoding="utf-8")))
    for name, command in [("Temperature", "temperature"), ("Variation", "variation"), ("Density", "density"),
                          ("Octave", "octave"), ("Velocity", "velocity"), ("Channel", "channel"), ("Lock", "lock")]:
        arg = next(e for e in osc_spec.SPEC if e.address == f"{osc_spec.PREFIX}/<v>/{command}").args[0]
        control = sim.control(name)
        assert arg.low <= control.low and control.high <= arg.high, name


def test_control_defaults_match_the_daemon_defaults():
    sim = Sim(json.loads(MAXPAT.read_text(encoding="utf-8")))
    for name, command in [("Temperature", "temperature"), ("Variation", "variation"), ("Density", "density"),
                          ("Octave", "octave"), ("Velocity", "velocity"), ("Hold", "hold"), ("Play", "play"),
                          ("Lock", "lock")]:
        entry = next(e for e in osc_spec.SPEC if e.address == f"{osc_spec.PREFIX}/<v>/{command}")
        assert sim.control(name).initial == float(entry.default), name


def test_the_scale_menu_offers_only_scales_the_daemon_knows():
    for name in SCALE_NAMES:  # an unknown name raises commands.Invalid
        command = commands.from_message("/stylevae/1/key", "is", (0, name), "127.0.0.1", CONTEXT)
        assert isinstance(command, commands.VoiceKey) and command.key.name == name
