"""The registry fake's planted faults (`--plant-fault NAME`): each a plausible bug of the registry's
own answers at enkeltoppslag, that one rule of the contract suite's registry checks must catch.
Nothing here runs unless one of them is switched on (`RegistryFaultMiddleware`, the pack's own
middleware)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...asgi_tools import rewriting
from .api import ENKELTOPPSLAG_PATH

FAULTS: dict[str, str] = {
    "registry-null-fields": "the registry fake sends null instead of omitting a field",
    "registry-both-params-accepted": (
        "the registry fake answers a lookup with both kjennemerke and understellsnummer"
    ),
    "registry-accepts-any-key": "the registry fake serves requests with a missing or unknown API key",
    "registry-unknown-plate-empty-list": "an unknown vehicle answers an empty kjoretoydataListe",
    "registry-plate-without-space": "the registry fake writes plates without the space",
    "registry-naive-timestamps": "the registry fake's timestamps lose their offset",
    "registry-numbers-as-strings": "the registry fake writes numbers as strings",
    "registry-vin-lookup-not-found": "a lookup by understellsnummer drops its last character",
}

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")

Query = list[tuple[str, str]]


# ------------------------------------------------------------------ request rewrites: query -> query
def _both_params_accepted(query: Query) -> Query:
    if {"kjennemerke", "understellsnummer"} <= {k for k, _ in query}:
        return [(k, v) for k, v in query if k != "understellsnummer"]  # the plate silently wins
    return query


def _vin_lookup_misses(query: Query) -> Query:
    if {k for k, _ in query} == {"understellsnummer"}:
        return [(k, v[:-1]) for k, v in query]  # the 17th character is cut off
    return query


# ----------------------------------------------------------- response rewrites: parsed body -> body
def _empty_list(body: Any) -> Any:
    if body == {"feilmelding": "OPPLYSNINGER_IKKE_TILGJENGELIGE"}:
        return {"kjoretoydataListe": []}
    return body


def _walk_strings(value: Any, change: Callable[[str, str], Any]) -> Any:
    if isinstance(value, dict):
        return {
            key: change(key, item) if isinstance(item, str) else _walk_strings(item, change)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_walk_strings(item, change) for item in value]
    return value


def _plates_unspaced(body: Any) -> Any:
    return _walk_strings(body, lambda key, text: text.replace(" ", "") if key == "kjennemerke" else text)


def _naive(body: Any) -> Any:
    return _walk_strings(body, lambda key, text: _OFFSET.sub("", text) if _TIMESTAMP.match(text) else text)


def _numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _numbers_as_strings(body: Any) -> Any:
    return _numbers(body) if isinstance(body, dict) and "kjoretoydataListe" in body else body


def _null_field(body: Any) -> Any:
    for record in body.get("kjoretoydataListe", []) if isinstance(body, dict) else []:
        record.setdefault("registrering", {})["tilTidspunkt"] = None
    return body


QUERY_REWRITES: dict[str, Callable[[Query], Query]] = {
    "registry-both-params-accepted": _both_params_accepted,
    "registry-vin-lookup-not-found": _vin_lookup_misses,
}
RESPONSE_REWRITES: dict[str, Callable[[Any], Any]] = {
    "registry-unknown-plate-empty-list": _empty_list,
    "registry-plate-without-space": _plates_unspaced,
    "registry-naive-timestamps": _naive,
    "registry-numbers-as-strings": _numbers_as_strings,
    "registry-null-fields": _null_field,
}
assert set(FAULTS) == {*QUERY_REWRITES, *RESPONSE_REWRITES, "registry-accepts-any-key"}


class RegistryFaultMiddleware:
    """Applies the switched-on registry faults to every exchange at enkeltoppslag: the request's
    query and API key before the fake sees them, its JSON answer after it answered."""

    def __init__(self, app: ASGIApp, faults: frozenset[str], api_key: str) -> None:
        self.app = app
        self.any_key = "registry-accepts-any-key" in faults
        self.api_key = api_key
        self.queries = [rewrite for name, rewrite in QUERY_REWRITES.items() if name in faults]
        self.responses = [rewrite for name, rewrite in RESPONSE_REWRITES.items() if name in faults]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != ENKELTOPPSLAG_PATH:
            await self.app(scope, receive, send)
            return
        if self.queries:
            asked = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            query = asked
            for rewrite in self.queries:
                query = rewrite(query)
            if query != asked:
                scope = {**scope, "query_string": urlencode(query).encode("latin-1")}
        if self.any_key:
            key = (b"svv-authorization", f"Apikey {self.api_key}".encode("latin-1"))
            scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != key[0]] + [key]}
        await self.app(scope, receive, self._rewritten(send) if self.responses else send)

    def _rewritten(self, send: Send) -> Send:
        def change(start: Message, raw: bytes) -> tuple[Message, bytes]:
            try:
                body = json.loads(raw)
            except ValueError:
                return start, raw
            for rewrite in self.responses:
                body = rewrite(body)
            return start, json.dumps(body, ensure_ascii=False).encode()

        return rewriting(send, change)
