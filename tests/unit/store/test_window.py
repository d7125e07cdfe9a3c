"""A window over the service log reads exactly like a slice of it, without copying it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mock_server.packs.carowner.service_log_store import Window

BOUNDS = st.integers(-2, 12)
STEPS = st.none() | st.integers(-3, 3).filter(lambda step: step != 0)


@given(
    size=st.integers(0, 10),
    start=st.integers(0, 10),
    end=st.integers(0, 10),
    cut=st.tuples(BOUNDS | st.none(), BOUNDS | st.none(), STEPS),
)
def test_a_window_reads_like_the_slice_it_stands_for(size: int, start: int, end: int, cut: tuple) -> None:
    entries = list(range(size))
    window, copied = Window(entries, start, end), entries[start:end]  # type: ignore[arg-type]
    assert len(window) == len(copied)
    assert list(window) == copied and list(reversed(window)) == copied[::-1]
    assert window[slice(*cut)] == copied[slice(*cut)]
    for index in range(-len(copied) - 1, len(copied) + 1):
        if -len(copied) <= index < len(copied):
            assert window[index] == copied[index]
        else:
            try:
                window[index]
            except IndexError:
                continue
            raise AssertionError(f"index {index} of a window of {len(copied)} did not raise")
