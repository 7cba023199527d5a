"""MIDI files in and out (through mido). Times in the file become beats through its ticks-per-beat."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import mido

from stylevae.model.data.keys import parse_tonic
from stylevae.model.data.melody import Skipped, TimedNote, TimeSignature, quantize, skyline
from stylevae.model.data.tokens import STEPS_PER_BEAT, Note

DRUM_CHANNEL = 9
TICKS_PER_BEAT = 480


class MidiReadError(Exception):
    """A MIDI file that cannot be read; the message names the file and the problem."""


def read_midi(path: Path) -> tuple[list[TimedNote], list[TimeSignature], tuple[int, str] | None]:
    """All pitched notes of a file (drum channel left out), its time signatures (default 4/4) and the key of
    its first key-signature event, as (tonic, "major" | "minor"), or None."""
    try:
        midi = mido.MidiFile(str(path))
    except Exception as exc:  # mido raises many kinds on corrupt input: all mean "unreadable"
        raise MidiReadError(f"{path}: unreadable MIDI ({type(exc).__name__}: {exc})") from None
    per_beat = midi.ticks_per_beat
    if not per_beat or per_beat <= 0:
        raise MidiReadError(f"{path}: unsupported timing (SMPTE or zero ticks per beat)")
    notes: list[TimedNote] = []
    signatures: list[TimeSignature] = []
    declared: tuple[int, str] | None = None
    for track in midi.tracks:
        tick = 0
        sounding: dict[tuple[int, int], list[int]] = {}  # (channel, pitch) -> onset ticks
        for msg in track:
            tick += msg.time
            if msg.type == "time_signature":
                signatures.append(TimeSignature(tick / per_beat, msg.numerator, msg.denominator))
            elif msg.type == "key_signature" and declared is None:
                name = msg.key  # mido: "C", "F#m", "Bb", …
                minor = name.endswith("m")
                declared = (parse_tonic(name[:-1] if minor else name), "minor" if minor else "major")
            elif msg.type in ("note_on", "note_off") and msg.channel != DRUM_CHANNEL:
                key = (msg.channel, msg.note)
                if msg.type == "note_on" and msg.velocity > 0:
                    sounding.setdefault(key, []).append(tick)
                elif sounding.get(key):
                    onset = sounding[key].pop(0)
                    notes.append(TimedNote(msg.note, onset / per_beat, tick / per_beat))
    if not signatures:
        signatures.append(TimeSignature(0.0, 4, 4))
    return notes, signatures, declared


def write_midi(path: Path, notes: Sequence[Note], bpm: float = 120.0, velocity: int = 90, channel: int = 0) -> None:
    """A type-1 MIDI file of a step-grid melody, in 4/4."""
    ticks_per_step = TICKS_PER_BEAT // STEPS_PER_BEAT
    events: list[tuple[int, int, mido.Message]] = []
    for note in notes:
        on = mido.Message("note_on", note=note.pitch, velocity=velocity, channel=channel)
        off = mido.Message("note_off", note=note.pitch, velocity=0, channel=channel)
        events.append((note.start * ticks_per_step, 1, on))
        events.append((note.end * ticks_per_step, 0, off))  # offs before ons at the same tick
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
    track.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
    now = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(msg.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    midi.tracks.append(track)
    midi.save(str(path))


def midi_to_melody(path: Path, steps: int | None = None) -> list[Note]:
    """The step-grid melody of a MIDI file (for restyling and round trips)."""
    notes, _, _ = read_midi(path)
    try:
        melody = skyline(quantize(notes))
    except Skipped as exc:
        raise MidiReadError(f"{path}: {exc}") from None
    if steps is not None:
        melody = [n._replace(end=min(n.end, steps)) for n in melody if n.start < steps]
    return melody
