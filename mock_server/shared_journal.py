"""The request journal on a store several processes share (`--state postgresql://…`).

Each process keeps the journal of the requests it served, in memory, as one process does: nothing
is written per request. Reading a sandbox's journal asks every other listening process for its
part (a NOTIFY on the bus's connection); each answers with a row in `minbil_journal_answers`, and
the reader merges the answers with its own entries, newest first. A process counts as listening
while its heartbeat is recent (realtime/bus.py `peers`); one that does not answer within a short
wait is left out, so a dead process costs a reader that wait, never an error. Forgetting a
sandbox's journal (the sandbox deleted) is told to the others the same way.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from datetime import datetime
from typing import Any

import psycopg

from .journal import JournalEntry, RequestJournal
from .realtime.bus import PostgresBus
from .store.postgres_state import PostgresState, StateStoreError

log = logging.getLogger(__name__)

CHANNEL = "minbil_journal"
ANSWER_WAIT_S = 2.0  # how long a reader waits for the other processes' answers
_POLL_S = 0.01
_KEEP_ANSWERS = "1 minute"


def encode_entry(entry: JournalEntry) -> dict[str, Any]:
    return {
        "request_id": entry.request_id,
        "at": entry.at.isoformat(),
        "method": entry.method,
        "path": entry.path,
        "query": entry.query,
        "operation_id": entry.operation_id,
        "status": entry.status,
        "duration_ms": entry.duration_ms,
        "validation": entry.validation,
        "problem_code": entry.problem_code,
        "reason": entry.reason,
        "errors": list(entry.errors),
        "injected": list(entry.injected),
        "prefer": entry.prefer,
    }


def decode_entry(value: dict[str, Any]) -> JournalEntry:
    return JournalEntry(
        **{
            **value,
            "at": datetime.fromisoformat(value["at"]),
            "errors": tuple(value["errors"]),
            "injected": tuple(value["injected"]),
        }
    )


class SharedJournal:
    def __init__(self, journal: RequestJournal, state: PostgresState, bus: PostgresBus) -> None:
        self.journal, self.state, self.bus = journal, state, bus
        bus.on(CHANNEL, self._heard)
        journal.elsewhere = self.gather
        journal.forgotten = self._tell_forgotten

    # --- the reader ----------------------------------------------------------------------------

    async def gather(self, token: str) -> list[JournalEntry]:
        """The entries of `token` the other processes hold (those that answer in time)."""
        self.bus.serving()
        try:
            peers = await asyncio.to_thread(self.bus.peers)
            if not peers:
                return []
            ask = uuid.uuid4().hex
            message = json.dumps({"k": "ask", "o": self.bus.origin, "a": ask, "t": token})
            await asyncio.to_thread(self._notify, message)
            answers = await self._answers(ask, peers)
        except (psycopg.Error, StateStoreError) as error:
            log.warning("journal: the other processes' entries could not be asked for: %s", error)
            return []
        return [decode_entry(value) for entries in answers for value in entries]

    async def _answers(self, ask: str, peers: set[str]) -> list[list[dict[str, Any]]]:
        deadline = time.monotonic() + ANSWER_WAIT_S
        while True:
            rows = await asyncio.to_thread(self._read_answers, ask)
            if {origin for origin, _ in rows} >= peers or time.monotonic() > deadline:
                await asyncio.to_thread(self._drop_answers, ask)
                return [json.loads(entries) for _, entries in rows]
            await asyncio.sleep(_POLL_S)

    def _read_answers(self, ask: str) -> list[tuple[str, str]]:
        return self.state.run(
            lambda connection: connection.execute(
                "SELECT origin, entries FROM minbil_journal_answers WHERE ask = %s", (ask,)
            ).fetchall()
        )

    def _drop_answers(self, ask: str) -> None:
        self.state.run(
            lambda connection: connection.execute(
                "DELETE FROM minbil_journal_answers WHERE ask = %s"
                f" OR at < now() - interval '{_KEEP_ANSWERS}'",
                (ask,),
            )
        )

    def _notify(self, message: str) -> None:
        self.state.run(lambda connection: connection.execute("SELECT pg_notify(%s, %s)", (CHANNEL, message)))

    def _tell_forgotten(self, token: str) -> None:
        try:
            self._notify(json.dumps({"k": "forget", "o": self.bus.origin, "t": token}))
        except (psycopg.Error, StateStoreError) as error:
            log.warning("journal: the other processes were not told to forget a sandbox: %s", error)

    # --- the others' side (on the listening thread) -------------------------------------------

    def _heard(self, payload: str) -> None:
        try:
            value = json.loads(payload)
            if value.get("o") == self.bus.origin:
                return
            token = str(value["t"])
            if value.get("k") == "forget":
                self.bus.call_on_loop(lambda: self.journal.forget_here(token))
                return
            ask = str(value["a"])
            # The entries are built on the loop, where requests record them.
            entries = self.bus.call_on_loop(lambda: [encode_entry(e) for e in self.journal.entries(token)])
            text = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
            self.state.run(
                lambda connection: connection.execute(
                    "INSERT INTO minbil_journal_answers (ask, origin, entries) VALUES (%s, %s, %s)"
                    " ON CONFLICT DO NOTHING",
                    (ask, self.bus.origin, text),
                )
            )
        except (
            ValueError,
            KeyError,
            TypeError,
            RuntimeError,
            TimeoutError,
            psycopg.Error,
            StateStoreError,
        ) as error:
            log.warning("journal: a request from another process could not be answered (%s)", error)
