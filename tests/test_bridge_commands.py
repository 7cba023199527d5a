"""Validation of OSC messages into commands: every bad input is refused with a reason."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stylevae.bridge import commands as cmd
from stylevae.bridge import osc_spec
from stylevae.model.data.tokens import Vocabulary

CONTEXT = cmd.Context(("irish", "bach", "chinese"), Vocabulary(), 32)


def parse(address, tags, *args):
    return cmd.from_message(address, tags, list(args), "127.0.0.1", CONTEXT)


def test_typical_messages():
    assert parse("/stylevae/hello", "i", 9001) == cmd.Hello("127.0.0.1", 9001)
    assert parse("/stylevae/transport", "fif", 4.5, 1, 128.0) == cmd.Transport(4.5, True, 128.0)
    assert parse("/stylevae/2/style", "s", "bach") == cmd.Mix(2, (0.0, 1.0, 0.0))
    assert parse("/stylevae/2/style", "i", 2) == cmd.Mix(2, (0.0, 0.0, 1.0))
    assert parse("/stylevae/2/mix", "fff", 1.0, 3.0, 0.0) == cmd.Mix(2, (0.25, 0.75, 0.0))
    assert parse("/stylevae/5/channel", "f", 3.0) == cmd.SetParam(5, "channel", 3.0)
    assert parse("/stylevae/5/hold", "T", True) == cmd.SetParam(5, "hold", 1.0)
    assert parse("/stylevae/5/reseed", "") == cmd.Reseed(5, None)
    assert parse("/stylevae/quantize", "s", "bar") == cmd.Quantize("bar")


@pytest.mark.parametrize(
    ("address", "tags", "args", "reason"),
    [
        ("/stylevae/nosuch", "", [], "unknown address"),
        ("/stylevae/1/temperature", "f", [math.nan], "finite"),
        ("/stylevae/1/temperature", "f", [math.inf], "finite"),
        ("/stylevae/1/temperature", "f", [0.0], "out of range"),
        ("/stylevae/1/temperature", "s", ["hot"], "type"),
        ("/stylevae/1/temperature", "ff", [1.0, 1.0], "number of arguments"),
        ("/stylevae/1/channel", "f", [2.5], "whole"),
        ("/stylevae/1/channel", "i", [17], "out of range"),
        ("/stylevae/1/style", "s", ["jazz"], "unknown style"),
        ("/stylevae/1/style", "i", [3], "out of range"),
        ("/stylevae/1/mix", "ff", [1.0, 1.0], "3 styles"),
        ("/stylevae/1/mix", "fff", [0.0, 0.0, 0.0], "positive"),
        ("/stylevae/1/mix", "fff", [-1.0, 2.0, 0.0], "out of range"),
        ("/stylevae/transport", "fif", [0.0, 1, 5.0], "out of range"),
        ("/stylevae/quantize", "s", ["triplet"], "not one of"),
        ("/stylevae/1/restyle", "iff", [10, 0.0, 1.0], "outside the model's range"),
        ("/stylevae/1/restyle", "iffiff", [60, 0.0, 1.0, 62, 0.5, 1.0], "overlap"),
        ("/stylevae/1/restyle", "iff", [60, 7.5, 2.0], "does not fit"),
    ],
)
def test_refusals(address, tags, args, reason):
    with pytest.raises(cmd.Invalid, match=reason):
        parse(address, tags, *args)


def test_restyle_snaps_to_the_grid():
    command = parse("/stylevae/1/restyle", "iffiff", 60, 0.0, 1.0, 64, 1.0, 0.5)
    tokens = command.tokens
    assert len(tokens) == 32
    vocab = CONTEXT.vocab
    assert tokens[0] == vocab.note_on(60) and tokens[4] == vocab.note_on(64) and tokens[6] == 0


VALUES = st.one_of(st.integers(-(2**31), 2**31 - 1), st.floats(allow_nan=True, allow_infinity=True),
                   st.text(max_size=20), st.booleans())
ADDRESSES = st.sampled_from([e.address.replace("<v>", "1") for e in osc_spec.SPEC] + ["/stylevae/x", "/", ""])


@given(ADDRESSES, st.lists(VALUES, max_size=7))
def test_arbitrary_messages_give_a_command_or_invalid(address, args):
    tags = "".join("s" if isinstance(a, str) else ("T" if a is True else "F" if a is False else
                   "i" if isinstance(a, int) else "f") for a in args)
    try:
        command = cmd.from_message(address, tags, args, "h", CONTEXT)
    except cmd.Invalid:
        return
    assert osc_spec.accepts(address, tags)
    assert command is not None
