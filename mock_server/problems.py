"""The one error catalogue: every stable code, its HTTP status and title, rendered as problem+json."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .domain.errors import DomainError
from .fast_json import compact_json
from .request_context import current_request_id

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://api.minbil.no/problems/"


@dataclass(frozen=True)
class ProblemKind:
    status: int
    title: str


CATALOGUE: dict[str, ProblemKind] = {
    "VALIDATION_FAILED": ProblemKind(400, "The request is not valid"),
    "INVALID_JSON": ProblemKind(400, "The body is not valid JSON"),
    "INVALID_REGISTRATION_NUMBER": ProblemKind(400, "Not a Norwegian registration number"),
    "REGISTRATION_NUMBER_CONFLICT": ProblemKind(400, "registration_number and reg differ"),
    "REGISTRATION_NUMBER_REQUIRED": ProblemKind(400, "A registration number is required"),
    "INVALID_DATE_RANGE": ProblemKind(400, "date_from is after date_to"),
    "INVALID_IMAGE": ProblemKind(400, "The image could not be read"),
    "UNAUTHENTICATED": ProblemKind(401, "Missing or unknown bearer token"),
    "EXPORT_TOKEN_EXPIRED": ProblemKind(401, "The export token has expired"),
    "EXPORT_TOKEN_INVALID": ProblemKind(403, "The export token is not valid"),
    "VEHICLE_NOT_LINKED": ProblemKind(404, "Vehicle not linked"),
    "VEHICLE_NOT_FOUND_IN_REGISTRY": ProblemKind(404, "Vehicle not found in the registry"),
    "SERVICE_LOG_NOT_FOUND": ProblemKind(404, "Service log entry not found"),
    "NO_PRIMARY_VEHICLE": ProblemKind(404, "No primary vehicle"),
    "NOT_FOUND": ProblemKind(404, "Not found"),
    "METHOD_NOT_ALLOWED": ProblemKind(405, "Method not allowed"),
    "NOT_ACCEPTABLE": ProblemKind(406, "Not acceptable"),
    "REQUEST_TIMEOUT": ProblemKind(408, "The request did not arrive in time"),
    "PAYLOAD_TOO_LARGE": ProblemKind(413, "Payload too large"),
    "UNSUPPORTED_MEDIA_TYPE": ProblemKind(415, "Unsupported media type"),
    "REGISTRY_UNAVAILABLE": ProblemKind(503, "The vehicle registry is unavailable"),
    "INTERNAL_ERROR": ProblemKind(500, "Internal server error"),
    "SERVER_BUSY": ProblemKind(503, "The mock is serving as many connections as it may"),
    # The mock's own: per-request choices, injected faults and the control API (mock_server/control).
    "INVALID_PREFER_HEADER": ProblemKind(400, "The Prefer header cannot be honoured"),
    "INJECTED_FAULT": ProblemKind(503, "Fault injected by the mock"),  # status as the rule chose
    "INVALID_FAULT_RULE": ProblemKind(400, "The fault rule is not valid"),
    "SCENARIO_NOT_FOUND": ProblemKind(404, "Scenario not found"),
    "SANDBOX_TOKEN_TAKEN": ProblemKind(409, "A sandbox with this token exists"),
    "SANDBOX_PROTECTED": ProblemKind(403, "The demo sandbox is protected"),
    "ADMIN_TOKEN_INVALID": ProblemKind(403, "The admin token is not valid"),
    "SANDBOX_LIMIT_REACHED": ProblemKind(429, "The mock holds as many sandboxes as it may"),
    "STORAGE_LIMIT_REACHED": ProblemKind(429, "The mock's storage budget is used up"),
    "SNAPSHOT_NOT_FOUND": ProblemKind(404, "Snapshot not found"),
    "TOO_MANY_SNAPSHOTS": ProblemKind(409, "The sandbox has too many snapshots"),
    "BOOKING_NOT_FOUND": ProblemKind(404, "Booking not found"),
    "BOOKING_STATE_CONFLICT": ProblemKind(409, "The booking is not in a state for this event"),
    "WORKSHOP_NOT_FOUND": ProblemKind(404, "Workshop not found"),
    "MILEAGE_NOT_ABOVE_LAST": ProblemKind(409, "The mileage is not above the car's last reading"),
    "CLOCK_CANNOT_GO_BACK": ProblemKind(409, "The sandbox clock only moves forward"),
    "CLOCK_OUT_OF_RANGE": ProblemKind(409, "The sandbox clock cannot go that far"),
}

# Connexion and Starlette errors carry only a status; this is the code each status gets.
CODE_FOR_STATUS = {
    400: "VALIDATION_FAILED",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def problem_body(code: str, detail: str, *, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    kind = CATALOGUE[code]
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code.lower().replace("_", "-"),
        "title": kind.title,
        "status": kind.status,
        "detail": detail,
        "code": code,
        "request_id": current_request_id(),
    }
    if errors:
        body["errors"] = errors
    return body


def problem_headers(code: str, retry_after: int | None = None) -> dict[str, str]:
    headers = {"Content-Type": PROBLEM_JSON, "X-Request-ID": current_request_id()}
    if code == "UNAUTHENTICATED":
        headers["WWW-Authenticate"] = 'Bearer realm="minbil"'
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return headers


def from_domain_error(error: DomainError) -> tuple[dict[str, Any], int, dict[str, str]]:
    """A handler's return value for a broken rule: (body, status, headers)."""
    errors = (
        [{"field": error.field, "message": error.detail}]
        if error.field and error.code in _FIELD_CODES
        else None
    )
    body = problem_body(error.code, error.detail, errors=errors)
    return body, CATALOGUE[error.code].status, problem_headers(error.code, error.retry_after)


def encode(body: dict[str, Any]) -> bytes:
    """A problem as compact UTF-8 JSON, written like every other answer (mock_server/fast_json.py)."""
    return compact_json(body).encode()


_FIELD_CODES = {
    "VALIDATION_FAILED",
    "INVALID_REGISTRATION_NUMBER",
    "REGISTRATION_NUMBER_CONFLICT",
    "REGISTRATION_NUMBER_REQUIRED",
    "INVALID_DATE_RANGE",
    "INVALID_IMAGE",
    "INVALID_PREFER_HEADER",
    "INVALID_FAULT_RULE",
}
