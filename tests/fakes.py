"""Fakes shared by the bridge's unit tests."""


class FakeTime:
    """A stand-in for ``time.perf_counter`` that moves only when a test sets ``t``."""

    def __init__(self, start: float = 0.0):
        self.t = start

    def __call__(self) -> float:
        return self.t
