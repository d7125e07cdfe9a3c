"""Navixy's error envelope: `{"success": false, "status": {"code": N, "description": "..."}}`.

The codes and HTTP statuses are those of Navixy's errors page: HTTP 400 unless the code has its own.
"""

from __future__ import annotations

import json
from typing import Any

WRONG_HASH = 3
SESSION_ENDED = 4
INVALID_PARAMETERS = 7
ACCESS_DENIED = 11
RATE_LIMITED = 15
WRONG_LOGIN = 102
NOT_FOUND = 201
DEVICE_BLOCKED = 208
NONEXISTENT_ENTITIES = 217
INVALID_DATA_FORMAT = 234
ALREADY_EXISTS = 247
EXTERNAL_LINKS = 261

DESCRIPTIONS: dict[int, str] = {
    1: "Database error",
    WRONG_HASH: "Wrong user hash",
    SESSION_ENDED: "User or API key not found or session ended",
    6: "Unexpected error",
    INVALID_PARAMETERS: "Invalid parameters",
    8: "Queue service error, try again later",
    ACCESS_DENIED: "Access denied",
    14: "Database unavailable",
    RATE_LIMITED: "Too many requests (rate limit exceeded)",
    WRONG_LOGIN: "Wrong login or password",
    NOT_FOUND: "Not found in the database",
    DEVICE_BLOCKED: "Device blocked",
    NONEXISTENT_ENTITIES: "List contains nonexistent entities",
    INVALID_DATA_FORMAT: "Invalid data format",
    ALREADY_EXISTS: "Entity already exists",
    EXTERNAL_LINKS: "Entity has external links",
}
HTTP_STATUS: dict[int, int] = {
    1: 500,
    6: 500,
    8: 503,
    ACCESS_DENIED: 403,
    14: 503,
    RATE_LIMITED: 429,
    DEVICE_BLOCKED: 403,
}

# The code an injected fault of an HTTP status answers with (mock_server/injection).
CODE_FOR_STATUS: dict[int, int] = {
    400: INVALID_PARAMETERS,
    401: SESSION_ENDED,
    403: ACCESS_DENIED,
    404: NOT_FOUND,
    409: ALREADY_EXISTS,
    429: RATE_LIMITED,
    500: 6,
    502: 8,
    503: 14,
    504: 8,
}


class NavixyError(Exception):
    """A refusal in Navixy's terms; `errors` names the parameters at fault (code 7 and 234)."""

    def __init__(
        self, code: int, detail: str | None = None, errors: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(detail or DESCRIPTIONS[code])
        self.code = code
        self.detail = detail
        self.errors = errors or []

    @property
    def status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)

    def body(self) -> dict[str, Any]:
        description = DESCRIPTIONS[self.code] + (f": {self.detail}" if self.detail else "")
        answer: dict[str, Any] = {"success": False, "status": {"code": self.code, "description": description}}
        if self.errors:
            answer["errors"] = self.errors
        return answer


def error_answer(status: int, code: str, detail: str) -> tuple[bytes, str]:
    """An injected fault's answer in the envelope: the code that status has in Navixy's table."""
    navixy_code = CODE_FOR_STATUS.get(status, 6 if status >= 500 else INVALID_PARAMETERS)
    body = {
        "success": False,
        "status": {"code": navixy_code, "description": f"{DESCRIPTIONS[navixy_code]}: {detail} ({code})"},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), "application/json"
