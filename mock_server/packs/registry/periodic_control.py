"""EU-kontroll (periodisk kjøretøykontroll) for passenger cars: first within four years of the first
registration, then every two years. A car passed shortly before its deadline gets its next deadline
at the end of the month two years after the approval."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

FIRST_CONTROL_YEARS = 4
CONTROL_INTERVAL_YEARS = 2
MAX_DAYS_BEFORE_DEADLINE = 60


@dataclass(frozen=True)
class ControlStatus:
    deadline: date  # kontrollfrist
    last_approved: date | None  # sistGodkjent; None until the first control


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def control_status(first_registered: date, today: date, rng: Random) -> ControlStatus:
    """Where the car stands on `today`. `rng` must be a stream of its own: the k-th control always
    draws the k-th number, so a later `today` only extends the same history."""
    deadline = add_years(first_registered, FIRST_CONTROL_YEARS)
    last_approved: date | None = None
    while True:
        approved = deadline - timedelta(days=rng.randint(1, MAX_DAYS_BEFORE_DEADLINE))
        if approved > today:
            return ControlStatus(deadline, last_approved)
        last_approved = approved
        deadline = end_of_month(add_years(approved, CONTROL_INTERVAL_YEARS))
