"""The jsonifier writes what Connexion's would (compact), and remembers it only for its own context."""

from __future__ import annotations

import contextvars
import json
import typing as t
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from connexion.jsonifier import Jsonifier
from hypothesis import given
from hypothesis import strategies as st

from mock_server.fast_json import COMPACT, RememberingJsonifier, copy_json, encoded_object

CONNEXION = Jsonifier(ensure_ascii=False, separators=COMPACT)
ZONES = st.sampled_from([None, UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-3, minutes=-30))])
# Everything Connexion's encoder knows beyond plain JSON, and integers past 64 bits.
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**64)
    | st.text()
    | st.datetimes(timezones=ZONES)
    | st.dates()
    | st.uuids()
    | st.decimals(allow_nan=False, allow_infinity=False, places=3)
)
KEYS = st.text(max_size=8) | st.integers(-5, 5)


def values(scalars: st.SearchStrategy[t.Any]) -> st.SearchStrategy[t.Any]:
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
        max_leaves=12,
    )


@given(values(SCALARS))
def test_output_without_floats_is_byte_for_byte_connexions(value: t.Any) -> None:
    assert RememberingJsonifier().dumps(value) == CONNEXION.dumps(value)


@given(values(SCALARS | st.floats(allow_nan=False, allow_infinity=False)))
def test_output_means_what_connexions_means(value: t.Any) -> None:
    # Floats may be spelt differently ("1e16" for Python's "1e+16"); their value is the same.
    assert json.loads(RememberingJsonifier().dumps(value)) == json.loads(CONNEXION.dumps(value))


def test_an_unknown_type_fails_as_it_does_in_connexion() -> None:
    with pytest.raises(TypeError):
        RememberingJsonifier().dumps({"when": object()})


def test_norwegian_letters_go_out_as_utf8_text() -> None:
    assert "Blå" in RememberingJsonifier().dumps({"colour": "Blå"})


def test_datetimes_without_a_zone_are_written_as_utc_the_way_connexion_does() -> None:
    text = RememberingJsonifier().dumps([datetime(2026, 11, 23, 8, 30), date(2026, 11, 23), uuid.UUID(int=1)])
    assert json.loads(text) == ["2026-11-23T08:30:00Z", "2026-11-23", "00000000-0000-0000-0000-000000000001"]
    assert RememberingJsonifier().dumps({"price": Decimal("1.5")}) == '{"price":1.5}\n'


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


JSON_DATA = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=16,
)


def containers(value: t.Any) -> list[t.Any]:
    if isinstance(value, dict):
        return [value, *(c for item in value.values() for c in containers(item))]
    if isinstance(value, list):
        return [value, *(c for item in value for c in containers(item))]
    return []


@given(JSON_DATA)
def test_a_json_copy_is_equal_and_shares_no_container(value: t.Any) -> None:
    copied = copy_json(value)
    assert copied == value
    assert not {id(c) for c in containers(copied)} & {id(c) for c in containers(value)}


@given(values(SCALARS))
def test_what_orjson_cannot_write_is_still_copied_deeply(value: t.Any) -> None:
    wrapped = {"inner": [value]}
    copied = copy_json(wrapped)
    copied["inner"].append("edited")
    assert wrapped == {"inner": [value]}
