"""postgres_changes bindings: a filter matches exactly the rows its column and operator say."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.realtime.filters import BindingError, parse_binding
from mock_server.realtime.rows import RowChange


def change(kind: str = "INSERT", table: str = "bookings", **row) -> RowChange:
    record = {} if kind == "DELETE" else row
    old = row if kind != "INSERT" else {}
    return RowChange(table, kind, record, old, "2026-01-01T00:00:00.000000Z")  # type: ignore[arg-type]


@given(value=st.integers(-1000, 1000), other=st.integers(-1000, 1000))
def test_comparison_filters_compare_numbers_as_numbers(value: int, other: int) -> None:
    for op, expected in (
        ("eq", value == other),
        ("neq", value != other),
        ("lt", value < other),
        ("lte", value <= other),
        ("gt", value > other),
        ("gte", value >= other),
    ):
        binding = parse_binding(
            {"event": "*", "schema": "public", "table": "service_log", "filter": f"mileage_km={op}.{other}"},
            1,
        )
        assert binding.matches(change(table="service_log", mileage_km=value)) is expected, op


@given(
    values=st.lists(st.sampled_from(["requested", "accepted", "declined", "completed"]), min_size=1),
    status=st.sampled_from(["requested", "accepted", "declined", "completed"]),
)
def test_an_in_filter_matches_the_listed_values_only(values: list[str], status: str) -> None:
    binding = parse_binding(
        {"event": "*", "schema": "public", "table": "bookings", "filter": f"status=in.({','.join(values)})"},
        1,
    )
    assert binding.matches(change(status=status)) is (status in values)


def test_the_event_schema_and_table_must_all_match() -> None:
    binding = parse_binding({"event": "UPDATE", "schema": "public", "table": "bookings"}, 7)
    assert binding.matches(change("UPDATE", id="b"))
    assert not binding.matches(change("INSERT", id="b"))
    assert not binding.matches(change("UPDATE", table="messages", id="b"))
    assert parse_binding({"event": "*", "schema": "*"}, 1).matches(
        change("DELETE", table="vehicles", user_id="u")
    )


def test_a_delete_is_filtered_on_its_old_record() -> None:
    binding = parse_binding(
        {"event": "DELETE", "schema": "public", "table": "vehicles", "filter": "user_id=eq.u1"}, 1
    )
    assert binding.matches(change("DELETE", table="vehicles", user_id="u1", registration_number="AB12345"))
    assert not binding.matches(
        change("DELETE", table="vehicles", user_id="u2", registration_number="AB12345")
    )


def test_the_reply_echoes_the_binding_with_its_id() -> None:
    raw = {"event": "*", "schema": "public", "table": "bookings", "filter": "user_id=eq.x"}
    assert parse_binding(raw, 42).reply() == {**raw, "id": 42}


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"event": "TRUNCATE", "schema": "public", "table": "bookings"}, "Invalid event"),
        ({"event": "*", "schema": "private", "table": "bookings"}, "Unable to subscribe"),
        ({"event": "*", "schema": "public", "table": "cars"}, "the tables are"),
        ({"event": "*", "schema": "public", "table": "bookings", "filter": "user_id~x"}, "Invalid filter"),
        ("bookings", "must be an object"),
    ],
)
def test_a_binding_that_cannot_be_served_says_why(raw, words) -> None:
    with pytest.raises(BindingError, match=words):
        parse_binding(raw, 1)
