"""The fuzz's packets: every address with every type tag sent, none the daemon would take as a command."""

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import osc_traffic  # noqa: E402

from stylevae.bridge import commands  # noqa: E402
from stylevae.model.network import checkpoint as ckpt  # noqa: E402


@pytest.fixture(scope="module")
def context():
    loaded = ckpt.load(ckpt.DEFAULT_CHECKPOINT)
    return commands.Context(tuple(loaded.styles), loaded.vocab, loaded.steps)


def address_and_tags(data: bytes) -> tuple[str, str]:
    """A raw message's address and type tags, read by hand (python-osc refuses some of these addresses)."""
    end = data.index(b"\0")
    start = end + 1 + (-(end + 1) % 4)
    return data[:end].decode(), data[start + 1:data.index(b"\0", start)].decode()


def test_every_address_is_sent_with_every_tag_but_those_that_make_a_command(context):
    malformed = osc_traffic.Malformed(context, seed=1)
    sent = [address_and_tags(data) for _, data in malformed.every_pair()]
    pairs = {(address, tag) for address in osc_traffic.addresses() for tag in osc_traffic.TAGS}
    valid = {pair for pair in pairs if pair not in sent}
    assert len(sent) == len(set(sent)) and set(sent) <= pairs  # each once
    assert len(sent) > 0.9 * len(pairs)
    # what is left out is left out because the daemon would take it: a play or a channel with an int, a query...
    assert (f"{osc_traffic.PREFIX}/1/play", "i") in valid
    rng = random.Random(0)

    def can_be_a_command(address: str, tag: str) -> bool:
        values = (osc_traffic.random_value(rng, tag) for _ in range(50))
        return any(osc_traffic.carries_a_command(osc_traffic.raw_message(address, tag, v), context) for v in values)

    assert all(can_be_a_command(*pair) for pair in valid)


def test_a_batch_sends_every_pair_first_then_random_packets_none_of_them_a_command(context):
    malformed = osc_traffic.Malformed(context, seed=2)
    pairs = len(osc_traffic.Malformed(context, seed=2).every_pair())
    batch = malformed.batch(pairs + 200)
    assert [kind for kind, _ in batch[:pairs]] == ["every_tag"] * pairs
    assert len({kind for kind, _ in batch[pairs:]}) > 3
    assert not any(osc_traffic.carries_a_command(data, context) for _, data in batch)
    assert len(osc_traffic.Malformed(context, seed=2).batch(10)) == 10


def test_the_refusals_logged_are_counted_a_line_each():
    log = ("12:00:00 stylevae.osc WARNING: refused /stylevae/1/mix from 127.0.0.1:5000: NaN "
           "(and 49 more refused messages in this bundle)\n"
           "12:00:00 stylevae.osc WARNING: refused <packet> from 127.0.0.1:5000: not OSC\n"
           "12:00:01 stylevae.osc WARNING: 80 more refused messages not logged\n")
    assert osc_traffic.refusals_logged(log) == 2


def test_packets_built_to_be_wrong_are_each_refused_by_the_daemon_and_sent_as_built(context, monkeypatch):
    """Were they checked against the daemon's validation too, one it wrongly took would never be sent, and the
    fuzz could not show it."""
    malformed = osc_traffic.Malformed(context, seed=3)
    for kind in osc_traffic.Malformed.BUILT:
        for _ in range(300):
            assert not osc_traffic.carries_a_command(getattr(malformed, kind)(), context), kind
    checked = []

    def taken(data, context):  # a validation that takes everything
        checked.append(data)
        assert len(checked) < 1000, "every packet is checked against the daemon's validation"
        return True

    monkeypatch.setattr(osc_traffic, "carries_a_command", taken)
    assert {malformed.next()[0] for _ in range(200)} == set(osc_traffic.Malformed.BUILT)
