"""The OSC spec: accepts(), and docs/osc.md kept in step with SPEC and with the dispatcher."""

from pathlib import Path

import pytest

from stylevae.bridge import commands, osc_server, osc_spec
from stylevae.model.data.tokens import Vocabulary

DOC = Path(__file__).resolve().parents[1] / "docs" / "osc.md"
CONTEXT = commands.Context(("a", "b", "c"), Vocabulary(), 32)


def test_docs_match_the_spec_exactly():
    text = DOC.read_text(encoding="utf-8")
    begin, end = "<!-- spec:begin -->\n", "<!-- spec:end -->"
    assert begin in text and end in text, "docs/osc.md lost its spec markers"
    table = text[text.index(begin) + len(begin) : text.index(end)]
    assert table == osc_spec.render_markdown(), "docs/osc.md is stale: run `python -m stylevae.bridge.osc_spec`"


def test_the_docs_state_the_packet_limits_the_dispatcher_keeps():
    text = " ".join(DOC.read_text(encoding="utf-8").split())  # its lines rewrapped as one
    assert f"Packets over **{osc_spec.MAX_PACKET} bytes** are refused" in text
    assert f"Bundles nested more than **{osc_spec.MAX_NESTING}** deep are refused" in text
    assert f"An error's address and reason are cut to {osc_server.MAX_REFUSAL_TEXT} characters each" in text


def test_every_address_mentioned_in_the_docs_exists():
    import re

    mentioned = set(re.findall(r"`(/stylevae/[^` ]+)", DOC.read_text(encoding="utf-8")))
    known = {e.address for e in osc_spec.SPEC} | {r[0] for r in osc_spec.REPLIES}
    unknown = {a for a in mentioned if a not in known and osc_spec.lookup(a) is None}
    assert not unknown


@pytest.mark.parametrize(
    ("address", "tags", "ok"),
    [
        ("/stylevae/hello", "i", True),
        ("/stylevae/hello", "", False),
        ("/stylevae/ping", "", True),
        ("/stylevae/ping", "i", False),
        ("/stylevae/transport", "fif", True),
        ("/stylevae/transport", "fTf", True),
        ("/stylevae/transport", "fi", False),
        ("/stylevae/transport", "fsf", False),
        ("/stylevae/1/temperature", "f", True),
        ("/stylevae/16/temperature", "i", True),
        ("/stylevae/0/temperature", "f", False),
        ("/stylevae/17/temperature", "f", False),
        ("/stylevae/01/temperature", "f", False),
        ("/stylevae/1/temperature", "s", False),
        ("/stylevae/1/style", "s", True),
        ("/stylevae/1/style", "i", True),
        ("/stylevae/3/mix", "fff", True),
        ("/stylevae/3/mix", "", False),
        ("/stylevae/2/restyle", "iff", True),
        ("/stylevae/2/restyle", "iffiff", True),
        ("/stylevae/2/restyle", "iffi", False),
        ("/stylevae/2/reseed", "", True),
        ("/stylevae/2/reseed", "i", True),
        ("/stylevae/2/nosuch", "", False),
        ("/other/ping", "", False),
        ("/stylevae/<v>/play", "i", False),
    ],
)
def test_accepts(address, tags, ok):
    assert osc_spec.accepts(address, tags) is ok


def example_args(entry: osc_spec.Entry) -> tuple[str, list]:
    """A valid message for an entry, built from its spec alone."""
    tags, args = "", []
    specimen = list(entry.args)
    if entry.command == "mix":
        specimen = specimen * 3
    for arg in specimen:
        if arg.choices:
            tags, args = tags + "s", [*args, arg.choices[0]]
        elif arg.kind == "str/int":
            tags, args = tags + "s", [*args, "b"]
        elif arg.kind == "scale":
            tags, args = tags + "s", [*args, "dorian"]
        elif arg.kind == "int":
            tags, args = tags + "i", [*args, int(max(arg.low, min(arg.high, 1 if arg.name != "pitch" else 64)))]
        else:
            tags, args = tags + "f", [*args, float(max(arg.low, min(arg.high, 1.0)))]
    return tags, args


@pytest.mark.parametrize("entry", osc_spec.SPEC, ids=lambda e: e.address)
def test_every_spec_entry_has_a_handler(entry):
    address = entry.address.replace("<v>", "3")
    tags, args = example_args(entry)
    assert osc_spec.accepts(address, tags)
    command = commands.from_message(address, tags, args, "127.0.0.1", CONTEXT)
    assert osc_spec.lookup(commands.address_of(command)) is not None
