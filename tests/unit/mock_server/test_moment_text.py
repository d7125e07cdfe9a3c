"""A moment just read from a clock is written as every other moment is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from mock_server.json_answers import moment_text, timestamp

zones = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-9, minutes=-30))])


@given(moment=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30), timezones=zones))
def test_a_fresh_moment_is_written_as_timestamp_writes_it(moment: datetime) -> None:
    assert moment_text(moment) == timestamp(moment)
    assert moment_text(moment).endswith("Z") and len(moment_text(moment)) == 27


@given(moment=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30)))
def test_a_local_moment_is_written_in_utc_as_timestamp_writes_it(moment: datetime) -> None:
    assert moment_text(moment) == timestamp(moment)
