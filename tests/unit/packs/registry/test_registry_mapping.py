from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given

from mock_server.packs.registry.generator import generate_record
from mock_server.packs.registry.known_records import load_reference_records
from mock_server.packs.registry.mapping import to_registry_data
from mock_server.packs.registry.registry_data import RegistryData

from .registry_helpers import (
    BULK_FILE,
    TODAY,
    combustion_plates,
    electric_plates,
    read_json,
    require_reference,
)

# What the test-environment records say, read off the file by hand: plate -> (fuel_type, status).
BULK_EXPECTED = {
    "CU10149": ("petrol", "registered"),
    "CU10150": ("petrol", "registered"),
    "CU11193": ("diesel", "registered"),
    "CU11293": ("plug_in_hybrid", "registered"),
    "CU11295": ("diesel", "registered"),
    "CU11296": ("plug_in_hybrid", "deregistered"),
    "CU11297": ("plug_in_hybrid", "registered"),
    "CU11298": ("petrol", "registered"),
    "CU11299": ("petrol", "scrapped"),
    "CU11302": ("hybrid", "registered"),
    "CU11304": ("petrol", "registered"),
    "CU11305": ("hybrid", "registered"),
    "CU11306": ("diesel", "registered"),
    "CU11307": ("diesel", "registered"),
    "CU11308": ("plug_in_hybrid", "registered"),
    "CU11309": ("diesel", "registered"),
    "EC80287": ("electric", "registered"),
    "YX1382": ("petrol", "registered"),
    "YX1383": ("petrol", "registered"),
    "YX1384": ("petrol", "registered"),
    "YX1385": ("petrol", "registered"),
    "YX1444": ("petrol", "registered"),
    "YX1445": ("petrol", "registered"),
    "YX1480": ("other", "registered"),
}


def bulk_records() -> dict[str, dict[str, Any]]:
    answer = read_json(require_reference(BULK_FILE))
    return {
        item["request"]["kjennemerke"]: item["kjoretoydata"]
        for item in answer["responser"]
        if "kjoretoydata" in item
    }


def test_real_electric_golf_maps_to_minbil_view() -> None:
    assert to_registry_data(load_reference_records()[0]) == RegistryData(
        make="VOLKSWAGEN",
        model="GOLF",
        vin="WVWZZZAUZH8950429",
        first_registration_date=date(2017, 6, 6),
        registration_status="registered",
        registration_status_text="Registrert",
        fuel_type="electric",
        fuel_name="Elektrisk",
        colour="Grå",
        body_type="Stasjonsvogn (AC)",
        vehicle_class="M1",
        seats=5,
        curb_weight_kg=1540,
        max_total_weight_kg=2020,
        max_trailer_weight_braked_kg=0,
        power_kw=100.0,  # only maksEffektPrTime is given
        eu_control_due=date(2023, 5, 31),
        eu_control_last_approved=date(2021, 5, 20),
    )


def test_real_plug_in_passat_maps_to_minbil_view() -> None:
    data = to_registry_data(load_reference_records()[1])
    assert (data.make, data.model, data.vin) == ("VOLKSWAGEN", "PASSAT", "WVWZZZ3CZHE177932")
    assert (data.fuel_type, data.fuel_name) == ("plug_in_hybrid", "Bensin/Elektrisk")
    assert data.power_kw == 115.0  # the engine's net power, not engine + motor
    assert (data.colour, data.max_trailer_weight_braked_kg) == ("Sølv", 1600)
    assert (data.eu_control_due, data.eu_control_last_approved) == (date(2025, 5, 31), date(2023, 4, 17))


def test_all_bulk_records_map_to_sensible_data() -> None:
    records = bulk_records()
    assert set(records) == set(BULK_EXPECTED)
    for plate, record in records.items():
        data = to_registry_data(record)
        assert data.make and data.model and data.vin, plate
        assert (data.fuel_type, data.registration_status) == BULK_EXPECTED[plate], plate
        assert data.first_registration_date is not None and data.colour, plate
        assert data.vehicle_class, plate


@pytest.mark.parametrize(
    ("plate", "power_kw", "model"),
    [
        ("EC80287", 273.0, "Mustang Mach-E"),
        ("CU11308", 228.0, "V60"),
        ("YX1382", 1.4, "MRT5"),
        ("YX1480", None, "25.12.1100"),
    ],
)
def test_bulk_power_and_model_choices(plate: str, power_kw: float | None, model: str) -> None:
    data = to_registry_data(bulk_records()[plate])
    assert (data.power_kw, data.model) == (power_kw, model)


@given(electric_plates)
def test_generated_electric_cars_map_to_electric(plate: str) -> None:
    data = to_registry_data(generate_record(plate, TODAY) or {})
    assert (data.fuel_type, data.fuel_name) == ("electric", "Elektrisk")
    assert data.power_kw and data.power_kw > 0


@given(combustion_plates)
def test_generated_other_cars_map_to_a_combustion_fuel_type(plate: str) -> None:
    record = generate_record(plate, TODAY) or {}
    data = to_registry_data(record)
    assert data.fuel_type in ("petrol", "diesel", "hybrid", "plug_in_hybrid")
    assert data.vin == record["kjoretoyId"]["understellsnummer"]
    assert data.registration_status == "registered" and data.registration_status_text == "Registrert"
    assert data.seats and data.curb_weight_kg and data.max_total_weight_kg and data.eu_control_due
    assert data.body_type and data.body_type.endswith(")") and data.vehicle_class == "M1"


def test_empty_record_maps_to_unknowns() -> None:
    data = to_registry_data({})
    assert (data.make, data.model, data.vin, data.fuel_type, data.registration_status) == (
        "",
        "",
        "",
        "other",
        "unknown",
    )
    assert data.power_kw is None and data.eu_control_due is None
