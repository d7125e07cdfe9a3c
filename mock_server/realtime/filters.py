"""`postgres_changes` bindings: which row changes a joined channel asked for.

A binding is `{event, schema, table, filter}`: event `*`, `INSERT`, `UPDATE` or `DELETE`; schema
`public` (or `*`); a table of rows.TABLES (or `*`); and an optional filter `column=op.value` with
op one of eq, neq, lt, lte, gt, gte, in (`in.(a,b)`), as Realtime reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .rows import SCHEMA, TABLES, RowChange

EVENTS = frozenset({"*", "INSERT", "UPDATE", "DELETE"})
_FILTER = re.compile(
    r"^(?P<column>[A-Za-z_][A-Za-z0-9_]*)=(?P<op>eq|neq|lt|lte|gt|gte|in)\.(?P<value>.*)$", re.S
)


class BindingError(ValueError):
    """A binding the server cannot subscribe to; the message is what the `system` push says."""


@dataclass(frozen=True)
class Binding:
    id: int
    event: str
    schema: str
    table: str
    filter: str | None
    # The parsed filter: (column, op, values)
    condition: tuple[str, str, tuple[str, ...]] | None = None

    def reply(self) -> dict[str, Any]:
        """The binding as the join reply echoes it, with its id, in the client's order."""
        echo: dict[str, Any] = {"id": self.id, "event": self.event, "schema": self.schema}
        if self.table:
            echo["table"] = self.table
        if self.filter:
            echo["filter"] = self.filter
        return echo

    def matches(self, change: RowChange) -> bool:
        if self.event != "*" and self.event != change.type:
            return False
        if self.schema not in ("*", SCHEMA) or self.table not in ("*", "", change.table):
            return False
        if self.condition is None:
            return True
        column, op, values = self.condition
        row = change.old_record if change.type == "DELETE" else change.record
        if column not in row:
            return False
        return _compare(row[column], op, values)


def parse_binding(raw: Any, binding_id: int) -> Binding:
    """Read one binding of the join's `config.postgres_changes`; BindingError when unusable."""
    if not isinstance(raw, dict):
        raise BindingError("a postgres_changes binding must be an object {event, schema, table, filter}")
    event = str(raw.get("event", "*"))
    schema = str(raw.get("schema", ""))
    table = str(raw.get("table") or "")
    text = str(raw["filter"]) if raw.get("filter") else None
    where = f"[schema: {schema}, table: {table or '*'}, filters: {text or ''}]"
    if event.upper() not in EVENTS:
        raise BindingError(f"Invalid event '{event}': use *, INSERT, UPDATE or DELETE {where}")
    if schema not in ("*", SCHEMA) or (table not in ("", "*") and table not in TABLES):
        raise BindingError(
            "Unable to subscribe to changes with given parameters. Please check Realtime is enabled "
            f"for the given connect parameters: {where}; the tables are {', '.join(sorted(TABLES))}"
        )
    condition = None
    if text is not None:
        match = _FILTER.match(str(text))
        if match is None:
            raise BindingError(
                f"Invalid filter '{text}': write column=op.value with op eq, neq, lt, lte, gt, gte or in"
            )
        value = match["value"]
        values = tuple(v.strip() for v in value.strip("()").split(",")) if match["op"] == "in" else (value,)
        condition = (match["column"], match["op"], values)
    return Binding(binding_id, event, schema, table, text, condition)


def _compare(actual: Any, op: str, values: tuple[str, ...]) -> bool:
    text = "true" if actual is True else "false" if actual is False else "" if actual is None else str(actual)
    if op == "eq":
        return text == values[0]
    if op == "neq":
        return text != values[0]
    if op == "in":
        return text in values
    left: Any
    right: Any
    try:
        left, right = float(text), float(values[0])
    except ValueError:
        left, right = text, values[0]
    return {"lt": left < right, "lte": left <= right, "gt": left > right, "gte": left >= right}[op]
