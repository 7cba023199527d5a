"""``stylevae serve``: wire the parts together, print what was opened, run until SIGINT/SIGTERM.

Threads: OSC (receive, validate, clock updates), engine (decoding), note sender (MIDI out on time);
the main thread only waits for a signal. On exit every sounding note is ended before the port closes.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import signal
import sys
import threading
import time
from typing import TextIO

import torch

from stylevae.bridge import commands, jack, jack_out, midi_out, platform
from stylevae.bridge.awake import KeepAwake
from stylevae.bridge.clock import Clock
from stylevae.bridge.config import BridgeConfig
from stylevae.bridge.console import ConsoleClose
from stylevae.bridge.engine import Engine
from stylevae.bridge.osc_server import OscServer
from stylevae.bridge.realtime import SystemTimer, raise_nice
from stylevae.bridge.scheduler import Scheduler
from stylevae.model.decoding import decoder
from stylevae.model.errors import UserError
from stylevae.model.network import checkpoint as ckpt

log = logging.getLogger("stylevae.serve")

SWITCH_INTERVAL = 0.0005  # seconds; the note sender gets the GIL within this when the decoder holds it


def setup_torch(config: BridgeConfig) -> torch.device:
    """Once per process: thread counts and the device (CUDA when present, else CPU)."""
    torch.set_num_threads(config.torch_threads)
    if config.device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(config.device)
    except RuntimeError:  # torch's own message lists every device type it knows, in one long line
        device = None
    if device is None or device.type not in ("cpu", "cuda", "mps"):
        raise UserError(f"--device {config.device}: the daemon runs on auto, cpu, cuda, cuda:N or mps")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise UserError("--device mps: Apple's Metal (MPS) is not available here (use --device cpu)")
    if device.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            raise UserError(f"--device {config.device}: no CUDA device is available (use --device cpu)")
        if (device.index or 0) >= count:
            raise UserError(f"--device {config.device}: there are {count} CUDA device(s), cuda:0..cuda:{count - 1}")
    return device


def open_midi(
    config: BridgeConfig,
) -> tuple[midi_out.MidiOut | jack_out.JackOut | midi_out.NoPort, jack.DummyServer | None]:
    """The MIDI port, starting a dummy JACK server first when asked to and nothing else is there. On JACK, the
    daemon's own JACK output (events at their frame, nothing lost); elsewhere python-rtmidi's port."""
    if config.midi_port == platform.NO_PORT:
        return midi_out.NoPort(), None
    server = None
    if config.start_jack and platform.starts_jack(platform.Machine.probe(), config.midi_backend):
        try:
            server = jack.ensure_server()
        except jack.JackError as exc:
            raise UserError(str(exc)) from None
    try:
        backend = midi_out.choose_backend(config.midi_backend, config.midi_port is not None)
        if backend == "jack":
            return jack_out.JackOut(config.port_name, config.midi_port), server
        return midi_out.MidiOut(backend, config.port_name, config.midi_port), server
    except BaseException as exc:  # no port, or a stop while opening it: the server started for it goes too
        if server is not None:
            server.stop()
        if isinstance(exc, midi_out.MidiError):
            raise UserError(str(exc)) from None
        raise


def list_ports(config: BridgeConfig, out: TextIO) -> None:
    shown = 0
    for backend in platform.listed_backends(platform.Machine.probe(), config.midi_backend):
        try:
            midi_out.choose_backend(backend)
            ports = midi_out.list_ports(backend)
        except midi_out.MidiError as exc:
            if config.midi_backend != "auto":
                raise UserError(str(exc)) from None
            continue
        shown += 1
        print(f"{backend}: {len(ports)} port(s) the daemon can send to with --midi-port", file=out)
        for name in ports:
            print(f"  {name}", file=out)
    if not shown:
        raise UserError(f"no MIDI backend is available; {midi_out.HELP}")


def stop_signals() -> list[int]:
    """The signals that end serving cleanly, every note ended: SIGINT (Ctrl-C) and SIGTERM, and on Windows SIGBREAK
    (Ctrl-Break, and what ``stylevae demo`` sends the daemon there), which would otherwise end the process at once
    with notes sounding."""
    return [signal.SIGINT, signal.SIGTERM] + ([signal.SIGBREAK] if hasattr(signal, "SIGBREAK") else [])


def serve(config: BridgeConfig, out: TextIO = sys.stdout) -> None:
    started = time.perf_counter()
    stop, starting = threading.Event(), threading.Event()
    starting.set()

    def on_signal(signum: int, frame: object) -> None:
        """Once serving, end it; before, abandon the start-up (as Ctrl-C does), through the same clean-up, so that
        a JACK server the daemon started or a port it opened is not left behind by a stop during a long start (the
        first one compiles the decoder's kernels for some 20 s)."""
        stop.set()
        if starting.is_set():
            starting.clear()  # once: a second signal does not break into the clean-up the first one began
            raise KeyboardInterrupt

    with contextlib.ExitStack() as parts:  # each part undone in the reverse order of its start, however serving ends
        for signum in stop_signals():  # the caller's handlers come back: serve may run in-process
            parts.callback(signal.signal, signum, signal.signal(signum, on_signal))
        parts.enter_context(ConsoleClose())  # Windows' console closing: as Ctrl-C, once every other part is undone
        raise_nice()  # before any thread or process starts: they all inherit it
        device = setup_torch(config)
        parts.callback(sys.setswitchinterval, sys.getswitchinterval())
        sys.setswitchinterval(SWITCH_INTERVAL)
        try:
            loaded = ckpt.load(config.checkpoint, device)
        except ckpt.CheckpointError as exc:
            raise UserError(str(exc)) from None
        port, server = open_midi(config)
        parts.callback(lambda: server is not None and server.stop())  # the server as it is then: it may be restarted
        parts.callback(port.close)
        clock = Clock(config.bpm, config.jump_threshold_beats, config.max_correction)
        timer = SystemTimer()
        sender = Scheduler(clock, port, config.late_drop_beats, timer=timer)
        context = commands.Context(tuple(loaded.styles), loaded.vocab, loaded.steps)
        osc = None
        try:
            engine = Engine(loaded, clock, sender, lambda a, v: osc.replies.send(a, v),
                            config.lookahead_beats, config.quantize, config.seed)
            osc = OscServer(config.osc_host, config.osc_port, context, clock, engine)
        except OSError as exc:
            raise UserError(str(exc)) from None
        warm_up(engine)
        gc.freeze()  # start-up's objects (torch, the model) leave the collector's view: shorter pauses while playing
        awake = parts.enter_context(KeepAwake(config.keep_awake))  # from the main thread, which its spinners die with
        parts.callback(lambda: log.info("%s; %s; %s", engine.summary(), sender.summary(), osc.summary()))
        # stopped in the reverse order: the engine's last word (a /cut for each voice) before the OSC replies close
        for part in (timer, sender, osc, engine):
            part.start()
            parts.callback(part.stop)
        host, osc_port = osc.address
        jack_note = f", JACK server {server.name!r} started by the daemon" if server else ""
        print(
            f"StyleVAE Bridge ready in {time.perf_counter() - started:.1f} s\n"
            f"  MIDI out : {port.name} ({port.backend}{jack_note})\n"
            f"  OSC in   : {host}:{osc_port} UDP (replies go to the port given in /stylevae/hello)\n"
            f"  model    : {loaded.path} ({len(loaded.styles)} styles: {', '.join(loaded.styles)}; "
            f"{loaded.steps}-step phrases)\n"
            f"  device   : {device} ({torch.get_num_threads()} torch thread(s)); lookahead {config.lookahead_beats:g} "
            f"beat; quantize {config.quantize}; clock {config.bpm:g} BPM until the transport says otherwise"
            + (f"\n  cores    : kept awake: {awake.how}" if config.keep_awake else
               f"\n  cores    : {advice}" if (advice := awake.advice()) else "")
            + (f"\n  timer    : {timer.how}" if timer.tick else ""),  # only where waits end on a coarse tick
            file=out,
            flush=True,
        )
        starting.clear()
        while not stop.wait(0.5):
            if server is not None:
                server = keep_running(server)
        log.info("stopping: all notes off")
    print("StyleVAE Bridge stopped (all notes off)", file=out, flush=True)


def keep_running(server: jack.DummyServer) -> jack.DummyServer:
    """The JACK server the daemon started, started again (under its name) if it died, so that the JACK output
    finds it and reopens its port; said once per death."""
    if server.process.poll() is None:
        return server
    if not server.died_reported:
        log.error("the JACK server %r the daemon started died (exit code %s); starting it again",
                  server.name, server.process.returncode)
        server.died_reported = True
    try:
        restarted = jack.DummyServer(server.name, server.rate, server.period)
    except (jack.JackError, OSError):  # OSError: no process or file could be made (a full table, no memory)
        return server  # tried again on the next round
    server.stop()
    log.warning("the JACK server %r is running again", server.name)
    return restarted


def warm_up(engine: Engine) -> None:
    """One throwaway decoder step, so the first real one is not slowed by torch's lazy set-up, nor by compiling the
    decoder's kernels: the first start after an install or an update compiles them, and says so, since it takes
    seconds; numba caches them on disk for the starts after it."""
    compiling = not decoder.compiled_on_disk()
    if compiling:
        log.info("compiling the decoder's kernels: once after an install or an update, about 20 s")
    started = time.perf_counter()
    engine.warm_up()
    if compiling:
        log.info("compiled in %.1f s; later starts load them from numba's cache", time.perf_counter() - started)
