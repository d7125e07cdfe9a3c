"""A car as the registry tells MinBil of it: what mapping.py reads from any Vegvesen record, and what
the RegistryClient hands its callers (CarOwner keeps it in its vehicle records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

FuelType = Literal["petrol", "diesel", "electric", "plug_in_hybrid", "hybrid", "hydrogen", "gas", "other"]
RegistrationStatus = Literal["registered", "deregistered", "scrapped", "unknown"]


@dataclass(frozen=True)
class RegistryData:
    """MinBil's view of one Statens vegvesen record (see vegvesen/mapping.py)."""

    make: str
    model: str
    vin: str
    first_registration_date: date | None
    registration_status: RegistrationStatus
    registration_status_text: str | None
    fuel_type: FuelType
    fuel_name: str | None
    colour: str | None
    body_type: str | None
    vehicle_class: str | None
    seats: int | None
    curb_weight_kg: int | None
    max_total_weight_kg: int | None
    max_trailer_weight_braked_kg: int | None
    power_kw: float | None
    eu_control_due: date | None
    eu_control_last_approved: date | None
