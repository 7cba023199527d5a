"""How a melodic line moves from phrase to phrase in content space, learned from real tunes.

Five things the decoder alone does not know, fitted after training from the training split's posterior means
μ (the encoder's z_c) and kept beside the checkpoint in ``latents.safetensors``:

* **how to go on** — per style and mode family, up to ``PAIRS_PER_MODE`` pairs of consecutive, non-overlapping
  phrases of the same piece (bar b and b + phrase length): the μ of the first (``before``), the μ of the next
  (``after``), the next one's first pitch and its tune's mode. At a phrase border a line looks up the
  ``NEIGHBOURS`` real phrases of its own mode family whose μ lies nearest its own z_c (a line plays in major or
  minor as its key says; phrases of the other family, 9–35 % of the choices in a style when mixed, brought their
  sixths and sevenths into its key) and goes on to the next phrase of one of them, drawn by how well that
  phrase's first note follows the note the line ended on (the style's real border intervals, ``border_real``)
  and by how near its register (``after_register``, its mean pitch) lies to the line's own (``Line.home``):
  a Gaussian REGISTER_PULL times as wide as the style's spread of phrase registers about their tune's. Without
  that pull the line's register walked off (16 bars drifted 2.6–6.3 semitones against real tunes' 1.9–4.9),
  as next phrases near its z_c say nothing of where in pitch the line has been. The line's z_c is then always
  a real phrase's μ, where the decoder was trained. A fitted linear-Gaussian step
  (``μ' = A μ + b + s ⊙ ε``, ridge regression on the same pairs) did the same job until it was measured against
  this: its targets, and more so the line's ``z + v · (μ' − z)`` at variation 0.5, left the region of real μ
  (German folk: the length of z_c fell from 5.7 to 3.8 within four phrases), and the decoder leaps more inside
  such phrases (2.36 semitones on average in a German folk line's first phrase, 2.74–2.96 in its fifth to
  eighth); slerp instead of the straight line kept the length and did not help as a whole, nor did the
  residual's full covariance, so it was where the points lay, not how far they went.
  A line's ``variation`` v says how far the next phrase may be from this one: 1 takes any of the neighbours'
  next phrases, less favours those nearest the line's own z_c (``exp(−(1/v − 1) · d / median d)`` on the
  squared distances d), and 0 repeats the phrase. A line starts from the μ of a real phrase of its style.
* **what comes back** — per style and place in a 16-bar strain (``REPEAT_PLACES`` phrases from the tune's start, or
  the song's for a line), how often a real tune's phrase nearly repeats the one 1 to 4 phrases before it (AABA, AABB:
  ``musicality``'s near-repeat, onsets overlapping by 60 %; 4 back is an 8-bar section coming back). Where it happens
  is most of it: an Irish dance's third phrase (bars 5–6) repeats the first in over 40 % of the tunes, its second the
  first in under 10 %; an American fiddle tune's fifth, where its second strain begins, almost never. Rates by lag
  alone repeated as often at every place (Irish 0.23) and lost that shape. A line repeats an earlier phrase of its own
  with its place's probabilities — the same content, seed and first note, so the same phrase but for its last beat,
  where the phrase before a return leads into it and the return goes on as the line does (first and second endings) —
  and otherwise moves on. A place's rates are its own counts drawn toward the style's rates over all places by
  ``REPEAT_PRIOR`` phrases' worth, as short tunes leave the later places few phrases. The places are counted in the
  grid's phrases of two 4/4 bars, which hold four written bars of a 2/4 tune: its 8-bar strain is two phrases, and its
  phrases come back at other places (American fiddle, training split: the third phrase nearly repeats the first in
  0.71 of its 4/4 and 2/2 tunes, in 0.03 of its 2/4 ones, which repeat half a strain at the next phrase instead). So
  the rates are also fitted per meter family of the tunes (``repeat_meter``), a line draws with those of the tune its
  phrase came from, and a line that goes by place goes on among next phrases of that family (``pair_meter``) while its
  style has NEIGHBOURS of them: on a pool of both, fiddle lines that began on a 4/4 tune's phrase drifted to 2/4 ones'
  and back, and their third phrase brought the first back in 0.57 of them (4/4 tunes: 0.88 in the evaluation's
  excerpts, 0.71 over all), 0.74 when kept (by hand, 192 lines). Returns come in runs: the tunes are read as played
  (``data.corpus``), a strain played twice brings all its phrases back a section later, and after a phrase that
  repeats the one a section back the next does so too in 0.80, 0.81 and 0.70 of the Irish, fiddle and Scottish 4/4
  tunes, after a new phrase in 0.17, 0.24 and 0.18 (training split). So the rates are also given how far back the
  phrase before repeated (``repeat_after``). The real 16-bar excerpts' second 8 bars bring back all four phrases of
  the first or none (Irish, fiddle, Scottish 4/4 tunes: 0.38 / 0.60 / 0.26 all, 0.50 / 0.33 / 0.39 none); drawn
  without it, lines brought back one to three of them (0.83 / 0.81 / 0.88 of the lines), a patchwork; with it, all
  in 0.23 / 0.56 / 0.20, none in 0.46 / 0.25 / 0.38 (by hand, 256 lines a style, those on 4/4 tunes).
  The rates are read from real 16-bar spans alone (``in_spans``: the evaluation's excerpts, ``excerpt_rows``), as
  lines play that long and tunes that stop short do not show what comes back within it, and a line's first phrase,
  whose tune's meter the line keeps where it goes by place, is drawn by the style's excerpts' meters
  (``first_meter``) rather than by its pairs', of which 2/4 tunes, whose strains seldom come back a section on, held
  more than their share.
  A return is drawn a phrase ahead (``Line``), and the
  phrase before it is chosen by how real tunes cross a border from its last note (``after_last``) into the return's
  first, as real tunes prepare theirs: drawn at its own border, a return came in from wherever the line had got to
  (Irish dance: a mean leap of 5.6 semitones into returns, real tunes 2.8). Both go by how real tunes of the style
  enter their returns (``return_real``, ``lead_shares``), which is not quite how they cross their other borders
  (German folk: 3.00 semitones against 2.50). The decoder seldom ends a phrase on its real tune's last note, so the
  phrase before a return also leads into it as it is decoded (``decoder.Lead``: its last beat's note-ons weighted by
  those shares at their interval to the return's first note, raised to a power fitted per style so that its lines
  enter returns with the mean leap real tunes do: ``lead_weights``).
* **where in a section a phrase lies** — tunes come home at the end of an 8-bar section: in the training split's
  Irish dances, American fiddle tunes and Scottish airs a phrase on the grid ends on the tonic twice as often there as
  elsewhere, on a longer note. Lines drew every next phrase from real ones of any place, and so ended them all
  alike. Now each pair knows its next phrase's place in a section (``after_place``), and a line of such a style
  (``sectioned``: German, Chinese, Bach and Palestrina have no such ends on the grid, and keep their choice among
  all) goes on to next phrases of its own place in the song (``Line.position``). The decoder, given a real phrase
  of a place, ends it as that phrase ended less often than its tune did, so a phrase's last beat also gets the
  style's cadence weights at its place (``cadence``, fitted as the border ratio is, for every style: how much
  likelier each kind of token — a note-on on the tonic, on the fifth, on another degree, or none — is at each
  step of the last beat in real tunes than in the played line), which weigh every token, so the last note is held
  longer too.
* **how often each next phrase is gone on to** — nearest neighbours in a space of many dimensions have hubs
  (Radovanović, Nanopoulos & Ivanović 2010, "Hubs in space", JMLR 11): points near the middle of the data are
  near very many others. Left alone, lines walked to a few real phrases over and over: a tenth of a style's next
  phrases took some 40 % of the visits and in most styles a fifth to a third were never reached (German folk
  in major: nearly half). German folk's slow phrases lie nearest the middle of its μ (phrases under 2 notes a bar
  4.6 from their mean, over 6 notes 6.4), so its lines slowed: decoded, from 3.65 notes a bar in their first
  phrase to 2.5 by the eighth (real tunes: 3.76 over 16 bars).
  Each next phrase carries a weight (``after_weight``, ``balance``), fitted by walking lines and mending the
  weights until each real phrase is visited about as often as the others, so a line's phrases are spread as real
  tunes' are.
* **how to cross the border** — per style, how far the first note of a phrase moves from the note before
  it. The decoder was trained with the posterior z_c of each real phrase, which already knows its first
  note; the phrase a line goes on to was preceded by another note in its own tune, so left alone the
  decoder leaps at phrase borders more than real tunes do. The choice of the next phrase favours those that
  begin where the line is; what is left is a density ratio per signed interval: real tunes' border intervals
  (a training phrase's first note against ``before``) over those of the line played without it, applied to
  the first note-on of each phrase (``border_weights``; the note-on mass itself is kept, so rhythm is
  untouched). Since the choice of the next phrase, the ratio finds little left to mend (it moves the mean
  border leap by under 0.1 semitone in every style of the shipped model).

A checkpoint without the file (trained before this existed), or with latents of the linear step, starts from
N(0, I) and walks at random; ``load`` says so in one line, and ``stylevae latents`` fits them anew.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from stylevae.model.data.keys import MODES, SCALES, scale_mask
from stylevae.model.data.tokens import (
    FIRST_PITCH_TOKEN,
    HOLD,
    STEPS_PER_BAR,
    STEPS_PER_BEAT,
    Vocabulary,
    tokens_to_notes,
)
from stylevae.model.decoding.playing import NEIGHBOURS, VARIATION
from stylevae.model.evaluation.musicality import OUT_OF_KEY, excerpt_rows, near, next_pairs

if TYPE_CHECKING:  # the data module reads scores (music21): the daemon that imports this needs none of it
    from stylevae.model.data.dataset import PhraseSet

LATENTS = "latents.safetensors"
PAIRS_PER_MODE = 512  # pairs of real phrases a style keeps of each mode family's tunes, stored in half precision
REPEAT_LAGS = 4  # a phrase may come back 1 to 4 phrases later (two-bar phrases: up to an 8-bar section)
REPEAT_PLACES = 8  # the places in a strain whose repeat rates differ: 16 bars of two-bar phrases
PLACE_CYCLE = 4  # a next phrase is drawn from those at the same place in an 8-bar section of their tunes
# pairs a style whose lines go by place keeps of each place and mode family: a line at a place then chooses among half
# as many as one of another style does among all its places (with a quarter as many, by hand, the dances' borders
# leapt 0.1–0.3 semitone more: Irish 3.11 against 2.94, fiddle 3.80 against 3.56, Scottish 3.34 against 3.48)
PAIRS_PER_PLACE = PAIRS_PER_MODE // 2
# a style whose tunes end an 8-bar section on the tonic this many times as often as their other phrases, or more,
# draws next phrases by place (training split: Irish dance 2.1, American fiddle 2.2, Scottish air 2.0; German folk
# 1.15, Chinese folk 1.05, Bach 0.83, Palestrina 1.02, whose phrases the two-bar grid does not cut as their tunes do)
SECTION_RATIO = 1.5
NO_PLACE = -1  # ``after_place`` of a next phrase off its tune's phrase grid
CADENCE_DEGREES = (0, 7)  # the tonic and the fifth above it: where a phrase ends, against every other degree
ENDING_KINDS = len(CADENCE_DEGREES) + 2  # a step's token: a note-on on each of those, on another degree, or none
# a phrase's last beat, whose tokens a cadence weighs: a cadence over its last half bar came out no nearer real tunes'
# (by hand: Irish dance, fiddle and Scottish air's sections ending on the tonic 0.25 / 0.42 / 0.26 against 0.26 /
# 0.40 / 0.31 over one beat)
CADENCE_STEPS = STEPS_PER_BEAT
ENDING_FLOOR = 0.01  # the share added to each kind of last note's, real and played, in the ending ratio
REPEAT_PRIOR = 16.0  # phrases' worth of a style's rates over all places added to each place's counts
# phrases' worth of a meter family's rates at a place added to each case of the phrase before (``after_repeat_rates``):
# those rates hold the runs of a strain coming back, which at 16 leaked into the cases after a new phrase (American
# fiddle 4/4 tunes' seventh phrase after a new sixth: 0.01 in 79 real ones, drawn 0.11), and the dances' lines brought
# back single phrases a section on where real tunes bring back all or none (fiddle 4/4 lines: 0.74 of their second
# sections' phrases, real excerpts 0.63; at 4: 0.69, whole sections 0.59 against 0.60; by hand, 256 lines a style)
AFTER_PRIOR = 4.0
# a tune's meter family, by its written bar against the grid's 4/4 bar (``meter_families``): the same, shorter (2/4:
# a phrase holds four written bars, an 8-bar strain two phrases), longer (4/2). Their phrases come back at other places
# (training split, the third phrase nearly repeating the first: American fiddle 0.71 of its 4/4 and 2/2 tunes, 0.03
# of its 2/4 ones; Irish dance 0.52 and 0.06): rates over both repeated a 2/4 tune's phrases where 4/4 tunes do, and
# the other way round
METER_FAMILIES = 3
BORDER_SPAN = 12  # border intervals beyond an octave either way share the edge bins
BORDER_CLIP = 8.0  # the border ratio stays within [1/8, 8]: a nudge from counts, never a ban
NO_NOTE = -1  # ``after_first`` of a next phrase without a note-on
AGAIN = -2  # ``Continuation.step``'s ``then`` for a phrase that the one after it repeats (lag 1)
MIN_SPREAD = 1.0  # semitones: the least register spread a style is given
REGISTER_PULL = 1.5  # a next phrase's register is drawn about the line's own within this many of the style's spreads
HOME_DECAY = 1 - 1 / 64  # a line's register (``Line.home``) forgets a note's weight by 1/e in some 64 notes
BALANCE_ROUNDS = 10  # rounds of lines walked and weights mended (``balance``)
BALANCE_VISITS = 12  # each round walks lines enough to visit each next phrase this many times if all were even
BALANCE_PHRASES = 16  # phrases per line walked: a voice plays on for longer than a stream eval's 8
BALANCE_RATE = 0.6  # a round moves each weight by (even visits / its visits) to this power: damped, visits are noisy
BALANCE_CLIP = 32.0  # a weight is clipped to [1/32, 32] after each round's normalising to its group's geometric mean
BALANCE_NOTES = 8  # the notes a walked phrase counts for in the line's register (``Line.home`` counts each note)
# The scale of a tune's own key, on C as the model sees it: a minor tune's sixth and seventh go either way
HOME_SCALES = {"major": SCALES["major"],
               "minor": tuple(sorted({*SCALES["minor"], *SCALES["harmonic_minor"], *SCALES["melodic_minor"]}))}


@dataclass
class Continuation:
    z_content: int
    before: np.ndarray | None = None  # (N, z_content) float32: μ of real phrases that a next phrase follows
    after: np.ndarray | None = None  # (N, z_content) float32: μ of that next phrase
    pair_style: np.ndarray | None = None  # (N,) int64
    after_first: np.ndarray | None = None  # (N,) int64: the next phrase's first pitch (decoder space), or NO_NOTE
    border_real: np.ndarray | None = None  # (S, 2·BORDER_SPAN + 1): real tunes' border intervals, as shares
    # (S, places, REPEAT_LAGS): P(a phrase at a place repeats the one `lag` phrases back; places: REPEAT_PLACES, or
    # 1 in latents fitted before places)
    repeat: np.ndarray | None = None
    border: np.ndarray | None = None  # (S, 2·BORDER_SPAN + 1): real / played border intervals, by signed interval
    pair_mode: np.ndarray | None = None  # (N,) int64: the mode family (keys.MODES) of the pair's tune; None: any
    after_register: np.ndarray | None = None  # (N,) float32: the next phrase's mean note-on pitch (NaN: no note)
    register_spread: np.ndarray | None = None  # (S,): how far real phrases' registers lie from their tune's (RMS, > 0)
    after_last: np.ndarray | None = None  # (N,) int64: the next phrase's last note-on pitch, or NO_NOTE
    after_weight: np.ndarray | None = None  # (N,) float32: a next phrase's weight, so lines visit real ones evenly
    # (3,) float64: the register's pull, the variation and the neighbours the weights were fitted under (``balance``)
    balanced_under: np.ndarray | None = None
    # (S, 2·BORDER_SPAN + 1): real tunes' border intervals into phrases that come back (near-repeats), as shares
    return_real: np.ndarray | None = None
    # (N,) int64: the next phrase's place in an 8-bar section of its tune (its index on the tune's phrase grid, mod
    # PLACE_CYCLE), NO_PLACE off the grid; None: fitted before places, any next phrase goes anywhere
    after_place: np.ndarray | None = None
    # (S,) bool: the styles whose lines draw next phrases by place (``sectioned_styles``); None: fitted before places
    sectioned: np.ndarray | None = None
    # (S, PLACE_CYCLE, CADENCE_STEPS, ENDING_KINDS): per style, place in an 8-bar section and step of a phrase's last
    # beat, how much likelier each kind of token (``ending_kinds``) is in real tunes than in the line played without
    # it (``cadence_ratio``); None: fitted before cadences
    cadence: np.ndarray | None = None
    # (S, PLACE_CYCLE, ENDING_KINDS): per style whose lines go by place and place in an 8-bar section, how much
    # likelier a next phrase ending on each kind of note (``last_kinds``) is chosen there, so that the played lines'
    # phrases end as real tunes' do at that place (``ending_ratio``); None: fitted before endings
    ending: np.ndarray | None = None
    pair_meter: np.ndarray | None = None  # (N,) int64: the meter family (``meter_families``) of the next phrase's tune
    # (S, METER_FAMILIES, places, REPEAT_LAGS): ``repeat`` of the style's tunes of each meter family, for a line whose
    # phrase came from one; None: fitted before meters
    repeat_meter: np.ndarray | None = None
    # (S, METER_FAMILIES, places, REPEAT_LAGS + 1, REPEAT_LAGS): ``repeat_meter`` given how many phrases back the
    # phrase before repeated (0: it did not), so that a strain comes back whole (``after_repeat_rates``); None: fitted
    # before
    repeat_after: np.ndarray | None = None
    # (S,): the power a style's lead raises its shares to (``lead_weights``), fitted so that its lines enter returns
    # with the mean leap real tunes do (``training.train.fit_lead_power``); None: fitted before, the shares as they are
    lead_power: np.ndarray | None = None
    # (S, METER_FAMILIES): the share of each meter family among the style's real 16-bar excerpts (``excerpt_rows``),
    # which the first phrase of a line that goes by place, and with it the line's meter, is drawn by
    # (``first_phrase``); a row of zeros (a style without such excerpts) or None (fitted before): from the pairs as
    # they come
    first_meter: np.ndarray | None = None
    # per (style, mode, place, meter), (its pair rows, their ``before`` rows, those rows' squared lengths): looked up
    # once, as a voice's phrase border runs on the engine's thread between steps (eight voices at one border: eight
    # lookups)
    _by_style: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def learned(self) -> bool:
        return self.after is not None

    @property
    def balanced_as_now(self) -> bool:
        """Whether the weights were fitted under the register's pull, neighbours and places lines walk with now, and
        at the default variation (latents fitted before the weights recorded it: taken as so; before places, with
        three numbers, as so for lines that know no places, which their pairs do not)."""
        if self.balanced_under is None:
            return True
        now, known = walk_settings(VARIATION), len(self.balanced_under)
        older = known == len(now) - 1 and self.after_place is None  # recorded before places, by lines that know none
        return (known == len(now) or older) and np.allclose(self.balanced_under, now[:known])

    def _pairs(self, style: int, mode: int | None, place: int | None = None, meter: int | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The style's pairs from tunes of ``mode`` (an index into keys.MODES) and of the ``meter`` family
        (``meter_families``) whose next phrase lies at ``place`` (a phrase's index in the song, taken mod
        PLACE_CYCLE); all of the style's when ``mode`` is None, the fit knows no modes, or the style has no tune in
        that mode; all of the mode's when ``meter`` is None, the fit knows no meters, the style's lines do not go by
        place (``by_place``), or fewer than NEIGHBOURS are of that family (a line then chooses among as many as
        elsewhere), and likewise for ``place``. A line that goes by place keeps to its tune's meter, whose places
        mean other things in another; German folk's lines kept to theirs slowed down (3.04 notes a bar, real tunes
        3.6–3.8) and leapt less at borders (2.10 semitones, real 2.58–2.65; an evaluation of that variant, by hand),
        as its 4/2 tunes, long and slow, give more pairs than their share of tunes and their lines no longer moved
        on to others' phrases."""
        meter = meter if self.by_place(style) and self.pair_meter is not None else None
        if (style, mode, place, meter) not in self._by_style:
            rows = np.flatnonzero(self.pair_style == style) if self.after is not None else np.zeros(0, np.int64)
            if mode is not None and self.pair_mode is not None and (self.pair_mode[rows] == mode).any():
                rows = rows[self.pair_mode[rows] == mode]
            if meter is not None and (self.pair_meter[rows] == meter).sum() >= NEIGHBOURS:
                rows = rows[self.pair_meter[rows] == meter]
            if place is not None and self.by_place(style) and self.placed(rows, place).sum() >= NEIGHBOURS:
                rows = rows[self.placed(rows, place)]
            before = np.ascontiguousarray(self.before[rows]) if len(rows) else np.zeros((0, self.z_content), np.float32)
            self._by_style[style, mode, place, meter] = rows, before, (before.astype(np.float64) ** 2).sum(1)
        return self._by_style[style, mode, place, meter]

    def by_place(self, style: int) -> bool:
        """Whether the style's lines draw next phrases by their place in an 8-bar section (a fit has its places and
        its sectioned styles both or neither: ``load`` refuses one without the other)."""
        return self.sectioned is not None and bool(self.sectioned[style])

    def placed(self, rows: np.ndarray, place: int) -> np.ndarray:
        """(len(rows),) bool: whose next phrase lies at ``place`` in an 8-bar section (none without places)."""
        if self.after_place is None:
            return np.zeros(len(rows), bool)
        return self.after_place[rows] == place % PLACE_CYCLE

    def initial(self, style: int, rng: np.random.Generator, mode: int | None = None) -> np.ndarray:
        """A line's first z_c: a real phrase's μ of the style (of a tune in ``mode``), else a draw from N(0, I)."""
        return self.first_phrase(style, rng, mode)[0]

    def first_phrase(self, style: int, rng: np.random.Generator, mode: int | None = None
                     ) -> tuple[np.ndarray, int | None]:
        """``initial``'s z_c, and the meter family of the tune it came from (``meter_of``); for a style whose lines
        go by place, drawn by its real excerpts' meters (``first_meter``) among the families its pairs of ``mode``
        have. Such a line keeps its first phrase's meter, and the pairs hold each family as often as its tunes give
        phrases at the places a line draws from, not as often as the style's music runs on in it: drawn from them,
        Irish dance lines began on a 4/4 tune in 0.82 of 256 and American fiddle ones in 0.50, where 0.93 and 0.80
        of the real 16-bar excerpts are in 4/4, and 2/4 tunes' 8-bar strains, two phrases, seldom come back a
        section on (whole sections: fiddle lines 0.27, real 0.49; drawn by the excerpts, 0.43, by hand). Other
        styles' lines go on among every meter's phrases, and their first is drawn as those are: by the excerpts,
        German folk's lines began on its long, slow 4/2 tunes (0.35 of its excerpts, 0.08 of its tunes) and walked
        on among slow phrases (3.41 notes a bar, from the pairs 3.61, real 3.6–3.8; by hand, 192 lines)."""
        rows = self._pairs(style, mode)[0]
        if len(rows) and self.first_meter is not None and self.pair_meter is not None and self.by_place(style):
            shares = self.first_meter[style] * (np.bincount(self.pair_meter[rows], minlength=METER_FAMILIES) > 0)
            if shares.sum() > 0:
                rows = rows[self.pair_meter[rows] == rng.choice(METER_FAMILIES, p=shares / shares.sum())]
        if len(rows):
            row = rows[rng.integers(len(rows))]
            return self.after[row].copy(), self.meter_of(row)
        return rng.standard_normal(self.z_content).astype(np.float32), None

    def meter_of(self, row: int) -> int | None:
        """The meter family of the tune whose phrase pair ``row`` goes on to; None for latents fitted before meters."""
        return None if self.pair_meter is None else int(self.pair_meter[row])

    def step(self, z: np.ndarray, variation: float, rng: np.random.Generator, style: int,
             last_pitch: int | None = None, mode: int | None = None, home: float | None = None,
             then: int | None = None, place: int | None = None, meter: int | None = None) -> np.ndarray:
        """The next phrase's z_c (see the module docstring) for a line at ``z`` in ``mode`` whose last note was
        ``last_pitch`` and whose notes lie about ``home``, and that goes on to a phrase beginning on ``then`` (an
        earlier phrase coming back; ``AGAIN``: this one), the ``place``-th of the song; without a fit, the old
        prior-keeping random walk. One uniform draw when fitted."""
        return self.next_phrase(z, variation, rng, style, last_pitch, mode, home, then, place, meter)[0]

    def next_phrase(self, z: np.ndarray, variation: float, rng: np.random.Generator, style: int,
                    last_pitch: int | None = None, mode: int | None = None, home: float | None = None,
                    then: int | None = None, place: int | None = None, meter: int | None = None
                    ) -> tuple[np.ndarray, int | None]:
        """``step``'s z_c, from a tune of the ``meter`` family (the line's: a tune keeps its meter) where the style
        has enough of them, and the meter family of the tune it came from (``meter_of``; None where it came from no
        tune: ``z`` kept, or the random walk)."""
        if variation <= 0:
            return z, None
        if not len(self._pairs(style, mode)[0]):
            noise = rng.standard_normal(z.shape).astype(np.float32)
            return (math.sqrt(max(0.0, 1.0 - variation**2)) * z + variation * noise).astype(np.float32), None
        row = self._choose(z, variation, rng, style, last_pitch, mode, home, then, place, meter)
        return self.after[row].copy(), self.meter_of(row)

    def _choose(self, z: np.ndarray, variation: float, rng: np.random.Generator, style: int, last_pitch: int | None,
                mode: int | None, home: float | None, then: int | None, place: int | None = None,
                meter: int | None = None) -> int:
        """The pair row whose next phrase a fitted line at ``z`` goes on to (``step``)."""
        rows, before, lengths = self._pairs(style, mode, None if place is None else place % PLACE_CYCLE, meter)
        distance = lengths - 2.0 * (before @ z.astype(np.float32)).astype(np.float64)  # |b − z|² less |z|²: same order
        near_rows = rows[np.argsort(distance, kind="stable")[:NEIGHBOURS]]
        log_weight = np.log(self._joins(style, near_rows, last_pitch))
        if self.after_weight is not None:  # hubs down, phrases seldom reached up
            log_weight += np.log(self.after_weight[near_rows])
        if then is not None and self.after_last is not None and self.lead_shares(style) is not None:
            log_weight += np.log(self._leads(style, near_rows, then))
        if variation < 1:
            apart = ((self.after[near_rows] - z) ** 2).sum(1)
            log_weight -= (1.0 / variation - 1.0) * apart / max(float(np.median(apart)), 1e-12)
        if place is not None and self.ending is not None and self.by_place(style):
            log_weight += np.log(self.ending[style, place % PLACE_CYCLE][last_kinds(self.after_last[near_rows])])
        if home is not None and self.register_spread is not None:
            away = ((self.after_register[near_rows] - home) / (REGISTER_PULL * float(self.register_spread[style]))) ** 2
            noted = ~np.isnan(away)  # a next phrase without a note gets the others' mean: neither pulled nor pushed
            log_weight -= 0.5 * np.where(noted, away, away[noted].mean() if noted.any() else 0.0)
        weight = np.exp(log_weight - log_weight.max())
        cumulative = np.cumsum(weight)
        chosen = min(int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right")), len(weight) - 1)
        return int(near_rows[chosen])

    def _joins(self, style: int, rows: np.ndarray, last_pitch: int | None) -> np.ndarray:
        """How often real tunes of ``style`` cross a border as each row's next phrase would after
        ``last_pitch`` (1 for all without a pitch or a fit; a next phrase without a note gets the mean share)."""
        if last_pitch is None or self.border_real is None:
            return np.ones(len(rows))
        first = self.after_first[rows]
        shares = self.border_real[style][border_bins(first - last_pitch)].astype(np.float64)
        return np.where(first == NO_NOTE, 1.0 / self.border_real.shape[1], shares)

    def _leads(self, style: int, rows: np.ndarray, then: int) -> np.ndarray:
        """How often real tunes cross into a return (``lead_shares``) as each row's next phrase, ending on its last
        note, would cross into one beginning on ``then`` (``AGAIN``: into itself again); the mean share where either
        has no note."""
        last = self.after_last[rows]
        first = self.after_first[rows] if then == AGAIN else np.full(len(rows), then)
        by_interval = self.lead_shares(style)
        shares = by_interval[border_bins(first - last)].astype(np.float64)
        return np.where((last == NO_NOTE) | (first == NO_NOTE), 1.0 / len(by_interval), shares)

    def lead_shares(self, style: int) -> np.ndarray | None:
        """(2·BORDER_SPAN + 1,): how real tunes of ``style`` cross the border into a phrase that comes back — as
        into any phrase in latents fitted before returns had their own (``return_real``); None without a fit.
        Their returns are entered with larger leaps than their other phrases in most styles (training split: German
        folk 3.00 semitones against 2.50, Chinese 4.37 against 3.76, Irish dance 2.82 against 2.78): a strain's
        end and its tune's opening again need not join as two phrases of one strain do."""
        found = self.return_real if self.return_real is not None else self.border_real
        return None if found is None else found[style]

    def lead_weights(self, style: int) -> np.ndarray | None:
        """(2·BORDER_SPAN + 1,): the weights by signed interval with which the phrase before a return leads into it
        as it is decoded (``decoder.Lead``): how real tunes enter returns (``lead_shares``) raised to the style's
        fitted power (``lead_power``; 0: no lead). The shares as they are left lines of some styles entering returns
        with wider leaps than real tunes do (Irish dance: 3.10 semitones on average, real training returns 2.72;
        American fiddle 4.15 against 3.18), and others with narrower (German folk 2.23 against 3.05), as the decoder
        weighs its last notes by its own lights too. A power keeps the shares' shape, their modes the heaviest: a
        ratio per interval fitted in passes, as the border's, moved the mean little in four (Irish 3.19 to 3.06) while
        its bins drifted to a noisy 1/8 to 7, and a tilt towards small leaps (``exp(−λ·|i|)``) doubled the entries on
        the same note (Irish 0.08 to 0.15, real 0.04); the power brought Irish to 2.77 at 2 with 0.05 of them (by hand,
        512 lines). None without a fit."""
        shares = self.lead_shares(style)
        return shares if shares is None or self.lead_power is None else shares ** float(self.lead_power[style])

    def repeat_lag(self, style: int, rng: np.random.Generator, available: int, position: int,
                   meter: int | None = None, after: int = 0) -> int:
        """How many phrases back the next phrase repeats (0: it does not), drawn with the style's rates at the
        place of ``position`` (the phrase's index in the song) in its strain, those of its tunes of the ``meter``
        family where known (the line's phrase came from one), given that the phrase before repeated the one ``after``
        phrases back (0: it did not); only lags with that many phrases behind. One uniform draw either way, so a
        line's later draws do not depend on whether it repeated."""
        draw = rng.random()
        if self.repeat is None:
            return 0
        known = meter is not None and self.repeat_meter is not None
        if known and self.repeat_after is not None:
            by_place = self.repeat_after[style, meter, :, after]
        else:
            by_place = self.repeat_meter[style, meter] if known else self.repeat[style]
        rates = by_place[position % len(by_place)]
        for lag in range(1, min(available, len(rates)) + 1):
            p = float(rates[lag - 1])
            if draw < p:
                return lag
            draw -= p
        return 0

    def cadence_weights(self, style: int, place: int | None, vocab: Vocabulary) -> np.ndarray | None:
        """Weights (CADENCE_STEPS, V) on every token at each step of the last beat of the ``place``-th phrase of the
        song (a key-relative decoder's pitch space: the tonic on C): the style's cadence ratio at that place in an
        8-bar section for each token's kind (``ending_kinds``); None without a place or a fit. Real tunes end a
        section on the tonic and on a longer note (Irish dance: 36 % of the training split's 16-bar excerpts' 8-bar
        ends on the tonic, 15 % of their other phrases; in the test split's, a note-on at the third sixteenth of the
        last beat of 35 % of section ends, 60 % of other phrases); a line ended them all alike."""
        if self.cadence is None or place is None:
            return None
        kinds = np.full(vocab.size, ENDING_KINDS - 1)
        kinds[FIRST_PITCH_TOKEN:] = degree_bins(np.arange(vocab.low, vocab.high + 1))
        return self.cadence[style, place % PLACE_CYCLE][:, kinds].astype(np.float64)

    def border_weights(self, style: int, pitch: int | None, vocab: Vocabulary) -> np.ndarray | None:
        """Weights (V,) for a phrase's first note-on after ``pitch`` (None: no note before, or no fit): the
        style's border ratio at each pitch token's interval from ``pitch``, 1 for every other token."""
        if self.border is None or pitch is None:
            return None
        return interval_weights(self.border[style], pitch, vocab)

    def save(self, folder: Path) -> None:
        """The fit as safetensors; the μ in half precision (a thousandth of their scale, far inside the spread of
        a posterior, and half the file)."""
        if not self.learned:
            return
        tensors = {"before": self.before.astype(np.float16), "after": self.after.astype(np.float16),
                   "pair_style": self.pair_style, "after_first": self.after_first}
        for name in ("border_real", "repeat", "border", "pair_mode", "after_register", "register_spread", "after_last",
                     "after_weight", "balanced_under", "return_real", "after_place", "sectioned", "cadence",
                     "ending", "pair_meter", "repeat_meter", "repeat_after", "lead_power", "first_meter"):
            if getattr(self, name) is not None:
                tensors[name] = getattr(self, name)
        save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(Path(folder) / LATENTS))


def load(folder: Path | None, z_content: int) -> Continuation:
    """The latents beside a checkpoint; without the file, or with the linear step's latents of an older fit, a
    Continuation that is not ``learned``."""
    path = None if folder is None else Path(folder) / LATENTS
    if path is None or not path.is_file():
        return Continuation(z_content)
    try:
        t = load_file(str(path))
        if "after" not in t and "transition" in t:  # fitted before the next phrase was a real one
            return Continuation(z_content)
        repeat = t.get("repeat")
        if repeat is not None and repeat.ndim == 2:  # fitted before places: one place, the same rates at every one
            repeat = repeat[:, None, :]
        found = Continuation(z_content, t["before"].astype(np.float32), t["after"].astype(np.float32),
                             t["pair_style"].astype(np.int64), t["after_first"].astype(np.int64), t.get("border_real"),
                             repeat, t.get("border"), t.get("pair_mode"), t.get("after_register"),
                             t.get("register_spread"), t.get("after_last"), t.get("after_weight"),
                             t.get("balanced_under"), t.get("return_real"), t.get("after_place"), t.get("sectioned"),
                             t.get("cadence"), t.get("ending"), t.get("pair_meter"), t.get("repeat_meter"),
                             t.get("repeat_after"), t.get("lead_power"), t.get("first_meter"))
    except (SafetensorError, OSError, KeyError, ValueError) as exc:
        raise ValueError(f"{path}: unreadable phrase-continuation latents ({exc})") from None
    pairs = len(found.after)
    if found.before.shape != found.after.shape or found.pair_style.shape != (pairs,) or \
            any(a is not None and a.shape != (pairs,) for a in (found.after_first, found.pair_mode,
                                                                 found.after_register, found.after_last,
                                                                 found.after_weight, found.after_place,
                                                                 found.pair_meter)):
        raise ValueError(f"{path}: phrase-continuation latents whose pairs do not match")
    if found.return_real is not None and (found.border_real is None or
                                          found.return_real.shape != found.border_real.shape):
        raise ValueError(f"{path}: phrase-continuation latents whose returns' border intervals do not match the others")
    power = found.lead_power
    if power is not None and (found.return_real is None or power.shape != found.return_real.shape[:1]
                              or not (np.isfinite(power) & (power >= 0)).all()):
        raise ValueError(f"{path}: phrase-continuation latents whose lead powers do not match their styles")
    places = found.after_place
    if (found.sectioned is None) != (places is None) or found.sectioned is not None and (
            found.sectioned.dtype != bool or found.sectioned.ndim != 1
            or len(found.sectioned) <= int(found.pair_style.max(initial=0))
            or not ((places == NO_PLACE) | ((places >= 0) & (places < PLACE_CYCLE))).all()):
        raise ValueError(f"{path}: phrase-continuation latents whose places or sectioned styles do not match")
    if found.cadence is not None and (found.cadence.ndim != 4 or found.cadence.shape[1:] != (
            PLACE_CYCLE, CADENCE_STEPS, ENDING_KINDS) or len(found.cadence) <= int(found.pair_style.max(initial=0))
            or not (np.isfinite(found.cadence) & (found.cadence > 0)).all()):
        raise ValueError(f"{path}: phrase-continuation latents whose cadence weights do not match this version's")
    if found.ending is not None and (found.ending.shape != (len(found.ending), PLACE_CYCLE, ENDING_KINDS)
                                     or len(found.ending) <= int(found.pair_style.max(initial=0))
                                     or not (np.isfinite(found.ending) & (found.ending > 0)).all()
                                     or found.after_last is None):
        raise ValueError(f"{path}: phrase-continuation latents whose ending weights do not match this version's")
    if (found.pair_meter is None) != (found.repeat_meter is None) or found.repeat_meter is not None and (
            found.repeat is None or found.repeat_meter.shape != (len(found.repeat), METER_FAMILIES,
                                                                  *found.repeat.shape[1:])
            or not ((found.pair_meter >= 0) & (found.pair_meter < METER_FAMILIES)).all()):
        raise ValueError(f"{path}: phrase-continuation latents whose meter families do not match their pairs")
    first = found.first_meter
    if first is not None and (found.pair_meter is None or first.ndim != 2 or first.shape[1] != METER_FAMILIES
                              or len(first) <= int(found.pair_style.max(initial=0))
                              or not (np.isfinite(first) & (first >= 0)).all()):
        raise ValueError(f"{path}: phrase-continuation latents whose first phrases' meter shares do not match")
    if found.repeat_after is not None and (found.repeat_meter is None or found.repeat_after.shape != (
            *found.repeat_meter.shape[:3], REPEAT_LAGS + 1, REPEAT_LAGS)):
        raise ValueError(f"{path}: phrase-continuation latents whose repeat rates after a return do not match")
    if found.balanced_under is not None and found.balanced_under.shape not in ((3,), (4,)):
        raise ValueError(f"{path}: phrase-continuation latents whose balancing settings are not three or four numbers")
    if found.after_weight is not None and not (np.isfinite(found.after_weight) & (found.after_weight > 0)).all():
        raise ValueError(f"{path}: phrase-continuation latents whose next phrases' weights are not all positive")
    if (found.after_register is None) != (found.register_spread is None) or found.register_spread is not None and (
            found.register_spread.ndim != 1 or len(found.register_spread) <= int(found.pair_style.max(initial=0))
            or not (found.register_spread > 0).all()):
        raise ValueError(f"{path}: phrase-continuation latents whose registers do not match their pairs")
    if found.after.shape[1] != z_content:
        raise ValueError(f"{path}: latents of width {found.after.shape[1]} for a model whose z_c has {z_content}")
    return found


def border_bins(intervals: np.ndarray) -> np.ndarray:
    return np.clip(intervals, -BORDER_SPAN, BORDER_SPAN) + BORDER_SPAN


def degree_bins(pitches: np.ndarray) -> np.ndarray:
    """Each pitch's bin among CADENCE_DEGREES above C (the tonic where a key-relative decoder plays), the next bin
    for every other degree."""
    pitch_class = np.asarray(pitches) % 12
    bins = np.full(pitch_class.shape, len(CADENCE_DEGREES))
    for i, degree in enumerate(CADENCE_DEGREES):
        bins[pitch_class == degree] = i
    return bins


def ending_kinds(tokens: np.ndarray, vocab: Vocabulary, tonic: int = 0) -> np.ndarray:
    """(CADENCE_STEPS, ENDING_KINDS): over phrases (n, steps), how many tokens at each step of their last beat are a
    note-on on each of CADENCE_DEGREES above ``tonic``, on another degree, or no note-on (a rest or a hold)."""
    tail = np.asarray(tokens)[:, -CADENCE_STEPS:].astype(np.int64)
    kinds = np.where(tail >= FIRST_PITCH_TOKEN, degree_bins(tail - FIRST_PITCH_TOKEN + vocab.low - tonic),
                     ENDING_KINDS - 1)
    return np.stack([np.bincount(column, minlength=ENDING_KINDS) for column in kinds.T]).astype(np.float64) \
        if len(tail) else np.zeros((CADENCE_STEPS, ENDING_KINDS))


def last_kinds(last: np.ndarray, tonic: int = 0) -> np.ndarray:
    """The kind of each phrase's last note-on (pitches, NO_NOTE for none): its bin among CADENCE_DEGREES above
    ``tonic``, the next for another degree, the last (as ``ending_kinds``' no note-on) for a phrase without one."""
    last = np.asarray(last, dtype=np.int64)
    return np.where(last == NO_NOTE, ENDING_KINDS - 1, degree_bins(last - tonic))


def ending_ratio(real: np.ndarray, played: np.ndarray) -> np.ndarray:
    """(ENDING_KINDS,): how much likelier each kind of last note (``last_kinds``) is in real phrases than in played
    ones, their shares each lifted by ENDING_FLOOR (a kind neither has weighs 1, however many of each there are: its
    passes multiply), clipped as the border ratio is."""
    real_shares = np.bincount(real, minlength=ENDING_KINDS) / max(len(real), 1)
    played_shares = np.bincount(played, minlength=ENDING_KINDS) / max(len(played), 1)
    ratio = (real_shares + ENDING_FLOOR) / (played_shares + ENDING_FLOOR)
    return np.clip(ratio, 1 / BORDER_CLIP, BORDER_CLIP).astype(np.float32)


def cadence_ratio(real: np.ndarray, played: np.ndarray) -> np.ndarray:
    """(CADENCE_STEPS, ENDING_KINDS): how much likelier each kind of token is at each step of the last beat in real
    phrases than in played ones, from their ``ending_kinds`` (one added to every count), clipped as the border ratio
    is."""
    real_shares = (real + 1.0) / (real + 1.0).sum(1, keepdims=True)
    played_shares = (played + 1.0) / (played + 1.0).sum(1, keepdims=True)
    return np.clip(real_shares / played_shares, 1 / BORDER_CLIP, BORDER_CLIP).astype(np.float32)


def interval_weights(by_interval: np.ndarray, pitch: int, vocab: Vocabulary) -> np.ndarray:
    """(V,): ``by_interval`` (2·BORDER_SPAN + 1,) at each pitch token's signed interval from ``pitch``, 1 for every
    other token."""
    weights = np.ones(vocab.size)
    weights[FIRST_PITCH_TOKEN:] = by_interval[border_bins(np.arange(vocab.low, vocab.high + 1) - pitch)]
    return weights


def interval_shares(intervals: np.ndarray) -> np.ndarray:
    """(2·BORDER_SPAN + 1,): the share of each signed border interval, from counts with one added to every bin."""
    counts = np.bincount(border_bins(np.asarray(intervals, dtype=np.int64)), minlength=2 * BORDER_SPAN + 1) + 1.0
    return counts / counts.sum()


def border_ratio(real: np.ndarray, played: np.ndarray) -> np.ndarray:
    """(2·BORDER_SPAN + 1,): how much likelier each signed border interval is in real tunes than in the played
    line (``interval_shares``, so a bin neither saw is left at 1), clipped."""
    ratio = interval_shares(real) / interval_shares(played)
    return np.clip(ratio, 1 / BORDER_CLIP, BORDER_CLIP).astype(np.float32)


def real_border_intervals(tokens: np.ndarray, before: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """Signed intervals from the note before each phrase to its first note (phrases with both)."""
    first = first_pitches(tokens, vocab)
    both = (np.asarray(before) >= 0) & (first != NO_NOTE)
    return (first - np.asarray(before, dtype=np.int64))[both]


def real_return_intervals(phrases: PhraseSet, repeats: tuple) -> list[np.ndarray]:
    """Per style, the signed intervals from the note before each of its ``phrases`` that nearly repeats an earlier one
    (``near_repeats``' finding ``repeats``) to its first note."""
    returning = repeats[0][repeats[3] > 0]
    return [real_border_intervals(phrases.tokens[r], phrases.before[r], phrases.vocab)
            for r in (returning[phrases.style[returning] == s] for s in range(len(phrases.styles)))]


def near_repeats(tokens: np.ndarray, piece: np.ndarray, bar: np.ndarray, gap: int,
                 vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Of the phrases ``gap`` bars apart on their piece's own grid (from its first bar), all but those at its first
    bar: their rows, their places in a strain (the k-th phrase's is k mod REPEAT_PLACES), how many consecutive phrases
    lie before them (up to REPEAT_LAGS), and how many phrases back the earlier phrase they nearly repeat is (0: none
    within those): the one a section back (REPEAT_LAGS) where they repeat it, else the nearest. A strain played again
    repeats each phrase of the one a section before, whatever else it also repeats (in A B A C A B A C the second
    time's first A is also the A 2 back): a line that replays the phrase 2 back there brings back the section only
    where its own third phrase was its first again (by hand, the nearest lag gave the dances' lines sections coming
    back in 0.28–0.31 of phrases, real tunes as played 0.42–0.54)."""
    index = {(int(p), int(b)): i for i, (p, b) in enumerate(zip(piece, bar))}
    onsets: dict[int, set] = {}

    def notes(i: int) -> set:
        if i not in onsets:
            onsets[i] = {(n.start, n.pitch) for n in tokens_to_notes(tokens[i], vocab)}
        return onsets[i]

    found = []
    for (p, b), i in index.items():
        if b % gap or b < gap:
            continue
        earlier = [index.get((p, b - lag * gap)) for lag in range(1, REPEAT_LAGS + 1)]
        behind = next((k for k, j in enumerate(earlier) if j is None), REPEAT_LAGS)  # consecutive phrases before it
        repeated = [k for k, j in enumerate(earlier[:behind], start=1) if near(notes(i), notes(j))]
        lag = REPEAT_LAGS if REPEAT_LAGS in repeated else repeated[0] if repeated else 0
        found.append((i, (b // gap) % REPEAT_PLACES, behind, lag))
    rows, places, behind, lags = np.array(found, dtype=np.int64).reshape(-1, 4).T
    return rows, places, behind, lags


def repeat_rates(tokens: np.ndarray, style: np.ndarray, piece: np.ndarray, bar: np.ndarray, n_styles: int,
                 gap: int, vocab: Vocabulary, prior: float = REPEAT_PRIOR, repeats: tuple | None = None) -> np.ndarray:
    """(S, REPEAT_PLACES, REPEAT_LAGS): per style and place in a strain, the share of phrases whose nearest earlier
    near-repeat is ``lag`` phrases back, of the phrases with that many before them (``near_repeats``, or
    ``repeats`` as it returned them). Each place's counts are drawn toward the style's shares over all places by
    ``prior`` phrases' worth."""
    counts, totals = _repeat_counts(style, repeats or near_repeats(tokens, piece, bar, gap, vocab), n_styles)
    pooled = counts.sum(1) / np.maximum(totals.sum(1), 1)  # (S, REPEAT_LAGS)
    return ((counts + prior * pooled[:, None]) / np.maximum(totals + prior, 1e-12)).astype(np.float32)


def meter_repeat_rates(rates: np.ndarray, style: np.ndarray, meter: np.ndarray, repeats: tuple, n_styles: int,
                       prior: float = REPEAT_PRIOR) -> np.ndarray:
    """(S, METER_FAMILIES, REPEAT_PLACES, REPEAT_LAGS): ``repeat_rates`` of each style's tunes of each meter family
    (``meter``: each phrase's), each place's counts drawn toward ``rates`` (all the style's tunes) by ``prior``
    phrases' worth, so that a family a style has few tunes of repeats as the style does."""
    rows = repeats[0]
    found = []
    for family in range(METER_FAMILIES):
        mine = meter[rows] == family
        counts, totals = _repeat_counts(style, tuple(column[mine] for column in repeats), n_styles)
        found.append((counts + prior * rates) / (totals + prior))
    return np.stack(found, axis=1).astype(np.float32)


def previous_lags(repeats: tuple, piece: np.ndarray, bar: np.ndarray, gap: int) -> np.ndarray:
    """For each of ``near_repeats``' rows, how many phrases back the phrase before it (``gap`` bars earlier) nearly
    repeated (its lag there), 0 where it did not or is none of those rows (a piece's first phrase)."""
    rows, lags = repeats[0], repeats[3]
    lag_at = {(int(piece[r]), int(bar[r])): int(lag) for r, lag in zip(rows, lags)}
    return np.array([lag_at.get((int(piece[r]), int(bar[r]) - gap), 0) for r in rows], dtype=np.int64)


def after_repeat_rates(rates: np.ndarray, style: np.ndarray, meter: np.ndarray, repeats: tuple, previous: np.ndarray,
                       n_styles: int, prior: float = REPEAT_PRIOR) -> np.ndarray:
    """(S, METER_FAMILIES, REPEAT_PLACES, REPEAT_LAGS + 1, REPEAT_LAGS): ``meter_repeat_rates`` (``rates``) given the
    lag the phrase before repeated at (``previous``, per row of ``repeats``; 0: it did not), each one's counts
    drawn toward ``rates`` by ``prior`` phrases' worth. Returns come in runs (a strain played again brings all its
    phrases back), where draws of each phrase alone brought back single phrases of a section."""
    rows = repeats[0]
    found = np.empty((n_styles, METER_FAMILIES, *rates.shape[2:3], REPEAT_LAGS + 1, REPEAT_LAGS))
    for family in range(METER_FAMILIES):
        for lag in range(REPEAT_LAGS + 1):
            mine = (meter[rows] == family) & (previous == lag)
            counts, totals = _repeat_counts(style, tuple(column[mine] for column in repeats), n_styles)
            found[:, family, :, lag] = (counts + prior * rates[:, family]) / (totals + prior)
    return found.astype(np.float32)


def _repeat_counts(style: np.ndarray, repeats: tuple, n_styles: int) -> tuple[np.ndarray, np.ndarray]:
    """(S, REPEAT_PLACES, REPEAT_LAGS) twice: per style, place and lag, the phrases (``near_repeats``' rows) whose
    nearest earlier near-repeat is that many back, and those with that many phrases before them."""
    counts = np.zeros((n_styles, REPEAT_PLACES, REPEAT_LAGS))
    totals = np.zeros((n_styles, REPEAT_PLACES, REPEAT_LAGS))
    for i, place, behind, lag in zip(*repeats):
        totals[style[i], place, :behind] += 1
        if lag:
            counts[style[i], place, lag - 1] += 1
    return counts, totals


def meter_families(bar_quarters: np.ndarray) -> np.ndarray:
    """Each written bar's (``PhraseSet.bar_quarters``) meter family: 0 the grid's own 4/4 bar (4/4, 2/2), 1 a shorter
    one (2/4), 2 a longer one (4/2)."""
    written, grid = np.asarray(bar_quarters), STEPS_PER_BAR / STEPS_PER_BEAT
    return np.select([written == grid, written < grid], [0, 1], 2).astype(np.int64)


def first_pitches(tokens: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """(n,): each phrase's first note-on pitch, NO_NOTE for a phrase without one."""
    pitched = tokens >= FIRST_PITCH_TOKEN
    first = tokens[np.arange(len(tokens)), pitched.argmax(1)].astype(np.int64) - FIRST_PITCH_TOKEN + vocab.low
    return np.where(pitched.any(1), first, NO_NOTE)


def last_pitches(tokens: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """(n,): each phrase's last note-on pitch, NO_NOTE for a phrase without one."""
    return first_pitches(tokens[:, ::-1], vocab)


def mean_pitches(tokens: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """(n,) float32: each phrase's mean note-on pitch, its register; NaN for a phrase without a note-on."""
    pitched = tokens >= FIRST_PITCH_TOKEN
    total = np.where(pitched, tokens.astype(np.float64) - FIRST_PITCH_TOKEN + vocab.low, 0.0).sum(1)
    count = pitched.sum(1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan).astype(np.float32)


def register_spread(register: np.ndarray, style: np.ndarray, piece: np.ndarray, n_styles: int) -> np.ndarray:
    """(S,) float32: per style, the root mean square distance of a phrase's register from the mean register of
    its tune's phrases (phrases with notes; at least MIN_SPREAD, which a style without any, or whose tunes are
    single phrases, gets: the pull's width is never 0)."""
    noted = ~np.isnan(register)
    pieces, index = np.unique(piece[noted], return_inverse=True)
    centre = np.bincount(index, weights=register[noted]) / np.bincount(index)
    away = (register[noted] - centre[index]) ** 2
    sums = np.bincount(style[noted], weights=away, minlength=n_styles)
    counts = np.bincount(style[noted], minlength=n_styles)
    return np.maximum(np.sqrt(sums / np.maximum(counts, 1)), MIN_SPREAD).astype(np.float32)


def outside_home(tokens: np.ndarray, modes: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """(n,): each phrase's share of its note time outside its tune's own scale (``HOME_SCALES`` on C: phrases as
    a key-relative model sees them; ``modes`` index keys.MODES). A phrase without notes has none outside."""
    home = np.stack([scale_mask(HOME_SCALES[mode]) for mode in MODES])
    sounding = np.full(len(tokens), -1)
    inside, outside = np.zeros(len(tokens)), np.zeros(len(tokens))
    for column in tokens.T:
        started = column.astype(np.int64) - FIRST_PITCH_TOKEN + vocab.low
        sounding = np.where(column >= FIRST_PITCH_TOKEN, started, np.where(column == HOLD, sounding, -1))
        playing = sounding >= 0
        in_scale = home[modes, sounding % 12]
        inside += playing & in_scale
        outside += playing & ~in_scale
    return outside / np.maximum(inside + outside, 1)


def fit(mu: np.ndarray, phrases: PhraseSet, gap: int, seed: int = 0) -> Continuation:
    """The pairs, the border intervals and the repeat rates of a training split's ``phrases`` (as the model sees
    them), whose posterior means are ``mu`` (n, z_content), for each style from its tunes of each mode family.
    Only next phrases that keep to their tune's key (``outside_home`` at most musicality's OUT_OF_KEY) are gone
    on to: a tune that modulates comes back home, which a line, drawing each phrase anew, would not know to do;
    its key is the song's. A style whose tunes of a mode have no such pairs keeps their other pairs, and one
    without pairs keeps single phrases as their own next ones: its lines move among real phrases near them. A style
    whose tunes end their 8-bar sections apart (``sectioned_styles``) keeps pairs from its tunes' phrase grid, evenly
    over a section's places (``_even_places``), as its lines go on by place. The repeat rates come from the phrases
    of real 16-bar spans (``in_spans``), and the first phrases' meters from those spans' (``meter_shares``). Then
    the weights that spread lines evenly over the next phrases (``balance``, at the default variation)."""
    rng = np.random.default_rng(seed)
    n_styles = len(phrases.styles)
    first, second = next_pairs(phrases.piece, phrases.bar, gap)
    in_key = outside_home(phrases.tokens, phrases.mode, phrases.vocab) <= OUT_OF_KEY
    place = np.where(phrases.bar % gap == 0, (phrases.bar // gap) % PLACE_CYCLE, NO_PLACE)
    sectioned = sectioned_styles(phrases.tokens, phrases.style, phrases.bar, phrases.tonic, gap, phrases.vocab,
                                 n_styles)
    chosen_first, chosen_second = [], []
    for s in range(n_styles):
        found = 0
        for m in range(len(MODES)):
            mine = (phrases.style[first] == s) & (phrases.mode[second] == m)
            options = np.flatnonzero(mine & in_key[second])
            options = options if len(options) else np.flatnonzero(mine)
            rows = _even_places(options, place[second[options]], rng) if sectioned[s] else rng.choice(
                options, size=min(PAIRS_PER_MODE, len(options)), replace=False)
            chosen_first.append(first[rows]), chosen_second.append(second[rows])
            found += len(rows)
        if not found:
            alone = np.flatnonzero(phrases.style == s)
            rows = rng.choice(alone, size=min(PAIRS_PER_MODE, len(alone)), replace=False)
            chosen_first.append(rows), chosen_second.append(rows)
    i, j = np.concatenate(chosen_first).astype(np.int64), np.concatenate(chosen_second).astype(np.int64)
    border_real = np.stack([
        interval_shares(real_border_intervals(phrases.tokens[phrases.style == s], phrases.before[phrases.style == s],
                                              phrases.vocab))
        for s in range(n_styles)]).astype(np.float32)
    repeats = near_repeats(phrases.tokens, phrases.piece, phrases.bar, gap, phrases.vocab)
    spans = excerpt_rows(phrases.piece, phrases.bar, REPEAT_PLACES, gap)
    strains, previous = in_spans(repeats, previous_lags(repeats, phrases.piece, phrases.bar, gap), spans,
                                 phrases.style, n_styles)
    repeat = repeat_rates(phrases.tokens, phrases.style, phrases.piece, phrases.bar, n_styles, gap, phrases.vocab,
                          repeats=strains)
    meter = meter_families(phrases.bar_quarters)
    by_meter = meter_repeat_rates(repeat, phrases.style, meter, strains, n_styles)
    return_real = np.stack([interval_shares(found) for found in real_return_intervals(phrases, repeats)]
                           ).astype(np.float32)
    register = mean_pitches(phrases.tokens, phrases.vocab)
    fitted = Continuation(mu.shape[1], mu[i].astype(np.float32), mu[j].astype(np.float32),
                          phrases.style[i].astype(np.int64), first_pitches(phrases.tokens[j], phrases.vocab),
                          border_real, repeat, pair_mode=phrases.mode[j].astype(np.int64), after_register=register[j],
                          register_spread=register_spread(register, phrases.style, phrases.piece, n_styles),
                          after_last=last_pitches(phrases.tokens[j], phrases.vocab), return_real=return_real,
                          after_place=place[j].astype(np.int64), sectioned=sectioned, pair_meter=meter[j],
                          repeat_meter=by_meter, repeat_after=after_repeat_rates(
                              by_meter, phrases.style, meter, strains, previous, n_styles, AFTER_PRIOR),
                          first_meter=meter_shares(spans, phrases.style, meter, n_styles))
    fitted.after_weight = balance(fitted, VARIATION, seed)
    return fitted


def in_spans(repeats: tuple, previous: np.ndarray, spans: np.ndarray, style: np.ndarray, n_styles: int
             ) -> tuple[tuple, np.ndarray]:
    """Of ``near_repeats``' rows (``repeats``) and the lags before them (``previous``), those in real 16-bar excerpts
    (``spans``: ``excerpt_rows`` of REPEAT_PLACES phrases), of each style that has any; all of the others'. The
    repeat rates say what comes back within a line's 16 bars, which tunes that stop short of them do not show:
    of the Irish dances' 4/4 phrases at a strain's fifth place, 191 of 504 lie in tunes that end before the strain
    does (most of 15 bars, O'Neill's airs among them), which bring the first phrase back in 0.02 and pulled the
    place's rate to 0.37, against 0.40 in complete ones (training split). The evaluation's real excerpts are these
    spans, and the lines are 16 bars long or more."""
    inside = np.zeros(len(style), dtype=bool)
    inside[spans.ravel()] = True
    spanned = np.zeros(n_styles, dtype=bool)
    spanned[np.unique(style[spans[:, 0]])] = True
    rows = repeats[0]
    kept = inside[rows] | ~spanned[style[rows]]
    return tuple(column[kept] for column in repeats), previous[kept]


def meter_shares(spans: np.ndarray, style: np.ndarray, meter: np.ndarray, n_styles: int) -> np.ndarray:
    """(S, METER_FAMILIES) float32: each style's real 16-bar excerpts (``spans``' first rows) by meter family, as
    shares (zeros for a style without any)."""
    counts = np.zeros((n_styles, METER_FAMILIES))
    np.add.at(counts, (style[spans[:, 0]], meter[spans[:, 0]]), 1)
    return (counts / np.maximum(counts.sum(1, keepdims=True), 1)).astype(np.float32)


def sectioned_styles(tokens: np.ndarray, style: np.ndarray, bar: np.ndarray, tonics: np.ndarray, gap: int,
                     vocab: Vocabulary, n_styles: int) -> np.ndarray:
    """(S,) bool: the styles whose phrases on their tune's grid end on their tune's tonic (``tonics``: C for phrases
    as a key-relative model sees them) at least SECTION_RATIO times as often where they end an 8-bar section as
    elsewhere."""
    last = last_pitches(tokens, vocab)
    noted = (np.asarray(bar) % gap == 0) & (last != NO_NOTE)
    tonic = (last - np.asarray(tonics)) % 12 == 0
    at_end = (np.asarray(bar) // gap) % PLACE_CYCLE == PLACE_CYCLE - 1
    found = np.zeros(n_styles, dtype=bool)
    for s in range(n_styles):
        ends, others = tonic[noted & (style == s) & at_end], tonic[noted & (style == s) & ~at_end]
        found[s] = len(ends) > 0 and len(others) > 0 and ends.mean() >= SECTION_RATIO * max(others.mean(), 1e-9)
    return found


def _even_places(options: np.ndarray, places: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Up to PLACE_CYCLE · PAIRS_PER_PLACE of ``options`` (pair indices whose next phrases lie at ``places``) from
    those on their tune's phrase grid, as evenly over the places of an 8-bar section as they have them (a place with
    fewer than its share leaves the rest to the others); only when none is on the grid, PAIRS_PER_MODE from all. A
    line at a place draws from that place's alone, and real tunes have fewer phrases at some places (their first
    phrase is never a next one)."""
    if not (places != NO_PLACE).any():
        return rng.choice(options, size=min(PAIRS_PER_MODE, len(options)), replace=False)
    at = [options[places == p] for p in range(PLACE_CYCLE)]
    taken, room = [], PLACE_CYCLE * PAIRS_PER_PLACE
    for k, p in enumerate(sorted(range(PLACE_CYCLE), key=lambda p: len(at[p]))):
        share = min(len(at[p]), room // (PLACE_CYCLE - k))
        taken.append(rng.choice(at[p], size=share, replace=False))
        room -= share
    return np.sort(np.concatenate(taken))


def balance(fitted: Continuation, variation: float, seed: int = 0, rounds: int = BALANCE_ROUNDS) -> np.ndarray:
    """(N,) float32: a weight per next phrase under which lines at ``variation`` visit each of a style's and mode's
    next phrases about as often as the others they compete with (those of its place in a section, for a style whose
    lines go by place: ``_rivals``), as the pairs are drawn evenly from real tunes; ``fitted`` walks with the
    weights as they are mended (its ``after_weight`` is the array returned). Each round walks lines of
    BALANCE_PHRASES phrases in content space alone — each phrase's last note and register those of the real phrase,
    each phrase counted as BALANCE_NOTES notes in the line's register, returns left out — and moves each weight
    toward the even share of visits by what it got, damped, normalised to its rivals' geometric mean and then
    clipped (a phrase no line can reach stays at the clip: some 2 % of the shipped fit's). The walk is a model of
    the played line: the decoder plays a next phrase's first note as the real one, but its last note in under a
    quarter of a line's phrases (Irish dance: 0.23; 0.37 after the note its real tune had), a phrase has 3 to 20
    notes by style, and a voice at another variation walks a little differently; the decoded streams are measured
    with and without the weights by bench/sampling_rules.py."""
    weight = np.ones(len(fitted.after), np.float32)
    fitted.after_weight, fitted.balanced_under = weight, walk_settings(variation)
    rng = np.random.default_rng(seed)
    modes = fitted.pair_mode if fitted.pair_mode is not None else np.full(len(weight), -1)
    meters = fitted.pair_meter if fitted.pair_meter is not None else np.full(len(weight), -1)
    groups = []  # lines walk among the pairs of their style, mode and meter family where they keep to one (``_pairs``)
    for style, mode, meter in sorted({(s, m, f if fitted.by_place(s) else -1)
                                      for s, m, f in zip(fitted.pair_style.tolist(), modes.tolist(), meters.tolist())}):
        group = (style, None if mode < 0 else mode, None if meter < 0 else meter)
        rows = fitted._pairs(group[0], group[1], None, group[2])[0]
        if meter < 0 or (meters[rows] == meter).all():
            groups.append((group, rows))
    for _ in range(rounds):
        for (style, mode, meter), rows in groups:
            visits = _walk(fitted, style, mode, meter, rows, variation, rng)
            for part in _rivals(fitted, style, mode, meter, rows):
                mended = weight[part] * ((visits[part].mean() + 1.0) / (visits[part] + 1.0)) ** BALANCE_RATE
                mended /= np.exp(np.log(mended).mean())
                weight[part] = np.clip(mended, 1 / BALANCE_CLIP, BALANCE_CLIP)
    return weight


def _rivals(fitted: Continuation, style: int, mode: int | None, meter: int | None, rows: np.ndarray
            ) -> list[np.ndarray]:
    """``rows`` (a style's, mode's and meter family's pairs) in the sets whose next phrases compete for a line's
    visits: those of each place a line draws from alone, and the rest together. A place with fewer next phrases
    than another has each visited more often, which is no hub: only rivals are evened out."""
    parts = [placed for placed in (fitted._pairs(style, mode, p, meter)[0] for p in range(PLACE_CYCLE))
             if len(placed) < len(rows)]
    rest = np.setdiff1d(rows, np.concatenate(parts)) if parts else rows
    return parts + ([rest] if len(rest) else [])


def walk_settings(variation: float) -> np.ndarray:
    """What a line's walk depends on besides the fit: the register's pull, ``variation``, the neighbours and the
    places of a section it draws next phrases by."""
    return np.array([REGISTER_PULL, variation, NEIGHBOURS, PLACE_CYCLE], np.float64)


def _walk(fitted: Continuation, style: int, mode: int | None, meter: int | None, rows: np.ndarray, variation: float,
          rng: np.random.Generator) -> np.ndarray:
    """(N,): how often lines of a ``meter`` family starting on ``rows``' next phrases go on to each pair's next
    phrase."""
    visits = np.zeros(len(fitted.after))
    decay = HOME_DECAY**BALANCE_NOTES
    for _ in range(math.ceil(BALANCE_VISITS * len(rows) / (BALANCE_PHRASES - 1))):
        k = int(rows[rng.integers(len(rows))])
        total = count = 0.0
        place = None if fitted.after_place is None else int(fitted.after_place[k])
        for _ in range(BALANCE_PHRASES - 1):
            register = fitted.after_register[k] if fitted.after_register is not None else np.nan
            if not np.isnan(register):
                total, count = decay * total + float(register), decay * count + 1.0
            last = int(fitted.after_last[k]) if fitted.after_last is not None else NO_NOTE
            place = None if place is None else place + 1
            k = fitted._choose(fitted.after[k], variation, rng, style, None if last == NO_NOTE else last, mode,
                               total / count if count else None, None, place, meter)
            visits[k] += 1
    return visits


@torch.no_grad()
def posterior_means(model: torch.nn.Module, tokens: np.ndarray, batch: int = 1024) -> np.ndarray:
    device = next(model.parameters()).device
    parts = [model.encode(torch.as_tensor(tokens[i : i + batch], dtype=torch.long, device=device)).mu.cpu().numpy()
             for i in range(0, len(tokens), batch)]
    return np.concatenate(parts).astype(np.float32)
