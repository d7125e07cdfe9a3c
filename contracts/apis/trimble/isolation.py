"""Isolation: what one credential adds is out of another's sight and reach."""

from __future__ import annotations

from ...context import SuiteContext
from ...failures import CheckSkipped, expect
from .common import VEHICLES, client, fresh_prefix, listing, remove

DESCRIPTION = "fleet A's vehicles are not listed, renamed or deleted through credential B"


def run(ctx: SuiteContext) -> None:
    def check() -> None:
        if not ctx.options.second_token:
            raise CheckSkipped("needs --second-token")
        ctx.skip_if_read_only()
        _separate(ctx)

    ctx.run_check("A's vehicle is out of B's sight and reach", check)


def _separate(ctx: SuiteContext) -> None:
    owner, other = client(ctx), client(ctx, ctx.options.second_token)
    vehicle_id = fresh_prefix()
    added = owner.post(VEHICLES, json_body=[{"vehicleId": vehicle_id, "Name": vehicle_id}])
    expect(added.status == 200, "trimble.isolation", f"adding answered {added.status}", added.exchange)
    try:
        seen = [v["vehicleId"] for v in listing(other, "trimble.isolation")]
        expect(vehicle_id not in seen, "trimble.isolation", "B lists A's vehicle", *other.journal[-1:])
        renamed = other.put(VEHICLES, json_body=[{"vehicleId": vehicle_id, "Name": vehicle_id + "B"}])
        expect(
            vehicle_id in (renamed.json().get("error") or {}).get("ids_not_found", []),
            "trimble.isolation",
            "B could rename A's vehicle",
            renamed.exchange,
        )
        gone = other.delete(VEHICLES, params={"vehicleId": vehicle_id})
        expect(
            gone.status == 404,
            "trimble.isolation",
            f"B deleting A's vehicle answered {gone.status}",
            gone.exchange,
        )
        mine = {v["vehicleId"]: v["name"] for v in listing(owner, "trimble.isolation")}
        expect(mine.get(vehicle_id) == vehicle_id, "trimble.isolation", "A's vehicle changed through B")
    finally:
        remove(owner, [vehicle_id])
