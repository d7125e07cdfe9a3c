"""Every JSON answer is compact: no spaces after `:` and `,`, whichever layer wrote it.

The mock is wrapped in a recorder of every answer it sends; schemathesis then generates requests
(valid and invalid, from the examples, the coverage phase and fuzzing) to every operation of the
CarOwner API and the control API, and a table of hand-picked requests adds what generation does not
reach: Connexion's own 401/404/405/415, oversized and broken bodies, Prefer answers, injected faults,
media, the registry and the served specs. Each JSON body must be byte for byte the compact
encoding of what it parses to (a trailing newline allowed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import from_schema
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.app import create_app
from mock_server.packs.carowner.prefer import DocumentedResponses
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.packs.registry.api import ENKELTOPPSLAG_PATH
from mock_server.request_body import MAX_BODY_BYTES
from mock_server.settings import SPEC_PATH, Settings
from mock_server.yaml_files import load_yaml

TOKEN = "demo-kari"


@dataclass(frozen=True)
class Answer:
    method: str
    path: str
    status: int
    content_type: str
    body: bytes


class RecordAnswers:
    """Keeps every answer the app sends (status, content type, whole body)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.answers: list[Answer] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start["headers"]}
                    self.answers.append(
                        Answer(
                            scope["method"],
                            scope["path"],
                            start["status"],
                            headers.get("content-type", ""),
                            b"".join(chunks),
                        )
                    )
            await send(message)

        await self.app(scope, receive, recording)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip()
    return media == "application/json" or media.endswith("+json")


def _not_compact(answers: list[Answer]) -> list[str]:
    wrong = []
    for answer in answers:
        if not _is_json(answer.content_type) or not answer.body:
            continue
        body = answer.body[:-1] if answer.body.endswith(b"\n") else answer.body
        if body != orjson.dumps(orjson.loads(body)):
            wrong.append(f"{answer.method} {answer.path} {answer.status}: {answer.body[:120]!r}")
    return wrong


def _recorded_mock() -> tuple[RecordAnswers, Any]:
    settings = Settings(seed=11)
    world, _ = build_seeded_world(settings)
    return RecordAnswers(create_app(settings, world)), world


def _config(base_url: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": 11,
            "base-url": base_url,
            "headers": {"Authorization": f"Bearer {TOKEN}"},
            "workers": 1,
            "generation": {"max-examples": 8, "database": "none"},
            "phases": {
                "examples": {"enabled": True, "fill-missing": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )


@pytest.mark.parametrize(("spec", "base_url"), [("/openapi.json", ""), ("/__mock/openapi.json", "/__mock")])
def test_every_generated_answer_is_compact_json(spec: str, base_url: str) -> None:
    recorder, _ = _recorded_mock()
    schema = schemathesis.openapi.from_asgi(spec, recorder, config=_config(f"http://testserver{base_url}"))
    for _event in from_schema(schema).execute():
        pass
    json_answers = [a for a in recorder.answers if _is_json(a.content_type)]
    assert len({a.status for a in json_answers}) >= 4 and len(json_answers) >= 100, len(json_answers)
    assert _not_compact(recorder.answers) == []


AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON_HEADERS = {**AUTH, "Content-Type": "application/json"}
REGISTRY_KEY = {"SVV-Authorization": "Apikey minbil-demo-apikey"}
HAND_PICKED: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/api/co/vehicles", {}),  # 401, Connexion's security
    ("GET", "/api/co/vehicles", {"headers": {"Authorization": "Bearer nobody"}}),
    ("GET", "/api/co/nowhere", {"headers": AUTH}),  # 404 from routing
    ("GET", "/nowhere", {}),
    ("DELETE", "/api/co/vehicles/BT57225", {"headers": AUTH}),  # 405
    ("GET", "/api/co/vehicles?limit=x", {"headers": AUTH}),  # 400, unknown parameter
    ("GET", "/api/co/service-log/list?page=x", {"headers": AUTH}),  # 400, not an integer
    ("GET", "/api/co/vehicles?registration_number=BT57225&reg=EL42817", {"headers": AUTH}),
    ("GET", "/api/co/vehicles?registration_number=ZZ99999", {"headers": AUTH}),  # 404 VEHICLE_NOT_LINKED
    ("POST", "/api/co/vehicles", {"headers": {**AUTH, "Content-Type": "text/plain"}, "content": b"x"}),
    ("POST", "/api/co/vehicles", {"headers": JSON_HEADERS, "content": b"{broken"}),
    ("POST", "/api/co/vehicles", {"headers": JSON_HEADERS, "content": b"x" * (MAX_BODY_BYTES + 1)}),
    ("POST", "/api/co/vehicles", {"headers": JSON_HEADERS, "content": b'{"registration_number": 5}'}),
    ("PUT", "/api/co/settings/notifications", {"headers": JSON_HEADERS, "content": b'{"a": [1, {"b": 2}]}'}),
    ("GET", "/api/co/vehicles", {"headers": {**AUTH, "Prefer": "nonsense"}}),
    ("GET", "/media/nothing.png", {}),
    ("GET", "/openapi.json", {}),
    ("GET", "/__mock/openapi.json", {}),
    ("GET", "/__mock/scenarios", {}),
    ("POST", "/__mock/sandbox/clock", {"headers": AUTH, "json": {"hours": -1}}),
    ("POST", "/__mock/sandbox/faults", {"headers": AUTH, "json": {"rule": "nonsense"}}),
    ("POST", "/__mock/sandboxes", {"json": {"scenario": "no-such-scenario"}}),
    ("GET", f"{ENKELTOPPSLAG_PATH}?kjennemerke=EK39085", {"headers": REGISTRY_KEY}),
    ("GET", f"{ENKELTOPPSLAG_PATH}?kjennemerke=TESLA1", {"headers": REGISTRY_KEY}),
]  # fmt: skip


def _prefer_requests(documented: DocumentedResponses) -> list[tuple[str, str, dict[str, Any]]]:
    """Every documented example and status of the operations a plain GET reaches, and generated bodies."""
    paths = {
        "getVehicles": "/api/co/vehicles",
        "getLatestServiceLogs": "/api/co/service-log/latest",
        "listServiceLogs": "/api/co/service-log/list",
        "getServiceLogSummary": "/api/co/service-log/summary",
        "getRealtimeConfig": "/api/co/realtime/config",
        "getLatestVehicleHistory": "/api/co/service-log/vehicle-history/latest",
        "listVehicleHistory": "/api/co/service-log/vehicle-history/list",
        "getServiceLogMessages": "/api/co/service-log/messages/1001",
    }
    requests = []
    for operation_id, path in paths.items():
        preferences = ["dynamic=true"]
        for status, response in documented.responses(operation_id).items():
            preferences.append(f"code={status}")
            preferences += [f"example={name}" for name, _ in response.examples]
        requests += [("GET", path, {"headers": {**AUTH, "Prefer": p}}) for p in preferences]
    return requests


def test_error_prefer_media_registry_and_spec_answers_are_compact_json() -> None:
    recorder, _ = _recorded_mock()
    requests = [*HAND_PICKED, *_prefer_requests(DocumentedResponses(load_yaml(SPEC_PATH)))]
    with TestClient(recorder, raise_server_exceptions=False) as client:
        # Injected faults answer problems of their own.
        client.post(
            "/__mock/sandbox/faults", headers=AUTH, json={"rule": "GET /api/co/realtime/config: error=1:503"}
        )
        requests.append(("GET", "/api/co/realtime/config", {"headers": AUTH}))
        for method, url, options in requests:
            client.request(method, url, **options)
    statuses = {a.status for a in recorder.answers if _is_json(a.content_type)}
    assert {200, 400, 401, 404, 405, 413, 415, 503} <= statuses, statuses
    assert _not_compact(recorder.answers) == []
