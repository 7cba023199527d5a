"""The daemon's settings: one typed dataclass whose defaults work out of the box."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from stylevae.model.network.checkpoint import DEFAULT_CHECKPOINT

DEFAULT_OSC_PORT = 9400
BACKENDS = ("auto", "alsa", "jack", "coremidi")
QUANTIZE = ("step", "beat", "bar")
MIN_LOOKAHEAD = 0.5  # beats: the decoder is always between lookahead - 1 step and lookahead ahead
# One intra-op thread. A second pays only in back-to-back steps, whose weights stay in the core's caches; the daemon
# steps once a 16th, each time on a core that slept, where a second thread saved no time inside the daemon and
# its wake-up, on an otherwise idle machine, cost 12.4-12.5 ms (p50) a step (docs/bridge.md, bench/results/).
DEFAULT_TORCH_THREADS = 1
# The longest name a virtual port's client may have: JACK's (JACK_CLIENT_NAME_SIZE, 64 bytes with the final NUL, in
# jack2's JackConstants.h) and the ALSA sequencer's (the 64-byte name of snd_seq_client_info). Longer, JACK refused
# the client and the daemon could only say that no server was reached.
MAX_PORT_NAME_BYTES = 63


@dataclass(frozen=True)
class BridgeConfig:
    checkpoint: Path = DEFAULT_CHECKPOINT
    device: str = "auto"  # auto: CUDA when present, else CPU
    osc_host: str = "127.0.0.1"  # loopback unless a LAN bind is asked for explicitly
    osc_port: int = DEFAULT_OSC_PORT
    midi_backend: str = "auto"
    midi_port: str | None = None  # an existing output port to use instead of a virtual one
    port_name: str = "StyleVAE"  # the virtual port's client name
    start_jack: bool = False  # start a dummy-driver JACK server when no MIDI backend is there
    bpm: float = 120.0  # the free-running clock's tempo until the transport says otherwise
    lookahead_beats: float = 0.5  # how far the decoder runs ahead of the playhead
    quantize: str = "step"  # when voice changes take effect: next step, beat or bar
    jump_threshold_beats: float = 0.25  # a transport error above this is a locate, not drift
    max_correction: float = 0.1  # the most the clock speeds up or slows down to phase-lock (fraction)
    late_drop_beats: float = 0.125  # a note-on later than this is dropped, never played as a burst
    seed: int | None = None  # for reproducible phrases
    torch_threads: int = DEFAULT_TORCH_THREADS  # intra-op threads for the decoder step
    keep_awake: bool = False  # Linux: keep every core from going idle while serving (bridge/awake.py)

    def __post_init__(self) -> None:
        if self.midi_backend not in BACKENDS:
            raise ValueError(f"MIDI backend {self.midi_backend!r} is not one of {', '.join(BACKENDS)}")
        if self.quantize not in QUANTIZE:
            raise ValueError(f"quantize {self.quantize!r} is not one of {', '.join(QUANTIZE)}")
        if not MIN_LOOKAHEAD <= self.lookahead_beats <= 4:
            raise ValueError(f"lookahead must be within {MIN_LOOKAHEAD}..4 beats, got {self.lookahead_beats}")
        if not 20 <= self.bpm <= 999:
            raise ValueError(f"tempo must be within 20..999 BPM, got {self.bpm}")
        if not 1 <= self.torch_threads <= 64:
            raise ValueError(f"torch threads must be within 1..64, got {self.torch_threads}")
        if not 0 < self.osc_port < 65536:
            raise ValueError(f"OSC port must be within 1..65535, got {self.osc_port}")
        if self.midi_port is not None and not self.midi_port.strip():  # else read as no --midi-port: a virtual port
            raise ValueError("--midi-port needs a port's name (see --list-ports), or none")
        if not 0 < len(self.port_name.encode()) <= MAX_PORT_NAME_BYTES or ":" in self.port_name:
            raise ValueError(f"port name {self.port_name!r} must be 1..{MAX_PORT_NAME_BYTES} bytes long, without ':' "
                             "(JACK's separator of client and port)")
        # rtmidi hands CoreMIDI its names as ASCII: another name there is no string, which CoreFoundation's release
        # of it ends the process on, before any Python error
        if sys.platform == "darwin" and not self.port_name.isascii():
            raise ValueError(f"port name {self.port_name!r}: on macOS use ASCII letters, digits and signs only")
