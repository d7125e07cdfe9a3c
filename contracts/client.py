"""A thin recording client: every request is kept as an Exchange, and every CarOwner response is held
to the two invariants that hold for all of them (request id header, timezone-aware timestamps)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .exchange import Exchange
from .failures import RuleViolation, expect

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_OFFSET = re.compile(r"(Z|z|[+-]\d{2}:?\d{2})$")
_UNSET: Any = object()


@dataclass(frozen=True)
class ApiResponse:
    status: int
    headers: httpx.Headers
    body: bytes
    exchange: Exchange

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise RuleViolation(
                "conformance.content-type", f"expected a JSON body, got: {error}", [self.exchange]
            ) from error

    @property
    def data(self) -> Any:
        body = self.json()
        expect(
            isinstance(body, dict) and "data" in body,
            "conformance.response-schema",
            "expected the {data, meta} envelope",
            self.exchange,
        )
        return body["data"]

    @property
    def meta(self) -> dict[str, Any]:
        body = self.json()
        expect(
            isinstance(body, dict) and isinstance(body.get("meta"), dict),
            "conformance.response-schema",
            "expected the {data, meta} envelope",
            self.exchange,
        )
        return body["meta"]

    @property
    def problem_code(self) -> str | None:
        if self.content_type not in ("application/problem+json", "application/json"):
            return None
        try:
            body = json.loads(self.body)
        except ValueError:
            return None
        return body.get("code") if isinstance(body, dict) else None


class ApiClient:
    """Requests as one caller (one token, or none). Shares its journal with clients derived from it."""

    def __init__(
        self,
        http: httpx.Client,
        token: str | None,
        *,
        journal: list[Exchange] | None = None,
        check_invariants: bool = True,
    ) -> None:
        self.http = http
        self.token = token
        self.journal: list[Exchange] = journal if journal is not None else []
        self.check_invariants = check_invariants

    def as_token(self, token: str | None) -> ApiClient:
        return ApiClient(self.http, token, journal=self.journal, check_invariants=self.check_invariants)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = _UNSET,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> ApiResponse:
        all_headers = {"Accept": "application/json, application/problem+json, text/csv"}
        if self.token is not None:
            all_headers["Authorization"] = f"Bearer {self.token}"
        all_headers.update(headers or {})
        if json_body is not _UNSET:
            content = json.dumps(json_body, ensure_ascii=False).encode()
            all_headers.setdefault("Content-Type", "application/json")
        request = self.http.build_request(method, path, params=params, headers=all_headers, content=content)
        response = self.http.send(request)
        exchange = Exchange(
            method=method,
            url=str(request.url),
            request_headers=tuple((k, v) for k, v in request.headers.items() if k.lower() in _KEPT_HEADERS),
            request_body=content,
            status=response.status_code,
            response_headers=tuple(response.headers.items()),
            response_body=response.content,
        )
        self.journal.append(exchange)
        result = ApiResponse(response.status_code, response.headers, response.content, exchange)
        if self.check_invariants:
            check_transport_invariants(result)
        return result

    def get(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("DELETE", path, **kwargs)


_KEPT_HEADERS = frozenset({"authorization", "content-type", "svv-authorization", "accept"})


def check_transport_invariants(response: ApiResponse) -> None:
    """X-Request-ID on every response, equal to the body's request id; timestamps carry an offset."""
    request_id = response.headers.get("x-request-id")
    expect(
        bool(request_id),
        "conformance.request-id",
        "the response has no X-Request-ID header",
        response.exchange,
    )
    if response.content_type not in ("application/json", "application/problem+json"):
        return
    try:
        body = json.loads(response.body)
    except ValueError:
        return  # content-type problems are the conformance suite's business
    body_id = _body_request_id(body)
    expect(
        body_id is None or body_id == request_id,
        "conformance.request-id",
        f"X-Request-ID {request_id!r} differs from the body's request id {body_id!r}",
        response.exchange,
    )
    for path, value in _strings(body, "$"):
        if _TIMESTAMP.match(value):
            expect(
                bool(_OFFSET.search(value)),
                "conformance.timezone-aware",
                f"{path} = {value!r} has no timezone offset",
                response.exchange,
            )


def _body_request_id(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    meta = body.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("request_id"), str):
        return meta["request_id"]
    value = body.get("request_id")
    return value if isinstance(value, str) else None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")
