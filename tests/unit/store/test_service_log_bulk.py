"""A service-log store made at once holds what one filled entry by entry holds, in the same order."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.packs.carowner.domain.models import ServiceItem, ServiceLogEntry, Workshop
from mock_server.packs.carowner.service_log_store import LogFilter, ServiceLogStore

WORKSHOPS = [
    Workshop("921460929", "Bilservice Grünerløkka AS", "Oslo"),
    Workshop("965787135", "Verksted", "Bergen"),
]
DAY0 = date(2024, 1, 1)
days = st.one_of(st.none(), st.integers(0, 30).map(lambda d: DAY0 + timedelta(days=d)))
filters = st.builds(
    LogFilter,
    plate=st.sampled_from([None, "BT57225", "EL42817", "KH60518"]),
    workshop_org_nr=st.sampled_from([None, "921460929", "965787135"]),
    date_from=days,
    date_to=days,
)


def _entry(entry_id: int, day: int, plate: str, workshop: Workshop, rating: int | None) -> ServiceLogEntry:
    return ServiceLogEntry(
        id=entry_id,
        booking_id=uuid.uuid4(),
        plate=plate,
        workshop=workshop,
        service_date=DAY0 + timedelta(days=day),
        description="Service",
        items=[ServiceItem("Oljeskift", 990)],
        mileage_km=100 * day,
        rating=rating,
    )


rows = st.lists(
    st.builds(
        _entry,
        st.integers(1001, 1100),
        st.integers(0, 30),
        st.sampled_from(["BT57225", "EL42817"]),
        st.sampled_from(WORKSHOPS),
        st.one_of(st.none(), st.integers(1, 5)),
    ),
    max_size=40,
    unique_by=lambda entry: entry.id,
)


@given(entries=rows, queries=st.lists(filters, min_size=1, max_size=6))
def test_a_store_made_at_once_answers_as_one_filled_entry_by_entry(entries, queries) -> None:
    one_by_one = ServiceLogStore()
    for entry in entries:
        one_by_one.add(entry)
    at_once = ServiceLogStore.of(entries)
    assert list(at_once) == list(one_by_one)
    assert len(at_once) == len(one_by_one) and at_once.plates() == one_by_one.plates()
    assert at_once.next_id() == one_by_one.next_id()
    for where in queries:
        assert list(at_once.select(where)) == list(one_by_one.select(where))
        assert at_once.aggregate(where) == one_by_one.aggregate(where)


later = st.builds(
    _entry, st.integers(2000, 2100), st.integers(0, 30), st.just("BT57225"), st.sampled_from(WORKSHOPS)
)


@given(entries=rows.filter(bool), extra=later)
def test_a_store_made_at_once_takes_new_entries_in_order(entries, extra) -> None:
    one_by_one = ServiceLogStore()
    for entry in [*entries, extra]:
        one_by_one.add(entry)
    at_once = ServiceLogStore.of(entries)
    at_once.add(extra)
    assert list(at_once) == list(one_by_one)
    assert list(at_once.select(LogFilter(plate="BT57225"))) == list(
        one_by_one.select(LogFilter(plate="BT57225"))
    )


def test_two_entries_with_one_id_are_refused_at_once_too() -> None:
    with pytest.raises(ValueError, match="1001 exists"):
        ServiceLogStore.of(
            [_entry(1001, 1, "BT57225", WORKSHOPS[0], None), _entry(1001, 2, "BT57225", WORKSHOPS[1], 3)]
        )
