"""`--state postgresql://…`: every sandbox, its snapshots and the uploaded images in one PostgreSQL
database that any number of mock processes share.

The same layout as the SQLite file: a small core document per sandbox and one row per item its packs
keep as rows (CarOwner's vehicles, links and service-log entries: store/row_layout.py), so a change
writes what changed; a database of an earlier layout (1: whole documents; 2: documents of schema
version 1) is migrated by the first process that opens it. Each
sandbox has a `version` that every committed change raises. Each process keeps its sandboxes in
memory with the version it last saw; before a request runs, `refresh` asks the database for the
caller's version (one indexed query) and loads the sandbox again (its core and rows) when another
process changed it, finds a sandbox another process made, and drops one another process deleted. A
request that may change a sandbox holds its lock across processes (`locked`: a PostgreSQL advisory
lock on a connection of its own) from before the refresh until its answer went out, so writers of
one sandbox on different processes take turns. Writes are committed before the answer that caused
them goes out (mock_server/persistence.py), so nothing acknowledged is lost when a process is
killed. What else must go out with a commit (the live events of the committed sandboxes,
realtime/bus.py) is handed the transaction's connection (`committing`), so it becomes visible to
the other processes exactly when the change does.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any
from uuid import UUID

import psycopg

from ..domain.images import StoredImage
from . import row_layout
from .row_layout import Written
from .sandbox import Sandbox, SandboxRegistry
from .serialise import (
    SCHEMA_VERSION,
    StateVersionError,
    migrate_snapshot,
    migrate_state,
    migrated_row_kind,
    sandbox_from_state,
    snapshot_data,
    snapshot_from,
)
from .version_queries import VersionQueries

# The database's layout: 1 kept each sandbox as one whole document; 2 a core and rows, of documents
# of schema version 1; 3 the same of schema version 2 (each API's part under `packs`, row kinds
# named by pack).
STORE_VERSION = 3

_TABLES = """
CREATE TABLE IF NOT EXISTS minbil_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS minbil_sandboxes (
    token TEXT PRIMARY KEY, user_id TEXT NOT NULL, schema_version INTEGER NOT NULL,
    version BIGINT NOT NULL, state TEXT NOT NULL,
    used_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS minbil_snapshots (
    token TEXT NOT NULL, name TEXT NOT NULL, taken_at TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (token, name)
);
CREATE TABLE IF NOT EXISTS minbil_images (
    id TEXT PRIMARY KEY, content_type TEXT NOT NULL, content BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS minbil_realtime_events (
    id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS minbil_fault_draws (
    token TEXT NOT NULL, rule TEXT NOT NULL, seed BIGINT NOT NULL, n BIGINT NOT NULL,
    PRIMARY KEY (token, rule, seed)
);
CREATE TABLE IF NOT EXISTS minbil_presence (
    origin TEXT NOT NULL, ref TEXT NOT NULL, scope TEXT NOT NULL, room TEXT NOT NULL, key TEXT NOT NULL,
    meta TEXT NOT NULL, PRIMARY KEY (origin, ref)
);
CREATE TABLE IF NOT EXISTS minbil_processes (origin TEXT PRIMARY KEY, seen_at TIMESTAMPTZ NOT NULL);
CREATE TABLE IF NOT EXISTS minbil_journal_answers (
    ask TEXT NOT NULL, origin TEXT NOT NULL, entries TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (ask, origin)
);
CREATE TABLE IF NOT EXISTS minbil_sandbox_rows (
    token TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, pos BIGINT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (token, kind, key)
);
"""
# Every process creating the tables at once would race; one advisory lock makes them take turns.
_SCHEMA_LOCK = 7_315_001
# Replicas started at once on an empty database: one seeds the demo world, the others load it.
_SEED_LOCK = 7_315_002
# A request naming a sandbox tells the database at most this often (seconds): idle expiry asks it.
_TOUCH_EVERY = 60.0
# Idle lock connections kept per process; more writers at once open more and close them after.
_IDLE_LOCK_CONNECTIONS = 8


class Unknown:
    """A stored version not asked for yet."""


UNKNOWN = Unknown()


class StateStoreError(Exception):
    """The database cannot be used; the message says what is wrong and what to do."""


def is_database_url(value: str) -> bool:
    return value.startswith(("postgresql://", "postgres://"))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class PostgresState:
    def __init__(self, url: str, *, connect_timeout: float = 5.0) -> None:
        self.url = url
        self._connect_timeout = connect_timeout
        self._lock = threading.Lock()  # one connection, used by the loop's thread and the build worker
        self._db = self._connect()
        try:
            with self._lock:
                self._db.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
                try:
                    for statement in filter(str.strip, _TABLES.split(";")):
                        self._db.execute(statement)
                    self._check_version()
                finally:
                    self._db.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))
        except BaseException:
            self._db.close()
            raise
        self._stored_tokens: set[str] = set()
        self._stored_snapshots: dict[str, dict[str, str]] = {}
        self._stored_images: set[str] = set()
        self._versions: dict[str, int] = {}  # the version of each sandbox this process holds
        self._written: dict[str, Written] = {}  # what the database holds of it, at that version
        self._touched: dict[str, float] = {}  # when this process last told the database of a use
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._idle_loop: asyncio.AbstractEventLoop | None = None
        # Called inside a commit's transaction with its connection and the tokens it writes or deletes.
        self.committing: Callable[[psycopg.Connection[Any], set[str]], None] | None = None
        self.closing: list[Callable[[], None]] = []  # what else ends with the store's connections
        self.version_queries = VersionQueries(url, connect_timeout)  # the reads' version checks

    def __repr__(self) -> str:
        return f"PostgresState({self.where})"

    @property
    def where(self) -> str:
        """The database, without a password."""
        info = self._db.info
        return f"postgresql://{info.user}@{info.host}:{info.port}/{info.dbname}"

    @property
    def _live(self) -> psycopg.Connection[Any]:
        """The connection, opened again when the database dropped it (a restart, a failover)."""
        if self._db.closed or self._db.broken:
            self._db = self._connect()
        return self._db

    def reconnect(self) -> None:
        """New connections for this process (a worker forked after the world was built)."""
        self._db = self._connect()
        self._idle, self._idle_loop = [], None
        self.version_queries.reopen()

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=int(self._connect_timeout))
        except psycopg.Error as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise StateStoreError(
                f"--state: cannot connect to the database ({reason}). Check the URL, that PostgreSQL "
                "runs and that the database exists (createdb NAME)."
            ) from None

    def _check_version(self) -> None:
        self._live.execute(
            "INSERT INTO minbil_meta VALUES ('schema_version', %s) ON CONFLICT DO NOTHING",
            (str(STORE_VERSION),),
        )
        row = self._live.execute("SELECT value FROM minbil_meta WHERE key = 'schema_version'").fetchone()
        if row is not None and row[0] in ("1", "2"):
            self._migrate(row[0])
        elif row is not None and row[0] != str(STORE_VERSION):
            raise StateVersionError(
                f"{self.where} was written with state schema version {row[0]}; this mock reads version "
                f"{STORE_VERSION} (and migrates versions 1 and 2). Use another database (or drop the "
                "minbil_* tables of this one)."
            )

    def _migrate(self, layout: str) -> None:
        """Layout 1 or 2 -> 3 (under the schema lock), all or nothing: each sandbox's document (and,
        from layout 1, its rows split off it), its rows' kinds and its snapshots as this version
        writes them."""
        with self._live.transaction():
            stored = self._live.execute("SELECT token, state FROM minbil_sandboxes").fetchall()
            for token, state in stored:
                try:
                    migrated = migrate_state(json.loads(state))
                    core, parts = row_layout.split(migrated) if layout == "1" else (migrated, [])
                except (ValueError, KeyError, TypeError, AttributeError) as error:
                    raise StateStoreError(
                        f"--state {self.where}: the sandbox {token!r} cannot be read "
                        f"({type(error).__name__}: {error}); the database was changed outside the mock."
                    ) from None
                self._live.execute(
                    "UPDATE minbil_sandboxes SET state = %s, schema_version = %s WHERE token = %s",
                    (row_layout.dumps(core), SCHEMA_VERSION, token),
                )
                with self._live.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO minbil_sandbox_rows VALUES (%s, %s, %s, %s, %s)",
                        [(token, *part) for part in parts],
                    )
            if layout == "2":
                kinds = self._live.execute("SELECT DISTINCT kind FROM minbil_sandbox_rows").fetchall()
                for (kind,) in kinds:
                    if migrated_row_kind(kind) != kind:
                        self._live.execute(
                            "UPDATE minbil_sandbox_rows SET kind = %s WHERE kind = %s",
                            (migrated_row_kind(kind), kind),
                        )
            snapshots = self._live.execute("SELECT token, name, data FROM minbil_snapshots").fetchall()
            for token, name, data in snapshots:
                try:
                    snapshot = _dumps(migrate_snapshot(json.loads(data)))
                except (ValueError, KeyError, TypeError, AttributeError) as error:
                    raise StateStoreError(
                        f"--state {self.where}: the snapshot {name!r} of {token!r} cannot be read "
                        f"({type(error).__name__}: {error}); the database was changed outside the mock."
                    ) from None
                self._live.execute(
                    "UPDATE minbil_snapshots SET data = %s WHERE token = %s AND name = %s",
                    (snapshot, token, name),
                )
            self._live.execute(
                "UPDATE minbil_meta SET value = %s WHERE key = 'schema_version'", (str(STORE_VERSION),)
            )

    def export_secret(self) -> bytes:
        """The key export tokens are signed with: one for every process, kept across restarts."""
        with self._lock:
            self._live.execute(
                "INSERT INTO minbil_meta VALUES ('export_secret', %s) ON CONFLICT DO NOTHING",
                (secrets.token_bytes(32).hex(),),
            )
            row = self._live.execute("SELECT value FROM minbil_meta WHERE key = 'export_secret'").fetchone()
            assert row is not None
            return bytes.fromhex(row[0])

    # --- whole world ---------------------------------------------------------------------------

    @property
    def seeded(self) -> bool:
        """True once a world was written here: start-up then loads it instead of seeding anew."""
        with self._lock:
            row = self._live.execute("SELECT 1 FROM minbil_meta WHERE key = 'seeded'").fetchone()
        return row is not None

    @contextmanager
    def seeding(self) -> Iterator[None]:
        """Held while this process decides whether to seed and seeds: another process starting at
        the same time waits, then finds the world seeded (`seeded`) and loads it instead."""
        connection = self._connect()  # its own: the lock lasts as long as this session
        try:
            connection.execute("SELECT pg_advisory_lock(%s)", (_SEED_LOCK,))
            yield
        finally:
            connection.close()  # ends the session, and with it the lock

    def mark_seeded(self) -> None:
        with self._lock:
            self._live.execute("INSERT INTO minbil_meta VALUES ('seeded', '1') ON CONFLICT DO NOTHING")

    def load_sandboxes(self) -> list[Sandbox]:
        with self._lock:
            rows = self._live.execute(
                "SELECT token, user_id, version, state FROM minbil_sandboxes ORDER BY token"
            ).fetchall()
            snapshots = self._live.execute(
                "SELECT token, name, taken_at, data FROM minbil_snapshots ORDER BY token, name"
            ).fetchall()
            parts = self._live.execute(
                "SELECT token, kind, key, pos, data FROM minbil_sandbox_rows"
            ).fetchall()
        by_token: dict[str, list[tuple[str, str, str]]] = {}
        for token, name, taken_at, data in snapshots:
            by_token.setdefault(token, []).append((name, taken_at, data))
        parts_of: dict[str, list[tuple[str, str, int, str]]] = {}
        for token, kind, key, pos, data in parts:
            parts_of.setdefault(token, []).append((kind, key, pos, data))
        return [
            self._sandbox(token, user_id, version, state, parts_of.get(token, []), by_token.get(token, []))
            for token, user_id, version, state in rows
        ]

    def _sandbox(
        self,
        token: str,
        user_id: str,
        version: int,
        state: str,
        parts: list[tuple[str, str, int, str]],
        snapshots: list[tuple[str, str, str]],
    ) -> Sandbox:
        try:
            whole, positions = row_layout.join(json.loads(state), parts)
            sandbox = sandbox_from_state(token, UUID(user_id), whole)
            written = row_layout.written_of(sandbox, positions)
            for _, _, data in snapshots:
                snapshot = snapshot_from(json.loads(data))
                sandbox.snapshots[snapshot.name] = snapshot
        except StateVersionError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise StateStoreError(
                f"--state {self.where}: the sandbox {token!r} cannot be read ({type(error).__name__}: "
                f"{error}); the database was changed outside the mock."
            ) from None
        self._stored_tokens.add(token)
        self._stored_snapshots[token] = {name: taken_at for name, taken_at, _ in snapshots}
        self._versions[token] = version
        self._written[token] = written
        return sandbox

    def load_images(self) -> list[StoredImage]:
        with self._lock:
            rows = self._live.execute("SELECT id, content_type, content FROM minbil_images").fetchall()
        self._stored_images |= {row[0] for row in rows}
        return [StoredImage(id=row[0], content_type=row[1], content=bytes(row[2])) for row in rows]

    def load_image(self, image_id: str) -> StoredImage | None:
        """An image another process stored (a sandbox of ours shows it, or it is asked for by URL)."""
        with self._lock:
            row = self._live.execute(
                "SELECT id, content_type, content FROM minbil_images WHERE id = %s", (image_id,)
            ).fetchone()
        if row is None:
            return None
        self._stored_images.add(row[0])
        return StoredImage(id=row[0], content_type=row[1], content=bytes(row[2]))

    # --- several processes -------------------------------------------------------------------------

    def stored_version(self, token: str) -> int | None:
        with self._lock:
            row = self._live.execute(
                "SELECT version FROM minbil_sandboxes WHERE token = %s", (token,)
            ).fetchone()
        return None if row is None else row[0]

    def held_version(self, token: str) -> int | None:
        """The stored version this process's sandbox of `token` is (None: none, or not committed)."""
        return self._versions.get(token)

    def refresh(
        self,
        token: str,
        sandboxes: SandboxRegistry,
        dropped: Callable[[str], None] = lambda token: None,
        *,
        version: int | Unknown | None = UNKNOWN,
    ) -> Sandbox | None:
        """Make this process's sandbox of `token` the stored one: loaded when another process changed
        or made it, dropped (`dropped(token)` told) when another process deleted it. One query when
        nothing changed; none when the stored `version` (None: not stored) was asked already."""
        if isinstance(version, Unknown):
            version = self.stored_version(token)
        known = self._versions.get(token)
        if version == known:
            return sandboxes.peek(token)
        if version is None:
            # Deleted by another process; a sandbox made here and not yet committed is kept.
            if token in self._stored_tokens:
                self._forget(token)
                sandboxes.remove(token)
                dropped(token)
            return sandboxes.peek(token)
        fresh = self.load_sandbox(token)
        if fresh is not None:
            sandboxes.remove(token)
            sandboxes.add(fresh)
        return fresh

    def load_sandbox(self, token: str) -> Sandbox | None:
        """The stored sandbox of `token` (None: there is none), with its snapshots."""
        with self._lock:
            row = self._live.execute(
                "SELECT user_id, version, state FROM minbil_sandboxes WHERE token = %s", (token,)
            ).fetchone()
            if row is None:
                return None
            snapshots = self._live.execute(
                "SELECT name, taken_at, data FROM minbil_snapshots WHERE token = %s ORDER BY name", (token,)
            ).fetchall()
            parts = self._live.execute(
                "SELECT kind, key, pos, data FROM minbil_sandbox_rows WHERE token = %s", (token,)
            ).fetchall()
        return self._sandbox(token, row[0], row[1], row[2], parts, snapshots)

    def unknown_tokens(self, known: Iterable[str]) -> list[str]:
        """Stored tokens this process does not hold (made by another process)."""
        with self._lock:
            rows = self._live.execute("SELECT token FROM minbil_sandboxes").fetchall()
        held = set(known)
        return [row[0] for row in rows if row[0] not in held]

    def touch(self, token: str) -> None:
        """A request named the sandbox: noted in the database once a minute at most, so a process
        sweeping idle sandboxes spares those that are used through another process."""
        now = time.monotonic()
        if now - self._touched.get(token, -_TOUCH_EVERY) < _TOUCH_EVERY:
            return
        self._touched[token] = now
        with self._lock:
            self._live.execute("UPDATE minbil_sandboxes SET used_at = now() WHERE token = %s", (token,))

    def used_within(self, tokens: list[str], seconds: float) -> set[str]:
        """Those of `tokens` that some process used within the last `seconds`."""
        with self._lock:
            rows = self._live.execute(
                "SELECT token FROM minbil_sandboxes WHERE token = ANY(%s)"
                " AND used_at > now() - make_interval(secs => %s)",
                (tokens, seconds),
            ).fetchall()
        return {row[0] for row in rows}

    def tokens_kept(self, sandboxes: SandboxRegistry) -> set[str]:
        """Every sandbox of the world: those the store keeps, whichever process made them, less
        those deleted here and not yet committed, and those made here not yet committed. (A
        sandbox this process holds and another deleted is not counted.)"""
        with self._lock:
            rows = self._live.execute("SELECT token FROM minbil_sandboxes").fetchall()
        stored = {row[0] for row in rows if not self.pending_delete(row[0], sandboxes)}
        return stored | {sandbox.token for sandbox in sandboxes if sandbox.token not in self._stored_tokens}

    def stored_bytes(self) -> int:
        """What the store keeps of snapshots and images, for every process's sandboxes."""
        with self._lock:
            row = self._live.execute(
                "SELECT (SELECT coalesce(sum(octet_length(data)), 0) FROM minbil_snapshots)"
                " + (SELECT coalesce(sum(octet_length(content)), 0) FROM minbil_images)"
            ).fetchone()
        assert row is not None
        return int(row[0])

    def next_draw(self, token: str, rule: str, seed: int) -> int:
        """The number of requests a sandbox's fault rule has matched, this one included, on every
        process (its random draws are seeded with it)."""
        with self._lock:
            row = self._live.execute(
                "INSERT INTO minbil_fault_draws VALUES (%s, %s, %s, 1) ON CONFLICT (token, rule, seed)"
                " DO UPDATE SET n = minbil_fault_draws.n + 1 RETURNING n",
                (token, rule, seed),
            ).fetchone()
        assert row is not None
        return int(row[0])

    def forget_draws(self, token: str) -> None:
        with self._lock:
            self._live.execute("DELETE FROM minbil_fault_draws WHERE token = %s", (token,))

    def pending_delete(self, token: str, sandboxes: SandboxRegistry) -> bool:
        """This process deleted the sandbox and has not committed that yet: it must not come back."""
        return token in self._stored_tokens and sandboxes.peek(token) is None

    def _forget(self, token: str) -> None:
        self._stored_tokens.discard(token)
        self._stored_snapshots.pop(token, None)
        self._versions.pop(token, None)
        self._written.pop(token, None)

    @asynccontextmanager
    async def locked(self, token: str) -> AsyncIterator[None]:
        """Hold the sandbox's lock across every process sharing the database for the block."""
        connection = await self._lock_connection()
        try:
            await connection.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (token,))
        except BaseException:
            await self._discard(connection)
            raise
        try:
            yield
        finally:
            try:
                await connection.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (token,))
            except BaseException:
                await self._discard(connection)  # the session ends, and its locks with it
                raise
            self._give_back(connection)

    async def _lock_connection(self) -> psycopg.AsyncConnection[Any]:
        loop = asyncio.get_running_loop()
        if self._idle_loop is not loop:  # connections belong to the loop that opened them
            stale, self._idle, self._idle_loop = self._idle, [], loop
            for connection in stale:
                connection.pgconn.finish()
        if self._idle:
            return self._idle.pop()
        try:
            return await psycopg.AsyncConnection.connect(
                self.url, autocommit=True, connect_timeout=int(self._connect_timeout)
            )
        except psycopg.Error as error:
            raise StateStoreError(f"the state database cannot be reached ({error})") from None

    def _give_back(self, connection: psycopg.AsyncConnection[Any]) -> None:
        if len(self._idle) < _IDLE_LOCK_CONNECTIONS and not connection.closed:
            self._idle.append(connection)
        else:
            connection.pgconn.finish()

    async def _discard(self, connection: psycopg.AsyncConnection[Any]) -> None:
        try:
            await asyncio.shield(connection.close())
        except BaseException:
            connection.pgconn.finish()

    def ready(self) -> bool:
        """The database answers (readiness)."""
        try:
            with self._lock:
                self._live.execute("SELECT 1")
        except (psycopg.Error, StateStoreError):
            return False
        return True

    # --- writes ----------------------------------------------------------------------------------

    def sync(self, sandboxes: SandboxRegistry, tokens: Iterable[str], images: Iterable[StoredImage]) -> None:
        """Save the sandboxes of `tokens`, every sandbox added or removed here since the last sync, new
        images, and forget images no longer kept — in one transaction."""
        current = {sandbox.token: sandbox for sandbox in sandboxes}
        to_save = {t for t in tokens if t in current} | (current.keys() - self._stored_tokens)
        to_delete = self._stored_tokens - current.keys()
        images = list(images)
        new_images = [image for image in images if image.id not in self._stored_images]
        freed_images = self._stored_images - {image.id for image in images}
        versions: dict[str, int] = {}
        snapshots: dict[str, dict[str, str]] = {}
        plans: dict[str, row_layout.Plan] = {}
        with self._lock:
            try:
                self._commit(
                    current, to_save, to_delete, new_images, freed_images, versions, snapshots, plans
                )
            except BaseException:
                for plan in plans.values():
                    plan.give_back()
                raise
        for token in to_delete:
            self._forget(token)
        self._stored_tokens |= to_save
        self._versions.update(versions)
        self._stored_snapshots.update(snapshots)
        self._written.update((token, plan.written) for token, plan in plans.items())
        self._stored_images = (self._stored_images - freed_images) | {image.id for image in new_images}

    def _commit(
        self,
        current: dict[str, Sandbox],
        to_save: set[str],
        to_delete: set[str],
        new_images: list[StoredImage],
        freed_images: set[str],
        versions: dict[str, int],
        snapshots: dict[str, dict[str, str]],
        plans: dict[str, row_layout.Plan],
    ) -> None:
        with self._live.transaction():
            for token in to_delete:
                self._live.execute("DELETE FROM minbil_sandboxes WHERE token = %s", (token,))
                self._live.execute("DELETE FROM minbil_sandbox_rows WHERE token = %s", (token,))
                self._live.execute("DELETE FROM minbil_snapshots WHERE token = %s", (token,))
            for token in to_save:
                versions[token], snapshots[token], plans[token] = self._write(current[token])
            for image in new_images:
                self._live.execute(
                    "INSERT INTO minbil_images VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    (image.id, image.content_type, image.content),
                )
            for image_id in freed_images:
                # Freed here; kept while a sandbox this process does not hold still shows it.
                self._live.execute(
                    "DELETE FROM minbil_images WHERE id = %s"
                    " AND NOT EXISTS (SELECT 1 FROM minbil_sandboxes WHERE strpos(state, %s) > 0)"
                    " AND NOT EXISTS (SELECT 1 FROM minbil_sandbox_rows WHERE strpos(data, %s) > 0)"
                    " AND NOT EXISTS (SELECT 1 FROM minbil_snapshots WHERE strpos(data, %s) > 0)",
                    (image_id, image_id, image_id, image_id),
                )
            if self.committing is not None:
                self.committing(self._live, to_save | to_delete)

    def _write(self, sandbox: Sandbox) -> tuple[int, dict[str, str], row_layout.Plan]:
        """The sandbox's core and the rows that changed since the version this process holds (a
        writer holds the sandbox's lock and refreshed it first, so that is the stored version)."""
        plan = row_layout.plan(sandbox, self._written.get(sandbox.token))
        row = self._live.execute(
            "INSERT INTO minbil_sandboxes (token, user_id, schema_version, version, state)"
            " VALUES (%s, %s, %s, 1, %s) ON CONFLICT (token) DO UPDATE SET"
            " user_id = EXCLUDED.user_id, schema_version = EXCLUDED.schema_version,"
            " state = EXCLUDED.state, version = minbil_sandboxes.version + 1 RETURNING version",
            (sandbox.token, str(sandbox.user_id), SCHEMA_VERSION, plan.core),
        ).fetchone()
        assert row is not None
        with self._live.cursor() as cursor:
            for kind in plan.rewrite:
                cursor.execute(
                    "DELETE FROM minbil_sandbox_rows WHERE token = %s AND kind = %s", (sandbox.token, kind)
                )
            if plan.deletes:
                cursor.executemany(
                    "DELETE FROM minbil_sandbox_rows WHERE token = %s AND kind = %s AND key = %s",
                    [(sandbox.token, kind, key) for kind, key in plan.deletes],
                )
            if plan.upserts:
                cursor.executemany(
                    "INSERT INTO minbil_sandbox_rows VALUES (%s, %s, %s, %s, %s)"
                    " ON CONFLICT (token, kind, key) DO UPDATE SET pos = EXCLUDED.pos, data = EXCLUDED.data",
                    [(sandbox.token, *part) for part in plan.upserts],
                )
        # Snapshots never change once taken; only new, replaced or deleted ones are written.
        stored = self._stored_snapshots.get(sandbox.token, {})
        wanted = {name: snapshot.taken_at.isoformat() for name, snapshot in sandbox.snapshots.items()}
        for name in stored.keys() - wanted.keys():
            self._live.execute(
                "DELETE FROM minbil_snapshots WHERE token = %s AND name = %s", (sandbox.token, name)
            )
        for name, taken_at in wanted.items():
            if stored.get(name) != taken_at:
                self._live.execute(
                    "INSERT INTO minbil_snapshots VALUES (%s, %s, %s, %s) ON CONFLICT (token, name)"
                    " DO UPDATE SET taken_at = EXCLUDED.taken_at, data = EXCLUDED.data",
                    (sandbox.token, name, taken_at, _dumps(snapshot_data(sandbox.snapshots[name]))),
                )
        return row[0], wanted, plan

    def run(self, work: Callable[[psycopg.Connection[Any]], Any]) -> Any:
        """`work(connection)` in one transaction on the store's connection (another thread may ask)."""
        with self._lock, self._live.transaction():
            return work(self._live)

    def close(self) -> None:
        for stop in self.closing:
            stop()
        for connection in self._idle:
            connection.pgconn.finish()
        self._idle = []
        self.version_queries.close()
        with self._lock:
            self._db.close()

    def detach(self) -> None:
        """Drop the connections without a word to the server (before fork; `reconnect` after)."""
        self._db.pgconn.finish()
        self._idle = []
        self.version_queries.detach()
