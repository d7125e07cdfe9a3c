"""A sandbox as the state stores keep it: a small core document and one row per vehicle, link and
service-log entry, so that writing a change costs what changed, not what the sandbox holds.

A row is (kind, key, pos, data): `kind` is "vehicle", "link" or "entry", `key` the plate or the
entry's id, `pos` its place in the sandbox's order, `data` its JSON (store/serialise.py). The core is
`core_state` as JSON. Put together (`join`) they are the sandbox's `sandbox_state`.

What changed is known without serialising everything:
- vehicles and links are compared by a cheap fingerprint (serialise.py) against the one last
  committed; only those that differ are serialised and written;
- the service log says which entries were added or changed (`ServiceLogStore.take_changes`); a new
  service-log object (a restore, a reset, a sandbox loaded again) has all its rows written anew.

A store keeps what it last committed of each sandbox (`Written`) and asks `plan` for the rows to
write; it records the plan's `written` once the transaction committed, and gives the taken
service-log changes back (`Plan.give_back`) when it did not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .sandbox import Sandbox
from .serialise import (
    BULK_PARTS,
    State,
    core_state,
    entry_state,
    link_fingerprint,
    link_state,
    vehicle_fingerprint,
    vehicle_state,
)
from .service_log import ServiceLogStore

VEHICLE, LINK, ENTRY = "vehicle", "link", "entry"
KINDS = (VEHICLE, LINK, ENTRY)
_PART_OF = {VEHICLE: "vehicles", LINK: "links", ENTRY: "service_log"}
_KEY_OF = {
    VEHICLE: lambda raw: raw["plate"],
    LINK: lambda raw: raw["plate"],
    ENTRY: lambda raw: str(raw["id"]),
}

Row = tuple[str, str, int, str]  # kind, key, pos, data
Placed = dict[str, tuple[int, tuple[object, ...]]]  # key -> (pos, fingerprint)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Written:
    """What a store holds of one sandbox as of its last commit."""

    vehicles: Placed
    links: Placed
    log: ServiceLogStore
    next_pos: int


@dataclass
class Plan:
    core: str
    rewrite: tuple[str, ...]  # kinds whose rows are all deleted, then written from `upserts`
    upserts: list[Row]
    deletes: list[tuple[str, str]]  # (kind, key)
    written: Written
    taken: set[int]

    def give_back(self) -> None:
        """The write failed: the service-log changes taken for it are to be written next time."""
        self.written.log.mark_changed(*self.taken)


def _place(
    kind: str,
    items: dict[str, Any],
    fingerprint: Callable[[Any], tuple[object, ...]],
    state: Callable[[Any], State],
    before: Placed | None,
    next_pos: int,
    upserts: list[Row],
    deletes: list[tuple[str, str]],
) -> tuple[Placed, int, bool]:
    """The rows of one kind that changed; (placed, next_pos, rewritten). The stored order must stay
    the dict's: kept keys in their stored order, new keys after them; otherwise all are rewritten."""
    if before is not None:
        placed: Placed = {}
        mine: list[Row] = []
        last = -1
        pos = next_pos
        in_order = True
        for key, item in items.items():
            mark = fingerprint(item)
            old = before.get(key)
            if old is None:
                placed[key] = (pos, mark)
                mine.append((kind, key, pos, dumps(state(item))))
                pos += 1
                last = pos  # nothing kept may follow a new key
            elif old[0] < last or old[0] >= next_pos:
                in_order = False
                break
            else:
                last = old[0]
                placed[key] = (old[0], mark)
                if old[1] != mark:
                    mine.append((kind, key, old[0], dumps(state(item))))
        if in_order:
            upserts.extend(mine)
            deletes.extend((kind, key) for key in before.keys() - items.keys())
            return placed, pos, False
    placed = {}
    for pos, (key, item) in enumerate(items.items(), start=next_pos):
        placed[key] = (pos, fingerprint(item))
        upserts.append((kind, key, pos, dumps(state(item))))
    return placed, next_pos + len(items), True


def plan(sandbox: Sandbox, before: Written | None) -> Plan:
    """The rows to write for `sandbox`, given what was last committed of it (None: nothing)."""
    upserts: list[Row] = []
    deletes: list[tuple[str, str]] = []
    rewrite: list[str] = []
    next_pos = 0 if before is None else before.next_pos
    vehicles, next_pos, again = _place(
        VEHICLE, sandbox.vehicles, vehicle_fingerprint, vehicle_state,
        None if before is None else before.vehicles, next_pos, upserts, deletes,
    )  # fmt: skip
    if again:
        rewrite.append(VEHICLE)
    links, next_pos, again = _place(
        LINK, sandbox.links, link_fingerprint, link_state,
        None if before is None else before.links, next_pos, upserts, deletes,
    )  # fmt: skip
    if again:
        rewrite.append(LINK)
    log = sandbox.service_log
    taken = log.take_changes()
    try:
        if before is None or before.log is not log:
            rewrite.append(ENTRY)
            upserts.extend((ENTRY, str(entry.id), entry.id, dumps(entry_state(entry))) for entry in log)
        else:
            for entry_id in sorted(taken):
                entry = log.get(entry_id)
                if entry is None:
                    deletes.append((ENTRY, str(entry_id)))
                else:
                    upserts.append((ENTRY, str(entry_id), entry_id, dumps(entry_state(entry))))
        core = dumps(core_state(sandbox))
    except BaseException:
        log.mark_changed(*taken)
        raise
    return Plan(
        core=core,
        rewrite=tuple(rewrite),
        upserts=upserts,
        deletes=deletes,
        written=Written(vehicles, links, log, next_pos),
        taken=taken,
    )


def split(state: State) -> tuple[State, list[Row]]:
    """A whole `sandbox_state` as its core and rows (a store of the earlier layout, migrated)."""
    core = {name: value for name, value in state.items() if name not in BULK_PARTS}
    rows: list[Row] = []
    for kind in KINDS:
        for pos, raw in enumerate(state.get(_PART_OF[kind], [])):
            rows.append((kind, _KEY_OF[kind](raw), raw["id"] if kind == ENTRY else pos, dumps(raw)))
    return core, rows


def join(core: State, rows: Iterable[tuple[str, str, int, str]]) -> tuple[State, dict[str, dict[str, int]]]:
    """The `sandbox_state` of a core and its rows (in any order), and each row's pos by kind and key."""
    parts: dict[str, list[tuple[int, State]]] = {kind: [] for kind in KINDS}
    positions: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
    for kind, key, pos, data in rows:
        parts[kind].append((pos, json.loads(data)))
        positions[kind][key] = pos
    state = dict(core)
    for kind in KINDS:
        state[_PART_OF[kind]] = [raw for _, raw in sorted(parts[kind], key=lambda pair: pair[0])]
    return state, positions


def written_of(sandbox: Sandbox, positions: dict[str, dict[str, int]]) -> Written:
    """What the store holds of a sandbox just loaded from it (`join`'s positions)."""
    vehicles = {
        plate: (positions[VEHICLE][plate], vehicle_fingerprint(v)) for plate, v in sandbox.vehicles.items()
    }
    links = {plate: (positions[LINK][plate], link_fingerprint(link)) for plate, link in sandbox.links.items()}
    used = [pos for placed in (vehicles, links) for pos, _ in placed.values()]
    sandbox.service_log.take_changes()
    return Written(vehicles, links, sandbox.service_log, max(used, default=-1) + 1)
