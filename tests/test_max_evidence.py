"""The device against real Max-saved devices: every box, the parameters, the container and the registry.

The facts are in ``tests/data/max_evidence.json``, each with its source (repository, commit, path);
``tests/max_evidence.py`` says how they were gathered. A class of box that no real example shows fails
here until one is found; each check runs on the earlier patch too, where it must find that patch's faults.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import max_evidence
import pytest
from max_evidence import class_of, features

from stylevae.max_patches import build
from stylevae.max_patches.amxd import decode_device
from stylevae.max_patches.device import DEVICE_HEIGHT, DEVICE_WIDTH
from stylevae.max_patches.objects import NEWOBJ_CLASSES, UI_CLASSES, io_counts

BEFORE = Path(__file__).resolve().parent / "data" / "device_before_fixes.maxpat"
EVIDENCE = max_evidence.load()


def boxes(patcher: dict) -> list[dict]:
    return [b["box"] for b in patcher["patcher"]["boxes"]]


def examples() -> dict[str, list[dict]]:
    by_class = defaultdict(list)
    for example in EVIDENCE["objects"]:
        by_class[example["class"]].append(example)
    return by_class


def valueof(box: dict) -> dict:
    return box.get("saved_attribute_attributes", {}).get("valueof", {})


def check_boxes(patcher: dict) -> None:
    """Every box has a real saved example of its class, uses only argument kinds real examples show,
    and has the counts Max saves for it (those of a real box with the same text, else the class's rule)."""
    known, problems = examples(), []
    for box in boxes(patcher):
        name, label = class_of(box), box.get("text") or box["maxclass"]
        if not known[name]:
            problems.append(f"no real saved example of {name!r} ({label}): find one before using it")
            continue
        shown = set().union(*(features(e) for e in known[name]))
        if not features(box) <= shown:
            problems.append(f"{label}: no real example uses {sorted(features(box) - shown)}")
        same = [e for e in known[name] if e["text"] == box.get("text")]
        try:
            expected = (same[0]["numinlets"], same[0]["outlettype"]) if same else io_counts(box["maxclass"], label)
        except KeyError:
            problems.append(f"{label}: no count rule for {name!r}")
            continue
        counts = (box["numinlets"], box.get("outlettype", []))
        if counts != tuple(expected):
            problems.append(f"{label} has counts {counts}; Max saves {tuple(expected)}")
    assert not problems, "\n".join(problems)


def check_registry(patcher: dict) -> None:
    """The parameter registry lists every live.* parameter as [longname, shortname, 0], as in every real
    device with parameters, beside keys real devices have; the open rectangle is the strip's."""
    body = patcher["patcher"]
    registry = body.get("parameters")
    assert registry is not None, "no patcher.parameters registry"
    controls = {b["id"]: valueof(b) for b in boxes(patcher) if valueof(b)}
    entries = {k: v for k, v in registry.items() if k.startswith("obj-")}
    assert entries == {k: [v["parameter_longname"], v["parameter_shortname"], 0] for k, v in controls.items()}
    real_keys = set().union(*(d["registry_keys"] for d in EVIDENCE["devices"]))
    assert set(registry) - set(entries) <= real_keys
    assert body.get("openrect") == [0.0, 0.0, DEVICE_WIDTH, DEVICE_HEIGHT], f"openrect {body.get('openrect')}"


def test_the_evidence_names_its_sources():
    sources = EVIDENCE["sources"]
    assert len(sources) >= 20 and len({s["repo"] for s in sources.values()}) >= 5
    for group in ("objects", "parameters", "devices"):
        for fact in EVIDENCE[group]:
            source = sources[fact["source"]]
            assert source["repo"] and len(source["commit"]) == 40 and source["path"]
            assert source["saved_by"].split()[1] >= "8"


def test_the_count_rules_agree_with_every_real_example():
    ruled = [e for e in EVIDENCE["objects"] if e["class"] in NEWOBJ_CLASSES or e["class"] in UI_CLASSES]
    assert {e["class"] for e in ruled} == set(NEWOBJ_CLASSES) | set(UI_CLASSES)
    for example in ruled:
        expected = io_counts(example["maxclass"], example["text"])
        assert (example["numinlets"], example["outlettype"]) == (expected[0], expected[1]), example


def test_every_box_matches_real_saved_examples():
    check_boxes(json.loads(build.MAXPAT.read_bytes()))


def test_the_box_check_catches_the_earlier_patch():
    with pytest.raises(AssertionError) as caught:
        check_boxes(json.loads(BEFORE.read_bytes()))
    found = str(caught.value)
    assert "midiformat has counts (7, ['int']); Max saves (7, ['int', ''])" in found
    assert "maximum 0. has counts (2, ['float']); Max saves (2, ['float', 'int'])" in found
    assert "t b a a has counts (1, ['bang', '', '']); Max saves (1, ['bang', 'a', 'a'])" in found


def test_the_registry_and_open_rectangle_are_as_max_writes_them():
    check_registry(json.loads(build.MAXPAT.read_bytes()))


def test_the_registry_check_catches_the_earlier_patch():
    with pytest.raises(AssertionError, match="no patcher.parameters registry"):
        check_registry(json.loads(BEFORE.read_bytes()))


def test_real_devices_with_parameters_all_have_a_registry():
    with_parameters = [d for d in EVIDENCE["devices"] if d["live_parameters"]]
    assert len(with_parameters) >= 5
    for device in with_parameters:
        assert device["registry_entries"] >= device["live_parameters"] > 0, device
        assert device["registry_entry_shapes"] == ["[str, str, 0]"], device


def test_int_parameters_stay_within_256_values_as_in_every_real_device():
    real = [p for p in EVIDENCE["parameters"] if p.get("type") == 1 and "mmax" in p]
    assert real and max(p["mmax"] - p.get("mmin", 0) + 1 for p in real) <= 256
    mine = [valueof(b) for b in boxes(json.loads(build.MAXPAT.read_bytes()))]
    for v in filter(None, mine):
        if v.get("parameter_type") == 1:
            assert v["parameter_mmax"] - v["parameter_mmin"] + 1 <= 256, v["parameter_longname"]


def test_port_boxes_are_float_parameters_shown_as_integers_like_real_ones():
    real = [p for p in EVIDENCE["parameters"] if p["class"] == "live.numbox" and p.get("type") == 0
            and p.get("unitstyle") == 0 and p.get("mmax", 0) >= 2000]
    assert real, "no real wide-range integer box to follow"
    mine = {v["parameter_longname"]: v for v in map(valueof, boxes(json.loads(build.MAXPAT.read_bytes()))) if v}
    for name in ("Daemon Port", "Reply Port"):
        assert (mine[name]["parameter_type"], mine[name]["parameter_unitstyle"]) == (0, 0), name


def test_enum_parameters_list_their_items_like_real_ones():
    real = [p for p in EVIDENCE["parameters"] if p.get("type") == 2]
    assert real and all(p.get("enum") for p in real)
    for v in map(valueof, boxes(json.loads(build.MAXPAT.read_bytes()))):
        if v.get("parameter_type") == 2:
            assert len(v["parameter_enum"]) == v["parameter_mmax"] - v["parameter_mmin"] + 1, v


def test_the_container_is_as_max_writes_it():
    device = decode_device(build.AMXD.read_bytes())
    real = EVIDENCE["devices"]
    assert all(d["chunks"][0] == "ampf" and d["chunks"][-1] == "ptch" for d in real)
    assert ["ampf", "meta", "ptch"] in [d["chunks"] for d in real]
    assert int.from_bytes(device.meta, "little") in {d["meta"] for d in real}
    assert all(d["amxdtype"] == int.from_bytes(d["type"].encode(), "big") for d in real)
    assert device.patcher["patcher"]["project"]["amxdtype"] == int.from_bytes(device.device_type, "big")
    assert all(d["openrect"][:2] == [0.0, 0.0] for d in real)
