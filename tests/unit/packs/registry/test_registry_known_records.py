from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mock_server.packs.registry.known_records import REFERENCE_PLATES, ExplicitRecords, load_reference_records
from mock_server.packs.registry.mapping import to_registry_data
from mock_server.packs.registry.record_edits import (
    deregistered,
    scrapped,
    with_new_owner,
    with_periodic_control,
)
from mock_server.packs.registry.service import RegistryService

from .registry_helpers import (
    REFERENCE_FILES,
    TODAY,
    lookup_plate,
    lookup_vin,
    read_json,
    record_of,
    require_reference,
)


@pytest.mark.parametrize("plate", REFERENCE_PLATES)
def test_real_plates_return_the_real_answers(service: RegistryService, plate: str) -> None:
    reference = read_json(require_reference(REFERENCE_FILES[plate]))
    answer = lookup_plate(service, plate)
    assert answer.status == 200
    assert answer.body == reference


@pytest.mark.parametrize("spelling", ["ek 39085", "EK 39085", " Ek39085 "])
def test_real_plate_is_found_however_it_is_spelt(service: RegistryService, spelling: str) -> None:
    assert (
        record_of(lookup_plate(service, spelling))["kjoretoyId"]["understellsnummer"] == "WVWZZZAUZH8950429"
    )


@pytest.mark.parametrize(
    ("vin", "plate"), [("WVWZZZAUZH8950429", "EK 39085"), ("WVWZZZ3CZHE177932", "BE 12335")]
)
def test_real_records_are_found_by_vin(service: RegistryService, vin: str, plate: str) -> None:
    assert record_of(lookup_vin(service, vin))["kjoretoyId"]["kjennemerke"] == plate


def test_registered_record_takes_precedence_over_the_generated_car(service: RegistryService) -> None:
    generated = record_of(lookup_plate(service, "AB12345"))
    own = with_new_owner(load_reference_records()[0], datetime(2024, 3, 1, 9, 30, tzinfo=UTC))
    own["kjoretoyId"] = {"kjennemerke": "AB 12345", "understellsnummer": "WVWZZZAUZH8950430"}
    service.register_record(own)
    assert record_of(lookup_plate(service, "AB12345")) == own
    assert lookup_vin(service, generated["kjoretoyId"]["understellsnummer"]).body == {
        "feilmelding": "OPPLYSNINGER_IKKE_TILGJENGELIGE"
    }


def test_a_registered_record_takes_precedence_for_a_personal_plate(service: RegistryService) -> None:
    generated = record_of(lookup_plate(service, "ELBIL1"))
    assert generated["kjennemerke"][-1]["kjennemerke"] == "ELBIL1"
    own = load_reference_records()[0]
    own["kjoretoyId"]["kjennemerke"] = "ELBIL1"
    service.register_record(own)
    assert record_of(lookup_plate(service, "elbil1"))["kjoretoyId"]["kjennemerke"] == "ELBIL1"


def test_stored_records_cannot_be_changed_through_returned_copies() -> None:
    records = ExplicitRecords.with_reference_records()
    first = records.by_plate("EK39085")
    assert first is not None
    first["kjoretoyId"]["understellsnummer"] = "CHANGED"
    assert records.by_plate("EK39085") == load_reference_records()[0]
    assert records.plates() == sorted(REFERENCE_PLATES)


def test_scrapped_car_maps_to_scrapped() -> None:
    edited = scrapped(load_reference_records()[0], datetime(2025, 1, 15, 10, 0, tzinfo=UTC))
    assert edited["registrering"]["registreringsstatus"]["kodeVerdi"] == "VRAKET"
    assert edited["registrering"]["fomTidspunkt"] == "2025-01-15T11:00:00+01:00"
    assert (
        to_registry_data(edited).registration_status,
        to_registry_data(edited).registration_status_text,
    ) == (
        "scrapped",
        "Vraket",
    )


def test_deregistered_car_carries_its_deregistration_time_in_oslo() -> None:
    edited = deregistered(load_reference_records()[1], datetime(2025, 7, 1, 8, 15, 30, 250_000, tzinfo=UTC))
    assert edited["registrering"]["avregistrertSidenDato"] == "2025-07-01T10:15:30.25+02:00"
    assert to_registry_data(edited).registration_status == "deregistered"
    assert load_reference_records()[1]["registrering"]["registreringsstatus"]["kodeVerdi"] == "REGISTRERT"


def test_owner_change_and_new_control_are_visible_through_the_registry(service: RegistryService) -> None:
    edited = with_periodic_control(
        with_new_owner(load_reference_records()[0], datetime(2025, 2, 3, 12, 0, tzinfo=UTC)),
        date(2027, 5, 31),
        date(2025, 5, 2),
    )
    service.register_record(edited)
    answered = record_of(lookup_plate(service, "EK39085"))
    assert answered["registrering"]["registrertForstegangPaEierskap"] == "2025-02-03T13:00:00+01:00"
    assert answered["periodiskKjoretoyKontroll"] == {
        "kontrollfrist": "2027-05-31",
        "sistGodkjent": "2025-05-02",
    }
    assert service.record_for_plate("EK39085", TODAY) == answered


def test_a_record_without_identity_is_refused() -> None:
    with pytest.raises(ValueError):
        ExplicitRecords().register({"registrering": {}})
