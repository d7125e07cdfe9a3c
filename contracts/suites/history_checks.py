"""Vehicle history: paged like the service log, and without a plate it is the primary vehicle's."""

from __future__ import annotations

from typing import Any

from ..client import ApiClient
from ..failures import expect
from .paging import Walk, walk_pages
from .service_log_checks import page_size_for

HISTORY_LIST = "/api/co/service-log/vehicle-history/list"
HISTORY_LATEST = "/api/co/service-log/vehicle-history/latest"
VEHICLES = "/api/co/vehicles"
RULE = "read-model.history-defaults-to-primary"


def linked_vehicles(api: ApiClient) -> tuple[list[dict[str, Any]], str | None]:
    listing = api.get(VEHICLES)
    expect(listing.status == 200, RULE, f"listing vehicles answered {listing.status}", listing.exchange)
    vehicles: list[dict[str, Any]] = listing.data
    primary = next(
        (vehicle["registration_number"] for vehicle in vehicles if vehicle.get("is_primary")), None
    )
    return vehicles, primary


def history_defaults_to_primary(api: ApiClient) -> str | None:
    """Compares the default history with the primary's; returns the primary plate."""
    _, primary = linked_vehicles(api)
    if primary is None:
        for path in (HISTORY_LIST, HISTORY_LATEST):
            response = api.get(path)
            expect(
                response.status == 404 and response.problem_code == "NO_PRIMARY_VEHICLE",
                RULE,
                f"{path} for a user without vehicles answered {response.status} ({response.problem_code}), "
                "not 404 NO_PRIMARY_VEHICLE",
                response.exchange,
            )
        return None
    explicit = _walk(api, {"registration_number": primary})
    default = _walk(api, {})
    strangers = sorted({entry["registration_number"] for entry in default.entries} - {primary})
    expect(
        not strangers,
        RULE,
        f"the default history holds entries of {strangers}; the primary is {primary}",
        *default.exchanges[-1:],
    )
    expect(
        default.ids == explicit.ids,
        RULE,
        f"the default history differs from the history of the primary {primary}",
        *default.exchanges[-1:],
    )
    latest = api.get(HISTORY_LATEST, params={"limit": 100})
    expect(
        latest.status == 200 and latest.data == explicit.entries[:100],
        RULE,
        f"vehicle-history/latest without a plate is not the head of {primary}'s history",
        latest.exchange,
    )
    return primary


def history_follows_set_primary(api: ApiClient) -> None:
    """Making another vehicle primary moves the default history with it. Changes data; restores it."""
    vehicles, primary = linked_vehicles(api)
    others = [
        vehicle["registration_number"] for vehicle in vehicles if vehicle["registration_number"] != primary
    ]
    try:
        for other in others[:2]:
            response = api.post(f"{VEHICLES}/set-primary", json_body={"registration_number": other})
            expect(
                response.status == 200,
                "semantics.set-primary",
                f"set-primary {other} answered {response.status}",
                response.exchange,
            )
            history_defaults_to_primary(api)
    finally:
        if primary is not None and others:
            api.post(f"{VEHICLES}/set-primary", json_body={"registration_number": primary})


def _walk(api: ApiClient, filters: dict[str, str]) -> Walk:
    total = api.get(HISTORY_LIST, params={**filters, "page_size": 1}).meta.get("total", 0)
    return walk_pages(api, HISTORY_LIST, filters, page_size_for(int(total)))
