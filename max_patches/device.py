"""The StyleVAE Max for Live device, described section by section.

Each function adds one part of the device to a ``Patch``: the controls the performer touches (in
presentation mode, inside Live's device strip), and the Max objects behind them. Everything the
device sends leaves through one ``udpsend``, fed by ``s ---osc`` boxes; every OSC message is built
by a ``prepend <address>`` (or a message box holding the address), and per-voice addresses are
rewritten from the voice number by ``sprintf set /stylevae/%ld/...`` boxes. Names starting with
``---`` are local to one device instance in Live, so several devices on several tracks do not hear
each other.

Two rules keep the patch deterministic, since Max gives no order between the cords leaving one
outlet other than the boxes' positions: an outlet whose receivers must be reached in a given order
feeds a ``trigger`` (``t``), and no two messages the device resends on (re)connection depend on each
other's order. ``tests/maxsim.py`` plays the patch with its fan-outs in both orders to check it.
"""

from __future__ import annotations

from dataclasses import dataclass

from stylevae.max_patches.amxd import MIDI_EFFECT, amxdtype
from stylevae.max_patches.patcher import Box, Patch
from stylevae.model.data.keys import PITCH_NAMES, SCALES

PREFIX = "/stylevae"
DAEMON_HOST = "127.0.0.1"
DAEMON_PORT = 9400  # the daemon's default OSC port (bridge.config.DEFAULT_OSC_PORT)
REPLY_PORT = 9401  # where this device listens for replies; sent to the daemon in /stylevae/hello
START_HINT = "start it: stylevae serve"
RESENT_HINT = "settings sent to the daemon"

DEVICE_WIDTH = 800.0
DEVICE_HEIGHT = 169.0  # Live's device strip

PING_MS = 1000  # one ping a second ...
WATCHDOG_MS = 3500  # ... and the daemon counts as gone after three missed pongs
TICKS_PER_BEAT = 480.0  # Max's tempo-relative time: 480 ticks a quarter note
TICK = "16n"  # the transport goes to the daemon every 16th while Live plays, so a jump arrives within one
DEFAULT_BPM = 120.0  # in the transport message until Live's tempo arrives (the daemon refuses 0)
DEFAULT_LOOP_BEATS = 4.0  # the loop length held until Live's arrives; sent only with the loop off
DEFAULT_LOCK = 0.9  # the daemon's default scale lock (stylevae.bridge.osc_spec.DEFAULT_LOCK)
LATE_DROP_BEATS = 0.125  # a note-on later than this is dropped, as by the port (BridgeConfig.late_drop_beats)
VELOCITIES = 128  # a note-on's identity and velocity travel through one pipe as identity * 128 + velocity
PITCHES = 128  # a note's identity: its place among NOTE_PLACES 16ths * 128 + its pitch, below 2 ** 17 ...
NOTE_PLACES = 1024  # ... (256 beats; the packed note-on stays below 2 ** 24, exact as a 32-bit float too)
LOOPS_BEHIND = 64  # loop lengths added before int() takes the nearest count of loops, so that it floors ...
NEAREST = LOOPS_BEHIND + 0.5  # ... and rounds: a lead and a position further apart than this many loops never come

# The live view: a piano roll of the voice's last two bars, one column a 16th, one row a semitone.
ROLL_STEPS = 32
ROLL_TOP = 83  # the pitch of the top row (B5); notes outside the rows are drawn on the nearest edge
ROLL_ROWS = 36
ROLL_AHEAD = 4  # columns cleared ahead of the playhead: notes arrive up to the lookahead (<1 beat) early

# Local send/receive names (``---`` makes them unique per device instance).
OSC = "---osc"
VOICE = "---voice"
RESEND = "---resend"
HELLO = "---hello"
CONNECTED = "---connected"
PLAYING = "---playing"
LOOP = "---loop"  # Live's loop as last sent: on, start, length
NO_NOTE = -1  # the note output's kept note (its identity) when no note sounds
BEAT_NOW = "---beatnow"
PLAYHEAD = "---playhead"
MIX_BANG = "---mixbang"
CHANNEL = "---channel"
LIVE_ROOT = "---liveroot"
LIVE_SCALE = "---livescale"
VOICE_KEY = "---voicekey"

FLOAT, INT, ENUM = 0, 1, 2  # parameter_type
UNIT_INT, UNIT_FLOAT = 0, 1  # parameter_unitstyle: how the value is shown
# "the native integer representation is limited to a range of 0-255 … the Type attribute should be set to Float,
# and the Unit Style attribute should be set to Int" (https://docs.cycling74.com/max5/refpages/m4l-ref/parameters.html)
INT_VALUES = 256
PLACEHOLDER_STYLES = [f"style {i}" for i in range(16)]  # until the daemon sends its style names
SCALE_NAMES = tuple(SCALES)


@dataclass(frozen=True)
class Param:
    """A Live parameter: saved with the set, automatable and MIDI-mappable (unless ``stored_only``)."""

    longname: str
    shortname: str
    type: int
    low: float
    high: float
    initial: float
    enum: tuple[str, ...] = ()
    stored_only: bool = False
    unitstyle: int | None = None  # None: Int for Int parameters, Float for Float ones

    def attributes(self) -> dict:
        """The ``saved_attribute_attributes`` Max writes for a ``live.*`` object's parameter."""
        if self.type == INT and self.high - self.low + 1 > INT_VALUES:
            raise ValueError(f"{self.longname}: an Int parameter holds at most {INT_VALUES} values; use Float")
        valueof = {
            "parameter_initial": [self.initial],
            "parameter_initial_enable": 1,
            "parameter_longname": self.longname,
            "parameter_mmax": self.high,
            "parameter_mmin": self.low,
            "parameter_shortname": self.shortname,
            "parameter_type": self.type,
        }
        if self.enum:
            valueof["parameter_enum"] = list(self.enum)
        else:
            default = UNIT_INT if self.type == INT else UNIT_FLOAT
            valueof["parameter_unitstyle"] = default if self.unitstyle is None else self.unitstyle
        if self.stored_only:
            valueof["parameter_invisible"] = 1
        return {"parameter_enable": 1, "saved_attribute_attributes": {"valueof": valueof}}


def port_param(longname: str, shortname: str, initial: int) -> Param:
    """A UDP port: Float (an Int parameter cannot span 1024–65535) shown as an integer, stored only."""
    return Param(longname, shortname, FLOAT, 1024, 65535, float(initial), stored_only=True, unitstyle=UNIT_INT)


def control(p: Patch, maxclass: str, param: Param, rect: tuple[float, float, float, float], **attrs) -> Box:
    """A ``live.*`` control shown in the device strip at ``rect`` (x, y, width, height)."""
    return p.add(
        maxclass,
        varname=param.longname.lower().replace(" ", "_").replace("'", ""),
        presentation=1,
        presentation_rect=list(rect),
        **param.attributes(),
        **attrs,
    )


def switch(p: Patch, param: Param, rect: tuple, off: str, on: str, button: bool = False) -> Box:
    """A ``live.text`` on/off switch (or a momentary button) labelled in the strip."""
    return control(p, "live.text", param, rect, mode=0 if button else 1, text=off, texton=on)


def onoff(longname: str, shortname: str, initial: int = 0) -> Param:
    return Param(longname, shortname, ENUM, 0, 1, initial, ("off", "on"))


def label(p: Patch, text: str, rect: tuple, **attrs) -> Box:
    """A static caption in the device strip."""
    return p.add("comment", text, presentation=1, presentation_rect=list(rect), **attrs)


def osc_out(p: Patch) -> Box:
    """A local send into the single ``udpsend``."""
    return p.obj(f"s {OSC}")


def voice_address(p: Patch, command: str, as_message: bool = False) -> Box:
    """A ``prepend`` (or message box) holding ``/stylevae/<v>/command``, rewritten on every voice change."""
    first = f"{PREFIX}/1/{command}"
    target = p.msg(first) if as_message else p.obj(f"prepend {first}")
    rewrite = p.obj(f"sprintf set {PREFIX}/%ld/{command}")
    p.chain(p.obj(f"r {VOICE}"), rewrite, target)
    p.connect(target, 0, osc_out(p))
    return target


def stored(p: Patch, kind: str, command: str, initial: float) -> Box:
    """A typed store (``i``/``f``, holding the control's initial value) feeding a per-voice address.

    ``---resend`` replays it to the daemon; starting at the initial value means a resend before the
    control has been restored (Live restores parameters in no stated order) still sends a valid value.
    """
    store = p.obj(f"{kind} {initial:g}" if kind == "i" else f"{kind} {float(initial)!r}")
    p.connect(store, 0, voice_address(p, command))
    p.connect(p.obj(f"r {RESEND}"), 0, store)
    return store


def add_network(p: Patch) -> tuple[Box, Box]:
    """udpsend/udpreceive with editable host and ports; returns (udpreceive, reply-port store)."""
    p.section(0)
    udpsend = p.obj(f"udpsend {DAEMON_HOST} {DAEMON_PORT}")
    p.chain(p.obj(f"r {OSC}"), udpsend)
    udpreceive = p.obj(f"udpreceive {REPLY_PORT}")

    label(p, "Host", (6, 82, 36, 18))
    host = p.add("textedit", presentation=1, presentation_rect=[44, 82, 100, 18], text=DAEMON_HOST,
                 varname="host", keymode=1, lines=1, wordwrap=0)
    # a textedit sends "text 1.2.3.4": route strips the word, as every real device feeding udpsend does
    p.chain(host, p.obj("route text"), p.obj("prepend host"), osc_out(p))

    label(p, "Port", (6, 104, 36, 18))
    port = control(p, "live.numbox", port_param("Daemon Port", "Port", DAEMON_PORT), (44, 104, 60, 15))
    p.chain(port, p.obj("t i"), p.obj("prepend port"), osc_out(p))

    label(p, "Reply", (6, 124, 36, 18))
    reply = control(p, "live.numbox", port_param("Reply Port", "Reply", REPLY_PORT), (44, 124, 60, 15))
    split = p.obj("t b i i")
    reply_store = p.obj(f"i {REPLY_PORT}")
    p.connect(reply, 0, split)
    p.connect(split, 2, p.obj("prepend port"))
    p.connect(p.boxes[-1], 0, udpreceive)
    p.connect(split, 1, reply_store, 1)
    p.connect(split, 0, p.obj(f"s {HELLO}"))  # register at once on the new port
    return udpreceive, reply_store


def add_connection(p: Patch, reply_store: Box) -> dict[str, Box]:
    """Ping once a second, register with hello while disconnected, and show the daemon's state.

    Replies go only to registered clients, so a restarted daemon answers no pings: after three missed
    pongs the device shows "daemon not running" and sends hello every second; the first pong after
    that asks for the style names and resends every setting (``---resend``), so the voice resumes.
    """
    p.section(1)
    label(p, "StyleVAE", (6, 4, 90, 18), fontsize=13.0, fontface=1)
    status = label(p, "daemon not running", (6, 24, 140, 18), varname="status")
    hint = label(p, START_HINT, (6, 42, 140, 18), varname="hint", fontsize=9.0)
    error = label(p, "", (6, 146, 140, 20), varname="error", fontsize=9.0)

    metro = p.obj(f"metro {PING_MS}")
    tick = p.obj("t b b")
    ping = p.msg(f"{PREFIX}/ping")
    hello_gate = p.obj("gate 1 1")
    p.connect(metro, 0, tick)
    p.connect(tick, 1, hello_gate, 1)
    p.connect(tick, 0, ping)
    p.connect(ping, 0, osc_out(p))
    p.connect(hello_gate, 0, p.obj(f"s {HELLO}"))
    p.chain(p.obj(f"r {HELLO}"), reply_store, p.obj(f"prepend {PREFIX}/hello"), osc_out(p))

    pong = p.obj("t b b")
    watchdog = p.obj(f"delay {WATCHDOG_MS}")
    p.connect(pong, 1, watchdog)
    p.chain(pong, p.msg("1"), p.obj(f"s {CONNECTED}"))
    p.chain(watchdog, p.msg("0"), p.obj(f"s {CONNECTED}"))

    changed = p.obj("change")
    fan = p.obj("t i i i")
    disconnected = p.obj("== 0")
    p.chain(p.obj(f"r {CONNECTED}"), changed, fan)
    p.connect(fan, 2, disconnected)
    p.connect(disconnected, 0, hello_gate)

    came_up = p.obj("sel 1")
    on_connect = p.obj("t b b")
    ask_styles = p.msg(f"{PREFIX}/styles")
    p.connect(fan, 1, came_up)
    p.connect(came_up, 0, on_connect)
    p.connect(on_connect, 1, ask_styles)
    p.connect(ask_styles, 0, osc_out(p))
    p.connect(on_connect, 0, p.obj(f"s {RESEND}"))

    shown = p.obj("sel 1")
    up = p.obj("t b b")
    down = p.obj("t b b")
    p.connect(fan, 0, shown)
    p.connect(shown, 0, up)
    p.connect(shown, 1, down)
    p.connect(up, 1, p.msg("set connected, textcolor 0.45 0.85 0.45 1."))
    p.connect(p.boxes[-1], 0, status)
    p.connect(up, 0, p.msg(f"set {RESENT_HINT}"))
    p.connect(p.boxes[-1], 0, hint)
    p.connect(down, 1, p.msg("set daemon not running, textcolor 0.95 0.45 0.35 1."))
    p.connect(p.boxes[-1], 0, status)
    p.connect(down, 0, p.msg(f"set {START_HINT}"))
    p.connect(p.boxes[-1], 0, hint)
    return {"metro": metro, "pong": pong, "error": error}


def add_replies(p: Patch, udpreceive: Box, connection: dict[str, Box]) -> dict[str, Box]:
    """Route what the daemon sends back: pong, style names, errors, and this voice's notes (begun, finished, cut,
    retimed) and state."""
    p.section(2)
    voiced = ("note", "state", "on", "cut", "retime")  # this voice's replies: the route's arguments 4 to 8
    route = p.obj(f"route {PREFIX}/pong {PREFIX}/styles {PREFIX}/error "
                  + " ".join(f"{PREFIX}/1/{reply}" for reply in voiced))
    p.connect(udpreceive, 0, route)
    voice = p.obj(f"t {' '.join('i' for _ in voiced)}")
    p.connect(p.obj(f"r {VOICE}"), 0, voice)
    for n, reply in enumerate(voiced):
        p.connect(voice, len(voiced) - 1 - n, p.obj(f"sprintf symout {PREFIX}/%ld/{reply}"))
        p.connect(p.boxes[-1], 0, route, 4 + n)  # route's inlet n replaces its n-th argument
    p.connect(route, 0, connection["pong"])
    show_error = p.obj("prepend set error:")
    p.connect(route, 2, show_error)
    p.connect(show_error, 0, connection["error"])
    styles = p.obj("t b l l")
    p.connect(route, 1, styles)
    notes = p.obj("t l l")
    p.connect(route, 3, notes)
    starts, cuts, retimes = p.obj("t l"), p.obj("t b b"), p.obj("t b")  # a cut: the live view, then the notes
    p.connect(route, 5, starts)
    p.connect(route, 6, cuts)
    p.connect(route, 7, retimes)
    return {"styles": styles, "notes": notes, "state": route, "starts": starts, "cuts": cuts, "retimes": retimes}


def add_voice(p: Patch) -> None:
    """Voice number, channel, octave, velocity, play (following Live's transport), hold and reseed."""
    p.section(3)
    label(p, "Voice", (156, 6, 40, 18))
    voice = control(p, "live.numbox", Param("Voice", "Voice", INT, 1, 16, 1), (198, 6, 48, 15))
    change = p.obj("t b i b")
    p.connect(voice, 0, change)
    stop_old = p.msg(f"{PREFIX}/1/play 0")
    p.chain(p.obj(f"r {VOICE}"), p.obj(f"sprintf set {PREFIX}/%ld/play 0"), stop_old)
    p.connect(stop_old, 0, osc_out(p))
    p.connect(change, 2, stop_old)
    p.connect(change, 1, p.obj(f"s {VOICE}"))
    p.connect(change, 0, p.obj(f"s {RESEND}"))

    label(p, "Chan", (156, 26, 40, 18))
    channel = control(p, "live.numbox", Param("Channel", "Chan", INT, 1, 16, 1), (198, 26, 48, 15))
    fan = p.obj("t i i")
    p.connect(channel, 0, fan)
    p.connect(fan, 1, p.obj(f"s {CHANNEL}"))
    p.connect(fan, 0, stored(p, "i", "channel", 1))

    label(p, "Oct", (156, 46, 40, 18))
    octave = control(p, "live.numbox", Param("Octave", "Oct", INT, -4, 4, 0), (198, 46, 48, 15))
    p.connect(octave, 0, stored(p, "i", "octave", 0))

    label(p, "Vel", (156, 66, 40, 18))
    velocity = control(p, "live.numbox", Param("Velocity", "Vel", INT, 1, 127, 100), (198, 66, 48, 15))
    p.connect(velocity, 0, stored(p, "i", "velocity", 100))

    play = switch(p, onoff("Play", "Play"), (156, 90, 90, 18), "Play", "Playing")
    both = p.obj("pak 0 0")
    p.connect(play, 0, both)
    p.connect(p.obj(f"r {PLAYING}"), 0, both, 1)
    p.chain(both, p.obj("expr $i1 && $i2"), p.obj("change"), stored(p, "i", "play", 0))

    hold = switch(p, onoff("Hold", "Hold"), (156, 112, 90, 18), "Hold", "Holding")
    p.connect(hold, 0, stored(p, "i", "hold", 0))

    reseed = switch(p, onoff("Reseed", "Reseed"), (156, 134, 90, 18), "Reseed", "Reseed", button=True)
    p.chain(reseed, p.obj("sel 1"), voice_address(p, "reseed", as_message=True))


def add_style(p: Patch, styles: Box) -> None:
    """Style A and B menus filled from the daemon's style list, and a blend between them sent as /mix.

    Only /mix is sent (one weight per style): a separate /style would race the /mix on a resend.
    """
    p.section(4)
    label(p, "Style A", (256, 6, 60, 18))
    menu_a = control(p, "live.menu", Param("Style A", "Style A", ENUM, 0, 15, 0, tuple(PLACEHOLDER_STYLES)),
                     (256, 24, 140, 16))
    label(p, "Style B", (256, 46, 60, 18))
    menu_b = control(p, "live.menu", Param("Style B", "Style B", ENUM, 0, 15, 0, tuple(PLACEHOLDER_STYLES)),
                     (256, 64, 140, 16))
    blend = control(p, "live.dial", Param("Blend", "Blend", FLOAT, 0.0, 1.0, 0.0), (256, 90, 56, 48))

    # the names are kept for their count; no /mix is sent before the daemon has named its styles
    names = p.obj("zl.reg")
    named = p.obj("gate 1 0")
    fill = p.obj("prepend _parameter_range")
    both_menus = p.obj("t l l")
    arrived = p.obj("t b b")
    p.connect(styles, 2, names, 1)
    p.connect(styles, 1, fill)
    p.connect(fill, 0, both_menus)
    p.connect(both_menus, 1, menu_b)
    p.connect(both_menus, 0, menu_a)
    p.connect(styles, 0, arrived)
    p.connect(arrived, 1, p.msg("1"))
    p.connect(p.boxes[-1], 0, named)
    p.connect(arrived, 0, p.obj(f"s {MIX_BANG}"))

    # weight of style index $i1 (counted from 1 by uzi): (1 - blend) for style A ($i2), blend for style B ($i3)
    weight = p.obj("expr ($i1 - 1 == $i2) * (1. - $f4) + ($i1 - 1 == $i3) * $f4")
    for menu, inlet in ((menu_a, 1), (menu_b, 2)):
        on_menu = p.obj("t b i")
        p.connect(menu, 0, on_menu)
        p.connect(on_menu, 1, weight, inlet)
        p.connect(on_menu, 0, p.obj(f"s {MIX_BANG}"))
    on_blend = p.obj("t b f")
    p.connect(blend, 0, on_blend)
    p.connect(on_blend, 1, weight, 3)
    p.connect(on_blend, 0, p.obj(f"s {MIX_BANG}"))

    # one weight per style: count the style names, weigh each index, group the weights, send
    p.section(5)
    order = p.obj("t b l b")
    p.connect(p.obj(f"r {MIX_BANG}"), 0, named, 1)
    p.connect(p.obj(f"r {RESEND}"), 0, named, 1)
    p.chain(named, names, order)
    clear = p.msg("zlclear")
    group = p.obj("zl.group 64")
    count = p.obj("zl.len")
    each = p.obj("uzi")
    p.connect(order, 2, clear)
    p.connect(clear, 0, group)
    p.connect(order, 1, count)
    p.connect(count, 0, each)
    p.connect(each, 2, weight)
    p.connect(weight, 0, group)
    p.connect(order, 0, group)
    p.connect(group, 0, voice_address(p, "mix"))


def add_generation(p: Patch) -> None:
    """Temperature, variation, density and scale-lock dials."""
    p.section(6)
    dials = (
        ("Temperature", "Temp", 0.1, 2.0, 1.0, (410.0, 6.0)),
        ("Variation", "Var", 0.0, 1.0, 0.3, (470.0, 6.0)),
        ("Density", "Dens", -1.0, 1.0, 0.0, (530.0, 6.0)),
        ("Lock", "Lock", 0.0, 1.0, DEFAULT_LOCK, (410.0, 60.0)),
    )
    for longname, shortname, low, high, initial, (x, y) in dials:
        dial = control(p, "live.dial", Param(longname, shortname, FLOAT, low, high, initial), (x, y, 56, 48))
        p.connect(dial, 0, stored(p, "f", longname.lower(), initial))


def add_key(p: Patch) -> None:
    """The song's key from Live (``/stylevae/key``) and the voice's key: Live's, or its own menus.

    Live 12 reports the song's root and scale (``root_note``, ``scale_intervals``); the device sends them
    as ``/stylevae/key root intervals…`` on load and on every change. With "Follow Live's key" on and a key
    from Live, the voice follows the song (``/stylevae/<v>/key`` without arguments); otherwise — the
    switch off, or a Live without song scales (Live 11), which never reports one — the voice plays the
    key of the device's own Key and Scale menus.
    """
    p.section(9)
    label(p, "Key", (470, 60, 120, 16))
    follow = switch(p, onoff("Follow Key", "Follow", 1), (470, 78, 120, 18), "Own key", "Live's key")
    root_menu = control(p, "live.menu", Param("Key", "Key", ENUM, 0, 11, 0, PITCH_NAMES), (470, 100, 40, 16))
    scale_menu = control(p, "live.menu", Param("Scale", "Scale", ENUM, 0, len(SCALE_NAMES) - 1, 0, SCALE_NAMES),
                         (514, 100, 76, 16))

    # the song's key: intervals stored, the root prepended, sent whenever either changes (once Live has one)
    intervals = p.obj("zl.reg")
    with_root = p.obj("prepend 0")
    known = p.obj("gate 1 0")
    p.chain(intervals, with_root, p.obj(f"prepend {PREFIX}/key"), osc_out(p))
    on_root = p.obj("t b i")
    p.connect(p.obj(f"r {LIVE_ROOT}"), 0, on_root)
    p.connect(on_root, 1, p.msg("set $1"))
    p.connect(p.boxes[-1], 0, with_root)
    p.connect(on_root, 0, known, 1)
    p.connect(p.obj(f"r {RESEND}"), 0, known, 1)
    p.connect(known, 0, intervals)
    on_scale = p.obj("t b l")
    p.connect(p.obj(f"r {LIVE_SCALE}"), 0, on_scale)
    p.connect(on_scale, 1, intervals)
    now_known = p.obj("t i i")
    p.connect(on_scale, 0, p.msg("1"))
    p.connect(p.boxes[-1], 0, now_known)
    p.connect(now_known, 1, known)

    # follow the song only with the switch on and a key from Live
    decide = p.obj("pak 0 0")
    p.connect(follow, 0, decide)
    p.connect(now_known, 0, decide, 1)
    use_song = p.obj("i 0")
    on_decision = p.obj("t b i")
    p.chain(decide, p.obj("expr $i1 && $i2"), on_decision)
    p.connect(on_decision, 1, use_song, 1)
    p.connect(on_decision, 0, p.obj(f"s {VOICE_KEY}"))
    p.connect(p.obj(f"r {VOICE_KEY}"), 0, use_song)
    p.connect(p.obj(f"r {RESEND}"), 0, use_song)
    which = p.obj("sel 1 0")
    p.connect(use_song, 0, which)
    p.connect(which, 0, voice_address(p, "key", as_message=True))

    own_root = p.obj("i 0")
    own_key = p.obj(f"pack 0 {SCALE_NAMES[0]}")
    p.connect(which, 1, own_root)
    p.chain(own_root, own_key, voice_address(p, "key"))
    on_root_menu = p.obj("t b i")
    p.connect(root_menu, 0, on_root_menu)
    p.connect(on_root_menu, 1, own_root, 1)
    p.connect(on_root_menu, 0, p.obj(f"s {VOICE_KEY}"))
    on_scale_menu = p.obj("t b i")
    p.connect(scale_menu, 0, on_scale_menu)
    p.connect(on_scale_menu, 1, p.obj("zl.lookup " + " ".join(SCALE_NAMES)))
    p.connect(p.boxes[-1], 0, own_key, 1)
    p.connect(on_scale_menu, 0, p.obj(f"s {VOICE_KEY}"))


def add_transport(p: Patch, ping_metro: Box) -> None:
    """Tempo, play state and song position to the daemon at once on change and every 16th while playing,
    and Live's arrangement loop whenever it changes.

    The Live API is used only after ``live.thisdevice`` says the device is ready. The song is observed
    through one trigger, right to left: tempo first, so the first transport message already carries Live's
    tempo; then the key; then the loop's length, start and on/off, so the loop message that goes out last
    on load is whole, and none says "on" with a start or length that is not yet Live's; the play state
    last, so the daemon knows the loop before it hears that Live plays.
    """
    p.section(7)
    ready = p.obj("live.thisdevice")
    init = p.obj("t b b b")
    find_song = p.msg("path live_set")
    path = p.obj("live.path")
    observe = p.obj("t l l l l l l l")
    tempo = p.obj("live.observer @property tempo")
    root = p.obj("live.observer @property root_note")
    scale = p.obj("live.observer @property scale_intervals")
    loop_length = p.obj("live.observer @property loop_length")
    loop_start = p.obj("live.observer @property loop_start")
    loop = p.obj("live.observer @property loop")
    playing = p.obj("live.observer @property is_playing")
    ticks = p.obj(f"metro {TICK} @quantize {TICK}")
    p.connect(ready, 0, init)
    p.connect(init, 2, find_song)
    p.connect(find_song, 0, path)
    p.connect(path, 0, observe)
    # right to left: tempo first, the play state last
    for outlet, observer in enumerate((playing, loop, loop_start, loop_length, scale, root, tempo)):
        p.connect(observe, outlet, observer, 1)
    p.connect(root, 0, p.obj(f"s {LIVE_ROOT}"))
    p.connect(scale, 0, p.obj(f"s {LIVE_SCALE}"))
    p.connect(init, 1, p.msg("1"))
    p.connect(p.boxes[-1], 0, ticks)
    p.connect(init, 0, p.msg("1"))
    p.connect(p.boxes[-1], 0, ping_metro)

    message = p.obj(f"pack 0. 0 {DEFAULT_BPM!r}")
    p.chain(message, p.obj(f"prepend {PREFIX}/transport"), osc_out(p))
    on_tempo = p.obj("t f f")
    p.connect(tempo, 0, on_tempo)
    p.connect(on_tempo, 1, message, 2)
    p.chain(on_tempo, p.obj(f"prepend {PREFIX}/tempo"), osc_out(p))
    on_play = p.obj("t b i i")
    p.connect(playing, 0, on_play)
    p.connect(on_play, 2, message, 1)
    p.connect(on_play, 1, p.obj(f"s {PLAYING}"))
    p.connect(on_play, 0, p.obj(f"s {BEAT_NOW}"))
    p.connect(ticks, 0, p.obj(f"s {BEAT_NOW}"))

    # the loop: the latest on/off, start and length, all three sent when any of them changes, and resent
    loop_now = p.obj(f"pak 0 0. {DEFAULT_LOOP_BEATS!r}")
    p.connect(loop, 0, loop_now)
    p.connect(loop_start, 0, loop_now, 1)
    p.connect(loop_length, 0, loop_now, 2)
    p.connect(p.obj(f"r {RESEND}"), 0, loop_now)
    loop_out = p.obj("t l l")  # to the daemon, and to the note output, which times notes past a wrap
    p.connect(loop_now, 0, loop_out)
    to_daemon = p.obj(f"prepend {PREFIX}/loop")
    p.connect(loop_out, 1, to_daemon)
    p.chain(to_daemon, osc_out(p))
    p.connect(loop_out, 0, p.obj(f"s {LOOP}"))

    now = p.obj("t b b")
    clock = p.obj("transport")
    to_beats = p.obj(f"/ {TICKS_PER_BEAT!r}")
    position = p.obj("f")
    fan = p.obj("t f f")
    p.chain(p.obj(f"r {BEAT_NOW}"), now)
    p.connect(now, 1, clock)
    p.connect(clock, 7, to_beats)
    p.connect(to_beats, 0, position, 1)
    p.connect(now, 0, position)
    p.connect(position, 0, fan)
    p.connect(fan, 1, p.obj(f"s {PLAYHEAD}"))
    p.connect(fan, 0, message)


def add_note_output(p: Patch, notes: Box, starts: Box, cuts: Box, retimes: Box) -> None:
    """Optionally play the daemon's notes into this track through ``midiout``.

    A note-on comes with /stylevae/<v>/on, when the decoder makes the note, a lookahead before it sounds; its
    note-off with /stylevae/<v>/note, when the decoder ends the note, by then often past its start (timed from that
    alone, every note longer than the lookahead less a 16th began late). Each goes through a ``pipe`` that holds
    it until its beat, at once if that has passed (two due at once go in the order they came, and a note's /note
    comes before the next note's /on, as the port sends a note-off before a note-on). While the playhead or the
    note lies in Live's loop, the beat is taken a whole number of loops on or back, to the one nearest the reply's
    lead (the daemon's distance to it on its own timeline, which a wrap does not cut): right for any lookahead, and
    for a reply held up across a wrap, as long as its delay and the daemon's lag behind Live stay under half a loop.
    A note-on that comes more than
    LATE_DROP_BEATS after its beat (Live or the daemon stalled) is dropped, as the port drops it, rather than played
    late. A note-on's velocity goes through the pipe with the note's identity, packed in one number, since a pipe
    of one value would pair it with the velocity of a later /on that came while it waited. The note sounding is
    kept: a voice plays one note at a time, so each note-on ends the one before, whose /note may never come (a
    daemon restarted), and so does a change of channel (on the note's own channel) or of voice (whose /cut no
    longer reaches this device). /stylevae/<v>/cut (what the daemon planned is void: Live located, the voice was
    switched off), stopping Live, switching the option off and losing the daemon drop the pending note-ons, send
    the pending note-offs at once and end the kept note. /stylevae/<v>/retime (the tempo changed,
    and a pipe's delay, worked out at the old one, does not follow it) drops the pending note-ons and note-offs
    alike: the daemon sends again each it still holds, and their delays are worked out anew. MIDI coming into the
    device passes through.

    What is kept is the note sounding, not only its pitch: its identity, its pitch and the 16th it begins on
    (``note_identity``), which its /on and its /note both give. A note-off from a /note goes out only while its
    note is the one kept, and then nothing is kept. Otherwise its note never sounded (its note-on came late and
    was dropped) or was ended already (by the next note-on, a cut, a change of channel): a second note-off would end
    a note of that pitch coming into the track from elsewhere, a clip or a keyboard passing through, or the next
    note, were it of the same pitch and its note-on to fire a hair before the note-off due with it (the two pipes'
    delays come from two readings of Live's transport). So each note-on the device plays gets one note-off.
    """
    p.section(8)
    enable = switch(p, onoff("Note Output", "Notes"), (256, 146, 140, 18), "Notes to MIDI port",
                    "Notes to this track")
    on_enable = p.obj("t i i i")
    p.connect(enable, 0, on_enable)
    clock = p.obj("transport")
    to_beats = p.obj(f"/ {TICKS_PER_BEAT!r}")
    now = p.obj("t f f")
    bpm = p.obj("t f f")
    # With Live's loop on ($f3, from $f6, $f4 long) and the playhead or the note in it, a song position is ambiguous:
    # a note planned past a wrap comes before it, a reply held up may come just after a wrap for a note before it.
    # Of the positions a loop apart, the one nearest the daemon's lead ($f5) is meant; int() of a positive number is
    # its floor. Elsewhere the song runs straight on, and a reply late by half a short loop is still placed right.
    ahead = p.obj(f"expr {beats_ahead('$f1', '$f2', '$f5', '$f3', '$f6', '$f4')}")
    on_timing = p.obj("t f f")
    in_time = p.obj(f"expr $f1 + {LATE_DROP_BEATS!r} >= 0.")
    on_ms = p.obj("expr max($f1\\, 0.) * 60000. / $f2")
    on_gate = p.obj("gate 1")
    on_beat = p.obj("t f f")  # the note's beat, to its identity, then to its timing
    packed = p.obj(f"expr ({note_identity('$i1', '$f3')}) * {VELOCITIES} + $i2")
    split_on = p.obj("t i i")  # identity, then velocity (right to left), from the packed number
    # A note-off likewise, by the note's end ($f1 + $f4) and its lead ($f7), the loop from $f8. At once if past: two
    # events due at once fire in the order they came, and a note's /note comes before the next one's /on.
    off_ahead = beats_ahead('$f1 + $f4', '$f2', '$f7', '$f5', '$f8', '$f6')
    off_ms = p.obj(f"expr max({off_ahead}\\, 0.) * 60000. / $f3")
    off_beat = p.obj("t f f")
    off_identity = p.obj(f"expr {note_identity('$i1', '$f2')}")
    note_on = p.obj("pipe 0")
    note_off = p.obj("pipe 0")
    played = p.obj("t i i b")
    held = p.obj(f"i {NO_NOTE}")  # the identity of the note sounding, or none
    ending = p.obj("t i i")
    ours = p.obj(f"== {NO_NOTE}")  # a note-off's identity against the one kept (the right inlet, set with the store)
    off_gate = p.obj("gate 1")
    ended_here = p.obj(f"t i {NO_NOTE}")  # its note-off, then nothing is kept
    end_held = p.obj(f"t {NO_NOTE} b")  # the note kept ends at once, then nothing is kept
    keep = p.obj("t i i")  # the identity kept, to the store and to the comparison
    on_pitch = p.obj(f"expr $i1 % {PITCHES}")
    off_pitch = p.obj(f"expr $i1 % {PITCHES}")
    on_pair = p.obj("pack 0 0")
    off_pair = p.obj("pack 0 0")
    midi = p.obj("midiformat")
    out = p.obj("midiout")

    p.connect(clock, 7, to_beats)
    p.connect(to_beats, 0, now)
    p.connect(now, 1, off_ms, 1)
    p.connect(now, 0, ahead, 1)
    p.connect(clock, 4, bpm)
    p.connect(bpm, 1, off_ms, 2)
    p.connect(bpm, 0, on_ms, 1)
    for expression, on_inlet, start_inlet in ((ahead, 2, 5), (off_ms, 4, 7)):  # the loop, to cold inlets
        loop = p.obj("unpack i f f")
        p.connect(p.obj(f"r {LOOP}"), 0, loop)
        p.connect(loop, 0, expression, on_inlet)
        p.connect(loop, 1, expression, start_inlet)
        p.connect(loop, 2, expression, on_inlet + 1)
    def arrival(source: Box, enabled: int, fields: str) -> Box:
        """A reply while note output is on: the transport read first (a bang), then its fields, unpacked right to
        left, so the hot inlet is reached last."""
        gate, arrive, unpacked = p.obj("gate 1"), p.obj("t l b"), p.obj(fields)
        p.connect(on_enable, enabled, gate)
        p.connect(source, 0, gate, 1)
        p.connect(gate, 0, arrive)
        p.connect(arrive, 1, clock)
        p.connect(arrive, 0, unpacked)
        return unpacked

    begun = arrival(starts, 2, "unpack i i f f")  # /on: pitch, velocity, beat, lead
    p.connect(begun, 3, ahead, 4)
    p.connect(begun, 2, on_beat)
    p.connect(on_beat, 1, packed, 2)
    p.connect(on_beat, 0, ahead)
    p.connect(ahead, 0, on_timing)
    p.connect(on_timing, 1, in_time)
    p.connect(in_time, 0, on_gate)
    p.connect(on_timing, 0, on_ms)
    p.connect(begun, 1, packed, 1)
    p.connect(begun, 0, packed)
    p.connect(packed, 0, on_gate, 1)
    p.connect(on_gate, 0, note_on)
    ended = arrival(notes, 1, "unpack i i f f f")  # /note: pitch, velocity, beat, length, lead
    p.connect(ended, 4, off_ms, 6)
    p.connect(ended, 3, off_ms, 3)
    p.connect(ended, 2, off_beat)
    p.connect(off_beat, 1, off_identity, 1)
    p.connect(off_beat, 0, off_ms)
    p.connect(ended, 0, off_identity)
    p.connect(off_identity, 0, note_off)
    p.connect(on_ms, 0, note_on, 1)
    p.connect(off_ms, 0, note_off, 1)
    p.connect(note_on, 0, split_on)
    p.connect(split_on, 1, p.obj(f"expr $i1 % {VELOCITIES}"))
    p.connect(p.boxes[-1], 0, on_pair, 1)
    p.connect(split_on, 0, p.obj(f"/ {VELOCITIES}"))
    p.connect(p.boxes[-1], 0, played)
    p.connect(played, 2, held)  # the note before ends first, even if its /note never came (a daemon restarted)
    p.connect(played, 1, keep)
    p.connect(played, 0, on_pitch)
    p.connect(on_pitch, 0, on_pair)
    p.connect(keep, 1, held, 1)
    p.connect(keep, 0, ours, 1)
    p.connect(note_off, 0, ending)
    p.connect(ending, 1, ours)
    p.connect(ours, 0, off_gate)
    p.connect(ending, 0, off_gate, 1)
    p.connect(off_gate, 0, ended_here)
    p.connect(ended_here, 1, keep)
    p.connect(ended_here, 0, off_pitch)
    p.chain(held, p.obj(f"sel {NO_NOTE}"))
    p.connect(p.boxes[-1], 1, off_pitch)
    p.connect(off_pitch, 0, off_pair)
    p.connect(end_held, 1, held)
    p.connect(end_held, 0, keep)
    p.connect(on_pair, 0, midi)
    p.connect(off_pair, 0, midi)
    channel = p.obj("t i b")  # the note sounding ends on its own channel before the channel changes
    p.connect(p.obj(f"r {CHANNEL}"), 0, channel)
    p.connect(channel, 1, end_held)
    p.connect(channel, 0, midi, 6)
    p.connect(midi, 0, out)
    p.chain(p.obj("midiin"), out)

    # every note-on gets its note-off: on a cut, on stop, when note output is switched off, and when the daemon is
    # gone (no /note will end the note sounding)
    flush = p.obj("t b b b")
    p.connect(cuts, 0, flush)
    p.chain(p.obj(f"r {PLAYING}"), p.obj("sel 0"), flush)
    p.chain(p.obj(f"r {CONNECTED}"), p.obj("sel 0"), flush)
    p.connect(p.obj(f"r {VOICE}"), 0, flush)  # another voice: this one's /cut will not reach the device
    p.connect(on_enable, 0, p.obj("sel 0"))
    p.connect(p.boxes[-1], 0, flush)
    drop_ons = p.msg("clear")
    p.connect(flush, 2, drop_ons)
    p.connect(drop_ons, 0, note_on)
    p.connect(flush, 1, p.msg("flush"))
    p.connect(p.boxes[-1], 0, note_off)
    p.connect(flush, 0, end_held)  # the note kept, if its note-off was not among them
    # the tempo changed: what the pipes hold was timed at the old one and comes again (the notes sounding go on)
    retime = p.obj("t b b")
    p.connect(retimes, 0, retime)
    p.connect(retime, 1, drop_ons)
    p.connect(retime, 0, p.msg("clear"))
    p.connect(p.boxes[-1], 0, note_off)


def note_identity(pitch: str, beat: str) -> str:
    """An ``expr`` term: a note's identity, from its ``pitch`` and its ``beat`` (the song position of its start, which
    its /on and its /note both give): the 16th it begins on, counted round NOTE_PLACES, times PITCHES, plus its pitch.
    Two notes a voice plays close together never share it (Live's song positions are never negative; ``int()``
    truncates, so below 0 two 16ths would); a pitch is the identity modulo PITCHES."""
    place = f"(int({beat} * 4. + 0.5) % {NOTE_PLACES} + {NOTE_PLACES}) % {NOTE_PLACES}"
    return f"{place} * {PITCHES} + {pitch}"


def beats_ahead(event: str, now: str, lead: str, on: str, start: str, length: str) -> str:
    """An ``expr`` term: the beats from the playhead ``now`` to ``event``, both song positions, folded a whole number
    of Live's loops (``on``, from ``start``, ``length`` long) to lie nearest the daemon's ``lead`` while either lies
    in the loop; one term for the note-on and the note-off alike."""
    folds = f"max({inside(event, start, length)}\\, {inside(now, start, length)})"
    loops = f"(int(({lead} - ({event}) + {now}) / {length} + {NEAREST}) - {LOOPS_BEHIND})"
    return f"{event} - {now} + {on} * {folds} * {length} * {loops}"


def inside(beat: str, start: str, length: str) -> str:
    """An ``expr`` term, 1 when ``beat`` lies in the loop from ``start``, ``length`` long (its end included), else 0."""
    return f"({beat} >= {start}) * ({beat} <= {start} + {length})"


def add_live_view(p: Patch, notes: Box, state: Box, cuts: Box) -> None:
    """What the voice plays, in the strip: a piano roll of the last two bars, its key and its style mix.

    Each note from the daemon fills its cells (its start column and one per 16th of its length) in the
    row of its pitch; the column a beat ahead of the playhead is cleared as the song plays, so the roll
    always shows the last bars. The roll is cleared when Live starts, and on the voice's /cut: after a locate
    its columns stand for other bars, and a note the daemon had reported ahead of the playhead was never played.
    The key and the style mix come from the voice's state reply.
    """
    p.section(10)
    label(p, "Now playing", (600, 2, 130, 14), fontsize=9.0)
    roll = p.add("matrixctrl", presentation=1, presentation_rect=[600, 16, 128, 108], columns=ROLL_STEPS,
                 rows=ROLL_ROWS, ignoreclick=1, varname="now_roll")
    mix = p.add("multislider", presentation=1, presentation_rect=[734, 16, 60, 108], size=7,
                setminmax=[0.0, 1.0], ignoreclick=1, varname="now_mix", parameter_enable=0)
    key_text = label(p, "", (600, 128, 194, 16), varname="now_key", fontsize=9.0)
    style_text = label(p, "", (600, 146, 194, 16), varname="now_style", fontsize=9.0)

    fields = p.obj("unpack i i f f")
    p.connect(notes, 1, fields)
    length = p.obj("expr max(1\\, int($f1 * 4. + 0.5))")
    first = p.obj("expr int($f1 * 4. + 0.5)")
    pitch = p.obj("t b i")
    row = p.obj(f"expr min(max({ROLL_TOP} - $i1\\, 0)\\, {ROLL_ROWS - 1})")
    cells = p.obj("uzi")
    column = p.obj(f"expr ($i1 + $i2 - 1) % {ROLL_STEPS}")
    cell = p.obj("pack 0 0 1")
    p.connect(fields, 3, length)
    p.connect(length, 0, cells, 1)
    p.connect(fields, 2, first)
    p.connect(first, 0, column, 1)
    p.connect(fields, 0, pitch)
    p.connect(pitch, 1, row)
    p.connect(row, 0, cell, 1)
    p.connect(pitch, 0, cells)
    p.connect(cells, 2, column)
    p.connect(column, 0, cell)
    p.connect(cell, 0, roll)

    ahead = p.obj(f"expr (int($f1 * 4.) + {ROLL_AHEAD}) % {ROLL_STEPS}")
    wipe = p.msg(" ".join(f"$1 {r} 0" for r in range(ROLL_ROWS)))
    p.chain(p.obj(f"r {PLAYHEAD}"), ahead, wipe, roll)
    p.chain(p.obj(f"r {PLAYING}"), p.obj("sel 1"), p.msg("clear"), roll)
    p.connect(cuts, 1, p.boxes[-1])  # the cut's outlet of its own (outlet 0 ends the notes)

    # state: play style temperature variation density channel octave velocity hold root scale lock own_key weights…
    parts = p.obj("zl.slice 13")
    p.connect(state, 4, parts)
    weights = p.obj("t l l")
    p.connect(parts, 1, weights)
    p.connect(weights, 1, p.obj("zl.len"))
    p.connect(p.boxes[-1], 0, p.obj("prepend size"))
    p.connect(p.boxes[-1], 0, mix)
    p.connect(weights, 0, p.obj("prepend set"))
    p.connect(p.boxes[-1], 0, mix)
    settings = p.obj("unpack i s f f f i i i i i s f i")
    p.connect(parts, 0, settings)
    key = p.obj("sprintf set key: %s %s (%s)")
    p.connect(settings, 12, p.obj("zl.lookup song own"))
    p.connect(p.boxes[-1], 0, key, 2)
    p.connect(settings, 10, key, 1)
    p.connect(settings, 9, p.obj("zl.lookup " + " ".join(PITCH_NAMES)))
    p.connect(p.boxes[-1], 0, key)
    p.connect(key, 0, key_text)
    p.connect(settings, 1, p.obj("prepend set style:"))
    p.connect(p.boxes[-1], 0, style_text)


def build_device() -> Patch:
    """All sections of the device, wired together."""
    p = Patch()
    udpreceive, reply_store = add_network(p)
    connection = add_connection(p, reply_store)
    replies = add_replies(p, udpreceive, connection)
    add_voice(p)
    add_style(p, replies["styles"])
    add_generation(p)
    add_key(p)
    add_transport(p, connection["metro"])
    add_note_output(p, replies["notes"], replies["starts"], replies["cuts"], replies["retimes"])
    add_live_view(p, replies["notes"], replies["state"], replies["cuts"])
    return p


def parameters(p: Patch) -> dict:
    """The patcher's parameter registry, as Max writes it for every device with ``live.*`` parameters."""
    registry: dict = {}
    for box in p.boxes:
        valueof = box.attrs.get("saved_attribute_attributes", {}).get("valueof")
        if valueof:
            registry[box.id] = [valueof["parameter_longname"], valueof["parameter_shortname"], 0]
    registry["parameterbanks"] = {"0": {"index": 0, "name": "", "parameters": ["-"] * 8}}
    registry["inherited_shortname"] = 1
    return registry


def patcher(p: Patch) -> dict:
    """The full ``.maxpat`` document of a MIDI-effect device, opening in presentation mode."""
    return {
        "patcher": {
            "fileversion": 1,
            "appversion": {"major": 8, "minor": 6, "revision": 5, "architecture": "x64", "modernui": 1},
            "classnamespace": "box",
            "rect": [100.0, 100.0, 2900.0, 900.0],
            "openrect": [0.0, 0.0, DEVICE_WIDTH, DEVICE_HEIGHT],
            "openinpresentation": 1,
            "default_fontsize": 10.0,
            "default_fontname": "Arial Bold",
            "gridsize": [8.0, 8.0],
            "devicewidth": DEVICE_WIDTH,
            "description": "StyleVAE Bridge: plays the style-morphing melody daemon from Live.",
            "boxes": p.boxes_json(),
            "lines": p.lines_json(),
            "parameters": parameters(p),
            "dependency_cache": [],
            "latency": 0,
            "is_mpe": 0,
            "project": {"amxdtype": amxdtype(MIDI_EFFECT)},
        }
    }
