"""Request bodies of any shape: deeply nested, chunked, cut short, slow, or crashing something.

Every route that takes a body is covered by one middleware (mock_server/request_body.py), on the
direct path and through Connexion alike; these tests drive both."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mock_server.app import create_app
from mock_server.json_depth import MAX_JSON_DEPTH
from mock_server.packs.carowner.faults import FAULTS
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.packs.registry.faults import FAULTS as REGISTRY_FAULTS
from mock_server.settings import Settings
from tests.image_files import picture
from tests.integration.conftest import KARI, OLA, Mock, start_mock

# (method, path) of operations with a JSON body, on the CarOwner API and the controls.
JSON_ROUTES = [
    ("PUT", "/api/co/settings/notifications"),
    ("POST", "/api/co/vehicles"),
    ("PUT", "/api/co/vehicles/BT57225"),
    ("POST", "/api/co/vehicles/set-primary"),
    ("POST", "/__mock/sandboxes"),
    ("PUT", "/__mock/sandbox/registry-faults"),
    ("POST", "/__mock/sandbox/clock"),
]


@pytest.fixture(scope="module", params=[True, False], ids=["direct-path", "connexion-path"])
def both_paths(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    started = start_mock(Settings(direct_path=request.param))
    with started.client:
        yield started.client  # the client alone: hypothesis prints its arguments


@pytest.fixture(scope="module")
def with_planted_faults() -> Iterator[TestClient]:
    every = frozenset({*FAULTS, *REGISTRY_FAULTS})
    started = start_mock(Settings(planted_faults=every, validate_responses=False))
    with started.client:
        yield started.client


def _nested(depth: int, shape: str) -> str:
    """A JSON text exactly `depth` levels deep: arrays, objects, or both in turn, with values on the way."""
    kinds = {"array": ["array"], "object": ["object"], "mixed": ["array", "object"]}[shape]
    levels = [kinds[i % len(kinds)] for i in range(depth)]
    head = "".join('[1,"[{",' if kind == "array" else '{"a}":' for kind in levels)
    tail = "".join("]" if kind == "array" else "}" for kind in reversed(levels))
    return head + "0" + tail


def _assert_problem(answer, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == code
    assert answer.json()["request_id"] == answer.headers["x-request-id"]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    depth=st.integers(MAX_JSON_DEPTH + 1, 5000),
    shape=st.sampled_from(["array", "object", "mixed"]),
    wrapped=st.booleans(),
    route=st.sampled_from(JSON_ROUTES),
    content_type=st.sampled_from(["application/json", "application/json; charset=utf-8", None]),
)
def test_deeply_nested_json_is_refused_with_400(
    both_paths: TestClient,
    depth: int,
    shape: str,
    wrapped: bool,
    route: tuple[str, str],
    content_type: str | None,
) -> None:
    text = _nested(depth, shape)
    body = f'{{"registration_number": {text}}}' if wrapped else text
    headers = {"Authorization": f"Bearer {KARI}"}
    if content_type:
        headers["Content-Type"] = content_type
    answer = both_paths.request(*route, content=body.encode(), headers=headers)
    _assert_problem(answer, 400, "INVALID_JSON")
    assert str(MAX_JSON_DEPTH) in answer.json()["detail"]


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(MAX_JSON_DEPTH + 1, 3000), route=st.sampled_from(JSON_ROUTES))
def test_deeply_nested_json_is_refused_before_any_planted_fault_reads_it(
    with_planted_faults: TestClient, depth: int, route: tuple[str, str]
) -> None:
    # The planted faults' middleware parse bodies themselves; the nesting limit comes before them.
    answer = with_planted_faults.request(
        *route,
        content=_nested(depth, "array").encode(),
        headers={"Authorization": f"Bearer {KARI}", "Content-Type": "application/json"},
    )
    _assert_problem(answer, 400, "INVALID_JSON")


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    depth=st.integers(1, MAX_JSON_DEPTH),
    shape=st.sampled_from(["array", "object", "mixed"]),
    route=st.sampled_from(JSON_ROUTES),
)
def test_json_nested_within_the_limit_is_judged_by_the_route_and_never_a_500(
    both_paths: TestClient, depth: int, shape: str, route: tuple[str, str]
) -> None:
    body = f'{{"registration_number": {_nested(depth, shape)}}}'
    answer = both_paths.request(
        *route,
        content=body.encode(),
        headers={"Authorization": f"Bearer {OLA}", "Content-Type": "application/json"},
    )
    assert answer.status_code < 500, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


def _chunks(body: bytes) -> Iterator[bytes]:
    """An iterator body: httpx sends it with Transfer-Encoding: chunked and no Content-Length."""
    for start in range(0, len(body), 7):
        yield body[start : start + 7]


@pytest.mark.parametrize("direct_path", [True, False], ids=["direct-path", "connexion-path"])
def test_a_chunked_json_body_is_read_like_any_other(direct_path: bool) -> None:
    mock = start_mock(Settings(direct_path=direct_path))
    with mock.client:
        token = mock.new_sandbox()
        body = json.dumps({"registration_number": "CV12345"}).encode()
        linked = mock.post(
            "/api/co/vehicles", token, content=_chunks(body), headers={"Content-Type": "application/json"}
        )
        assert linked.status_code == 201, linked.text
        assert linked.json()["data"]["registration_number"] == "CV12345"
        patch = json.dumps({"message.new": {"email": False}}).encode()
        saved = mock.put(
            "/api/co/settings/notifications",
            token,
            content=_chunks(patch),
            headers={"Content-Type": "application/json"},
        )
        assert saved.status_code == 200, saved.text
        created = mock.client.post(
            "/__mock/sandboxes",
            content=_chunks(b'{"scenario": "one-car"}'),
            headers={"Content-Type": "application/json"},
        )
        assert created.status_code == 201, created.text


def test_a_chunked_multipart_upload_is_read_like_any_other(mock: Mock) -> None:
    png = picture("image/png")
    boundary = "minbil-boundary"
    form = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="car.png"\r\n'
            f"Content-Type: image/png\r\n\r\n"
        ).encode()
        + png
        + f"\r\n--{boundary}--\r\n".encode()
    )
    answer = mock.put(
        "/api/co/vehicles/BT57225",
        content=_chunks(form),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["image_url"]


def test_an_empty_chunked_body_is_refused_like_a_missing_one(mock: Mock) -> None:
    answer = mock.post("/api/co/vehicles", content=iter([b""]), headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"


# --- straight to the ASGI app: a client that goes away, or never finishes ---------------------------


def _asgi_post(path: str, declared: int, sent: bytes, then: str) -> tuple[dict, list[dict]]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "server": ("127.0.0.1", 5000),
        "client": ("127.0.0.1", 50000),
        "headers": [
            (b"host", b"localhost"),
            (b"authorization", f"Bearer {KARI}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(declared).encode()),
        ],
    }
    return scope, [{"type": "http.request", "body": sent, "more_body": True}, {"type": then}]


def _run(app, scope: dict, incoming: list[dict]) -> list[dict]:
    sent: list[dict] = []

    async def receive() -> dict:
        if incoming:
            message = incoming.pop(0)
            if message["type"] == "stall":
                await asyncio.sleep(3600)
            return message
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    async def main() -> None:
        async with asyncio.timeout(20):
            await app(scope, receive, send)

    asyncio.run(main())
    return sent


@pytest.fixture(scope="module")
def quick_timeout_app():
    settings_ = Settings(request_timeout=0.3)
    world, _ = build_seeded_world(settings_)
    return create_app(settings_, world)


@pytest.mark.parametrize("path", ["/api/co/vehicles", "/__mock/sandboxes", "/__mock/sandbox/clock"])
def test_a_client_that_disconnects_mid_body_is_dropped_quietly(
    quick_timeout_app, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A complete JSON value, but less than the Content-Length promised, then the client is gone.
    scope, incoming = _asgi_post(
        path, declared=80, sent=b'{"registration_number": "CV12345"}', then="http.disconnect"
    )
    with caplog.at_level(logging.WARNING):
        sent = _run(quick_timeout_app, scope, incoming)
    assert sent == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_body_that_stops_arriving_gets_408_and_the_connection_closed(quick_timeout_app) -> None:
    scope, incoming = _asgi_post("/api/co/vehicles", declared=80, sent=b'{"registration', then="stall")
    sent = _run(quick_timeout_app, scope, incoming)
    start = sent[0]
    headers = dict(start["headers"])
    assert start["status"] == 408
    assert headers[b"content-type"] == b"application/problem+json" and headers[b"connection"] == b"close"
    assert json.loads(sent[1]["body"])["code"] == "REQUEST_TIMEOUT"
    assert headers[b"x-request-id"]


def test_an_exception_outside_connexion_becomes_a_problem_500_with_the_request_id(
    mock: Mock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Fault injection decides outside Connexion's exception handling, before any answer: make it fail.
    def broken(*_args, **_kwargs):
        raise RuntimeError("the injector broke")

    monkeypatch.setattr(mock.world.injector, "decide", broken)
    with caplog.at_level(logging.ERROR):
        answer = mock.post(
            "/__mock/sandbox/faults", json={"rule": "GET /api/co/vehicles: delay=1ms"}
        )  # a rule of her own, so the injector is asked
        answer = mock.get("/api/co/vehicles")
    _assert_problem(answer, 500, "INTERNAL_ERROR")
    assert any(r.exc_info and "the injector broke" in str(r.exc_info[1]) for r in caplog.records)
