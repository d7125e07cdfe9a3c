"""The Trimble pack's planted faults (`--plant-fault NAME`): each a plausible backend bug that one
rule of the contract suite (contracts/apis/trimble) must catch."""

from __future__ import annotations

from .fleet import Faults

FAULTS: dict[str, str] = {
    "trimble-duplicate-overwrites": (
        "adding a vehicle whose ID exists renames it instead of listing it in duplicate_ids"
    ),
    "trimble-names-not-unique": "adding a vehicle whose name another vehicle has is accepted",
    "trimble-update-unknown-creates": (
        "renaming an unknown vehicle ID adds it instead of listing it in ids_not_found"
    ),
    "trimble-next-skips-one": "the next link starts one past the page's end: a vehicle is never listed",
    "trimble-desc-ignored": "sortDirection=DESC is answered in ascending order",
    "trimble-size-counts-page": "size counts the vehicles on the page, not in the fleet",
    "trimble-delete-unknown-200": "deleting an unknown vehicle ID answers 200 'Successfully deleted'",
    "trimble-shared-fleet": "every token reads and writes one fleet: sandboxes see each other's vehicles",
    "trimble-modified-on-with-offset": (
        "vehicles' modification times carry a Z offset the spec's ModifiedOn pattern does not allow"
    ),
    "trimble-401-problem-json": (
        "a missing or unknown token is answered in problem+json, not the API's error shape"
    ),
}


def fleet_faults(planted: frozenset[str]) -> Faults:
    return Faults(
        duplicate_overwrites="trimble-duplicate-overwrites" in planted,
        names_not_unique="trimble-names-not-unique" in planted,
        update_unknown_creates="trimble-update-unknown-creates" in planted,
    )
