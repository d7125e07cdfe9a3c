"""PreparedAsyncApp binds the same arguments and gives the same answers as Connexion's AsyncApp."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest
from connexion import AsyncApp
from connexion.resolver import Resolver
from connexion.security import BearerSecurityHandler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

import mock_server.fast_app as fast_app
from mock_server.fast_app import PreparedAsyncApp

SPEC = """
openapi: 3.0.3
info: {title: echo, version: "1"}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
security: [{bearerAuth: []}]
paths:
  /items/{item_id}:
    get:
      operationId: getItem
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: integer}}
        - {name: limit, in: query, schema: {type: integer, default: 10, minimum: 1}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: flag, in: query, schema: {type: boolean}}
        - {name: sortOrder, in: query, schema: {type: string, enum: [asc, desc]}}
        - {name: day, in: query, schema: {type: string, format: date, nullable: true}}
      responses:
        "200": {description: echo, content: {application/json: {schema: {type: object}}}}
  /items:
    post:
      operationId: createItem
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {name: {type: string}}, additionalProperties: false}
      responses:
        "201": {description: echo, content: {application/json: {schema: {type: object}}}}
"""


async def getItem(**kwargs: t.Any) -> dict[str, t.Any]:  # named by the spec's operationId
    return {"kwargs": {k: v for k, v in sorted(kwargs.items()) if k != "token_info"}}


async def createItem(body: dict[str, t.Any], user: str) -> tuple[dict[str, t.Any], int]:
    return {"body": body, "user": user}, 201


class Bearer(BearerSecurityHandler):
    def _resolve_func(self, security_scheme: dict[str, t.Any]) -> t.Callable[..., t.Any]:
        def token_info(token: str, required_scopes: list[str] | None = None) -> dict[str, t.Any] | None:
            return {"sub": token, "scopes": required_scopes} if token.startswith("ok") else None

        return token_info


def _client(app_cls: type[AsyncApp], spec_dir: Path) -> TestClient:
    app = app_cls(__name__, security_map={"bearer": Bearer})
    operations = {"getItem": getItem, "createItem": createItem}
    app.add_api(
        spec_dir / "echo.yaml",
        resolver=Resolver(function_resolver=operations.__getitem__),
        strict_validation=True,
        validate_responses=True,
    )
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, TestClient]:
    spec_dir = tmp_path_factory.mktemp("spec")
    (spec_dir / "echo.yaml").write_text(SPEC)
    return _client(AsyncApp, spec_dir), _client(PreparedAsyncApp, spec_dir)


def _answer(client: TestClient, method: str, url: str, **kwargs: t.Any) -> tuple[int, t.Any]:
    response = client.request(method, url, **kwargs)
    try:
        return response.status_code, response.json()
    except json.JSONDecodeError:
        return response.status_code, response.text


QUERY_VALUES = st.sampled_from(
    ["", "1", "0", "-3", "25", "x", "true", "false", "asc", "desc", "2024-01-01", "null"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    item_id=st.sampled_from(["1", "42", "x"]),
    query=st.lists(
        st.tuples(st.sampled_from(["limit", "tags", "flag", "sortOrder", "day", "extra"]), QUERY_VALUES),
        max_size=4,
    ),
    token=st.sampled_from(["ok-1", "bad", None]),
    content_type=st.sampled_from([None, "application/json", "text/plain"]),
)
def test_get_answers_equal_stock_connexions(
    clients: tuple[TestClient, TestClient],
    item_id: str,
    query: list[tuple[str, str]],
    token: str | None,
    content_type: str | None,
) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if content_type:
        headers["Content-Type"] = content_type
    stock, prepared = (_answer(c, "GET", f"/items/{item_id}", params=query, headers=headers) for c in clients)
    assert prepared == stock


@pytest.mark.parametrize(
    "body", [b'{"name": "Golf"}', b'{"name": 3}', b'{"colour": "Bl\xc3\xa5"}', b"{broken", b""]
)
def test_post_answers_equal_stock_connexions(clients: tuple[TestClient, TestClient], body: bytes) -> None:
    headers = {"Authorization": "Bearer ok-2", "Content-Type": "application/json"}
    stock, prepared = (_answer(c, "POST", "/items", content=body, headers=headers) for c in clients)
    assert prepared == stock


def test_operations_are_prepared_once_not_per_request(
    clients: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    upstream = fast_app.inspect_function_arguments

    def counting(function: t.Callable[..., t.Any]) -> t.Any:
        calls.append(function.__name__)
        return upstream(function)

    monkeypatch.setattr(fast_app, "inspect_function_arguments", counting)
    _, prepared = clients
    for _ in range(3):
        assert prepared.get("/items/7", headers={"Authorization": "Bearer ok-3"}).status_code == 200
    assert calls.count("getItem") <= 1  # at most on the first request ever served
