"""The documented order of GET /api/co/vehicles: primary first, then by linked_at ascending, ties by plate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .client import ApiResponse
from .failures import expect
from .timestamps import timestamp

RULE = "semantics.vehicle-list-order"


def documented_order(vehicles: Sequence[Mapping[str, Any]]) -> list[str]:
    """The plates of `vehicles` in the order the spec promises (linked_at compared as instants)."""
    ordered = sorted(
        vehicles,
        key=lambda vehicle: (
            vehicle.get("is_primary") is not True,
            timestamp(vehicle["linked_at"]),
            str(vehicle["registration_number"]),
        ),
    )
    return [str(vehicle["registration_number"]) for vehicle in ordered]


def expect_documented_order(listing: ApiResponse) -> None:
    vehicles = listing.data
    listed = [str(vehicle["registration_number"]) for vehicle in vehicles]
    wanted = documented_order(vehicles)
    linked_at = ", ".join(f"{vehicle['registration_number']} {vehicle['linked_at']}" for vehicle in vehicles)
    expect(
        listed == wanted,
        RULE,
        f"the vehicle list is {listed}; documented order (primary first, then linked_at ascending, "
        f"ties by registration_number) is {wanted} (linked_at: {linked_at})",
        listing.exchange,
    )
