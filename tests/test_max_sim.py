"""The device's behaviour, played through its patcher by ``maxsim``: Live's key and loop, reconnecting, the live
view, note output, voice changes, and independence from the orders Max and Live leave open."""

from __future__ import annotations

import json
import random

import pytest
from maxsim import Sim, SimError, SimLive, evaluate_expr, midi_faults

from stylevae.max_patches.build import MAXPAT
from stylevae.max_patches.device import RESENT_HINT, ROLL_TOP, SCALE_NAMES, START_HINT

DORIAN = (0, 2, 3, 5, 7, 9, 10)


def device(live: SimLive | None = None, **kw) -> Sim:
    return Sim(json.loads(MAXPAT.read_text(encoding="utf-8")), live, **kw)


def connected(live: SimLive | None = None, styles=("a", "b", "c"), **kw) -> Sim:
    sim = device(live, **kw)
    sim.load()
    sim.deliver("/stylevae/pong")
    sim.deliver("/stylevae/styles", *styles)
    return sim


def last(sim: Sim, address: str) -> tuple:
    return sim.messages(address)[-1].args


def since(sim: Sim, start: int, address: str) -> list[tuple]:
    return [s.args for s in sim.sent[start:] if s.address == address]


# --- Live's key ------------------------------------------------------------------------------------------


def test_live_12_key_goes_to_the_daemon_and_the_voice_follows_it():
    sim = connected(SimLive(root_note=2, scale_intervals=DORIAN))
    assert last(sim, "/stylevae/key") == (2, *DORIAN)
    assert last(sim, "/stylevae/1/key") == ()  # follow the song's key


def test_a_key_change_in_live_is_sent_at_once():
    sim = connected(SimLive(root_note=2, scale_intervals=DORIAN))
    start = len(sim.sent)
    sim.live_set("root_note", 9)
    sim.live_set("scale_intervals", (0, 2, 3, 5, 7, 8, 10))
    assert since(sim, start, "/stylevae/key") == [(9, *DORIAN), (9, 0, 2, 3, 5, 7, 8, 10)]


def test_the_own_key_menus_stand_when_follow_is_off():
    sim = connected(SimLive(root_note=2, scale_intervals=DORIAN))
    sim.set("Follow Key", 0)
    assert last(sim, "/stylevae/1/key") == (0, "major")
    sim.set("Key", 7)
    sim.set("Scale", SCALE_NAMES.index("mixolydian"))
    assert last(sim, "/stylevae/1/key") == (7, "mixolydian")
    sim.set("Follow Key", 1)
    assert last(sim, "/stylevae/1/key") == ()


def test_without_song_scales_live_11_uses_the_own_menus():
    sim = connected(SimLive(scale_intervals=None))
    assert sim.messages("/stylevae/key") == []
    assert last(sim, "/stylevae/1/key") == (0, "major")
    sim.set("Key", 5)
    assert last(sim, "/stylevae/1/key") == (5, "major")


def test_menu_changes_do_not_override_a_followed_song_key():
    sim = connected(SimLive(root_note=2, scale_intervals=DORIAN))
    start = len(sim.sent)
    sim.set("Key", 5)
    assert since(sim, start, "/stylevae/1/key") == [()]


def test_the_lock_dial_sends_the_scale_lock():
    sim = connected()
    sim.set("Lock", 0.4)
    assert last(sim, "/stylevae/1/lock") == (0.4,)


# --- transport -------------------------------------------------------------------------------------------


def test_transport_ticks_carry_lives_position_play_state_and_tempo_every_16th():
    sim = connected(SimLive(tempo=128.0))
    sim.live_set("is_playing", 1)
    sim.advance(2.0)
    playing = [s for s in sim.messages("/stylevae/transport") if s.args[1] == 1]
    sixteenth = 60.0 / 128.0 / 4
    assert len(playing) == 1 + int(2.0 / sixteenth)
    for s in playing:
        assert s.typetags == "fif" and s.args[2] == 128.0
        assert s.args[0] == pytest.approx(sim.live.position(s.time))
    assert max(b.time - a.time for a, b in zip(playing, playing[1:])) == pytest.approx(sixteenth)
    sim.live_set("tempo", 90.0)
    assert last(sim, "/stylevae/tempo") == (90.0,)
    sim.live_set("is_playing", 0)
    stopped = last(sim, "/stylevae/transport")
    assert stopped[1:] == (0, 90.0) and stopped[0] == pytest.approx(sim.live.position(sim.now))
    count = len(sim.messages("/stylevae/transport"))
    sim.advance(2.0)
    assert len(sim.messages("/stylevae/transport")) == count  # no ticks while Live is stopped


# --- Live's loop -----------------------------------------------------------------------------------------


def looped(**kw) -> SimLive:
    """Live with its arrangement loop on over bars 3 to 5 (beats 8 to 20; not the device's default length)."""
    return SimLive(loop=1, loop_start=8.0, loop_length=12.0, **kw)


@pytest.mark.parametrize("reverse", [False, True])
def test_lives_loop_goes_to_the_daemon_on_load_and_never_on_with_a_wrong_brace(reverse):
    sim = device(looped(), reverse_fanout=reverse)
    sim.load(reverse_parameters=reverse)
    loops = sim.messages("/stylevae/loop")
    assert loops[-1].args == (1, 8.0, 12.0) and {s.typetags for s in loops} == {"iff"}
    assert [s.args for s in loops if s.args[0] == 1] == [(1, 8.0, 12.0)]  # the defaults go out only as "off"


def test_the_loop_is_sent_before_the_daemon_hears_that_live_plays():
    sim = device(looped(is_playing=1))
    sim.load()
    playing = next(i for i, s in enumerate(sim.sent) if s.address == "/stylevae/transport" and s.args[1] == 1)
    loops = [i for i, s in enumerate(sim.sent) if s.address == "/stylevae/loop"]
    assert loops and loops[-1] < playing


def test_a_loop_change_in_live_is_sent_at_once_with_all_three_values():
    sim = connected(SimLive(loop=0, loop_start=0.0, loop_length=16.0))
    start = len(sim.sent)
    sim.live_set("loop", 1)  # switched on
    sim.live_set("loop_start", 4.0)  # the brace moved
    sim.live_set("loop_length", 8)  # its end dragged (an int from Live still goes out as a float)
    sim.live_set("loop", 0)
    sent = [s for s in sim.sent[start:] if s.address == "/stylevae/loop"]
    assert [s.args for s in sent] == [(1, 0.0, 16.0), (1, 4.0, 16.0), (1, 4.0, 8.0), (0, 4.0, 8.0)]
    assert {s.typetags for s in sent} == {"iff"}


def test_reconnecting_resends_lives_loop():
    sim = connected(looped())
    sim.live_set("loop_length", 8.0)
    sim.advance(5.0)  # the daemon stops answering
    assert sim.shown("status").text == "daemon not running"
    start = len(sim.sent)
    sim.deliver("/stylevae/pong")
    assert since(sim, start, "/stylevae/loop") == [(1, 8.0, 8.0)]


# --- connection ------------------------------------------------------------------------------------------


def test_reconnecting_resends_every_setting_so_the_voice_resumes():
    sim = connected(SimLive(root_note=2, scale_intervals=DORIAN))
    for name, value in [("Play", 1), ("Style A", 2), ("Blend", 0.5), ("Temperature", 1.5), ("Lock", 0.6),
                        ("Velocity", 80), ("Channel", 3), ("Follow Key", 0), ("Key", 4)]:
        sim.set(name, value)
    sim.live_set("is_playing", 1)
    before = {s.address: s.args for s in sim.sent if s.address.startswith("/stylevae/1/")}
    for _ in range(3):  # the daemon answers pings for a while …
        sim.advance(1.0)
        sim.deliver("/stylevae/pong")
    assert sim.shown("status").text == "connected"
    start = len(sim.sent)
    sim.advance(5.0)  # … then stops (it restarted and no longer knows the device)
    assert sim.shown("status").text == "daemon not running" and sim.shown("hint").text == START_HINT
    assert len(since(sim, start, "/stylevae/hello")) >= 1
    start = len(sim.sent)
    sim.deliver("/stylevae/styles", "a", "b", "c")  # the answer to hello …
    sim.deliver("/stylevae/pong")  # … and to the next ping
    assert sim.shown("status").text == "connected" and sim.shown("hint").text == RESENT_HINT
    assert since(sim, start, "/stylevae/styles") == [()]
    after = {s.address: s.args for s in sim.sent[start:] if s.address.startswith("/stylevae/1/")}
    assert {a: v for a, v in after.items() if a != "/stylevae/1/reseed"} == before
    assert last(sim, "/stylevae/key") == (2, *DORIAN)


def test_hello_stops_once_connected_and_pings_go_on():
    sim = connected()
    start = len(sim.sent)
    for _ in range(3):
        sim.advance(1.0)
        sim.deliver("/stylevae/pong")
    assert since(sim, start, "/stylevae/hello") == [] and len(since(sim, start, "/stylevae/ping")) == 3


def test_errors_from_the_daemon_are_shown():
    sim = connected()
    sim.deliver("/stylevae/error", "/stylevae/1/temperature", "temperature 9 is out of range 0.05..5")
    assert sim.shown("error").text == "error: /stylevae/1/temperature temperature 9 is out of range 0.05..5"


# --- what plays ------------------------------------------------------------------------------------------


def test_notes_fill_the_piano_roll_in_their_rows_and_columns():
    sim = connected()
    sim.deliver("/stylevae/1/note", 74, 100, 8.0, 0.75)
    sim.deliver("/stylevae/1/note", 200, 100, 1.25, 0.25)  # above the rows: drawn on the top one
    sim.deliver("/stylevae/2/note", 60, 100, 2.0, 1.0)  # another voice's note
    cells = sim.shown("now_roll").cells
    assert set(cells) == {(0, ROLL_TOP - 74), (1, ROLL_TOP - 74), (2, ROLL_TOP - 74), (5, 0)}


def test_the_roll_keeps_the_last_bars_and_clears_ahead_of_the_playhead():
    sim = connected()
    sim.live_set("is_playing", 1)  # 120 bpm: a beat is half a second
    sim.advance(0.76)
    sim.deliver("/stylevae/1/note", 74, 100, 2.0, 0.25)  # half a beat early, as the daemon sends it: column 8
    sim.advance(4.5 - 0.76 - 0.01)
    assert (8, ROLL_TOP - 74) in sim.shown("now_roll").cells  # still shown, almost two bars later
    sim.advance(0.02)
    assert (8, ROLL_TOP - 74) not in sim.shown("now_roll").cells  # beat 9: column 8 is a beat ahead, cleared
    sim.advance(0.25)
    sim.deliver("/stylevae/1/note", 60, 100, 10.0, 0.25)  # two bars after the first: the same column
    assert (8, ROLL_TOP - 60) in sim.shown("now_roll").cells


def test_the_voices_cut_clears_the_roll_and_another_voices_does_not():
    """A locate (or the voice switched off): the daemon voids what it planned, and notes it reported ahead of the
    playhead never play; after a locate the columns stand for other bars."""
    sim = connected()
    sim.live_set("is_playing", 1)
    sim.deliver("/stylevae/1/note", 74, 100, 0.0, 0.5)
    sim.deliver("/stylevae/2/cut")
    assert set(sim.shown("now_roll").cells) == {(0, ROLL_TOP - 74), (1, ROLL_TOP - 74)}
    sim.deliver("/stylevae/1/cut")
    assert sim.shown("now_roll").cells == {}
    sim.deliver("/stylevae/1/note", 60, 100, 9.0, 0.25)
    assert set(sim.shown("now_roll").cells) == {(4, ROLL_TOP - 60)}


def test_the_state_shows_the_key_and_the_style_mix():
    sim = connected()
    sim.deliver("/stylevae/1/state", 1, "b", 1.0, 0.3, 0.0, 1, 0, 100, 0, 2, "dorian", 0.9, 0, 0.25, 0.75, 0.0)
    assert sim.shown("now_key").text == "key: D dorian (song)"
    assert sim.shown("now_style").text == "style: b"
    assert sim.shown("now_mix").values == [0.25, 0.75, 0.0]
    sim.deliver("/stylevae/1/state", 1, "b", 1.0, 0.3, 0.0, 1, 0, 100, 0, 11, "0 1 4 5 7 8 10", 0.9, 1, 0.0, 1.0)
    assert sim.shown("now_key").text == "key: B 0 1 4 5 7 8 10 (own)" and sim.shown("now_mix").values == [0.0, 1.0]


def notes_to_this_track(live: SimLive | None = None) -> Sim:
    """A connected device playing the daemon's notes into its track, Live playing."""
    sim = connected(live)
    sim.set("Note Output", 1)
    sim.live_set("is_playing", 1)
    return sim


def test_note_output_plays_each_note_at_its_beat_and_ends_it():
    """The note-on comes with /on, a lookahead ahead; the note-off with /note, which comes after the note began
    (a quarter note: the decoder ends it a lookahead before its end). The note still starts on its beat."""
    sim = connected()
    sim.set("Note Output", 1)
    sim.set("Channel", 2)
    sim.live_set("is_playing", 1)
    sim.deliver("/stylevae/1/on", 67, 90, 0.5)  # starts in a quarter second
    sim.advance(0.2)
    assert sim.notes() == []
    sim.advance(0.1)
    assert sim.notes() == [(0x91, 67, 90)]  # at 0.25 s, on its beat
    sim.deliver("/stylevae/1/note", 67, 90, 0.5, 1.0)  # at 0.3 s: it lasts half a second
    sim.advance(0.4)
    assert sim.notes() == [(0x91, 67, 90)]
    sim.advance(0.1)
    assert sim.notes() == [(0x91, 67, 90), (0x91, 67, 0)]


def test_a_finished_note_alone_plays_nothing():
    """/note ends a note; the note-on is /on's: a finished note whose /on never came (cut by the daemon before it
    sounded) is not played, nor ended."""
    sim = notes_to_this_track()
    sim.deliver("/stylevae/1/note", 67, 90, 0.5, 1.0)
    sim.advance(1.0)
    assert sim.notes() == []


@pytest.mark.parametrize("loop", [1, 0])
def test_note_output_plays_a_note_planned_past_a_wrap_of_lives_loop_after_the_wrap(loop):
    """Live's loop 0..4 on: at beat 3.75 the daemon reports a note at beat 0.25, planned past the wrap (its song
    position; its lead, half a beat, says so). It is due half a beat later, after the wrap, not at once. With the
    loop off, the same report is a note three and a half beats late, dropped as the port drops it."""
    sim = notes_to_this_track(SimLive(loop=loop, loop_start=0.0, loop_length=4.0))
    sim.advance(1.875)  # beat 3.75 at 120 BPM
    sim.deliver("/stylevae/1/on", 67, 90, 0.25, 0.5)
    sim.deliver("/stylevae/1/note", 67, 90, 0.25, 0.25, 0.75)
    sim.advance(0.2)
    assert [n for n in sim.notes() if n[2] > 0] == []
    sim.advance(0.1)
    assert [n[2] for n in sim.notes() if n[2] > 0] == ([90] if loop else [])


def test_a_note_as_long_as_lives_loop_ends_at_the_wrap_not_a_loop_later():
    """Live's loop 0..2 on, a note from beat 0 to the wrap: its /note comes at beat 1.75, a lookahead before its
    end. Its start lies more than half the loop behind the playhead, its end does not: the note-off is due a
    quarter beat later, not a loop length later."""
    sim = notes_to_this_track(SimLive(loop=1, loop_start=0.0, loop_length=2.0))
    sim.deliver("/stylevae/1/on", 60, 100, 0.0, 0.0)
    sim.advance(0.875)  # beat 1.75 at 120 BPM
    sim.deliver("/stylevae/1/note", 60, 100, 0.0, 2.0, 0.25)
    sim.advance(0.126)
    assert sim.notes() == [(0x90, 60, 100), (0x90, 60, 0)]


@pytest.mark.parametrize("end", ["stop", "cut", "off"])
def test_a_stop_a_cut_or_switching_off_ends_the_sounding_note_and_drops_pending_ones(end):
    """A note sounding whose /note has not come, and one not yet begun: Live stops, the daemon cuts what it planned
    (a locate), or note output is switched off. The sounding note ends at once, the other never sounds."""
    sim = notes_to_this_track()
    sim.deliver("/stylevae/1/on", 60, 100, 0.0)  # sounding now; its end not yet known
    sim.deliver("/stylevae/1/on", 62, 100, 2.0)  # not yet begun
    sim.advance(0.1)
    assert sim.notes() == [(0x90, 60, 100)]
    if end == "stop":
        sim.live_set("is_playing", 0)
    elif end == "cut":
        sim.deliver("/stylevae/1/cut")
    else:
        sim.set("Note Output", 0)
    sim.advance(0.001)
    assert sim.notes() == [(0x90, 60, 100), (0x90, 60, 0)]
    sim.advance(5.0)
    assert [n[1] for n in sim.notes() if n[2] > 0] == [60]


def test_a_note_sounding_when_the_daemon_goes_away_ends_when_it_is_missed():
    """The daemon killed while a note sounds: its /note never comes. The note ends when the device counts the daemon
    as gone (three missed pongs), not when Live stops."""
    sim = notes_to_this_track()
    sim.deliver("/stylevae/1/on", 60, 100, 0.0)
    sim.advance(3.0)
    assert sim.notes() == [(0x90, 60, 100)]
    sim.advance(2.0)
    assert sim.shown("status").text == "daemon not running" and sim.notes()[-1] == (0x90, 60, 0)


def test_each_note_on_ends_the_note_before_whose_note_off_never_came():
    """A daemon restarted within the watchdog's time: the old note's /note never comes. The voice plays one note at
    a time, so the next note-on ends it."""
    sim = notes_to_this_track()
    sim.deliver("/stylevae/1/on", 60, 100, 0.0)
    sim.deliver("/stylevae/1/on", 62, 100, 0.5)
    sim.advance(0.3)
    assert sim.notes() == [(0x90, 60, 100), (0x90, 60, 0), (0x90, 62, 100)]


@pytest.mark.parametrize("change", ["Channel", "Voice"])
def test_a_channel_or_voice_change_ends_the_note_sounding_on_its_own_channel(change):
    """The note sounding ends at once, on the channel it began on: after a channel change its note-off would go out
    on the new one and leave it on; after a voice change the old voice's /cut and /note no longer reach the device."""
    sim = notes_to_this_track()
    sim.deliver("/stylevae/1/on", 60, 100, 0.0)
    sim.advance(0.1)
    sim.set(change, 3)
    sim.advance(0.1)
    assert sim.notes() == [(0x90, 60, 100), (0x90, 60, 0)]


def test_a_note_ended_by_a_channel_change_is_not_ended_again_by_its_own_note_off_or_the_next_note():
    """After the change its /note still comes: no note-off of its pitch goes out again, on the new channel or the old,
    nor when the next note begins."""
    sim = notes_to_this_track()
    sim.deliver("/stylevae/1/on", 60, 100, 0.0)
    sim.advance(0.1)
    sim.set("Channel", 3)
    sim.deliver("/stylevae/1/note", 60, 100, 0.0, 0.5)
    sim.deliver("/stylevae/1/on", 64, 100, 1.0)
    sim.advance(1.0)
    assert sim.notes() == [(0x90, 60, 100), (0x90, 60, 0), (0x92, 64, 100)]


def test_a_note_its_note_off_ended_is_not_ended_again_by_the_next_note_on():
    """A rest between two notes: the first ends at its /note's time, once; the next note-on finds nothing sounding
    (a second note-off of 60 would end a 60 coming into the track from elsewhere, a clip or a keyboard)."""
    sim = notes_to_this_track()
    sim.deliver("/stylevae/1/on", 60, 100, 0.0)
    sim.deliver("/stylevae/1/note", 60, 100, 0.0, 0.5)
    sim.deliver("/stylevae/1/on", 62, 100, 1.0)
    sim.advance(0.6)
    assert sim.notes() == [(0x90, 60, 100), (0x90, 60, 0), (0x90, 62, 100)]


def test_the_note_off_of_a_note_on_dropped_as_late_is_not_sent():
    """A note-on that came more than an eighth of a beat late was dropped; its /note, and with it a note-off of a
    pitch the device does not sound, changes nothing."""
    sim = notes_to_this_track()
    sim.advance(0.25)  # beat 0.5
    sim.deliver("/stylevae/1/on", 67, 100, 0.25)  # a quarter beat late: dropped
    sim.deliver("/stylevae/1/note", 67, 100, 0.25, 0.5)  # due at beat 0.75
    sim.advance(0.5)
    assert sim.notes() == []


def test_another_voices_cut_leaves_this_voices_notes():
    sim = notes_to_this_track()
    sim.deliver("/stylevae/1/on", 60, 100, 0.0)
    sim.deliver("/stylevae/1/on", 62, 100, 0.5)
    sim.advance(0.1)
    sim.deliver("/stylevae/2/cut")
    sim.advance(0.3)
    assert [n[1:] for n in sim.notes()] == [(60, 100), (60, 0), (62, 100)]  # 60 ended by the next note-on


def test_replies_come_late_a_note_struck_again_still_sounds():
    """Replies reach the device after their time (Live busy): a note's /note and the next note's /on, at the same
    pitch, both past. The note-off goes first, once, and the new note sounds on, as from the port, which sends
    note-offs before note-ons at the same time."""
    sim = notes_to_this_track()
    sim.deliver("/stylevae/1/on", 60, 100, 0.0)
    sim.advance(0.3)  # beat 0.6: both replies below are a tenth of a beat late
    sim.deliver("/stylevae/1/note", 60, 100, 0.0, 0.5)
    sim.deliver("/stylevae/1/on", 60, 90, 0.5)
    sim.advance(0.1)
    assert sim.notes() == [(0x90, 60, 100), (0x90, 60, 0), (0x90, 60, 90)]


def test_a_note_struck_again_sounds_when_its_note_on_fires_before_the_note_off_due_with_it():
    """A note and the next, of the same pitch, legato: the first's note-off and the second's note-on are due at the
    same moment, each delay worked out from its own reading of Live's transport, so a hair apart either may fire
    first. Here the note-on does (its /on handed to its pipe first): it ends the note before, and the note-off that
    follows is that note's, not the one sounding, so it goes out no more and the new note sounds on."""
    sim = notes_to_this_track()
    sim.deliver("/stylevae/1/on", 60, 100, 0.0)
    sim.deliver("/stylevae/1/on", 60, 90, 0.5)
    sim.deliver("/stylevae/1/note", 60, 100, 0.0, 0.5)
    sim.advance(0.3)
    assert sim.notes() == [(0x90, 60, 100), (0x90, 60, 0), (0x90, 60, 90)]
    sim.deliver("/stylevae/1/note", 60, 90, 0.5, 0.5)
    sim.advance(0.3)
    assert sim.notes()[3:] == [(0x90, 60, 0)]


def test_far_into_the_song_a_note_is_still_told_from_the_one_before():
    """Past 256 beats the 16ths of a note's identity count round again (the packing's bound is checked below): at
    beat 1000 a note ends when its /note says, and the /note of the note before it, of the same pitch, come late,
    ends nothing."""
    sim = notes_to_this_track()
    sim.locate(1000.0)
    sim.deliver("/stylevae/1/on", 72, 100, 1000.25)
    sim.advance(0.2)
    sim.deliver("/stylevae/1/note", 72, 100, 1000.0, 0.25)  # due a quarter beat ago: at once
    sim.advance(0.01)
    assert sim.notes() == [(0x90, 72, 100)]
    sim.deliver("/stylevae/1/note", 72, 100, 1000.25, 0.25)
    sim.advance(0.2)
    assert sim.notes() == [(0x90, 72, 100), (0x90, 72, 0)]


@pytest.mark.parametrize("seed", range(40))
def test_whatever_the_replies_and_the_performer_do_every_note_ends_once(seed):
    """Replies in any order and timing (late, early, a /note without its /on, the same pitch again, cuts, changes of
    tempo told again) and the performer's moves (channel, note output, Live stopped and started): one note at a
    time, a note-off only for the note sounding, and nothing left sounding once Live stops."""
    rng = random.Random(seed)
    sim = notes_to_this_track()
    for _ in range(120):
        now = sim.live.position(sim.now)
        beat = max(0.0, round((now + rng.choice([-0.3, -0.1, 0.0, 0.25, 0.5, 1.0])) * 4) / 4)
        pitch, action = rng.choice([60, 62, 64]), rng.random()
        if action < 0.35:
            sim.deliver("/stylevae/1/on", pitch, rng.randint(1, 127), beat, beat - now)
        elif action < 0.7:
            length = rng.choice([0.25, 0.5, 1.0])
            sim.deliver("/stylevae/1/note", pitch, 100, beat, length, beat + length - now)
        elif action < 0.75:
            sim.deliver("/stylevae/1/cut")
        elif action < 0.8:
            sim.deliver("/stylevae/1/retime")
        elif action < 0.84:
            sim.set("Channel", rng.randint(1, 3))
        elif action < 0.87:  # off for a moment, and on again
            sim.set("Note Output", 0)
            sim.advance(rng.choice([0.0, 0.05]))
            sim.set("Note Output", 1)
        elif action < 0.9:  # Live stopped for a moment, and started again where it stood
            sim.live_set("is_playing", 0)
            sim.advance(rng.choice([0.0, 0.05]))
            sim.live_set("is_playing", 1)
        sim.advance(rng.choice([0.0, 0.01, 0.05, 0.2]))
    sim.live_set("is_playing", 0)
    sim.advance(5.0)
    notes = sim.notes()
    assert len([n for n in notes if n[2]]) > 3 and midi_faults(notes) == []


def test_a_note_on_packed_with_its_identity_stays_below_2_24_and_unpacks_exactly():
    """The packed note-on (identity * 128 + velocity) must stay an exact integer in Max, whose float atoms may be 32
    bits: below 2 ** 24 for every pitch and velocity at any song position, and the velocity, identity and pitch come
    back from it as the patch takes them apart; the /note side gives the same identity."""
    texts = [b["box"]["text"] for b in json.loads(MAXPAT.read_text(encoding="utf-8"))["patcher"]["boxes"]
             if b["box"].get("text", "").startswith("expr") and "% 1024" in b["box"]["text"]]
    packed, = (t[5:] for t in texts if "$i2" in t)
    identity, = (t[5:] for t in texts if "$f2" in t)
    for beat in (0.0, 0.25, 255.75, 256.0, 1000.25, 2.0 ** 21 + 0.25, 1e12):
        for pitch in (0, 60, 127):
            for velocity in (0, 1, 127):
                value = evaluate_expr(packed, [pitch, velocity, beat])
                assert isinstance(value, int) and 0 <= value < 2 ** 24
                assert value % 128 == velocity and value // 128 % 128 == pitch
                assert value // 128 == evaluate_expr(identity, [pitch, beat])


def test_a_past_note_still_gets_its_note_off_after_its_note_on():
    sim = notes_to_this_track()
    sim.advance(0.55)  # beat 1.1
    sim.deliver("/stylevae/1/on", 65, 100, 1.0)  # a tenth of a beat late, and already over
    sim.deliver("/stylevae/1/note", 65, 100, 1.0, 0.05)
    sim.advance(0.1)
    assert [n[2] for n in sim.notes()] == [100, 0]


@pytest.mark.parametrize("loop", [0, 1])
def test_a_note_on_later_than_the_ports_limit_is_dropped_as_the_port_drops_it(loop):
    """Up to an eighth of a beat after its beat a note-on still sounds, at once; later (Live or the daemon stalled)
    it is dropped, as the daemon's port drops it, and not played late. Likewise just after a wrap of Live's loop,
    for notes at the loop's start."""
    sim = notes_to_this_track(SimLive(loop=loop, loop_start=0.0, loop_length=4.0))
    sim.advance(2.0)
    if loop:
        sim.locate(0.0)  # Live's wrap at the loop's end, beat 4
    sim.advance(0.1)  # the playhead at 0.2 after the wrap, or at 4.2
    at = 0.0 if loop else 4.0
    sim.deliver("/stylevae/1/on", 60, 100, at + 0.1, 0.4)  # sent half a beat ahead, come a tenth of a beat late
    sim.deliver("/stylevae/1/on", 62, 100, at + 0.05, 0.35)  # 0.15 beat late
    sim.advance(0.01)
    assert sim.notes() == [(0x90, 60, 100)]
    sim.advance(1.0)
    assert sim.notes() == [(0x90, 60, 100)]


@pytest.mark.parametrize("late", [0.1, 0.25])
def test_a_reply_held_up_across_a_wrap_of_lives_loop_is_placed_before_the_wrap(late):
    """Live's loop 0..4 wraps while the /on of a note at beat 3.9 is held up (sent half a beat ahead): it arrives
    just after the wrap, where its song position lies almost a loop ahead. Its lead says it is late: a tenth of a beat
    late it sounds at once, a quarter beat late it is dropped, as the port drops it, and its note-off with it; never
    at the next pass."""
    sim = notes_to_this_track(SimLive(loop=1, loop_start=0.0, loop_length=4.0))
    sim.advance(2.0)
    sim.locate(0.0)  # Live's wrap at the loop's end, beat 4
    sim.advance((late - 0.1) / 2)
    sim.deliver("/stylevae/1/on", 60, 100, 3.9, 0.5)
    sim.deliver("/stylevae/1/note", 60, 100, 3.9, 0.1, 0.6)  # ended, as the port has ended it
    sim.advance(0.01)
    assert sim.notes() == ([(0x90, 60, 100), (0x90, 60, 0)] if late < 0.125 else [])
    sim.advance(2.5)
    assert sim.notes() == ([(0x90, 60, 100), (0x90, 60, 0)] if late < 0.125 else [])


def test_outside_lives_loop_a_late_reply_is_placed_at_its_song_position_however_short_the_loop():
    """Live's loop is a 16th at beat 8, the playhead at 0.65, before it: the song runs straight on, so a note-on for
    beat 1.0 sent a lead of half a beat before (0.15 beat ago, more than half the loop) sounds at beat 1.0, not a
    loop later."""
    sim = notes_to_this_track(SimLive(loop=1, loop_start=8.0, loop_length=0.25))
    sim.advance(0.325)  # beat 0.65
    sim.deliver("/stylevae/1/on", 60, 100, 1.0, 0.5)
    sim.advance(0.174)
    assert sim.notes() == []
    sim.advance(0.002)  # beat 1.0
    assert sim.notes() == [(0x90, 60, 100)]


def test_a_note_off_past_the_end_of_lives_loop_told_after_a_wrap_is_placed_by_its_lead():
    """A note from beat 1.75 half a beat long in Live's loop 0..2 ends past the loop's end, a quarter beat after the
    wrap; its /note, sent at 1.9 (lead 0.35), arrives just after the wrap with the playhead at 0.1. The note-off is
    due 0.15 beat later, not a loop later: the playhead in the loop makes the end's song position ambiguous too."""
    sim = notes_to_this_track(SimLive(loop=1, loop_start=0.0, loop_length=2.0))
    sim.advance(0.875)  # beat 1.75
    sim.deliver("/stylevae/1/on", 60, 100, 1.75, 0.0)
    sim.advance(0.125)
    sim.locate(0.0)  # Live's wrap
    sim.advance(0.05)  # the playhead at 0.1
    sim.deliver("/stylevae/1/note", 60, 100, 1.75, 0.5, 0.35)
    sim.advance(0.074)
    assert sim.notes() == [(0x90, 60, 100)]
    sim.advance(0.002)
    assert sim.notes() == [(0x90, 60, 100), (0x90, 60, 0)]


def test_each_note_sounds_with_its_own_velocity_while_later_ones_wait():
    """Two note-ons waiting at once (a lookahead longer than a note), with different velocities: each sounds with
    its own, not with the velocity of the /on that came last."""
    sim = notes_to_this_track()
    sim.deliver("/stylevae/1/on", 60, 100, 0.5)
    sim.deliver("/stylevae/1/on", 62, 40, 1.0)
    sim.deliver("/stylevae/1/on", 64, 127, 1.5)
    sim.advance(0.8)
    assert [n[1:] for n in sim.notes() if n[2] > 0] == [(60, 100), (62, 40), (64, 127)]


# --- voices and orders -----------------------------------------------------------------------------------


def test_a_voice_change_stops_the_old_voice_and_moves_everything_to_the_new_one():
    sim = connected()
    sim.set("Play", 1)
    start = len(sim.sent)
    sim.set("Voice", 3)
    assert sim.sent[start].address == "/stylevae/1/play" and sim.sent[start].args == (0,)
    moved = {s.address for s in sim.sent[start + 1 :]}
    assert {f"/stylevae/3/{c}" for c in ("channel", "velocity", "temperature", "mix", "lock", "key")} <= moved
    assert not any(a.startswith("/stylevae/1/") for a in moved)
    sim.deliver("/stylevae/1/note", 60, 100, 0.0, 1.0)
    sim.deliver("/stylevae/3/note", 72, 100, 0.0, 1.0)
    assert {row for _, row in sim.shown("now_roll").cells} == {ROLL_TOP - 72}


def final_settings(sim: Sim) -> dict:
    return {s.address: s.args for s in sim.sent if s.address != "/stylevae/1/reseed"}


@pytest.mark.parametrize("reverse_parameters", [False, True])
def test_the_device_does_not_depend_on_orders_max_and_live_leave_open(reverse_parameters):
    results = []
    for reverse_fanout in (False, True):
        sim = device(looped(tempo=101.0, is_playing=1, root_note=4, scale_intervals=DORIAN),
                     reverse_fanout=reverse_fanout)
        sim.load(reverse_parameters=reverse_parameters)
        sim.deliver("/stylevae/pong")
        sim.deliver("/stylevae/styles", "a", "b", "c", "d")
        sim.set("Blend", 0.5)
        sim.set("Style B", 3)
        sim.advance(4.0)
        sim.deliver("/stylevae/pong")
        results.append(final_settings(sim))
    assert results[0] == results[1]


def test_at_load_every_value_sent_is_valid_whatever_order_live_restores_parameters_in():
    for reverse in (False, True):
        sim = device()
        sim.load(reverse_parameters=reverse)
        velocities = {s.args for s in sim.sent if s.address == "/stylevae/1/velocity"}
        temperatures = {s.args for s in sim.sent if s.address == "/stylevae/1/temperature"}
        assert velocities == {(100,)} and temperatures == {(1.0,)}


def test_the_interpreter_refuses_what_it_does_not_know():
    patcher = {"patcher": {"boxes": [{"box": {"id": "a", "maxclass": "newobj", "text": "coll", "numinlets": 1,
                                              "numoutlets": 0, "patching_rect": [0, 0, 10, 10]}}], "lines": []}}
    with pytest.raises(SimError, match="no model of the Max class 'coll'"):
        Sim(patcher)
    sim = connected()
    with pytest.raises(SimError, match="for number outlet"):
        sim.deliver("/stylevae/1/note", "sixty", 100, 0.0, 1.0)
    assert evaluate_expr("max($f1 - $f2\\, 0.)", [1.0, 3.0]) == 0.0
    assert evaluate_expr("($i1 + $i2 - 1) % 32", [1, 32]) == 0
    assert evaluate_expr("$i1 && $i2", [1, 0]) == 0
