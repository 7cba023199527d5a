"""The StyleVAE Max for Live device, described section by section.

Each function adds one part of the device to a ``Patch``: the controls the performer touches (in
presentation mode, inside Live's device strip), and the Max objects behind them. Everything the
device sends leaves through one ``udpsend``, fed by ``s ---osc`` boxes; every OSC message is built
by a ``prepend <address>`` (or a message box holding the address) whose input is typed by an
``i``/``f``/``pack`` box, so the type tags Max puts on the wire are visible in the patch and are
checked against the daemon's dispatcher (``oscpaths``). Per-voice addresses are rewritten from the
voice number by ``sprintf set /stylevae/%ld/...`` boxes. Names starting with ``---`` are local to
one device instance in Live, so several devices on several tracks do not hear each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from max_patches.amxd import MIDI_EFFECT, amxdtype
from max_patches.patcher import Box, Patch

PREFIX = "/stylevae"
DAEMON_HOST = "127.0.0.1"
DAEMON_PORT = 9400  # the daemon's default OSC port (bridge.config.DEFAULT_OSC_PORT)
REPLY_PORT = 9401  # where this device listens for replies; sent to the daemon in /stylevae/hello
START_HINT = "start it: stylevae serve"

DEVICE_WIDTH = 600.0
DEVICE_HEIGHT = 169.0  # Live's device strip

PING_MS = 1000  # one ping a second ...
WATCHDOG_MS = 3500  # ... and the daemon counts as gone after three missed pongs
TICKS_PER_BEAT = 480.0  # Max's transport counts 480 ticks a quarter note

# Local send/receive names (``---`` makes them unique per device instance).
OSC = "---osc"
VOICE = "---voice"
RESEND = "---resend"
CONNECTED = "---connected"
PLAYING = "---playing"
BEAT_NOW = "---beatnow"
MIX_BANG = "---mixbang"
CHANNEL = "---channel"

FLOAT, INT, ENUM = 0, 1, 2  # parameter_type
UNIT_INT, UNIT_FLOAT = 0, 1  # parameter_unitstyle
PLACEHOLDER_STYLES = [f"style {i}" for i in range(16)]  # until the daemon sends its style names


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

    def attributes(self) -> dict:
        """The ``saved_attribute_attributes`` Max writes for a ``live.*`` object's parameter."""
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
        elif self.type in (FLOAT, INT):
            valueof["parameter_unitstyle"] = UNIT_FLOAT if self.type == FLOAT else UNIT_INT
        if self.stored_only:
            valueof["parameter_invisible"] = 1
        return {"parameter_enable": 1, "saved_attribute_attributes": {"valueof": valueof}}


def control(p: Patch, maxclass: str, param: Param, rect: tuple[float, float, float, float], **attrs) -> Box:
    """A ``live.*`` control shown in the device strip at ``rect`` (x, y, width, height)."""
    return p.add(
        maxclass,
        varname=param.longname.lower().replace(" ", "_"),
        presentation=1,
        presentation_rect=list(rect),
        **param.attributes(),
        **attrs,
    )


def switch(p: Patch, longname: str, shortname: str, rect: tuple, off: str, on: str, button: bool = False) -> Box:
    """A ``live.text`` on/off switch (or a momentary button) labelled in the strip."""
    param = Param(longname, shortname, ENUM, 0, 1, 0, ("off", "on"))
    return control(p, "live.text", param, rect, mode=0 if button else 1, text=off, texton=on)


def label(p: Patch, text: str, rect: tuple, **attrs) -> Box:
    """A static caption in the device strip."""
    return p.add("comment", text, presentation=1, presentation_rect=list(rect), **attrs)


def osc_out(p: Patch) -> Box:
    """A local send into the single ``udpsend``."""
    return p.obj(f"s {OSC}")


def voice_address(p: Patch, command: str, args: str = "", as_message: bool = False) -> Box:
    """A ``prepend`` (or message box) holding ``/stylevae/<v>/command``, rewritten on every voice change."""
    first = f"{PREFIX}/1/{command}" + (f" {args}" if args else "")
    target = p.msg(first) if as_message else p.obj(f"prepend {first}")
    rewrite = p.obj(f"sprintf set {PREFIX}/%ld/{command}" + (f" {args}" if args else ""))
    p.chain(p.obj(f"r {VOICE}"), rewrite, target)
    p.connect(target, 0, osc_out(p))
    return target


def stored(p: Patch, kind: str, command: str) -> Box:
    """A typed store (``i`` or ``f``) feeding a per-voice address; ``---resend`` replays it to the daemon."""
    store = p.obj(kind)
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
    p.chain(host, p.obj("prepend host"), osc_out(p))

    label(p, "Port", (6, 104, 36, 18))
    port = control(p, "live.numbox", Param("Daemon Port", "Port", INT, 1024, 65535, DAEMON_PORT, stored_only=True),
                   (44, 104, 60, 15))
    p.chain(port, p.obj("prepend port"), osc_out(p))

    label(p, "Reply", (6, 124, 36, 18))
    reply = control(p, "live.numbox", Param("Reply Port", "Reply", INT, 1024, 65535, REPLY_PORT, stored_only=True),
                    (44, 124, 60, 15))
    split = p.obj("t i i")
    reply_store = p.obj(f"i {REPLY_PORT}")
    listen = p.obj("prepend port")
    p.connect(reply, 0, split)
    p.connect(split, 1, reply_store, 1)
    p.connect(split, 0, listen)
    p.connect(listen, 0, udpreceive)
    return udpreceive, reply_store


def add_connection(p: Patch, reply_store: Box) -> dict[str, Box]:
    """Ping once a second, register with hello while disconnected, and show the daemon's state."""
    p.section(1)
    label(p, "StyleVAE", (6, 4, 90, 18), fontsize=13.0, fontface=1)
    status = label(p, "daemon not running", (6, 24, 140, 18), varname="status")
    label(p, START_HINT, (6, 42, 140, 18), varname="hint", fontsize=9.0)
    error = label(p, "", (6, 146, 140, 20), varname="error", fontsize=9.0)

    metro = p.obj(f"metro {PING_MS}")
    tick = p.obj("t b b")
    ping = p.msg(f"{PREFIX}/ping")
    hello_gate = p.obj("gate 1 1")
    p.connect(metro, 0, tick)
    p.connect(tick, 1, hello_gate, 1)
    p.connect(tick, 0, ping)
    p.connect(ping, 0, osc_out(p))
    p.connect(hello_gate, 0, reply_store)
    p.chain(reply_store, p.obj(f"prepend {PREFIX}/hello"), osc_out(p))

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
    up_text = p.msg("set connected, textcolor 0.45 0.85 0.45 1.")
    down_text = p.msg("set daemon not running, textcolor 0.95 0.45 0.35 1.")
    p.connect(fan, 0, shown)
    p.connect(shown, 0, up_text)
    p.connect(shown, 1, down_text)
    p.connect(up_text, 0, status)
    p.connect(down_text, 0, status)
    return {"metro": metro, "pong": pong, "error": error}


def add_replies(p: Patch, udpreceive: Box, connection: dict[str, Box]) -> dict[str, Box]:
    """Route what the daemon sends back: pong, style names, errors and notes for this device's voice."""
    p.section(2)
    route = p.obj(f"route {PREFIX}/pong {PREFIX}/styles {PREFIX}/error {PREFIX}/1/note")
    note_address = p.obj(f"sprintf symout {PREFIX}/%ld/note")
    p.connect(udpreceive, 0, route)
    p.chain(p.obj(f"r {VOICE}"), note_address)
    p.connect(note_address, 0, route, 4)
    p.connect(route, 0, connection["pong"])
    show_error = p.obj("prepend set error:")
    p.connect(route, 2, show_error)
    p.connect(show_error, 0, connection["error"])
    styles = p.obj("t b a a")
    p.connect(route, 1, styles)
    notes = p.obj("t l")
    p.connect(route, 3, notes)
    return {"styles": styles, "notes": notes}


def add_voice(p: Patch) -> None:
    """Voice number, channel, octave, velocity, play (following Live's transport), hold and reseed."""
    p.section(3)
    label(p, "Voice", (156, 6, 40, 18))
    voice = control(p, "live.numbox", Param("Voice", "Voice", INT, 1, 16, 1), (198, 6, 48, 15))
    change = p.obj("t b i b")
    p.connect(voice, 0, change)
    stop_old = voice_address(p, "play", "0", as_message=True)
    p.connect(change, 2, stop_old)
    p.connect(change, 1, p.obj(f"s {VOICE}"))
    p.connect(change, 0, p.obj(f"s {RESEND}"))

    label(p, "Chan", (156, 26, 40, 18))
    channel = control(p, "live.numbox", Param("Channel", "Chan", INT, 1, 16, 1), (198, 26, 48, 15))
    fan = p.obj("t i i")
    p.connect(channel, 0, fan)
    p.connect(fan, 1, p.obj(f"s {CHANNEL}"))
    p.connect(fan, 0, stored(p, "i", "channel"))

    label(p, "Oct", (156, 46, 40, 18))
    octave = control(p, "live.numbox", Param("Octave", "Oct", INT, -4, 4, 0), (198, 46, 48, 15))
    p.connect(octave, 0, stored(p, "i", "octave"))

    label(p, "Vel", (156, 66, 40, 18))
    velocity = control(p, "live.numbox", Param("Velocity", "Vel", INT, 1, 127, 100), (198, 66, 48, 15))
    p.connect(velocity, 0, stored(p, "i", "velocity"))

    play = switch(p, "Play", "Play", (156, 90, 90, 18), "Play", "Playing")
    both = p.obj("pak 0 0")
    p.connect(play, 0, both)
    p.connect(p.obj(f"r {PLAYING}"), 0, both, 1)
    p.chain(both, p.obj("expr $i1 && $i2"), p.obj("change"), stored(p, "i", "play"))

    hold = switch(p, "Hold", "Hold", (156, 112, 90, 18), "Hold", "Holding")
    p.connect(hold, 0, stored(p, "i", "hold"))

    reseed = switch(p, "Reseed", "Reseed", (156, 134, 90, 18), "Reseed", "Reseed", button=True)
    p.chain(reseed, p.obj("sel 1"), voice_address(p, "reseed", as_message=True))


def add_style(p: Patch, styles: Box) -> None:
    """Style A and B menus filled from the daemon's style list, and a blend between them sent as /mix."""
    p.section(4)
    label(p, "Style A", (256, 6, 60, 18))
    menu_a = control(p, "live.menu", Param("Style A", "Style A", ENUM, 0, 15, 0, tuple(PLACEHOLDER_STYLES)),
                     (256, 24, 140, 16))
    label(p, "Style B", (256, 46, 60, 18))
    menu_b = control(p, "live.menu", Param("Style B", "Style B", ENUM, 0, 15, 0, tuple(PLACEHOLDER_STYLES)),
                     (256, 64, 140, 16))
    blend = control(p, "live.dial", Param("Blend", "Blend", FLOAT, 0.0, 1.0, 0.0), (256, 90, 56, 48))

    names = p.obj("zl reg")
    fill = p.obj("prepend _parameter_range")
    p.connect(styles, 2, names, 1)
    p.connect(styles, 1, fill)
    p.connect(fill, 0, menu_a)
    p.connect(fill, 0, menu_b)
    p.connect(styles, 0, p.obj(f"s {MIX_BANG}"))

    # weight of style index $i1: (1 - blend) for style A ($i2), blend for style B ($i3)
    weight = p.obj("expr ($i1 == $i2) * (1. - $f4) + ($i1 == $i3) * $f4")
    on_a = p.obj("t b i i")
    p.connect(menu_a, 0, on_a)
    p.connect(on_a, 2, stored(p, "i", "style"))
    p.connect(on_a, 1, weight, 1)
    p.connect(on_a, 0, p.obj(f"s {MIX_BANG}"))
    on_b = p.obj("t b i")
    p.connect(menu_b, 0, on_b)
    p.connect(on_b, 1, weight, 2)
    p.connect(on_b, 0, p.obj(f"s {MIX_BANG}"))
    on_blend = p.obj("t b f")
    p.connect(blend, 0, on_blend)
    p.connect(on_blend, 1, weight, 3)
    p.connect(on_blend, 0, p.obj(f"s {MIX_BANG}"))

    # one weight per style: number the style names, weigh each index, group the weights, send
    p.section(5)
    order = p.obj("t b l b")
    p.chain(p.obj(f"r {MIX_BANG}"), names, order)
    p.connect(p.obj(f"r {RESEND}"), 0, names)
    clear = p.msg("zlclear")
    group = p.obj("zl group 64")
    number = p.obj("listfunnel")
    index = p.obj("zl slice 1")
    as_float = p.obj("f")
    p.connect(order, 2, clear)
    p.connect(clear, 0, group)
    p.connect(order, 1, number)
    p.chain(number, index, weight, as_float, group)
    p.connect(order, 0, group)
    p.connect(group, 0, voice_address(p, "mix"))


def add_generation(p: Patch) -> None:
    """Temperature, variation and density dials."""
    p.section(6)
    dials = (
        ("Temperature", "Temp", 0.1, 2.0, 1.0, 410.0),
        ("Variation", "Var", 0.0, 1.0, 0.3, 470.0),
        ("Density", "Dens", -1.0, 1.0, 0.0, 530.0),
    )
    for longname, shortname, low, high, initial, x in dials:
        dial = control(p, "live.dial", Param(longname, shortname, FLOAT, low, high, initial), (x, 6, 56, 48))
        p.connect(dial, 0, stored(p, "f", longname.lower()))


def add_transport(p: Patch, ping_metro: Box) -> None:
    """Tempo, play state and beat position to the daemon: on every change and on every beat.

    The Live API is used only after ``live.thisdevice`` says the device is ready.
    """
    p.section(7)
    ready = p.obj("live.thisdevice")
    init = p.obj("t b b b")
    find_song = p.msg("path live_set")
    path = p.obj("live.path")
    tempo = p.obj("live.observer @property tempo")
    playing = p.obj("live.observer @property is_playing")
    beats = p.obj("metro 4n @quantize 4n")
    start_beats = p.msg("1")
    start_ping = p.msg("1")
    p.connect(ready, 0, init)
    p.connect(init, 2, find_song)
    p.connect(find_song, 0, path)
    p.connect(path, 0, tempo, 1)
    p.connect(path, 0, playing, 1)
    p.connect(init, 1, start_beats)
    p.connect(start_beats, 0, beats)
    p.connect(init, 0, start_ping)
    p.connect(start_ping, 0, ping_metro)

    message = p.obj("pack 0. 0 0.")
    p.chain(message, p.obj(f"prepend {PREFIX}/transport"), osc_out(p))
    on_tempo = p.obj("t f f")
    p.connect(tempo, 0, on_tempo)
    p.connect(on_tempo, 1, message, 2)
    p.chain(on_tempo, p.obj("f"), p.obj(f"prepend {PREFIX}/tempo"), osc_out(p))
    on_play = p.obj("t b i i")
    p.connect(playing, 0, on_play)
    p.connect(on_play, 2, message, 1)
    p.connect(on_play, 1, p.obj(f"s {PLAYING}"))
    p.connect(on_play, 0, p.obj(f"s {BEAT_NOW}"))
    p.connect(beats, 0, p.obj(f"s {BEAT_NOW}"))

    now = p.obj("t b b")
    clock = p.obj("transport")
    to_beats = p.obj(f"/ {TICKS_PER_BEAT}")
    position = p.obj("f")
    p.chain(p.obj(f"r {BEAT_NOW}"), now)
    p.connect(now, 1, clock)
    p.connect(clock, 7, to_beats)
    p.connect(to_beats, 0, position, 1)
    p.connect(now, 0, position)
    p.connect(position, 0, message)


def add_note_output(p: Patch, notes: Box) -> None:
    """Optionally play the daemon's /stylevae/<v>/note messages into this track through ``midiout``.

    A note arrives when the decoder ends it, so its start may already be past: it is delayed until
    its start beat, or played at once for what is left of it. Incoming MIDI passes through.
    """
    p.section(8)
    enable = switch(p, "Note Output", "Notes", (256, 146, 140, 18), "Notes to MIDI port", "Notes to this track")
    gate = p.obj("gate 1")
    on_enable = p.obj("t i i")
    p.connect(enable, 0, on_enable)
    p.connect(on_enable, 1, gate)
    p.connect(notes, 0, gate, 1)

    arrive = p.obj("t l b")
    clock = p.obj("transport")
    to_beats = p.obj(f"/ {TICKS_PER_BEAT}")
    fields = p.obj("unpack 0 0 0. 0.")
    end = p.obj("+ 0.")
    start = p.obj("maximum 0.")
    split = p.obj("t f f")
    beat_split = p.obj("t f f")
    wait = p.obj("expr ($f1 - $f2) * 60000. / $f3")
    duration = p.obj("expr ($f2 - $f1) * 60000. / $f3")
    at_least = p.obj("maximum 1.")
    delay = p.obj("pipe 0 0 0. 0")
    notes = p.obj("makenote 100 250")
    pair = p.obj("pack 0 0")
    midi = p.obj("midiformat")
    out = p.obj("midiout")

    p.connect(gate, 0, arrive)
    p.connect(arrive, 1, clock)
    p.connect(clock, 7, to_beats)
    p.connect(to_beats, 0, start, 1)
    p.connect(to_beats, 0, wait, 1)
    p.connect(clock, 4, wait, 2)
    p.connect(clock, 4, duration, 2)
    p.connect(arrive, 0, fields)
    p.connect(fields, 3, end, 1)
    p.connect(fields, 2, beat_split)
    p.connect(beat_split, 1, end)
    p.connect(end, 0, duration, 1)
    p.connect(beat_split, 0, start)
    p.connect(start, 0, split)
    p.connect(split, 1, wait)
    p.connect(wait, 0, delay, 3)
    p.connect(split, 0, duration)
    p.connect(duration, 0, at_least)
    p.connect(at_least, 0, delay, 2)
    p.connect(fields, 1, delay, 1)
    p.connect(fields, 0, delay)
    p.connect(delay, 2, notes, 2)
    p.connect(delay, 1, notes, 1)
    p.connect(delay, 0, notes)
    p.connect(notes, 1, pair, 1)
    p.connect(notes, 0, pair)
    p.connect(pair, 0, midi)
    p.connect(p.obj(f"r {CHANNEL}"), 0, midi, 6)
    p.connect(midi, 0, out)
    p.chain(p.obj("midiin"), out)

    # every note-on gets its note-off: flush on stop and when note output is switched off
    flush = p.obj("t b b")
    p.chain(p.obj(f"r {PLAYING}"), p.obj("sel 0"), flush)
    off = p.obj("sel 0")
    p.connect(on_enable, 0, off)
    p.connect(off, 0, flush)
    p.connect(flush, 1, p.msg("clear"))
    p.connect(p.boxes[-1], 0, delay)
    p.connect(flush, 0, p.msg("stop"))
    p.connect(p.boxes[-1], 0, notes)


def build_device() -> Patch:
    """All sections of the device, wired together."""
    p = Patch()
    udpreceive, reply_store = add_network(p)
    connection = add_connection(p, reply_store)
    replies = add_replies(p, udpreceive, connection)
    add_voice(p)
    add_style(p, replies["styles"])
    add_generation(p)
    add_transport(p, connection["metro"])
    add_note_output(p, replies["notes"])
    return p


def patcher(p: Patch) -> dict:
    """The full ``.maxpat`` document of a MIDI-effect device, opening in presentation mode."""
    return {
        "patcher": {
            "fileversion": 1,
            "appversion": {"major": 8, "minor": 6, "revision": 0, "architecture": "x64", "modernui": 1},
            "classnamespace": "box",
            "rect": [100.0, 100.0, 2400.0, 900.0],
            "openinpresentation": 1,
            "default_fontsize": 10.0,
            "default_fontname": "Arial Bold",
            "gridsize": [8.0, 8.0],
            "devicewidth": DEVICE_WIDTH,
            "description": "StyleVAE Bridge: plays the style-morphing melody daemon from Live.",
            "boxes": p.boxes_json(),
            "lines": p.lines_json(),
            "dependency_cache": [],
            "latency": 0,
            "is_mpe": 0,
            "project": {"amxdtype": amxdtype(MIDI_EFFECT)},
        }
    }
