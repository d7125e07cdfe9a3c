from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.packs.registry.vin import (
    build_vin,
    check_digit,
    has_valid_check_digit,
    is_well_formed,
    model_year_code,
    model_years,
)

VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@pytest.mark.parametrize(
    ("year", "code"),
    [(2001, "1"), (2005, "5"), (2009, "9"), (2010, "A"), (2017, "H"), (2018, "J"), (2025, "S")],
)
def test_model_year_code_follows_iso_3779_table(year: int, code: str) -> None:
    assert model_year_code(year) == code


def test_model_years_of_a_code_repeat_every_thirty_years() -> None:
    assert model_years("H", earliest=1980, latest=2039) == [1987, 2017]


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP042788", "TMBLG9NE5E0055360", "LRW3E7FS5PC695355"])
def test_known_vins_have_valid_check_digits(vin: str) -> None:
    assert has_valid_check_digit(vin)


def test_vw_filler_at_position_nine_is_not_a_check_digit() -> None:
    assert is_well_formed("WVWZZZAUZH8950429")
    assert not has_valid_check_digit("WVWZZZAUZH8950429")


@pytest.mark.parametrize(
    "bad", ["WVWZZZAUZH895042", "WVWZZZAUZH8950429X", "WVWZZZAUZI8950429", "wvwzzzauzh8950429"]
)
def test_malformed_vins_are_rejected(bad: str) -> None:
    assert not is_well_formed(bad)


@given(
    wmi=st.text(VIN_CHARS, min_size=3, max_size=3),
    descriptor=st.text(VIN_CHARS, min_size=5, max_size=5),
    year=st.integers(2005, 2026),
    plant=st.sampled_from(VIN_CHARS),
    serial=st.integers(0, 999_999),
)
def test_built_vin_carries_check_digit_and_year(
    wmi: str, descriptor: str, year: int, plant: str, serial: int
) -> None:
    vin = build_vin(
        wmi=wmi, descriptor=descriptor, position_9=None, year=year, plant=plant, serial=f"{serial:06d}"
    )
    assert is_well_formed(vin)
    assert vin[8] == check_digit(vin)
    assert year in model_years(vin[9], earliest=2005, latest=2026)


def test_building_a_vin_with_forbidden_letters_fails() -> None:
    with pytest.raises(ValueError):
        build_vin(wmi="WVW", descriptor="ZZZAO", position_9="Z", year=2017, plant="W", serial="123456")
