"""What every Trimble suite uses: the path, a client, fresh IDs, and reading the list whole."""

from __future__ import annotations

import uuid
from typing import Any

from ...client import ApiClient, ApiResponse
from ...context import SuiteContext
from ...failures import expect

VEHICLES = "/api/assets/v1/vehicles"
MAX_BATCH = 50


def client(ctx: SuiteContext, token: str | None = None) -> ApiClient:
    """A client whose answers are not held to CarOwner's transport invariants (no X-Request-ID)."""
    return ctx.client(token, check_invariants=False)


def fresh_prefix() -> str:
    """IDs and names no fleet has yet: a run never touches vehicles it did not add."""
    return f"ct{uuid.uuid4().hex[:8]}"


def body(answer: ApiResponse, rule_id: str) -> Any:
    expect(
        answer.content_type == "application/json",
        rule_id,
        f"answered {answer.content_type!r}",
        answer.exchange,
    )
    return answer.json()


def listing(api: ApiClient, rule_id: str, **params: Any) -> list[dict[str, Any]]:
    """Every vehicle, walking `next` from offset 0 (bounded)."""
    answer = api.get(VEHICLES, params={"limit": 100, **params})
    expect(answer.status == 200, rule_id, f"listing answered {answer.status}", answer.exchange)
    page = body(answer, rule_id)
    items = list(page["data"])
    for _ in range(200):
        link = page.get("next", {}).get("href")
        if not link:
            break
        answer = api.get(link)
        expect(answer.status == 200, rule_id, f"following next answered {answer.status}", answer.exchange)
        page = body(answer, rule_id)
        items += page["data"]
    return items


def remove(api: ApiClient, vehicle_ids: list[str]) -> None:
    for vehicle_id in vehicle_ids:
        api.delete(VEHICLES, params={"vehicleId": vehicle_id})
