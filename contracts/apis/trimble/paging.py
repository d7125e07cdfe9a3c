"""Paging and sorting: following `next` lists every vehicle once, in the order asked."""

from __future__ import annotations

from ...context import SuiteContext
from ...failures import expect
from .common import VEHICLES, body, client, fresh_prefix, remove

DESCRIPTION = "href paging covers the fleet exactly once, size counts it, and both sort keys sort both ways"


def run(ctx: SuiteContext) -> None:
    ctx.skip_if_read_only()
    api = client(ctx)
    p = fresh_prefix()
    ids = [f"{p}{n:02d}" for n in range(7)]
    api.post(
        VEHICLES, json_body=[{"vehicleId": vid, "Name": f"{p} Bil {6 - n}"} for n, vid in enumerate(ids)]
    )
    try:
        for expression in ("vehicleId", "vehicleName"):
            for direction in ("ASC", "DESC"):
                ctx.run_check(
                    f"pages of 3 by {expression} {direction}",
                    lambda e=expression, d=direction: _walk(api, e, d),
                )
    finally:
        remove(api, ids)


def _walk(api, expression: str, direction: str) -> None:
    answer = api.get(VEHICLES, params={"limit": 3, "sortExpression": expression, "sortDirection": direction})
    page = body(answer, "trimble.paging")
    size = page["size"]
    seen: list[dict] = list(page["data"])
    for _ in range(1000):
        link = page.get("next", {}).get("href")
        if not link:
            break
        answer = api.get(link)
        page = body(answer, "trimble.paging")
        expect(page["size"] == size, "trimble.paging", "size changed between pages", answer.exchange)
        seen += page["data"]
    ids = [v["id"] for v in seen]
    expect(len(ids) == len(set(ids)), "trimble.paging", "a vehicle was listed twice", answer.exchange)
    expect(len(ids) == size, "trimble.paging", f"size says {size}, paging listed {len(ids)}", answer.exchange)
    key = "vehicleId" if expression == "vehicleId" else "name"
    keys = [v[key].casefold() for v in seen]
    expect(
        keys == sorted(keys, reverse=direction == "DESC"),
        "trimble.sorting",
        f"not sorted by {expression} {direction}",
        answer.exchange,
    )
