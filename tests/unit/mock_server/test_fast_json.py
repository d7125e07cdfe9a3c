"""The remembering jsonifier writes what Connexion's would, and remembers it only for its own context."""

from __future__ import annotations

import contextvars
import typing as t

import pytest
from connexion.jsonifier import Jsonifier
from hypothesis import given
from hypothesis import strategies as st

from mock_server.fast_json import RememberingJsonifier, encoded_object

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(JSON)
def test_output_is_byte_for_byte_connexions(value: t.Any) -> None:
    assert RememberingJsonifier(ensure_ascii=False).dumps(value) == Jsonifier(ensure_ascii=False).dumps(value)


def test_norwegian_letters_go_out_as_utf8_text() -> None:
    assert "Blå" in RememberingJsonifier(ensure_ascii=False).dumps({"colour": "Blå"})


def test_the_last_encoded_object_is_found_only_by_its_exact_text() -> None:
    body = {"data": [1, 2]}
    text = RememberingJsonifier().dumps(body)
    assert encoded_object(text) == (True, body)
    assert encoded_object(text.strip()) == (False, None)


def test_another_context_sees_nothing() -> None:
    text = RememberingJsonifier().dumps({"data": 1})
    assert contextvars.Context().run(encoded_object, text) == (False, None)


def test_a_cycle_still_fails_to_encode() -> None:
    looped: dict[str, t.Any] = {}
    looped["self"] = looped
    with pytest.raises((RecursionError, ValueError)):
        RememberingJsonifier().dumps(looped)
