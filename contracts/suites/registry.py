"""Registry contract for Vegvesen-like enkeltoppslag servers: the official response schema and the
documented behaviours (400 for both parameters, 403 for bad keys, not-available, no nulls, plate format)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from ..client import ApiClient, ApiResponse
from ..context import SuiteContext
from ..failures import expect
from ..options import RegistryOptions
from ..target import Target

DESCRIPTION = "enkeltoppslag responses match the official schema and the documented behaviours"
ENDPOINT = "/ws/no/vegvesen/kjoretoy/felles/datautlevering/enkeltoppslag/kjoretoydata"
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "enkeltoppslag-response.yaml"
NOT_AVAILABLE = {"feilmelding": "OPPLYSNINGER_IKKE_TILGJENGELIGE"}
_ORDINARY_SPACED = re.compile(r"^[A-ZÆØÅ]{2} [0-9]{4,5}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


@functools.lru_cache(maxsize=1)
def response_validator() -> OAS30Validator:
    document = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    return OAS30Validator(
        {"components": document["components"], **schemas["KjoretoydataResponse"]},
        format_checker=oas30_format_checker,
    )


def run(ctx: SuiteContext) -> None:
    registry = ctx.options.registry or RegistryOptions()
    with _registry_http(ctx, registry) as http:
        keyed = ApiClient(http, None, journal=ctx.journal, check_invariants=False)
        lookups: dict[str, ApiResponse] = {}

        def lookup(**params: str) -> ApiResponse:
            return keyed.get(
                ENDPOINT, params=params, headers={"SVV-Authorization": f"Apikey {registry.api_key}"}
            )

        def known_vehicles() -> None:
            for plate in registry.known_plates:
                response = lookup(kjennemerke=plate)
                expect(
                    response.status == 200,
                    "registry.response-schema",
                    f"looking up {plate} answered {response.status}",
                    response.exchange,
                )
                lookups[plate] = response
                _validate(response)
                vehicles = response.json().get("kjoretoydataListe") or []
                expect(
                    len(vehicles) == 1,
                    "registry.response-schema",
                    f"{plate}: expected one vehicle in kjoretoydataListe, got {len(vehicles)}",
                    response.exchange,
                )

        def each_lookup(check: Any) -> Any:
            def run_all() -> None:
                if not lookups:
                    known_vehicles()
                for plate, response in lookups.items():
                    check(plate, response)

            return run_all

        ctx.run_check("known plates validate against the enkeltoppslag schema", known_vehicles)
        ctx.run_check("fields without value are omitted, never null", each_lookup(_no_nulls))
        ctx.run_check("plates come back with a space", each_lookup(_plates_spaced))
        ctx.run_check("timestamps carry a timezone offset", each_lookup(_timestamps_with_offset))
        ctx.run_check(
            "lookup by understellsnummer finds the same vehicle",
            each_lookup(lambda plate, response: _same_by_vin(lookup, plate, response)),
        )
        ctx.run_check("both parameters at once answer 400", lambda: _both_parameters(lookup, registry))
        ctx.run_check("a missing or unknown API key answers 403", lambda: _bad_keys(keyed, registry))
        ctx.run_check(
            "unknown vehicles answer OPPLYSNINGER_IKKE_TILGJENGELIGE",
            lambda: _not_available(lookup, registry),
        )


@contextmanager
def _registry_http(ctx: SuiteContext, registry: RegistryOptions) -> Iterator[httpx.Client]:
    if registry.url is None:
        yield ctx.http
        return
    with Target.http(registry.url).connect() as http:
        yield http


def _validate(response: ApiResponse) -> None:
    errors = sorted(response_validator().iter_errors(response.json()), key=lambda error: list(error.path))
    expect(
        not errors,
        "registry.response-schema",
        "; ".join(
            f"{'/'.join(str(part) for part in error.path) or '(root)'}: {error.message}"
            for error in errors[:5]
        ),
        response.exchange,
    )


def _walk(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def _no_nulls(plate: str, response: ApiResponse) -> None:
    nulls = [path for path, value in _walk(response.json()) if value is None]
    expect(not nulls, "registry.no-nulls", f"{plate}: null at {', '.join(nulls[:8])}", response.exchange)


def _plates_spaced(plate: str, response: ApiResponse) -> None:
    vehicle = response.json()["kjoretoydataListe"][0]
    shown = [vehicle.get("kjoretoyId", {}).get("kjennemerke")]
    shown += [item.get("kjennemerke") for item in vehicle.get("kjennemerke", [])]
    wrong = [value for value in shown if value is not None and not _ORDINARY_SPACED.match(str(value))]
    expect(
        not wrong,
        "registry.plate-with-space",
        f"{plate} is written {wrong}, expected e.g. 'EK 39085'",
        response.exchange,
    )


def _timestamps_with_offset(plate: str, response: ApiResponse) -> None:
    naive = [
        f"{path}={value}"
        for path, value in _walk(response.json())
        if isinstance(value, str) and _TIMESTAMP.match(value) and not _OFFSET.search(value)
    ]
    expect(
        not naive,
        "registry.timezone-offset",
        f"{plate}: timestamps without offset: {naive[:5]}",
        response.exchange,
    )


def _same_by_vin(lookup: Any, plate: str, response: ApiResponse) -> None:
    identity = response.json()["kjoretoydataListe"][0].get("kjoretoyId", {})
    vin = identity.get("understellsnummer")
    expect(
        bool(vin), "registry.vin-lookup", f"{plate} has no kjoretoyId.understellsnummer", response.exchange
    )
    by_vin = lookup(understellsnummer=vin)
    found = (
        (by_vin.json().get("kjoretoydataListe") or [{}])[0].get("kjoretoyId")
        if by_vin.status == 200
        else None
    )
    expect(
        found == identity,
        "registry.vin-lookup",
        f"looking up {vin} answered {by_vin.status} with {found}, expected {identity}",
        by_vin.exchange,
    )


def _both_parameters(lookup: Any, registry: RegistryOptions) -> None:
    response = lookup(kjennemerke=registry.known_plates[0], understellsnummer="WVWZZZAUZH8950429")
    expect(
        response.status == 400,
        "registry.both-params-rejected",
        f"kjennemerke and understellsnummer together answered {response.status}, not 400",
        response.exchange,
    )


def _bad_keys(keyed: ApiClient, registry: RegistryOptions) -> None:
    plate = registry.known_plates[0]
    for headers in ({}, {"SVV-Authorization": "Apikey contracts-unknown-key"}):
        response = keyed.get(ENDPOINT, params={"kjennemerke": plate}, headers=headers)
        described = "no API key" if not headers else "an unknown API key"
        expect(
            response.status == 403,
            "registry.unknown-key-refused",
            f"a lookup with {described} answered {response.status}, not 403",
            response.exchange,
        )


def _not_available(lookup: Any, registry: RegistryOptions) -> None:
    for plate in registry.unknown_plates:
        response = lookup(kjennemerke=plate)
        body = response.json() if response.content_type == "application/json" else None
        expect(
            response.status < 500 and body == NOT_AVAILABLE,
            "registry.not-available",
            f"looking up {plate} answered {response.status} {body}, expected {NOT_AVAILABLE}",
            response.exchange,
        )
