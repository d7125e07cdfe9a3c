"""nests_deeper_than agrees with a plain count of nesting on every JSON text, strings included."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from mock_server.json_depth import nests_deeper_than

# Strings full of brackets and escapes: they must not count as nesting.
_strings = st.text(alphabet=st.sampled_from('[]{}"\\ab,:'), max_size=8)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _strings,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_strings, inner, max_size=3),
    max_leaves=40,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


def _deepen(value: object, levels: int) -> object:
    for index in range(levels):
        value = [value] if index % 2 else {"[": value}
    return value


@given(value=_json, extra=st.integers(0, 12), limit=st.integers(0, 10), indent=st.sampled_from([None, 1]))
def test_the_depth_rule_matches_the_nesting_of_the_text(
    value: object, extra: int, limit: int, indent
) -> None:
    value = _deepen(value, extra)
    text = json.dumps(value, indent=indent).encode()
    assert nests_deeper_than(text, limit) == (_depth(value) > limit)


@given(st.integers(1, 40))
def test_unpaired_brackets_past_the_limit_are_refused(extra: int) -> None:
    assert nests_deeper_than(b"[" * (5 + extra), 4)
    assert nests_deeper_than(b"[" * 3 + b"}" * (3 + extra) + b"{" * 3, 4)
