"""The tampered-token check forges tokens that really differ from the one issued, to any decoder."""

from __future__ import annotations

import base64
import binascii

from hypothesis import given
from hypothesis import strategies as st

from contracts.suites.export_checks import forgeries

segments = st.lists(st.binary(min_size=1, max_size=64), min_size=1, max_size=3)


def _encode(parts: list[bytes]) -> str:
    return ".".join(base64.urlsafe_b64encode(part).rstrip(b"=").decode() for part in parts)


def _lenient(token: str) -> list[bytes | None]:
    """Each segment as a lenient decoder reads it: padding bits ignored, as Python's base64 does."""
    decoded: list[bytes | None] = []
    for part in token.split("."):
        try:
            decoded.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except (binascii.Error, ValueError):
            decoded.append(None)
    return decoded


@given(parts=segments)
def test_each_segment_is_forged_to_other_bytes_than_the_issued_one(parts: list[bytes]) -> None:
    token = _encode(parts)
    *changed, made_up, half = forgeries(token)
    assert len(changed) == len(parts), "one forgery per segment: payload and signature are each checked"
    issued = _lenient(token)
    for number, forged in enumerate(changed):
        assert len(forged) == len(token) and forged != token
        decoded = _lenient(forged)
        differs = [index for index, (a, b) in enumerate(zip(decoded, issued, strict=True)) if a != b]
        assert differs == [number], "a lenient decoder must see exactly that segment changed"
    assert made_up != token and half != token


def test_the_last_character_is_not_the_one_changed_where_its_bits_may_be_padding() -> None:
    token = _encode([b"payload", bytes(32)])  # a 32-byte signature ends in a character of 4 data bits
    assert base64.urlsafe_b64decode(token.split(".")[1][:-1] + "B=") == bytes(32)  # "B" reads as "A"
    assert all(forged[-1] == token[-1] for forged in forgeries(token)[:2])


@given(token=st.from_regex(r"\A[A-Za-z0-9_.~-]{1,80}\Z"))
def test_any_token_gets_forgeries_that_all_differ_from_it(token: str) -> None:
    forged = forgeries(token)
    assert len(forged) >= 2 and all(other != token for other in forged)
