"""The daemon's timing windows: the last N samples, in order, in memory taken once."""

import pytest

from stylevae.bridge.stats import Window


def test_a_window_keeps_the_newest_values_oldest_first():
    window = Window(4)
    assert len(window) == 0 and list(window) == [] and window.last(3) == []
    for value in range(1, 4):
        window.append(value)
    assert list(window) == [1, 2, 3] and len(window) == 3
    for value in range(4, 11):
        window.append(value)
    assert list(window) == [7, 8, 9, 10] and len(window) == 4
    assert window.last(2) == [9, 10] and window.last(10) == [7, 8, 9, 10]


def test_a_window_does_not_grow_as_samples_arrive():
    window = Window(1000)
    taken = window.nbytes
    for k in range(50_000):
        window.append(k * 1e-6)
    assert window.nbytes == taken == 8000
    assert max(window) == pytest.approx(49_999e-6)


def test_a_window_needs_room():
    with pytest.raises(ValueError):
        Window(0)
