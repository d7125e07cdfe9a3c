"""A sandbox as plain JSON data and back: for snapshots and for the state stores.

Explicit field by field, so the stored shape is a decision, not an accident of the dataclasses.
The engine writes its own part (identity, clock, origin, fault rules); each API pack writes its
part of the sandbox (`packs`, by pack name: its `to_json()`). `SCHEMA_VERSION` goes with every
stored state; a state of another version is refused, not guessed at, but for version 1, which the
stores migrate when they open (`migrate_state`). The stores keep a sandbox as its core
(`core_state`) and the rows its packs declare (store/row_layout.py), so a change writes what
changed; put together again the rows and the core are `sandbox_state`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from ..domain.clock import SandboxClock
from ..domain.control_models import FaultRuleRecord, SandboxExtras
from ..packs.base import core_json, state_from_json
from .sandbox import Sandbox, Snapshot

SCHEMA_VERSION = 2
State = dict[str, Any]


class StateVersionError(ValueError):
    """A stored state was written by another schema version."""


def sandbox_state(sandbox: Sandbox) -> State:
    """Everything of a sandbox except its identity, its snapshots and its lock."""
    return _state(sandbox, {name: state.to_json() for name, state in sandbox.packs.items()})


def core_state(sandbox: Sandbox) -> State:
    """`sandbox_state` without the lists the packs keep as rows: small whatever the sandbox holds."""
    return _state(sandbox, {name: core_json(state) for name, state in sandbox.packs.items()})


def _state(sandbox: Sandbox, packs: State) -> State:
    return {
        "schema_version": SCHEMA_VERSION,
        "display_name": sandbox.display_name,
        "email": sandbox.email,
        "origin": sandbox.origin,
        "clock_offset_us": _micros(sandbox.clock.offset),
        "extras": _extras(sandbox.extras),
        "packs": packs,
    }


def sandbox_from_state(token: str, user_id: UUID, state: State) -> Sandbox:
    check_version(state)
    return Sandbox(
        token=token,
        user_id=user_id,
        display_name=state["display_name"],
        email=state["email"],
        origin=state["origin"],
        clock=SandboxClock(timedelta(microseconds=state["clock_offset_us"])),
        extras=_extras_from(state["extras"]),
        packs={name: state_from_json(name, raw) for name, raw in state.get("packs", {}).items()},
    )


def check_version(state: State) -> None:
    version = state.get("schema_version")
    if version != SCHEMA_VERSION:
        raise StateVersionError(
            f"stored sandbox state has schema version {version!r}; this mock reads version {SCHEMA_VERSION}"
        )


# Version 1 kept CarOwner's part at the top of the state (its lists, its preferences, and most of
# the extras) and the registry's faults for the sandbox among the extras. These names are that
# version's, frozen: the migration is the one place that still knows them.
_V1_OWNER_LISTS = ("vehicles", "links", "service_log")
_V1_OWNER_EXTRAS = ("bookings", "outbox", "pending", "checked_until", "sequence")
_V1_ROW_KINDS = {"vehicle": "carowner.vehicle", "link": "carowner.link", "entry": "carowner.entry"}


def migrate_state(state: State) -> State:
    """A stored state (whole, a core, or a snapshot's) of version 1 as version 2; one of version 2
    as it is. Any other version is refused (StateVersionError)."""
    if state.get("schema_version") == SCHEMA_VERSION:
        return state
    if state.get("schema_version") != 1:
        check_version(state)
    extras = dict(state["extras"])
    owner: State = {"preferences": state["preferences"]}
    owner.update((name, extras.pop(name)) for name in _V1_OWNER_EXTRAS)
    owner.update((name, state[name]) for name in _V1_OWNER_LISTS if name in state)
    packs = {**state.get("packs", {}), "carowner": owner}
    packs["registry"] = {"faults": extras.pop("registry_faults")}
    # Rule ids and CarOwner's ids were numbered by one sequence; each goes on from where it was.
    extras["sequence"] = owner["sequence"]
    skipped = {"preferences", "extras", "packs", "schema_version", *_V1_OWNER_LISTS}
    return {
        **{name: value for name, value in state.items() if name not in skipped},
        "schema_version": SCHEMA_VERSION,
        "extras": extras,
        "packs": packs,
    }


def migrated_row_kind(kind: str) -> str:
    """A row kind of version 1 ("vehicle") as version 2 names it ("carowner.vehicle")."""
    return _V1_ROW_KINDS.get(kind, kind)


def snapshot_data(snapshot: Snapshot) -> State:
    return {"name": snapshot.name, "taken_at": stored_moment(snapshot.taken_at), "state": snapshot.state}


def snapshot_from(data: State) -> Snapshot:
    check_version(data["state"])
    return Snapshot(name=data["name"], taken_at=moment_from_stored(data["taken_at"]), state=data["state"])


def migrate_snapshot(data: State) -> State:
    """A stored snapshot whose state is of version 1, as version 2."""
    return {**data, "state": migrate_state(data["state"])}


# --- field by field -----------------------------------------------------------------------------


def _micros(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def stored_moment(moment: datetime) -> str:
    """A moment as stored: ISO 8601 with its offset (every pack's stored part uses these two)."""
    return moment.isoformat()


def moment_from_stored(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"stored timestamp {text!r} has no time zone")
    return moment


def _extras(extras: SandboxExtras) -> State:
    return {
        "fault_rules": [
            {"id": r.id, "rule": r.rule, "seed": r.seed, "created_at": stored_moment(r.created_at)}
            for r in extras.fault_rules
        ],
        "sequence": extras.sequence,
    }


def _extras_from(raw: State) -> SandboxExtras:
    return SandboxExtras(
        fault_rules=[
            FaultRuleRecord(r["id"], r["rule"], r["seed"], moment_from_stored(r["created_at"]))
            for r in raw["fault_rules"]
        ],
        sequence=raw["sequence"],
    )
