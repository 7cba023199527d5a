"""The ``.amxd`` container: how Live finds a Max patcher and its device type inside one file.

An ``.amxd`` is a flat run of chunks, each a 4-byte ASCII tag, a little-endian uint32 payload size
and the payload (no padding). This module writes the three chunks a Max for Live device needs and
reads any ``.amxd`` back, keeping chunks it does not know so nothing is silently lost:

- ``ampf``: 4 bytes, the device type (``mmmm`` MIDI effect, ``aaaa`` audio effect, ``iiii`` instrument);
- ``meta``: 4 bytes of flags (zero for an unfrozen device);
- ``ptch``: the patcher as UTF-8 JSON followed by one NUL byte.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field

MIDI_EFFECT = b"mmmm"
DEVICE_TYPES = {b"mmmm": "midi effect", b"aaaa": "audio effect", b"iiii": "instrument"}
_HEADER = struct.Struct("<4sI")


class AmxdError(ValueError):
    """The bytes are not a well-formed ``.amxd`` this reader understands."""


@dataclass(frozen=True)
class Chunk:
    tag: bytes
    payload: bytes


@dataclass
class Device:
    """What an ``.amxd`` holds: its device type, meta flags, patcher, and any other chunks."""

    device_type: bytes
    meta: bytes
    patcher: dict
    extra: list[Chunk] = field(default_factory=list)


def amxdtype(device_type: bytes) -> int:
    """The ``project.amxdtype`` number Max stores in the patcher: the type tag read as a big-endian int."""
    return int.from_bytes(device_type, "big")


def encode_chunks(chunks: list[Chunk]) -> bytes:
    """Concatenate chunks as tag + little-endian size + payload."""
    return b"".join(_HEADER.pack(c.tag, len(c.payload)) + c.payload for c in chunks)


def decode_chunks(data: bytes) -> list[Chunk]:
    """Split ``.amxd`` bytes into chunks; fail loudly on a truncated or trailing fragment."""
    chunks, pos = [], 0
    while pos < len(data):
        if pos + _HEADER.size > len(data):
            raise AmxdError(f"truncated chunk header at byte {pos}")
        tag, size = _HEADER.unpack_from(data, pos)
        start = pos + _HEADER.size
        if start + size > len(data):
            raise AmxdError(f"chunk {tag!r} at byte {pos} claims {size} bytes, only {len(data) - start} left")
        chunks.append(Chunk(tag, data[start : start + size]))
        pos = start + size
    return chunks


def encode_device(patcher_json: str, device_type: bytes = MIDI_EFFECT) -> bytes:
    """The ``.amxd`` bytes for a patcher given as its JSON text (kept verbatim, so builds are reproducible)."""
    if device_type not in DEVICE_TYPES:
        raise AmxdError(f"unknown device type {device_type!r}")
    patcher = json.loads(patcher_json)
    declared = patcher["patcher"].get("project", {}).get("amxdtype")
    if declared != amxdtype(device_type):
        raise AmxdError(f"patcher declares project.amxdtype {declared}, the container says {device_type!r}")
    return encode_chunks(
        [
            Chunk(b"ampf", device_type),
            Chunk(b"meta", bytes(4)),
            Chunk(b"ptch", patcher_json.encode("utf-8") + b"\0"),
        ]
    )


def decode_device(data: bytes) -> Device:
    """Read an ``.amxd``: the first chunk must be ``ampf``, and a ``ptch`` chunk must hold NUL-terminated JSON."""
    chunks = decode_chunks(data)
    if not chunks or chunks[0].tag != b"ampf":
        raise AmxdError("an .amxd starts with an 'ampf' chunk")
    by_tag = {c.tag: c for c in chunks}
    if b"ptch" not in by_tag:
        raise AmxdError("no 'ptch' chunk")
    raw = by_tag[b"ptch"].payload
    if not raw.endswith(b"\0"):
        raise AmxdError("the 'ptch' payload is not NUL terminated")
    extra = [c for c in chunks if c.tag not in (b"ampf", b"meta", b"ptch")]
    meta = by_tag[b"meta"].payload if b"meta" in by_tag else b""
    return Device(chunks[0].payload, meta, json.loads(raw[:-1].decode("utf-8")), extra)
