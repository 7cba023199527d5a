"""Fakes shared by the bridge's unit tests."""

import math


class FakeTime:
    """A stand-in for ``time.perf_counter`` that moves only when a test sets ``t``."""

    def __init__(self, start: float = 0.0):
        self.t = start

    def __call__(self) -> float:
        return self.t


class RecordingSink:
    """A ``NoteSink`` that records what it is handed: ("on", channel, pitch, at, voice), ("off", channel, pitch,
    at, voice) and ("cc123", channel, at, voice), the voices it was asked to drop, the events moved, as
    (ident, at), and those withdrawn; ``idents`` are those of the events sent, in order."""

    lead = 0.0

    def __init__(self):
        self.messages = []
        self.dropped = []
        self.retimed = []
        self.withdrawn = []
        self.idents = []
        self.graces = []

    def send(self, message, at=0.0, voice=0, ident=0, grace=math.inf):
        self.idents.append(ident)
        self.graces.append(grace)
        kind, channel = message[0] & 0xF0, (message[0] & 0x0F) + 1
        if kind == 0xB0:
            self.messages.append(("cc123", channel, at, voice))
        else:
            self.messages.append(("on" if kind == 0x90 else "off", channel, message[1], at, voice))

    def drop(self, voice):
        self.dropped.append(voice)

    def retime(self, ident, at):
        self.retimed.append((ident, at))

    def withdraw(self, idents):
        self.withdrawn.extend(idents)
