"""Constants, strategies and helpers shared by the registry fake's tests (fixtures live in conftest)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from openapi_core.testing import MockRequest, MockResponse

from mock_server.packs.registry.api import BASE_PATH  # conftest has imported connexion quietly
from mock_server.packs.registry.service import (
    DEMO_API_KEY,
    RegistryAnswer,
    RegistryService,
    svv_authorization,
)

REFERENCE_DIR = Path(__file__).resolve().parents[5] / "shared" / "reference" / "vegvesen"
OFFICIAL_SPEC = REFERENCE_DIR / "openapi-akf-datautlevering.json"
REFERENCE_FILES = {
    "EK39085": REFERENCE_DIR / "example-enkeltoppslag-EK39085-vw-golf-elektrisk.json",
    "BE12335": REFERENCE_DIR / "example-enkeltoppslag-BE12335-vw-passat-ladbar-hybrid.json",
}
BULK_FILE = REFERENCE_DIR / "example-bulk-kjennemerke-testmiljo-26-kjoretoy.json"

NOW = datetime(2025, 11, 23, 12, 0, tzinfo=UTC)  # 13:00 in Oslo (+01:00)
TODAY = date(2025, 11, 23)
DEMO_AUTH = svv_authorization(DEMO_API_KEY)
LOOKUP_PATH = "/enkeltoppslag/kjoretoydata"

_SERIES_LETTER = "[A-HJ-NPR-Z]"  # no I, O or Q
resolvable_plates = st.from_regex(rf"\A{_SERIES_LETTER}{{2}}[0-9]{{4,5}}\Z")
electric_plates = st.from_regex(rf"\AE{_SERIES_LETTER}[0-9]{{4,5}}\Z")
combustion_plates = st.from_regex(r"\A[A-DF-HJ-NPR-Z][A-HJ-NPR-Z][0-9]{4,5}\Z")
unissued_series_plates = st.from_regex(r"\A([IOQ][A-Z]|[A-Z][IOQ])[0-9]{4,5}\Z")
personal_plates = st.from_regex(r"\A[A-ZÆØÅ]{2,7}\Z") | st.from_regex(r"\A[A-Z]{3,5}[0-9]{1,2}\Z")
digit_only_plates = st.from_regex(r"\A[0-9]{2,7}\Z")
unknown_plates = unissued_series_plates | digit_only_plates


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def require_reference(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path.name}: reference folder absent")
    return path


def lookup_plate(service: RegistryService, plate: str, *, now: datetime = NOW) -> RegistryAnswer:
    return service.lookup(kjennemerke=plate, understellsnummer=None, authorization=DEMO_AUTH, now=now)


def lookup_vin(service: RegistryService, vin: str, *, now: datetime = NOW) -> RegistryAnswer:
    return service.lookup(kjennemerke=None, understellsnummer=vin, authorization=DEMO_AUTH, now=now)


def record_of(answer: RegistryAnswer) -> dict[str, Any]:
    assert answer.status == 200 and answer.body is not None, answer
    return answer.body["kjoretoydataListe"][0]


def walk(node: Any, path: str = "") -> Any:
    """Yield (path, value) for every value in a JSON document."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}[{index}]")


def captured_exchange(
    answer: RegistryAnswer, query: dict[str, str], *, prefix: str = ""
) -> tuple[MockRequest, MockResponse]:
    """The request/response pair of one lookup, as openapi-core sees HTTP traffic. `prefix` is the
    base path when validating against a spec whose server carries it."""
    request = MockRequest(
        "http://localhost",
        "get",
        f"{prefix}{LOOKUP_PATH}",
        args=query,
        headers={"SVV-Authorization": DEMO_AUTH},
    )
    response = MockResponse(answer.body_bytes(), answer.status, headers=dict(answer.headers))
    return request, response


OUR_PREFIX = BASE_PATH
