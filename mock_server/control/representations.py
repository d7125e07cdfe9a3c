"""Control API records → the JSON shapes of control.yaml. The only place that knows those shapes."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from starlette.responses import Response

from ..domain.control_models import FaultRuleRecord
from ..domain.sandboxes import ScenarioInfo
from ..journal import JournalEntry
from ..json_answers import json_headers, timestamp
from ..packs.base import installed_packs
from ..request_context import current_request_id
from ..store.sandbox import Sandbox, Snapshot

_OSLO = ZoneInfo("Europe/Oslo")


def ok(body: Any, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return body, status, json_headers()


def no_content() -> Response:
    # A bare response: through Connexion a 204 would carry the operation's (problem) media type.
    return Response(status_code=204, headers={"X-Request-ID": current_request_id()})


def clock(sandbox: Sandbox) -> dict[str, Any]:
    now = sandbox.clock.now()
    return {
        "now": timestamp(now),
        "today": now.astimezone(_OSLO).date().isoformat(),
        "offset_seconds": round(sandbox.clock.offset.total_seconds(), 6),
    }


def carowner_credentials(value: Sandbox) -> dict[str, dict[str, str]]:
    return {"carowner": {"token": value.token}}


def sandbox(value: Sandbox, credentials: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "token": value.token,
        "credentials": credentials if credentials is not None else carowner_credentials(value),
        "user_id": str(value.user_id),
        "display_name": value.display_name,
        "email": value.email,
        "scenario": value.origin,
        "clock": clock(value),
        "counts": {"fault_rules": len(value.extras.fault_rules)},
        "snapshots": list(value.snapshots),
    }
    for pack in installed_packs():
        if pack.control_view is not None:
            _merge(shown, pack.control_view(value))
    return shown


def _merge(into: dict[str, Any], members: dict[str, Any]) -> None:
    for name, member in members.items():
        if isinstance(member, dict) and isinstance(into.get(name), dict):
            into[name] = {**into[name], **member}
        else:
            into[name] = member


def scenario(info: ScenarioInfo) -> dict[str, str]:
    return {"name": info.name, "title": info.title, "description": info.description}


def snapshot(value: Snapshot) -> dict[str, Any]:
    shown: dict[str, Any] = {"name": value.name, "taken_at": timestamp(value.taken_at)}
    parts = value.state.get("packs", {})
    for pack in installed_packs():
        if pack.snapshot_view is not None:
            _merge(shown, pack.snapshot_view(parts.get(pack.name)))
    return shown


def fault_rule(value: FaultRuleRecord) -> dict[str, Any]:
    return {"id": value.id, "rule": value.rule, "seed": value.seed, "created_at": timestamp(value.created_at)}


def journal_entry(value: JournalEntry) -> dict[str, Any]:
    return {
        "request_id": value.request_id,
        "at": timestamp(value.at),
        "method": value.method,
        "path": value.path,
        "query": value.query,
        "operation_id": value.operation_id,
        "status": value.status,
        "duration_ms": value.duration_ms,
        "validation": value.validation,
        "problem_code": value.problem_code,
        "reason": value.reason,
        "errors": [
            {"field": str(e.get("field", "")), "message": str(e.get("message", ""))} for e in value.errors
        ],
        "injected": list(value.injected),
        "prefer": value.prefer,
    }
