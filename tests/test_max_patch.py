"""The device's .maxpat as data: boxes, cords, parameters and the presentation layout."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from stylevae.max_patches.amxd import MIDI_EFFECT, amxdtype
from stylevae.max_patches.device import DEVICE_HEIGHT
from stylevae.max_patches.objects import io_counts

MAXPAT = Path(__file__).resolve().parents[1] / "max_patches" / "StyleVAE.maxpat"
CONTROL_CLASSES = ("live.dial", "live.numbox", "live.menu", "live.text", "live.toggle", "live.slider", "live.tab")


def texts(patcher: dict, pattern: str) -> dict[str, str]:
    """Object boxes whose text matches ``pattern`` (anchored): id -> text."""
    return {b["id"]: b["text"] for b in boxes(patcher)
            if b["maxclass"] == "newobj" and re.fullmatch(pattern, b["text"])}


def feeders(patcher: dict, box_id: str) -> list[str]:
    """Boxes with a cord into ``box_id``, looking through ``s name`` -> ``r name`` pairs."""
    by_id = {b["id"]: b for b in boxes(patcher)}
    found = []
    for line in patcher["patcher"]["lines"]:
        src, dst = line["patchline"]["source"][0], line["patchline"]["destination"][0]
        if dst != box_id:
            continue
        words = by_id[src].get("text", "").split()
        if by_id[src]["maxclass"] == "newobj" and words[:1] == ["r"]:
            for send in texts(patcher, rf"s {re.escape(words[1])}"):
                found += feeders(patcher, send)
        else:
            found.append(src)
    return found


@pytest.fixture(scope="module")
def patcher() -> dict:
    return json.loads(MAXPAT.read_text(encoding="utf-8"))


def boxes(patcher: dict) -> list[dict]:
    return [b["box"] for b in patcher["patcher"]["boxes"]]


def controls(patcher: dict) -> list[dict]:
    return [b for b in boxes(patcher) if b["maxclass"] in CONTROL_CLASSES]


def test_every_box_has_identity_and_counts(patcher):
    for box in boxes(patcher):
        assert {"id", "maxclass", "numinlets", "numoutlets"} <= box.keys(), box
        assert len(box.get("outlettype", [])) == box["numoutlets"], box["id"]


def test_counts_match_the_max_classes(patcher):
    for box in boxes(patcher):
        numinlets, outlettype = io_counts(box["maxclass"], box.get("text"))
        assert (box["numinlets"], box["numoutlets"]) == (numinlets, len(outlettype)), box.get("text", box["maxclass"])


def test_no_duplicate_ids(patcher):
    ids = [b["id"] for b in boxes(patcher)]
    assert len(ids) == len(set(ids))


def test_every_cord_joins_an_existing_outlet_to_an_existing_inlet(patcher):
    by_id = {b["id"]: b for b in boxes(patcher)}
    cords = [tuple(map(tuple, (c["patchline"]["source"], c["patchline"]["destination"])))
             for c in patcher["patcher"]["lines"]]
    assert len(cords) == len(set(cords)), "duplicate cord"
    for (src, outlet), (dst, inlet) in cords:
        assert src in by_id and dst in by_id, (src, dst)
        assert 0 <= outlet < by_id[src]["numoutlets"], (src, outlet)
        assert 0 <= inlet < by_id[dst]["numinlets"], (dst, inlet)


def test_the_patcher_declares_a_midi_effect(patcher):
    assert patcher["patcher"]["project"]["amxdtype"] == amxdtype(MIDI_EFFECT)
    assert patcher["patcher"]["openinpresentation"] == 1


def test_every_live_control_is_a_full_parameter(patcher):
    found = controls(patcher)
    assert found
    for box in found:
        assert box.get("parameter_enable") == 1, box["id"]
        valueof = box["saved_attribute_attributes"]["valueof"]
        name = valueof.get("parameter_longname")
        assert name and valueof.get("parameter_shortname"), box["id"]
        assert valueof.get("parameter_type") in (0, 1, 2), name
        low, high = valueof["parameter_mmin"], valueof["parameter_mmax"]
        assert low < high, name
        assert low <= valueof["parameter_initial"][0] <= high, name
        if valueof["parameter_type"] == 2:
            assert len(valueof["parameter_enum"]) == high - low + 1, name


def test_scripting_names_are_unique(patcher):
    names = [b["varname"] for b in boxes(patcher) if "varname" in b]
    assert len(names) == len(set(names))


def test_parameter_names_are_unique(patcher):
    names = [b["saved_attribute_attributes"]["valueof"]["parameter_longname"] for b in controls(patcher)]
    assert len(names) == len(set(names))


def test_the_controls_are_all_there(patcher):
    names = {b["saved_attribute_attributes"]["valueof"]["parameter_longname"] for b in controls(patcher)}
    wanted = {"Style A", "Style B", "Blend", "Temperature", "Variation", "Density", "Octave", "Channel", "Voice",
              "Hold", "Reseed", "Play", "Note Output", "Daemon Port", "Reply Port", "Follow Key", "Key", "Scale",
              "Lock"}
    assert wanted <= names
    assert any(b["maxclass"] == "textedit" and b.get("varname") == "host" for b in boxes(patcher))


def test_presentation_lies_inside_the_device_strip_without_overlap(patcher):
    width = patcher["patcher"]["devicewidth"]
    rects = {b["id"]: b["presentation_rect"] for b in boxes(patcher) if b.get("presentation")}
    assert rects
    for box_id, (x, y, w, h) in rects.items():
        assert w > 0 and h > 0, box_id
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= DEVICE_HEIGHT, box_id
    for (a, (ax, ay, aw, ah)), (b, (bx, by, bw, bh)) in itertools.combinations(rects.items(), 2):
        overlap = ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
        assert not overlap, (a, b)


def test_every_control_is_shown(patcher):
    for box in controls(patcher):
        assert box.get("presentation") == 1, box["id"]


def test_local_sends_and_receives_pair_up(patcher):
    sends = {t.split()[1] for t in texts(patcher, r"s \S+").values()}
    receives = {t.split()[1] for t in texts(patcher, r"r \S+").values()}
    assert sends == receives
    assert all(name.startswith("---") for name in sends), "names must be local to the device instance"


def test_live_api_waits_for_live_thisdevice(patcher):
    by_id = {b["id"]: b for b in boxes(patcher)}
    for path in texts(patcher, r"live\.path.*"):
        chain = feeders(patcher, path)
        while chain and not by_id[chain[0]].get("text", "").startswith("live.thisdevice"):
            chain = feeders(patcher, chain[0])
        assert chain, "live.path is used before live.thisdevice says the device is ready"


def test_note_output_reaches_midiout(patcher):
    midiout = list(texts(patcher, "midiout"))
    assert len(midiout) == 1
    by_id = {b["id"]: b for b in boxes(patcher)}
    assert {by_id[src]["text"] for src in feeders(patcher, midiout[0])} == {"midiformat", "midiin"}


def test_no_outlet_has_two_cords(patcher):
    """Max orders the cords of one outlet only by the boxes' positions: every fan-out goes through a trigger,
    which states the order. (The order among ``r`` boxes of one name is open too: see test_max_sim.)"""
    outlets = [tuple(line["patchline"]["source"]) for line in patcher["patcher"]["lines"]]
    assert len(outlets) == len(set(outlets))
