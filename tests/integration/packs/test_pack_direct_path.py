"""The fleet APIs on the direct path answer exactly as through Connexion, and are served directly
when Connexion would accept the request.

Two mocks from the same seed, one with the direct path and one without, are sent the same
generated sequences of Trimble and Navixy requests (valid, invalid, unauthenticated, malformed,
in every form a client may send them); every answer — status, headers, body — must be the same.
Only what differs between any two runs (request ids, times) is masked.
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
from mock_server.packs.navixy import api as navixy
from mock_server.settings import Settings

FLEET = "demo-fleet"
TRIMBLE = "/api/assets/v1/vehicles"
AUTHORIZATION = st.sampled_from(
    [f"Bearer {FLEET}", f"bearer {FLEET}", "Bearer demo-kari", "Bearer nobody", "Basic eDp5", "Bearer", None]
)
TRIMBLE_QUERY = {
    "offset": ["0", "2", "11", "12", "-1", "x", "+1", "1000001"],
    "limit": ["1", "5", "10", "100", "0", "101", " 3"],
    "sortExpression": ["vehicleId", "vehicleName", "name", ""],
    "sortDirection": ["ASC", "DESC", "asc"],
    "vehicleId": ["TRIMBLE-1", "NO-SUCH-ID", "bad/id", ""],
    "unknown": ["1"],
}
TRIMBLE_BODIES = [
    [{"vehicleId": "TRIMBLE-1", "Name": "Lastebil 1"}],
    [{"vehicleId": "TRIMBLE-2", "Name": "Lastebil 2"}, {"vehicleId": "TRIMBLE-1", "Name": "Lastebil 1"}],
    [{"vehicleId": "TRIMBLE-1", "Name": "Omdøpt"}],
    [{"vehicleId": "TRIMBLE-1"}],
    [],
    {"vehicleId": "TRIMBLE-1", "Name": "x"},
    None,
]
RAW_BODIES = [b"", b"[{broken", b"\xff\xfe[]", b"null"]
CONTENT_TYPES = ["application/json", "application/json", "application/json; charset=utf-8", "text/plain"]
FLEET_HASH = navixy.session_hash(FLEET)
NAVIXY_HASHES = [FLEET_HASH, FLEET_HASH, navixy.sub_user_hash(FLEET), "0" * 32, "not-a-hash", None]
NAVIXY_ACTIONS = ["vehicle/list", "vehicle/read", "vehicle/create", "vehicle/update", "vehicle/delete"]
NAVIXY_PARAMS = {
    "vehicle/list": [{}, {"limit": 3, "offset": 1}, {"sort": ["label=desc"]}, {"limit": 0}, {"filter": "ZT"}],
    "vehicle/read": [{"vehicle_id": 101}, {"vehicle_id": 999}, {"vehicle_id": "x"}, {}],
    "vehicle/create": [
        {"vehicle": {"label": "Lastebil 9", "model": "Volvo FH", "type": "truck", "reg_number": "ZT 1"}},
        {"vehicle": {"label": ""}},
        {},
    ],
    "vehicle/update": [{"vehicle": {"id": 102, "label": "Varebil 2"}}, {"vehicle": {"id": 999}}],
    "vehicle/delete": [{"vehicle_id": 104}, {"vehicle_ids": [105, 999]}, {}],
}
_VOLATILE = [
    (re.compile(rb'"request_id": ?"[^"]*"'), b'"request_id":"-"'),
    (re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?"), b"<time>"),
]


@st.composite
def trimble_requests(draw: st.DrawFn) -> dict[str, t.Any]:
    method = draw(st.sampled_from(["GET", "GET", "POST", "PUT", "DELETE"]))
    headers: dict[str, str] = {}
    authorization = draw(AUTHORIZATION)
    if authorization is not None:
        headers["Authorization"] = authorization
    names = draw(st.lists(st.sampled_from(sorted(TRIMBLE_QUERY)), max_size=3))
    if method == "DELETE" and draw(st.booleans()):
        names.append("vehicleId")
    query = [(name, draw(st.sampled_from(TRIMBLE_QUERY[name]))) for name in names]
    request: dict[str, t.Any] = {"method": method, "url": TRIMBLE, "headers": headers}
    if method in ("POST", "PUT"):
        if draw(st.integers(0, 4)):
            request["content"] = json.dumps(draw(st.sampled_from(TRIMBLE_BODIES))).encode()
        else:
            request["content"] = draw(st.sampled_from(RAW_BODIES))
        headers["Content-Type"] = draw(st.sampled_from(CONTENT_TYPES))
    if draw(st.integers(0, 9)) == 0:
        headers["Prefer"] = "code=400"
    if query:
        request["url"] += "?" + urlencode(query)
    return request


@st.composite
def navixy_requests(draw: st.DrawFn) -> dict[str, t.Any]:
    action = draw(st.sampled_from(NAVIXY_ACTIONS))
    params: dict[str, t.Any] = dict(draw(st.sampled_from(NAVIXY_PARAMS[action])))
    hash_ = draw(st.sampled_from(NAVIXY_HASHES))
    if hash_ is not None:
        params["hash"] = hash_
    url = f"/v2/{action}"
    headers: dict[str, str] = {}
    request: dict[str, t.Any] = {"url": url, "headers": headers}
    form = draw(st.sampled_from(["post", "post", "get", "post-query", "post-text", "get-body"]))
    if form in ("get", "post-query"):
        query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        request["url"] += "?" + urlencode(query)
        request["method"] = "GET" if form == "get" else "POST"
        if form == "post-query" and draw(st.booleans()):
            headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        request["method"] = "GET" if form == "get-body" else "POST"
        request["content"] = json.dumps(params).encode() if draw(st.integers(0, 5)) else b"{broken"
        headers["Content-Type"] = (
            "text/plain" if form == "post-text" else draw(st.sampled_from(CONTENT_TYPES))
        )
    return request


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
    settings_ = Settings(direct_path=direct)
    world, _ = build_seeded_world(settings_)
    return TestClient(create_app(settings_, world), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def twins() -> Iterator[tuple[TestClient, TestClient]]:
    with _mock(direct=True) as direct, _mock(direct=False) as connexion:
        yield direct, connexion


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(st.one_of(trimble_requests(), navixy_requests()), min_size=1, max_size=6))
def test_every_fleet_answer_equals_connexions(
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


BEARER = {"Authorization": f"Bearer {FLEET}"}


@pytest.mark.parametrize(
    ("method", "url", "headers", "body"),
    [
        ("GET", f"{TRIMBLE}?offset=0&limit=10&sortExpression=vehicleName&sortDirection=ASC", BEARER, None),
        ("GET", TRIMBLE, BEARER, None),
        ("POST", TRIMBLE, BEARER, [{"vehicleId": "TRIMBLE-9", "Name": "Lastebil 9"}]),
        ("PUT", TRIMBLE, BEARER, [{"vehicleId": "TRIMBLE-9", "Name": "Lastebil 10"}]),
        ("DELETE", f"{TRIMBLE}?vehicleId=NO-SUCH-ID", BEARER, None),
        ("POST", f"/v2/vehicle/list?hash={FLEET_HASH}", {}, {"limit": 10, "offset": 0}),
        ("POST", "/v2/vehicle/read", {}, {"hash": FLEET_HASH, "vehicle_id": 101}),
        ("POST", "/v2/vehicle/read", {}, {"hash": "0" * 32, "vehicle_id": 101}),  # refused in the envelope
        ("GET", f"/v2/vehicle/list?hash={FLEET_HASH}&limit=2", {}, None),
    ],
)
def test_fleet_requests_in_plain_form_are_served_directly(
    method: str, url: str, headers: dict[str, str], body: t.Any
) -> None:
    settings_ = Settings()
    world, _ = build_seeded_world(settings_)
    app = create_app(settings_, world)
    refuses = _Refuses()
    with TestClient(app) as client:
        (direct,) = [
            layer for layer in app.middleware.middleware_stack if isinstance(layer, DirectPathMiddleware)
        ]
        direct.app = refuses
        response = client.request(method, url, headers=headers, json=body)
    assert response.status_code in (200, 400, 404), response.text
    assert refuses.calls == 0
