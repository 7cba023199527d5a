"""The device's own note output ("Notes to this track") against the daemon's MIDI port: the engine, with the
shipped model and fake time, sends its replies to the device's patcher played by ``maxsim``, tick by tick on one
timeline, and the device must play the notes the port plays, each at the same moment, none that a locate voided,
and end every one. Before the device took its note-ons from ``/on``, every note longer than the lookahead less a
16th began late in the track, by up to its length."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from maxsim import MidiOut, Sim, SimLive, midi_faults

from stylevae.bridge import commands as cmd
from stylevae.bridge.engine import RAMP_DRIFT_SECONDS, RETELL_SECONDS
from stylevae.max_patches.build import MAXPAT
from stylevae.model.network import checkpoint
from tests.test_bridge_engine import LOOP_CHANGES, STEP, Rig

TICK = STEP / 4


class Together:
    """The engine and the device on one clock: Live plays from beat 0 at 120 BPM in both."""

    def __init__(self, maxpat: Path = MAXPAT, lookahead: float = 0.5):
        self.rig = Rig(checkpoint.DEFAULT_CHECKPOINT, lookahead)
        self.rig.sink.exact = True  # the port's notes at their times, as the JACK output places them
        self.replies: list[tuple[str, list]] = []
        self.rig.engine.publish = lambda address, values: self.replies.append((address, values))
        self.sim = Sim(json.loads(maxpat.read_text(encoding="utf-8")), SimLive())
        self.sim.load()
        self.sim.deliver("/stylevae/pong")
        self.played: list[tuple[float, int, int, int]] = []  # (time, status, pitch, velocity) into the track
        for obj in self.sim.objects.values():
            if isinstance(obj, MidiOut):
                obj.receive = self._byte
        self._bytes: list[int] = []
        self.sim.set("Note Output", 1)
        self.sim.live_set("is_playing", 1)
        self.rig.clock.follow(0.0, True, 120)
        self.start = self.sim.now
        self._loop: tuple[float, float] | None = None  # Live's loop, (start, length) in beats
        self._wrap: object | None = None  # the simulator's event of its next wrap

    def _byte(self, inlet, msg) -> None:
        self._bytes.append(int(msg[0]))
        if len(self._bytes) == 3:
            self.played.append((self.sim.now - self.start, *self._bytes))
            self._bytes = []

    def run(self, seconds: float) -> None:
        for _ in range(round(seconds / TICK)):
            if round(self.rig.now.t / TICK) % 32 == 0:  # the daemon answers the device's pings, once a second
                self.sim.deliver("/stylevae/pong")
            self.rig.engine.generate()
            self._send_within_tick()
            for address, values in self.replies:
                self.sim.deliver(address, *values)
            self.replies.clear()
            self.rig.now.t += TICK
            # the device's events due at the tick's end wait for the next tick's replies, as the port's do
            self.sim.run_until(self.start + self.rig.now.t - 1e-9)

    def _send_within_tick(self) -> None:
        """The sender as its thread runs: each event handed over at its own time within the tick, not at the next
        tick, where a change of tempo at the tick would already have moved the time it is stamped with."""
        start = self.rig.now.t
        while (wait := self.rig.sender.send_due()) is not None and self.rig.now.t + wait < start + TICK:
            self.rig.now.t += wait
        self.rig.now.t = start

    def locate(self, beat: float) -> None:
        self.rig.clock.follow(beat, True, self.sim.live.tempo)
        self.sim.locate(beat)

    def tempo(self, bpm: float) -> None:
        """Live's tempo changed; the device tells the daemon at once. Live's next wrap comes at the new tempo."""
        self.rig.clock.set_tempo(bpm)
        self.sim.live_set("tempo", bpm)
        if self._loop is not None:
            self._plan_wrap()

    def loop(self, start: float, length: float) -> None:
        """Live's loop on, told to the daemon as the device tells it; the simulated Live wraps at its end (a jump
        back by the loop's length when the playhead reaches it, as Live's own does)."""
        self.rig.clock.set_loop(True, start, length)
        for prop, value in (("loop_start", start), ("loop_length", length), ("loop", 1)):
            self.sim.live_set(prop, value)
        self._loop = start, length
        self._plan_wrap()

    def loop_off(self) -> None:
        """Live's loop switched off: the song runs on past its end."""
        start, length = self._loop
        self.rig.clock.set_loop(False, start, length)
        self.sim.live_set("loop", 0)
        self.sim.cancel(self._wrap)
        self._loop = self._wrap = None

    def _plan_wrap(self) -> None:
        """Live wraps when its playhead reaches the loop's end from before it; past the end, it plays on."""
        start, length = self._loop
        live = self.sim.live
        self.sim.cancel(self._wrap)
        self._wrap = None
        if live.position(self.sim.now) >= start + length:
            return
        self._wrap = self.sim.schedule(
            self.sim.now + (start + length - live.position(self.sim.now)) * 60.0 / live.tempo, self._wrapped)

    def _wrapped(self) -> None:
        self.sim.live.locate(self._loop[0], self.sim.now)
        self._plan_wrap()

    def port_notes(self) -> list[tuple[float, float, int]]:
        """Each note the port sounded, (from, to, pitch), as a synth hears it, up to the last tick it was read at
        (a note that ends after it: to infinity)."""
        return self._until_read(sounding((t, kind, p) for t, kind, _, p in self.rig.sink.sent))

    def track_notes(self) -> list[tuple[float, float, int]]:
        """The same of the device's track."""
        return self._until_read(sounding((t, "on" if v else "off", p) for t, _, p, v in self.played))

    def _until_read(self, notes: list[tuple[float, float, int]]) -> list[tuple[float, float, int]]:
        last = self.rig.now.t - TICK / 2
        return [(a, b if b < last else float("inf"), p) for a, b, p in notes if a < last]

    def midi(self) -> list[tuple[int, int, int]]:
        """The device's MIDI into the track, (status, pitch, velocity) triples."""
        return [(status, pitch, velocity) for _, status, pitch, velocity in self.played]

    def stop(self) -> None:
        """Live stops, and the device tells the daemon."""
        self.rig.clock.follow(self.rig.clock.beat(), False, self.sim.live.tempo)
        self.sim.live_set("is_playing", 0)

    def port_ons(self) -> list[tuple[float, int]]:
        return [(round(t, 6), p) for t, kind, _, p in self.rig.sink.sent if kind == "on"]

    def track_ons(self) -> list[tuple[float, int]]:
        """The device's note-ons up to the last tick the port was read at (the device's clock runs on a hair)."""
        last = self.rig.now.t - TICK / 2
        return [(round(t, 6), p) for t, status, p, v in self.played if status & 0xF0 == 0x90 and v > 0 and t < last]


def sounding(events) -> list[tuple[float, float, int]]:
    """Notes as a synth sounds them from MIDI events (time, "on"/"off"/"cc123", pitch), in the order sent: a note-off
    for a pitch not sounding does nothing, All Notes Off ends every note; a note still sounding ends at infinity."""
    notes, since = [], {}
    for t, kind, pitch in events:
        if kind == "cc123":
            notes += [(start, t, p) for p, start in since.items()]
            since.clear()
        elif pitch in since and kind in ("on", "off"):
            notes.append((since.pop(pitch), t, pitch))
        if kind == "on":
            since[pitch] = t
    notes += [(start, float("inf"), p) for p, start in since.items()]
    return sorted((round(a, 6), round(b, 6), p) for a, b, p in notes)


def test_the_device_plays_the_notes_the_port_plays_at_the_same_moments_through_a_locate():
    both = Together()
    both.rig.send(cmd.Play(1, True))
    both.run(6.0)
    both.locate(9.5)  # mid-bar, mid-phrase: what was planned is void, the voice comes in again
    both.run(6.0)
    ons = both.port_ons()
    lengths = [b[0] - a[0] for a, b in zip(ons, ons[1:])]
    assert len(ons) > 30 and max(lengths) > 2 * STEP  # notes longer than the lookahead less a 16th
    assert both.track_ons() == ons
    assert both.track_notes() == both.port_notes()  # the note-offs too
    assert midi_faults(both.midi(), ended=False) == []


@pytest.mark.parametrize("start, length, seed, lookahead", [
    (0.0, 1.0, 3, 0.5), (1.0, 1.0, 7, 0.5), (0.5, 1.5, 6, 0.5), (2.0, 2.0, 8, 0.5),
    (0.0, 1.0, 3, 1.0), (0.0, 2.0, 1, 1.5), (0.0, 4.0, 10, 3.0), (2.0, 2.0, 8, 4.0), (2.0, 0.25, 3, 0.5),
])
def test_in_a_short_loop_the_device_plays_and_ends_every_note_as_the_port_does(start, length, seed, lookahead):
    """Live's loop of a beat to a bar at 120 BPM, with notes as long as half the loop and more: each note the device
    sounds begins and ends when the port's does (a note-off is placed past a wrap by the note's end, not its
    start, which for a long note lay half a loop back when its /note came). Likewise with a lookahead as long as the
    loop, or longer, where a note planned past a wrap lies more than half a loop ahead: its song position alone
    cannot say so, its lead does; and in a loop of a 16th, which the playhead reaches from before its start."""
    both = Together(lookahead=lookahead)
    both.rig.engine.seed = seed  # melodies with notes of half the loop and more
    both.loop(start, length)
    both.rig.send(cmd.Play(1, True))
    both.run(16.0)
    notes = both.port_notes()
    assert len(notes) > 15 and max(b - a for a, b, _ in notes if b < 1e9) >= 0.5 * length * 4 * STEP
    assert both.track_notes() == notes
    assert midi_faults(both.midi(), ended=False) == []


STEPS_OF_TEMPO = [(90.0, 2.0), (150.0, 2.0), (120.0, 2.0)]  # (BPM, seconds)
RAMP = [(120.0 - 3 * k, TICK) for k in range(1, 9)] + [(96.0, 2.0)]  # Live's tempo automation: many small changes
STEEP_RAMP = [(120.0 + 2 * k, TICK) for k in range(1, 31)] + [(180.0, 2.0)]  # 60 BPM in about a second


@pytest.mark.parametrize("lookahead, changes, first, live_ahead, loop", [
    (0.5, STEPS_OF_TEMPO, 3.15625, 0.0, None), (2.0, STEPS_OF_TEMPO, 3.15625, 0.0, None),
    (2.0, RAMP, 3.15625, 0.0, None), (2.0, STEPS_OF_TEMPO, 3.0, 0.0, None), (1.0, STEPS_OF_TEMPO, 3.0, 0.002, None),
    (1.0, STEPS_OF_TEMPO, 3.0, -0.002, None), (0.5, RAMP, 3.0, 0.002, None), (0.5, RAMP, 3.0, -0.002, None),
    (1.5, STEPS_OF_TEMPO, 3.15625, 0.0, (0.0, 2.0)), (0.5, STEPS_OF_TEMPO, 3.0, 0.0, (2.0, 1.0)),
    (4.0, STEEP_RAMP, 3.15625, 0.0, None), (4.0, STEEP_RAMP, 3.0, 0.002, None),
])
def test_the_notes_the_device_holds_move_with_a_change_of_tempo(lookahead, changes, first, live_ahead, loop):
    """Each note-on and note-off waits in the device for a time worked out at the tempo it came at; after a change
    the daemon tells the device again what it holds, so that each still sounds when the port plays it: slower (held
    at the old tempo, they came early), faster, and back, and through ramps of changes 31 ms apart (down 24 BPM; up
    60 BPM in a second, the device holding 4 beats), each told again once a note held within RETELL_AHEAD_SECONDS
    would sound more than RETELL_SECONDS off. The changes come between two steps (at a beat's
    .3125), or on a step, where a note falls due as the tempo changes: whether the device has played it, the daemon
    cannot tell for sure, the less so with its clock 2 ms ahead of Live's or behind. No note may be played twice,
    none dropped, and each off by RETELL_SECONDS at most from the port's (in a ramp RAMP_DRIFT_SECONDS: a later
    change moves a note while its retell waits), and the clocks' difference. Likewise in Live's loop, whose wraps
    come at the new tempo, with a lookahead almost as long as the loop."""
    both = Together(lookahead=lookahead)
    if loop:
        both.loop(*loop)
    if live_ahead:
        both.rig.clock.follow(-live_ahead * 2.0, True, 120.0)  # in beats at 120 BPM
    both.rig.send(cmd.Play(1, True))
    both.run(first)
    for bpm, seconds in changes:
        both.tempo(bpm)
        both.run(seconds)
    port, track = both.port_notes(), both.track_notes()
    assert len(port) > 10 and len(track) == len(port)  # some 4 bars of a melody: notes enough to move
    assert midi_faults(both.midi(), ended=False) == []
    off = (RETELL_SECONDS if changes is STEPS_OF_TEMPO else RAMP_DRIFT_SECONDS) + abs(live_ahead) + 1e-9
    for (a, b, pitch), (c, d, heard) in zip(port, track):
        assert pitch == heard and abs(a - live_ahead - c) <= off and (abs(b - live_ahead - d) <= off or b == d)


def device_with_loops(loops, change_at: float | None, seed: int, lookahead: float) -> tuple[Together, list[str]]:
    """Voice 1 in the device and at the port, Live's loop the first of ``loops`` from the start and those of the
    second from ``change_at`` seconds on (always the last, with None); and the addresses of the replies after."""
    both = Together(lookahead=lookahead)
    both.rig.engine.seed = seed

    def set_loop(loop):
        if loop is not None:
            both.loop(*loop)
        elif both._loop is not None:
            both.loop_off()

    set_loop(loops[0] if change_at is not None else loops[1][-1])
    both.rig.send(cmd.Play(1, True))
    addresses: list[str] = []
    if change_at is not None:
        both.run(change_at)
        both.rig.engine.publish = lambda address, values: (addresses.append(address),
                                                           both.replies.append((address, values)))
        for loop in loops[1]:
            set_loop(loop)
    both.run(8.0 - both.rig.now.t)
    return both, addresses


@pytest.mark.parametrize("seed, lookahead", [(4, 1.0), (2, 1.5), (3, 2.0)])  # melodies of more than 10 notes
@pytest.mark.parametrize("change", LOOP_CHANGES)
def test_a_loop_changed_near_its_wrap_plays_on_in_the_device_as_at_the_port(change, seed, lookahead):
    """Live's loop changed 0.375 beat before its wrap: the device is told again what it holds from before the wrap
    (``/retime``), not cut, its sounding note goes on, and it plays what the port plays, which is what both would
    have played with the new loop from the start."""
    *loops, wrap = LOOP_CHANGES[change]
    changed, addresses = device_with_loops(loops, (wrap - 0.375) * 4 * STEP, seed, lookahead)
    always, _ = device_with_loops(loops, None, seed, lookahead)
    assert "/stylevae/1/cut" not in addresses and "/stylevae/1/retime" in addresses
    assert changed.track_notes() == changed.port_notes() == always.port_notes()
    assert len(always.port_notes()) > 10 and midi_faults(changed.midi(), ended=False) == []


def test_every_note_the_device_played_is_ended_by_a_stop():
    both = Together()
    both.rig.send(cmd.Play(1, True))
    both.run(4.0)
    both.stop()
    both.run(0.5)
    assert len(both.track_ons()) > 10 and midi_faults(both.midi()) == []


@pytest.mark.parametrize("seed", range(20))
def test_whatever_the_performer_does_the_track_plays_one_note_at_a_time_and_ends_each_once(seed):
    """Live and the daemon driven at random, the daemon's engine with the shipped model answering: locates, changes
    of tempo, Live's loop switched on, changed and off (a command right after, at times), the voice switched off and
    on, reseeds, hold, temperature; then Live stops. In the track: one note at a time, a note-off only for the note
    sounding, nothing left sounding; and the port ends every note."""
    rng = random.Random(seed)
    both = Together(lookahead=rng.choice([0.5, 1.0, 2.0]))
    both.rig.send(cmd.Play(1, True))
    for _ in range(24):
        action = rng.random()
        if action < 0.15:
            both.locate(rng.choice([0.0, 2.5, 7.75, 16.0, 33.25]))
        elif action < 0.3:
            both.tempo(rng.choice([90.0, 120.0, 150.0]))
        elif action < 0.35 and both.sim.live.loop == 0:
            both.loop(rng.choice([0.0, 4.0]), rng.choice([1.0, 2.0, 4.0]))
        elif action < 0.35:  # Live's loop changed or switched off, as likely near its wrap as anywhere
            if rng.random() < 0.3:
                both.loop_off()
            else:
                both.loop(rng.choice([0.0, 2.0, 4.0]), rng.choice([1.0, 2.0, 3.0, 4.0]))
            if rng.random() < 0.5:  # and a command before the engine's next pass
                both.rig.send(rng.choice([cmd.SetParam(1, "hold", rng.randint(0, 1)), cmd.Reseed(1, rng.randint(0, 99)),
                                          cmd.SetParam(1, "temperature", rng.choice([0.5, 1.0]))]))
        elif action < 0.5:
            both.rig.send(cmd.Play(1, False))
            both.run(rng.choice([0.0, 0.25]))
            both.rig.send(cmd.Play(1, True))
        elif action < 0.6:
            both.rig.send(cmd.Reseed(1, rng.randint(0, 99)))
        elif action < 0.7:
            both.rig.send(cmd.SetParam(1, "hold", rng.randint(0, 1)))
        else:
            both.rig.send(cmd.SetParam(1, "temperature", rng.choice([0.5, 1.0, 2.0])))
        both.run(rng.choice([0.125, 0.5, 1.0]))
    both.stop()
    both.run(0.5)
    assert len(both.track_ons()) > 10 and midi_faults(both.midi()) == []
    assert all(end < float("inf") for _, end, _ in both.port_notes())
