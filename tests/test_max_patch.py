"""The device's .maxpat as data: boxes, cords, parameters and the presentation layout."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from max_patches.amxd import MIDI_EFFECT, amxdtype
from max_patches.device import DEVICE_HEIGHT
from max_patches.objects import io_counts
from max_patches.oscpaths import Graph

MAXPAT = Path(__file__).resolve().parents[1] / "max_patches" / "StyleVAE.maxpat"
CONTROL_CLASSES = ("live.dial", "live.numbox", "live.menu", "live.text", "live.toggle", "live.slider", "live.tab")


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


def test_parameter_names_are_unique(patcher):
    names = [b["saved_attribute_attributes"]["valueof"]["parameter_longname"] for b in controls(patcher)]
    assert len(names) == len(set(names))


def test_the_issue_controls_are_all_there(patcher):
    names = {b["saved_attribute_attributes"]["valueof"]["parameter_longname"] for b in controls(patcher)}
    wanted = {"Style A", "Style B", "Blend", "Temperature", "Variation", "Density", "Octave", "Channel", "Voice",
              "Hold", "Reseed", "Play", "Note Output", "Daemon Port", "Reply Port"}
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
    graph = Graph(patcher)
    sends = {graph.text(i).split()[1] for i in graph.find(r"s \S+")}
    receives = {graph.text(i).split()[1] for i in graph.find(r"r \S+")}
    assert sends == receives
    assert all(name.startswith("---") for name in sends), "names must be local to the device instance"


def test_live_api_waits_for_live_thisdevice(patcher):
    graph = Graph(patcher)
    for path in graph.find(r"live\.path.*"):
        chain = [src for src, _ in graph.feeders(path)]
        while chain and not graph.text(chain[0]).startswith("live.thisdevice"):
            chain = [src for src, _ in graph.feeders(chain[0])]
        assert chain, "live.path is triggered before live.thisdevice"
    for observer in graph.find(r"live\.observer.*"):
        assert {graph.text(src).split()[0] for src, _ in graph.feeders(observer, 1)} == {"live.path"}


def test_transport_is_sent_on_every_beat(patcher):
    graph = Graph(patcher)
    beat_clocks = graph.find(r"metro 4n.*")
    assert beat_clocks
    transport_sender = graph.find(r"prepend /stylevae/transport")[0]
    upstream, queue = set(), [transport_sender]
    while queue:
        current = queue.pop()
        for inlet in range(graph.boxes[current]["numinlets"]):
            for src, _ in graph.feeders(current, inlet):
                if src not in upstream:
                    upstream.add(src)
                    queue.append(src)
    assert set(beat_clocks) <= upstream
    assert graph.find(r"live\.observer @property is_playing")[0] in upstream


def test_note_output_reaches_midiout(patcher):
    graph = Graph(patcher)
    midiout = graph.find("midiout")
    assert len(midiout) == 1
    sources = {graph.text(src).split()[0] for src, _ in graph.feeders(midiout[0])}
    assert sources == {"midiformat", "midiin"}
