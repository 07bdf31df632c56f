"""The sandbox's memory: SQLite (WAL) for records, a content-addressed folder for image bytes.

One `Store` per sandbox instance, one connection guarded by a lock, so the event loop, worker
threads and test threads can all use it. WAL plus a busy timeout lets `retouchdesk sandbox
credits add` write from another process while the server runs. Balance changes are single
UPDATE statements, so concurrent top-ups and charges never lose an update.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.sandbox.clock import iso_ms

log = logging.getLogger(__name__)

DB_NAME = "sandbox.sqlite3"
BLOB_DIR = "blobs"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL, members TEXT NOT NULL,
    balance INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS uploads (
    org_id TEXT NOT NULL, content_hash TEXT NOT NULL, content_type TEXT NOT NULL,
    size INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
    created_at TEXT NOT NULL, PRIMARY KEY (org_id, content_hash));
CREATE TABLE IF NOT EXISTS executions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL, org_id TEXT NOT NULL, workflow_id TEXT NOT NULL,
    workflow_version TEXT NOT NULL, workflow_name TEXT NOT NULL, status TEXT NOT NULL,
    user_id TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
    input_file_name TEXT NOT NULL, input_content_hash TEXT NOT NULL,
    input_content_type TEXT NOT NULL, result_content_hash TEXT, result_content_type TEXT,
    result_file_name TEXT, labels TEXT NOT NULL, settings TEXT NOT NULL, webhooks TEXT NOT NULL,
    charged_credits INTEGER NOT NULL DEFAULT 0, free_retry INTEGER NOT NULL DEFAULT 0,
    batch_id TEXT, batch_name TEXT, batch_created_at TEXT, feedback TEXT);
CREATE INDEX IF NOT EXISTS executions_org ON executions (org_id, seq);
CREATE INDEX IF NOT EXISTS executions_result ON executions (result_content_hash);
CREATE TABLE IF NOT EXISTS refresh_tokens (
    token TEXT PRIMARY KEY, user_id TEXT NOT NULL, org_id TEXT NOT NULL,
    created_at TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS device_codes (
    device_code TEXT PRIMARY KEY, user_code TEXT UNIQUE NOT NULL, state TEXT NOT NULL,
    expires_at REAL NOT NULL, interval INTEGER NOT NULL, last_poll REAL,
    expiry_reported INTEGER NOT NULL DEFAULT 0);
"""

# The seeded organization: "Sandbox Studio" with two members. The first one is who signs in.
SIGNED_IN_USER = "sandbox|anna-berger"
_MEMBERS = [
    {
        "id": SIGNED_IN_USER,
        "givenName": "Anna",
        "familyName": "Berger",
        "email": "anna@sandbox-studio.example",
        "picture": "https://www.gravatar.com/avatar/00000000000000000000000000000000",
        "roles": ["admin"],
    },
    {
        "id": "sandbox|tom-okafor",
        "givenName": "Tom",
        "familyName": "Okafor",
        "email": "tom@sandbox-studio.example",
        "picture": "https://www.gravatar.com/avatar/11111111111111111111111111111111",
        "roles": ["operator"],
    },
]

Row = dict[str, Any]


@dataclass(frozen=True)
class ExecutionFilter:
    workflow_id: str | None = None
    batch_name: str | None = None
    status: str | None = None
    input_file_name: str | None = None
    no_batch: bool = False


class Store:
    def __init__(self, data_dir: Path, initial_credits: int = 5000) -> None:
        self.data_dir = data_dir
        self.blob_dir = data_dir / BLOB_DIR
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            data_dir / DB_NAME, timeout=10.0, check_same_thread=False, isolation_level=None
        )
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(_SCHEMA)
        self._seed(initial_credits)
        org = self._one("SELECT id FROM organizations ORDER BY rowid LIMIT 1")
        assert org is not None
        self.org_id: str = org["id"]
        self.user_id = SIGNED_IN_USER

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- plumbing ------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock up front, so two processes opening a fresh
        # folder at once cannot both seed it.
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
        with self._lock:
            row = self._db.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        with self._lock:
            return [dict(r) for r in self._db.execute(sql, params).fetchall()]

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    def _seed(self, initial_credits: int) -> None:
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM organizations LIMIT 1").fetchone():
                return
            db.execute(
                "INSERT INTO organizations (id, name, version, members, balance) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    str(uuid.uuid4()),
                    "Sandbox Studio",
                    str(uuid.uuid4()),
                    json.dumps(_MEMBERS),
                    initial_credits,
                ),
            )
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('jwt_secret', ?)",
                (secrets.token_urlsafe(48),),
            )
        log.info("seeded a new sandbox in %s", self.data_dir)

    # -- meta, organizations, credits ------------------------------------------------------------

    def jwt_secret(self) -> bytes:
        row = self._one("SELECT value FROM meta WHERE key = 'jwt_secret'")
        assert row is not None
        return str(row["value"]).encode()

    def organizations(self) -> list[Row]:
        rows = self._all("SELECT id, name, version, members FROM organizations ORDER BY rowid")
        for row in rows:
            row["members"] = json.loads(row["members"])
        return rows

    def balance(self, org_id: str) -> int:
        row = self._one("SELECT balance FROM organizations WHERE id = ?", (org_id,))
        return int(row["balance"]) if row else 0

    def add_credits(self, org_id: str, amount: int) -> int:
        with self._transaction() as db:
            db.execute(
                "UPDATE organizations SET balance = balance + ? WHERE id = ?", (amount, org_id)
            )
            row = db.execute("SELECT balance FROM organizations WHERE id = ?", (org_id,)).fetchone()
        return int(row["balance"])

    def try_charge(self, org_id: str, amount: int) -> bool:
        """Takes `amount` credits only if the balance covers it (one atomic statement)."""
        changed = self._write(
            "UPDATE organizations SET balance = balance - ? WHERE id = ? AND balance >= ?",
            (amount, org_id, amount),
        )
        return changed == 1

    # -- blobs -----------------------------------------------------------------------------------

    def blob_path(self, content_hash: str) -> Path:
        return self.blob_dir / content_hash[:2] / content_hash

    def put_blob(self, content_hash: str, data: bytes) -> None:
        """Stores bytes under their SHA-256 (computed by the caller). Safe from any thread."""
        path = self.blob_path(content_hash)
        if path.is_file():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # -- uploads ---------------------------------------------------------------------------------

    def record_upload(
        self, org_id: str, content_hash: str, content_type: str, size: int, width: int, height: int
    ) -> None:
        self._write(
            "INSERT OR IGNORE INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?)",
            (org_id, content_hash, content_type, size, width, height, iso_ms()),
        )

    def upload(self, org_id: str, content_hash: str) -> Row | None:
        return self._one(
            "SELECT * FROM uploads WHERE org_id = ? AND content_hash = ?", (org_id, content_hash)
        )

    # -- executions ------------------------------------------------------------------------------

    def insert_execution(self, row: Row) -> None:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self._write(f"INSERT INTO executions ({columns}) VALUES ({marks})", tuple(row.values()))

    def execution(self, execution_id: str) -> Row | None:
        return self._one("SELECT * FROM executions WHERE id = ?", (execution_id,))

    def update_execution(self, execution_id: str, **fields: Any) -> None:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._write(
            f"UPDATE executions SET {assignments} WHERE id = ?", (*fields.values(), execution_id)
        )

    def list_executions(
        self, org_id: str, filters: ExecutionFilter, limit: int, offset: int
    ) -> tuple[list[Row], int]:
        where = ["org_id = ?"]
        params: list[Any] = [org_id]
        for column, value in (
            ("workflow_id", filters.workflow_id),
            ("batch_name", filters.batch_name),
            ("status", filters.status),
            ("input_file_name", filters.input_file_name),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if filters.no_batch:
            where.append("batch_id IS NULL")
        clause = " AND ".join(where)
        total = self._one(f"SELECT count(*) AS n FROM executions WHERE {clause}", tuple(params))
        rows = self._all(
            f"SELECT * FROM executions WHERE {clause} ORDER BY seq DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return rows, int(total["n"]) if total else 0

    def unfinished_executions(self) -> list[Row]:
        return self._all(
            "SELECT * FROM executions WHERE status IN ('CREATED', 'ACTIVE', 'IN_QA') ORDER BY seq"
        )

    def execution_count(self) -> int:
        row = self._one("SELECT count(*) AS n FROM executions")
        return int(row["n"]) if row else 0

    def completed_result(self, org_id: str, content_hash: str) -> Row | None:
        return self._one(
            "SELECT * FROM executions WHERE result_content_hash = ? AND status = 'COMPLETED' "
            "ORDER BY org_id = ? DESC LIMIT 1",
            (content_hash, org_id),
        )

    def list_batches(
        self, org_id: str, batch_id: str | None, limit: int, offset: int
    ) -> tuple[list[Row], int]:
        where = "org_id = ? AND batch_id IS NOT NULL" + (" AND batch_id = ?" if batch_id else "")
        params: tuple[Any, ...] = (org_id, batch_id) if batch_id else (org_id,)
        grouped = (
            "SELECT batch_id, min(batch_name) AS batch_name, min(batch_created_at) AS created_at,"
            " min(user_id) AS author, count(*) AS executions, sum(charged_credits) AS price,"
            " min(workflow_id) AS workflow_id, min(workflow_name) AS workflow_name,"
            " min(seq) AS first_seq"
            f" FROM executions WHERE {where} GROUP BY batch_id"
        )
        total = self._one(f"SELECT count(*) AS n FROM ({grouped})", params)
        rows = self._all(
            f"{grouped} ORDER BY first_seq DESC LIMIT ? OFFSET ?", (*params, limit, offset)
        )
        return rows, int(total["n"]) if total else 0

    # -- auth records ----------------------------------------------------------------------------

    def add_refresh_token(self, token: str, user_id: str, org_id: str) -> None:
        self._write(
            "INSERT INTO refresh_tokens VALUES (?, ?, ?, ?, 0)", (token, user_id, org_id, iso_ms())
        )

    def refresh_token(self, token: str) -> Row | None:
        return self._one("SELECT * FROM refresh_tokens WHERE token = ? AND revoked = 0", (token,))

    def revoke_refresh_token(self, token: str) -> None:
        self._write("UPDATE refresh_tokens SET revoked = 1 WHERE token = ?", (token,))

    def add_device_code(
        self, device_code: str, user_code: str, state: str, expires_at: float, interval: int
    ) -> None:
        self._write(
            "INSERT INTO device_codes (device_code, user_code, state, expires_at, interval) "
            "VALUES (?, ?, ?, ?, ?)",
            (device_code, user_code, state, expires_at, interval),
        )

    def device_code(self, device_code: str) -> Row | None:
        return self._one("SELECT * FROM device_codes WHERE device_code = ?", (device_code,))

    def device_code_by_user_code(self, user_code: str) -> Row | None:
        return self._one("SELECT * FROM device_codes WHERE user_code = ?", (user_code,))

    def update_device_code(self, device_code: str, **fields: Any) -> None:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._write(
            f"UPDATE device_codes SET {assignments} WHERE device_code = ?",
            (*fields.values(), device_code),
        )


def is_content_hash(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def add_credits_offline(data_dir: Path, amount: int) -> int:
    """`retouchdesk sandbox credits add`: works whether or not a server runs on the folder."""
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(data_dir)
    try:
        return store.add_credits(store.org_id, amount)
    finally:
        store.close()
