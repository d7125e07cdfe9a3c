from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.packs.registry.generator import draw_car, generate_record
from mock_server.packs.registry.vin import has_valid_check_digit, is_well_formed, model_years

from .registry_helpers import (
    TODAY,
    combustion_plates,
    electric_plates,
    personal_plates,
    resolvable_plates,
    unknown_plates,
    walk,
)

OSLO = ZoneInfo("Europe/Oslo")
# World manufacturer identifiers as assigned to each make (ISO 3780), independent of the catalogue.
WMIS_BY_MAKE = {
    "VOLKSWAGEN": {"WVW", "WVG"},
    "TESLA": {"5YJ", "LRW", "XP7"},
    "TOYOTA": {"JTM", "SB1", "VNK"},
    "VOLVO": {"YV1"},
    "SKODA": {"TMB"},
    "NISSAN": {"SJN"},
    "HYUNDAI": {"KMH", "TMA"},
    "KIA": {"KNA", "U5Y"},
    "BMW": {"WBA", "WBY"},
    "AUDI": {"WAU"},
    "FORD": {"WF0", "3FM"},
    "PEUGEOT": {"VF3"},
    "MITSUBISHI": {"JMB"},
    "OPEL": {"W0L"},
}
VW_GROUP_FILLER_MAKES = {"VOLKSWAGEN", "AUDI"}
REGISTRY_COLOURS = {
    "01": "Hvit",
    "02": "Rød",
    "03": "Blå",
    "04": "Grønn",
    "05": "Grå",
    "06": "Svart",
    "08": "Brun",
    "09": "Gul",
    "10": "Oransje",
    "11": "Sølv",
}


def record(plate: str, today: date = TODAY) -> dict[str, Any]:
    generated = generate_record(plate, today)
    assert generated is not None, plate
    return generated


def technical(rec: dict[str, Any]) -> dict[str, Any]:
    return rec["godkjenning"]["tekniskGodkjenning"]["tekniskeData"]


def fuel_codes(rec: dict[str, Any]) -> set[str]:
    motors = technical(rec)["motorOgDrivverk"]["motor"]
    return {fuel["drivstoffKode"]["kodeVerdi"] for motor in motors for fuel in motor["drivstoff"]}


def first_registered(rec: dict[str, Any]) -> date:
    return date.fromisoformat(rec["forstegangsregistrering"]["registrertForstegangNorgeDato"])


@given(resolvable_plates)
def test_same_plate_gives_equal_record(plate: str) -> None:
    assert generate_record(plate, TODAY) == generate_record(plate, TODAY)


@given(resolvable_plates, st.integers(1, 3000))
def test_car_identity_does_not_change_with_the_lookup_day(plate: str, days_later: int) -> None:
    now, later = record(plate), record(plate, TODAY + timedelta(days=days_later))
    assert later["kjoretoyId"] == now["kjoretoyId"]
    assert later["forstegangsregistrering"] == now["forstegangsregistrering"]
    assert technical(later)["generelt"] == technical(now)["generelt"]
    assert (
        later["periodiskKjoretoyKontroll"]["kontrollfrist"]
        >= now["periodiskKjoretoyKontroll"]["kontrollfrist"]
    )


@given(resolvable_plates)
def test_vin_is_iso_3779_with_the_makes_wmi(plate: str) -> None:
    rec = record(plate)
    vin = rec["kjoretoyId"]["understellsnummer"]
    make = technical(rec)["generelt"]["merke"][0]["merke"]
    assert is_well_formed(vin)
    assert vin[:3] in WMIS_BY_MAKE[make]
    if make in VW_GROUP_FILLER_MAKES:
        assert vin[3:6] == "ZZZ" and vin[8] == "Z"
    elif vin[8].isdigit() or vin[8] == "X":
        assert has_valid_check_digit(vin)


@given(resolvable_plates)
def test_vin_model_year_fits_the_first_registration(plate: str) -> None:
    rec = record(plate)
    year = first_registered(rec).year
    years = model_years(rec["kjoretoyId"]["understellsnummer"][9], earliest=2004, latest=2026)
    assert {year, year + 1} & set(years)


@given(electric_plates)
def test_e_series_plates_are_electric_cars(plate: str) -> None:
    rec = record(plate)
    assert fuel_codes(rec) == {"5"}
    assert technical(rec)["motorOgDrivverk"]["hybridKategori"]["kodeVerdi"] == "INGEN"
    assert technical(rec)["miljodata"]["euroKlasse"]["kodeVerdi"] == "0"


@given(combustion_plates)
def test_other_series_have_a_combustion_engine(plate: str) -> None:
    assert fuel_codes(record(plate)) & {"1", "2"}


def test_electric_series_follow_the_years_they_were_issued() -> None:
    assert first_registered(record("EK12345")).year in range(2015, 2018)
    assert first_registered(record("EJ54321")).year in range(2024, 2026)


@given(resolvable_plates)
def test_records_contain_no_null_values(plate: str) -> None:
    assert [path for path, value in walk(record(plate)) if value is None] == []


@given(resolvable_plates)
def test_plate_is_returned_with_a_space(plate: str) -> None:
    rec = record(plate)
    shown = f"{plate[:2]} {plate[2:]}"
    assert rec["kjoretoyId"]["kjennemerke"] == shown
    assert [entry["kjennemerke"] for entry in rec["kjennemerke"]] == [shown]


@given(resolvable_plates)
def test_timestamps_carry_the_oslo_offset_of_their_day(plate: str) -> None:
    stamps = [
        value
        for path, value in walk(record(plate))
        if isinstance(value, str)
        and path.rsplit(".", 1)[-1] in ("fomTidspunkt", "gyldigFraDatoTid", "registrertForstegangPaEierskap")
    ]
    assert stamps
    for stamp in stamps:
        moment = datetime.fromisoformat(stamp)
        assert moment.utcoffset() == moment.replace(tzinfo=OSLO).utcoffset(), stamp


@given(resolvable_plates)
def test_first_registration_lies_between_2005_and_mid_2025(plate: str) -> None:
    rec = record(plate)
    assert date(2005, 1, 1) <= first_registered(rec) <= date(2025, 6, 30)
    assert (
        rec["godkjenning"]["forstegangsGodkjenning"]["forstegangRegistrertDato"]
        == first_registered(rec).isoformat()
    )


@given(resolvable_plates, st.integers(0, 6000))
def test_eu_control_first_after_four_years_then_every_two(plate: str, days_after_registration: int) -> None:
    first = first_registered(record(plate))
    today = first + timedelta(days=days_after_registration)
    control = record(plate, today)["periodiskKjoretoyKontroll"]
    deadline = date.fromisoformat(control["kontrollfrist"])
    if "sistGodkjent" not in control:
        assert deadline == first.replace(year=first.year + 4)  # 29 February + 4 years is a leap day too
        assert today < deadline
    else:
        approved = date.fromisoformat(control["sistGodkjent"])
        assert first.year + 4 - 1 <= approved.year and approved <= today
        assert (deadline.year, deadline.month) == (approved.year + 2, approved.month)
        assert (deadline + timedelta(days=1)).day == 1  # the last day of the month


@given(resolvable_plates)
def test_current_ownership_starts_between_first_registration_and_today(plate: str) -> None:
    rec = record(plate)
    since = datetime.fromisoformat(rec["registrering"]["fomTidspunkt"]).date()
    assert first_registered(rec) <= since <= TODAY
    assert rec["registrering"]["registrertForstegangPaEierskap"] == rec["registrering"]["fomTidspunkt"]


@given(resolvable_plates)
def test_colour_is_a_registry_colour_with_its_code(plate: str) -> None:
    colours = technical(record(plate))["karosseriOgLasteplan"]["rFarge"]
    assert len(colours) == 1
    assert REGISTRY_COLOURS[colours[0]["kodeVerdi"]] == colours[0]["kodeNavn"]
    assert colours[0]["tidligereKodeVerdi"] == []


@given(resolvable_plates)
def test_weights_add_up(plate: str) -> None:
    weights = technical(record(plate))["vekter"]
    assert weights["nyttelast"] == weights["tillattTotalvekt"] - weights["egenvekt"] - 75
    if weights["tillattTilhengervektMedBrems"]:
        assert (
            weights["tillattVogntogvekt"]
            == weights["tillattTotalvekt"] + weights["tillattTilhengervektMedBrems"]
        )


@given(resolvable_plates)
def test_a_car_is_unknown_before_its_first_registration(plate: str) -> None:
    car = draw_car(plate)
    assert car is not None
    assert generate_record(plate, car.first_registered - timedelta(days=1)) is None
    assert generate_record(plate, car.first_registered) is not None


@settings(max_examples=50)
@given(unknown_plates)
def test_unissued_series_and_digit_only_plates_resolve_to_nothing(plate: str) -> None:
    assert generate_record(plate, TODAY) is None


@settings(max_examples=50)
@given(personal_plates)
def test_a_personal_plate_resolves_to_the_same_car_listed_beside_its_ordinary_plate(plate: str) -> None:
    record = generate_record(plate, TODAY)
    assert record is not None and record == generate_record(plate, TODAY)
    ordinary, personal = record["kjennemerke"]
    assert (
        ordinary["kjennemerkekategori"] == "KJORETOY"
        and ordinary["kjennemerke"] == record["kjoretoyId"]["kjennemerke"]
    )
    assert personal["kjennemerke"] == plate and personal["kjennemerkekategori"] == "PERSONLIG"
    assert "kjennemerketype" not in personal
    assert ordinary["fomTidspunkt"][:10] <= personal["fomTidspunkt"][:10] <= TODAY.isoformat()


@pytest.mark.parametrize(("plate", "make"), [("TESLA1", "TESLA"), ("VOLVO7", "VOLVO"), ("HYTTE7", None)])
def test_a_personal_plate_naming_a_make_is_a_car_of_that_make(plate: str, make: str | None) -> None:
    record = generate_record(plate, TODAY)
    assert record is not None
    merke = record["godkjenning"]["tekniskGodkjenning"]["tekniskeData"]["generelt"]["merke"][0]["merke"]
    assert merke == (make or merke)


@pytest.mark.parametrize(
    ("plate", "make", "model", "vin", "first"),
    [
        ("BT57225", "OPEL", "ASTRA", "W0LPD68E9AG670403", "2010-03-22"),
        ("EL12345", "BMW", "i3", "WBY1Z2104FV757501", "2014-11-17"),
        ("KL12345", "TOYOTA", "COROLLA", "SB1Z93BE7P0044616", "2023-06-20"),
    ],
)
def test_plates_keep_their_cars_across_releases(
    plate: str, make: str, model: str, vin: str, first: str
) -> None:
    """Demo data and saved sandboxes rely on a plate meaning the same car; editing the catalogue
    (order, years, weights) changes that and must be a deliberate act."""
    rec = record(plate)
    general = technical(rec)["generelt"]
    assert (general["merke"][0]["merke"], general["handelsbetegnelse"][0]) == (make, model)
    assert rec["kjoretoyId"]["understellsnummer"] == vin
    assert rec["forstegangsregistrering"]["registrertForstegangNorgeDato"] == first


def _exhaust(group: dict[str, Any]) -> set[str]:
    return {key for figures in group["forbrukOgUtslipp"] for key in figures if key.startswith("utslipp")}


@given(resolvable_plates | personal_plates)
def test_exhaust_figures_follow_the_fuel_as_real_records_carry_them(plate: str) -> None:
    rec = record(plate)
    hybrid = technical(rec)["motorOgDrivverk"]["hybridKategori"]["kodeVerdi"]
    year = first_registered(rec).year
    groups = {
        g["drivstoffKodeMiljodata"]["kodeVerdi"]: g
        for g in technical(rec)["miljodata"]["miljoOgdrivstoffGruppe"]
    }
    if "1" in groups:  # petrol: CO, hydrocarbons (THC above NMHC) and NOx
        assert {"utslippCOmgPrKm", "utslippNMHCmgPrKm", "utslippNOxMgPrKm", "utslippTHCmgPrKm"} <= _exhaust(
            groups["1"]
        )
        figures = groups["1"]["forbrukOgUtslipp"][0]
        assert figures["utslippTHCmgPrKm"] > figures["utslippNMHCmgPrKm"] > 0
        assert list(figures) == sorted(figures)
    if "2" in groups:  # diesel: NOx with HC+NOx and particles, a factory filter from 2011
        figures = groups["2"]["forbrukOgUtslipp"][0]
        assert {"utslippNOxMgPrKm", "utslippTHCogNOxMgPrKm", "utslippPartiklerMgPrKm"} <= _exhaust(
            groups["2"]
        )
        assert figures["utslippTHCogNOxMgPrKm"] > figures["utslippNOxMgPrKm"]
        assert figures.get("partikkelfilterFabrikkmontert", False) == (year >= 2011)
    if "5" in groups:  # the electric group repeats them only for a WLTP plug-in hybrid
        repeats = hybrid == "LADBAR" and year >= 2019
        assert bool(_exhaust(groups["5"])) == repeats
        if repeats:
            assert _exhaust(groups["5"]) == _exhaust(groups["1"])
    if set(groups) == {"5"}:
        assert all(not _exhaust(g) for g in groups.values())  # electric cars emit nothing
