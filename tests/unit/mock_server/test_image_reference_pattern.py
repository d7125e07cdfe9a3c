"""An image URL the spec accepts is one the mock can echo in `image_url` (`format: uri`)."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema_rs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.domain.images import IMAGE_REFERENCE

SPEC = yaml.safe_load((Path(__file__).resolve().parents[3] / "openapi.yaml").read_text(encoding="utf-8"))
PATTERN = SPEC["components"]["schemas"]["ImageReference"]["pattern"]
# What schemathesis validates answers with: jsonschema-rs, formats on.
URI = jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True)
# The http(s) half of the pattern, matched whole (JSON Schema's `$`, unlike Python's, admits no newline).
URLS = st.from_regex(re.compile(PATTERN.split("|data:")[0] + ")$"), fullmatch=True)


def test_the_mock_checks_image_references_by_the_spec_s_own_pattern() -> None:
    assert IMAGE_REFERENCE.pattern == PATTERN


@settings(max_examples=300)
@given(url=URLS)
def test_every_url_the_pattern_admits_is_a_uri_an_answer_may_carry(url: str) -> None:
    assert IMAGE_REFERENCE.match(url)
    assert URI.is_valid(url), url


@pytest.mark.parametrize(
    "url",
    ["https://bilder.example/NB%k0", "http://bilder.example/K?Q%", "https://a/b%4", "https://a/%g1.jpg"],
)
def test_a_percent_sign_not_before_two_hex_digits_is_refused(url: str) -> None:
    assert not URI.is_valid(url)
    assert not IMAGE_REFERENCE.match(url)


def test_percent_encoded_urls_are_still_accepted() -> None:
    for url in ("https://bilder.example/golf%20sommer.jpg", "https://bilder.example/a?navn=bl%C3%A5"):
        assert IMAGE_REFERENCE.match(url) and URI.is_valid(url)
