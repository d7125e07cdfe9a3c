"""The suite passes the mock however it writes what the spec leaves free (tests/contracts/variation.py)."""

from __future__ import annotations

import json
import os
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts import PROFILES, Status, Target
from mock_server.app import create_app
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings
from tests.contracts.mock_targets import SandboxClock, quick_options, run_in_process
from tests.contracts.variation import ENTRY_ID, EXPORT_TOKEN, NO_SUCH_ENTRY, Variation, VariationLayer

# Every seed is a different server; CONTRACT_VARIATION_SEEDS=20 runs the full set, and
# CONTRACT_VARIATION_PROFILE=ci looks as hard as CI does (README: "Proof on twenty seeds").
SEEDS = range(int(os.environ.get("CONTRACT_VARIATION_SEEDS", "3")))
VARIATION_PROFILE = os.environ.get("CONTRACT_VARIATION_PROFILE", "quick")


def _varied_target(seed: int) -> tuple[Target, SandboxClock]:
    settings = Settings()
    world, _ = build_seeded_world(settings)
    return Target.asgi(VariationLayer(create_app(settings, world), Variation(seed))), SandboxClock(world)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_suite_passes_the_mock_behind_a_variation_layer(seed: int) -> None:
    target, clock = _varied_target(seed)
    options = quick_options(tuple(_suites()), clock, seed=seed, profile=PROFILES[VARIATION_PROFILE])
    report = run_in_process(target, options)
    assert report.ok, report.explain()
    assert report.count(Status.PASSED) > 0


def _suites() -> list[str]:
    from contracts import SUITE_NAMES

    # The layer varies CarOwner's HTTP answers only: not the registry, and not the Realtime socket
    # (which would have to know the channel names it writes otherwise).
    return [suite for suite in SUITE_NAMES if suite not in ("registry", "realtime")]


ANSWERS = (
    {
        "data": [{"registration_number": "BT57225", "linked_at": "2025-03-02T12:05:33.120000Z", "rating": 4}],
        "meta": {"generated_at": "2026-02-12T10:00:00Z", "request_id": "7d1c"},
    },
    {
        "type": "about:blank",
        "title": "Validation failed",
        "status": 400,
        "code": "VALIDATION_FAILED",
        "detail": "page_size must be at most 100",
        "errors": [
            {"field": "page_size", "message": "at most 100"},
            {"field": "page", "message": "at least 1"},
        ],
    },
)


def test_the_variation_layer_changes_the_bytes_and_keeps_the_meaning() -> None:
    written = set()
    for seed in range(20):
        for answer in ANSWERS:
            raw = json.dumps(answer).encode()
            varied = Variation(seed).body(raw, request_id=seed)
            assert _meaning(json.loads(varied)) == _meaning(answer)
            written.add(varied)
    assert len(written) > 30, "the seeds should give many different ways of writing the same answers"


def _meaning(value):
    """An answer's meaning: instants as instants, problem wording and field-error order aside."""
    from contracts.timestamps import timestamp
    from tests.contracts.variation import INSTANT

    if isinstance(value, dict):
        kept = {k: _meaning(v) for k, v in value.items() if k not in ("title", "detail")}
        if isinstance(kept.get("errors"), list):
            kept["errors"] = sorted(kept["errors"], key=lambda error: json.dumps(error, sort_keys=True))
        return kept
    if isinstance(value, list):
        return [_meaning(v) for v in value]
    if isinstance(value, str) and INSTANT.match(value):
        return timestamp(value)
    return value


seeds = st.integers(min_value=0, max_value=10_000)


def test_a_service_s_items_come_in_an_order_of_the_seed_s_own_the_same_every_time() -> None:
    items = [{"description": f"Del {n}", "price_nok": 100 * n} for n in range(6)]
    raw = json.dumps({"data": [{"id": 7, "items": items}], "meta": {}}).encode()
    orders = set()
    for seed in range(20):
        variation = Variation(seed)
        first, again = (json.loads(variation.body(raw, request_id=n))["data"][0]["items"] for n in (1, 2))
        assert first == again, "one server lists one entry's items one way"
        assert sorted(item["description"] for item in first) == [item["description"] for item in items]
        orders.add(tuple(item["description"] for item in first))
    assert len(orders) > 5


def test_messages_stay_oldest_first_and_only_ties_change_order() -> None:
    sent = ["2025-11-03T13:42:00Z", "2025-11-03T13:42:00Z", "2025-11-03T13:42:00Z", "2025-11-03T14:00:00Z"]
    messages = [{"body": f"melding {n}", "sent_at": at} for n, at in enumerate(sent)]
    raw = json.dumps({"data": {"messages": messages}}).encode()
    orders = set()
    for seed in range(20):
        varied = json.loads(Variation(seed).body(raw, request_id=seed))["data"]["messages"]
        assert varied[-1]["body"] == "melding 3"
        assert sorted(message["body"] for message in varied[:3]) == ["melding 0", "melding 1", "melding 2"]
        orders.add(tuple(message["body"] for message in varied))
    assert len(orders) > 1


@given(seed=seeds, a=st.integers(min_value=1, max_value=10**12), b=st.integers(min_value=1, max_value=10**12))
def test_entry_ids_are_renumbered_in_the_same_order_and_lead_back(seed: int, a: int, b: int) -> None:
    ids = Variation(seed).ids
    assert (ids.entry(a) < ids.entry(b)) == (a < b), "the spec orders entries by id where dates tie"
    assert ids.entry_back(ids.entry(a)) == a
    assert ids.entry(a) != a


@given(seed=seeds, handed_out=st.integers(min_value=1, max_value=10**6), offset=st.integers(1, 10**6))
def test_an_entry_id_the_layer_never_handed_out_finds_no_entry(
    seed: int, handed_out: int, offset: int
) -> None:
    ids = Variation(seed).ids
    other = ids.entry(handed_out) + offset
    if (other - ids.shift) % ids.scale != 0:
        assert ids.entry_back(other) == NO_SUCH_ENTRY
    assert ids.entry_back(min(ids.entry(1) - 1, offset)) == NO_SUCH_ENTRY


rfc_uuids = st.integers(min_value=1, max_value=5).flatmap(lambda version: st.uuids(version=version))


@given(seed=seeds, value=rfc_uuids)
def test_uuids_are_permuted_keeping_version_and_variant(seed: int, value: uuid.UUID) -> None:
    ids = Variation(seed).ids
    varied = uuid.UUID(ids.uuid(str(value)))
    assert varied != value
    assert (varied.version, varied.variant) == (value.version, value.variant)
    assert ids.uuid_back(str(varied)) == str(value)


@given(seed=seeds, first=st.uuids(), second=st.uuids())
def test_two_uuids_stay_two(seed: int, first: uuid.UUID, second: uuid.UUID) -> None:
    ids = Variation(seed).ids
    assert (ids.uuid(str(first)) == ids.uuid(str(second))) == (first == second)


@given(seed=seeds, first=st.text(min_size=1), second=st.text(min_size=1))
def test_history_ids_keep_their_order(seed: int, first: str, second: str) -> None:
    ids = Variation(seed).ids
    assert (ids.history(first) < ids.history(second)) == (first < second)


export_tokens = st.from_regex(r"\A[A-Za-z0-9_.~-]{1,300}\Z")


@given(seed=seeds, token=export_tokens)
def test_export_tokens_lead_back_and_stay_url_safe(seed: int, token: str) -> None:
    ids = Variation(seed).ids
    varied = ids.token(token)
    assert varied != token and EXPORT_TOKEN.fullmatch(varied)
    assert ids.token_back(varied) == token


@given(seed=seeds, sent=export_tokens)
def test_a_token_the_layer_never_handed_out_reaches_the_mock_as_one_it_never_issued(
    seed: int, sent: str
) -> None:
    ids = Variation(seed).ids
    if not sent.startswith(ids.token_prefix) or sent == ids.token_prefix:
        back = ids.token_back(sent)
        assert back.startswith("-") and len(back) == len(sent) and EXPORT_TOKEN.fullmatch(back)


@given(seed=seeds, sent=st.text(max_size=12))
def test_a_path_id_the_mock_would_refuse_reaches_it_as_it_came(seed: int, sent: str) -> None:
    ids = Variation(seed).ids
    mock_id = ids.entry_segment(sent)
    if not ENTRY_ID.match(sent) or int(sent) < 1:
        assert mock_id == sent
    else:
        assert int(mock_id) >= 1


def test_through_the_layer_every_id_is_another_and_still_leads_to_its_entry() -> None:
    """One entry's ids, read through the layer: other ids than the mock's, which find the same thread."""
    from starlette.testclient import TestClient

    settings = Settings()
    world, _ = build_seeded_world(settings)
    app = create_app(settings, world)
    auth = {"Authorization": "Bearer demo-kari"}
    with TestClient(app) as plain, TestClient(VariationLayer(app, Variation(5))) as varied:
        mock = plain.get("/api/co/service-log/list", params={"page_size": 1}, headers=auth).json()["data"][0]
        seen = varied.get("/api/co/service-log/list", params={"page_size": 1}, headers=auth)
        entry = seen.json()["data"][0]
        assert entry["id"] != mock["id"] and entry["booking_id"] != mock["booking_id"]
        assert entry["description"] == mock["description"]
        thread = varied.get(f"/api/co/service-log/messages/{entry['id']}", headers=auth)
        assert thread.status_code == 200
        assert thread.json()["data"]["service_log_id"] == entry["id"]
        assert thread.json()["data"]["booking_id"] == entry["booking_id"]
        assert thread.headers["x-request-id"] == thread.json()["meta"]["request_id"]
        assert plain.get(f"/api/co/service-log/messages/{entry['id']}", headers=auth).status_code == 404
        grant = varied.get("/api/co/service-log/export-token", headers=auth).json()["data"]
        assert grant["download_url"].endswith(f"token={grant['token']}")
        csv_ids = [
            row.split(",")[0]
            for row in varied.get(f"/api/co/service-log/export?token={grant['token']}").text.splitlines()[1:]
        ]
        assert str(entry["id"]) in csv_ids and str(mock["id"]) not in csv_ids


# The ci profile on other seeds than the quick runs use; CONTRACT_CI_SEEDS=20 runs twenty of them.
CI_SEEDS = range(101, 101 + int(os.environ.get("CONTRACT_CI_SEEDS", "1")))


@pytest.mark.parametrize("seed", CI_SEEDS)
def test_the_ci_profile_passes_the_clean_mock(seed: int) -> None:
    from contracts import PROFILES, SUITE_NAMES
    from tests.contracts.mock_targets import mock_target

    target, clock = mock_target()
    report = run_in_process(target, quick_options(SUITE_NAMES, clock, seed=seed, profile=PROFILES["ci"]))
    assert report.ok, report.explain()
