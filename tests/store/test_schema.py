"""The journal's numbered migrations: a first-release journal reaches today's shape, with its
free-form extras turned into typed columns, and every stored Job field has its column."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.domain.jobs import Job, JobState, stored_fields
from app.store.journal import BatchRecord, Journal
from app.store.schema import LATEST, MIGRATIONS, NewerJournalError, current_version

# What the first release wrote: its schema (migration 1 is exactly it) with the two columns it
# added in place later, and a job whose extras lived in a JSON text column.
FIRST_RELEASE_EXTRA = {
    "seq": "4",
    "relative": "shoot/a.jpg",
    "create_sent": "1700000000.250",
    "result_path": "/image/abc/a.png",
    "result_type": "image/png",
    "target": "/out/a.png",
    "credits_missing": "7",
}


def make_first_release_journal(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0].apply(conn)
    conn.execute("ALTER TABLE batches ADD COLUMN owner TEXT NOT NULL DEFAULT ''")
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema', '1')")
    conn.execute(
        "INSERT INTO batches(id, name, created_at, created_at_iso, org_id, workflow_id)"
        " VALUES ('b1', 'ORDER', 1.0, '1970-01-01T00:00:01.000Z', 'org', 'wf')"
    )
    conn.execute(
        "INSERT INTO jobs(id, batch_id, seq, input_path, name, state, extra)"
        " VALUES ('j1', 'b1', 4, '/in/shoot/a.jpg', 'a.jpg', 'downloading', ?)",
        (json.dumps(FIRST_RELEASE_EXTRA),),
    )
    conn.execute(
        "INSERT INTO jobs(id, batch_id, input_path, name, state, extra)"
        " VALUES ('j2', 'b1', '/in/b.jpg', 'b.jpg', 'queued', 'not json')"
    )
    conn.close()


def test_a_first_release_journal_is_migrated_to_typed_fields(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    make_first_release_journal(path)
    journal = Journal(path)
    try:
        job = journal.job("j1")
        assert job is not None
        assert job.state is JobState.DOWNLOADING
        assert (job.seq, job.relative_path, job.create_sent_at) == (4, "shoot/a.jpg", 1700000000.25)
        assert (job.result_path, job.result_content_type) == ("/image/abc/a.png", "image/png")
        assert (job.target_path, job.credits_missing) == ("/out/a.png", 7)
        broken = journal.job("j2")  # unreadable extras are dropped, the job is kept
        assert broken is not None and broken.relative_path == "" and broken.name == "b.jpg"
        assert [b.id for b in journal.unfinished_batches(started=None)] == ["b1"]
    finally:
        journal.close()
    conn = sqlite3.connect(path)
    assert current_version(conn) == LATEST
    conn.close()


def test_every_stored_job_field_is_a_column_and_nothing_else(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.close()
    conn = sqlite3.connect(tmp_path / "journal.sqlite3")
    columns = {row[1] for row in conn.execute("PRAGMA table_info(jobs)")}
    conn.close()
    assert columns - {"removed"} == {f.name for f in stored_fields()}
    assert "progress" not in columns  # shown while moving, meaningless after a restart


def test_a_job_round_trips_through_the_journal(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        batch = BatchRecord("b", "ORDER", 1.0, "iso", "org", "wf")
        job = Job("j", "b", "/in/a.jpg", "a.jpg", seq=3, relative_path="a.jpg",
                  state=JobState.PAYMENT_REQUIRED, deduped=True, create_sent_at=5.5,
                  credits_missing=12, result_content_type="image/png", progress=0.5)  # fmt: skip
        journal.add_batch(batch, [job])
        stored = journal.job("j")
        assert stored is not None
        assert stored == Job(**{**job.__dict__, "progress": 0.0})
    finally:
        journal.close()


def test_reopening_runs_no_migration_twice(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    Journal(path).close()  # would fail on "duplicate column" if a step ran again
    conn = sqlite3.connect(path)
    assert current_version(conn) == LATEST
    conn.close()


def test_a_journal_from_a_newer_version_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE meta SET value=? WHERE key='schema'", (str(LATEST + 1),))
    conn.close()
    with pytest.raises(NewerJournalError, match="newer Retouch Desk"):
        Journal(path)
