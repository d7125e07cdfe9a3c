"""A sandbox kept as a core and rows: whatever is changed between writes, and whichever writes fail,
the rows written put together again are the sandbox's whole state."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mock_server.packs.base import StoredPackState
from mock_server.packs.carowner.domain.models import (
    Message,
    ServiceItem,
    ServiceLogEntry,
    VehicleLink,
    Workshop,
)
from mock_server.packs.carowner.service_log_store import ServiceLogStore
from mock_server.packs.carowner.state import owner_state
from mock_server.store import row_layout
from mock_server.store.sandbox import Sandbox
from mock_server.store.serialise import sandbox_from_state, sandbox_state

PLATES = ("BT57225", "EL42817", "KH60518", "DN54321")
WORKSHOP = Workshop("921460929", "Bilservice Grünerløkka AS", "Oslo")
MOMENT = datetime(2025, 1, 1, tzinfo=UTC)

operations = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["link", "unlink", "primary"]), st.sampled_from(PLATES)),
        st.tuples(st.just("rename"), st.sampled_from(PLATES), st.text("ab", max_size=3)),
        st.tuples(st.sampled_from(["entry", "message"]), st.integers(1001, 1012)),
        st.tuples(st.sampled_from(["replace-log", "write", "failed-write"])),
    ),
    max_size=40,
)


def _entry(entry_id: int) -> ServiceLogEntry:
    return ServiceLogEntry(
        id=entry_id,
        booking_id=uuid.UUID(int=entry_id),
        plate=PLATES[entry_id % len(PLATES)],
        workshop=WORKSHOP,
        service_date=date(2024, 1, 1) + timedelta(days=entry_id % 7),
        description="Service",
        items=[ServiceItem("Oljeskift", 990)],
        mileage_km=entry_id,
    )


class Table:
    """The rows a store holds of one sandbox, written as a plan says."""

    def __init__(self) -> None:
        self.core: dict[str, Any] | None = None
        self.rows: dict[tuple[str, str], tuple[int, str]] = {}

    def apply(self, plan: row_layout.Plan) -> None:
        self.core = json.loads(plan.core)
        for kind in plan.rewrite:
            self.rows = {key: value for key, value in self.rows.items() if key[0] != kind}
        for kind, key in plan.deletes:
            self.rows.pop((kind, key), None)
        for kind, key, pos, data in plan.upserts:
            self.rows[(kind, key)] = (pos, data)

    def state(self) -> dict[str, Any]:
        assert self.core is not None
        whole, _ = row_layout.join(self.core, [(k, key, pos, d) for (k, key), (pos, d) in self.rows.items()])
        return sandbox_state(sandbox_from_state("t", uuid.UUID(int=1), whole))  # as a store loads it


def _change(sandbox: Sandbox, operation: tuple[Any, ...]) -> None:
    kind = operation[0]
    plate = operation[1] if len(operation) > 1 else None
    if kind == "link" and plate not in owner_state(sandbox).links:
        owner_state(sandbox).links[plate] = VehicleLink(plate, MOMENT, MOMENT)
    elif kind == "unlink":
        owner_state(sandbox).links.pop(plate, None)
    elif kind == "primary":
        for link in owner_state(sandbox).links.values():
            link.is_primary = link.plate == plate
    elif kind == "rename" and plate in owner_state(sandbox).links:
        owner_state(sandbox).links[plate].nickname = operation[2] or None
    elif kind == "entry" and owner_state(sandbox).service_log.get(operation[1]) is None:
        owner_state(sandbox).service_log.add(_entry(operation[1]))
    elif kind == "message" and (entry := owner_state(sandbox).service_log.get(operation[1])) is not None:
        entry.messages.append(Message(uuid.uuid4(), "workshop", "Verksted", "Hei", MOMENT))
        owner_state(sandbox).service_log.mark_changed(entry.id)
    elif kind == "replace-log":  # a restore or a reset: a new store of copies
        owner_state(sandbox).service_log = ServiceLogStore.of(
            ServiceLogEntry(**{**vars(entry), "messages": list(entry.messages)})
            for entry in owner_state(sandbox).service_log
        )


@given(operations)
def test_the_rows_written_are_the_whole_sandbox_whatever_changed_between_writes(done: list) -> None:
    sandbox = Sandbox(token="t", user_id=uuid.UUID(int=1), display_name="Ola", email="ola@example.no")
    table, written = Table(), None
    for operation in [*done, ("write",)]:
        if operation[0] == "write":
            plan = row_layout.plan(sandbox, written)
            table.apply(plan)
            written = plan.written
        elif operation[0] == "failed-write":
            row_layout.plan(sandbox, written).give_back()
        else:
            _change(sandbox, operation)
    assert table.state() == sandbox_state(sandbox)


@given(operations)
def test_a_sandbox_loaded_from_rows_is_written_on_from_what_was_loaded(done: list) -> None:
    sandbox = Sandbox(token="t", user_id=uuid.UUID(int=1), display_name="Ola", email="ola@example.no")
    for plate in PLATES[:2]:
        _change(sandbox, ("link", plate))
    _change(sandbox, ("entry", 1001))
    table = Table()
    table.apply(row_layout.plan(sandbox, None))
    core, rows = table.core, [(k, key, pos, d) for (k, key), (pos, d) in table.rows.items()]
    assert core is not None
    whole, positions = row_layout.join(core, rows)
    loaded = sandbox_from_state("t", sandbox.user_id, whole)
    written = row_layout.written_of(loaded, positions)
    assert row_layout.plan(loaded, written).upserts == []  # nothing changed since it was loaded
    for operation in done:
        if operation[0] not in ("write", "failed-write"):
            _change(loaded, operation)
    table.apply(row_layout.plan(loaded, written))
    assert table.state() == sandbox_state(loaded)


def test_changing_one_link_of_many_writes_one_row() -> None:
    sandbox = Sandbox(token="t", user_id=uuid.UUID(int=1), display_name="Ola", email="ola@example.no")
    for number in range(500):
        owner_state(sandbox).links[f"AB{number:05}"] = VehicleLink(f"AB{number:05}", MOMENT, MOMENT)
        owner_state(sandbox).service_log.add(_entry(2000 + number))
    written = row_layout.plan(sandbox, None).written
    owner_state(sandbox).links["AB00042"].nickname = "Lynet"
    plan = row_layout.plan(sandbox, written)
    assert [(kind, key) for kind, key, _, _ in plan.upserts] == [("carowner.link", "AB00042")]
    assert plan.rewrite == () and plan.deletes == []


def test_a_part_gone_takes_its_rows_with_it_and_other_parts_stay_in_the_core() -> None:
    sandbox = Sandbox(token="t", user_id=uuid.UUID(int=1), display_name="Ola", email="ola@example.no")
    for plate in PLATES:
        _change(sandbox, ("link", plate))
    _change(sandbox, ("entry", 1001))
    sandbox.packs["elsewhere"] = StoredPackState({"vehicles": [{"id": 1}]})  # a part kept whole
    table = Table()
    plan = row_layout.plan(sandbox, None)
    table.apply(plan)
    assert {kind for kind, *_ in plan.upserts} == {"carowner.link", "carowner.entry"}
    assert table.core is not None and table.core["packs"]["elsewhere"] == {"vehicles": [{"id": 1}]}
    del sandbox.packs["carowner"]  # restored from a state from before CarOwner kept anything
    table.apply(row_layout.plan(sandbox, plan.written))
    assert table.rows == {} and table.state() == sandbox_state(sandbox)
