"""The mock answers every request alike whether the compiled check or Connexion's Python validators decide."""

from __future__ import annotations

import typing as t

import pytest
from starlette.testclient import TestClient

from mock_server.app import create_app
from mock_server.fast_validation import CompiledSchemas
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings

KARI = {"Authorization": "Bearer demo-kari"}
JSON = {**KARI, "Content-Type": "application/json"}
REGISTRY = "/ws/no/vegvesen/kjoretoy/felles/datautlevering/enkeltoppslag/kjoretoydata"
SVV = {"SVV-Authorization": "Apikey minbil-demo-apikey"}
SVV_BLOCKED = {"SVV-Authorization": "Apikey minbil-blocked-apikey"}

# Repeatable requests: reads, refusals and an idempotent write, valid and invalid in every way we check.
REQUESTS: list[tuple[str, str, dict[str, str], bytes | None]] = [
    ("GET", "/api/co/vehicles", KARI, None),
    ("GET", "/api/co/vehicles?registration_number=BT57225", KARI, None),
    ("GET", "/api/co/vehicles?reg=bt-57225", KARI, None),
    ("GET", "/api/co/vehicles?registration_number=%21%21", KARI, None),
    ("GET", "/api/co/vehicles?unknown=1", KARI, None),
    ("GET", "/api/co/service-log/list", KARI, None),
    ("GET", "/api/co/service-log/list?page=2&page_size=5", KARI, None),
    ("GET", "/api/co/service-log/list?page=0", KARI, None),
    ("GET", "/api/co/service-log/list?page=abc&page_size=101", KARI, None),
    ("GET", "/api/co/service-log/latest?limit=0", KARI, None),
    ("GET", "/api/co/service-log/summary?date_from=2024-13-01", KARI, None),
    ("GET", "/api/co/service-log/summary?date_from=2024-01-01&date_to=2023-01-01", KARI, None),
    ("GET", "/api/co/service-log/summary?workshop_org_nr=921460929", KARI, None),
    ("GET", "/api/co/service-log/messages/abc", KARI, None),
    ("GET", "/api/co/service-log/vehicle-history/list", KARI, None),
    ("GET", "/api/co/realtime/config", KARI, None),
    ("GET", f"{REGISTRY}?kjennemerke=EK39085", SVV, None),
    ("GET", f"{REGISTRY}?kjennemerke=EK39085&understellsnummer=X", SVV, None),
    ("GET", f"{REGISTRY}?kjennemerke=EK39085", SVV_BLOCKED, None),
    ("PUT", "/api/co/settings/notifications", JSON, b'{"message.new": {"email": false}}'),
    ("PUT", "/api/co/settings/notifications", JSON, b'{"message.old": {"email": false}}'),
    ("PUT", "/api/co/settings/notifications", JSON, b'{"message.new": {"email": "no", "fax": true}}'),
    ("PUT", "/api/co/settings/notifications", JSON, b'{"message.new": '),
    ("PUT", "/api/co/settings/notifications", JSON, b'{"message.new": {"email": "\xff"}}'),
    ("PUT", "/api/co/settings/notifications", JSON, b""),
    ("POST", "/api/co/vehicles", JSON, b"{}"),
    ("POST", "/api/co/vehicles", JSON, b'{"registration_number": 5}'),
    ("PUT", "/api/co/vehicles/BT57225", JSON, b'{"nickname": 123}'),
]  # fmt: skip


def _normalised(node: t.Any) -> t.Any:
    """Drop what differs between any two answers: request ids and generation times."""
    if isinstance(node, dict):
        return {k: _normalised(v) for k, v in node.items() if k not in {"request_id", "generated_at"}}
    if isinstance(node, list):
        return [_normalised(item) for item in node]
    return node


def _answer(client: TestClient, request: tuple[str, str, dict[str, str], bytes | None]) -> tuple[int, t.Any]:
    method, url, headers, body = request
    response = client.request(method, url, headers=headers, content=body)
    if "json" in response.headers.get("content-type", ""):
        return response.status_code, _normalised(response.json())
    return response.status_code, response.text


@pytest.fixture(scope="module")
def client() -> TestClient:
    settings = Settings()
    world, _ = build_seeded_world(settings)
    return TestClient(create_app(settings, world), raise_server_exceptions=False)


@pytest.mark.parametrize("request_", REQUESTS, ids=[f"{m} {u[:60]} {b!r:.30}" for m, u, _, b in REQUESTS])
def test_the_answer_does_not_depend_on_which_validator_decides(
    client: TestClient, request_: tuple[str, str, dict[str, str], bytes | None]
) -> None:
    compiled = _answer(client, request_)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CompiledSchemas, "accepts", lambda self, *args: False)
        python_only = _answer(client, request_)
    assert compiled == python_only
    assert compiled[0] != 500
