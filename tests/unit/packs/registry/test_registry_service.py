from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.packs.registry.service import (
    BLOCKED_API_KEY,
    DEMO_API_KEY,
    RegistryConfig,
    RegistryService,
    svv_authorization,
)

from .registry_helpers import (
    DEMO_AUTH,
    NOW,
    lookup_plate,
    lookup_vin,
    record_of,
    resolvable_plates,
    unknown_plates,
)

NOT_AVAILABLE = {"feilmelding": "OPPLYSNINGER_IKKE_TILGJENGELIGE"}


def ask(service: RegistryService, authorization: str | None = DEMO_AUTH, now: datetime = NOW, **query: Any):
    return service.lookup(
        kjennemerke=query.get("kjennemerke"),
        understellsnummer=query.get("understellsnummer"),
        authorization=authorization,
        now=now,
    )


@pytest.mark.parametrize(
    "query",
    [
        {"kjennemerke": "AB12345", "understellsnummer": "WVWZZZAUZH8950429"},
        {},
        {"kjennemerke": "  ", "understellsnummer": ""},
    ],
)
def test_exactly_one_of_plate_and_vin_is_required(service: RegistryService, query: dict[str, str]) -> None:
    answer = ask(service, **query)
    assert (answer.status, answer.body) == (400, None)


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "minbil-demo-apikey",
        "Bearer minbil-demo-apikey",
        "Apikey",
        "Apikey ",
        svv_authorization(BLOCKED_API_KEY),
    ],
)
def test_missing_malformed_and_blocked_keys_are_forbidden(
    service: RegistryService, authorization: str | None
) -> None:
    assert ask(service, authorization, kjennemerke="EK39085").status == 403


@given(st.text(min_size=1).filter(lambda key: key.strip() not in ("", DEMO_API_KEY)))
def test_unknown_keys_are_forbidden(key: str) -> None:
    assert ask(RegistryService(), svv_authorization(key), kjennemerke="EK39085").status == 403


def test_key_prefix_is_read_case_insensitively(service: RegistryService) -> None:
    assert ask(service, "APIKEY minbil-demo-apikey", kjennemerke="EK39085").status == 200


def test_extra_keys_are_accepted(make_service: Any) -> None:
    service = make_service(extra_api_keys={"partner-key"})
    assert ask(service, svv_authorization("partner-key"), kjennemerke="EK39085").status == 200


@pytest.mark.parametrize("status", [429, 422])
def test_used_up_quota_answers_configured_status_with_seconds_to_oslo_midnight(
    make_service: Any, status: int
) -> None:
    service = make_service(daily_quota=3, quota_status=status)
    assert [lookup_plate(service, "AB12345").status for _ in range(3)] == [200, 200, 200]
    answer = lookup_plate(service, "AB12345")
    assert (answer.status, answer.body) == (status, None)
    assert answer.headers["Retry-After"] == str(11 * 3600)  # 13:00 in Oslo


def test_retry_after_counts_to_midnight_in_summer_time(make_service: Any) -> None:
    summer_evening = datetime(2025, 6, 30, 21, 30, tzinfo=UTC)  # 23:30 in Oslo (+02:00)
    answer = lookup_plate(make_service(daily_quota=0), "AB12345", now=summer_evening)
    assert answer.headers["Retry-After"] == "1800"


def test_quota_renews_at_oslo_midnight_not_utc_midnight(make_service: Any) -> None:
    service = make_service(daily_quota=1)
    last_second = datetime(2025, 11, 23, 22, 59, 59, tzinfo=UTC)  # 23:59:59 in Oslo
    assert lookup_plate(service, "AB12345", now=last_second).status == 200
    assert lookup_plate(service, "AB12345", now=last_second).status == 429
    assert lookup_plate(service, "AB12345", now=last_second + timedelta(seconds=1)).status == 200


def test_quota_is_counted_per_key_and_for_every_answer(make_service: Any) -> None:
    service = make_service(daily_quota=2, extra_api_keys={"other"})
    ask(service, kjennemerke="TESLA1")
    ask(service, kjennemerke="AB12345", understellsnummer="X")
    assert service.calls_counted(DEMO_API_KEY, NOW) == 2
    assert lookup_plate(service, "AB12345").status == 429
    assert ask(service, svv_authorization("other"), kjennemerke="AB12345").status == 200


def test_quota_status_must_be_429_or_422() -> None:
    with pytest.raises(ValueError):
        RegistryConfig(quota_status=503)


@settings(max_examples=40)
@given(unknown_plates)
def test_unissued_series_and_digit_only_plates_are_not_available(plate: str) -> None:
    answer = lookup_plate(RegistryService(), plate)
    assert (answer.status, answer.body) == (200, NOT_AVAILABLE)


@given(resolvable_plates)
def test_vin_lookup_finds_the_same_car_as_its_plate(plate: str) -> None:
    service = RegistryService()
    by_plate = record_of(lookup_plate(service, plate))
    assert record_of(lookup_vin(service, by_plate["kjoretoyId"]["understellsnummer"].lower())) == by_plate


def test_vin_of_a_plate_never_looked_up_is_not_available(service: RegistryService) -> None:
    vin = record_of(lookup_plate(RegistryService(), "AB12345"))["kjoretoyId"]["understellsnummer"]
    assert lookup_vin(service, vin).body == NOT_AVAILABLE
    assert lookup_vin(service, "WVWZZZAUZH0000000").body == NOT_AVAILABLE


@given(resolvable_plates)
def test_plate_spelling_does_not_matter(plate: str) -> None:
    service = RegistryService()
    spelt = f" {plate[:2].lower()} {plate[2:]} "
    assert lookup_plate(service, spelt).body == lookup_plate(service, plate).body


def test_plates_forced_unavailable_are_not_available_by_plate_or_vin(service: RegistryService) -> None:
    vin = record_of(lookup_plate(service, "AB12345"))["kjoretoyId"]["understellsnummer"]
    service.config.unavailable_plates.add("ab 12345")
    service.config.unavailable_plates.add("EK39085")
    assert lookup_plate(service, "AB12345").body == NOT_AVAILABLE
    assert lookup_vin(service, vin).body == NOT_AVAILABLE
    assert lookup_vin(service, "WVWZZZAUZH8950429").body == NOT_AVAILABLE


def test_outage_answers_503_before_anything_else(service: RegistryService) -> None:
    service.config.outage = True
    answer = ask(service, None, kjennemerke="AB12345")
    assert (answer.status, answer.headers["Retry-After"]) == (503, "60")
    service.config.outage = False
    assert lookup_plate(service, "AB12345").status == 200


def test_answer_body_is_utf8_json_with_norwegian_letters_unescaped(service: RegistryService) -> None:
    body = lookup_plate(service, "BE12335").body_bytes()
    assert "Sølv".encode() in body
    assert b"\\u00f8" not in body


@settings(max_examples=30)
@given(
    kjennemerke=st.none() | st.text(st.sampled_from("AB12 "), max_size=12),
    understellsnummer=st.none() | st.text(st.sampled_from("WVZ9 "), max_size=25),
)
def test_parameters_outside_their_documented_lengths_answer_400(
    kjennemerke: str | None, understellsnummer: str | None
) -> None:
    answer = RegistryService().lookup(
        kjennemerke=kjennemerke, understellsnummer=understellsnummer, authorization=DEMO_AUTH, now=NOW
    )
    plate = "".join((kjennemerke or "").split())
    vin = "".join((understellsnummer or "").split())
    well_formed = (2 <= len(plate) <= 7 and not vin) or (1 <= len(vin) <= 19 and not plate)
    assert (answer.status == 400) == (not well_formed)
    assert answer.status != 400 or answer.body is None  # the registry's 400 carries no body
