"""A service-log entry's JSON is built once, yet always tells its current rating and thread."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from mock_server.json_answers import timestamp
from mock_server.packs.carowner.domain.models import Message, ServiceItem, ServiceLogEntry, Workshop
from mock_server.packs.carowner.handlers.representations import service_log_entry


def _entry() -> ServiceLogEntry:
    return ServiceLogEntry(
        id=1001,
        booking_id=uuid.UUID(int=7),
        plate="BT57225",
        workshop=Workshop(org_nr="923609016", name="Bilservice Bergen AS", city="Bergen"),
        service_date=date(2026, 3, 4),
        description="EU-kontroll",
        items=[ServiceItem("EU-kontroll", 1290), ServiceItem("Vindusspylervæske", 89)],
        mileage_km=120_500,
    )


def _message(number: int) -> Message:
    return Message(
        uuid.UUID(int=number), "workshop", "Verksted", "Bilen er klar.", datetime(2026, 3, 4, tzinfo=UTC)
    )


def _fresh(entry: ServiceLogEntry) -> dict:
    return service_log_entry(dataclasses.replace(entry))  # a new object: nothing kept yet


@given(messages=st.integers(0, 5), rating=st.none() | st.integers(1, 5))
def test_a_kept_representation_equals_a_fresh_one_after_messages_and_a_rating(
    messages: int, rating: int | None
) -> None:
    entry = _entry()
    first = service_log_entry(entry)
    entry.messages.extend(_message(n) for n in range(messages))
    entry.rating = rating
    again = service_log_entry(entry)
    assert again == _fresh(entry)
    assert (again["message_count"], again["rating"]) == (messages, rating)
    assert list(again) == list(first)  # the same key order as the spec's examples


def test_changing_an_answer_does_not_change_the_next_one() -> None:
    entry = _entry()
    service_log_entry(entry)["description"] = "changed by a caller"
    assert service_log_entry(entry)["description"] == "EU-kontroll"
    assert service_log_entry(entry)["total_price_nok"] == 1379


@given(
    moment=st.datetimes(
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(-timedelta(hours=9))])
    ),
    naive=st.datetimes(),
)
def test_timestamps_are_the_instant_in_utc_with_microseconds_whichever_zone_it_was_kept_in(
    moment: datetime, naive: datetime
) -> None:
    expected = moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    assert timestamp(moment) == timestamp(moment.astimezone(timezone(timedelta(hours=5)))) == expected
    assert timestamp(naive) == naive.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
