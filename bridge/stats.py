"""Fixed-size windows of timing samples, for the summaries the daemon logs at exit.

A daemon that plays for hours must not grow while it does: a ``deque(maxlen=N)`` of Python floats is bounded,
but it takes 32 bytes more with every sample until it is full (a 100,000-sample window grows by 3 MB over a
soak's first half hour, which reads as a leak). A ``Window`` takes its memory once, up front (8 bytes a
sample, in an ``array``), and appending to it allocates nothing — fit for JACK's process callback too.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator


class Window:
    """The last ``size`` values appended, oldest first when read."""

    def __init__(self, size: int):
        if size < 1:
            raise ValueError(f"a window of {size} samples")
        self.size = size
        self._data = array("d", bytes(8 * size))
        self._count = 0

    def append(self, value: float) -> None:
        self._data[self._count % self.size] = value
        self._count += 1

    def __len__(self) -> int:
        return min(self._count, self.size)

    def __iter__(self) -> Iterator[float]:
        if self._count <= self.size:
            return iter(self._data[: self._count])
        start = self._count % self.size
        return iter(self._data[start:] + self._data[:start])

    def last(self, n: int) -> list[float]:
        """The newest ``n`` values (fewer if fewer were appended), oldest first, read without the rest."""
        n = min(n, len(self))
        return [self._data[k % self.size] for k in range(self._count - n, self._count)]

    @property
    def nbytes(self) -> int:
        return self._data.itemsize * len(self._data)


def quantiles(values: Iterable[float], scale: float) -> tuple[float, float, float] | None:
    """p50, p99 and max of ``values`` times ``scale``; None when there are none."""
    ordered = sorted(values)
    if not ordered:
        return None
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * scale  # noqa: E731
    return pick(0.5), pick(0.99), ordered[-1] * scale
