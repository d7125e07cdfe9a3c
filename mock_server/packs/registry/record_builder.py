"""Turn a generated car into a registry record shaped like the real enkeltoppslag answers."""

from __future__ import annotations

import hashlib
from datetime import date, time, timedelta
from random import Random
from typing import TYPE_CHECKING, Any

from mock_server.domain.plates import display_plate
from mock_server.fast_json import copy_json

from . import codes
from .oslo_time import oslo_timestamp
from .periodic_control import control_status
from .random_streams import plate_stream
from .technical_data import technical_data

if TYPE_CHECKING:
    from .generator import GeneratedCar

Record = dict[str, Any]


def build_record(car: GeneratedCar, today: date) -> Record:
    """The record on `today`. Facts fixed at registration come from the plate's "details" stream;
    ownership and EU-kontroll have streams of their own so that they only grow as time passes."""
    rng = plate_stream(car.plate, "details")
    shown_plate = display_plate(car.plate)
    registered_at = oslo_timestamp(car.first_registered)
    owner_since = _current_ownership_start(car, today)
    control = control_status(car.first_registered, today, plate_stream(car.plate, "kontroll"))
    periodic: Record = {"kontrollfrist": control.deadline.isoformat()}
    if control.last_approved is not None:
        periodic["sistGodkjent"] = control.last_approved.isoformat()
    record: Record = {
        "kjoretoyId": {"kjennemerke": shown_plate, "understellsnummer": car.vin},
        "forstegangsregistrering": {"registrertForstegangNorgeDato": car.first_registered.isoformat()},
        "kjennemerke": [
            {
                "fomTidspunkt": registered_at,
                "kjennemerke": shown_plate,
                "kjennemerkekategori": "KJORETOY",
                "kjennemerketype": codes.PLATE_TYPE_ORDINARY,
            },
            *_personal_plate(car),
        ],
        "registrering": {
            "fomTidspunkt": owner_since,
            "kjoringensArt": codes.USE_PRIVATE,
            "registreringsstatus": codes.STATUS_REGISTERED,
            "registrertForstegangPaEierskap": owner_since,
        },
        "godkjenning": _approvals(car, rng),
        "periodiskKjoretoyKontroll": periodic,
    }
    return copy_json(record)  # the code constants are shared; callers may edit what they get


def _personal_plate(car: GeneratedCar) -> list[Record]:
    """A personal plate is listed after the ordinary one, without a plate type (as the registry does)."""
    if car.personal_plate is None or car.personal_since is None:
        return []
    rng = plate_stream(car.personal_plate, "personal-at")
    at = time(rng.randint(8, 19), rng.randint(0, 59), rng.randint(0, 59))
    return [
        {
            "fomTidspunkt": oslo_timestamp(car.personal_since, at, rng.randint(0, 999)),
            "kjennemerke": car.personal_plate,
            "kjennemerkekategori": "PERSONLIG",
        }
    ]


def _current_ownership_start(car: GeneratedCar, today: date) -> str:
    """Cars change hands every few years; the current owner is the last change on or before today."""
    rng = plate_stream(car.plate, "owners")
    current = oslo_timestamp(car.first_registered)
    change = car.first_registered
    while True:
        change += timedelta(days=rng.randint(400, 2500))
        at = time(rng.randint(8, 19), rng.randint(0, 59), rng.randint(0, 59))
        millis = rng.randint(0, 999)
        if change > today or rng.random() < 0.35:  # the stream decides when the car stops changing hands
            return current
        current = oslo_timestamp(change, at, millis)


def _approvals(car: GeneratedCar, rng: Random) -> Record:
    first = car.first_registered
    approval_id = f"10000011{rng.randint(0, 99_999):05d}"
    type_valid_from = first - timedelta(days=rng.randint(10, 90))
    technical_valid_from = type_valid_from + timedelta(days=rng.randint(0, (first - type_valid_from).days))
    return {
        "forstegangsGodkjenning": {
            "forstegangRegistrertDato": first.isoformat(),
            "fortollingOgMva": {"fortollingsreferanse": f"010111{first.year}{rng.randint(0, 999_999):06d}"},
            "godkjenningsId": approval_id,
            "godkjenningsundertype": codes.APPROVAL_COC,
            "gyldigFraDato": type_valid_from.isoformat(),
            "gyldigFraDatoTid": oslo_timestamp(type_valid_from),
            "unntak": [],
        },
        "kjoretoymerknad": [codes.WEIGHT_REMARK],
        "registreringsbegrensninger": {"registreringsbegrensning": []},
        "tekniskGodkjenning": {
            "godkjenningsId": approval_id,
            "godkjenningsundertype": codes.APPROVAL_COC,
            "gyldigFraDato": technical_valid_from.isoformat(),
            "gyldigFraDatoTid": oslo_timestamp(
                technical_valid_from, time(rng.randint(6, 16), rng.randint(0, 59), rng.randint(0, 59))
            ),
            "kjoretoyklassifisering": _classification(car, rng),
            "krav": [codes.TAX_REQUIREMENT],
            "tekniskeData": technical_data(car, rng),
            "unntak": [],
        },
        "tilleggsgodkjenninger": [],
    }


def _classification(car: GeneratedCar, rng: Random) -> Record:
    country, base_number = car.model.approval
    directive = _directive(car.model.first_year)
    extension = (
        f"{min(99, 2 + 3 * (car.first_registered.year - car.model.first_year) + rng.randint(0, 2)):02d}"
    )
    variant_seed = hashlib.sha256(
        f"{car.model.name}|{car.model.type_code}|{car.powertrain.engine_code}".encode()
    )
    variant = _code_text(variant_seed.hexdigest(), 10)
    return {
        "beskrivelse": "Personbil",
        "efTypegodkjenning": {
            "typegodkjenningNrTekst": f"{country}*{directive}*{base_number}*{extension}",
            "typegodkjenningnummer": {
                "direktiv": directive,
                "land": country,
                "serie": base_number,
                "utvidelse": extension,
            },
            "variant": variant,
            "versjon": _code_text(hashlib.sha256(f"{variant}|{rng.randint(0, 9)}".encode()).hexdigest(), 21),
        },
        "kjoretoyAvgiftsKode": codes.TAX_PASSENGER_CAR,
        "nasjonalGodkjenning": {
            "nasjonaltGodkjenningsAr": str(car.first_registered.year),
            "nasjonaltGodkjenningsHovednummer": str(5000 + int(variant_seed.hexdigest()[:6], 16) % 2000),
            "nasjonaltGodkjenningsUndernummer": f"{rng.randint(1, 400):03d}",
        },
        "spesielleKjennetegn": "",
        "tekniskKode": codes.CLASS_M1,
        "tekniskUnderkode": codes.SUBCLASS_NONE,
        "iSamsvarMedTypegodkjenning": True,
    }


def _directive(first_year: int) -> str:
    """The EU framework directive a model generation was type-approved under."""
    if first_year < 2009:
        return "2001/116"
    if first_year < 2021:
        return "2007/46"
    return "2018/858"


def _code_text(hex_digest: str, length: int) -> str:
    """Upper-case letters and digits like the registry's variant/version codes, from a hex digest."""
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    number = int(hex_digest, 16)
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)
