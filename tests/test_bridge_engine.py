"""Voices and the engine, in process with fake time: grid, lookahead, changes, phrases, faults."""

import math
import time
from collections import Counter

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stylevae.bridge import commands as cmd
from stylevae.bridge.clock import Change, Clock
from stylevae.bridge.engine import (
    DECODE_DELAY_SECONDS,
    REPLAYS_KEPT,
    RETELL_AHEAD_SECONDS,
    RETELL_MARGIN_SECONDS,
    START_MARGIN_SECONDS,
    STEP_RUNNABLE,
    STEP_SUMMARY,
    Engine,
)
from stylevae.bridge.realtime import STEP_PRIORITY
from stylevae.bridge.scheduler import AT_ONCE, Scheduler
from stylevae.bridge.voice import Rewind, Sounding, midi_pitch
from stylevae.model.data.keys import MODES, make_key
from stylevae.model.decoding import continuation, playing
from stylevae.model.decoding.decoder import LEAD_STEPS
from stylevae.model.network import checkpoint
from tests.fakes import FakeTime

STEP = 0.125  # seconds per 16th at 120 BPM


class Sink:
    lead = 0.0
    exact = False  # each message at its own time, as the JACK output places it, not at the time it was sent

    def __init__(self, now):
        self.now = now
        self.sent = []  # (time, "on"/"off"/"cc123", channel, pitch or controller)

    def send(self, message, at=AT_ONCE, voice=0, ident=0, grace=math.inf):
        kind = {0x90: "on", 0x80: "off", 0xB0: "cc123"}[message[0] & 0xF0]
        t = at if self.exact and at != AT_ONCE else self.now.t
        self.sent.append((t, kind, (message[0] & 0x0F) + 1, message[1]))

    def drop(self, voice):
        pass

    def ons(self, after=-1.0):
        return [(t, p) for t, kind, _, p in self.sent if kind == "on" and t > after]

    def open_notes(self):
        balance = Counter()
        for _, kind, channel, pitch in self.sent:
            if kind != "cc123":
                balance[channel, pitch] += 1 if kind == "on" else -1
        assert all(v >= 0 for v in balance.values())
        return sum(balance.values())


def note_off_then_all_notes_off(sent, channel=1):
    """Whether ``sent`` (a Sink's record from some moment on) ends a note on ``channel`` and right after sends All
    Notes Off there, as a hardware sequencer does at a stop: the explicit note-offs first, then the belt and braces
    for a synth that missed one."""
    kinds = [kind for _, kind, c, _ in sent if c == channel]
    return "cc123" in kinds and kinds[:kinds.index("cc123")][-1:] == ["off"]


class Rig:
    def __init__(self, folder, lookahead=0.5):
        self.now = FakeTime()
        self.clock = Clock(120, now=self.now)
        self.sink = Sink(self.now)
        self.sender = Scheduler(self.clock, self.sink, now=self.now)
        self.published = []
        loaded = checkpoint.load(folder)
        self.engine = Engine(loaded, self.clock, self.sender, lambda a, v: self.published.append((a, v)),
                             lookahead, seed=3)

    def send(self, *commands):
        for c in commands:
            self.engine.apply(c)

    def run(self, seconds, dt=STEP / 4):
        for _ in range(round(seconds / dt)):
            self.engine.generate()
            self.sender.send_due()
            self.now.t += dt


@pytest.fixture
def rig(crafted_checkpoint):
    return Rig(crafted_checkpoint)


def test_a_note_every_16th_on_the_grid(rig):
    rig.send(cmd.Play(1, True))
    rig.run(2.0)
    ons = rig.sink.ons()
    assert len(ons) >= 14
    assert all(abs(t / STEP - round(t / STEP)) < 1e-9 for t, _ in ons)
    steps = [round(t / STEP) for t, _ in ons]
    assert steps == list(range(steps[0], steps[0] + len(steps)))  # none doubled, none skipped
    assert all(72 <= p < 84 for _, p in ons)


def test_every_note_is_announced_before_it_sounds_and_ended_by_its_report():
    """``/on`` comes when the decoder makes a note, before it sounds, at its beat; ``/note`` comes later, often after
    the note began (the decoder ends a note only a lookahead ahead of its end), with the same beat. A device that
    plays the notes itself needs the first to play them on time. The shipped model: notes of many lengths."""
    rig = Rig(checkpoint.DEFAULT_CHECKPOINT)
    heard = []
    rig.engine.publish = lambda address, values: heard.append((rig.now.t, address, values))
    for v in (1, 2, 3):
        rig.send(cmd.Play(v, True))
    rig.run(6.0)
    sounded = [(t, channel, p) for t, kind, channel, p in rig.sink.sent if kind == "on"]
    ons = {(v[2], int(a.split("/")[2]), v[0]): t for t, a, v in heard if a.endswith("/on")}  # (beat, voice, pitch)
    notes = [(t, int(a.split("/")[2]), v) for t, a, v in heard if a.endswith("/note")]
    assert len(sounded) > 40
    ahead = [t - ons[round(rig.clock.beat(t) * 4) / 4, channel, pitch] for t, channel, pitch in sounded]
    # told before it sounds: the lookahead less the 16th being decoded, less the rig's tick (31 ms)
    assert min(ahead) >= 0.25 - STEP - STEP / 4
    late = [t - rig.clock.time_of(v[2]) for t, _, v in notes]
    assert max(late) > STEP and all(((v[2], number, v[0]) in ons) for _, number, v in notes)


def test_what_a_voice_planned_is_cut_at_a_locate_a_stop_play_off_remove_and_the_daemons_exit(rig):
    """``/cut`` for every voice that played, so a device holding its note-ons drops them: at a locate and a stop
    for all, at play 0 and remove for that voice, and when the daemon stops (else a device playing the notes
    itself sounded its last note until it missed the daemon's pongs); never for a voice that never played."""
    cuts = []
    rig.engine.publish = lambda address, values: cuts.append(address) if address.endswith("/cut") else None
    rig.send(cmd.Play(1, True), cmd.Play(2, True), cmd.Mix(3, (0.0, 1.0, 0.0)))
    rig.run(1.0)
    rig.clock.follow(8.0, True, 120)
    rig.run(0.5)
    assert cuts == ["/stylevae/1/cut", "/stylevae/2/cut"]
    rig.send(cmd.Play(2, False))
    assert cuts[2:] == ["/stylevae/2/cut"]
    rig.send(cmd.Remove(1))
    assert cuts[3:] == ["/stylevae/1/cut"]
    rig.send(cmd.Play(2, True))
    rig.run(0.5)
    rig.clock.follow(rig.clock.beat(), False, 120)
    rig.run(0.1)
    assert cuts[4:] == ["/stylevae/2/cut"]
    rig.engine.stop()
    assert cuts[5:] == ["/stylevae/2/cut"]


def test_the_step_summary_reads_as_the_benchmark_parses_it(rig):
    rig.send(cmd.Play(1, True))
    rig.run(0.5)
    summary = rig.engine.summary()
    found = STEP_SUMMARY.search(summary)
    assert found and int(found["batch"]) == 1 and int(found["n"]) > 0, summary
    assert float(found["cpu_p50"]) <= float(found["p50"]) + 0.01, summary  # a step's CPU time is part of its time
    assert float(found["p50"]) <= float(found["whole_p50"]), summary  # and the decoder's time part of the whole's
    runnable = STEP_RUNNABLE.search(summary)  # Linux counts the time a thread waits for a core
    assert runnable and 0 <= float(runnable["p50"]) <= float(runnable["p99"]) <= float(runnable["max"]), summary


def test_decoder_stays_within_the_lookahead(rig):
    rig.send(cmd.Play(1, True))
    rig.run(1.0)
    rig.engine.generate()
    planned = [event.beat for event, _ in rig.sender._heap]
    assert planned and max(planned) <= rig.clock.beat() + 0.5


def test_decoding_starts_just_after_a_boundary_not_on_it(rig):
    """The sender plays the notes due on a boundary; the step that enters the lookahead there waits a moment."""
    rig.send(cmd.Play(1, True))
    rig.run(1.0)  # now on a 16th's boundary
    assert rig.clock.beat() * 4 == pytest.approx(round(rig.clock.beat() * 4))
    wake = rig.engine.generate()
    on_the_boundary = rig.engine.voices[1].next_step
    assert wake == pytest.approx(rig.now.t + DECODE_DELAY_SECONDS)
    rig.now.t = wake
    rig.engine.generate()
    assert rig.engine.voices[1].next_step == on_the_boundary + 1


def test_style_change_acts_on_the_first_step_not_generated(rig):
    rig.send(cmd.Play(1, True))
    rig.run(1.0)
    changed_at = rig.now.t
    rig.send(cmd.Mix(1, (0.0, 1.0, 0.0)))
    rig.run(1.0)
    after = rig.sink.ons(after=changed_at - 1e-9)
    first_low = next(t for t, p in after if p < 72)
    assert all(p >= 72 for t, p in after if t < first_low)
    assert all(p < 72 for t, p in after if t >= first_low)
    assert first_low - changed_at <= 0.5 * 0.5 + 1e-9  # within the lookahead (0.5 beat)


def test_quantized_change_waits_for_the_bar(rig):
    rig.send(cmd.Play(1, True))
    rig.run(0.6)
    rig.send(cmd.Quantize("bar"), cmd.Mix(1, (0.0, 1.0, 0.0)))
    rig.run(2.5)
    first_low = next(t for t, p in rig.sink.ons() if p < 72)
    assert first_low == pytest.approx(2.0)  # bar 2 starts at beat 4 = 2 s


def test_stop_ends_every_note(rig):
    rig.send(cmd.Play(1, True), cmd.Play(2, True))
    rig.run(1.0)
    rig.send(cmd.Play(1, False))
    rig.run(0.01)
    assert rig.sender.open_notes(1) == 0
    rig.clock.follow(rig.clock.beat(), False, 120)
    rig.run(0.5)
    assert rig.sink.open_notes() == 0
    assert rig.sender.pending() == 0


def test_jump_realigns_without_a_burst(rig):
    rig.send(cmd.Play(1, True))
    rig.run(1.0)
    rig.clock.follow(32.0, True, 120)
    jumped_at = rig.now.t
    rig.run(1.0)
    after = rig.sink.ons(after=jumped_at - 1e-9)
    assert [t for t, kind, *_ in rig.sink.sent if t == pytest.approx(jumped_at) and kind == "off"]
    assert note_off_then_all_notes_off([m for m in rig.sink.sent if m[0] == pytest.approx(jumped_at)])
    gaps = np.diff([t for t, _ in after])
    assert len(after) >= 6 and gaps.min() >= STEP - 1e-9  # one note per step, no catch-up burst
    assert rig.sink.open_notes() <= 1


def test_a_start_from_a_bar_line_plays_its_downbeat(rig):
    """Live started from a bar line: the voices come in on the step on the playhead, not a 16th after it."""
    rig.send(cmd.Play(1, True), cmd.Play(2, True))
    rig.clock.follow(0.0, False, 120)
    rig.run(0.5)
    rig.clock.follow(8.0, True, 120)  # bar 3: a phrase begins there, nothing to replay
    started_at = rig.now.t
    rig.run(1.0)
    firsts = sorted(rig.sink.ons(after=started_at - 1e-9))[:2]
    assert [t for t, _ in firsts] == [pytest.approx(started_at)] * 2
    assert rig.engine.playhead_starts == 1


def test_a_voice_switched_on_while_the_transport_runs_comes_in_at_the_next_step(rig):
    """Only a start or a locate puts the playhead's step in play: a voice switched on just after a boundary would
    otherwise sound that step late."""
    rig.engine.warm_up()  # as the daemon does: run alone, the first start's cold pass would budget the next one
    rig.send(cmd.Play(1, True))
    rig.run(1.0)  # now on a 16th's boundary
    switched_on_at = rig.now.t
    rig.send(cmd.Play(2, True))
    rig.run(1.0)
    voice_2 = [t for t, kind, channel, _ in rig.sink.sent if kind == "on" and channel == 2]  # its own channel
    assert voice_2[0] == pytest.approx(switched_on_at + STEP)
    assert rig.engine.playhead_starts == 0


def test_a_slow_replay_makes_the_voices_come_in_later_after_a_locate(rig):
    """After a locate mid-phrase the voices replay the phrase silently up to their first step: the step is chosen
    from what replays have cost per step, so that a slow replay does not push the first notes out late."""
    rig.send(cmd.Play(1, True))
    rig.run(1.0)
    for _ in range(REPLAYS_KEPT):  # 20 ms a pass: the 16 steps to replay and the first take 2.7 16ths at 120 BPM
        rig.engine.start_seconds.append(0.02)
        rig.engine.replay_seconds.append(0.02)
    rig.send(cmd.SongKey(make_key(2, "major")))  # a new key: the decoder holds none of the phrase to replay
    rig.clock.follow(12.0, True, 120)  # beat 12: step 16 of a 32-step phrase
    located_at = rig.now.t
    rig.engine.generate()
    first = rig.engine.voices[1].audible_from
    replay = (first % 32 + 1) * 0.02
    assert rig.clock.time_of(first / 4) - located_at >= replay + START_MARGIN_SECONDS
    assert rig.clock.time_of((first - 1) / 4) - located_at < (first % 32) * 0.02 + START_MARGIN_SECONDS
    assert first - 48 == 4  # where a 1 ms step would have come in at the next step
    rig.run(2.0)
    assert min(t for t, _ in rig.sink.ons(after=located_at - 1e-9)) == pytest.approx(rig.clock.time_of(first / 4))


def notes_after_a_locate_back(rig: Rig, beat: float) -> list[tuple[float, int, int]]:
    """Four voices play a bar and a half, the transport jumps back to ``beat`` (in the phrase they play), and they
    play on for a phrase: each note-on after the locate, (seconds after it, channel, pitch)."""
    for v in range(1, 5):
        rig.send(cmd.Play(v, True))
    rig.run(1.5 * 16 * STEP)
    rig.clock.follow(beat, True, 120)
    located_at = rig.now.t
    rig.run(32 * STEP)
    return [(round(t - located_at, 9), channel, pitch) for t, kind, channel, pitch in rig.sink.sent
            if kind == "on" and t >= located_at - 1e-9]


@pytest.mark.parametrize("beat", [0.0, 4.0])  # a phrase's start, its second bar
def test_a_locate_back_into_the_phrase_takes_it_up_without_decoding_it_again(crafted_checkpoint, beat):
    """Live's loop brace: the transport goes back to where the voices played moments ago. Their decoders kept the
    phrase's steps, so they take them up where the locate lands instead of replaying the phrase up to there; what
    they play after is what a replay would have made, note for note, and it starts on the playhead's step."""
    taken_up, replayed = Rig(crafted_checkpoint), Rig(crafted_checkpoint)
    replayed.engine.decoder.trails = False  # its rows keep no steps: every locate replays
    ours = notes_after_a_locate_back(taken_up, beat)
    theirs = notes_after_a_locate_back(replayed, beat)
    assert len(ours) > 20 and ours == theirs
    assert ours[0][0] == 0.0 and taken_up.engine.playhead_starts == replayed.engine.playhead_starts == 1
    steps = int(beat * 4) % 32
    decoded, replays = (sum(r.engine.step_rows) for r in (taken_up, replayed))
    assert replays - decoded == 4 * steps  # the steps before the playhead, replayed by the other only


def test_a_locate_does_not_take_up_a_phrase_its_voice_would_now_begin_otherwise(rig):
    """Reseeded since the phrase began: the line's phrase is another one, so the voice replays it."""
    rig.send(cmd.Play(1, True))
    rig.run(1.5 * 16 * STEP)
    rig.send(cmd.Reseed(1, 7))
    before = sum(rig.engine.step_rows)
    rig.clock.follow(4.0, True, 120)
    rig.engine.generate()
    assert sum(rig.engine.step_rows) - before >= 16 + 1  # the phrase's first 16 steps again, then the playhead's


def test_after_a_locate_back_a_voice_plays_again_what_it_played_there_a_change_before_included():
    """Live's loop brace over the middle of a phrase, after a temperature change early in it: the loop sounds the
    notes it sounded the first time round (a replay would decode the phrase's start again at the new temperature
    and go elsewhere)."""
    rig = Rig(checkpoint.DEFAULT_CHECKPOINT)
    rig.send(cmd.Play(1, True))
    rig.run(4 * STEP)  # steps 0..3 heard, the lookahead beyond
    rig.send(cmd.SetParam(1, "temperature", 1.6))
    rig.run(22 * STEP)  # to step 26: the loop's end
    first_time = [(round(t / STEP), p) for t, p in rig.sink.ons() if 16 <= round(t / STEP) < 26]
    rig.clock.follow(4.0, True, 120)  # back to step 16
    back_at = rig.now.t
    rig.run(10 * STEP - 1e-6)
    second_time = [(round((t - back_at) / STEP) + 16, p) for t, p in rig.sink.ons(after=back_at - 1e-9)]
    assert len(first_time) >= 3 and second_time == first_time


def test_a_hold_released_after_a_jump_the_engine_has_not_seen_is_void_not_late(rig):
    """The note a release ends sits on the timeline before the jump: it must go out as void (at once, not counted
    as the engine's lateness), not be timed as though the old position were the new one (16 s in the past here)."""
    rig.send(cmd.Play(1, True), cmd.SetParam(1, "hold", 1))
    rig.run(1.0)
    assert rig.sender.open_notes(1) == 1  # a note sounds: the release has one to end
    rig.clock.follow(rig.clock.beat() + 32, True, 120)  # Live locates forward; the engine has not run since
    rig.send(cmd.SetParam(1, "hold", 0))
    rig.sender.send_due()  # the sender's thread gets there first
    assert rig.sender.open_notes(1) == 0
    assert len(rig.sender.behind) == 0
    rig.run(1.0)
    assert len(rig.sink.ons()) > 0 and len(rig.sender.behind) == 0


def test_the_engine_steps_at_the_step_priority_and_leaves_its_thread_as_it_was(rig, monkeypatch):
    import os

    if not hasattr(os, "sched_getscheduler"):
        pytest.skip("no real-time scheduling here")
    seen, real = [], rig.engine.decoder.step

    def step(*args):
        seen.append((os.sched_getscheduler(0), os.sched_getparam(0).sched_priority))
        return real(*args)

    before = os.sched_getscheduler(0)
    monkeypatch.setattr(rig.engine.decoder, "step", step)
    rig.send(cmd.Play(1, True))
    rig.run(1.0)
    inside = (os.SCHED_FIFO, STEP_PRIORITY) if rig.engine.realtime.allowed else (before, 0)
    assert seen and set(seen) == {inside}
    assert os.sched_getscheduler(0) == before


def test_generator_fault_ends_notes_and_recovers(rig, monkeypatch):
    rig.send(cmd.Play(1, True))
    rig.run(1.0)
    real = rig.engine.decoder.step
    monkeypatch.setattr(rig.engine.decoder, "step", lambda voices: (_ for _ in ()).throw(RuntimeError("boom")))
    before_fault = len(rig.sink.sent)
    rig.run(0.05)
    assert rig.sink.open_notes() == 0
    assert note_off_then_all_notes_off(rig.sink.sent[before_fault:])
    monkeypatch.setattr(rig.engine.decoder, "step", real)
    before = len(rig.sink.ons())
    rig.run(1.0)
    assert len(rig.sink.ons()) > before


def test_channel_change_ends_notes_on_their_own_channel(rig):
    rig.send(cmd.Play(1, True))
    rig.run(0.5)
    rig.send(cmd.SetParam(1, "channel", 5))
    rig.run(0.5)
    assert {c for _, kind, c, _ in rig.sink.sent if kind == "on"} == {1, 5}
    rig.send(cmd.Play(1, False))
    assert rig.sink.open_notes() == 0


def phrases(rig, length=32):
    """The note-ons of each complete phrase, as (step within phrase, pitch)."""
    by_phrase = {}
    for t, p in rig.sink.ons():
        step = round(t / STEP)
        by_phrase.setdefault(step // length, []).append((step % length, p))
    return [by_phrase[k] for k in sorted(by_phrase)[1:-1]]


def test_variation_zero_repeats_the_phrase(random_checkpoint):
    rig = Rig(random_checkpoint)
    rig.send(cmd.SetParam(1, "variation", 0.0), cmd.Play(1, True))
    rig.run(4 * 32 * STEP)
    complete = phrases(rig)
    assert len(complete) >= 2 and complete[0] and all(p == complete[0] for p in complete)


def test_variation_one_changes_and_hold_loops(random_checkpoint):
    rig = Rig(random_checkpoint)
    rig.send(cmd.SetParam(1, "variation", 1.0), cmd.Play(1, True))
    rig.run(4 * 32 * STEP)
    assert phrases(rig)[0] != phrases(rig)[1]
    rig.send(cmd.SetParam(1, "hold", 1))
    held_from = len(rig.sink.ons())
    rig.run(4 * 32 * STEP)
    loops = phrases(rig)[-2:]
    assert loops[0] == loops[1] and len(rig.sink.ons()) > held_from


def test_remove_resets_and_reports_state(rig):
    rig.send(cmd.Play(1, True), cmd.SetParam(1, "velocity", 7))
    rig.run(0.5)
    before_removal = len(rig.sink.sent)
    rig.send(cmd.Remove(1))
    assert rig.sink.open_notes() == 0
    assert note_off_then_all_notes_off(rig.sink.sent[before_removal:])
    address, values = rig.published[-1]
    assert address == "/stylevae/1/state" and values[0] == 0 and values[7] == 100


def test_restyle_takes_the_phrase_content_at_the_next_phrase(rig):
    rig.send(cmd.Play(1, True))
    rig.run(0.5)
    voice = rig.engine.voices[1]
    tokens = tuple([2 + 40] + [1] * 31)
    rig.send(cmd.Restyle(1, tokens))
    assert voice.next_content is not None
    rig.run(32 * STEP)
    assert voice.next_content is None


def test_pitch_helpers():
    assert midi_pitch(60, 1) == 72
    assert midi_pitch(120, 2) == 120
    assert midi_pitch(5, -2) == 5


ACTIONS = st.one_of(
    st.tuples(st.just("play"), st.integers(1, 3), st.booleans()),
    st.tuples(st.just("style"), st.integers(1, 3), st.integers(0, 2)),
    st.tuples(st.just("channel"), st.integers(1, 3), st.integers(1, 4)),
    st.tuples(st.just("octave"), st.integers(1, 3), st.integers(-2, 2)),
    st.tuples(st.just("hold"), st.integers(1, 3), st.booleans()),
    st.tuples(st.just("reseed"), st.integers(1, 3), st.none()),
    st.tuples(st.just("remove"), st.integers(1, 3), st.none()),
    st.tuples(st.just("quantize"), st.none(), st.sampled_from(["step", "beat", "bar"])),
    st.tuples(st.just("tempo"), st.none(), st.floats(40, 300)),
    st.tuples(st.just("jump"), st.none(), st.floats(-4, 64)),
    st.tuples(st.just("transport"), st.none(), st.booleans()),
    st.tuples(st.just("wait"), st.none(), st.floats(0.01, 1.0)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ACTIONS, max_size=25))
@example([("play", 1, True), ("wait", None, 0.5), ("play", 1, False)])
@example([("play", 2, True), ("wait", None, 0.3), ("channel", 2, 4), ("octave", 2, 1), ("remove", 2, None)])
@example([("play", 1, True), ("hold", 1, True), ("wait", None, 4.5), ("jump", None, 3.0), ("hold", 1, False),
          ("wait", None, 0.5), ("transport", None, False), ("wait", None, 0.2), ("transport", None, True)])
def test_every_note_on_gets_its_note_off(crafted_checkpoint, actions):
    rig = Rig(crafted_checkpoint)
    for kind, voice, value in actions:
        if kind == "play":
            rig.send(cmd.Play(voice, value))
        elif kind == "style":
            rig.send(cmd.Mix(voice, tuple(1.0 if i == value else 0.0 for i in range(3))))
        elif kind in ("channel", "octave", "hold"):
            rig.send(cmd.SetParam(voice, kind, float(value)))
        elif kind == "reseed":
            rig.send(cmd.Reseed(voice, None))
        elif kind == "remove":
            rig.send(cmd.Remove(voice))
        elif kind == "quantize":
            rig.send(cmd.Quantize(value))
        elif kind == "tempo":
            rig.clock.set_tempo(value)
        elif kind == "jump":
            rig.clock.follow(value, True, rig.clock.bpm)
        elif kind == "transport":
            rig.clock.follow(rig.clock.beat(), value, rig.clock.bpm)
        else:
            rig.run(value, dt=0.01)
        rig.run(0.02, dt=0.01)
        rig.sink.open_notes()  # asserts no note-off ever came without its note-on
        assert rig.sink.open_notes() <= 3  # monophonic voices: at most one note each
        for number, voice in rig.engine.voices.items():
            if not voice.settings.play or not rig.clock.running:
                assert rig.sender.open_notes(number) == 0, f"voice {number} is silent but has a note on"
    rig.clock.follow(rig.clock.beat(), False, rig.clock.bpm)
    rig.run(0.02, dt=0.01)
    assert rig.sink.open_notes() == 0 and rig.sender.open_notes() == 0


def test_a_failing_command_is_answered_and_the_engine_goes_on(rig, monkeypatch):
    def broken(tokens):
        raise RuntimeError("encoder fault")

    monkeypatch.setattr(rig.engine.decoder, "encode", broken)
    rig.send(cmd.Play(1, True))
    rig.engine.handle(cmd.Restyle(1, tuple([2] + [1] * 31)))
    assert rig.published[-1] == ("/stylevae/error", ["/stylevae/1/restyle", "internal error (logged by the daemon)"])
    before = len(rig.sink.ons())
    rig.run(0.5)
    assert len(rig.sink.ons()) > before


PHRASES = 8  # enough for an earlier phrase to come back: the first one included, as ``stream`` counts it


@pytest.mark.parametrize("style, seed", [(2, 3), (6, 3), (2, 4), (6, 4)])
def test_the_daemon_plays_what_eval_measures(style, seed):
    """A voice at default settings, run by the engine in fake time, plays exactly the notes ``decoding.stream``
    (what ``stylevae eval`` and ``stylevae sample`` decode) gives for the same line: same seed, style and key. Not
    the default style: the line must start from the style it first plays; style 6's key is minor, so the line must
    keep to that style's minor tunes from its first phrase on. Eight phrases, so that earlier ones come back: the
    first among them (with seed 4, Irish dance), which the voice reaches by a seek at its first play."""
    from stylevae.model.data.tokens import tokens_to_notes
    from stylevae.model.decoding.decoder import Rules, key_plan, stream

    rig = Rig(checkpoint.DEFAULT_CHECKPOINT)
    rig.engine.seed = seed
    loaded = rig.engine.checkpoint
    weights = np.eye(len(loaded.styles), dtype=np.float32)[style : style + 1]
    rig.send(cmd.Mix(1, tuple(float(w) for w in weights[0])), cmd.Play(1, True))
    rig.run(PHRASES * 32 * STEP + 0.5)
    played = {round(t / STEP): p for t, p in rig.sink.ons()}
    key = loaded.style_key(style)
    plan = key_plan(loaded.model, key)
    rules = Rules(playing.TEMPERATURE, playing.DENSITY, playing.LOCK, key.intervals, playing.TOP_P, plan.tonic)
    tokens = stream(loaded.model, loaded.vocab, loaded.continuation, weights, [key], PHRASES, loaded.steps, [rules],
                    playing.VARIATION, [[seed, 1]])[0]
    expected = {n.start: n.pitch + plan.shift for n in tokens_to_notes(tokens, loaded.vocab)}
    after_the_first = range(loaded.steps, PHRASES * loaded.steps)
    assert any(s in expected for s in after_the_first)
    assert {s: p for s, p in played.items() if s in after_the_first} == {
        s: p for s, p in expected.items() if s in after_the_first}


def repeat_everywhere(fitted: continuation.Continuation, rates: np.ndarray) -> None:
    """The fit's repeat rates (S, places, lags) set to ``rates`` for every tune, whatever its meter family and
    whether the phrase before came back."""
    fitted.repeat = rates
    fitted.repeat_meter = np.repeat(rates[:, None], continuation.METER_FAMILIES, axis=1)
    fitted.repeat_after = np.repeat(fitted.repeat_meter[:, :, :, None], continuation.REPEAT_LAGS + 1, axis=3)


@pytest.mark.parametrize("place, comes_back", [(6, True), (2, False)])
def test_a_voice_brings_phrases_back_by_their_place_in_the_songs_strain(place, comes_back):
    """Where in a 16-bar strain a phrase lies says how likely an earlier one comes back there, counted on the song's
    phrase grid: a voice that first plays at bar 9 (the song's fifth phrase) plays the song's seventh phrase as
    its sixth again when the seventh place always brings back the phrase before, and not when the third place does
    (its own third phrase, which a voice counting its phrases from its first play would take for the third). The
    phrases are compared up to their last beat, where the first of the two leads into the return and the return
    goes on its own way (first and second endings)."""
    rig = Rig(checkpoint.DEFAULT_CHECKPOINT)
    rates = np.zeros((len(rig.engine.checkpoint.styles), 8, 4), np.float32)
    rates[:, place, 0] = 1.0
    repeat_everywhere(rig.engine.checkpoint.continuation, rates)
    rig.clock.follow(32.0, True, 120)  # bar 9: the song's phrase 4 of 0, 1, 2, …
    rig.send(cmd.Play(1, True))
    rig.run(3 * 32 * STEP + 0.1)
    by_phrase = {}
    for t, pitch in rig.sink.ons():
        step = round(t / STEP)
        if step % 32 < 32 - LEAD_STEPS:
            by_phrase.setdefault(step // 32, set()).add((step % 32, pitch))
    assert by_phrase[1] and (by_phrase[2] == by_phrase[1]) == comes_back


def leads_begun(rig: Rig) -> list:
    """The leads (one per voice) of every batch of phrases the rig's decoder begins from now on, in order."""
    begun = []
    start_batch = rig.engine.decoder.start_batch
    rig.engine.decoder.start_batch = lambda rows, *args, leads=None, **kwargs: (
        begun.append(leads), start_batch(rows, *args, leads=leads, **kwargs))
    return begun


def test_a_voice_leads_the_phrase_before_a_return_into_it():
    """The song's fourth phrase always brings back the third: the voice's decoder begins the third with a lead into
    its own first note over its last beat, and the phrases before it and the return itself with none; the name the
    decoder knows a phrase by includes what it leads into."""
    rig = Rig(checkpoint.DEFAULT_CHECKPOINT)
    rates = np.zeros((len(rig.engine.checkpoint.styles), 8, 4), np.float32)
    rates[:, 3, 0] = 1.0
    repeat_everywhere(rig.engine.checkpoint.continuation, rates)
    begun = leads_begun(rig)
    rig.send(cmd.Play(1, True))
    rig.run(3 * 32 * STEP + 0.1)
    assert len(begun) == 4
    assert [lead.shares is None for (lead,) in begun] == [True, True, False, True]  # each has its place's cadence
    assert begun[2][0].then is None and begun[2][0].at == rig.engine.checkpoint.steps - LEAD_STEPS
    voice = rig.engine.voices[1]  # the phrase's name says what it leads into: a replay with another plan is another
    named = rig.engine._phrase(voice)
    voice.line.leading = 60 if voice.line.leading is None else None
    assert rig.engine._phrase(voice) != named


def test_a_voices_phrases_end_as_real_ones_do_at_their_place_in_a_section():
    """Each phrase a voice begins has the cadence of its place in the song's 8-bar sections, the 4th and the 8th
    the same, taken from where the song's phrase grid puts it; the name the decoder knows a phrase by says which
    place, so the same phrase begun at another place decodes afresh."""
    rig = Rig(checkpoint.DEFAULT_CHECKPOINT)
    continuation, vocab = rig.engine.checkpoint.continuation, rig.engine.checkpoint.vocab
    begun = leads_begun(rig)
    rig.send(cmd.Play(1, True))
    rig.run(7 * 32 * STEP + 0.1)
    style = rig.engine.voices[1].style
    closes = [lead.close for (lead,) in begun]
    assert len(closes) == 8
    for place, close in enumerate(closes):
        assert np.array_equal(close, continuation.cadence_weights(style, place, vocab))
    assert not np.array_equal(closes[3], closes[2]) and np.array_equal(closes[3], closes[7])
    voice = rig.engine.voices[1]
    named = rig.engine._phrase(voice)
    voice.line.position += 1  # the same phrase begun a phrase further on in the song: another place
    assert rig.engine._phrase(voice) != named
    voice.line.position += 3  # a whole section on from where it was: the same place again
    assert rig.engine._phrase(voice) == named


def test_a_voice_started_mid_song_ends_its_first_phrase_as_its_place_there_does_and_a_locate_replays_it_as_it_was():
    """Live started at beat 24 (the song's 4th phrase, a section's end): the voice's first phrase has that place's
    cadence, not the song's first phrase's; a locate elsewhere replays the phrase the line is at as it began it, its
    place with it, and the phrase after it takes the place the song has reached."""
    rig = Rig(checkpoint.DEFAULT_CHECKPOINT)
    continuation, vocab = rig.engine.checkpoint.continuation, rig.engine.checkpoint.vocab
    begun = leads_begun(rig)
    rig.send(cmd.Play(1, True))
    rig.clock.follow(24.0, True, 120)
    rig.run(4 * STEP)
    style = rig.engine.voices[1].style
    assert rig.engine.voices[1].line.position == 3
    assert np.array_equal(begun[0][0].close, continuation.cadence_weights(style, 3, vocab))
    rig.clock.follow(52.0, True, 120)  # the song's 7th phrase, 4 steps in
    rig.run(32 * STEP)
    assert np.array_equal(begun[-2][0].close, continuation.cadence_weights(style, 3, vocab))  # replayed as it was
    assert rig.engine.voices[1].line.position == 7 and np.array_equal(
        begun[-1][0].close, continuation.cadence_weights(style, 7, vocab))


def test_a_voice_keeps_its_key_through_a_style_change_until_given_one():
    rig = Rig(checkpoint.DEFAULT_CHECKPOINT)
    loaded = rig.engine.checkpoint
    keys = [loaded.style_key(s) for s in range(len(loaded.styles))]
    other = next(s for s, k in enumerate(keys) if k != keys[0])
    rig.send(cmd.Play(1, True))
    rig.run(1.0)
    voice = rig.engine.voices[1]
    rig.send(cmd.Mix(1, tuple(1.0 if s == other else 0.0 for s in range(len(keys)))))
    assert rig.engine.key_of(voice) == keys[0]
    assert keys[0].mode == "major" and voice.mode == 0  # the line keeps to tunes of its key's mode family
    song = make_key(3, "dorian")
    rig.engine.apply(cmd.SongKey(song))
    assert rig.engine.key_of(voice) == song and rig.published[-1][1][9:13] == [3, "dorian", playing.LOCK, 0]
    assert voice.mode == MODES.index("minor")
    own = make_key(5, [0, 2, 4, 7, 9])
    rig.send(cmd.VoiceKey(1, own))
    assert rig.engine.key_of(voice) == own and rig.published[-1][1][9:13] == [5, "major_pentatonic", playing.LOCK, 1]
    assert voice.mode == MODES.index("major")
    rig.send(cmd.VoiceKey(1, None))
    assert rig.engine.key_of(voice) == song and voice.mode == MODES.index("minor")


def play_a_loop(rig: Rig, start: float, length: float, seconds: float, planned: bool = True, voices=(1,)):
    """Live plays from beat 0 with its loop ``start``..``start + length`` on, reporting its song position every 16th
    as the device does (each report read the moment it is sent). ``planned``: the daemon is told of the loop."""
    if planned:
        rig.clock.set_loop(True, start, length)
    for v in voices:
        rig.send(cmd.Play(v, True))
    follow_on(rig, start, length, 0.0, seconds)


def follow_on(rig: Rig, start: float, length: float, song: float, seconds: float) -> None:
    """Live plays on from ``song`` (a locate, when that is not where the playhead was) and wraps at the end of its
    loop ``start``..``start + length``, reporting every 16th."""
    end = start + length
    for _ in range(round(seconds / STEP)):
        rig.clock.follow(song, True, 120)
        rig.run(STEP)
        song += 0.25
        if song >= end - 1e-9:
            song -= length


def song_steps_heard(rig: Rig, start: float, length: float) -> list[tuple[int, int]]:
    """Each note-on as (Live's song step it sounds on, pitch), the wraps of the loop taken back."""
    heard = []
    for t, p in rig.sink.ons():
        step = round(t / STEP)
        first, end = int(start * 4), int((start + length) * 4)
        while step >= end:
            step -= end - first
        heard.append((step, p))
    return heard


def test_a_loop_the_daemon_knows_wraps_on_time_and_plays_it_again(crafted_checkpoint):
    """Live's loop over part of a phrase (song steps 16 to 25), known ahead: the wrap is planned with the steps, so
    the loop's downbeat sounds on time, nothing past its end is played, and each pass plays the notes of the first
    (the decoder takes the phrase up at the loop's start), with no locate."""
    rig = Rig(crafted_checkpoint)
    play_a_loop(rig, 4.0, 2.5, 46 * STEP)  # to step 26, then the loop twice more
    ons = [round(t / STEP) for t, _ in rig.sink.ons()]
    assert ons == list(range(ons[0], 46))  # a note every 16th, on the grid: none late, doubled or skipped
    heard = song_steps_heard(rig, 4.0, 2.5)
    passes = [[p for (step, p), t in zip(heard, ons) if first <= t < first + 10] for first in (16, 26, 36)]
    assert len(passes[0]) == 10 and passes[1] == passes[0] and passes[2] == passes[0]
    assert sum(rig.engine.step_rows) <= 46 + 3  # each step decoded once: no wrap replayed the phrase's first 16
    assert rig.clock.epoch == 0 and rig.engine.playhead_starts == 0  # no wrap was a locate
    notes = [v for a, v in rig.published if a == "/stylevae/1/note"]
    assert notes and all(0.0 <= n[2] < 6.5 for n in notes)  # Live's song positions, none past the end


def test_each_note_reply_tells_its_lead_on_the_timeline_which_a_wrap_does_not_cut(crafted_checkpoint):
    """In Live's loop, a note planned past a wrap is reported at its song position, behind the playhead; its lead
    (the reply's last value) is the beats from the playhead when sent to its note-on, or to its end for /note, a
    lookahead ahead at most, and that many beats on from the playhead lies the song position reported."""
    rig = Rig(crafted_checkpoint)
    heard = []
    rig.engine.publish = lambda address, values: heard.append((rig.clock.beat(), address, values))
    play_a_loop(rig, 4.0, 2.5, 46 * STEP)
    ons = [(now, v) for now, a, v in heard if a.endswith("/on")]
    ends = [(now, v) for now, a, v in heard if a.endswith("/note")]
    assert len(ons) > 30 and len(ends) > 30
    assert [v for now, v in ons if v[2] < rig.clock.song(now) - 1.0], "no note was planned past a wrap"
    assert all(0.0 < v[3] <= 0.5 for _, v in ons) and all(0.0 < v[4] <= 0.5 for _, v in ends)
    assert all(abs(rig.clock.song(now + v[3]) - v[2]) < 1e-9 for now, v in ons)
    assert all(abs((rig.clock.song(now + v[4]) - v[2] - v[3] + 1.25) % 2.5 - 1.25) < 1e-9 for now, v in ends)


def test_a_loop_the_daemon_is_not_told_of_is_a_locate_at_each_wrap(crafted_checkpoint):
    """The same loop without ``/stylevae/loop``: each wrap is found by the next report, as a locate."""
    rig = Rig(crafted_checkpoint)
    play_a_loop(rig, 4.0, 2.5, 46 * STEP, planned=False)
    assert rig.clock.epoch == 2  # one for each wrap


@pytest.mark.parametrize("start, length", [(6.0, 4.0), (1.0, 1.0), (2.0, 9.0)])  # across a phrase's border; short
def test_every_loop_on_the_grid_wraps_on_time_with_its_phrases_on_the_song_grid(crafted_checkpoint, start, length):
    """A loop whose start and end lie anywhere on the 16th grid: the notes stay on the grid across every wrap, for
    two voices, and the voices' phrases keep to Live's song grid (a phrase begins on every 32nd song step)."""
    rig = Rig(crafted_checkpoint)
    seconds = (start + 3 * length) * 4 * STEP
    play_a_loop(rig, start, length, seconds, voices=(1, 2))
    for channel in (1, 2):
        ons = [round(t / STEP) for t, kind, c, _ in rig.sink.sent if kind == "on" and c == channel]
        assert ons == list(range(ons[0], round(seconds / STEP)))
    assert rig.clock.epoch == 0
    for voice in rig.engine.voices.values():
        song = round(rig.clock.song(voice.next_step / 4) * 4)
        assert voice.next_step - voice.origin == song  # its phrase grid is the song's


def loop_passes(rig: Rig, start: float, length: float) -> list[list[tuple[int, int]]]:
    """The notes of each whole pass through Live's loop, as (16th of the pass, pitch); its first traversal (from the
    timeline's ``start``) is pass 0."""
    ons = [(round(t / STEP), p) for t, p in rig.sink.ons()]
    begin, steps = round(start * 4), round(length * 4)
    passes = []
    while begin + (len(passes) + 1) * steps <= round(rig.now.t / STEP):
        lo = begin + len(passes) * steps
        passes.append([(t - lo, p) for t, p in ons if lo <= t < lo + steps])
    return passes


@pytest.mark.parametrize("start, length", [(6.0, 4.0), (2.0, 9.0), (8.0, 16.0), (4.0, 16.0), (7.0, 1.25)])
def test_every_pass_of_a_loop_plays_its_first_again_decoding_each_step_once(crafted_checkpoint, start, length):
    """Loops across a phrase border, over whole phrases and over parts of three: every pass plays the notes of the
    first, as a loop inside a phrase does, and no wrap replays a phrase silently (each step is decoded once; the
    decoder takes up the phrase the loop starts in, kept from a loop ago, and the line goes back to its marks)."""
    rig = Rig(crafted_checkpoint)
    seconds = (start + 4 * length) * 4 * STEP
    play_a_loop(rig, start, length, seconds)
    passes = loop_passes(rig, start, length)
    assert len(passes) == 4 and len(passes[0]) == round(length * 4)
    assert all(p == passes[0] for p in passes[1:])
    assert sum(rig.engine.step_rows) <= seconds / STEP + 5  # the lookahead's steps beyond the last one heard


@pytest.mark.parametrize("at", [7.0, 8.0])  # in the loop's first phrase, and in its second
def test_a_locate_lets_the_loop_play_on_to_new_phrases_and_their_passes_repeat(crafted_checkpoint, at):
    """Clicked back to the loop's start in its third pass, Live's loop plays on to phrases it has not played there
    (the line moves on, as after any locate, wherever in the loop the click came); from the next wrap its passes
    repeat the first after the click."""
    rig = Rig(crafted_checkpoint)
    start, length = 6.0, 4.0
    play_a_loop(rig, start, length, (2 * length + at) * 4 * STEP)
    before = loop_passes(rig, start, length)
    rig.sink.sent.clear()
    offset = round(rig.now.t / STEP) - round(start * 4)  # a pass begins here: loop_passes counts from it
    follow_on(rig, start, length, start, 3 * length * 4 * STEP)
    assert rig.clock.epoch == 1  # one locate
    again = loop_passes(rig, start + offset / 4, length)
    assert len(before) == 2 and before[1] == before[0]
    assert len(again) == 3 and again[1] == again[0] and again[2] == again[0] != before[0]


def test_a_voice_switched_on_in_a_loop_plays_its_first_notes_there_again_at_every_pass(crafted_checkpoint):
    """A second voice switched on in the loop's second phrase (beats 6 to 14, phrases from beats 0 and 8), at beat
    10: the notes it played to the end of that first pass come back at every pass, the first wrap taking it to a
    phrase it never played."""
    rig = Rig(crafted_checkpoint)
    start, length = 6.0, 8.0
    play_a_loop(rig, start, length, 10.0 * 4 * STEP)
    rig.send(cmd.Play(2, True))
    follow_on(rig, start, length, 10.0, (4.0 + 3 * length) * 4 * STEP)
    ons = [(round(t / STEP), p) for t, kind, channel, p in rig.sink.sent if kind == "on" and channel == 2]
    first = [(t - 24, p) for t, p in ons if t < 56]
    later = [[(t - 24 - k * 32, p) for t, p in ons if 24 + k * 32 <= t < 56 + k * 32 and t - k * 32 >= first[0][0] + 24]
             for k in (1, 2, 3)]
    assert len(first) >= 8 and later == [first, first, first]


def test_a_voice_off_while_live_locates_plays_on_to_new_phrases_when_on_again(crafted_checkpoint):
    """A voice switched off in a loop's second phrase, Live clicked back into it, the voice on again: it does not go
    back to the passes it played before the click, as the voices that played through the click do not; the loop's
    first phrase is now played from where its line is."""
    rig = Rig(crafted_checkpoint)
    start, length = 6.0, 4.0
    play_a_loop(rig, start, length, (2 * length + 8.5) * 4 * STEP, voices=(1, 2))  # song beat 8.5 of the third pass

    def ons():
        return [(round(t / STEP), p) for t, kind, channel, p in rig.sink.sent if kind == "on" and channel == 2]

    before = [p for t, p in ons() if 40 <= t < 56]  # the second pass
    rig.send(cmd.Play(2, False))
    follow_on(rig, start, length, 8.0, 1.0 * 4 * STEP)  # a click back to beat 8
    rig.send(cmd.Play(2, True))
    follow_on(rig, start, length, 9.0, (1.0 + 3 * length) * 4 * STEP)
    after = [p for _, p in ons()[-16:]]  # the last pass
    assert len(before) == 16 and after[:8] != before[:8]


@pytest.mark.parametrize("change", [cmd.Restyle(1, tuple([2] + [1] * 31)), cmd.Reseed(1, 11)])
def test_a_restyle_or_reseed_in_a_loop_moves_it_on_and_the_new_pass_repeats(random_checkpoint, change):
    """Sent in the second pass of a loop over parts of four phrases, before the first border: that pass plays new
    notes past the border (a restyle, taken at the next phrase, and the phrases after move on from it) or from the
    next step (a reseed's z_c), and from the next wrap (a reseed) or at once (a restyle) the passes repeat the new
    one."""
    rig = Rig(random_checkpoint)
    start, length = 6.0, 20.0  # song steps 24..104
    play_a_loop(rig, start, length, (start + length + 0.5) * 4 * STEP)  # song beat 6.5, before the border at 8
    rig.send(change)
    follow_on(rig, start, length, start + 0.5, (4 * length - 0.5) * 4 * STEP)
    passes = loop_passes(rig, start, length)
    assert len(passes) == 5 and passes[1] != passes[0] and all(passes)
    assert passes[2] == passes[3] == passes[4] != passes[0]
    if isinstance(change, cmd.Restyle):  # the pass it came in played its phrase past the border, as the next ones
        def part(notes, first, end):
            return [(t, p) for t, p in notes if first <= t < end]

        assert part(passes[1], 0, 8) == part(passes[0], 0, 8) and passes[1] == passes[2]
        assert part(passes[1], 40, 80) != part(passes[0], 40, 80)  # the phrase after the restyled one moved on too


def test_a_loop_switched_off_plays_on_into_the_phrase_its_passes_played_and_then_past_the_loop(crafted_checkpoint):
    """Live's loop (beats 6 to 10) switched off in a pass, before its phrase border at beat 8: Live plays on, the
    phrase from beat 8 as the passes played it, on past the loop's end without a wrap."""
    rig = Rig(crafted_checkpoint)
    start, length = 6.0, 4.0
    play_a_loop(rig, start, length, (start + 2 * length + 1.0) * 4 * STEP)  # the third pass, song beat 7
    looped = loop_passes(rig, start, length)[1]
    rig.clock.set_loop(False, 0.0, 0.0)
    mark = round(rig.now.t / STEP)
    follow_on(rig, 0.0, 1000.0, 7.0, 4 * 4 * STEP)  # on to beat 11
    after = [(t - mark + 4, p) for t, p in ((round(t / STEP), p) for t, p in rig.sink.ons()) if t >= mark]
    assert [n for n in after if n[0] < 16] == [n for n in looped if 4 <= n[0] < 16]
    assert [t for t, _ in after] == list(range(4, 20)) and rig.clock.epoch == 0


def test_a_loop_over_more_phrases_than_kept_still_wraps_on_time(crafted_checkpoint, monkeypatch):
    """A loop over more phrases than the voices and decoder keep: each wrap replays the phrase it lands in silently,
    as a locate does, with every note on the grid."""
    monkeypatch.setattr("stylevae.bridge.engine.LOOP_PHRASES", 2)
    rig = Rig(crafted_checkpoint)
    start, length = 6.0, 20.0  # song steps 24..104: parts of four phrases, the first dropped by the fourth
    seconds = (start + 3 * length) * 4 * STEP
    play_a_loop(rig, start, length, seconds)
    ons = [round(t / STEP) for t, _ in rig.sink.ons()]
    assert ons == list(range(ons[0], round(seconds / STEP)))
    assert rig.engine.decoder.kept == 2 and sum(rig.engine.step_rows) > seconds / STEP + 5 + 16  # replayed


def test_a_hold_released_inside_a_wrapped_loop_keeps_the_songs_phrase_grid(crafted_checkpoint):
    """Hold released after wraps of Live's loop: the voice seeks on at the song's phrase grid, not the timeline's."""
    rig = Rig(crafted_checkpoint)
    rig.send(cmd.SetParam(1, "hold", 1))
    play_a_loop(rig, 6.0, 4.0, (6.0 + 2.5 * 4.0) * 4 * STEP)  # two wraps, and half a pass
    rig.send(cmd.SetParam(1, "hold", 0))
    voice = rig.engine.voices[1]
    assert voice.origin == 32 and voice.next_step - voice.origin == round(rig.clock.song(voice.next_step / 4) * 4)


def steps_applied(rig: Rig, times: list | None = None) -> list[float]:
    """Live's song beat of the step each mix change takes effect on (the engine's own application, watched), and in
    ``times`` the time that step sounds."""
    applied, apply_now = [], rig.engine._apply_now

    def watched(voice, command):
        if isinstance(command, cmd.Mix):
            applied.append(rig.clock.song(voice.next_step / 4))
            if times is not None:
                times.append(rig.clock.time_of(voice.next_step / 4))
        return apply_now(voice, command)

    rig.engine._apply_now = watched
    return applied


@pytest.mark.parametrize("grid, start, length, sent_at", [("bar", 0.0, 6.0, 4.5), ("bar", 1.0, 6.0, 4.5),
                                                          ("beat", 0.0, 2.75, 2.0)])
def test_a_quantized_change_in_a_loop_without_the_line_ahead_takes_the_loops_start(crafted_checkpoint, grid, start,
                                                                                   length, sent_at):
    """A loop of 1.5 bars from bar 1: from beat 4.5 the next bar line Live plays is the loop's start, after the wrap,
    not the timeline's bar line, which would fall at Live's beat 2, mid-bar. A loop's start counts as a line where it
    is none of the song's (from beat 1: the change comes at the wrap, not at beat 4 a pass later)."""
    rig = Rig(crafted_checkpoint)
    rig.engine.quantize = grid
    applied = steps_applied(rig)
    play_a_loop(rig, start, length, sent_at * 4 * STEP)
    rig.send(cmd.Mix(1, (0.0, 1.0, 0.0)))
    rig.run(12 * STEP)
    assert applied == [start]


def test_a_quantized_change_waits_for_the_next_bar_from_where_a_locate_lands(crafted_checkpoint):
    """After ten wraps the timeline is 40 beats past Live's position; a locate starts it again at Live's. A change
    queued before the locate takes the next bar line from there (the loop's start, 3 beats on), not one 40 beats on."""
    rig = Rig(crafted_checkpoint)
    rig.engine.quantize = "bar"
    times = []
    applied = steps_applied(rig, times)
    play_a_loop(rig, 0.0, 4.0, 42.5 * 4 * STEP)  # ten wraps, then song beat 2.5
    rig.send(cmd.Mix(1, (0.0, 1.0, 0.0)))
    rig.clock.follow(1.0, True, 120)  # Live located to beat 1
    located_at = rig.now.t
    rig.run(3 * 4 * 4 * STEP)
    assert applied == [0.0] and times[0] - located_at == pytest.approx(3 * 4 * STEP)


def test_a_loop_changed_at_its_wrap_ends_the_playheads_note_without_striking_it_again(crafted_checkpoint):
    """Live's loop end dragged from beat 4 to 8 a moment before the wrap, after the note on beat 3.75 went out: too
    close to take back only what was planned past the wrap (``REPLAN_GUARD_SECONDS``), so all of it is void and the
    voices re-align, but at the next step: the note already sounding is not struck again as after a locate."""
    rig = Rig(crafted_checkpoint)
    rig.sink.exact = True
    play_a_loop(rig, 0.0, 4.0, 15 * STEP)
    rig.engine.generate()
    rig.sender.send_due()  # the note on the playhead's step
    rig.now.t = 16 * STEP - 0.025
    assert rig.clock.set_loop(True, 0.0, 8.0) is Change.JUMP
    rig.run(4 * STEP)
    ons = [t / STEP for t, _ in rig.sink.ons()]
    assert sum(abs(step - 15) < 1e-6 for step in ons) == 1 and rig.engine.playhead_starts == 0
    assert any(abs(step - 16) < 1e-6 for step in ons)  # in again at the next step


# Live's loop (the first) changed 0.375 beat before the wrap at the beat given, of the first loop or the last (the
# changes come one after another, as when the loop's start edge is dragged: Live reports the start, then the length),
# and the loop it might as well have had from the start (the last): the voices play the same from the first note to
# the last. Inside a phrase (of 8 beats), where the first loop wrapped to the start of a phrase that the last goes on
# past, and the other way round, and where the first wrapped into a phrase.
LOOP_CHANGES = {
    "made longer": ((0.0, 4.0), [(0.0, 6.0)], 4.0),
    "switched off": ((0.0, 4.0), [None], 4.0),
    "made shorter": ((0.0, 8.0), [(0.0, 4.0)], 4.0),
    "switched on": (None, [(0.0, 4.0)], 4.0),
    "its start moved": ((0.0, 4.0), [(2.0, 2.0)], 4.0),
    "made longer, past a phrase": ((0.0, 8.0), [(0.0, 12.0)], 8.0),
    "switched on, a phrase long": (None, [(0.0, 8.0)], 8.0),
    "made longer, from inside a phrase": ((4.0, 2.0), [(4.0, 4.0)], 6.0),
    "its start edge dragged": ((4.0, 4.0), [(2.0, 4.0), (2.0, 6.0)], 8.0),
}


def played_with_loops(folder, loops, change_at: float | None, voices=(1, 2, 3), seconds=6.0, lookahead=1.0,
                      commands=(), commands_at: float = 0.0):
    """What the port got from ``voices`` with the shipped model, Live's loop the first of ``loops`` from the start
    and those of the second from ``change_at`` seconds on (always the last, with None); with the replies. The
    ``commands`` are sent at ``commands_at`` seconds."""
    rig = Rig(folder, lookahead)
    heard = told(rig)

    def set_loop(loop):
        rig.clock.set_loop(loop is not None, *(loop or (0.0, 4.0)))

    set_loop(loops[0] if change_at is not None else loops[1][-1])
    rig.send(*(cmd.Play(v, True) for v in voices))
    rig.run(commands_at)
    rig.send(*commands)
    if change_at is not None:
        rig.run(change_at - rig.now.t)
        for loop in loops[1]:
            set_loop(loop)
    rig.run(seconds - rig.now.t)
    return rig, heard


@pytest.mark.parametrize("change", LOOP_CHANGES)
def test_a_loop_changed_near_its_wrap_plays_on_as_if_it_had_been_so_from_the_start(change):
    """What was planned before the wrap stands, nothing is cut (no All Notes Off), and from the wrap on each voice
    plays what it would have, had the loop been the new one all along: it goes back into the phrase it left at the
    old wrap, the note sounding there goes on, and the decoder takes up the steps it holds."""
    *loops, wrap = LOOP_CHANGES[change]
    changed, heard = played_with_loops(checkpoint.DEFAULT_CHECKPOINT, loops, (wrap - 0.375) * 4 * STEP)
    always, _ = played_with_loops(checkpoint.DEFAULT_CHECKPOINT, loops, None)
    assert not any(kind == "cc123" for _, kind, _, _ in changed.sink.sent)
    assert not any(address.endswith("/cut") for _, address, _ in heard)
    assert changed.sink.sent == always.sink.sent and len(always.sink.ons(after=wrap * 4 * STEP)) > 10
    assert changed.sink.open_notes() == always.sink.open_notes() and changed.sender.dropped == 0
    # decoded again: the steps planned past the wrap, at most the lookahead's; those before it the decoder held
    assert len(changed.engine.step_seconds) - len(always.engine.step_seconds) <= 4 * 1.0 + 1


def test_a_change_quantized_to_a_beat_keeps_its_beat_through_a_loop_change():
    """A change sent half a beat before the wrap with a lookahead of 2 beats waits for the beat line after the steps
    already planned, 2.5 beats on; a change of the loop then takes back what was planned past the wrap, but the
    change still comes on its line, as with the new loop all along, not at the wrap."""
    loops = ((0.0, 8.0), [(0.0, 12.0)])
    commands = (cmd.Quantize("beat"), cmd.SetParam(1, "octave", 1))
    beat = 4 * STEP
    changed, _ = played_with_loops(checkpoint.DEFAULT_CHECKPOINT, loops, 7.625 * beat, (1,), 7.0, 2.0, commands,
                                   7.5 * beat)
    always, _ = played_with_loops(checkpoint.DEFAULT_CHECKPOINT, loops, None, (1,), 7.0, 2.0, commands, 7.5 * beat)
    plain, _ = played_with_loops(checkpoint.DEFAULT_CHECKPOINT, loops, None, (1,), 7.0, 2.0, commands[:1], 7.5 * beat)
    assert changed.sink.sent == always.sink.sent
    ons, octave_lower = always.sink.ons(), [(t, p - 12) for t, p in always.sink.ons()]
    first = next(i for i, (t, p) in enumerate(plain.sink.ons()) if t >= 10 * beat)  # beat 10, step 40
    assert ons[:first] == plain.sink.ons()[:first] and octave_lower[first:] == plain.sink.ons()[first:]
    assert any(8 * beat <= t < 10 * beat for t, _ in ons[:first])  # notes between the wrap and the line


def most_sounding(sent) -> int:
    """The most notes sounding at once at the port, from its messages (time, kind, channel, pitch)."""
    sounding, most = Counter(), 0
    for _, kind, channel, pitch in sent:
        if kind == "on":
            sounding[channel, pitch] += 1
        elif kind == "off" and sounding[channel, pitch]:
            sounding[channel, pitch] -= 1
        most = max(most, sum(sounding.values()))
    return most


def test_a_command_after_a_loop_change_is_applied_to_the_voices_as_the_change_left_them(crafted_checkpoint):
    """Hold released after Live's loop was made longer, before the engine's next pass: the command positions the
    voice on what the change left (the engine follows the clock first), not on the plan the change took back, whose
    note-off for the note sounding at the wrap the sender no longer has: one note at a time, none left."""
    rig = Rig(crafted_checkpoint, lookahead=1.0)
    rig.clock.set_loop(True, 0.0, 4.0)
    rig.send(cmd.Play(1, True), cmd.SetParam(1, "hold", 1))
    rig.run(15 * STEP)  # the voice planned past the wrap
    assert rig.clock.set_loop(True, 0.0, 8.0) is Change.REPLAN
    rig.send(cmd.SetParam(1, "hold", 0))
    rig.run(2.0)
    rig.clock.follow(rig.clock.beat(), False, 120)
    rig.run(0.1)
    assert most_sounding(rig.sink.sent) == 1 and rig.sink.open_notes() == 0


def test_a_voice_reseeded_since_its_phrase_began_plays_on_through_a_loop_change_as_if_it_had_been_so():
    """A reseed since the phrase began acts from the rewind's step as it did on what was taken back: the voices play
    as with the new loop from the start, the same reseed at the same moment; no All Notes Off."""
    def run(loop_changes: bool):
        rig = Rig(checkpoint.DEFAULT_CHECKPOINT, lookahead=1.0)
        rig.clock.set_loop(True, 0.0, 6.0 if loop_changes else 8.0)
        rig.send(cmd.Play(1, True), cmd.Play(2, True))
        rig.run(8 * STEP)
        rig.send(cmd.Reseed(1, 5))
        rig.run(14 * STEP)
        if loop_changes:
            assert rig.clock.set_loop(True, 0.0, 8.0) is Change.REPLAN  # 250 ms before the wrap at step 24
        rig.run(40 * STEP)
        return rig.sink.sent

    changed = run(True)
    assert changed == run(False) and not any(kind == "cc123" for _, kind, _, _ in changed)


def test_a_loop_change_right_after_hold_is_released_ends_the_note_the_release_ended(crafted_checkpoint):
    """Hold released (the voice seeks: its note ends on the step it lands on, and it goes back to replay its phrase
    up to there), then, before the engine's next pass, Live's loop moves the wrap on that very step: the sender
    withdraws that note-off, and the voice, which planned no step past the wrap yet, still goes back and ends it."""
    rig = Rig(crafted_checkpoint, lookahead=1.0)
    rig.sink.exact = True
    rig.clock.set_loop(True, 0.0, 6.0)
    rig.send(cmd.Play(1, True), cmd.SetParam(1, "hold", 1))
    voice = rig.engine.voices[1]
    while voice.next_step is None or voice.next_step < 24:
        rig.run(STEP / 4)
    rig.send(cmd.SetParam(1, "hold", 0))
    assert voice.audible_from == 24 and voice.next_step <= 24  # nothing planned past the wrap but that note-off
    assert rig.clock.set_loop(True, 0.0, 8.0) is Change.REPLAN  # the wrap at step 24 moves
    rig.run(3.0)
    rig.clock.follow(rig.clock.beat(), False, 120)
    rig.run(0.1)
    assert most_sounding(rig.sink.sent) == 1 and rig.sink.open_notes() == 0


def test_a_fault_while_taking_back_what_was_planned_ends_every_note_and_re_aligns(crafted_checkpoint, caplog):
    """A fault (a bug, the decoder) while a command first brings the voices in line with a loop change: every note
    ends and the voices come in again, as after a fault of the generator; the daemon goes on."""
    rig = Rig(crafted_checkpoint, lookahead=1.0)
    heard = told(rig)
    rig.clock.set_loop(True, 0.0, 6.0)
    rig.send(cmd.Play(1, True))
    rig.run(21.5 * STEP)
    real = rig.engine.decoder.resume

    def fault(*args, **kwargs):
        rig.engine.decoder.resume = real
        raise RuntimeError("decoder fault")

    rig.engine.decoder.resume = fault
    assert rig.clock.set_loop(True, 0.0, 8.0) is Change.REPLAN
    rig.engine.handle(cmd.SetParam(1, "temperature", 0.5))
    assert "taking back what was planned past a moved wrap failed" in caplog.text
    assert rig.engine._epoch == rig.clock.epoch and ("/stylevae/1/cut" in [a for _, a, _ in heard])
    assert not any(address.endswith("/error") for _, address, _ in heard)
    rig.run(8 * STEP)
    assert len(rig.sink.ons(after=rig.now.t - 4 * STEP)) >= 3  # in again


def test_a_wrap_a_loop_change_puts_right_after_a_quantized_change_came_is_its_line(crafted_checkpoint):
    """A change quantized to a beat, queued for the line after the steps planned; then Live's loop switched on with
    its wrap on the very next step: the wrap is a line, as it would have been with the loop on from the start."""
    rig = Rig(crafted_checkpoint, lookahead=1.0)
    rig.send(cmd.Play(1, True))
    rig.run(13.5 * STEP)
    rig.send(cmd.Quantize("beat"), cmd.Mix(1, (0.0, 1.0, 0.0)))
    waiting = rig.engine.pending[1][0]
    assert waiting.since < 18 < waiting.at
    rig.run(STEP)
    assert rig.clock.set_loop(True, 1.5, 3.0) is Change.REPLAN  # a wrap at beat 4.5, step 18
    rig.engine.generate()
    assert [w.at for w in rig.engine.pending.get(1, [])] in ([18], [])
    assert rig.engine._grid_line(waiting.since, 4) == 18  # as with the loop on from the start


def test_a_voice_just_started_is_not_cut_by_a_loop_change(crafted_checkpoint):
    """A voice switched on whose first audible step lies past the moved wrap is positioned afresh, nothing of it
    having sounded: no All Notes Off, no ``/cut``."""
    rig = Rig(crafted_checkpoint, lookahead=1.0)
    heard = told(rig)
    rig.send(cmd.Play(1, True))
    rig.run(21 * STEP)
    rig.send(cmd.Play(2, True))
    rig.engine.generate()
    start = rig.engine.voices[2].audible_from
    rig.run(start * STEP - 0.06 - rig.now.t)
    assert rig.clock.set_loop(True, 0.0, start / 4) is Change.REPLAN  # a wrap moved to its first step
    rig.run(8 * STEP)
    assert not any(kind == "cc123" for _, kind, _, _ in rig.sink.sent)
    assert not any(address.endswith("/cut") for _, address, _ in heard)
    assert len(rig.sink.ons(after=rig.now.t - 4 * STEP)) >= 3  # and they play on


@pytest.mark.parametrize("ends", [None, 1, 0])
def test_a_rewind_carries_the_note_sounding_at_its_step(crafted_checkpoint, ends):
    """The note begun before the step a rewind goes back to, and sounding there in what is taken back (still
    sounding, or ended at the step or after it), goes on: the voice's new plan ends it; one ended before the step
    is not carried."""
    rig = Rig(crafted_checkpoint, lookahead=1.0)
    rig.send(cmd.Play(1, True))
    rig.run(10 * STEP)
    voice = rig.engine.voices[1]
    step = voice.next_step - 2
    note = Sounding(1, 60, 100, step - 3)
    voice.ended.clear()
    if ends is None:
        voice.sounding = note
    else:
        voice.sounding = None
        voice.ended.extend([(Sounding(1, 59, 100, step - 5), step - 3), (note, step + ends)])
    assert voice.rewind(step) is Rewind.BACK
    assert voice.sounding is note
    assert list(voice.ended) == ([] if ends is None else [(Sounding(1, 59, 100, step - 5), step - 3)])


def test_a_rewind_brings_back_no_held_phrase_once_hold_is_off(crafted_checkpoint):
    """Hold released, then a loop change takes the voice back into a phrase begun while hold was on: its held
    phrase stays forgotten, so hold on later captures the phrase it then plays, not that old one mid-phrase."""
    rig = Rig(crafted_checkpoint, lookahead=1.0)
    rig.send(cmd.Play(1, True), cmd.SetParam(1, "hold", 1.0))
    rig.run(40 * STEP)
    rig.send(cmd.SetParam(1, "hold", 0.0))
    rig.run(STEP / 4)
    assert rig.clock.set_loop(True, 0.0, 42 / 4) is Change.REPLAN
    rig.run(20 * STEP)
    voice = rig.engine.voices[1]
    assert voice.loop is None
    rig.send(cmd.SetParam(1, "hold", 1.0))
    assert voice.begin_step()  # decodes on, until a whole phrase is held


def test_a_rewind_replays_its_phrase_in_the_key_it_began_in():
    """A voice's key changed after its phrase began (the change is for its next phrase), then Live's loop switched
    off near the wrap: the phrase it goes back into keeps its key, as with no loop at all."""
    def run(loop: bool):
        rig = Rig(checkpoint.DEFAULT_CHECKPOINT, lookahead=1.0)
        rig.sink.exact = True
        if loop:
            rig.clock.set_loop(True, 0.0, 9.0)
        rig.send(cmd.Play(1, True))
        rig.run(34 * STEP)
        rig.send(cmd.VoiceKey(1, make_key(6, "minor")))
        if loop:
            assert rig.clock.set_loop(False, 0.0, 9.0) is Change.REPLAN
        rig.run(32 * STEP)
        return rig.sink.sent

    assert run(True) == run(False)


def test_a_change_quantized_to_a_bar_that_a_loop_change_moves_comes_on_a_bar_line(crafted_checkpoint):
    """Queued for the loop's start after its wrap (a line there), then the loop switched off: the change waits for
    the next bar line of the song instead, as with no loop."""
    def first_low(loop_off: bool) -> int:
        rig = Rig(crafted_checkpoint, lookahead=1.0)
        rig.clock.set_loop(True, 0.0, 4.5)
        rig.send(cmd.Play(1, True))
        rig.run(13.5 * STEP)
        rig.send(cmd.Quantize("bar"), cmd.Mix(1, (0.0, 1.0, 0.0)))
        assert [waiting.at for waiting in rig.engine.pending[1]] == [18]  # the wrap, a line
        if loop_off:
            assert rig.clock.set_loop(False, 0.0, 4.5) is Change.REPLAN
        rig.run(3.0)
        return next(round(t / STEP) for t, p in rig.sink.ons() if p < 72)  # style 1 plays an octave lower

    assert first_low(False) == 18 and first_low(True) == 32


def told(rig: Rig) -> list[tuple[float, str, list]]:
    """Each reply the engine publishes, with the playhead's beat when it did."""
    heard: list[tuple[float, str, list]] = []
    rig.engine.publish = lambda address, values: heard.append((rig.clock.beat(), address, list(values)))
    return heard


def note_replies(heard, since=0):
    """The /on and /note replies from ``since`` on: (address, values but the lead, the beat their event is due)."""
    return [(a, v[:-1], round(now + v[-1], 9)) for now, a, v in heard[since:] if a.endswith(("/on", "/note"))]


RETIME = ("/stylevae/1/retime", [])


def near_the_next_held_note(rig: Rig) -> None:
    """On to RETELL_AHEAD_SECONDS before the next event voice 1's device holds (after a change to a slower tempo, at
    the time the device has for it), or now if it is nearer: where the engine tells it again what it holds."""
    held = min(reply.plays for reply in rig.engine._told[1] if reply.plays > rig.now.t)
    rig.now.t = max(rig.now.t, held - RETELL_AHEAD_SECONDS)


def voice_one_until(checkpoint, seconds: float, lookahead: float = 0.5) -> tuple[Rig, list[tuple[float, str, list]]]:
    """Voice 1 playing from beat 0 at 120 BPM, planned up to ``seconds``; its replies recorded (``told``)."""
    rig = Rig(checkpoint, lookahead)
    heard = told(rig)
    rig.send(cmd.Play(1, True))
    rig.run(math.floor(seconds / STEP) * STEP)
    rig.now.t = seconds
    rig.engine.generate()
    return rig, heard


def test_a_device_that_may_be_playing_what_was_taken_back_is_cut_and_told_again_what_it_holds(crafted_checkpoint):
    """Replies taken back from a beat so near that the device may be playing them by the time it could be told
    (the engine waited for a reply due at that moment): ``/cut`` instead of ``/retime``, so it ends the note it
    sounds, and then every reply it held, from before that beat and from the new plan alike."""
    rig, heard = voice_one_until(crafted_checkpoint, 1.06, lookahead=1.0)  # no reply due within 15 ms
    since = len(heard)
    now = rig.clock.beat()
    held = [(reply.address, reply.values) for reply in rig.engine._told[1] if reply.plays > rig.now.t]
    rig.engine._withdrawn[1] = now + 0.01  # 5 ms from now
    rig.engine._retell(now)
    assert [(address, values[:-1]) for _, address, values in heard[since:]] == [("/stylevae/1/cut", [])] + held
    assert len(held) >= 3


def test_a_reply_due_a_moment_ago_is_kept_so_no_retell_can_drop_it_unplayed(crafted_checkpoint):
    """The daemon's reckoning of when the device plays a reply is a few milliseconds off either way: a reply due
    just now may still be held there, so the engine keeps it in mind (and waits with a retell) until it is that far
    past, whatever else it tells the device meanwhile."""
    rig, heard = voice_one_until(crafted_checkpoint, 1.0, lookahead=1.0)  # a note due at 1.0 s, on the step
    rig.now.t = 1.005
    due_now = [reply for reply in rig.engine._told[1] if abs(reply.plays - 1.0) < 1e-9]
    rig.engine.generate()  # the next step's replies
    assert due_now and all(reply in rig.engine._told[1] for reply in due_now)
    rig.clock.set_tempo(60.0)  # what it holds ahead is off now, the first within RETELL_AHEAD_SECONDS
    assert rig.engine._retell(rig.clock.beat()) is not None  # it waits


def test_after_a_change_of_tempo_the_device_is_told_again_the_notes_it_still_holds(crafted_checkpoint):
    """A device holds each note-on and note-off for a time worked out at the tempo it came at. A change to twice the
    tempo at beat 2.22 (1.11 s), looked at 20 ms on: the next note it holds, at beat 2.5, sounds at 1.18 s now, not
    1.25 s, within RETELL_AHEAD_SECONDS; but the events of beat 2.25 play at 1.125 s at the old tempo, too close to
    tell whether the device has played them yet, so the engine waits until they are RETELL_MARGIN_SECONDS past.
    Then it tells ``/retime`` and the rest again, in the order first sent, each with its lead then."""
    rig, heard = voice_one_until(crafted_checkpoint, 1.11, lookahead=1.0)
    before = note_replies(heard)
    mark = len(heard)
    rig.clock.set_tempo(240.0)
    rig.now.t = 1.13
    again_at = rig.engine.generate()
    assert RETIME not in [h[1:] for h in heard[mark:]]
    assert again_at == pytest.approx(1.125 + RETELL_MARGIN_SECONDS, abs=RETELL_MARGIN_SECONDS / 50)
    rig.now.t = again_at
    now = rig.clock.beat()
    mark = len(heard)
    rig.engine.generate()
    assert heard[mark][1:] == RETIME
    assert any(due == 2.25 for _, _, due in before), "no event fell due between the change and the retelling"
    expected = [reply for reply in before if reply[2] > 2.25]
    assert len(expected) >= 4 and note_replies(heard, mark + 1)[:len(expected)] == expected
    assert [v[-1] for _, _, v in heard[mark + 1:mark + 1 + len(expected)]] == [
        pytest.approx(due - now) for _, _, due in expected]


def test_a_reply_sent_after_a_change_of_tempo_is_held_by_the_device_at_the_new_tempo(crafted_checkpoint):
    """A device times a reply that came after a change at the new tempo, so at the next change it still holds it,
    though the old tempo would have passed it: it is told again."""
    rig, heard = voice_one_until(crafted_checkpoint, 1.0)
    publish = rig.engine.publish
    changed = []

    def change_at_a_note_off(address, values):  # Live's tempo changes in the middle of a pass
        if address.endswith("/note") and rig.clock.bpm == 120.0:
            changed.append((rig.now.t, rig.clock.beat()))
            rig.clock.set_tempo(30.0)
        publish(address, values)

    rig.engine.publish = change_at_a_note_off
    while rig.clock.bpm == 120.0:
        rig.run(STEP / 4)
    rig.engine.publish = publish
    sent_after = note_replies(heard)[-1]  # the pass's /on, after its /note
    assert sent_after[0] == "/stylevae/1/on"
    mark = len(heard)
    rig.now.t += 0.2  # with the tick's, 0.116 beat on at 30 BPM, 0.46 at 120: past the note-on at the old tempo
    (t, beat), = changed
    assert rig.clock.beat() < sent_after[2] < beat + (rig.now.t - t) * 2.0  # ahead; at 120 BPM, past
    rig.clock.set_tempo(60.0)
    while RETIME not in [h[1:] for h in heard[mark:]] and rig.clock.beat() < sent_after[2]:
        rig.run(STEP / 4)
    assert heard[mark][1:] == RETIME
    assert sent_after in note_replies(heard, mark)


def test_what_was_told_again_the_device_holds_to_its_time_at_the_new_tempo_through_the_next_change(
        crafted_checkpoint):
    """Told again after a change to 60 BPM at beat 2.18, the note-on at 2.5 sounds 0.32 s on, not 0.16 s as at 120:
    at a change 0.21 s on, the device still holds it, and it is told again once more."""
    rig, heard = voice_one_until(crafted_checkpoint, 1.09, lookahead=1.0)
    rig.clock.set_tempo(60.0)
    near_the_next_held_note(rig)  # 1.25 s at 120 BPM: 1.15 s
    mark = len(heard)
    rig.engine.generate()
    assert heard[mark][1:] == RETIME and rig.now.t < 1.30
    rig.now.t = 1.30
    mark = len(heard)
    rig.clock.set_tempo(90.0)
    rig.engine.generate()
    assert heard[mark][1:] == RETIME
    assert {due for _, _, due in note_replies(heard, mark)} >= {2.5}


def test_small_changes_of_tempo_are_told_again_once_together_they_move_a_note_by_a_millisecond(crafted_checkpoint):
    """Live's tempo ramps come as many small changes. One of 1 % moves the next note the device holds, 62.5 ms ahead,
    by 0.6 ms: not told again; it moves the notes held up to a beat ahead (at a lookahead of 1) by up to 5 ms, but
    those are told only once they come within RETELL_AHEAD_SECONDS, as a ramp moves them again meanwhile. Small
    changes add up, and once a held note that near would sound more than RETELL_SECONDS off the time the device has
    for it, they are."""
    rig, heard = voice_one_until(crafted_checkpoint, 1.0625, lookahead=1.0)  # between two steps: none due near
    retold = []
    for k in range(1, 9):
        mark = len(heard)
        rig.clock.set_tempo(120.0 + 1.2 * k)
        rig.engine.generate()
        retold.append(RETIME in [h[1:] for h in heard[mark:]])
    assert not retold[0] and any(retold)


def test_a_note_held_far_ahead_is_told_again_once_it_comes_near_not_at_the_change(crafted_checkpoint):
    """With a lookahead of 2 beats the device holds a second of notes. A change to 90 BPM a moment after a step
    moves them all, but the next is 120 ms off (at the old tempo): the engine tells nothing yet and wakes when that
    one is RETELL_AHEAD_SECONDS away; then ``/retime`` and every note held, each with its lead then."""
    rig, heard = voice_one_until(crafted_checkpoint, 1.005, lookahead=2.0)
    mark = len(heard)
    rig.clock.set_tempo(90.0)
    wake = rig.engine._retell(rig.clock.beat())
    assert heard[mark:] == [] and wake == pytest.approx(1.125 - RETELL_AHEAD_SECONDS)
    assert rig.engine.generate() <= wake  # the engine's own wake is no later
    held = [(r.address, r.values) for r in rig.engine._told[1] if r.plays > wake]
    rig.now.t = wake
    mark = len(heard)
    rig.engine._retell(rig.clock.beat())
    assert heard[mark][1:] == RETIME and [(a, v[:-1]) for _, a, v in heard[mark + 1:]] == held and len(held) >= 12


def test_a_ramp_of_tempo_tells_a_device_again_about_once_a_step_not_at_every_change(crafted_checkpoint):
    """Live's tempo automation: 120 to 150 BPM in half a second, a change every 5 ms, with the device holding two
    beats of notes. Telling it again at every change sent it all it holds a hundred times; now each note is told
    again as it comes near, and those near again once the ramp moved them a millisecond more (at this slope, 20 ms
    on for a note 100 ms ahead): at most twice a step (a 16th)."""
    rig, heard = voice_one_until(crafted_checkpoint, 1.0, lookahead=2.0)
    mark, began = len(heard), rig.clock.beat()
    for k in range(1, 101):
        rig.clock.set_tempo(120.0 + 0.3 * k)
        rig.run(0.005, 0.005)
    steps = math.ceil((rig.clock.beat() - began) * 4)
    retimes = [h for h in heard[mark:] if h[1:] == RETIME]
    assert steps == 5 and 1 <= len(retimes) <= 2 * steps


def test_what_a_locate_voided_is_not_told_again_at_a_change_of_tempo(crafted_checkpoint):
    """Back from beat 4.125 to 2.1: the notes planned for beats 4.25 and on were voided (``/cut``); a change of
    tempo then tells again only what was planned since."""
    rig, heard = voice_one_until(crafted_checkpoint, 2.0625)
    assert any(due > 4.2 for _, _, due in note_replies(heard))
    rig.clock.follow(2.1, True, 120.0)
    rig.engine.generate()
    since = note_replies(heard, [h[1] for h in heard].index("/stylevae/1/cut"))
    mark = len(heard)
    rig.clock.set_tempo(60.0)
    near_the_next_held_note(rig)
    rig.engine._retell(rig.clock.beat())
    assert heard[mark][1:] == RETIME
    assert note_replies(heard, mark) and all(reply in since for reply in note_replies(heard, mark))


def test_a_change_of_the_clock_during_a_pass_is_looked_at_without_waiting(crafted_checkpoint):
    """The engine waits for the next step, a command or a change of the clock; a change that comes while it is
    busy with a pass found no one waiting, and must not wait for the next step (a 16th, where a change of tempo
    is told to a device)."""
    rig = Rig(crafted_checkpoint)
    passes, waits = [], []
    engine = rig.engine
    wait = engine._cond.wait

    def one_pass():
        passes.append(rig.now.t)
        if len(passes) == 1:
            rig.clock.set_tempo(90.0)  # from the OSC thread, while the pass runs
            return time.perf_counter() + 10.0
        engine._stopped = True
        return None

    def waiting(timeout=None):
        waits.append(timeout)
        return wait(0)

    engine.generate, engine._cond.wait = one_pass, waiting
    with torch.enable_grad():  # the engine's thread turns it off for itself
        engine._run()
    assert len(passes) == 2 and waits == []
