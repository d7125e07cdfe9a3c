"""`--state FILE`: every sandbox, its snapshots and the uploaded images in one SQLite file.

Each sandbox is stored as a small core JSON document and one row per item its packs keep as rows
(CarOwner's vehicles, links and service-log entries: store/row_layout.py), so a change writes what
changed. The file's layout version is kept in it: a file of an earlier layout (1: one whole
document per sandbox; 2: CarOwner's part at the top of each document, rows of kinds "vehicle",
"link", "entry") is migrated when opened, in one transaction; one written by a newer mock is
refused with a clear message instead of being misread. Writes are committed before the answer that
caused them goes out (see mock_server/persistence.py); WAL mode keeps those commits cheap and safe
against the process being killed.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

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

# The file's layout: 1 kept each sandbox as one whole document; 2 a core and rows, of documents of
# schema version 1; 3 the same of schema version 2 (each API's part under `packs`, row kinds named
# by pack).
STORE_VERSION = 3
_ROWS_TABLE = """
CREATE TABLE IF NOT EXISTS sandbox_rows (
    token TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, pos INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (token, kind, key)
);
"""

_TABLES = (
    """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sandboxes (
    token TEXT PRIMARY KEY, user_id TEXT NOT NULL, schema_version INTEGER NOT NULL, state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
    token TEXT NOT NULL, name TEXT NOT NULL, taken_at TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (token, name)
);
CREATE TABLE IF NOT EXISTS images (id TEXT PRIMARY KEY, content_type TEXT NOT NULL, content BLOB NOT NULL);
"""
    + _ROWS_TABLE
)


_TABLE_NAMES = frozenset({"meta", "sandboxes", "snapshots", "images", "sandbox_rows"})
_WHAT_TO_DO = "Restore it from a backup (with its -wal file), or start with another --state file."


class StateFileError(Exception):
    """The state file cannot be used as it is; the message says what is wrong and what to do.
    Nothing in the file was changed."""


class SqliteState:
    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.parent.is_dir():
            raise StateFileError(
                f"--state {path}: the folder {path.parent} does not exist. Create it, or choose a file "
                "in a folder that exists."
            )
        if path.is_dir():
            raise StateFileError(
                f"--state {path} is a folder; name a file (for example {path / 'world.sqlite'})."
            )
        # The app may run its handlers in another thread than the one that opened the file
        # (test clients do); one lock serialises every use of the one connection.
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        except sqlite3.Error as error:
            raise StateFileError(f"--state {path} cannot be opened ({error}).") from None
        try:
            with self._lock:
                self._open()
            self._stored_tokens = {row[0] for row in self._db.execute("SELECT token FROM sandboxes")}
            self._stored_snapshots: dict[str, dict[str, str]] = {}
            for token, name, taken_at in self._db.execute("SELECT token, name, taken_at FROM snapshots"):
                self._stored_snapshots.setdefault(token, {})[name] = taken_at
            self._stored_images = {row[0] for row in self._db.execute("SELECT id FROM images")}
            # What the file holds of each sandbox, as of the last commit (loaded or written here).
            self._written: dict[str, Written] = {}
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise StateFileError(
                f"--state {path} is not a readable MinBil state file (SQLite: {error}); it may be cut "
                f"short or overwritten. {_WHAT_TO_DO}"
            ) from None
        except BaseException:
            self._db.close()
            raise

    def _open(self) -> None:
        """Create the tables in a new file; refuse a file that has only some of them or is damaged."""
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and not tables & _TABLE_NAMES:
            raise StateFileError(
                f"--state {self.path} is the SQLite file of something else (tables: "
                f"{', '.join(sorted(tables))}). Choose another file; this one was not changed."
            )
        version = None
        if "meta" in tables:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = None if row is None else row[0]
        missing = set(_TABLE_NAMES - tables) if tables else set()
        if version == "1":
            missing.discard("sandbox_rows")  # the earlier layout had none: made by the migration
        if missing:
            raise StateFileError(
                f"--state {self.path} has lost its {', '.join(sorted(missing))} table(s): it was changed "
                f"outside the mock, and starting would lose data. {_WHAT_TO_DO}"
            )
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise StateFileError(f"--state {self.path} is damaged (SQLite: {problems[0]}). {_WHAT_TO_DO}")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        if not tables:
            self._db.executescript(_TABLES)
        self._check_version()

    def _check_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(STORE_VERSION),))
        elif row[0] in ("1", "2"):
            self._migrate(row[0])
        elif row[0] != str(STORE_VERSION):
            raise StateVersionError(
                f"{self.path} was written with state schema version {row[0]}; this mock reads version "
                f"{STORE_VERSION} (and migrates versions 1 and 2). Start with another --state file (or "
                "delete this one)."
            )

    def _migrate(self, layout: str) -> None:
        """Layout 1 or 2 -> 3, all or nothing: each sandbox's document (and, from layout 1, its rows
        split off it), its rows' kinds and its snapshots as this version writes them."""
        self._db.execute("BEGIN")
        try:
            if layout == "1":
                self._db.execute(_ROWS_TABLE)
            rows = self._db.execute("SELECT token, state FROM sandboxes").fetchall()
            for token, state in rows:
                try:
                    migrated = migrate_state(json.loads(state))
                    core, parts = row_layout.split(migrated) if layout == "1" else (migrated, [])
                except (ValueError, KeyError, TypeError, AttributeError) as error:
                    raise StateFileError(
                        f"--state {self.path}: the sandbox {token!r} cannot be read ({type(error).__name__}: "
                        f"{error}); the file was changed outside the mock. {_WHAT_TO_DO}"
                    ) from None
                self._db.execute(
                    "UPDATE sandboxes SET state = ?, schema_version = ? WHERE token = ?",
                    (row_layout.dumps(core), SCHEMA_VERSION, token),
                )
                self._db.executemany(
                    "INSERT INTO sandbox_rows VALUES (?, ?, ?, ?, ?)", [(token, *part) for part in parts]
                )
            if layout == "2":
                kinds = self._db.execute("SELECT DISTINCT kind FROM sandbox_rows").fetchall()
                self._db.executemany(
                    "UPDATE sandbox_rows SET kind = ? WHERE kind = ?",
                    [(migrated_row_kind(kind), kind) for (kind,) in kinds if migrated_row_kind(kind) != kind],
                )
            for token, name, data in self._db.execute("SELECT token, name, data FROM snapshots").fetchall():
                try:
                    snapshot = row_layout.dumps(migrate_snapshot(json.loads(data)))
                except (ValueError, KeyError, TypeError, AttributeError) as error:
                    raise StateFileError(
                        f"--state {self.path}: the snapshot {name!r} of {token!r} cannot be read "
                        f"({type(error).__name__}: {error}); the file was changed outside the mock. "
                        f"{_WHAT_TO_DO}"
                    ) from None
                self._db.execute(
                    "UPDATE snapshots SET data = ? WHERE token = ? AND name = ?", (snapshot, token, name)
                )
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(STORE_VERSION),))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def export_secret(self) -> bytes:
        """The key export tokens are signed with, kept here so tokens stay valid across a restart."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'export_secret'").fetchone()
            if row is not None:
                return bytes.fromhex(row[0])
            secret = secrets.token_bytes(32)
            self._db.execute("INSERT INTO meta VALUES ('export_secret', ?)", (secret.hex(),))
            return secret

    # --- whole world ---------------------------------------------------------------------------

    @property
    def seeded(self) -> bool:
        """True once a world was written here: start-up then restores it instead of seeding anew."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'seeded'").fetchone()
        return row is not None

    @contextmanager
    def seeding(self) -> Iterator[None]:
        """One process owns the file: nobody else can be seeding it."""
        yield

    def mark_seeded(self) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('seeded', '1')")
            # The seeded world goes into the file itself, not only into its -wal file.
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def load_sandboxes(self) -> list[Sandbox]:
        sandboxes = []
        stored = self._db.execute("SELECT token, user_id, state FROM sandboxes ORDER BY rowid").fetchall()
        for token, user_id, state in stored:
            try:
                rows = self._db.execute(
                    "SELECT kind, key, pos, data FROM sandbox_rows WHERE token = ?", (token,)
                ).fetchall()
                whole, positions = row_layout.join(json.loads(state), rows)
                sandbox = sandbox_from_state(token, UUID(user_id), whole)
                self._written[token] = row_layout.written_of(sandbox, positions)
                for (data,) in self._db.execute(
                    "SELECT data FROM snapshots WHERE token = ? ORDER BY rowid", (token,)
                ):
                    snapshot = snapshot_from(json.loads(data))
                    sandbox.snapshots[snapshot.name] = snapshot
            except StateVersionError:
                raise
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise StateFileError(
                    f"--state {self.path}: the sandbox {token!r} cannot be read ({type(error).__name__}: "
                    f"{error}); the file was changed outside the mock. {_WHAT_TO_DO}"
                ) from None
            sandboxes.append(sandbox)
        return sandboxes

    def load_images(self) -> list[StoredImage]:
        rows = self._db.execute("SELECT id, content_type, content FROM images").fetchall()
        return [StoredImage(id=row[0], content_type=row[1], content=bytes(row[2])) for row in rows]

    # --- writes ----------------------------------------------------------------------------------

    def sync(self, sandboxes: SandboxRegistry, tokens: Iterable[str], images: Iterable[StoredImage]) -> None:
        """Save the sandboxes of `tokens`, every sandbox added or removed since the last sync, new
        images, and forget images no longer kept — in one transaction."""
        current = {sandbox.token: sandbox for sandbox in sandboxes}
        to_save = {t for t in tokens if t in current} | (current.keys() - self._stored_tokens)
        to_delete = self._stored_tokens - current.keys()
        images = list(images)
        new_images = [image for image in images if image.id not in self._stored_images]
        freed_images = self._stored_images - {image.id for image in images}
        plans: dict[str, row_layout.Plan] = {}
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for token in to_delete:
                    self._db.execute("DELETE FROM sandboxes WHERE token = ?", (token,))
                    self._db.execute("DELETE FROM sandbox_rows WHERE token = ?", (token,))
                    self._db.execute("DELETE FROM snapshots WHERE token = ?", (token,))
                for token in to_save:
                    plans[token] = self._write(current[token])
                for image_id in freed_images:
                    self._db.execute("DELETE FROM images WHERE id = ?", (image_id,))
                for image in new_images:
                    self._db.execute(
                        "INSERT OR REPLACE INTO images VALUES (?, ?, ?)",
                        (image.id, image.content_type, image.content),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                for plan in plans.values():
                    plan.give_back()
                raise
        self._stored_tokens = (self._stored_tokens - to_delete) | to_save
        for token in to_delete:
            self._stored_snapshots.pop(token, None)
            self._written.pop(token, None)
        for token, plan in plans.items():
            self._written[token] = plan.written
        self._stored_images = (self._stored_images - freed_images) | {image.id for image in new_images}

    def _write(self, sandbox: Sandbox) -> row_layout.Plan:
        """The sandbox's core and the rows that changed since the last commit."""
        plan = row_layout.plan(sandbox, self._written.get(sandbox.token))
        self._db.execute(
            "INSERT INTO sandboxes VALUES (?, ?, ?, ?) ON CONFLICT (token) DO UPDATE SET"
            " user_id = excluded.user_id, schema_version = excluded.schema_version, state = excluded.state",
            (sandbox.token, str(sandbox.user_id), SCHEMA_VERSION, plan.core),
        )
        for kind in plan.rewrite:
            self._db.execute("DELETE FROM sandbox_rows WHERE token = ? AND kind = ?", (sandbox.token, kind))
        self._db.executemany(
            "DELETE FROM sandbox_rows WHERE token = ? AND kind = ? AND key = ?",
            [(sandbox.token, kind, key) for kind, key in plan.deletes],
        )
        self._db.executemany(
            "INSERT INTO sandbox_rows VALUES (?, ?, ?, ?, ?) ON CONFLICT (token, kind, key) DO UPDATE SET"
            " pos = excluded.pos, data = excluded.data",
            [(sandbox.token, *row) for row in plan.upserts],
        )
        # Snapshots never change once taken; only new, replaced or deleted ones are written.
        stored = self._stored_snapshots.setdefault(sandbox.token, {})
        wanted = {name: snapshot.taken_at.isoformat() for name, snapshot in sandbox.snapshots.items()}
        for name in stored.keys() - wanted.keys():
            self._db.execute("DELETE FROM snapshots WHERE token = ? AND name = ?", (sandbox.token, name))
        for name, taken_at in wanted.items():
            if stored.get(name) != taken_at:
                data = json.dumps(
                    snapshot_data(sandbox.snapshots[name]), ensure_ascii=False, separators=(",", ":")
                )
                self._db.execute(
                    "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?)",
                    (sandbox.token, name, taken_at, data),
                )
        self._stored_snapshots[sandbox.token] = wanted
        return plan

    def close(self) -> None:
        """Fold the -wal file back into the file (which then holds everything) and close it."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.close()
