"""What the user had before a suite changed it, and putting it back afterwards (with new link times)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..client import ApiClient
from ..context import SuiteContext
from ..machines.preferences import SETTINGS, read_preferences

VEHICLES = "/api/co/vehicles"


@contextmanager
def preserved_user_data(ctx: SuiteContext) -> Iterator[None]:
    snapshot = UserSnapshot.take(ctx.client(check_invariants=False))
    try:
        yield
    finally:
        for problem in snapshot.restore(ctx.client(check_invariants=False)):
            ctx.progress(f"could not restore the user's data: {problem}")


@dataclass
class UserSnapshot:
    """What the user had before the suite changed it."""

    vehicles: list[dict[str, Any]]
    primary: str | None
    preferences: dict[str, dict[str, bool]] | None

    @classmethod
    def take(cls, api: ApiClient) -> UserSnapshot:
        listing = api.get(VEHICLES)
        vehicles = listing.data if listing.status == 200 and isinstance(listing.data, list) else []
        vehicles = sorted(vehicles, key=lambda vehicle: str(vehicle.get("linked_at")))
        primary = next((v["registration_number"] for v in vehicles if v.get("is_primary")), None)
        try:
            preferences, _ = read_preferences(api, "semantics.preferences-merge")
        except AssertionError:
            preferences = None
        return cls(vehicles, primary, preferences)

    def restore(self, api: ApiClient) -> list[str]:
        problems: list[str] = []
        listing = api.get(VEHICLES)
        if listing.status == 200:
            for vehicle in listing.json().get("data", []):
                api.delete(VEHICLES, params={"registration_number": vehicle["registration_number"]})
        for vehicle in self.vehicles:
            plate = vehicle["registration_number"]
            if api.post(VEHICLES, json_body={"registration_number": plate}).status not in (200, 201):
                problems.append(f"re-linking {plate} failed")
                continue
            edits = {key: vehicle[key] for key in ("nickname",) if vehicle.get(key) is not None}
            if vehicle.get("image_url"):
                edits["image"] = vehicle["image_url"]
            if edits and api.put(f"{VEHICLES}/{plate}", json_body=edits).status != 200:
                problems.append(f"restoring nickname/image of {plate} failed")
        if self.primary is not None:
            api.post(f"{VEHICLES}/set-primary", json_body={"registration_number": self.primary})
        if self.preferences is not None and api.put(SETTINGS, json_body=self.preferences).status != 200:
            problems.append("restoring notification preferences failed")
        return problems
