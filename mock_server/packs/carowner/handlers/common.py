"""What every CarOwner handler needs: plates from input, the base URL (the caller's sandbox:
mock_server/resolution.py)."""

from __future__ import annotations

from datetime import date

from ....domain.errors import DomainError
from ....domain.plates import is_valid_org_nr, parse_plate
from ....request_context import current_base_url


def plate_from(
    registration_number: str | None, reg: str | None = None, *, required: bool = True
) -> str | None:
    """One plate from `registration_number` and its alias `reg`; both given must agree."""
    plates = {
        name: parse_plate(value)
        for name, value in (("registration_number", registration_number), ("reg", reg))
        if value is not None
    }
    if len(set(plates.values())) > 1:
        raise DomainError(
            "REGISTRATION_NUMBER_CONFLICT",
            f"registration_number ({registration_number}) and reg ({reg}) name different vehicles.",
            field="reg",
        )
    if not plates:
        if required:
            raise DomainError(
                "REGISTRATION_NUMBER_REQUIRED",
                "Give registration_number (or reg).",
                field="registration_number",
            )
        return None
    return next(iter(plates.values()))


def org_nr_from(workshop_org_nr: str | None) -> str | None:
    if workshop_org_nr is not None and not is_valid_org_nr(workshop_org_nr):
        raise DomainError(
            "VALIDATION_FAILED",
            f"{workshop_org_nr} is not a valid organisation number (mod-11 check digit).",
            field="workshop_org_nr",
        )
    return workshop_org_nr


def base_url() -> str:
    return current_base_url()


def calendar_day(value: str | None, field: str) -> date | None:
    """A `YYYY-MM-DD` parameter as a date (None: not given); anything else is a 400 on `field`."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(
            "VALIDATION_FAILED", f"{value} is not a calendar date (YYYY-MM-DD).", field=field
        ) from exc
