"""Vehicle identification numbers (ISO 3779): model-year codes, the check digit, building and checking."""

from __future__ import annotations

import re

# ISO 3779 forbids I, O and Q so they cannot be mistaken for 1 and 0.
VIN_PATTERN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")

# Position 10 repeats every 30 years: A=1980 (and 2010), ..., Y=2000 (2030), 1=2001 (2031), ..., 9=2009.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
_YEAR_CYCLE_START = 1980

_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def model_year_code(year: int) -> str:
    """The character at position 10 for a model year."""
    return _YEAR_CODES[(year - _YEAR_CYCLE_START) % len(_YEAR_CODES)]


def model_years(code: str, *, earliest: int = 1980, latest: int = 2039) -> list[int]:
    """Every model year in [earliest, latest] that the position-10 character can stand for."""
    return [year for year in range(earliest, latest + 1) if model_year_code(year) == code]


def check_digit(vin: str) -> str:
    """The position-9 check digit ("0"-"9" or "X") over all 17 characters (position 9 itself ignored)."""
    total = sum(_TRANSLITERATION[char] * weight for char, weight in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def is_well_formed(vin: str) -> bool:
    """17 characters from the ISO 3779 alphabet (no I, O, Q)."""
    return bool(VIN_PATTERN.fullmatch(vin))


def has_valid_check_digit(vin: str) -> bool:
    return is_well_formed(vin) and vin[8] == check_digit(vin)


def build_vin(
    *, wmi: str, descriptor: str, position_9: str | None, year: int, plant: str, serial: str
) -> str:
    """Assemble a VIN. `descriptor` is positions 4-8; `position_9=None` computes the check digit
    (makers outside North America often use a fixed filler such as "Z" instead)."""
    draft = f"{wmi}{descriptor}{position_9 or '0'}{model_year_code(year)}{plant}{serial}"
    if not is_well_formed(draft):
        raise ValueError(f"not an ISO 3779 VIN: {draft!r}")
    if position_9 is None:
        draft = draft[:8] + check_digit(draft) + draft[9:]
    return draft
