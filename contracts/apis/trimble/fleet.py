"""The fleet's rules against a plain model: additions with duplicates, renames, deletes, limits.

A hypothesis state machine adds, renames and deletes vehicles of its own (fresh IDs) and after each
step holds the listed fleet to the model; a few fixed checks come first, so each rule is checked
on every run whatever the machine draws.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from ...client import ApiClient
from ...context import SuiteContext
from ...failures import expect
from .common import MAX_BATCH, VEHICLES, body, client, fresh_prefix, listing, remove

DESCRIPTION = (
    "add / rename / delete against a model: duplicates, unknown IDs and limits answered as documented"
)


def run(ctx: SuiteContext) -> None:
    ctx.skip_if_read_only()
    api = client(ctx)
    ctx.run_check("duplicates are a partial success", lambda: _duplicates(api))
    ctx.run_check("a rename of unknown IDs lists them", lambda: _rename(api))
    ctx.run_check("deleting an unknown vehicle is a 404", lambda: _delete(api))
    ctx.run_check("bad input is a 400 with code -1", lambda: _limits(api))
    ctx.run_check("the fleet behaves like the model", lambda: _machine(api, ctx.options.seed))


def _mine(api: ApiClient, prefix: str) -> dict[str, str]:
    return {
        v["vehicleId"]: v["name"]
        for v in listing(api, "trimble.read-back")
        if v["vehicleId"].startswith(prefix)
    }


def _duplicates(api: ApiClient) -> None:
    p = fresh_prefix()
    try:
        first = api.post(VEHICLES, json_body=[{"vehicleId": f"{p}a", "Name": f"{p} A"}])
        expect(first.status == 200, "trimble.duplicates", f"adding answered {first.status}", first.exchange)
        sent = [
            {"vehicleId": f"{p}a", "Name": f"{p} other"},
            {"vehicleId": f"{p}b", "Name": f"{p} A"},
            {"vehicleId": f"{p}c", "Name": f"{p} C"},
        ]
        answer = api.post(VEHICLES, json_body=sent)
        got = body(answer, "trimble.duplicates")
        error = got.get("error") or {}
        expect(
            answer.status == 200 and error.get("code") == -12 and error.get("duplicate_ids") == [f"{p}a"],
            "trimble.duplicates",
            f"an existing ID was not reported as a duplicate: {answer.body[:300]!r}",
            answer.exchange,
        )
        expect(
            [v["VehicleId"] for v in got["data"]] == [f"{p}c"],
            "trimble.duplicates",
            "only the new vehicle with a free name may be added",
            answer.exchange,
        )
        expect(
            _mine(api, p) == {f"{p}a": f"{p} A", f"{p}c": f"{p} C"},
            "trimble.duplicates",
            "the fleet changed for a duplicate",
        )
    finally:
        remove(api, [f"{p}a", f"{p}b", f"{p}c"])


def _rename(api: ApiClient) -> None:
    p = fresh_prefix()
    try:
        api.post(VEHICLES, json_body=[{"vehicleId": f"{p}a", "Name": f"{p} A"}])
        answer = api.put(
            VEHICLES,
            json_body=[{"vehicleId": f"{p}a", "Name": f"{p} A2"}, {"vehicleId": f"{p}x", "Name": f"{p} X"}],
        )
        got = body(answer, "trimble.update")
        error = got.get("error") or {}
        expect(
            error.get("code") == -11 and error.get("ids_not_found") == [f"{p}x"],
            "trimble.update",
            f"an unknown ID was not listed in ids_not_found: {answer.body[:300]!r}",
            answer.exchange,
        )
        expect(
            _mine(api, p) == {f"{p}a": f"{p} A2"},
            "trimble.update",
            "the fleet is not what the rename made it",
        )
    finally:
        remove(api, [f"{p}a", f"{p}x"])


def _delete(api: ApiClient) -> None:
    p = fresh_prefix()
    answer = api.delete(VEHICLES, params={"vehicleId": p})
    expect(
        answer.status == 404
        and body(answer, "trimble.delete").get("message") == f"No vehicle found with Id: {p}",
        "trimble.delete",
        f"deleting an unknown vehicle answered {answer.status} {answer.body[:200]!r}",
        answer.exchange,
    )


def _limits(api: ApiClient) -> None:
    p = fresh_prefix()
    too_many = [{"vehicleId": f"{p}{n}", "Name": f"{p} {n}"} for n in range(MAX_BATCH + 1)]
    for label, sent in (
        ("51 vehicles", too_many),
        ("a bad character", [{"vehicleId": f"{p}/1", "Name": "x"}]),
        ("a missing Name", [{"vehicleId": f"{p}m"}]),
    ):
        answer = api.post(VEHICLES, json_body=sent)
        error = body(answer, "trimble.limits").get("error") if answer.status == 400 else None
        expect(
            isinstance(error, dict) and error.get("code") == -1,
            "trimble.limits",
            f"{label} answered {answer.status} {answer.body[:200]!r}",
            answer.exchange,
        )
    leaked = [v for v in _mine(api, p)]
    remove(api, leaked)
    expect(not leaked, "trimble.limits", f"a refused call added {leaked}")


names = st.integers(min_value=0, max_value=5)


class FleetMachine(RuleBasedStateMachine):
    """Vehicle IDs and names of its own prefix; the model is {vehicleId: name}."""

    api: ApiClient

    def __init__(self) -> None:
        super().__init__()
        self.prefix = fresh_prefix()
        self.model: dict[str, str] = {}

    def _id(self, n: int) -> str:
        return f"{self.prefix}v{n}"

    def _name(self, n: int) -> str:
        return f"{self.prefix} N{n}"

    @rule(batch=st.lists(st.tuples(names, names), min_size=1, max_size=4))
    def add(self, batch: list[tuple[int, int]]) -> None:
        sent = [{"vehicleId": self._id(i), "Name": self._name(n)} for i, n in batch]
        answer = self.api.post(VEHICLES, json_body=sent)
        got: dict[str, Any] = body(answer, "trimble.duplicates")
        expected: list[str] = []
        for item in sent:
            if item["vehicleId"] not in self.model and item["Name"] not in self.model.values():
                self.model[item["vehicleId"]] = item["Name"]
                expected.append(item["vehicleId"])
        added = [v["VehicleId"] for v in got.get("data", [])]
        expect(
            added == expected,
            "trimble.duplicates",
            f"added {added}, the model adds {expected}",
            answer.exchange,
        )
        expect(
            ("error" in got) == (len(expected) < len(sent)),
            "trimble.duplicates",
            "error object",
            answer.exchange,
        )

    @rule(i=names, n=names)
    def rename(self, i: int, n: int) -> None:
        vehicle_id, name = self._id(i), self._name(n)
        answer = self.api.put(VEHICLES, json_body=[{"vehicleId": vehicle_id, "Name": name}])
        got = body(answer, "trimble.update")
        if vehicle_id not in self.model:
            expect(
                (got.get("error") or {}).get("ids_not_found") == [vehicle_id],
                "trimble.update",
                "an unknown ID was not listed",
                answer.exchange,
            )
        elif name not in self.model.values() or self.model[vehicle_id] == name:
            self.model[vehicle_id] = name

    @rule(i=names)
    def delete(self, i: int) -> None:
        vehicle_id = self._id(i)
        answer = self.api.delete(VEHICLES, params={"vehicleId": vehicle_id})
        expected = 200 if vehicle_id in self.model else 404
        self.model.pop(vehicle_id, None)
        expect(
            answer.status == expected,
            "trimble.delete",
            f"answered {answer.status}, not {expected}",
            answer.exchange,
        )

    @invariant()
    def listed_as_the_model(self) -> None:
        mine = _mine(self.api, self.prefix)
        expect(mine == self.model, "trimble.read-back", f"listed {mine}, the model holds {self.model}")

    def teardown(self) -> None:
        remove(self.api, list(self.model))


def _machine(api: ApiClient, seed: int) -> None:
    FleetMachine.api = api
    run_state_machine_as_test(
        FleetMachine,
        settings=settings(
            max_examples=4,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
