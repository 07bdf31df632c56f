"""The journal: the engine's memory, in SQLite, so that a crash or `kill -9` loses nothing.

Every job and every state change is written and committed *before* the engine acts on it: a
job is journaled as CREATING before the create request leaves, so after a crash the engine knows
that an execution may exist and reconciles with the server instead of paying twice.

Durability: WAL with `synchronous=FULL`, so a committed change survives a power cut too, not
only a killed process. That makes each commit an fsync (a few milliseconds on a disk), which is
why the engine never calls this from the event loop directly: `await journal.run(...)` hands
the call to one dedicated writer thread and resumes once it is committed. The writer does a
*group commit*: every call waiting when it wakes up runs in one transaction (each in its own
savepoint, so one failing call does not undo the others) with one fsync, so a hundred jobs
changing state at once cost one disk flush, not a hundred. One thread keeps the writes in order
(the order is the history) and SQLite's single-writer rule trivially true within the process;
WAL and a busy timeout let another process (a CLI `history` while the window runs) read.

Only job data lives here: never tokens or any other secret.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from app.domain.jobs import FINAL_STATES, Job, JobState, Review, stored_fields
from app.domain.versions import ResultVersion
from app.store import paths
from app.store.schema import migrate

log = logging.getLogger(__name__)
T = TypeVar("T")

# The journal's columns for a job are the Job's stored fields, by name (one declaration).
_JOB_FIELDS = stored_fields()
_JOB_COLUMNS = tuple(f.name for f in _JOB_FIELDS)
# Stored as their plain values; everything else is stored as it is.
_FROM_COLUMN: dict[str, Callable[[Any], Any]] = {
    "state": JobState,
    "review": Review,
    "deduped": bool,
}
_FINAL_VALUES = tuple(s.value for s in FINAL_STATES)
# An earlier result's columns: its fields by name, but for `current` (that one is the job's own).
_VERSION_COLUMNS = tuple(f.name for f in fields(ResultVersion) if f.name != "current")


_GROUP_LIMIT = 500  # calls per group commit: bounds one transaction's size


@dataclass(frozen=True)
class _Call:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    future: Future[Any]


@dataclass
class BatchRecord:
    id: str
    name: str
    created_at: float
    created_at_iso: str  # the exact string sent as autoretouch_batch_createdAt
    org_id: str
    workflow_id: str
    workflow_name: str = ""
    workflow_version: str = ""
    price: int = 0  # credits per image when the batch was made
    options: dict[str, Any] = field(default_factory=dict)  # layout, out_dir, template, ...
    finished_at: float = 0.0


@dataclass(frozen=True)
class ScalingEvidence:
    """A result that showed a workflow version scales inputs larger than `max_side`."""

    workflow_version: str
    max_side: int
    input_size: tuple[int, int]
    result_size: tuple[int, int]
    execution_id: str
    learned_at: float


@dataclass(frozen=True)
class JobEvent:
    job_id: str
    at: float
    state: str
    remote_status: str
    detail: str


class Journal:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else paths.journal_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=10.0
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        try:
            migrate(self._conn)
        except BaseException:
            self._conn.close()
            raise
        self._queue: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_loop, name="journal", daemon=True)
        self._writer.start()
        self._closed = False

    # -- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._conn.in_transaction:  # inside a group commit: the group owns the commit
                yield self._conn
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a journal call on the writer thread; return once it is committed."""
        result: T = await asyncio.wrap_future(self.submit(fn, *args))
        return result

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Queue a journal call without waiting. Calls commit in the order they were queued,
        so a call submitted now is durable no later than any call submitted after it."""
        if self._closed:
            raise RuntimeError("the journal is closed")
        future: Future[T] = Future()
        self._queue.put(_Call(fn, args, future))
        return future

    def _write_loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            stop = False
            while len(group) < _GROUP_LIMIT:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                group.append(item)
            try:
                self._commit_group(group)
            except Exception:  # never let the writer die: every later write would hang
                log.exception("journal writer failed on a group")
            if stop:
                return

    def _commit_group(self, group: list[_Call]) -> None:
        outcomes: list[tuple[_Call, Any, BaseException | None]] = []
        try:
            with self._lock:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    for call in group:
                        self._conn.execute("SAVEPOINT call")
                        try:
                            value = call.fn(*call.args)
                        except Exception as exc:
                            self._conn.execute("ROLLBACK TO call")
                            self._conn.execute("RELEASE call")
                            outcomes.append((call, None, exc))
                        else:
                            self._conn.execute("RELEASE call")
                            outcomes.append((call, value, None))
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
        except BaseException as exc:  # the commit itself failed: nothing of the group counts
            log.error("journal commit failed: %s", exc)
            for call in group:
                if not call.future.done():
                    call.future.set_exception(exc)
            return
        for call, value, error in outcomes:
            # The awaiting task may have been cancelled meanwhile (engine closing): the write
            # is done all the same, there is just nobody left to tell.
            if call.future.cancelled():
                continue
            if error is not None:
                call.future.set_exception(error)
            else:
                call.future.set_result(value)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._writer.join()
        with self._lock:
            self._conn.close()

    # -- batches -----------------------------------------------------------------------------

    def add_batch(self, batch: BatchRecord, jobs: Iterable[Job] = (), owner: str = "") -> None:
        """A batch and its first jobs, in one transaction: all or nothing."""
        with self._tx() as c:
            c.execute(
                "INSERT INTO batches(id, name, created_at, created_at_iso, org_id, workflow_id,"
                " workflow_name, workflow_version, price, options, finished_at, owner)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    batch.id, batch.name, batch.created_at, batch.created_at_iso, batch.org_id,
                    batch.workflow_id, batch.workflow_name, batch.workflow_version, batch.price,
                    json.dumps(batch.options), batch.finished_at, owner,
                ),
            )  # fmt: skip
            for job in jobs:
                self._insert_job(c, job)

    def add_jobs(self, jobs: Iterable[Job]) -> None:
        with self._tx() as c:
            for job in jobs:
                self._insert_job(c, job)

    def claim_batch(self, batch_id: str, owner: str, is_alive: Callable[[str], bool]) -> bool:
        """Make `owner` the one process working on a batch, unless another live one is.

        Two processes (the window and a CLI `resume`) moving the same jobs could each create
        an execution for one image; the claim makes the second one keep its hands off.
        """
        with self._tx() as c:
            row = c.execute("SELECT owner FROM batches WHERE id=?", (batch_id,)).fetchone()
            if row is None:
                return False
            current = str(row["owner"] or "")
            if current and current != owner and is_alive(current):
                return False
            c.execute("UPDATE batches SET owner=? WHERE id=?", (owner, batch_id))
        return True

    def release_batches(self, owner: str) -> None:
        with self._tx() as c:
            c.execute("UPDATE batches SET owner='' WHERE owner=?", (owner,))

    def set_batch_finished(self, batch_id: str, finished_at: float) -> None:
        with self._tx() as c:
            c.execute("UPDATE batches SET finished_at=? WHERE id=?", (finished_at, batch_id))

    def batch(self, batch_id: str) -> BatchRecord | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM batches WHERE id=?", (batch_id,)).fetchone()
        return _batch_from_row(row) if row else None

    def find_batches(self, key: str) -> list[BatchRecord]:
        """The batch with this id, else those with this exact name (case-insensitive)."""
        with self._lock:
            rows = self._conn.execute("SELECT * FROM batches WHERE id=?", (key,)).fetchall()
            if not rows:
                rows = self._conn.execute(
                    "SELECT * FROM batches WHERE name=? COLLATE NOCASE ORDER BY created_at", (key,)
                ).fetchall()
        return [_batch_from_row(r) for r in rows]

    def batches(self, *, name: str | None = None, limit: int = 100) -> list[BatchRecord]:
        sql = "SELECT * FROM batches"
        args: list[Any] = []
        if name:
            sql += " WHERE name LIKE ?"
            args.append(f"%{name}%")
        sql += " ORDER BY created_at DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return [_batch_from_row(r) for r in rows]

    def unfinished_batches(self, *, started: bool | None = True) -> list[BatchRecord]:
        """Batches with at least one job that is neither final nor removed.

        `started=True` (what resuming wants): only batches the user started. A batch that was
        added but never started (the cost not confirmed yet) must not start by itself after a
        restart. `started=False`: only those; None: both.
        """
        marks = ",".join("?" * len(_FINAL_VALUES))
        condition = {True: " AND started_at > 0", False: " AND started_at = 0", None: ""}[started]
        with self._lock:
            rows = self._conn.execute(
                f"SELECT * FROM batches WHERE id IN (SELECT DISTINCT batch_id FROM jobs"
                f" WHERE removed=0 AND state NOT IN ({marks})){condition} ORDER BY created_at",
                _FINAL_VALUES,
            ).fetchall()
        return [_batch_from_row(r) for r in rows]

    def set_batch_started(self, batch_id: str, started_at: float) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE batches SET started_at=? WHERE id=? AND started_at=0",
                (started_at, batch_id),
            )

    # -- jobs ----------------------------------------------------------------------------------

    def _insert_job(self, c: sqlite3.Connection, job: Job) -> None:
        values = _job_values(job)
        marks = ",".join("?" * len(values))
        c.execute(f"INSERT INTO jobs({','.join(_JOB_COLUMNS)}) VALUES ({marks})", values)
        c.execute(
            "INSERT INTO job_events(job_id, at, state, remote_status, detail) VALUES (?,?,?,?,?)",
            (job.id, time.time(), job.state.value, job.remote_status, job.error or "added"),
        )

    def save_job(self, job: Job, detail: str = "") -> None:
        """Write the job's current fields and append a history event, in one commit."""
        values = _job_values(job)
        assignments = ",".join(f"{col}=?" for col in _JOB_COLUMNS[1:])
        with self._tx() as c:
            c.execute(f"UPDATE jobs SET {assignments} WHERE id=?", (*values[1:], job.id))
            c.execute(
                "INSERT INTO job_events(job_id, at, state, remote_status, detail)"
                " VALUES (?,?,?,?,?)",
                (job.id, time.time(), job.state.value, job.remote_status, detail or job.error),
            )

    def remove_jobs(self, job_ids: Iterable[str]) -> None:
        """Hide jobs from lists and resumption; their history stays."""
        with self._tx() as c:
            c.executemany("UPDATE jobs SET removed=1 WHERE id=?", [(i,) for i in job_ids])

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM jobs WHERE id=?", (job_id,)).fetchone()
        return _job_from_row(row) if row else None

    def jobs_of_batch(self, batch_id: str, *, include_removed: bool = False) -> list[Job]:
        sql = "SELECT * FROM jobs WHERE batch_id=?" + ("" if include_removed else " AND removed=0")
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY seq", (batch_id,)).fetchall()
        return [_job_from_row(r) for r in rows]

    def jobs_by_execution(self, execution_ids: Iterable[str]) -> list[Job]:
        ids = [e for e in execution_ids if e]
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._conn.execute(
                f"SELECT * FROM jobs WHERE removed=0 AND execution_id IN ({marks})", ids
            ).fetchall()
        return [_job_from_row(r) for r in rows]

    def history(
        self,
        *,
        status: str | None = None,
        batch: str | None = None,
        file: str | None = None,
        limit: int = 100,
    ) -> list[tuple[Job, str]]:
        """Most recent jobs first, with their batch name. Filters are case-insensitive substrings
        (status is exact)."""
        sql = (
            "SELECT jobs.*, batches.name AS batch_name FROM jobs JOIN batches"
            " ON batches.id = jobs.batch_id WHERE jobs.removed=0"
        )
        args: list[Any] = []
        if status:
            sql += " AND jobs.state=?"
            args.append(status.lower())
        if batch:
            sql += " AND (batches.name LIKE ? OR batches.id=?)"
            args += [f"%{batch}%", batch]
        if file:
            sql += " AND (jobs.name LIKE ? OR jobs.input_path LIKE ?)"
            args += [f"%{file}%", f"%{file}%"]
        sql += " ORDER BY jobs.created_at DESC, jobs.seq DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return [(_job_from_row(r), r["batch_name"]) for r in rows]

    # -- a job's earlier results ---------------------------------------------------------------

    def archive_and_save(self, earlier: ResultVersion | None, job: Job, detail: str) -> None:
        """A re-run in one commit: the current result kept as an earlier version (when there
        was one), and the job as it goes again. A crash leaves either both or neither."""
        with self._tx() as c:
            if earlier is not None:
                values = [getattr(earlier, name) for name in _VERSION_COLUMNS]
                c.execute(
                    f"INSERT INTO result_versions({','.join(_VERSION_COLUMNS)}, archived_at)"
                    f" VALUES ({','.join('?' * (len(values) + 1))})",
                    (*[v.value if isinstance(v, enum.Enum) else v for v in values], time.time()),
                )
            self.save_job(job, detail)

    def result_versions(self, job_id: str) -> list[ResultVersion]:
        """The job's earlier results, oldest first (its current one is the job itself)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM result_versions WHERE job_id=? ORDER BY version", (job_id,)
            ).fetchall()
        return [
            ResultVersion(
                **{name: r[name] for name in _VERSION_COLUMNS} | {"review": Review(r["review"])}
            )
            for r in rows
        ]

    def events(self, job_id: str) -> list[JobEvent]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM job_events WHERE job_id=? ORDER BY id", (job_id,)
            ).fetchall()
        return [
            JobEvent(r["job_id"], r["at"], r["state"], r["remote_status"], r["detail"])
            for r in rows
        ]

    # -- what the service does with large inputs ----------------------------------------------

    def record_scaling(self, evidence: ScalingEvidence) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT OR IGNORE INTO service_scaling(workflow_version, max_side, input_size,"
                " result_size, execution_id, learned_at) VALUES (?,?,?,?,?,?)",
                (
                    evidence.workflow_version, evidence.max_side,
                    _size_text(evidence.input_size), _size_text(evidence.result_size),
                    evidence.execution_id, evidence.learned_at,
                ),
            )  # fmt: skip

    def scaling_evidence(self) -> dict[str, ScalingEvidence]:
        """Per workflow version, the result that proved it scales large inputs."""
        with self._lock:
            rows = self._conn.execute("SELECT * FROM service_scaling").fetchall()
        return {
            r["workflow_version"]: ScalingEvidence(
                r["workflow_version"], r["max_side"], _size_from_text(r["input_size"]),
                _size_from_text(r["result_size"]), r["execution_id"], r["learned_at"],
            )
            for r in rows
        }  # fmt: skip

    # -- hot folder ---------------------------------------------------------------------------

    def hot_seen(self, folder: str, path: str, size: int, mtime_ns: int) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM hot_seen WHERE folder=? AND path=? AND size=? AND mtime_ns=?",
                (folder, path, size, mtime_ns),
            ).fetchone()
        return row is not None

    def mark_hot_seen(self, folder: str, path: str, size: int, mtime_ns: int, job_id: str) -> bool:
        """Remember a hot-folder file; False when it was already taken (never take it twice)."""
        with self._tx() as c:
            cur = c.execute(
                "INSERT OR IGNORE INTO hot_seen(folder, path, size, mtime_ns, job_id, seen_at)"
                " VALUES (?,?,?,?,?,?)",
                (folder, path, size, mtime_ns, job_id, time.time()),
            )
        return cur.rowcount == 1

    def hot_job(self, folder: str, path: str, size: int, mtime_ns: int) -> str | None:
        """The job id a hot-folder file went to ("pending" while its batch is being made)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT job_id FROM hot_seen WHERE folder=? AND path=? AND size=? AND mtime_ns=?",
                (folder, path, size, mtime_ns),
            ).fetchone()
        return None if row is None else str(row["job_id"])

    def set_hot_job(self, folder: str, path: str, size: int, mtime_ns: int, job_id: str) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE hot_seen SET job_id=? WHERE folder=? AND path=? AND size=? AND mtime_ns=?",
                (job_id, folder, path, size, mtime_ns),
            )


def _size_text(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def _size_from_text(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width or 0), int(height or 0)


def _job_values(job: Job) -> tuple[Any, ...]:
    values = []
    for name in _JOB_COLUMNS:
        value = getattr(job, name)
        values.append(value.value if isinstance(value, enum.Enum) else value)
    return tuple(values)


def _job_from_row(row: sqlite3.Row) -> Job:
    values = {}
    for name in _JOB_COLUMNS:
        convert = _FROM_COLUMN.get(name)
        values[name] = row[name] if convert is None else convert(row[name])
    return Job(**values)


def _batch_from_row(row: sqlite3.Row) -> BatchRecord:
    try:
        options = json.loads(row["options"] or "{}")
    except ValueError:
        options = {}
    return BatchRecord(
        id=row["id"],
        name=row["name"],
        created_at=row["created_at"],
        created_at_iso=row["created_at_iso"],
        org_id=row["org_id"],
        workflow_id=row["workflow_id"],
        workflow_name=row["workflow_name"],
        workflow_version=row["workflow_version"],
        price=row["price"],
        options=options if isinstance(options, dict) else {},
        finished_at=row["finished_at"],
    )


def job_as_dict(job: Job) -> dict[str, Any]:
    """JSON-friendly view of a job (for `history --json` and logs)."""
    data = asdict(job)
    data["state"] = job.state.value
    data["review"] = job.review.value
    return data
