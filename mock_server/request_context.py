"""The id of the request being served, set by middleware and read wherever a body is built."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str:
    request_id = _request_id.get()
    if request_id is None:
        request_id = str(uuid.uuid4())
        _request_id.set(request_id)
    return request_id


def start_request(request_id: str | None = None) -> str:
    value = request_id or str(uuid.uuid4())
    _request_id.set(value)
    return value
