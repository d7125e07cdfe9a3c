"""A hypothesis state machine against a plain model of one account's vehicles: create and read back,
update, delete (one and several), list pages, sort options and filters, tracker reassignment."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ...context import SuiteContext
from ...failures import expect
from ...machines.recording import machine_settings
from ...options import PROFILES, Profile
from .client import NavixyClient, expect_refusal

DESCRIPTION = (
    "vehicles read back as written; lists page, sort and filter as documented; "
    "delete and trackers as documented"
)
TRACKERS = list(range(1001, 1009))  # every account's free trackers
SORTABLE = ("id", "label", "reg_number", "type", "max_speed", "vin")
WRITTEN = ("label", "model", "type", "reg_number", "vin", "max_speed", "tags", "color")

words = st.text(alphabet="abcÆØÅ 12", min_size=1, max_size=6)
vehicles = st.fixed_dictionaries(
    {
        "label": words,
        "model": st.sampled_from(["Volvo FH", "Scania R 450", "Ford Transit", ""]),
        "type": st.sampled_from(["truck", "car", "bus"]),
        "reg_number": st.sampled_from(["ZT 41235", "А001АА96", "EL 12345", "ab 1"]),
        "vin": st.text(alphabet="ABC123", max_size=5),
        "max_speed": st.none() | st.integers(0, 200),
        "tags": st.lists(st.integers(1, 4), unique=True, max_size=3),
        "color": st.none() | st.sampled_from(["Hvit", "Blå"]),
    },
    optional={"tracker_id": st.none() | st.sampled_from(TRACKERS[:3])},
)
sorts = st.lists(
    st.tuples(st.sampled_from(SORTABLE), st.sampled_from(["asc", "desc"])),
    max_size=2,
    unique_by=lambda o: o[0],
)


def _rank(value: Any) -> tuple[int, Any]:
    return (0, 0) if value is None else (1, value.casefold() if isinstance(value, str) else value)


class VehicleMachine(RuleBasedStateMachine):
    client: NavixyClient  # set by machine_for

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[int, dict[str, Any]] = {}  # id -> the written fields and its tracker
        self.made: list[int] = []

    @initialize(fleet=st.lists(vehicles, min_size=3, max_size=5))
    def start_with_a_fleet(self, fleet: list[dict[str, Any]]) -> None:
        """What the account has, and a few vehicles more (two of them on trackers), to list and page."""
        for vehicle in self.client.call("vehicle/list").body["list"]:
            self.model[vehicle["id"]] = {name: vehicle[name] for name in (*WRITTEN, "tracker_id")}
        for index, vehicle in enumerate(fleet):
            self.create(
                {**vehicle, "tracker_id": TRACKERS[index] if index < 2 else None}, force=None, by_get=False
            )

    def _holder(self, tracker_id: Any, other_than: int | None = None) -> int | None:
        if tracker_id is None:
            return None
        return next(
            (i for i, v in self.model.items() if v["tracker_id"] == tracker_id and i != other_than), None
        )

    def _write(self, vehicle_id: int, vehicle: dict[str, Any]) -> None:
        tracker_id = vehicle.get("tracker_id")
        holder = self._holder(tracker_id, vehicle_id)
        if holder is not None:
            self.model[holder]["tracker_id"] = None
        self.model[vehicle_id] = {**{name: vehicle[name] for name in WRITTEN}, "tracker_id": tracker_id}

    @rule(
        vehicle=vehicles,
        force=st.sampled_from([None, True, False]),
        by_get=st.booleans(),
        on_a_bound_tracker=st.booleans(),
    )
    def create(
        self, vehicle: dict[str, Any], force: bool | None, by_get: bool, on_a_bound_tracker: bool = False
    ) -> None:
        held = sorted({v["tracker_id"] for v in self.model.values() if v["tracker_id"] in TRACKERS})
        if on_a_bound_tracker and held:
            vehicle = {**vehicle, "tracker_id": held[len(self.model) % len(held)]}
        extra = {} if force is None else {"force_reassign": force}
        answer = self.client.call(
            "vehicle/create", method="GET" if by_get else "POST", vehicle=vehicle, **extra
        )
        if force is False and self._holder(vehicle.get("tracker_id")) is not None:
            expect_refusal(
                answer, 247, "navixy.tracker-reassign", "create with a bound tracker and force_reassign false"
            )
            return
        expect(answer.ok, "navixy.read-after-write", f"create refused: {answer.body!r}", answer.exchange)
        self.made.append(answer.body["id"])
        self._write(answer.body["id"], vehicle)
        self._read_back(answer.body["id"])

    @precondition(lambda self: any(i in self.model for i in self.made))
    @rule(data=st.data(), vehicle=vehicles, force=st.sampled_from([None, False]))
    def update(self, data: st.DataObject, vehicle: dict[str, Any], force: bool | None) -> None:
        vehicle_id = data.draw(st.sampled_from([i for i in self.made if i in self.model]), label="vehicle_id")
        extra = {} if force is None else {"force_reassign": force}
        answer = self.client.call("vehicle/update", vehicle={**vehicle, "id": vehicle_id}, **extra)
        if force is False and self._holder(vehicle.get("tracker_id"), vehicle_id) is not None:
            expect_refusal(
                answer, 247, "navixy.tracker-reassign", "update to a bound tracker, force_reassign false"
            )
            return
        expect(answer.ok, "navixy.read-after-write", f"update refused: {answer.body!r}", answer.exchange)
        self._write(vehicle_id, vehicle)
        self._read_back(vehicle_id)

    def _read_back(self, vehicle_id: int) -> None:
        answer = self.client.call("vehicle/read", vehicle_id=vehicle_id)
        expect(
            answer.ok, "navixy.read-after-write", f"vehicle {vehicle_id} does not read back", answer.exchange
        )
        value, wanted = answer.body["value"], self.model[vehicle_id]
        wrong = {k: (value.get(k), v) for k, v in wanted.items() if value.get(k) != v}
        expect(
            not wrong,
            "navixy.read-after-write",
            f"vehicle {vehicle_id} reads back otherwise: {wrong}",
            answer.exchange,
        )

    @precondition(lambda self: any(i in self.model for i in self.made))
    @rule(data=st.data(), several=st.booleans())
    def delete(self, data: st.DataObject, several: bool) -> None:
        known = [i for i in self.made if i in self.model]
        if several:
            chosen = data.draw(
                st.lists(st.sampled_from(known), min_size=1, max_size=2, unique=True), label="ids"
            )
            unknown = max([*self.model, *self.made]) + 1000
            answer = self.client.call("vehicle/delete", vehicle_ids=[*chosen, unknown])
            expect(
                answer.ok,
                "navixy.delete",
                f"vehicle_ids with an unknown id refused: {answer.body!r}",
                answer.exchange,
            )
            for vehicle_id in chosen:
                del self.model[vehicle_id]
            return
        vehicle_id = data.draw(st.sampled_from(known), label="vehicle_id")
        answer = self.client.call("vehicle/delete", vehicle_id=vehicle_id)
        expect(
            answer.ok, "navixy.delete", f"delete of {vehicle_id} refused: {answer.body!r}", answer.exchange
        )
        del self.model[vehicle_id]
        again = self.client.call("vehicle/delete", vehicle_id=vehicle_id)
        expect_refusal(again, 201, "navixy.delete", f"deleting the deleted vehicle {vehicle_id}")

    @rule(sort=sorts, limit=st.integers(1, 3))
    def list_pages(self, sort: list[tuple[str, str]], limit: int) -> None:
        options = [f"{name}={direction}" for name, direction in sort]
        whole = self.client.call("vehicle/list", sort=options)
        listed = whole.body["list"]
        ids = [v["id"] for v in listed]
        expect(
            sorted(ids) == sorted(self.model),
            "navixy.list-paging",
            f"the list is {ids}, not {sorted(self.model)}",
            whole.exchange,
        )
        for earlier, later in itertools.pairwise(listed):
            for name, direction in sort:
                a, b = _rank(earlier[name]), _rank(later[name])
                if a != b:
                    expect(
                        (a < b) == (direction == "asc"),
                        "navixy.list-sort",
                        f"{options}: {name} {earlier[name]!r} before {later[name]!r}",
                        whole.exchange,
                    )
                    break
        paged: list[int] = []
        for offset in range(0, len(ids) + limit, limit):
            page = self.client.call("vehicle/list", sort=options, limit=limit, offset=offset)
            paged += [v["id"] for v in page.body["list"]]
            expect(
                len(page.body["list"]) <= limit,
                "navixy.list-paging",
                f"a page of limit {limit} has more",
                page.exchange,
            )
        expect(
            paged == ids,
            "navixy.list-paging",
            f"pages of {limit} give {paged}, the list {ids}",
            page.exchange,
        )

    @rule(needle=st.sampled_from(["a", "ZT", "А001", "ab 1", "B", "Æ", "12"]))
    def filter(self, needle: str) -> None:
        answer = self.client.call("vehicle/list", filter=needle)
        found = {v["id"] for v in answer.body["list"]}
        wanted = {
            i
            for i, v in self.model.items()
            if any(needle.casefold() in v[f].casefold() for f in ("label", "reg_number", "vin"))
        }
        expect(
            found == wanted,
            "navixy.list-filter",
            f"filter {needle!r} keeps {sorted(found)}, not {sorted(wanted)}",
            answer.exchange,
        )

    def teardown(self) -> None:
        left = [i for i in self.made if i in self.model]
        if left:
            self.client.call("vehicle/delete", vehicle_ids=left)


def check_model(client: NavixyClient, profile: Profile = PROFILES["quick"]) -> None:
    """Runs the machine as the profile says (runs, steps); a failing run is reported as found."""
    machine = type("NavixyVehicles", (VehicleMachine,), {"client": client})
    run_state_machine_as_test(machine, settings=settings(machine_settings(profile), derandomize=True))


def run(ctx: SuiteContext) -> None:
    def check() -> None:
        ctx.skip_if_read_only()
        check_model(NavixyClient(ctx.http, ctx.options.token), ctx.options.profile)

    ctx.run_check("vehicles behave as the model says", check)
