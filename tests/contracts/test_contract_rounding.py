"""The summary's average: any correct rounding to 2 decimals passes, anything else fails."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from contracts.suites.service_log_checks import rounds_to_two_decimals

ratings = st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=400)


def _rounded(mean: Fraction, mode: str) -> float:
    exact = Decimal(mean.numerator) / Decimal(mean.denominator)
    return float(exact.quantize(Decimal("0.01"), rounding=mode))


@given(ratings, st.sampled_from([ROUND_HALF_EVEN, ROUND_HALF_UP]))
def test_either_rounding_of_an_exact_half_is_accepted(values, mode):
    mean = Fraction(sum(values), len(values))
    assert rounds_to_two_decimals(_rounded(mean, mode), mean)


def test_four_point_one_two_five_may_round_either_way():
    mean = Fraction(33, 8)  # 4.125
    assert rounds_to_two_decimals(4.12, mean)
    assert rounds_to_two_decimals(4.13, mean)
    assert not rounds_to_two_decimals(4.11, mean)
    assert not rounds_to_two_decimals(4.14, mean)


@given(ratings, st.sampled_from([-2, -1, 1, 2]))
def test_a_value_further_than_half_a_hundredth_off_is_refused(values, offset):
    mean = Fraction(sum(values), len(values))
    hundredths = round(mean * 100) + offset
    if abs(hundredths - mean * 100) > Fraction(1, 2):  # neither rounding of the mean gives it
        assert not rounds_to_two_decimals(hundredths / 100, mean)


@given(ratings)
def test_more_than_two_decimals_are_refused(values):
    mean = Fraction(sum(values), len(values))
    unrounded = float(mean)
    if Fraction(str(unrounded)) * 100 != int(Fraction(str(unrounded)) * 100):
        assert not rounds_to_two_decimals(unrounded, mean)


def test_none_matches_only_nothing_rated():
    assert rounds_to_two_decimals(None, None)
    assert not rounds_to_two_decimals(None, Fraction(4))
    assert not rounds_to_two_decimals(4.0, None)
    assert not rounds_to_two_decimals("4.00", Fraction(4))
    assert not rounds_to_two_decimals(True, Fraction(1))
