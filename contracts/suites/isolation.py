"""Isolation: with a second token, nothing of one user is visible or changeable through the other."""

from __future__ import annotations

from typing import Any

from ..client import ApiClient
from ..context import SuiteContext
from ..failures import CheckSkipped, expect
from ..machines.preferences import SETTINGS, read_preferences

DESCRIPTION = "user A's vehicles, service log and preferences are out of user B's reach"
VEHICLES = "/api/co/vehicles"
LIST = "/api/co/service-log/list"
MESSAGES = "/api/co/service-log/messages/{id}"


def run(ctx: SuiteContext) -> None:
    if not ctx.options.second_token:

        def needs_second_token() -> None:
            raise CheckSkipped("needs --second-token")

        ctx.run_check("isolation", needs_second_token)
        return
    owner, other = ctx.client(), ctx.client(ctx.options.second_token)
    plate = _fresh_plate(
        ctx, ctx.client(check_invariants=False), ctx.client(ctx.options.second_token, check_invariants=False)
    )
    try:
        ctx.run_check("vehicles of A are not listed for B", lambda: _vehicles_invisible(owner, other, plate))
        ctx.run_check(
            "B cannot change or remove A's vehicle", lambda: _vehicle_untouchable(ctx, owner, other, plate)
        )
        ctx.run_check("service log of A is invisible to B", lambda: _service_log_invisible(owner, other))
        ctx.run_check(
            "B's preference changes leave A's alone", lambda: _preferences_separate(ctx, owner, other)
        )
    finally:
        if plate is not None:
            owner.delete(VEHICLES, params={"registration_number": plate})


def _plates(api: ApiClient) -> dict[str, dict[str, Any]]:
    listing = api.get(VEHICLES)
    expect(
        listing.status == 200,
        "isolation.vehicles",
        f"listing vehicles answered {listing.status}",
        listing.exchange,
    )
    return {vehicle["registration_number"]: vehicle for vehicle in listing.data}


def _fresh_plate(ctx: SuiteContext, owner: ApiClient, other: ApiClient) -> str | None:
    """Links, as A, a plate neither user has: whatever B then sees of it can only have leaked."""
    if ctx.options.read_only:
        return None
    taken = set(_plates(owner)) | set(_plates(other))
    for plate in ctx.options.plates:
        if (
            plate not in taken
            and owner.post(VEHICLES, json_body={"registration_number": plate}).status == 201
        ):
            return plate
    return None


def _vehicles_invisible(owner: ApiClient, other: ApiClient, plate: str | None) -> None:
    mine, theirs = _plates(owner), _plates(other)
    if plate is not None:
        expect(
            plate not in theirs,
            "isolation.vehicles",
            f"A just linked {plate}; it shows up in B's list",
            *owner.journal[-1:],
        )
    # Two users may link the same car, but not at the same microsecond: identical link data is a leak.
    shared = [p for p in mine if p in theirs and theirs[p].get("linked_at") == mine[p].get("linked_at")]
    expect(
        not shared,
        "isolation.vehicles",
        f"B's list holds A's links {shared} (same linked_at)",
        *owner.journal[-1:],
    )
    for candidate in [p for p in mine if p not in theirs][:3]:
        response = other.get(VEHICLES, params={"registration_number": candidate})
        expect(
            response.status == 404,
            "isolation.vehicles",
            f"B reading A's vehicle {candidate} answered {response.status}, not 404",
            response.exchange,
        )


def _vehicle_untouchable(ctx: SuiteContext, owner: ApiClient, other: ApiClient, plate: str | None) -> None:
    ctx.skip_if_read_only()
    if plate is None:
        raise CheckSkipped("none of --plates could be linked as A")
    before = owner.get(VEHICLES, params={"registration_number": plate}).data
    attempts = [
        ("PUT", f"{VEHICLES}/{plate}", {"nickname": "Fremmed"}, None),
        ("POST", f"{VEHICLES}/refresh/{plate}", None, None),
        ("POST", f"{VEHICLES}/set-primary", {"registration_number": plate}, None),
        ("DELETE", VEHICLES, None, {"registration_number": plate}),
    ]
    for method, path, body, params in attempts:
        if body is None:
            response = other.request(method, path, params=params)
        else:
            response = other.request(method, path, params=params, json_body=body)
        expect(
            response.status == 404,
            "isolation.vehicle-mutations",
            f"B's {method} {path} on A's vehicle answered {response.status}, not 404",
            response.exchange,
        )
    after = owner.get(VEHICLES, params={"registration_number": plate})
    expect(
        after.status == 200,
        "isolation.vehicle-mutations",
        f"A's {plate} is gone after B's attempts",
        after.exchange,
    )
    changed = [
        key
        for key in ("nickname", "updated_at", "is_primary", "registry_refreshed_at")
        if after.data.get(key) != before.get(key)
    ]
    expect(
        not changed,
        "isolation.vehicle-mutations",
        f"B's attempts changed A's {plate}: {changed}",
        after.exchange,
    )


def _service_log_invisible(owner: ApiClient, other: ApiClient) -> None:
    mine = owner.get(LIST, params={"page_size": 100})
    theirs = other.get(LIST, params={"page_size": 100})
    expect(
        mine.status == 200 and theirs.status == 200,
        "isolation.service-log",
        f"listing service logs answered {mine.status} / {theirs.status}",
        theirs.exchange,
    )
    their_ids = {entry["id"] for entry in theirs.data}
    leaked = sorted(
        {entry["booking_id"] for entry in mine.data} & {entry["booking_id"] for entry in theirs.data}
    )
    expect(
        not leaked,
        "isolation.service-log",
        f"B's service log holds A's bookings {leaked[:5]}",
        theirs.exchange,
    )
    for entry in [entry for entry in mine.data if entry["id"] not in their_ids][:3]:
        response = other.get(MESSAGES.format(id=entry["id"]))
        expect(
            response.status == 404 and response.problem_code == "SERVICE_LOG_NOT_FOUND",
            "isolation.service-log",
            f"B reading the messages of A's entry {entry['id']} answered {response.status} "
            f"({response.problem_code}), not 404 SERVICE_LOG_NOT_FOUND",
            response.exchange,
        )


def _preferences_separate(ctx: SuiteContext, owner: ApiClient, other: ApiClient) -> None:
    ctx.skip_if_read_only()
    mine, _ = read_preferences(owner, "isolation.preferences")
    theirs, _ = read_preferences(other, "isolation.preferences")
    flipped = not theirs["message.new"]["email"]
    try:
        other.put(SETTINGS, json_body={"message.new": {"email": flipped}})
        after, read = read_preferences(owner, "isolation.preferences")
        expect(
            after == mine,
            "isolation.preferences",
            "B's update of message.new.email changed A's preferences",
            read.exchange,
        )
    finally:
        other.put(SETTINGS, json_body={"message.new": {"email": theirs["message.new"]["email"]}})
