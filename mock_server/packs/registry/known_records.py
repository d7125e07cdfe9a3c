"""Explicit registry records. They take precedence over generated cars.

Two real enkeltoppslag answers ship with the package (EK 39085, a VW e-Golf, and BE 12335, a VW Passat
GTE) and are returned unchanged. More records can be registered for demo vehicles and scenarios
(a scrapped or deregistered car, an owner change: see record_edits.py), including for plates that
would otherwise be unknown, such as plates of a series never issued.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any

from ...fast_json import copy_json

Record = dict[str, Any]
REFERENCE_PLATES: tuple[str, ...] = ("EK39085", "BE12335")


def normalise_registry_key(raw: str) -> str:
    """How the registry reads a plate or VIN it is asked for: whitespace dropped, upper-case."""
    return re.sub(r"\s+", "", raw).upper()


def load_reference_records() -> list[Record]:
    """The real records behind REFERENCE_PLATES, as the registry returned them."""
    data = resources.files(__package__).joinpath("data")
    return [
        json.loads(data.joinpath(f"{plate}.json").read_text(encoding="utf-8")) for plate in REFERENCE_PLATES
    ]


class ExplicitRecords:
    """Records by plate and by VIN. Stored and handed out as deep copies, so callers cannot change
    what the registry holds by editing what they were given."""

    def __init__(self, records: Iterable[Record] = ()) -> None:
        self._by_plate: dict[str, Record] = {}
        self._by_vin: dict[str, Record] = {}
        for record in records:
            self.register(record)

    @classmethod
    def with_reference_records(cls) -> ExplicitRecords:
        return cls(load_reference_records())

    def register(self, record: Record) -> None:
        """Add or replace the record for its plate and VIN (kjoretoyId.kjennemerke / understellsnummer)."""
        identity = record.get("kjoretoyId", {})
        plate, vin = identity.get("kjennemerke"), identity.get("understellsnummer")
        if not plate and not vin:
            raise ValueError("a registry record needs kjoretoyId.kjennemerke or kjoretoyId.understellsnummer")
        stored = copy_json(record)
        if plate:
            self._forget(self._by_plate.get(normalise_registry_key(plate)))
            self._by_plate[normalise_registry_key(plate)] = stored
        if vin:
            self._forget(self._by_vin.get(normalise_registry_key(vin)))
            self._by_vin[normalise_registry_key(vin)] = stored

    def by_plate(self, plate: str) -> Record | None:
        record = self._by_plate.get(normalise_registry_key(plate))
        return copy_json(record) if record is not None else None

    def by_vin(self, vin: str) -> Record | None:
        record = self._by_vin.get(normalise_registry_key(vin))
        return copy_json(record) if record is not None else None

    def plates(self) -> list[str]:
        return sorted(self._by_plate)

    def __contains__(self, plate: object) -> bool:
        return isinstance(plate, str) and normalise_registry_key(plate) in self._by_plate

    def _forget(self, old: Record | None) -> None:
        """Drop both index entries of a record that is being replaced."""
        if old is None:
            return
        identity = old.get("kjoretoyId", {})
        if identity.get("kjennemerke"):
            self._by_plate.pop(normalise_registry_key(identity["kjennemerke"]), None)
        if identity.get("understellsnummer"):
            self._by_vin.pop(normalise_registry_key(identity["understellsnummer"]), None)
