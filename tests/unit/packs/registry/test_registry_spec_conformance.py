"""Answers of the fake validate against the official 3.1 spec (openapi-core) and against our 3.0.3 port."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_core import OpenAPI
from openapi_spec_validator import validate

from mock_server.packs.registry.api import SPEC_PATH
from mock_server.packs.registry.known_records import REFERENCE_PLATES
from mock_server.packs.registry.service import RegistryService

from .registry_helpers import (
    DEMO_AUTH,
    NOW,
    OFFICIAL_SPEC,
    OUR_PREFIX,
    captured_exchange,
    lookup_plate,
    personal_plates,
    read_json,
    require_reference,
    resolvable_plates,
    unknown_plates,
)

fixture_safe = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


def our_spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


@fixture_safe
@given(plate=resolvable_plates)
def test_generated_answers_validate_against_the_official_spec(
    official_openapi: OpenAPI, service: RegistryService, plate: str
) -> None:
    request, response = captured_exchange(lookup_plate(service, plate), {"kjennemerke": plate})
    official_openapi.validate_request(request)
    official_openapi.validate_response(request, response)


@fixture_safe
@given(plate=resolvable_plates)
def test_generated_answers_validate_against_our_spec(
    our_openapi: OpenAPI, service: RegistryService, plate: str
) -> None:
    request, response = captured_exchange(
        lookup_plate(service, plate), {"kjennemerke": plate}, prefix=OUR_PREFIX
    )
    our_openapi.validate_request(request)
    our_openapi.validate_response(request, response)


@fixture_safe
@given(plate=personal_plates)
def test_personal_plate_answers_validate_against_both_specs(
    official_openapi: OpenAPI, our_openapi: OpenAPI, service: RegistryService, plate: str
) -> None:
    answer = lookup_plate(service, plate)
    assert "kjoretoydataListe" in (answer.body or {})
    for api, prefix in ((official_openapi, ""), (our_openapi, OUR_PREFIX)):
        request, response = captured_exchange(answer, {"kjennemerke": plate}, prefix=prefix)
        api.validate_response(request, response)


@pytest.mark.parametrize("plate", [*REFERENCE_PLATES, "TESLA1", "IO12345"])
def test_known_and_unknown_answers_validate_against_both_specs(
    official_openapi: OpenAPI, our_openapi: OpenAPI, service: RegistryService, plate: str
) -> None:
    answer = lookup_plate(service, plate)
    for api, prefix in ((official_openapi, ""), (our_openapi, OUR_PREFIX)):
        request, response = captured_exchange(answer, {"kjennemerke": plate}, prefix=prefix)
        api.validate_response(request, response)


def test_quota_answer_422_validates_against_the_official_spec(
    official_openapi: OpenAPI, make_service: Any
) -> None:
    answer = lookup_plate(make_service(daily_quota=0, quota_status=422), "AB12345")
    assert answer.status == 422
    request, response = captured_exchange(answer, {"kjennemerke": "AB12345"})
    official_openapi.validate_response(request, response)


@pytest.mark.parametrize(
    ("config", "query", "authorization", "status"),
    [
        ({}, {"kjennemerke": "AB12345", "understellsnummer": "WVWZZZAUZH8950429"}, DEMO_AUTH, 400),
        ({}, {"kjennemerke": "AB12345"}, "Apikey not-a-key", 403),
        ({"daily_quota": 0}, {"kjennemerke": "AB12345"}, DEMO_AUTH, 429),
        ({"daily_quota": 0, "quota_status": 422}, {"kjennemerke": "AB12345"}, DEMO_AUTH, 422),
        ({"outage": True}, {"kjennemerke": "AB12345"}, DEMO_AUTH, 503),
    ],
)
def test_error_answers_are_documented_in_our_spec(
    our_openapi: OpenAPI,
    make_service: Any,
    config: dict[str, Any],
    query: dict[str, str],
    authorization: str,
    status: int,
) -> None:
    answer = make_service(**config).lookup(
        kjennemerke=query.get("kjennemerke"),
        understellsnummer=query.get("understellsnummer"),
        authorization=authorization,
        now=NOW,
    )
    assert answer.status == status
    request, response = captured_exchange(answer, query, prefix=OUR_PREFIX)
    our_openapi.validate_response(request, response)


@settings(max_examples=20)
@given(unknown_plates)
def test_not_available_answer_is_the_documented_body(plate: str) -> None:
    answer = lookup_plate(RegistryService(), plate)
    assert (answer.status, answer.body) == (200, {"feilmelding": "OPPLYSNINGER_IKKE_TILGJENGELIGE"})


def test_our_spec_is_valid_openapi_3_0_3() -> None:
    spec = our_spec()
    assert spec["openapi"] == "3.0.3"
    validate(spec)


def test_our_operation_keeps_the_official_path_id_and_parameters() -> None:
    official = read_json(require_reference(OFFICIAL_SPEC))["paths"]["/enkeltoppslag/kjoretoydata"]["get"]
    ours = our_spec()["paths"]["/enkeltoppslag/kjoretoydata"]["get"]
    assert ours["operationId"] == official["operationId"] == "hentKjoretoydata"
    assert [p for p in ours["parameters"] if p["in"] == "query"] == official["parameters"]
    assert {"200", "400", "403", "422", "429"} <= set(ours["responses"])
    for status in ("422", "429"):
        assert ours["responses"][status]["headers"]["Retry-After"]["required"] is True


def test_our_schemas_are_the_official_schemas_unchanged() -> None:
    official = read_json(require_reference(OFFICIAL_SPEC))["components"]["schemas"]
    ours = our_spec()["components"]["schemas"]
    assert {name: official[name] for name in ours} == ours
    refs = {value.rsplit("/", 1)[-1] for _, value in _refs(ours)}
    assert refs <= set(ours)  # every reference resolves inside our file
    assert "EnkeltOppslagKjoretoydata" in ours and "KjoretoydataResponse" in ours


def _refs(node: Any) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield key, value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


@fixture_safe
@given(plate=resolvable_plates | personal_plates, days_after=st.integers(0, 8000))
def test_records_of_seeded_owners_validate_against_both_specs(
    official_openapi: OpenAPI, our_openapi: OpenAPI, plate: str, days_after: int
) -> None:
    service = RegistryService()
    first = lookup_plate(service, plate).body["kjoretoydataListe"][0]  # type: ignore[index]
    registered = date.fromisoformat(first["forstegangsregistrering"]["registrertForstegangNorgeDato"])
    bought = min(registered + timedelta(days=days_after), NOW.date())
    service.record_owner_since(plate, bought)
    answer = lookup_plate(service, plate)
    since = answer.body["kjoretoydataListe"][0]["registrering"]["registrertForstegangPaEierskap"]  # type: ignore[index]
    assert since[:10] == bought.isoformat()
    for api, prefix in ((official_openapi, ""), (our_openapi, OUR_PREFIX)):
        request, response = captured_exchange(answer, {"kjennemerke": plate}, prefix=prefix)
        api.validate_response(request, response)
