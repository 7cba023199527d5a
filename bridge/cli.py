"""The ``stylevae`` command: one entry point, a subcommand per job."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from stylevae.bridge import config as bridge_config
from stylevae.bridge import demo
from stylevae.model import cli as model_cli
from stylevae.model.errors import UserError, seed
from stylevae.model.network import versions
from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT


def add_serve(sub: argparse._SubParsersAction) -> None:
    d = bridge_config.BridgeConfig()
    serve = sub.add_parser(
        "serve",
        help="run the live daemon: OSC in, generated melodies out to a virtual MIDI port",
        description="Load a checkpoint once, open a virtual MIDI output port and listen for OSC from the Max for "
        "Live device (address space: docs/osc.md). Runs until SIGINT/SIGTERM, then ends every note. On Linux "
        "without an ALSA sequencer or a JACK server, --start-jack starts a JACK server with the dummy driver.",
    )
    serve.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT, help="checkpoint folder (default: the "
                       "shipped model)")
    serve.add_argument("--device", default=d.device, help="torch device: auto (CUDA when present), cpu, cuda, "
                       "cuda:N, mps")
    serve.add_argument("--osc-host", default=d.osc_host, help="address to listen on (default: %(default)s; a LAN "
                       "address exposes the daemon to the network)")
    serve.add_argument("--osc-port", type=int, default=d.osc_port, help="UDP port (default: %(default)s)")
    serve.add_argument("--midi-backend", choices=bridge_config.BACKENDS, default=d.midi_backend,
                       help="MIDI API (default: %(default)s: CoreMIDI on macOS, ALSA when /dev/snd/seq exists, "
                       "else a running JACK server)")
    serve.add_argument("--midi-port", metavar="NAME", help="send to this existing output port instead of opening a "
                       "virtual one (e.g. loopMIDI on Windows; see --list-ports), or none: no MIDI output, the notes "
                       "go only to OSC clients (the device's Notes to this track mode)")
    serve.add_argument("--port-name", default=d.port_name, help="the virtual port's client name (on macOS the "
                       f"port's own name, ASCII only), up to {bridge_config.MAX_PORT_NAME_BYTES} bytes, no ':' "
                       "(default: %(default)s)")
    serve.add_argument("--list-ports", action="store_true", help="list the MIDI output ports and exit")
    serve.add_argument("--start-jack", action="store_true", help="on Linux, start a JACK server with the dummy "
                       "driver if there is neither an ALSA sequencer nor a running JACK server")
    serve.add_argument("--bpm", type=float, default=d.bpm, help="tempo until the transport says otherwise "
                       "(default: %(default)s)")
    serve.add_argument("--lookahead", type=float, default=d.lookahead_beats, help="beats the decoder runs ahead "
                       "of the playhead (default: %(default)s)")
    serve.add_argument("--quantize", choices=bridge_config.QUANTIZE, default=d.quantize,
                       help="when voice changes take effect (default: %(default)s)")
    serve.add_argument("--seed", type=seed, help="seed the voices' phrases, for reproducible runs")
    serve.add_argument("--torch-threads", type=int, default=d.torch_threads, help="threads for torch, which "
                       "conditions each new phrase; the decoder's step is a compiled kernel on one thread "
                       "(default: %(default)s)")
    serve.add_argument("--keep-awake", action="store_true", help="on Linux, keep every core from going idle while "
                       "serving, for notes on time where a waking core is slow (a laptop, a virtual machine); costs "
                       "power (docs/bridge.md)")
    serve.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> None:
    from stylevae.bridge import serve

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        config = bridge_config.BridgeConfig(
            checkpoint=args.checkpoint,
            device=args.device,
            osc_host=args.osc_host,
            osc_port=args.osc_port,
            midi_backend=args.midi_backend,
            midi_port=args.midi_port,
            port_name=args.port_name,
            start_jack=args.start_jack,
            bpm=args.bpm,
            lookahead_beats=args.lookahead,
            quantize=args.quantize,
            seed=args.seed,
            torch_threads=args.torch_threads,
            keep_awake=args.keep_awake,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.list_ports:
        serve.list_ports(config, sys.stdout)
        return
    serve.serve(config)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stylevae",
        description="StyleVAE Bridge: a style-morphing melody generator for Ableton Live.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    model_cli.add_commands(sub)
    add_serve(sub)
    demo.add_command(sub)
    return parser


def tolerant_output() -> None:
    """A character the output's encoding lacks (the help's μ, the report's ≥) is written as '?' instead of ending the
    command: Windows writes to a pipe or file in its ANSI code page (cp1252 and the like), so `stylevae --help >
    help.txt` or a log redirected there died with UnicodeEncodeError. A console takes every character anyway."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    tolerant_output()
    args = build_parser().parse_args(argv)
    try:
        versions.check()
        args.run(args)
    except UserError as exc:
        print(f"stylevae {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
