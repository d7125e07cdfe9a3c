"""Navixy calls over any httpx.Client: POST with a JSON body, or GET with Navixy's query encoding."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from ...exchange import Exchange
from ...failures import expect

# Navixy's documented HTTP status of a code (400 unless listed).
HTTP_STATUS = {1: 500, 6: 500, 8: 503, 11: 403, 14: 503, 15: 429, 208: 403}


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    exchange: Exchange

    @property
    def ok(self) -> bool:
        return self.status == 200 and isinstance(self.body, dict) and self.body.get("success") is True

    @property
    def code(self) -> int | None:
        if isinstance(self.body, dict) and isinstance(self.body.get("status"), dict):
            return self.body["status"].get("code")
        return None


@dataclass
class NavixyClient:
    http: httpx.Client
    hash: str | None
    base_path: str = "/v2"

    def call(self, action: str, *, method: str = "POST", hash: Any = ..., **params: Any) -> Answer:
        chosen = self.hash if hash is ... else hash
        values = {**({"hash": chosen} if chosen is not None else {}), **params}
        url = f"{self.base_path}/{action}"
        if method == "GET":
            query = {
                k: json.dumps(v) if isinstance(v, (dict, list, bool)) else str(v) for k, v in values.items()
            }
            response = self.http.get(url, params=query)
            sent = None
        else:
            sent = json.dumps(values, ensure_ascii=False).encode()
            response = self.http.post(url, content=sent, headers={"Content-Type": "application/json"})
        exchange = Exchange(
            method=method,
            url=str(response.request.url),
            request_body=sent,
            status=response.status_code,
            response_headers=tuple(response.headers.items()),
            response_body=response.content,
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        return Answer(response.status_code, body, exchange)


def expect_refusal(answer: Answer, code: int, rule_id: str, what: str) -> None:
    """The answer refuses with `code` (under `rule_id`), in the envelope at its documented status."""
    expect(
        answer.code == code, rule_id, f"{what}: expected code {code}, got {answer.body!r}", answer.exchange
    )
    body = answer.body
    shaped = body.get("success") is False and isinstance(body["status"].get("description"), str)
    status = HTTP_STATUS.get(code, 400)
    expect(
        shaped and answer.status == status,
        "navixy.error-envelope",
        f"{what}: code {code} should come with HTTP {status} and success false, got HTTP {answer.status}",
        answer.exchange,
    )
