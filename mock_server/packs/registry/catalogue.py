"""The shapes of the car catalogue: a model (body, dimensions, VIN scheme) and its powertrains."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FuelKind = Literal["petrol", "diesel", "electric", "plug_in_hybrid", "hybrid"]
Drive = Literal["front", "rear", "all"]


@dataclass(frozen=True)
class Powertrain:
    """One engine/motor variant. Powers in kW, masses in kg, consumption in l/100 km, energy in Wh/km."""

    kind: FuelKind
    years: tuple[int, int]
    engine_code: str
    gearbox: Literal["A", "M"]
    curb_kg: int
    total_kg: int
    trailer_braked_kg: int  # 0: not approved for towing
    top_speed: int
    engine_kw: float | None = None  # combustion engine, maksNettoEffekt
    displacement_cc: int | None = None
    cylinders: int | None = None
    motor_kw: float | None = None  # electric motor peak, maksNettoEffekt (absent on some older EVs)
    motor_hour_kw: float | None = None  # electric motor 30-minute rating, maksEffektPrTime
    co2_g_km: int | None = None
    litres_100km: float | None = None
    energy_wh_km: int | None = None
    range_km: int | None = None

    @property
    def has_engine(self) -> bool:
        return self.kind != "electric"

    @property
    def has_motor(self) -> bool:
        return self.kind in ("electric", "plug_in_hybrid", "hybrid")


@dataclass(frozen=True)
class Tyre:
    dimension: str  # "205/55R16"
    rim: str  # "6.5JX16"
    load_index: int
    speed_code: str
    offset_mm: int


@dataclass(frozen=True)
class Factory:
    """Where cars of a model were built from `from_year`: the WMI and the plant code (VIN position 11)."""

    from_year: int
    wmi: str
    plant: str


@dataclass(frozen=True)
class CarModel:
    make: str  # merke, as the registry spells it
    make_code: str  # merkeKode
    manufacturer: str  # fabrikantNavn
    name: str  # handelsbetegnelse
    type_code: str  # typebetegnelse
    factories: tuple[Factory, ...]
    descriptor: str  # VIN positions 4-8
    position_9: str | None  # fixed filler (VW, Audi: "Z") or None for a computed check digit
    body: str  # karosseritype code
    doors: int
    seats: int
    size_mm: tuple[int, int, int]  # length, width, height
    wheelbase_mm: int
    track_mm: tuple[int, int]
    drive: Drive
    tyres: tuple[Tyre, ...]
    approval: tuple[str, str]  # EU type approval: country ("e1") and base number ("0623")
    popularity: int
    powertrains: tuple[Powertrain, ...]

    @property
    def first_year(self) -> int:
        return min(p.years[0] for p in self.powertrains)

    def factory_for(self, year: int) -> Factory:
        built = [f for f in self.factories if f.from_year <= year]
        return built[-1] if built else self.factories[0]

    @property
    def wmis(self) -> frozenset[str]:
        return frozenset(f.wmi for f in self.factories)
