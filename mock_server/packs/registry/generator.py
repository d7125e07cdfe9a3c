"""Deterministic cars for ordinary plates: the same plate always gives the same car.

Resolution rule: an ordinary plate (two letters and four or five digits) whose letter series has none
of I, O and Q resolves to a generated car, and so does a personal plate (2–7 letters and digits with
at least one letter, not shaped like an ordinary plate: "TESLA1", "NORGE"); every other plate is
unknown unless a record was registered explicitly. Series beginning with E are the electric-car series
(EL, EK, EV, EB, ...), so those plates give electric cars, of the years the series was handed out;
other series give combustion engines and hybrids. A personal plate was put on a car that kept its
ordinary plate in the record, as real records show; a make in the plate ("TESLA1") picks a car of that
make when one is near. Every choice is drawn from a random stream seeded with SHA-256 of the plate,
never from Python's per-process hash().
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from random import Random
from typing import Any

from mock_server.domain.plates import is_ordinary_plate, is_personal_plate

from .catalogue import CarModel, Powertrain
from .catalogue_data import CATALOGUE
from .codes import COLOURS, Code
from .random_streams import plate_stream
from .record_builder import build_record
from .vin import build_vin

EARLIEST_FIRST_REGISTRATION = date(2005, 1, 1)
LATEST_FIRST_REGISTRATION = date(2025, 6, 30)
UNISSUED_SERIES_LETTERS = frozenset("IOQ")
ISSUED_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
PERSONAL_PLATE_TRIES = 100  # ordinary cars looked at for one of the make a personal plate names

# The years each electric series was being handed out (first registration).
ELECTRIC_SERIES_YEARS: dict[str, tuple[int, int]] = {
    "EL": (2008, 2015),
    "EK": (2015, 2017),
    "EV": (2017, 2018),
    "EB": (2018, 2019),
    "EC": (2019, 2020),
    "ED": (2020, 2021),
    "EE": (2021, 2022),
    "EF": (2022, 2023),
    "EH": (2023, 2024),
    "EJ": (2024, 2025),
}


@dataclass(frozen=True)
class GeneratedCar:
    """What a plate stands for, independent of the day it is looked up."""

    plate: str
    model: CarModel
    powertrain: Powertrain
    first_registered: date
    model_year: int
    vin: str
    colour: Code
    personal_plate: str | None = None  # the personal plate the car carries, beside `plate`
    personal_since: date | None = None


def resolves_to_generated_car(plate: str) -> bool:
    """`plate` must already be normalised (upper-case, no spaces)."""
    return is_issued_ordinary_plate(plate) or is_personal_plate(plate)


def is_issued_ordinary_plate(plate: str) -> bool:
    return is_ordinary_plate(plate) and not UNISSUED_SERIES_LETTERS.intersection(plate[:2])


def is_electric_series(plate: str) -> bool:
    return plate.startswith("E")


def draw_car(plate: str) -> GeneratedCar | None:
    """The car behind `plate`, or None when the plate does not resolve to a generated car."""
    if is_personal_plate(plate):
        return _car_with_personal_plate(plate)
    if not is_issued_ordinary_plate(plate):
        return None
    rng = plate_stream(plate, "car")
    window = _registration_window(plate)
    model, powertrain, first, last = _choose_variant(rng, plate, window)
    first_registered = first + timedelta(days=rng.randint(0, (last - first).days))
    model_year = first_registered.year
    if first_registered.month >= 8 and rng.random() < 0.5:
        model_year += 1  # late-year registrations are often next year's model
    factory = model.factory_for(first_registered.year)
    vin = build_vin(
        wmi=factory.wmi,
        descriptor=model.descriptor,
        position_9=model.position_9,
        year=model_year,
        plant=factory.plant,
        serial=f"{rng.randint(0, 999_999):06d}",
    )
    colours, weights = zip(*COLOURS, strict=True)
    colour = rng.choices(colours, weights=weights)[0]
    return GeneratedCar(plate, model, powertrain, first_registered, model_year, vin, colour)


_MAKES = sorted({model.make for model in CATALOGUE}, key=len, reverse=True)


def generate_record(plate: str, today: date) -> dict[str, Any] | None:
    """The registry record of `plate` as it stands on `today`; None when the plate is unknown or its
    car was not yet registered on that day."""
    car = draw_car(plate)
    if car is None or car.first_registered > today:
        return None
    return build_record(car, today)


def _car_with_personal_plate(personal: str) -> GeneratedCar:
    """A car with an ordinary plate of its own, given the personal plate some time after it was
    first registered (never later than the newest first registration, so it exists on any later day)."""
    rng = plate_stream(personal, "personal")
    wanted_make = next((make for make in _MAKES if make in personal), None)
    car = None
    for _ in range(PERSONAL_PLATE_TRIES):
        candidate = draw_car(_ordinary_plate(rng))
        assert candidate is not None  # an issued ordinary plate always resolves
        car = car or candidate
        if wanted_make is None or candidate.model.make == wanted_make:
            car = candidate
            break
    assert car is not None
    span = (LATEST_FIRST_REGISTRATION - car.first_registered).days
    since = car.first_registered + timedelta(days=int(span * rng.random()))
    return replace(car, personal_plate=personal, personal_since=since)


def _ordinary_plate(rng: Random) -> str:
    if rng.random() < 0.25:
        series = rng.choice(sorted(ELECTRIC_SERIES_YEARS))
    else:
        series = rng.choice(ISSUED_LETTERS) + rng.choice(ISSUED_LETTERS)
    return f"{series}{rng.randint(10_000, 99_999)}"


def _registration_window(plate: str) -> tuple[date, date]:
    years = ELECTRIC_SERIES_YEARS.get(plate[:2])
    if years is None:
        return EARLIEST_FIRST_REGISTRATION, LATEST_FIRST_REGISTRATION
    return max(date(years[0], 1, 1), EARLIEST_FIRST_REGISTRATION), min(
        date(years[1], 12, 31), LATEST_FIRST_REGISTRATION
    )


def _choose_variant(
    rng: Random, plate: str, window: tuple[date, date]
) -> tuple[CarModel, Powertrain, date, date]:
    """A model and powertrain on sale inside the window, weighted by popularity and years on sale."""
    candidates, weights = _variants(is_electric_series(plate), window)
    if not candidates:  # a window no catalogue car fits: fall back to the whole period
        return _choose_variant(rng, plate, (EARLIEST_FIRST_REGISTRATION, LATEST_FIRST_REGISTRATION))
    return rng.choices(candidates, cum_weights=weights)[0]


@cache  # a handful of windows (one per electric series, one for the rest): worked out once each
def _variants(
    electric: bool, window: tuple[date, date]
) -> tuple[tuple[tuple[CarModel, Powertrain, date, date], ...], tuple[int, ...]]:
    """The variants on sale in the window and their cumulative weights."""
    candidates: list[tuple[CarModel, Powertrain, date, date]] = []
    weights: list[int] = []
    for model in CATALOGUE:
        for powertrain in model.powertrains:
            if (powertrain.kind == "electric") != electric:
                continue
            start = max(window[0], date(powertrain.years[0], 1, 1))
            end = min(window[1], date(powertrain.years[1], 12, 31))
            if start > end:
                continue
            candidates.append((model, powertrain, start, end))
            weights.append(model.popularity * ((end - start).days // 30 + 1))
    return tuple(candidates), tuple(accumulate(weights))
