"""The service-log store's running totals agree with counting the entries one by one."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mock_server.packs.carowner.domain.models import ServiceItem, ServiceLogEntry, Workshop
from mock_server.packs.carowner.service_log_store import LogFilter, ServiceLogStore

WORKSHOPS = [
    Workshop("921460929", "Bilservice Grünerløkka AS", "Oslo"),
    Workshop("965787135", "Verksted", "Bergen"),
]
DAY0 = date(2024, 1, 1)

entries = st.lists(
    st.tuples(
        st.integers(0, 30),
        st.sampled_from(["BT57225", "EL42817"]),
        st.sampled_from(WORKSHOPS),
        st.one_of(st.none(), st.integers(1, 5)),
    ),
    max_size=25,
)
days = st.one_of(st.none(), st.integers(0, 30).map(lambda d: DAY0 + timedelta(days=d)))
filters = st.builds(
    LogFilter,
    plate=st.sampled_from([None, "BT57225", "EL42817", "KH60518"]),
    workshop_org_nr=st.sampled_from([None, "921460929", "965787135"]),
    date_from=days,
    date_to=days,
)


@given(rows=entries, queries=st.lists(filters, min_size=1, max_size=5))
def test_aggregates_equal_a_walk_over_the_selected_entries(rows, queries) -> None:
    store = ServiceLogStore()
    for index, (day, plate, workshop, rating) in enumerate(rows):
        store.add(
            ServiceLogEntry(
                id=1001 + index,
                booking_id=uuid.uuid4(),
                plate=plate,
                workshop=workshop,
                service_date=DAY0 + timedelta(days=day),
                description="Service",
                items=[ServiceItem("Oljeskift", 990)],
                mileage_km=1000 * index,
                rating=rating,
            )
        )
        for where in queries:  # interleaved with inserts: totals must follow every change
            selected = store.select(where)
            ratings = [e.rating for e in selected if e.rating is not None]
            totals = store.aggregate(where)
            assert (totals.count, totals.rated_count, totals.rating_sum) == (
                len(selected),
                len(ratings),
                sum(ratings),
            )
            assert totals.newest == (selected[0] if selected else None)
