"""Faults on the wire, declared one by one: a request rewrite (query, headers or body) before the mock
sees it, or a response rewrite (status, headers, JSON body) after it answered. Each emulates one
plausible backend bug; nothing here runs unless its fault is switched on."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ....asgi_tools import rewriting
from ....store.sandbox import SandboxRegistry
from ..domain.models import NOTIFICATION_CHANNELS
from ..state import owner_state
from .wire import (
    SETTINGS_PATH,
    VEHICLES_PATH,
    _header,
    _read_body,
    _replay,
    _with_header,
    preference_patch,
)

SERVICE_LOG = "/api/co/service-log/"
LOG_FILTERED = {f"{SERVICE_LOG}{name}" for name in ("list", "latest", "summary", "export-token")}
PAGED = {f"{SERVICE_LOG}list", f"{SERVICE_LOG}vehicle-history/list"}
LATEST = {f"{SERVICE_LOG}latest", f"{SERVICE_LOG}vehicle-history/latest"}
HISTORY = {f"{SERVICE_LOG}vehicle-history/list", f"{SERVICE_LOG}vehicle-history/latest"}
REALTIME_PATH = "/api/co/realtime/config"
EXPORT_TOKEN = f"{SERVICE_LOG}export-token"
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)

Query = list[tuple[str, str]]


@dataclass
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: Any  # parsed JSON, or None when the body is not JSON

    def header(self, name: bytes) -> str | None:
        return next((v.decode("latin-1") for k, v in self.headers if k == name), None)

    def set_header(self, name: bytes, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k != name] + [(name, value.encode("latin-1"))]


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _param(query: Query, name: str) -> str | None:
    return next((value for key, value in query if key == name), None)


def _set(query: Query, name: str, value: str) -> Query:
    return [(k, value if k == name else v) for k, v in query]


def _check_digit(first_eight: str) -> int | None:
    check = 11 - sum(int(d) * w for d, w in zip(first_eight, _WEIGHTS, strict=True)) % 11
    return None if check == 10 else check % 11


# ---------------------------------------------------------------- request rewrites (path, query) -> query
def _aliases_accepted(path: str, query: Query) -> Query:
    if path == VEHICLES_PATH and {"reg", "registration_number"} <= {k for k, _ in query}:
        return [(k, v) for k, v in query if k != "reg"]  # registration_number silently wins
    return query


def _reversed_range_accepted(path: str, query: Query) -> Query:
    start, end = _param(query, "date_from"), _param(query, "date_to")
    if path in LOG_FILTERED and start and end and start > end:
        return _set(_set(query, "date_from", end), "date_to", start)  # "helpfully" swapped
    return query


def _bad_check_digit_accepted(path: str, query: Query) -> Query:
    number = _param(query, "workshop_org_nr")
    if path.startswith(SERVICE_LOG) and number and re.fullmatch(r"\d{9}", number):
        check = _check_digit(number[:8])
        if check is not None:  # only the length is validated: the digit is taken as it should be
            return _set(query, "workshop_org_nr", f"{number[:8]}{check}")
    return query


def _page_size_clamped(path: str, query: Query) -> Query:
    size = _int(_param(query, "page_size"))
    if path in PAGED and size is not None and size > 100:
        return _set(query, "page_size", "100")
    return query


def _limit_clamped(path: str, query: Query) -> Query:
    limit = _int(_param(query, "limit"))
    if path in LATEST and limit is not None and limit > 100:
        return _set(query, "limit", "100")
    return query


def _raw_plate_filter(path: str, query: Query) -> Query:
    plate = _param(query, "registration_number")
    if path in LOG_FILTERED and plate and plate != plate.upper().replace(" ", "").replace("-", ""):
        # The filter compares the text as typed with the stored, normalised plates: nothing matches.
        return _set(query, "registration_number", "ZZ99999")
    return query


QUERY_REWRITES: dict[str, Callable[[str, Query], Query]] = {
    "conflicting-aliases-accepted": _aliases_accepted,
    "accepts-reversed-date-range": _reversed_range_accepted,
    "accepts-bad-org-nr-checksum": _bad_check_digit_accepted,
    "page-size-over-100-accepted": _page_size_clamped,
    "limit-over-100-accepted": _limit_clamped,
    "filter-skips-plate-normalisation": _raw_plate_filter,
}


# ---------------------------------------------------------------- response rewrites (scope, answer)
def _is(scope: Scope, method: str, paths: str | set[str]) -> bool:
    wanted = {paths} if isinstance(paths, str) else paths
    return scope["method"] == method and scope["path"] in wanted


def _data(answer: Answer) -> Any:
    return answer.body.get("data") if isinstance(answer.body, dict) else None


def _meta(answer: Answer) -> dict[str, Any]:
    meta = answer.body.get("meta") if isinstance(answer.body, dict) else None
    return meta if isinstance(meta, dict) else {}


def _unlinked_false(scope: Scope, answer: Answer) -> None:
    if _is(scope, "DELETE", VEHICLES_PATH) and answer.status == 200 and isinstance(_data(answer), dict):
        answer.body["data"]["unlinked"] = False  # read as "was the vehicle record deleted"


def _list_without_nickname(scope: Scope, answer: Answer) -> None:
    if _is(scope, "GET", VEHICLES_PATH) and not scope["query_string"] and isinstance(_data(answer), list):
        for item in answer.body["data"]:
            item["nickname"] = None  # the list query forgets to join the link's nickname


def _naive_list_timestamps(scope: Scope, answer: Answer) -> None:
    if _is(scope, "GET", VEHICLES_PATH) and not scope["query_string"] and isinstance(_data(answer), list):
        for item in answer.body["data"]:
            if isinstance(item.get("linked_at"), str):
                item["linked_at"] = _OFFSET.sub("", item["linked_at"])


def _not_linked_code(scope: Scope, answer: Answer) -> None:
    if isinstance(answer.body, dict) and answer.body.get("code") == "VEHICLE_NOT_LINKED":
        answer.body["code"] = "VEHICLE_NOT_FOUND"


def _total_pages_floor_plus_one(scope: Scope, answer: Answer) -> None:
    meta = _meta(answer)
    if _is(scope, "GET", PAGED) and isinstance(meta.get("total"), int) and meta.get("page_size"):
        meta["total_pages"] = meta["total"] // meta["page_size"] + 1


def _last_page_short(scope: Scope, answer: Answer) -> None:
    meta, data = _meta(answer), _data(answer)
    last = meta.get("page", 1) > 1 and meta.get("page") == meta.get("total_pages")
    if _is(scope, "GET", f"{SERVICE_LOG}list") and isinstance(data, list) and len(data) > 1 and last:
        data.pop()  # the last slice ends one entry early


def _messages_newest_first(scope: Scope, answer: Answer) -> None:
    data = _data(answer)
    if scope["path"].startswith(f"{SERVICE_LOG}messages/") and isinstance(data, dict):
        data.get("messages", []).reverse()


def _history_leaks(scope: Scope, answer: Answer) -> None:
    data = _data(answer)
    if _is(scope, "GET", HISTORY) and isinstance(data, list):
        for index, item in enumerate(data):
            if item.get("from_current_owner") is False:
                item["service_log_id"] = 90000 + index  # the earlier owner's own service log entry


def _plain_json_401(scope: Scope, answer: Answer) -> None:
    if answer.status == 401:
        answer.set_header(b"content-type", "application/json")


def _plain_json_404(scope: Scope, answer: Answer) -> None:
    if answer.status == 404 and scope["path"].startswith(f"{SERVICE_LOG}messages/"):
        answer.set_header(b"content-type", "application/json")


def _validation_422(scope: Scope, answer: Answer) -> None:
    # The update endpoint's own validator answers 422, as some frameworks do by default.
    updating = scope["method"] == "PUT" and scope["path"].startswith(f"{VEHICLES_PATH}/")
    body = answer.body if isinstance(answer.body, dict) else {}
    if updating and answer.status == 400 and body.get("code") == "VALIDATION_FAILED":
        answer.status = body["status"] = 422


def _request_id_mismatch(scope: Scope, answer: Answer) -> None:
    meta = _meta(answer)
    if scope["path"].startswith("/api/co/") and "request_id" in meta:
        meta["request_id"] = str(uuid.uuid4())  # the body gets a second id, made for the log line


def _export_without_disposition(scope: Scope, answer: Answer) -> None:
    if scope["path"] == f"{SERVICE_LOG}export" and answer.status == 200:
        answer.headers = [(k, v) for k, v in answer.headers if k != b"content-disposition"]


def _page_size_100_crashes(scope: Scope, answer: Answer) -> None:
    query = parse_qsl(scope["query_string"].decode("latin-1"))
    if _is(scope, "GET", PAGED) and _param(query, "page_size") == "100":
        answer.status = 500
        answer.body = {"code": "INTERNAL_ERROR", "status": 500, "title": "Internal Server Error"}
        answer.set_header(b"content-type", "application/problem+json")


def _method_404(scope: Scope, answer: Answer) -> None:
    if answer.status == 405 and scope["path"] == f"{SERVICE_LOG}summary":  # that route's catch-all
        answer.status = 404


def _allow_everything(scope: Scope, answer: Answer) -> None:
    if answer.status == 405 and scope["path"] == f"{VEHICLES_PATH}/set-primary":
        answer.set_header(b"allow", "GET, POST, PUT, DELETE, PATCH")


RESPONSE_REWRITES: dict[str, Callable[[Scope, Answer], None]] = {
    "unlink-answers-unlinked-false": _unlinked_false,
    "vehicle-list-omits-nickname": _list_without_nickname,
    "naive-timestamp-in-list": _naive_list_timestamps,
    "not-linked-answers-not-found-code": _not_linked_code,
    "total-pages-off-by-one": _total_pages_floor_plus_one,
    "last-page-short": _last_page_short,
    "messages-newest-first": _messages_newest_first,
    "history-leaks-earlier-owner": _history_leaks,
    "unauthenticated-as-plain-json": _plain_json_401,
    "problem-as-plain-json": _plain_json_404,
    "validation-answers-422": _validation_422,
    "request-id-mismatch": _request_id_mismatch,
    "export-without-content-disposition": _export_without_disposition,
    "page-size-100-crashes": _page_size_100_crashes,
    "unknown-method-answers-404": _method_404,
    "allow-header-lists-every-method": _allow_everything,
}

HEADER_FAULTS = frozenset({"realtime-config-ignores-token", "export-token-ignores-token"})
BODY_FAULTS = frozenset(
    {"preferences-update-spreads-to-event", "preferences-shared-between-users", "preferences-refuse-all-off"}
)
REWRITE_FAULTS = frozenset(QUERY_REWRITES) | frozenset(RESPONSE_REWRITES) | HEADER_FAULTS | BODY_FAULTS


class FaultyRewriteMiddleware:
    """Applies the switched-on rewrites of this module to every HTTP exchange."""

    def __init__(self, app: ASGIApp, faults: frozenset[str], sandboxes: SandboxRegistry) -> None:
        self.app = app
        self.faults = faults
        self.sandboxes = sandboxes
        self.queries = [rewrite for name, rewrite in QUERY_REWRITES.items() if name in faults]
        self.responses = [rewrite for name, rewrite in RESPONSE_REWRITES.items() if name in faults]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = self._rewrite_query(scope)
        scope = self._rewrite_headers(scope)
        if scope["path"] == SETTINGS_PATH and scope["method"] == "PUT" and self.faults & BODY_FAULTS:
            body = self._preferences(scope, await _read_body(receive))
            scope = _with_header(scope, b"content-length", str(len(body)))
            receive = _replay(body)
        if not self.responses:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, self._buffered(scope, send))

    def _rewrite_query(self, scope: Scope) -> Scope:
        if not self.queries:
            return scope
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        for rewrite in self.queries:
            query = rewrite(scope["path"], query)
        return {**scope, "query_string": urlencode(query).encode("latin-1")}

    def _rewrite_headers(self, scope: Scope) -> Scope:
        anonymous = {
            "realtime-config-ignores-token": REALTIME_PATH,
            "export-token-ignores-token": EXPORT_TOKEN,
        }
        if (
            any(name in self.faults and scope["path"] == path for name, path in anonymous.items())
            and _header(scope, b"authorization") is None
            and (sandbox := next(iter(self.sandboxes), None)) is not None
        ):
            return _with_header(scope, b"authorization", f"Bearer {sandbox.token}")
        return scope

    def _preferences(self, scope: Scope, body: bytes) -> bytes:
        parsed = preference_patch(body)
        if parsed is None:
            return body
        patch, known = parsed
        values = [value for channels in known.values() for value in channels.values()]
        if "preferences-refuse-all-off" in self.faults and False in values:
            # "At least one notification must stay on", checked against the update, not the result.
            return json.dumps({**patch, "notifications.off": {}}).encode()  # refused as unknown
        if "preferences-shared-between-users" in self.faults and known == patch:
            # The update is written by event name alone, for every user who has that event.
            for sandbox in self.sandboxes:
                for event, channels in known.items():
                    owner_state(sandbox).preferences[event].update(channels)
        if "preferences-update-spreads-to-event" in self.faults and known == patch:
            # One channel given: its value is applied to the whole event.
            spread = {
                event: {channel: next(iter(channels.values())) for channel in NOTIFICATION_CHANNELS}
                if len(channels) == 1
                else channels
                for event, channels in known.items()
            }
            return json.dumps(spread).encode()
        return body

    def _buffered(self, scope: Scope, send: Send) -> Send:
        def change(start: Message, raw: bytes) -> tuple[Message, bytes]:
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            answer = Answer(start["status"], list(start.get("headers", [])), parsed)
            for rewrite in self.responses:
                rewrite(scope, answer)
            if answer.body is not None:  # rewrites change the parsed body in place
                raw = json.dumps(answer.body, ensure_ascii=False).encode()
            return {**start, "status": answer.status, "headers": answer.headers}, raw

        return rewriting(send, change)
