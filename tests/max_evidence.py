"""Facts about how Max saves devices, taken from real Max-saved files, for the tests of the device.

``tests/data/max_evidence.json`` holds, with the repository, commit and path each came from:

- ``objects``: boxes as Max saved them — class, text, inlet count and outlet types — for every class the
  device uses (several argument shapes each, from patchers saved by Max 8 or 9);
- ``parameters``: the parameter attributes Max saved for ``live.*`` controls (type, range, unit style …);
- ``devices``: the container and patcher facts of each ``.amxd`` (chunk order, ``meta`` value, device type,
  ``openrect``, the parameter registry).

The sources are unfrozen devices and patchers saved by Max itself. Left out on purpose: frozen devices
(the collective around the patcher is Max's own format), and repositories whose patchers are written
by a program rather than saved by Max (``MatthewCallis/motif-m4l`` generates its ``.maxpat``).

Regenerate the file from ``fetch``-ed snapshots (``/work/.mirror/<owner>+<name>/repo``)::

    python tests/max_evidence.py /work/.mirror > tests/data/max_evidence.json

Only the facts are stored; no patcher is copied.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stylevae.max_patches.objects import NEWOBJ_CLASSES, UI_CLASSES, atom_type, positional, sprintf_specs  # noqa: E402

EVIDENCE = Path(__file__).resolve().parent / "data" / "max_evidence.json"
BEFORE = EVIDENCE.with_name("device_before_fixes.maxpat")

# (repository, files taken) — every file is a device or patcher saved by Max, unfrozen.
SOURCES = (
    ("Ableton/m4l-connection-kit", r"JSON Video/JSON Video\.amxd"),  # the kit's only unfrozen device
    ("kentaro/max-for-live", r".*\.amxd"),
    ("zsteinkamp/m4l-Knobbler4", r"(Project|perftest|unused/node-check)/[^/]*(?<!-frozen)\.(amxd|maxpat)"),
    ("pdmeyer/philip-meyer-max-tutorials", r".*\.(amxd|maxpat)"),
    ("Cycling74/max-sdk", r"help/.*\.maxhelp"),
    ("Cycling74/max-test", r".*\.(maxhelp|maxpat)"),
    ("Cycling74/n4m-examples", r".*\.maxpat"),
)
MIN_MAJOR = 8  # the device is written as Max 8.6 saves it; older versions saved some counts differently
PER_SHAPE = 3  # examples kept for each distinct (class, argument kinds, counts)


def class_of(box: dict) -> str:
    """``route`` for an object box ``route a b``; the maxclass for anything else."""
    if box["maxclass"] == "newobj":
        return (box.get("text") or "").split(" ")[0]
    return box["maxclass"]


def _kind(arg: str) -> str:
    if arg in ("i", "f", "s"):
        return arg
    return atom_type(arg) or "symbol"


def features(box: dict) -> frozenset[str]:
    """The parts of a box's arguments its inlet and outlet counts depend on, per its class's rule.

    ``t``: the letters; ``pack``/``pak``/``unpack``: the argument kinds; ``route``/``sel``: the selector kinds;
    ``sprintf``: ``symout`` and the conversions; ``/``: the argument's type. Other classes: none (their
    arguments are values: an initial number, an interval, a host).
    """
    name = class_of(box)
    if box["maxclass"] != "newobj":
        return frozenset()
    args = positional((box.get("text") or "").split()[1:])
    if name == "t":
        return frozenset(f"letter {a}" if a in ("b", "i", "f", "l", "s") else "constant" for a in args)
    if name in ("pack", "pak", "unpack", "route", "sel"):
        return frozenset(_kind(a) for a in args) or frozenset({"no arguments"})
    if name == "sprintf":
        return frozenset((["symout"] if args[:1] == ["symout"] else []) + [f"%{c}" for c in sprintf_specs(args)])
    if name == "/":
        return frozenset({atom_type(args[0]) if args else "no argument"})
    return frozenset()


# --- reading snapshots --------------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    out, pos = [], 0
    while pos + 8 <= len(data):
        tag, size = struct.unpack_from("<4sI", data, pos)
        out.append((tag, data[pos + 8 : pos + 8 + size]))
        pos += 8 + size
    return out


def _patchers(patcher: dict):
    """A patcher and its subpatchers of Max's own box namespace (not gen~ or RNBO code inside them)."""
    if patcher.get("classnamespace", "box") != "box":
        return
    yield patcher
    for b in patcher.get("boxes", []):
        if "patcher" in b["box"]:
            yield from _patchers(b["box"]["patcher"])


def _version(patcher: dict) -> tuple[int, int, int]:
    v = patcher.get("appversion") or {}
    return v.get("major", 0), v.get("minor", 0), v.get("revision", 0)


def collect(mirror: Path) -> dict:
    """The facts, for the classes of the count rules and those of the device's earlier patch."""
    before = json.loads(BEFORE.read_text(encoding="utf-8"))["patcher"]["boxes"]
    known = set(NEWOBJ_CLASSES) | set(UI_CLASSES) | {class_of(b["box"]) for b in before}
    sources, objects, parameters, devices = {}, [], [], []
    seen: dict[tuple, int] = {}
    for repo_name, pattern in SOURCES:
        repo = mirror / repo_name.replace("/", "+") / "repo"
        commit = _git(repo, "rev-parse", "HEAD").decode().strip()
        paths = [p for p in _git(repo, "ls-tree", "-r", "-z", "--name-only", commit).decode().split("\0")
                 if p and re.fullmatch(pattern, p)]
        for path in sorted(paths):
            data = _git(repo, "show", f"{commit}:{path}")
            device = None
            if path.endswith(".amxd"):
                chunks = _chunks(data)
                ptch = dict(chunks).get(b"ptch", b"")
                if not ptch.startswith(b"{"):
                    continue  # frozen
                device = {"chunks": [t.decode("latin-1") for t, _ in chunks], "type": chunks[0][1].decode("latin-1"),
                          "meta": int.from_bytes(dict(chunks)[b"meta"], "little") if b"meta" in dict(chunks) else None}
                data = ptch.rstrip(b"\0")
            try:
                top = json.loads(data.decode("utf-8"))["patcher"]
            except (ValueError, KeyError):
                continue
            major, minor, revision = _version(top)
            if major < MIN_MAJOR:
                continue
            source = f"S{len(sources) + 1}"
            sources[source] = {"repo": repo_name, "commit": commit, "path": path,
                               "saved_by": f"Max {major}.{minor}.{revision}"}
            live_parameters = 0
            for patcher in _patchers(top):
                for b in patcher.get("boxes", []):
                    box = b["box"]
                    name = class_of(box)
                    valueof = box.get("saved_attribute_attributes", {}).get("valueof")
                    if valueof and box["maxclass"].startswith("live.") and box.get("parameter_enable"):
                        live_parameters += 1
                        parameters.append({"class": box["maxclass"], **{k[len("parameter_"):]: v for k, v in
                                           sorted(valueof.items()) if k != "parameter_modmode"}, "source": source})
                    if name not in known:
                        continue
                    key = (name, features(box), box.get("numinlets"), tuple(box.get("outlettype", [])))
                    if seen.get(key, 0) >= PER_SHAPE:
                        continue
                    seen[key] = seen.get(key, 0) + 1
                    objects.append({"class": name, "maxclass": box["maxclass"], "text": box.get("text"),
                                    "numinlets": box.get("numinlets"), "outlettype": box.get("outlettype", []),
                                    "source": source})
            if device is not None:
                registry = top.get("parameters") or {}
                entries = [v for k, v in registry.items() if k.startswith("obj-")]
                device.update({
                    "amxdtype": top.get("project", {}).get("amxdtype"), "openrect": top.get("openrect"),
                    "live_parameters": live_parameters,
                    "registry_entries": len(entries),
                    "registry_entry_shapes": sorted({f"[str, str, {v[2]}]" for v in entries
                                                     if isinstance(v[0], str) and isinstance(v[1], str)}),
                    "registry_keys": sorted(k for k in registry if not k.startswith("obj-")),
                    "source": source,
                })
                devices.append(device)
    parameters = [p for i, p in enumerate(parameters) if p not in parameters[:i]]
    facts = (objects, parameters, devices)
    used = [k for k in sources if any(f["source"] == k for group in facts for f in group)]
    renumber = {old: f"S{i + 1}" for i, old in enumerate(used)}
    for group in facts:
        for fact in group:
            fact["source"] = renumber[fact["source"]]
    return {
        "about": "Facts from real Max-saved devices and patchers; see tests/max_evidence.py. Each fact names its "
                 "source: repository, commit and path.",
        "sources": {renumber[k]: sources[k] for k in used},
        "objects": objects,
        "parameters": parameters,
        "devices": devices,
    }


def load() -> dict:
    return json.loads(EVIDENCE.read_text(encoding="utf-8"))


if __name__ == "__main__":
    json.dump(collect(Path(sys.argv[1])), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
