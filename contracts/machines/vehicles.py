"""The vehicle-linking state machine: the server and GarageModel side by side, agreeing after every step.

Every rule takes any plate of the run; whether it is linked decides what the server must answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ..client import ApiClient, ApiResponse
from ..failures import RuleViolation, expect
from ..timestamps import timestamp
from ..vehicle_order import expect_documented_order
from .garage_model import GarageModel, KeptRecord
from .recording import Call, recorded, with_history

VEHICLES = "/api/co/vehicles"
NOT_LINKED = "VEHICLE_NOT_LINKED"
# The spec states no timestamp precision: a server keeping whole seconds may give two quick updates the
# same updated_at. It must not go back, and must be the time of the update to within that precision.
TIMESTAMP_SLACK = timedelta(seconds=2)
NICKNAMES = st.none() | st.from_regex(r"[A-Za-zÆØÅæøå0-9]{1,20}( [A-Za-zÆØÅæøå0-9]{1,15})?", fullmatch=True)
IMAGES = st.none() | st.integers(0, 10**6).map(lambda n: f"https://bilder.minbil.no/kontrakt/{n}.jpg")
STYLES = st.sampled_from(("exact", "lower", "spaced", "dashed"))
ALIASES = st.sampled_from(("reg", "registration_number"))


def typed(plate: str, style: str) -> str:
    """The plate as a person might type it; the server normalises it."""
    if style == "lower":
        return plate.lower()
    if style == "spaced":
        return f"{plate[:2]} {plate[2:]}"
    if style == "dashed":
        return f"{plate[:2]}-{plate[2:]}"
    return plate


def vehicle_machine(
    api_factory: Callable[[], ApiClient], plates: tuple[str, ...]
) -> type[RuleBasedStateMachine]:
    """A machine class bound to one server and one set of plates."""
    plate_choice = st.sampled_from(plates)
    # The server keeps vehicle records across the whole run, so what we learn of them is kept too.
    kept_records: dict[str, KeptRecord] = {}

    class VehicleLinking(RuleBasedStateMachine):
        HISTORY_NOTE = "Starting from a user with no linked vehicles:"
        INITIALIZE = "clean_slate"
        INVARIANT = "server_agrees_with_model"

        def __init__(self) -> None:
            super().__init__()
            self.api = api_factory()
            self.model = GarageModel(records=kept_records)
            self.calls: list[Call] = []

        @initialize()
        def clean_slate(self) -> None:
            listing = self.api.get(VEHICLES)
            expect(
                listing.status == 200,
                "semantics.vehicles-match-model",
                f"listing vehicles answered {listing.status}",
                listing.exchange,
            )
            for vehicle in listing.data:
                response = self.api.delete(
                    VEHICLES, params={"registration_number": vehicle["registration_number"]}
                )
                expect(
                    response.status == 200,
                    "semantics.unlink-response",
                    f"unlinking {vehicle['registration_number']} answered {response.status}",
                    response.exchange,
                )
            self.api.journal.clear()

        # ------------------------------------------------------------------ rules
        @rule(plate=plate_choice, style=STYLES, nickname=NICKNAMES)
        @recorded
        def link(self, plate: str, style: str, nickname: str | None) -> None:
            body: dict[str, Any] = {"registration_number": typed(plate, style)}
            if nickname is not None:
                body["nickname"] = nickname
            response = self.api.post(VEHICLES, json_body=body)
            if self.model.is_linked(plate):
                expect(
                    response.status == 200,
                    "semantics.link-idempotent",
                    f"linking {plate} again answered {response.status}, not 200",
                    response.exchange,
                )
                self._expect_as_modelled(response.data, "semantics.link-idempotent", response)
                return
            expect(
                response.status == 201,
                "semantics.link-new-201",
                f"linking {plate} answered {response.status} ({response.problem_code}), not 201; "
                "the plate must be known to the registry (see --plates)",
                response.exchange,
            )
            details = response.data
            expect(
                details.get("registration_number") == plate,
                "semantics.link-new-201",
                f"{body['registration_number']!r} came back as {details.get('registration_number')!r}, "
                f"not the normalised {plate!r}",
                response.exchange,
            )
            first = self.model.primary is None
            expect(
                details.get("is_primary") is first,
                "semantics.link-new-201",
                f"a newly linked vehicle has is_primary={details.get('is_primary')}, expected {first} "
                "(only the first vehicle becomes primary)",
                response.exchange,
            )
            expect(
                details.get("nickname") == nickname,
                "semantics.link-new-201",
                f"nickname {details.get('nickname')!r}, sent {nickname!r}",
                response.exchange,
            )
            kept = self.model.records.get(plate)
            if kept is not None:
                same = details.get("vin") == kept.vin and timestamp(details["registry_refreshed_at"]) == (
                    kept.registry_refreshed_at
                )
                expect(
                    same,
                    "semantics.unlink-keeps-record",
                    f"re-linked {plate} is a different record: vin {details.get('vin')!r} / "
                    f"registry_refreshed_at {details.get('registry_refreshed_at')} instead of {kept.vin!r} / "
                    f"{kept.registry_refreshed_at.isoformat()}",
                    response.exchange,
                )
            self.model.link(plate, details)

        @rule(plate=plate_choice, alias=ALIASES)
        @recorded
        def unlink(self, plate: str, alias: str) -> None:
            response = self.api.delete(VEHICLES, params={alias: plate})
            if not self._linked_or_404(plate, response, "unlinking"):
                return
            expect(
                response.status == 200,
                "semantics.unlink-response",
                f"unlinking {plate} answered {response.status}",
                response.exchange,
            )
            data = response.data
            expect(
                data.get("registration_number") == plate and data.get("unlinked") is True,
                "semantics.unlink-response",
                f"unexpected unlink result {data}",
                response.exchange,
            )
            reported = data.get("primary_registration_number")
            if self.model.primary == plate:
                candidates = self.model.fallback_candidates(plate)
                if candidates:
                    updated = ", ".join(
                        f"{v.plate} updated {v.updated_at.isoformat()}"
                        for v in self.model.linked.values()
                        if v.plate != plate
                    )
                    expect(
                        reported in candidates,
                        "semantics.primary-fallback",
                        f"after removing the primary {plate}, {reported} became primary; expected the most "
                        f"recently updated: {' or '.join(sorted(candidates))} ({updated})",
                        response.exchange,
                    )
                else:
                    expect(
                        reported is None,
                        "semantics.single-primary",
                        f"no vehicle remains, yet primary_registration_number is {reported!r}",
                        response.exchange,
                    )
                self.model.unlink(plate, reported)
            else:
                expect(
                    reported == self.model.primary,
                    "semantics.primary-fallback",
                    f"removing {plate}, which was not primary, changed the primary from {self.model.primary} "
                    f"to {reported}",
                    response.exchange,
                )
                self.model.unlink(plate, self.model.primary)

        @rule(plate=plate_choice)
        @recorded
        def set_primary(self, plate: str) -> None:
            response = self.api.post(f"{VEHICLES}/set-primary", json_body={"registration_number": plate})
            if not self._linked_or_404(plate, response, "making primary"):
                return
            expect(
                response.status == 200,
                "semantics.set-primary",
                f"set-primary {plate} answered {response.status}",
                response.exchange,
            )
            details = response.data
            expect(
                details.get("registration_number") == plate and details.get("is_primary") is True,
                "semantics.set-primary",
                f"set-primary {plate} returned {details.get('registration_number')} "
                f"with is_primary={details.get('is_primary')}",
                response.exchange,
            )
            self.model.set_primary(plate)
            self._expect_as_modelled(details, "semantics.vehicles-match-model", response)

        @rule(plate=plate_choice, nickname=NICKNAMES)
        @recorded
        def rename(self, plate: str, nickname: str | None) -> None:
            self._update(plate, {"nickname": nickname}, "nickname", nickname)

        @rule(plate=plate_choice, image=IMAGES)
        @recorded
        def change_image(self, plate: str, image: str | None) -> None:
            self._update(plate, {"image": image}, "image_url", image)

        @rule(plate=plate_choice)
        @recorded
        def refresh(self, plate: str) -> None:
            response = self.api.post(f"{VEHICLES}/refresh/{plate}")
            if not self._linked_or_404(plate, response, "refreshing"):
                return
            expect(
                response.status == 200,
                "semantics.refresh-keeps-link",
                f"refreshing {plate} answered {response.status}",
                response.exchange,
            )
            details = response.data
            before = self.model.records[plate].registry_refreshed_at
            expect(
                timestamp(details["registry_refreshed_at"]) >= before,
                "semantics.refresh-keeps-link",
                f"registry_refreshed_at went back from {before.isoformat()} "
                f"to {details['registry_refreshed_at']}",
                response.exchange,
            )
            self._expect_as_modelled(details, "semantics.refresh-keeps-link", response)
            self.model.remember_record(plate, details)

        @rule(plate=plate_choice, alias=ALIASES)
        @recorded
        def details(self, plate: str, alias: str) -> None:
            response = self.api.get(VEHICLES, params={alias: plate})
            if not self._linked_or_404(plate, response, "reading"):
                return
            expect(
                response.status == 200 and isinstance(response.data, dict),
                "semantics.vehicles-match-model",
                f"details of {plate} answered {response.status}",
                response.exchange,
            )
            self._expect_as_modelled(response.data, "semantics.vehicles-match-model", response)
            kept = self.model.records[plate]
            expect(
                timestamp(response.data["registry_refreshed_at"]) == kept.registry_refreshed_at,
                "semantics.vehicles-match-model",
                f"registry_refreshed_at of {plate} changed on its own",
                response.exchange,
            )

        # ------------------------------------------------------------------ after every step
        @invariant()
        @with_history
        def server_agrees_with_model(self) -> None:
            listing = self.api.get(VEHICLES)
            expect(
                listing.status == 200 and isinstance(listing.data, list),
                "semantics.vehicles-match-model",
                f"listing vehicles answered {listing.status}",
                listing.exchange,
            )
            listed = [vehicle["registration_number"] for vehicle in listing.data]
            expect(
                sorted(listed) == sorted(self.model.linked),
                "semantics.vehicles-match-model",
                f"the list holds {sorted(listed)}, expected {sorted(self.model.linked)}",
                listing.exchange,
            )
            primaries = [
                vehicle["registration_number"] for vehicle in listing.data if vehicle.get("is_primary")
            ]
            wanted = 1 if self.model.linked else 0
            expect(
                len(primaries) == wanted,
                "semantics.single-primary",
                f"{len(primaries)} primary vehicle(s) {primaries} among {len(listed)}; expected {wanted}",
                listing.exchange,
            )
            if primaries:
                expect(
                    primaries[0] == self.model.primary,
                    self.model.primary_rule,
                    f"{primaries[0]} is primary, expected {self.model.primary}",
                    listing.exchange,
                )
            for vehicle in listing.data:
                self._expect_as_modelled(vehicle, "semantics.vehicles-match-model", listing)
            expect_documented_order(listing)

        # ------------------------------------------------------------------ helpers
        def _update(self, plate: str, body: dict[str, Any], field: str, sent: str | None) -> None:
            response = self.api.put(f"{VEHICLES}/{plate}", json_body=body)
            if not self._linked_or_404(plate, response, "updating"):
                return
            expect(
                response.status == 200,
                "semantics.update-applies",
                f"updating {plate} with {body} answered {response.status}",
                response.exchange,
            )
            details = response.data
            expect(
                details.get(field) == sent,
                "semantics.update-applies",
                f"{field} is {details.get(field)!r} after sending {sent!r}",
                response.exchange,
            )
            before = self.model.linked[plate].updated_at
            updated = timestamp(details["updated_at"])
            answered = _generated_at(response)
            expect(
                updated >= before and (answered is None or updated >= answered - TIMESTAMP_SLACK),
                "semantics.updated-at-bumps",
                f"updated_at is {details['updated_at']} after an update answered at "
                f"{answered.isoformat() if answered else '?'} (it was {before.isoformat()})",
                response.exchange,
            )
            # The field not sent stays as it was: a partial update must not disturb it.
            untouched = "image_url" if field == "nickname" else "nickname"
            kept = getattr(self.model.linked[plate], untouched)
            expect(
                details.get(untouched) == kept,
                "semantics.update-applies",
                f"updating only {field} changed {untouched} from {kept!r} to {details.get(untouched)!r}",
                response.exchange,
            )
            self.model.update(plate, details)
            self._expect_as_modelled(details, "semantics.vehicles-match-model", response)

        def _linked_or_404(self, plate: str, response: ApiResponse, doing: str) -> bool:
            if self.model.is_linked(plate):
                return True
            expect(
                response.status == 404 and response.problem_code == NOT_LINKED,
                "semantics.not-linked-404",
                f"{doing} {plate}, which is not linked, answered {response.status} "
                f"({response.problem_code}), not 404 {NOT_LINKED}",
                response.exchange,
            )
            return False

        def _expect_as_modelled(self, vehicle: dict[str, Any], rule_id: str, response: ApiResponse) -> None:
            plate = vehicle.get("registration_number", "?")
            modelled = self.model.linked.get(plate)
            if modelled is None:
                raise RuleViolation(rule_id, f"{plate} appears, but it is not linked", [response.exchange])
            differences = [
                f"{name} {_show(actual)} (expected {_show(expected)})"
                for name, expected, actual in (
                    ("nickname", modelled.nickname, vehicle.get("nickname")),
                    ("image_url", modelled.image_url, vehicle.get("image_url")),
                    ("linked_at", modelled.linked_at, _instant(vehicle.get("linked_at"))),
                    ("updated_at", modelled.updated_at, _instant(vehicle.get("updated_at"))),
                    ("is_primary", plate == self.model.primary, vehicle.get("is_primary")),
                )
                if actual != expected
            ]
            expect(not differences, rule_id, f"{plate}: " + "; ".join(differences), response.exchange)

    return VehicleLinking


def _generated_at(response: ApiResponse) -> datetime | None:
    """When the server says it answered (meta.generated_at), on its own clock."""
    value = response.meta.get("generated_at")
    return timestamp(value) if isinstance(value, str) else None


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else repr(value)


def _instant(value: Any) -> Any:
    return timestamp(value) if isinstance(value, str) else value
