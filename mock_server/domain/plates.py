"""Norwegian registration numbers and organisation numbers: normalising and validating."""

from __future__ import annotations

import re

from .errors import DomainError

_STRICT_PLATE = re.compile(r"^[A-Z0-9ÆØÅ]{2,7}$")
# Checked before upper-casing, so no letter can grow into two ("ß".upper() == "SS").
_INPUT_PLATE = re.compile(r"^[A-Za-z0-9ÆØÅæøå]{2,7}$")
_ORDINARY_PLATE = re.compile(r"^[A-Z]{2}[0-9]{4,5}$")
_ORG_NR = re.compile(r"^[0-9]{9}$")
_ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def normalise_plate(raw: str) -> str:
    """Upper-case and drop spaces and dashes: "bt 57-225" -> "BT57225"."""
    return _compact(raw).upper()


def _compact(raw: str) -> str:
    return raw.replace(" ", "").replace("-", "")


def is_valid_plate(plate: str) -> bool:
    return bool(_STRICT_PLATE.fullmatch(plate))


def is_ordinary_plate(plate: str) -> bool:
    """Ordinary plates are two letters and four or five digits; everything else is personal."""
    return bool(_ORDINARY_PLATE.fullmatch(plate))


def is_personal_plate(plate: str) -> bool:
    """Personal plates (personlige kjennemerker): 2–7 letters and digits with at least one letter,
    not shaped like an ordinary plate ("TESLA1", "NORGE", "HYTTE7")."""
    return is_valid_plate(plate) and not is_ordinary_plate(plate) and not plate.isdigit()


def parse_plate(raw: str) -> str:
    """Normalise a plate from input, or raise INVALID_REGISTRATION_NUMBER."""
    if not _INPUT_PLATE.fullmatch(_compact(raw)):
        raise DomainError(
            "INVALID_REGISTRATION_NUMBER",
            f"'{raw}' is not a Norwegian registration number (2–7 letters or digits).",
            field="registration_number",
        )
    return normalise_plate(raw)


def display_plate(plate: str) -> str:
    """The registry's spelling of an ordinary plate, with a space: "EK39085" -> "EK 39085"."""
    return f"{plate[:2]} {plate[2:]}" if is_ordinary_plate(plate) else plate


def org_nr_check_digit(first_eight: str) -> int | None:
    """Mod-11 check digit for the first eight digits; None when no valid digit exists."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, _ORG_WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_org_nr(org_nr: str) -> bool:
    if not _ORG_NR.fullmatch(org_nr):
        return False
    return org_nr_check_digit(org_nr[:8]) == int(org_nr[8])
