"""Isolation: what one account creates is out of another account's reach."""

from __future__ import annotations

from ...context import SuiteContext
from ...failures import CheckSkipped, expect
from .client import NavixyClient, expect_refusal

DESCRIPTION = "account A's vehicles are neither listed, read, changed nor deleted through account B"


def vehicle(label: str) -> dict:
    return {
        "label": label,
        "model": "Scania R 450",
        "type": "truck",
        "reg_number": "ZT 99",
        "vin": "YS2R4X20005399999",
    }


def separate(owner: NavixyClient, other: NavixyClient) -> None:
    theirs = {v["id"] for v in other.call("vehicle/list").body["list"]}
    made = []
    try:
        # More vehicles than B has, so some of A's ids are ids B lacks.
        for n in range(len(theirs) + 2):
            answer = owner.call("vehicle/create", vehicle=vehicle(f"Isolasjon {n}"))
            expect(
                answer.ok,
                "navixy.isolation",
                f"A could not create a vehicle: {answer.body!r}",
                answer.exchange,
            )
            made.append(answer.body["id"])
        listed = other.call("vehicle/list")
        leaked = [v for v in listed.body["list"] if v["label"].startswith("Isolasjon")]
        expect(not leaked, "navixy.isolation", f"B lists A's vehicles {leaked}", listed.exchange)
        for vehicle_id in (i for i in made if i not in theirs):
            read = other.call("vehicle/read", vehicle_id=vehicle_id)
            expect(not read.ok, "navixy.isolation", f"B reads A's vehicle {vehicle_id}", read.exchange)
            expect_refusal(read, 201, "navixy.isolation", f"B reading A's vehicle {vehicle_id}")
            gone = other.call("vehicle/delete", vehicle_id=vehicle_id)
            expect_refusal(gone, 201, "navixy.isolation", f"B deleting A's vehicle {vehicle_id}")
        still = owner.call("vehicle/list")
        expect(
            set(made) <= {v["id"] for v in still.body["list"]},
            "navixy.isolation",
            "A's vehicles went missing after B's calls",
            still.exchange,
        )
    finally:
        if made:
            owner.call("vehicle/delete", vehicle_ids=made)


def run(ctx: SuiteContext) -> None:
    def check() -> None:
        if not ctx.options.second_token:
            raise CheckSkipped("needs --second-token")
        ctx.skip_if_read_only()
        separate(NavixyClient(ctx.http, ctx.options.token), NavixyClient(ctx.http, ctx.options.second_token))

    ctx.run_check("A's vehicles are out of B's reach", check)
