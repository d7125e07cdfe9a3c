"""MinBil's view of a Statens vegvesen record (real or generated): to_registry_data().

Choices where the registry offers several values:
- model: the first handelsbetegnelse; when the registry has none (some mopeds), the typebetegnelse.
- fuel_type: the fuels of the motors (drivstoffKode) together with hybridKategori: LADBAR is a
  plug-in hybrid, IKKE_LADBAR a self-charging hybrid; otherwise hydrogen, electric-only, diesel,
  petrol and gas in that order; no motor at all (trailers) is "other".
- fuel_name: the registry's fuel names joined with "/" in motor order ("Bensin/Elektrisk").
- power_kw: the highest maksNettoEffekt (rated peak power) over all motors; when no motor states
  one, the highest maksEffektPrTime (30-minute rating, what some older electric cars carry). Powers
  of a hybrid's motors are not added: the registry does not say they can be combined.
- registration_status: REGISTRERT -> registered, AVREGISTRERT -> deregistered, VRAKET -> scrapped,
  anything else -> unknown; the text is the registry's own description ("Registrert").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .registry_data import FuelType, RegistrationStatus, RegistryData

Record = dict[str, Any]

_STATUS: dict[str, RegistrationStatus] = {
    "REGISTRERT": "registered",
    "AVREGISTRERT": "deregistered",
    "VRAKET": "scrapped",
}
_FUEL_BY_CODE: dict[str, FuelType] = {"1": "petrol", "2": "diesel", "5": "electric"}
_FUEL_BY_NAME: tuple[tuple[str, FuelType], ...] = (
    ("hydrogen", "hydrogen"),
    ("elektrisk", "electric"),
    ("diesel", "diesel"),
    ("bensin", "petrol"),
    ("gass", "gas"),
    ("lpg", "gas"),
    ("cng", "gas"),
    ("lng", "gas"),
)


def to_registry_data(record: Record) -> RegistryData:
    approval = record.get("godkjenning", {})
    technical = approval.get("tekniskGodkjenning", {})
    data = technical.get("tekniskeData", {})
    general = data.get("generelt", {})
    drivetrain = data.get("motorOgDrivverk", {})
    weights = data.get("vekter", {})
    body = data.get("karosseriOgLasteplan", {})
    class_code = general.get("tekniskKode") or technical.get("kjoretoyklassifisering", {}).get(
        "tekniskKode", {}
    )
    status_code = record.get("registrering", {}).get("registreringsstatus", {})
    control = record.get("periodiskKjoretoyKontroll", {})
    fuels = [fuel for motor in drivetrain.get("motor", []) for fuel in motor.get("drivstoff", [])]
    return RegistryData(
        make=_first(general.get("merke"), "merke") or "",
        model=_first_text(general.get("handelsbetegnelse")) or general.get("typebetegnelse", ""),
        vin=record.get("kjoretoyId", {}).get("understellsnummer", ""),
        first_registration_date=_date(
            record.get("forstegangsregistrering", {}).get("registrertForstegangNorgeDato")
            or approval.get("forstegangsGodkjenning", {}).get("forstegangRegistrertDato")
        ),
        registration_status=_STATUS.get(status_code.get("kodeVerdi", ""), "unknown"),
        registration_status_text=status_code.get("kodeBeskrivelse") or status_code.get("kodeNavn"),
        fuel_type=_fuel_type(fuels, drivetrain.get("hybridKategori", {}).get("kodeVerdi")),
        fuel_name=_fuel_name(fuels),
        colour=_first(body.get("rFarge"), "kodeNavn"),
        body_type=body.get("karosseritype", {}).get("kodeNavn"),
        vehicle_class=class_code.get("kodeVerdi"),
        seats=data.get("persontall", {}).get("sitteplasserTotalt"),
        curb_weight_kg=weights.get("egenvekt"),
        max_total_weight_kg=weights.get("tillattTotalvekt"),
        max_trailer_weight_braked_kg=weights.get("tillattTilhengervektMedBrems"),
        power_kw=_power_kw(fuels),
        eu_control_due=_date(control.get("kontrollfrist")),
        eu_control_last_approved=_date(control.get("sistGodkjent")),
    )


def _first(items: list[Record] | None, key: str) -> str | None:
    for item in items or []:
        if item.get(key):
            return str(item[key])
    return None


def _first_text(items: list[str] | None) -> str | None:
    return next((item.strip() for item in items or [] if item and item.strip()), None)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _fuel_kind(fuel: Record) -> FuelType:
    code = fuel.get("drivstoffKode", {})
    by_code = _FUEL_BY_CODE.get(code.get("kodeVerdi", ""))
    if by_code:
        return by_code
    name = (code.get("kodeNavn") or code.get("kodeBeskrivelse") or "").lower()
    return next((kind for word, kind in _FUEL_BY_NAME if word in name), "other")


def _fuel_type(fuels: list[Record], hybrid_category: str | None) -> FuelType:
    kinds = {_fuel_kind(fuel) for fuel in fuels}
    if hybrid_category == "LADBAR":
        return "plug_in_hybrid"
    if hybrid_category == "IKKE_LADBAR" or (
        "electric" in kinds and len(kinds) > 1 and "hydrogen" not in kinds
    ):
        return "hybrid"
    for kind in ("hydrogen", "electric", "diesel", "petrol", "gas"):
        if kind in kinds:
            return kind  # type: ignore[return-value]
    return "other"


def _fuel_name(fuels: list[Record]) -> str | None:
    names: list[str] = []
    for fuel in fuels:
        name = fuel.get("drivstoffKode", {}).get("kodeNavn")
        if name and name not in names:
            names.append(name)
    return "/".join(names) or None


def _power_kw(fuels: list[Record]) -> float | None:
    for key in ("maksNettoEffekt", "maksEffektPrTime"):
        powers = [float(fuel[key]) for fuel in fuels if isinstance(fuel.get(key), int | float)]
        if powers:
            return max(powers)
    return None
