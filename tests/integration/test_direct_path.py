"""The direct path answers exactly as Connexion does, and serves the requests Connexion would accept.

Two mocks from the same seed, one with the direct path and one without, are sent the same
generated sequences of requests (valid, invalid, unauthenticated, malformed) to every CarOwner
operation; every answer — status, headers, body — must be the same. Only what differs between
any two runs (request ids, timestamps) is masked.
"""

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mock_server.app import create_app
from mock_server.direct import DirectPathMiddleware
from mock_server.packs.carowner.seeding import build_seeded_world
from mock_server.settings import Settings

SECRET = b"direct-path-test-secret-32-bytes"
TOKENS = ["demo-kari", "demo-ola", "nobody", None]
AUTHORIZATION = st.one_of(
    st.sampled_from(TOKENS).map(lambda token: f"Bearer {token}" if token else None),
    st.sampled_from(
        ["Bearer", "Basic ZGVtbzpkZW1v", "bearer demo-kari", "Bearer  demo-kari", "Bearer demo-kari "]
    ),
)
PLATES = ["BT57225", "EL42817", "KH60518", "bt 57225", "AB12345", "X", "ÆØ12345", "set-primary", "%20"]
INTEGERS = ["1", "2", "20", "100", "101", "0", "-1", "+3", " 4", "1_0", "x", "", "٣", "99999999999999999999"]
DATES = ["2023-01-01", "2030-12-31", "2023-13-01", "20230101", ""]
ORG_NRS = ["923609016", "923609017", "12345", ""]
QUERY_VALUES = {
    "registration_number": PLATES,
    "reg": PLATES,
    "page": INTEGERS,
    "page_size": INTEGERS,
    "limit": INTEGERS,
    "workshop_org_nr": ORG_NRS,
    "date_from": DATES,
    "date_to": DATES,
    "token": ["x", ""],
    "unknown": ["1"],
}
GET_PATHS = [
    "/api/co/vehicles",
    "/api/co/realtime/config",
    "/api/co/service-log/export-token",
    "/api/co/service-log/latest",
    "/api/co/service-log/list",
    "/api/co/service-log/summary",
    "/api/co/service-log/vehicle-history/latest",
    "/api/co/service-log/vehicle-history/list",
]
ID_VALUES = ["1001", "1002", "1", "0", "x", "01001", "+1001"]
NOTIFICATION_BODIES = [
    {"message.new": {"email": False, "push": True}},
    {"booking.confirmed": {"push": False}},
    {},
    {"message.new": {"sms": True}},
    {"message.new": {"push": "yes"}},
    [],
    None,
]
RAW_BODIES = [b"", b"{broken", b'{"message.new": {"email": tr', b"\xff\xfe{}", b"\xef\xbb\xbf{}", b"null"]


def _query() -> st.SearchStrategy[list[tuple[str, str]]]:
    pair = st.sampled_from(sorted(QUERY_VALUES)).flatmap(
        lambda name: st.tuples(st.just(name), st.sampled_from(QUERY_VALUES[name]))
    )
    return st.lists(pair, max_size=4)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, t.Any]:
    """One request to a CarOwner operation, valid or not, as keyword arguments for the test client."""
    kind = draw(st.sampled_from(["get", "get", "get", "messages", "delete", "refresh", "json", "json"]))
    headers: dict[str, str] = {}
    authorization = draw(AUTHORIZATION)
    if authorization is not None:
        headers["Authorization"] = authorization
    if draw(st.integers(0, 9)) == 0:
        headers["Prefer"] = draw(st.sampled_from(["code=404", "code=999", "example=x"]))
    request: dict[str, t.Any] = {"method": "GET", "headers": headers}
    query = draw(_query())
    if kind == "get":
        request["url"] = draw(st.sampled_from(GET_PATHS))
    elif kind == "messages":
        request["url"] = f"/api/co/service-log/messages/{draw(st.sampled_from(ID_VALUES))}"
    elif kind == "delete":
        request["method"], request["url"] = "DELETE", "/api/co/vehicles"
    elif kind == "refresh":
        request["method"] = "POST"
        request["url"] = f"/api/co/vehicles/refresh/{draw(st.sampled_from(PLATES))}"
    else:
        request["method"], request["url"] = draw(
            st.sampled_from(
                [("PUT", "/api/co/settings/notifications"), ("POST", "/api/co/vehicles/set-primary")]
            )
        )
        if draw(st.booleans()):
            body = draw(
                st.sampled_from([*NOTIFICATION_BODIES, *({"registration_number": p} for p in PLATES[:5])])
            )
            request["content"] = json.dumps(body).encode()
        else:
            request["content"] = draw(st.sampled_from(RAW_BODIES))
        headers["Content-Type"] = draw(
            st.sampled_from(
                ["application/json", "application/json", "application/json; charset=utf-8", "text/plain"]
            )
        )
    if kind != "get" and draw(st.integers(0, 4)) == 0:
        headers["Content-Type"] = "application/json"
    if query:
        request["url"] += "?" + urlencode(query)
    return request


_VOLATILE = [
    (re.compile(rb'"request_id": ?"[^"]*"'), b'"request_id":"-"'),
    (re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"), b"<time>"),
    (re.compile(rb"token=[A-Za-z0-9._~%-]+"), b"token=<token>"),
    (re.compile(rb'"token": ?"[^"]*"'), b'"token":"-"'),
]


def _answer(client: TestClient, request: dict[str, t.Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    response = client.request(**request)
    body = response.content
    for pattern, replacement in _VOLATILE:
        body = pattern.sub(replacement, body)
    headers = sorted(
        (key, "-" if key in ("x-request-id", "content-length") else value)
        for key, value in response.headers.items()
        if key != "date"
    )
    return response.status_code, headers, body


def _mock(direct: bool) -> TestClient:
    settings_ = Settings(direct_path=direct, export_secret=SECRET)
    world, _ = build_seeded_world(settings_)
    return TestClient(create_app(settings_, world), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def twins() -> Iterator[tuple[TestClient, TestClient]]:
    with _mock(direct=True) as direct, _mock(direct=False) as connexion:
        yield direct, connexion


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(requests(), min_size=1, max_size=6))
def test_every_answer_equals_connexions(
    twins: tuple[TestClient, TestClient], sequence: list[dict[str, t.Any]]
) -> None:
    direct, connexion = twins
    for request in sequence:
        assert _answer(direct, request) == _answer(connexion, request), request


class _Refuses:
    """An inner app that fails the test: the direct path was expected to answer by itself."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        self.calls += 1
        raise AssertionError(f"handed to Connexion: {scope['method']} {scope['path']}")


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/api/co/vehicles", None),
        ("GET", "/api/co/vehicles?registration_number=BT57225", None),
        ("GET", "/api/co/vehicles?reg=bt%2057225", None),
        ("GET", "/api/co/service-log/list", None),
        ("GET", "/api/co/service-log/list?page=2&page_size=5", None),
        ("GET", "/api/co/service-log/latest?limit=3&registration_number=EL42817", None),
        ("GET", "/api/co/service-log/summary", None),
        ("GET", "/api/co/service-log/messages/1001", None),
        ("GET", "/api/co/realtime/config", None),
        ("PUT", "/api/co/settings/notifications", {"message.new": {"email": False}}),
        ("POST", "/api/co/vehicles/set-primary", {"registration_number": "EL42817"}),
    ],
)
def test_requests_connexion_would_accept_are_served_directly(method: str, url: str, body: t.Any) -> None:
    settings_ = Settings(export_secret=SECRET)
    world, _ = build_seeded_world(settings_)
    app = create_app(settings_, world)
    refuses = _Refuses()
    with TestClient(app) as client:
        _swap_inner_app(app, refuses)
        headers = {"Authorization": "Bearer demo-kari"}
        response = client.request(method, url, headers=headers, json=body)
    assert response.status_code in (200, 201), response.text
    assert refuses.calls == 0


def _swap_inner_app(app: t.Any, inner: t.Any) -> None:
    """Point the direct path's fallback at `inner` in the running middleware stack."""
    (direct,) = [
        layer for layer in app.middleware.middleware_stack if isinstance(layer, DirectPathMiddleware)
    ]
    direct.app = inner
