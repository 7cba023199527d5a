"""The one decoding path: every melody this project plays or measures is drawn here.

``stylevae sample``, ``stylevae eval``, the generation API (model/decoding/generate.py) and the daemon's voices all
decode through ``Decoder`` with the same sampling rule (``Rules``), and chain phrases with the same ``Line``,
so what the evaluation measures is what the daemon plays (as Magenta's decoders share one ``_sample``).

The sampling rule, per row and step, on the decoder's logits ℓ:

1. density: ``ℓ + 2.5·density`` on every note-on, ``− 2.5·density`` on the rest token;
2. temperature: divided by T;
3. scale lock: the probability of every note-on outside the key's scale times ``1 − lock`` (a mask at 1);
4. border: until a phrase's first note-on, note-ons weighted by the style's border ratio at their interval
   from the note before the phrase (``opening``, ``Continuation.border_weights``), their total mass kept; and
   when an earlier phrase comes back after a phrase, the note-ons of its last beat weighted by how often real tunes
   cross a border from them into the return's first note (``Lead``), their mass kept too; and in every phrase's last
   beat, every token (rests and holds too, the mass not kept) weighted by how much likelier its kind is there in
   real tunes' phrases at the same place in an 8-bar section than in the played line (``Lead.close``);
5. top-p: the smallest set of tokens holding ``top_p`` of the probability (Holtzman et al. 2020), renormalised;
6. one token by inverse-CDF sampling with the row's own uniform draw, so a voice's phrase does not depend
   on which other voices share the batch.

Keys: a key-relative model (``ModelConfig.key_relative``) decodes with the tonic on C; ``KeyPlan`` says how
far to transpose its notes for the key asked for, and its scale lock works on the scale above C. A model
trained before keys decodes in absolute pitch, and its lock uses the scale on the key's tonic.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from numba import njit
from torch import Tensor

from stylevae.model.data.keys import MODES, SCALES, Key, relative_shift, scale_mask
from stylevae.model.data.tokens import FIRST_PITCH_TOKEN, HOLD, REST, STEPS_PER_BEAT, Vocabulary
from stylevae.model.decoding.continuation import AGAIN, HOME_DECAY, REPEAT_LAGS, Continuation, interval_weights
from stylevae.model.network.stepper import Stepper, StepState, network_step
from stylevae.model.network.vae import StyleVAE

DENSITY_SCALE = 2.5  # logits added to note-ons (and taken from REST) at density 1
# Compiled once and cached on disk, like the network's kernel (model/network/stepper.py), but with exact float
# semantics: the rules put -inf on the tokens a full scale lock forbids.
SAMPLING = dict(boundscheck=False, error_model="numpy", cache=True, nogil=True)
BIAS_CACHE = 64  # rule sets whose bias vectors are kept (16 voices, each with room to turn a dial)
# a phrase's last beat leads into a return: where the last note-on of 63–99 % of real phrases lies in each style but
# Palestrina (15 %, whose phrases end on long notes: a lead there has seldom a note to weigh)
LEAD_STEPS = STEPS_PER_BEAT
NOT_YET = -1  # a row's first note-on (``_Row.opened``) before it is drawn


@dataclass(frozen=True)
class Rules:
    """How a row's tokens are drawn (see the module docstring). ``scale``: intervals above the tonic."""

    temperature: float = 1.0
    density: float = 0.0
    lock: float = 0.0
    scale: tuple[int, ...] = SCALES["chromatic"]
    top_p: float = 1.0
    tonic: int = 0  # where the scale sits in the decoder's pitch space (0 for a key-relative model)

    def __post_init__(self) -> None:
        checks = (
            (self.temperature > 0 and np.isfinite(self.temperature), f"temperature {self.temperature}"),
            (-1 <= self.density <= 1, f"density {self.density}"),
            (0 <= self.lock <= 1, f"lock {self.lock}"),
            (0 < self.top_p <= 1, f"top_p {self.top_p}"),
        )
        for ok, what in checks:
            if not ok:
                raise ValueError(f"{what} is out of range (temperature > 0, density -1..1, lock 0..1, top_p 0..1]")


@dataclass(frozen=True)
class KeyPlan:
    """What a key means for one model: the transposition of its notes, its lock's tonic, its mode input."""

    shift: int  # semitones added to every decoded pitch
    tonic: int  # the scale's tonic in the decoder's own pitch space
    mode: int  # index into keys.MODES, for a mode-conditioned decoder


def key_plan(model: StyleVAE, key: Key) -> KeyPlan:
    mode = MODES.index(key.mode)
    if model.config.key_relative:
        return KeyPlan(-relative_shift(key.tonic), 0, mode)
    return KeyPlan(0, key.tonic, mode)


def rule_biases(rules: Rules, vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """(added before the temperature, added after it), each (V,): density, then the lock's log(1 − lock)."""
    before = np.zeros(vocab.size, dtype=np.float32)
    before[REST] = -DENSITY_SCALE * rules.density
    before[HOLD + 1 :] = DENSITY_SCALE * rules.density
    after = np.zeros(vocab.size, dtype=np.float32)
    if rules.lock > 0:
        pitches = np.arange(vocab.low, vocab.high + 1)
        outside = ~scale_mask(rules.scale, rules.tonic)[pitches % 12]
        after[FIRST_PITCH_TOKEN:][outside] = np.log1p(-rules.lock) if rules.lock < 1 else -np.inf
    return before, after


@njit(**SAMPLING)
def rule_probabilities(logits: np.ndarray, before: np.ndarray, inverse_temperature: np.ndarray, after: np.ndarray,
                       border: np.ndarray, pending: np.ndarray, close: np.ndarray, closing: np.ndarray,
                       top_p: np.ndarray) -> np.ndarray:
    """Each row's distribution (B, V) float64 after rules 1–5 of the module docstring, from the decoder's logits
    (B, V) and the batch's stacked rules: ``before`` and ``after`` (B, V), ``inverse_temperature`` (B, 1), the
    weights on note-ons (B, V; read only for ``pending`` rows: a border's or a lead's), the weights on every token
    (B, V; read only for ``closing`` rows: a cadence's), ``top_p`` (B,; 1 keeps every token)."""
    rows, size = logits.shape
    out = np.empty((rows, size), np.float64)
    for b in range(rows):
        p = out[b]
        largest = -np.inf
        for v in range(size):
            p[v] = (logits[b, v] + before[b, v]) * inverse_temperature[b, 0] + after[b, v]
            largest = max(largest, p[v])
        total = 0.0
        for v in range(size):
            p[v] = np.exp(p[v] - largest)
            total += p[v]
        p /= total
        if pending[b]:  # the note-ons reweighted by the border weights, their mass as a whole kept
            mass = moved = 0.0
            for v in range(FIRST_PITCH_TOKEN, size):
                mass += p[v]
                p[v] *= border[b, v]
                moved += p[v]
            p[FIRST_PITCH_TOKEN:] *= mass / max(moved, 1e-300)
        if closing[b]:  # every token reweighted, the rhythm too: the row's total is no longer 1, which top-p and
            for v in range(size):  # the draw allow for
                p[v] *= close[b, v]
        if top_p[b] < 1.0:  # the most probable tokens while the mass before each is under top_p (at least one)
            limit, seen = top_p[b] * p.sum(), 0.0
            for v in np.argsort(-p):
                mass = p[v]
                if seen >= limit:
                    p[v] = 0.0
                seen += mass
    return out


@njit(**SAMPLING)
def sample_rows(probabilities: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """One token per row by inverse-CDF sampling with the row's own uniform draw: the number of tokens whose
    cumulative probability is at most the draw times the row's total."""
    rows, size = probabilities.shape
    tokens = np.empty(rows, np.int64)
    for b in range(rows):
        cumulative = np.cumsum(probabilities[b])
        target = uniforms[b] * cumulative[-1]  # under the last nonzero token's cumulative sum: never a token after it
        count = 0
        for v in range(size):
            if cumulative[v] <= target:
                count += 1
        tokens[b] = min(count, size - 1)
    return tokens


@njit(**SAMPLING)
def draw(logits: np.ndarray, before: np.ndarray, inverse_temperature: np.ndarray, after: np.ndarray,
         border: np.ndarray, pending: np.ndarray, close: np.ndarray, closing: np.ndarray, top_p: np.ndarray,
         uniforms: np.ndarray) -> np.ndarray:
    """The sampling rule in one compiled call (the module docstring's 1–6): tokens (B,)."""
    return sample_rows(rule_probabilities(logits, before, inverse_temperature, after, border, pending, close, closing,
                                          top_p), uniforms)


def compiled_on_disk() -> bool:
    """Whether numba's cache holds the decoder's kernels already (a first step that will load them, not compile
    them). Reads numba's cache index, an internal of numba: anything unexpected there reads as not cached."""
    try:
        return all(os.path.exists(kernel._cache._cache_file._index_path) for kernel in (network_step, draw))
    except AttributeError:
        return False


@dataclass(frozen=True, eq=False)
class Lead:
    """How a phrase ends: as real tunes end a phrase at its place in a section (``close``, the cadence weights:
    ``Continuation.cadence_weights``), and into what comes back after it. Real tunes prepare a return: the note
    before it crosses into its first note as their returns are entered (Irish dance: 2.8 semitones on average). A
    line chooses the phrase before a return by where its real tune's phrase ended (``Continuation.step``'s
    ``then``), but the decoder ends it on that note in under a quarter of phrases, and returns were entered with
    leaps 0.4–1.5 semitones larger than new phrases. So from step ``at`` on, each note-on is weighted by ``shares``
    (how real tunes of the style enter returns, sharpened or flattened by the style's power:
    ``Continuation.lead_weights``) at its interval to ``then``, the
    return's first note (None: this phrase's own first note, for a phrase played twice), their total mass kept: the
    rhythm stays the decoder's. A return then plays its phrase again but for that beat, which goes where the line
    goes next: the first and second endings of a repeated strain. The cadence weights every token of the phrase's
    last steps, rests and holds too, so a section's last note may be held longer."""

    at: int
    # (2·BORDER_SPAN + 1,): weights by signed interval into a return (``Continuation.lead_weights``); None: no return
    # after the phrase
    shares: np.ndarray | None
    then: int | None
    # the weights into ``then``, made with the lead when ``then`` is known (``leading``): a step in the last beat then
    # only copies them
    into: np.ndarray | None = None
    close: np.ndarray | None = None  # (k, V): the cadence's weights on every token at each of the phrase's last k steps

    def weights(self, opened: int, vocab: Vocabulary) -> np.ndarray | None:
        """(V,) for a phrase whose first note-on was the token ``opened`` (NOT_YET: none); None: nothing to lead to."""
        if self.into is not None or self.shares is None:
            return self.into
        then = self.then if self.then is not None else vocab.pitch(opened) if opened != NOT_YET else None
        return None if then is None else interval_weights(self.shares[::-1], then, vocab)  # reversed: into ``then``

    def closing(self, step: int) -> np.ndarray | None:
        """(V,): the cadence's weights at ``step`` of the phrase; None before its last steps, or without one."""
        if self.close is None or not self.close_at <= step < self.close_at + len(self.close):
            return None
        return self.close[step - self.close_at]

    @property
    def close_at(self) -> int:
        """The step at which the cadence begins: its steps are the phrase's last."""
        return self.at + LEAD_STEPS - (0 if self.close is None else len(self.close))


def leading(shares: np.ndarray | None, then: int | None, steps: int, vocab: Vocabulary,
            close: np.ndarray | None = None) -> Lead | None:
    """How a phrase of ``steps`` steps ends: into ``then`` by ``shares`` (None: its own first note; ``shares`` None:
    no return), its weights made now when ``then`` is known; and by the cadence weights ``close`` (k, V).
    None with neither."""
    if shares is None and close is None:
        return None
    lead = Lead(steps - LEAD_STEPS, None if shares is None else np.asarray(shares, dtype=np.float64), then,
                close=close)
    return lead if then is None or shares is None else replace(lead, into=lead.weights(NOT_YET, vocab))


def opening(
    model: StyleVAE, vocab: Vocabulary, continuation: Continuation, style: int, pitch: int | None,
    then: int | None = None, steps: int | None = None, place: int | None = None,
) -> tuple[int, np.ndarray | None, Lead | None]:
    """How a phrase of ``steps`` steps, the ``place``-th of the song, that follows ``pitch`` begins and ends: the
    decoder's first input — the note-on of that note for a model trained to continue one, else (no such note, or a
    model trained before keys) the start token —, the border weights for its first note-on
    (``Continuation.border_weights``; None without either), and how it ends (``Lead``): as a phrase at its place
    (the cadence weights), and into the phrase after it when that one is an earlier one coming back, beginning on
    ``then`` (``AGAIN``: this one's own first note; None: no return). The lead is None without a place or a
    return, without a fit, or for a model trained before keys."""
    lead, shares = None, continuation.lead_weights(style)
    if (then is not None or place is not None) and steps is None:
        raise ValueError("a phrase's ending needs its length in steps")
    if model.config.key_relative:
        returning = then is not None and shares is not None
        lead = leading(shares if returning else None, None if then == AGAIN else then, steps, vocab,
                       continuation.cadence_weights(style, place, vocab))
    if pitch is None or not model.config.key_relative or not vocab.low <= pitch <= vocab.high:
        return model.start_token, None, lead
    return vocab.note_on(pitch), continuation.border_weights(style, pitch, vocab), lead


def row_weights(border: np.ndarray | None, lead: Lead | None, steps: int, opened: int,
                vocab: Vocabulary) -> np.ndarray | None:
    """(V,): the weights on a row's next note-on — its border weights until its first note-on (``border``, None
    after it), times its lead's in the lead's steps — or None when neither applies."""
    ending = lead.weights(opened, vocab) if lead is not None and steps >= lead.at else None
    if border is None or ending is None:
        return border if ending is None else ending
    return border * ending


@dataclass
class _Row:
    z: Tensor  # (1, z_size)
    z_gates: np.ndarray  # (1, 4·dec_hidden): z's part of the decoder's first gates (model/network/stepper.py)
    state: StepState
    previous: int
    rules: Rules
    border: np.ndarray | None = None  # weights for the phrase's first note-on, until it is drawn
    lead: Lead | None = None  # how the phrase ends: its cadence, and into an earlier one that comes back after it
    steps: int = 0  # steps decoded in the phrase
    opened: int = NOT_YET  # the phrase's first note-on token
    # With trails: the caller's name for the phrase, how it began (its first input and border weights, its first
    # state), and each step since: (the batch's state after it, the row's index there, its token).
    origin: Hashable = None
    began: tuple[int, np.ndarray | None, StepState] | None = None
    trail: list[tuple[StepState, int, int]] | None = None


class Decoder:
    """Rows (voices, or the melodies of a batch) decoded one step at a time, each with its own z, state and
    rules. Rows that step together stay stacked in one batch from step to step, so a steady step is one
    ``Stepper.step`` and one ``draw`` whatever the number of rows; the batch is rebuilt only when the set of rows
    stepping changes or one of them changes (a new phrase, z or rules).

    With ``trails`` each row keeps the states its phrase went through (references to arrays the step makes anyway,
    no copies), so that a row asked to play the same phrase again (the daemon's voices after a locate: see
    ``resume``) takes up where it was at any step of it instead of decoding the steps before again. It also keeps
    the ``kept`` phrases it played before the current one, trails and all: Live's loop brace can bring a voice
    back into a phrase it left a loop ago."""

    def __init__(self, model: StyleVAE, vocab: Vocabulary, trails: bool = False):
        self.model = model
        self.vocab = vocab
        self.trails = trails
        self.kept = 0  # earlier phrases each row keeps, with their trails (the caller sets it)
        self._earlier: dict[Hashable, dict[Hashable, _Row]] = {}  # row -> {origin: its phrase}, oldest first
        self.device = next(model.parameters()).device
        self.stepper = Stepper(model)
        self._rows: dict[Hashable, _Row] = {}
        self._batch_ids: tuple[Hashable, ...] = ()
        self._biases: dict[Rules, tuple[np.ndarray, np.ndarray]] = {}
        # the batch, stacked as the compiled step and draw take it (C-contiguous, fixed dtypes: one compilation each)
        self._state: StepState = np.zeros((0, 2, 0, 0), dtype=np.float32)
        self._previous = np.zeros(0, dtype=np.int64)
        self._z_gates = self._before = self._after = self._inverse_temperature = np.zeros((0, 0), dtype=np.float32)
        self._top_p = np.zeros(0)  # per row; 1 where a row keeps every token
        self._border = np.ones((0, 0))  # (B, V) the weights on note-ons (``row_weights``) while a row has any
        self._pending = np.zeros(0, dtype=bool)  # rows of the batch whose first note-on is still to come
        self._weighing = np.zeros(0, dtype=bool)  # rows whose note-ons ``_border`` weighs now
        # per row: see ``_Row``; and the step at which its lead begins (-1: none)
        self._steps, self._opened, self._lead_at = (np.zeros(0, dtype=np.int64) for _ in range(3))
        self._leads = False  # a row's lead begins at a step still to come
        self._close = np.ones((0, 0))  # (B, V) the cadence weights on every token (``Lead.closing``) while any row has
        self._closing = np.zeros(0, dtype=bool)  # rows whose tokens ``_close`` weighs now
        self._closers: list[tuple[int, Lead]] = []  # (index in the batch, lead) of the rows with a cadence
        self._close_at = np.zeros(0, dtype=np.int64)  # per row: the step its cadence begins (never: 2**62)

    # --- setting rows up --------------------------------------------------------------------------------

    @torch.inference_mode()
    def z(self, weights: Sequence | np.ndarray, mode: int | Sequence[int], z_content: np.ndarray | Sequence) -> Tensor:
        """z (1, z_size) for style weights (S,), a mode family and a content latent (z_content,); or z (B, z_size)
        for B of each stacked, in one pass through the conditioning (rows beginning a phrase together)."""
        weights = torch.as_tensor(np.array(weights, dtype=np.float32, ndmin=2), device=self.device)  # copies
        content = torch.as_tensor(np.array(z_content, dtype=np.float32, ndmin=2), device=self.device)
        modes = torch.as_tensor(np.atleast_1d(np.asarray(mode, dtype=np.int64)), device=self.device)
        return self.model.z(weights, modes, content)

    @torch.inference_mode()
    def start(self, row: Hashable, z: Tensor, first: int, rules: Rules, border: np.ndarray | None = None,
              origin: Hashable = None, lead: Lead | None = None) -> None:
        """Begin a phrase: the decoder's state from z, ``first`` as its first input, ``border`` and ``lead`` its
        weights (see ``opening``). ``origin`` names the phrase, for ``resumable``."""
        self._leave_batch(row)
        self._keep(row)
        self._rows[row] = self._begin(z, self.stepper.z_gates(z), self.stepper.initial_state(z), first, rules, border,
                                      origin, lead)

    @torch.inference_mode()
    def start_batch(
        self,
        rows: Sequence[Hashable],
        z: Tensor,
        first: Sequence[int],
        rules: Sequence[Rules],
        borders: Sequence[np.ndarray | None] | None = None,
        origins: Sequence[Hashable] | None = None,
        leads: Sequence[Lead | None] | None = None,
    ) -> None:
        """``start`` for many rows at once, left stacked as the next step's batch (offline decoding, and the voices
        that begin a phrase together)."""
        self._unbatch()
        z_gates, state = self.stepper.z_gates(z), self.stepper.initial_state(z)
        borders = borders or [None] * len(rows)
        origins = origins or [None] * len(rows)
        leads = leads or [None] * len(rows)
        for i, row in enumerate(rows):
            self._keep(row)
            self._rows[row] = self._begin(z[i : i + 1], z_gates[i : i + 1], state[:, :, i : i + 1], int(first[i]),
                                          rules[i], borders[i], origins[i], leads[i])
        self._z_gates, self._state = z_gates, state
        self._previous = np.array(first, dtype=np.int64)
        self._stack_rules([self._rows[row] for row in rows])
        self._batch_ids = tuple(rows)

    def _keep(self, row: Hashable) -> None:
        """Before ``row`` begins a phrase: put the one it played (out of the batch) among its ``kept`` earlier ones."""
        entry = self._rows.get(row)
        earlier = self._earlier.setdefault(row, {})
        if entry is not None and entry.trail is not None and self.kept > 0:
            earlier.pop(entry.origin, None)
            earlier[entry.origin] = entry
        while len(earlier) > self.kept:
            del earlier[next(iter(earlier))]

    def _begin(self, z: Tensor, z_gates: np.ndarray, state: StepState, first: int, rules: Rules,
               border: np.ndarray | None, origin: Hashable, lead: Lead | None) -> _Row:
        if not self.trails:
            return _Row(z, z_gates, state, first, rules, border, lead)
        return _Row(z, z_gates, state, first, rules, border, lead, origin=origin, began=(first, border, state),
                    trail=[])

    @torch.inference_mode()
    def change(self, row: Hashable, z: Tensor | None = None, rules: Rules | None = None) -> None:
        """A new z (a style change mid-phrase: the state goes on) or new rules, from the next step."""
        current = self._rows[row]
        if (z is None or torch.equal(z, current.z)) and (rules is None or rules == current.rules):
            return
        self._leave_batch(row)
        if z is not None:
            current.z, current.z_gates = z, self.stepper.z_gates(z)
        if rules is not None:
            current.rules = rules

    def has(self, row: Hashable) -> bool:
        return row in self._rows

    def resumable(self, row: Hashable, origin: Hashable) -> int | None:
        """How many steps of the phrase ``origin`` names ``row`` holds (0: its start only), its current phrase or one
        it keeps; None when it holds no such phrase (or keeps no ``trails``)."""
        return max((len(entry.trail) for entry in self._phrases(row, origin)), default=None)

    def _phrases(self, row: Hashable, origin: Hashable) -> list[_Row]:
        """The row's current phrase, if ``origin`` names it, then the one it keeps of that name: the same phrase as
        it was before a ``resume`` took the current one back, with the steps it had then."""
        entry, kept = self._rows.get(row), self._earlier.get(row, {}).get(origin)
        current = [entry] if entry is not None and entry.trail is not None and entry.origin == origin else []
        return current + ([kept] if kept is not None else [])

    def resume(self, row: Hashable, origin: Hashable, steps: int, as_it_was: bool = False) -> list[int]:
        """Put ``row`` back where the phrase ``origin`` names was after its first ``steps`` steps (``resumable`` says
        how many it holds), forgetting the steps after; an earlier phrase becomes the current one again, and the
        current one is kept. The phrase as it was, all its steps, is kept too until the row begins another: Live's
        loop can wrap a voice back to a phrase's start, and a change of the loop then take it back past the wrap, to
        go on from where it was (``as_it_was``: the phrase kept so is taken before the current one, whose steps since
        were decoded again). Its z and rules stay the ones it had; the caller changes them as it needs. Returns
        the tokens of those steps, which the row will not decode again. Given the same draws and with nothing
        changed since, it then decodes what it decoded before; a change since (a new z or rules) acts from there, as
        it acted then."""
        found = self._phrases(row, origin)
        entry = next((e for e in (found[::-1] if as_it_was else found) if 0 <= steps <= len(e.trail)), None)
        if entry is None:
            raise ValueError(f"row {row!r} cannot resume at step {steps} of its phrase")
        self._leave_batch(row)
        if entry is not self._rows[row]:
            del self._earlier[row][origin]
            self._keep(row)
            self._rows[row] = entry
        if steps < len(entry.trail) and self.kept > 0:  # kept whole until the row begins another phrase
            self._earlier[row][origin] = replace(entry, trail=list(entry.trail))
        kept = entry.trail[:steps]
        del entry.trail[steps:]
        tokens = [token for _, _, token in kept]
        first, border, start_state = entry.began
        if kept:
            state, index, entry.previous = kept[-1]
            entry.state = state[:, :, index : index + 1]
        else:
            entry.state, entry.previous = start_state, first
        entry.border = border if all(t < FIRST_PITCH_TOKEN for t in tokens) else None
        entry.steps, entry.opened = steps, next((t for t in tokens if t >= FIRST_PITCH_TOKEN), NOT_YET)
        return tokens

    def forget(self, row: Hashable) -> None:
        self._leave_batch(row)
        self._rows.pop(row, None)
        self._earlier.pop(row, None)

    # --- stepping ---------------------------------------------------------------------------------------

    def rule_arrays(self) -> tuple[np.ndarray, ...]:
        """The batch's sampling-rule arrays, in ``draw``'s order between the logits and the uniforms: the step
        passes them, and a benchmark that times ``draw`` alone takes the same ones."""
        return (self._before, self._inverse_temperature, self._after, self._border, self._weighing, self._close,
                self._closing, self._top_p)

    @torch.inference_mode()
    def step(self, rows: Sequence[Hashable], uniforms: np.ndarray) -> np.ndarray:
        """One step for each of ``rows`` in one forward pass, with one uniform draw per row: their tokens."""
        self._batch(tuple(rows))
        logits, self._state = self.stepper.step(self._previous, self._z_gates, self._state)
        tokens = draw(logits, *self.rule_arrays(), np.asarray(uniforms, dtype=np.float64))
        self._previous = tokens
        if self.trails:
            for index, (row, token) in enumerate(zip(self._batch_ids, tokens.tolist())):
                trail = self._rows[row].trail
                if trail is not None:
                    trail.append((self._state, index, token))
        newly = (self._opened == NOT_YET) & (tokens >= FIRST_PITCH_TOKEN)  # a phrase's first note-on
        leading = (self._lead_at >= 0) & (self._steps >= self._lead_at)  # drawn in a lead's steps
        due = newly & (self._pending | leading)  # a border ends; a lead into the phrase's own first note has it
        self._steps += 1
        self._opened = np.where(newly, tokens, self._opened)
        if self._leads:
            due |= self._steps == self._lead_at
        if due.any():
            self._pending &= ~newly
            self._reweigh(np.flatnonzero(due))
        if self._closers and (self._steps >= self._close_at).any():
            self._close_steps()
        return tokens

    def _close_steps(self) -> None:
        """The cadence weights of the batch's rows that have one at their next step (``Lead.closing``)."""
        for i, lead in self._closers:
            weights = lead.closing(int(self._steps[i]))
            self._closing[i] = weights is not None
            if weights is not None:
                self._close[i] = weights

    def _reweigh(self, indices: np.ndarray) -> None:
        """The weights on the next note-on of the batch's rows at ``indices`` (``row_weights``), as their first
        note-on or their lead's steps come."""
        for i in indices:
            entry = self._rows[self._batch_ids[i]]
            weights = row_weights(entry.border if self._pending[i] else None, entry.lead, int(self._steps[i]),
                                  int(self._opened[i]), self.vocab)
            self._weighing[i] = weights is not None
            if weights is not None:
                if not self._border.size:
                    self._border = np.ones((len(self._batch_ids), self.vocab.size))
                self._border[i] = weights

    def _leave_batch(self, row: Hashable) -> None:
        if row in self._batch_ids:
            self._unbatch()

    def _unbatch(self) -> None:
        """Give every row in the batch its own state back (views, no copies)."""
        for i, row in enumerate(self._batch_ids):
            entry = self._rows[row]
            entry.state = self._state[:, :, i : i + 1]
            entry.previous = int(self._previous[i])
            entry.steps, entry.opened = int(self._steps[i]), int(self._opened[i])
            if entry.border is not None and not self._pending[i]:
                entry.border = None
        self._batch_ids = ()

    def _bias(self, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
        """The rules' bias vectors, from a small cache of the most recently used: a performer turning a dial
        makes a new Rules at every value, and an unbounded cache would grow for as long as the daemon runs."""
        found = self._biases.pop(rules, None)
        if found is None:
            found = rule_biases(rules, self.vocab)
        self._biases[rules] = found  # most recently used last
        while len(self._biases) > BIAS_CACHE:
            del self._biases[next(iter(self._biases))]
        return found

    def _batch(self, ids: tuple[Hashable, ...]) -> None:
        if ids == self._batch_ids:
            return
        self._unbatch()
        rows = [self._rows[i] for i in ids]
        self._z_gates = np.concatenate([r.z_gates for r in rows])
        self._state = np.concatenate([r.state for r in rows], axis=2)
        self._previous = np.array([r.previous for r in rows], dtype=np.int64)
        self._stack_rules(rows)
        self._batch_ids = ids

    def _stack_rules(self, rows: list[_Row]) -> None:
        biases = [self._bias(r.rules) for r in rows]
        self._before = np.stack([b for b, _ in biases])
        self._after = np.stack([a for _, a in biases])
        self._inverse_temperature = np.array([[1.0 / r.rules.temperature] for r in rows], dtype=np.float32)
        self._top_p = np.array([r.rules.top_p for r in rows], dtype=np.float64)
        self._steps = np.array([r.steps for r in rows], dtype=np.int64)
        self._opened = np.array([r.opened for r in rows], dtype=np.int64)
        self._lead_at = np.array([r.lead.at if r.lead is not None else -1 for r in rows], dtype=np.int64)
        self._leads = bool((self._lead_at > self._steps).any())
        weights = [row_weights(r.border, r.lead, r.steps, r.opened, self.vocab) for r in rows]
        self._pending = np.array([r.border is not None for r in rows])
        self._weighing = np.array([w is not None for w in weights])
        self._border = np.ones((0, 0))
        if self._weighing.any():
            self._border = np.array([np.ones(self.vocab.size) if w is None else w for w in weights], dtype=np.float64)
        self._closers = [(i, r.lead) for i, r in enumerate(rows) if r.lead is not None and r.lead.close is not None]
        self._close_at = np.array([r.lead.close_at if r.lead is not None and r.lead.close is not None else 2**62
                                   for r in rows], dtype=np.int64)
        self._closing = np.zeros(len(rows), dtype=bool)
        self._close = np.ones((len(rows), self.vocab.size)) if self._closers else np.ones((0, 0))
        self._close_steps()

    # --- encoding ---------------------------------------------------------------------------------------

    @torch.inference_mode()
    def encode(self, tokens: Sequence[int]) -> np.ndarray:
        """A phrase's content (in the decoder's pitch space): the encoder's mean z_c."""
        batch = torch.tensor([list(tokens)], device=self.device)
        return self.model.encode(batch).mu[0].float().cpu().numpy()


@dataclass
class Line:
    """A melodic line's state from phrase to phrase — a daemon voice's, or a stream eval generates.

    At each phrase boundary an earlier phrase may come back, as often as it does at that place in real tunes of
    the style (``Continuation.repeat_lag``), drawn a phrase ahead so that the phrase before it can be one that
    leads into it, as in real tunes; otherwise the content latent goes on to a real next phrase near it, from a tune
    of the line's mode family and near the line's register (``Continuation.step``; ``variation`` says how near in
    content), the phrase gets a fresh sampling seed, and the decoder's first input is the line's last note, so
    that a phrase continues the one before it. Replaying a phrase (the daemon re-positioning mid-phrase) keeps all
    of it.
    """

    z_content: np.ndarray
    rng: np.random.Generator  # draws of z_c and of phrase seeds
    phrase_seed: int = 0
    last_pitch: int | None = None  # the line's last note-on, in the decoder's pitch space
    phrase_first: int | None = None  # the pitch before the current phrase (its first input)
    # recent phrases' (z, seed, first input, first note-on pitch once played, meter family), and the one the current
    # repeats
    repeating: tuple[np.ndarray, int, int | None, int | None, int | None] | None = None
    history: list[tuple[np.ndarray, int, int | None, int | None, int | None]] = field(default_factory=list)
    # the phrase after the current one: (its position in the song, how many phrases back it repeats, 0: none)
    planned: tuple[int, int] | None = None
    # the current phrase's index in the song, where it was first begun (a replay keeps it): its place in an 8-bar
    # section, which its cadence follows; None: not known
    position: int | None = None
    # the first note of the phrase the next one repeats, for the current phrase to lead into (``AGAIN``: its own
    # first note; None: the next is no return); set at the border before it, in the pitch space of the decoder
    leading: int | None = None
    sampler: np.random.Generator = field(default_factory=np.random.default_rng)
    # the line's register: its note-ons' pitches summed and counted, each weighing HOME_DECAY times the one after
    # it (``home``); as they were when the current phrase began, for a replay to take its notes again from there
    notes: tuple[float, float] = (0.0, 0.0)
    notes_before: tuple[float, float] = (0.0, 0.0)
    # the current phrase has begun: a replay of one that never began (a voice's first phrase, which its first play
    # reaches by a seek) begins it, so that it counts among the phrases that can come back, as ``stream`` counts it
    begun: bool = False
    # the meter family (``continuation.meter_families``) of the tune the current phrase came from, whose repeat rates
    # the line draws with; None: not from a tune (a restyled phrase, a random walk, latents fitted before meters)
    meter: int | None = None
    # how many phrases back the current phrase repeats (0: it is new), which the next one's draw is given: returns
    # come in runs, as a strain played again
    lag: int = 0

    @property
    def home(self) -> float | None:
        """The register the line's notes lie about: their mean pitch, the latest some 64 notes the most (real
        tunes come back to their register; next phrases drawn near the line alone let it walk off)."""
        total, weight = self.notes
        return total / weight if weight else None

    @staticmethod
    def create(continuation: Continuation, style: int, seed: int | Sequence[int] | None,
               mode: int | None = None) -> Line:
        rng = np.random.default_rng(seed)
        z_content, meter = continuation.first_phrase(style, rng, mode)
        line = Line(z_content, rng, position=0, meter=meter)
        line.phrase_seed = int(rng.integers(2**63))
        return line

    def reseed(self, continuation: Continuation, style: int, seed: int | None, mode: int | None = None) -> None:
        rng = np.random.default_rng(seed) if seed is not None else self.rng
        self.z_content, self.meter = continuation.first_phrase(style, rng, mode)
        self.phrase_seed = int(rng.integers(2**63))
        self.notes = self.notes_before = (0.0, 0.0)
        self.begun, self.planned, self.leading, self.lag = False, None, None, 0

    def advance(
        self, continuation: Continuation, variation: float, style: int, content: np.ndarray | None = None,
        mode: int | None = None, *, position: int,
    ) -> None:
        """Move on to a new phrase, the ``position``-th of the song (it says where in a strain the phrase lies,
        and so how likely an earlier one comes back there): ``content`` if given (a restyled phrase), else a real
        next phrase of ``style`` (the heaviest in the line's mix), from a tune of ``mode`` (the mode family of the
        key the line plays in, an index into keys.MODES), that follows the line's last note."""
        self.repeating, self.begun, self.position = None, False, position
        lag = 0
        if variation > 0:  # whether this phrase is a return was drawn at the border before, for its place: drawn now
            # at a line's first border, or when the song went elsewhere since; then whether the next phrase is one
            ahead = self.planned
            lag = ahead[1] if ahead is not None and ahead[0] == position else continuation.repeat_lag(
                style, self.rng, len(self.history), position, self.meter, self.lag)
            lag = lag if content is None and lag <= len(self.history) else 0
            self.planned = (position + 1, continuation.repeat_lag(style, self.rng, len(self.history) + 1, position + 1,
                                                                  self.meter, lag))
        else:
            self.planned = None
        self.leading, self.lag = self._then(), lag
        if content is not None:
            self.z_content, self.meter = content, None
        elif lag:  # an earlier phrase comes back, note for note up to its last beat
            self.repeating = self.history[-lag]
            self.z_content, self.phrase_seed = self.repeating[:2]
            self.meter = self.repeating[4]
            return
        else:
            self.z_content, meter = continuation.next_phrase(self.z_content, variation, self.rng, style,
                                                             self.last_pitch, mode, self.home, self.leading, position,
                                                             self.meter)
            if variation > 0:  # a new phrase; at 0 the line keeps its z_c, and its tune's meter
                self.meter = meter
        if variation > 0:
            self.phrase_seed = int(self.rng.integers(2**63))

    def _then(self) -> int | None:
        """The first note of the phrase the next one will repeat (``AGAIN``: the one chosen now), for the choice
        of the one in between; None when none comes back, or it has no note."""
        lag = self.planned[1] if self.planned is not None else 0
        if not lag:
            return None
        return AGAIN if lag == 1 else self.history[1 - lag][3]

    def mark(self) -> tuple:
        """Where the line is, to come back to with ``back_to`` (the daemon marks it at each phrase of a pass of Live's
        loop, to play the pass again). Cheap: the arrays it holds are replaced, never changed in place."""
        return (self.z_content, self.rng.bit_generator.state, self.phrase_seed, self.last_pitch, self.phrase_first,
                self.repeating, tuple(self.history), self.notes, self.notes_before, self.begun, self.planned,
                self.leading, self.position, self.meter, self.lag)

    def back_to(self, mark: tuple) -> None:
        """Back where ``mark`` was taken, its draws to come the same; ``begin_phrase(replay=True)`` then starts the
        phrase's own draws again."""
        (self.z_content, state, self.phrase_seed, self.last_pitch, self.phrase_first, self.repeating, history,
         self.notes, self.notes_before, self.begun, self.planned, self.leading, self.position, self.meter,
         self.lag) = mark
        self.rng.bit_generator.state = state
        self.history = list(history)

    def branch(self) -> None:
        """Draw on from a stream of its own, seeded from this one: a line taken back to a mark then moves on to
        phrases it has not played, where it would otherwise draw them all again."""
        self.rng = np.random.default_rng(int(self.rng.integers(2**63)))

    def begin_phrase(self, replay: bool) -> None:
        """Start the current phrase's draws (again, when replaying one that began)."""
        if not replay or not self.begun:
            self.phrase_first = self.last_pitch if self.repeating is None else self.repeating[2]
            self.history.append((self.z_content, self.phrase_seed, self.phrase_first, None, self.meter))
            del self.history[:-REPEAT_LAGS]
            self.notes_before = self.notes
        else:
            self.notes = self.notes_before
        self.begun = True
        self.sampler = np.random.default_rng(self.phrase_seed)

    def took(self, pitch: int | None) -> None:
        if pitch is not None:
            if self.history and self.history[-1][3] is None:  # the phrase's first note: where its return begins
                self.history[-1] = (*self.history[-1][:3], pitch, self.history[-1][4])
            self.last_pitch = pitch
            total, weight = self.notes
            self.notes = (HOME_DECAY * total + pitch, HOME_DECAY * weight + 1.0)


def stream(
    model: StyleVAE,
    vocab: Vocabulary,
    continuation: Continuation,
    weights: np.ndarray,
    keys: Sequence[Key],
    phrases: int,
    steps: int,
    rules: Sequence[Rules],
    variation: float,
    seeds: Sequence[int],
    contents: np.ndarray | None = None,
) -> np.ndarray:
    """Melodies of ``phrases`` chained phrases, one per row, decoded exactly as the daemon's voices decode
    them (same Line, same Decoder, same rules): tokens (B, phrases · steps) in the decoder's pitch space.

    ``weights`` (B, S); ``keys`` and ``rules`` per row (the rules' scale and tonic are set from the key);
    ``contents`` (B, z_content) replaces the first phrase's z_c (restyle), else it is drawn per style."""
    decoder = Decoder(model, vocab)
    plans = [key_plan(model, key) for key in keys]
    lines = [Line.create(continuation, int(np.argmax(w)), seed, plan.mode)
             for w, seed, plan in zip(weights, seeds, plans)]
    rules = [keyed_rules(r, key, plan) for r, key, plan in zip(rules, keys, plans)]
    out = np.zeros((len(lines), phrases * steps), dtype=np.int64)
    rows = range(len(lines))
    for p in range(phrases):
        for row, (line, w, plan) in enumerate(zip(lines, weights, plans)):
            if p > 0:
                line.advance(continuation, variation, int(np.argmax(w)), mode=plan.mode, position=p)
            elif contents is not None:
                line.z_content = contents[row]
            line.begin_phrase(replay=False)
        z = decoder.z(weights, [plan.mode for plan in plans], [line.z_content for line in lines])
        openings = [opening(model, vocab, continuation, int(np.argmax(w)), line.phrase_first, line.leading, steps,
                            line.position) for w, line in zip(weights, lines)]
        firsts, borders, leads = zip(*openings)
        decoder.start_batch(rows, z, firsts, rules, borders, leads=leads)
        for t in range(steps):
            tokens = decoder.step(rows, np.array([line.sampler.random() for line in lines]))
            out[:, p * steps + t] = tokens
            for line, token in zip(lines, tokens):
                line.took(vocab.pitch(int(token)))
    return out


def keyed_rules(rules: Rules, key: Key, plan: KeyPlan) -> Rules:
    """``rules`` with the scale lock set to ``key``'s scale where the decoder will see it."""
    return Rules(rules.temperature, rules.density, rules.lock, key.intervals, rules.top_p, plan.tonic)


GREEDY = Rules(temperature=1e-4)  # the most probable token at every step: MusicVAE's free-running decoding


@torch.no_grad()
def free_running(model: StyleVAE, vocab: Vocabulary, z: Tensor, first: Sequence[int], steps: int,
                 rules: Rules = GREEDY, seed: int = 0) -> np.ndarray:
    """Phrases decoded free-running from given z (B, z_size) and first inputs (B,): tokens (B, steps)."""
    decoder = Decoder(model, vocab)
    rows = range(len(z))
    decoder.start_batch(rows, z, first, [rules] * len(z))
    rng = np.random.default_rng(seed)
    return np.stack([decoder.step(rows, rng.random(len(z))) for _ in range(steps)], axis=1)
