"""A sandbox as the state stores keep it: a small core document and one row per item of the lists its
packs keep as rows, so that writing a change costs what changed, not what the sandbox holds.

A pack's part declares its kinds of row (`ROWS` in packs/base.py: KeyedRows and LogRows). A row is
(kind, key, pos, data): `kind` is the pack's name and the row's kind ("carowner.vehicle",
"carowner.link", "carowner.entry"), `key` the item's key (a plate, an entry's id), `pos` its place
in the part's order, `data` its JSON. The core is `core_state` as JSON (each part without those
lists). Put together (`join`) they are the sandbox's `sandbox_state`. A part without rows (Navixy's,
Trimble's) is kept whole in the core.

What changed is known without serialising everything:
- keyed items (vehicles, links) are compared by a cheap fingerprint against the one last
  committed; only those that differ are serialised and written;
- a change log (the service log) says which items were added or changed (`take_changes`); a new
  log object (a restore, a reset, a sandbox loaded again) has all its rows written anew.

A store keeps what it last committed of each sandbox (`Written`) and asks `plan` for the rows to
write; it records the plan's `written` once the transaction committed, and gives the taken
changes back (`Plan.give_back`) when it did not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..packs.base import ChangeLog, KeyedRows, LogRows, RowPart, registered_pack, rows_of
from .sandbox import Sandbox
from .serialise import State, core_state

Row = tuple[str, str, int, str]  # kind, key, pos, data
Placed = dict[str, tuple[int, tuple[object, ...]]]  # key -> (pos, fingerprint)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def kind_name(pack: str, part: RowPart) -> str:
    return f"{pack}.{part.kind}"


@dataclass
class Written:
    """What a store holds of one sandbox as of its last commit."""

    placed: dict[str, Placed]  # keyed kind -> its items' places and fingerprints
    logs: dict[str, ChangeLog]  # logged kind -> the log object its rows were written from
    next_pos: int


@dataclass
class Plan:
    core: str
    rewrite: tuple[str, ...]  # kinds whose rows are all deleted, then written from `upserts`
    upserts: list[Row]
    deletes: list[tuple[str, str]]  # (kind, key)
    written: Written
    taken: dict[str, set[int]] = field(default_factory=dict)  # logged kind -> the changes taken

    def give_back(self) -> None:
        """The write failed: the log changes taken for it are to be written next time."""
        for kind, log in self.written.logs.items():
            log.mark_changed(*self.taken.get(kind, ()))


def _place(
    kind: str,
    part: KeyedRows,
    items: Any,
    before: Placed | None,
    next_pos: int,
    upserts: list[Row],
    deletes: list[tuple[str, str]],
) -> tuple[Placed, int, bool]:
    """The rows of one kind that changed; (placed, next_pos, rewritten). The stored order must stay
    the part's: kept keys in their stored order, new keys after them; otherwise all are rewritten."""
    fingerprint, state = part.fingerprint, part.to_json
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


def _parts(sandbox: Sandbox) -> list[tuple[str, RowPart, Any]]:
    """Every kind of row of the sandbox's parts: (kind, its declaration, the part)."""
    return [
        (kind_name(name, part), part, state)
        for name, state in sandbox.packs.items()
        for part in rows_of(state)
    ]


def plan(sandbox: Sandbox, before: Written | None) -> Plan:
    """The rows to write for `sandbox`, given what was last committed of it (None: nothing)."""
    upserts: list[Row] = []
    deletes: list[tuple[str, str]] = []
    rewrite: list[str] = []
    next_pos = 0 if before is None else before.next_pos
    placed: dict[str, Placed] = {}
    logs: dict[str, ChangeLog] = {}
    taken: dict[str, set[int]] = {}
    parts = _parts(sandbox)
    for kind, part, state in parts:
        if isinstance(part, KeyedRows):
            old = None if before is None else before.placed.get(kind)
            placed[kind], next_pos, again = _place(
                kind, part, part.items(state), old, next_pos, upserts, deletes
            )
            if again:
                rewrite.append(kind)
    try:
        for kind, part, state in parts:
            if isinstance(part, LogRows):
                log = logs[kind] = part.log(state)
                taken[kind] = log.take_changes()
                if before is None or before.logs.get(kind) is not log:
                    rewrite.append(kind)
                    upserts.extend((kind, str(item.id), item.id, dumps(part.to_json(item))) for item in log)
                else:
                    for item_id in sorted(taken[kind]):
                        item = log.get(item_id)
                        if item is None:
                            deletes.append((kind, str(item_id)))
                        else:
                            upserts.append((kind, str(item_id), item_id, dumps(part.to_json(item))))
        if before is not None:  # a part gone (restored from before it existed): its rows go too
            rewrite += [
                kind for kind in (*before.placed, *before.logs) if kind not in placed and kind not in logs
            ]
        core = dumps(core_state(sandbox))
    except BaseException:
        for kind, log in logs.items():
            log.mark_changed(*taken.get(kind, ()))
        raise
    return Plan(
        core=core,
        rewrite=tuple(rewrite),
        upserts=upserts,
        deletes=deletes,
        written=Written(placed, logs, next_pos),
        taken=taken,
    )


@cache
def _declared(pack: str) -> tuple[RowPart, ...]:
    """The kinds of row a registered pack's part declares (none for a pack this process lacks)."""
    known = registered_pack(pack)
    if known is None or known.new_state is None:
        return ()
    return rows_of(known.new_state())


def _declared_kinds(pack: str) -> dict[str, RowPart]:
    return {kind_name(pack, part): part for part in _declared(pack)}


def split(state: State) -> tuple[State, list[Row]]:
    """A whole `sandbox_state` as its core and rows (a store of the earlier layout, migrated)."""
    core = {**state, "packs": {}}
    rows: list[Row] = []
    for name, raw in state.get("packs", {}).items():
        kinds = _declared_kinds(name)
        parts = {part.part for part in kinds.values()}
        core["packs"][name] = {key: value for key, value in raw.items() if key not in parts}
        for kind, part in kinds.items():
            for pos, item in enumerate(raw.get(part.part, [])):
                if isinstance(part, KeyedRows):
                    rows.append((kind, part.key_of(item), pos, dumps(item)))
                else:
                    rows.append((kind, str(item["id"]), item["id"], dumps(item)))
    return core, rows


def join(core: State, rows: Iterable[tuple[str, str, int, str]]) -> tuple[State, dict[str, dict[str, int]]]:
    """The `sandbox_state` of a core and its rows (in any order), and each row's pos by kind and key."""
    found: dict[str, list[tuple[int, State]]] = {}
    positions: dict[str, dict[str, int]] = {}
    for kind, key, pos, data in rows:
        found.setdefault(kind, []).append((pos, json.loads(data)))
        positions.setdefault(kind, {})[key] = pos
    packs = {name: dict(raw) for name, raw in core.get("packs", {}).items()}
    for name, raw in packs.items():
        for kind, part in _declared_kinds(name).items():
            raw[part.part] = [item for _, item in sorted(found.get(kind, []), key=lambda pair: pair[0])]
    return {**core, "packs": packs}, positions


def written_of(sandbox: Sandbox, positions: dict[str, dict[str, int]]) -> Written:
    """What the store holds of a sandbox just loaded from it (`join`'s positions)."""
    placed: dict[str, Placed] = {}
    logs: dict[str, ChangeLog] = {}
    for kind, part, state in _parts(sandbox):
        if isinstance(part, KeyedRows):
            at = positions.get(kind, {})
            placed[kind] = {key: (at[key], part.fingerprint(item)) for key, item in part.items(state).items()}
        else:
            log = logs[kind] = part.log(state)
            log.take_changes()
    used = [pos for kind in placed.values() for pos, _ in kind.values()]
    return Written(placed, logs, max(used, default=-1) + 1)


def row_items(sandbox: Sandbox) -> list[object]:
    """Every item the sandbox's parts keep as rows: most of a big sandbox's weight."""
    items: list[object] = []
    for _, part, state in _parts(sandbox):
        items += part.items(state).values() if isinstance(part, KeyedRows) else part.log(state)
    return items
