"""The journal's schema: numbered migrations, each applied once, in order, in one transaction.

A journal records its version in `meta.schema`. Opening one runs every migration above that
number (a new file runs them all), so every journal in the field reaches the same shape by the
same steps. A migration is never edited once released: a change is a new migration at the end.
A journal written by a newer Retouch Desk (a version above the last migration here) is refused
rather than guessed at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass


class NewerJournalError(RuntimeError):
    """The journal was written by a newer version of the app than this one."""


@dataclass(frozen=True)
class Migration:
    version: int
    summary: str
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def apply(conn: sqlite3.Connection) -> None:
        for statement in filter(None, (s.strip() for s in sql.split(";"))):
            conn.execute(statement)

    return apply


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _batch_ownership(conn: sqlite3.Connection) -> None:
    # Journals of the first release may have these already (they were added in place then).
    present = _columns(conn, "batches")
    if "owner" not in present:
        conn.execute("ALTER TABLE batches ADD COLUMN owner TEXT NOT NULL DEFAULT ''")
    if "started_at" not in present:
        conn.execute("ALTER TABLE batches ADD COLUMN started_at REAL NOT NULL DEFAULT 0")


# Fields that lived as text in the free-form `extra` JSON, now columns: (column, type, key).
_FROM_EXTRA = (
    ("relative_path", "TEXT NOT NULL DEFAULT ''", "relative"),
    ("create_sent_at", "REAL NOT NULL DEFAULT 0", "create_sent"),
    ("result_path", "TEXT NOT NULL DEFAULT ''", "result_path"),
    ("result_content_type", "TEXT NOT NULL DEFAULT ''", "result_type"),
    ("target_path", "TEXT NOT NULL DEFAULT ''", "target"),
    ("credits_missing", "INTEGER NOT NULL DEFAULT 0", "credits_missing"),
)


def _typed_job_fields(conn: sqlite3.Connection) -> None:
    for column, declaration, key in _FROM_EXTRA:
        conn.execute(f"ALTER TABLE jobs ADD COLUMN {column} {declaration}")
        cast = {"TEXT": "TEXT", "REAL": "REAL", "INTEGER": "INTEGER"}[declaration.split()[0]]
        conn.execute(
            f"UPDATE jobs SET {column} = CAST(json_extract(extra, '$.{key}') AS {cast})"
            f" WHERE json_valid(extra) AND json_extract(extra, '$.{key}') IS NOT NULL"
        )
    conn.execute("ALTER TABLE jobs DROP COLUMN extra")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "batches, jobs and their history, hot-folder files seen",
        _script(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE batches (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                created_at REAL NOT NULL,
                created_at_iso TEXT NOT NULL,
                org_id TEXT NOT NULL,
                workflow_id TEXT NOT NULL,
                workflow_name TEXT NOT NULL DEFAULT '',
                workflow_version TEXT NOT NULL DEFAULT '',
                price INTEGER NOT NULL DEFAULT 0,
                options TEXT NOT NULL DEFAULT '{}',
                finished_at REAL NOT NULL DEFAULT 0
            );
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY,
                batch_id TEXT NOT NULL REFERENCES batches(id),
                seq INTEGER NOT NULL DEFAULT 0,
                input_path TEXT NOT NULL,
                name TEXT NOT NULL,
                state TEXT NOT NULL,
                size INTEGER NOT NULL DEFAULT 0,
                content_type TEXT NOT NULL DEFAULT '',
                content_hash TEXT NOT NULL DEFAULT '',
                deduped INTEGER NOT NULL DEFAULT 0,
                execution_id TEXT NOT NULL DEFAULT '',
                remote_status TEXT NOT NULL DEFAULT '',
                result_hash TEXT NOT NULL DEFAULT '',
                result_name TEXT NOT NULL DEFAULT '',
                output_path TEXT NOT NULL DEFAULT '',
                credits INTEGER NOT NULL DEFAULT 0,
                error TEXT NOT NULL DEFAULT '',
                failed_stage TEXT NOT NULL DEFAULT '',
                attempts INTEGER NOT NULL DEFAULT 0,
                review TEXT NOT NULL DEFAULT '',
                created_at REAL NOT NULL DEFAULT 0,
                started_at REAL NOT NULL DEFAULT 0,
                finished_at REAL NOT NULL DEFAULT 0,
                extra TEXT NOT NULL DEFAULT '{}',
                removed INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX jobs_batch ON jobs(batch_id, seq);
            CREATE INDEX jobs_state ON jobs(state);
            CREATE INDEX jobs_execution ON jobs(execution_id);
            CREATE TABLE job_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                job_id TEXT NOT NULL,
                at REAL NOT NULL,
                state TEXT NOT NULL,
                remote_status TEXT NOT NULL DEFAULT '',
                detail TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX job_events_job ON job_events(job_id, id);
            CREATE TABLE hot_seen (
                folder TEXT NOT NULL,
                path TEXT NOT NULL,
                size INTEGER NOT NULL,
                mtime_ns INTEGER NOT NULL,
                job_id TEXT NOT NULL DEFAULT '',
                seen_at REAL NOT NULL,
                PRIMARY KEY (folder, path, size, mtime_ns)
            )
            """
        ),
    ),
    Migration(2, "a batch's owning process and start time", _batch_ownership),
    Migration(3, "the job's free-form extras become typed columns", _typed_job_fields),
    Migration(
        4,
        "an input's pixel size, and the scaled copy that went up in its place",
        _script(
            """
            ALTER TABLE jobs ADD COLUMN width INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE jobs ADD COLUMN height INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE jobs ADD COLUMN upload_path TEXT NOT NULL DEFAULT ''
            """
        ),
    ),
    Migration(
        5,
        "what each workflow version was seen to do with large inputs",
        _script(
            """
            CREATE TABLE service_scaling (
                workflow_version TEXT PRIMARY KEY,
                max_side INTEGER NOT NULL,
                input_size TEXT NOT NULL,
                result_size TEXT NOT NULL,
                execution_id TEXT NOT NULL,
                learned_at REAL NOT NULL
            )
            """
        ),
    ),
    Migration(
        6,
        "a job's version and its re-run's own workflow, and the job's earlier results",
        _script(
            """
            ALTER TABLE jobs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE jobs ADD COLUMN workflow_id TEXT NOT NULL DEFAULT '';
            ALTER TABLE jobs ADD COLUMN workflow_name TEXT NOT NULL DEFAULT '';
            ALTER TABLE jobs ADD COLUMN workflow_version TEXT NOT NULL DEFAULT '';
            CREATE TABLE result_versions (
                job_id TEXT NOT NULL REFERENCES jobs(id),
                version INTEGER NOT NULL,
                state TEXT NOT NULL,
                execution_id TEXT NOT NULL DEFAULT '',
                workflow_id TEXT NOT NULL DEFAULT '',
                workflow_name TEXT NOT NULL DEFAULT '',
                workflow_version TEXT NOT NULL DEFAULT '',
                result_hash TEXT NOT NULL DEFAULT '',
                result_name TEXT NOT NULL DEFAULT '',
                result_path TEXT NOT NULL DEFAULT '',
                result_content_type TEXT NOT NULL DEFAULT '',
                output_path TEXT NOT NULL DEFAULT '',
                credits INTEGER NOT NULL DEFAULT 0,
                review TEXT NOT NULL DEFAULT '',
                finished_at REAL NOT NULL DEFAULT 0,
                archived_at REAL NOT NULL,
                PRIMARY KEY (job_id, version)
            )
            """
        ),
    ),
)

LATEST = MIGRATIONS[-1].version


def current_version(conn: sqlite3.Connection) -> int:
    """The journal's schema version; 0 for an empty file."""
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
    ).fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    # A meta table without a version: the first release wrote it only after its schema.
    return int(row[0]) if row else 1


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the journal to LATEST; returns the version it had. `conn` is in autocommit mode.

    Each step re-reads the version inside its write transaction: another process (a CLI run
    beside the window) opening the same journal at the same moment waits, then finds the step
    done and skips it.
    """
    found = current_version(conn)
    for migration in MIGRATIONS:
        conn.execute("BEGIN IMMEDIATE")
        try:
            now = current_version(conn)
            if now > LATEST:
                raise NewerJournalError(
                    f"this journal was written by a newer Retouch Desk (schema {now}; this"
                    f" version knows up to {LATEST}): update the app, or move the journal"
                    " aside to start afresh"
                )
            if migration.version > now:
                migration.apply(conn)
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES ('schema', ?)"
                    " ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (str(migration.version),),
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return found
