"""Registry records for vans and trucks (classes N1, N2, N3), which the generator does not make.

A commercial vehicle's record is a generated car's record for its plate, made over: its VIN, make,
model, class, tax code, body, weights, seats and motor are the van's or truck's, so the registry
answers with real-looking data and `mapping.to_registry_data` reads them like any other record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mock_server.fast_json import copy_json

from . import codes
from .generator import generate_record

Record = dict[str, Any]
TEMPLATE_PLATE = "BT50412"  # a diesel estate whose record any plate can borrow the shape of


@dataclass(frozen=True)
class CommercialVehicle:
    plate: str  # "SX40117"
    vin: str
    make: str  # as the registry writes it: "SCANIA", "MERCEDES-BENZ"
    make_code: str  # its merkeKode
    manufacturer: str  # "SCANIA CV AB"
    model: str  # the handelsbetegnelse: "R 450"
    type_code: str  # the typebetegnelse
    technical_code: str  # "N1" | "N2" | "N3"
    first_registered: date
    fuel: str  # "Diesel" | "Elektrisk"
    power_kw: int
    curb_weight_kg: int
    total_weight_kg: int
    trailer_weight_kg: int
    seats: int


def commercial_record(vehicle: CommercialVehicle, today: date) -> Record:
    template = generate_record(vehicle.plate, today) or generate_record(TEMPLATE_PLATE, today)
    assert template is not None
    record = copy_json(template)
    record["kjoretoyId"]["understellsnummer"] = vehicle.vin
    first = vehicle.first_registered.isoformat()
    record["forstegangsregistrering"]["registrertForstegangNorgeDato"] = first
    record["registrering"]["kjoringensArt"] = codes.code("12", "Egentransport", "Egentransport")
    approval = record["godkjenning"]
    approval["forstegangsGodkjenning"]["forstegangRegistrertDato"] = first
    technical = approval["tekniskGodkjenning"]
    klass = codes.COMMERCIAL_CLASSES[vehicle.technical_code]
    classification = technical["kjoretoyklassifisering"]
    classification["beskrivelse"] = klass["kodeNavn"]
    classification["tekniskKode"] = copy_json(klass)
    classification["kjoretoyAvgiftsKode"] = copy_json(
        codes.TAX_VAN if vehicle.technical_code == "N1" else codes.TAX_TRUCK
    )
    data = technical["tekniskeData"]
    data["generelt"] = {
        "fabrikant": [{"fabrikantNavn": vehicle.manufacturer}],
        "handelsbetegnelse": [vehicle.model],
        "merke": [{"merke": vehicle.make, "merkeKode": vehicle.make_code}],
        "tekniskKode": copy_json(klass),
        "typebetegnelse": vehicle.type_code,
    }
    weights = data["vekter"]
    payload = vehicle.total_weight_kg - vehicle.curb_weight_kg
    weights.update(
        egenvekt=vehicle.curb_weight_kg,
        egenvektMinimum=vehicle.curb_weight_kg,
        nyttelast=payload,
        tillattTotalvekt=vehicle.total_weight_kg,
        tillattTilhengervektMedBrems=vehicle.trailer_weight_kg,
        tillattVogntogvekt=vehicle.total_weight_kg + vehicle.trailer_weight_kg,
    )
    data["persontall"]["sitteplasserTotalt"] = vehicle.seats
    data["persontall"]["sitteplasserForan"] = vehicle.seats
    data["karosseriOgLasteplan"]["karosseritype"] = copy_json(
        codes.BODY_VAN if vehicle.technical_code == "N1" else codes.BODY_TRUCK
    )
    electric = vehicle.fuel == "Elektrisk"
    fuel = codes.FUEL_ELECTRIC if electric else codes.FUEL_DIESEL
    data["motorOgDrivverk"]["hybridKategori"] = copy_json(codes.HYBRID_NONE)
    data["motorOgDrivverk"]["motor"] = [
        {
            **({} if electric else {"antallSylindre": 6 if vehicle.technical_code != "N1" else 4}),
            "arbeidsprinsipp": copy_json(codes.PRINCIPLE_ELECTRIC if electric else codes.PRINCIPLE_DIESEL_4),
            "drivstoff": [{"drivstoffKode": copy_json(fuel), "maksNettoEffekt": vehicle.power_kw}],
        }
    ]
    return record
