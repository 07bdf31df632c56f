from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.domain.jobs import Job, JobState
from app.store import paths
from app.store.journal import BatchRecord, Journal
from app.store.settings import Settings


def _batch(journal: Journal, n: int = 3) -> tuple[BatchRecord, list[Job]]:
    batch = BatchRecord(
        id="b1", name="Spring", created_at=time.time(), created_at_iso="2026-11-28T22:00:00.000Z",
        org_id="org", workflow_id="wf", workflow_name="Cutout", workflow_version="v1", price=10,
        options={"layout": "mirror"},
    )  # fmt: skip
    jobs = [
        Job(id=f"j{i}", batch_id="b1", input_path=f"/in/p{i}.jpg", name=f"p{i}.jpg",
            created_at=time.time(), seq=i)
        for i in range(n)
    ]  # fmt: skip
    journal.add_batch(batch, jobs)
    return batch, jobs


def test_default_location_is_the_platform_path() -> None:
    journal = Journal()
    try:
        assert journal.path == paths.journal_path() and journal.path.exists()
    finally:
        journal.close()


def test_state_changes_survive_reopen_and_are_kept_as_history(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    _, jobs = _batch(journal)
    job = jobs[0]

    async def advance() -> None:
        for state in (JobState.HASHING, JobState.UPLOADING, JobState.CREATING):
            job.state = state
            await journal.run(journal.save_job, job)
        job.execution_id = "exec-1"
        job.state = JobState.PROCESSING
        await journal.run(journal.save_job, job)

    asyncio.run(advance())
    assert journal.unfinished_batches() == []  # never started: not resumed by itself
    assert [b.id for b in journal.unfinished_batches(started=False)] == ["b1"]
    journal.set_batch_started("b1", time.time())
    journal.close()

    again = Journal(path)
    try:
        stored = again.job("j0")
        assert stored is not None
        assert (stored.state, stored.execution_id) == (JobState.PROCESSING, "exec-1")
        states = [e.state for e in again.events("j0")]
        assert states == ["queued", "hashing", "uploading", "creating", "processing"]
        assert [b.id for b in again.unfinished_batches()] == ["b1"]
        assert again.jobs_by_execution(["exec-1"])[0].id == "j0"
        assert again.batch("b1").options == {"layout": "mirror"}  # type: ignore[union-attr]
    finally:
        again.close()


def test_finished_batches_are_not_unfinished_and_history_filters(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    try:
        _, jobs = _batch(journal, 2)
        jobs[0].state = JobState.DONE
        jobs[1].state = JobState.FAILED
        jobs[1].error = "remote FAILED"
        for job in jobs:
            journal.save_job(job)
        assert journal.unfinished_batches() == []
        assert [j.id for j, _ in journal.history(status="failed")] == ["j1"]
        assert [j.id for j, _ in journal.history(file="p0")] == ["j0"]
        assert {name for _, name in journal.history(batch="spr")} == {"Spring"}
        assert journal.history(batch="nothing") == []
    finally:
        journal.close()


def test_hot_folder_memory(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    try:
        assert journal.mark_hot_seen("/hot", "/hot/a.jpg", 10, 5, "j1")
        assert not journal.mark_hot_seen("/hot", "/hot/a.jpg", 10, 5, "j2")
        assert journal.hot_seen("/hot", "/hot/a.jpg", 10, 5)
        assert not journal.hot_seen("/hot", "/hot/a.jpg", 11, 6)  # replaced by a new file
    finally:
        journal.close()


def test_settings_roundtrip_and_bad_values_fall_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(layout="folder", upload_concurrency=8, hot_folder_enabled=True)
    settings.save()
    assert Settings.load() == settings
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps(
            {
                "layout": "sideways",
                "upload_concurrency": "many",
                "hash_concurrency": 0,
                "future_key": 1,
                "on_exists": "skip",
            }
        )
    )
    with caplog.at_level(logging.WARNING):
        loaded = Settings.load(path)
    assert (loaded.layout, loaded.upload_concurrency, loaded.hash_concurrency) == ("mirror", 4, 2)
    assert loaded.on_exists == "skip"
    assert "layout" in caplog.text and "upload_concurrency" in caplog.text
    path.write_text("{not json")
    assert Settings.load(path) == Settings()


def test_a_batch_is_claimed_by_one_live_process(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from app.engine.ownership import _identity, owner_alive, this_process

    journal = Journal(tmp_path / "j.sqlite3")
    try:
        _batch(journal, 1)
        parent = _identity(os.getppid())
        assert owner_alive(this_process()) and owner_alive(parent)
        assert journal.claim_batch("b1", parent, owner_alive)
        assert not journal.claim_batch("b1", this_process(), owner_alive)  # parent still runs
        child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                               capture_output=True, text=True, check=True)  # fmt: skip
        gone = f"{parent.split(':')[0]}:{child.stdout.strip()}:1.00"
        assert not owner_alive(gone)
        journal.release_batches(parent)
        assert journal.claim_batch("b1", gone, owner_alive)
        assert journal.claim_batch("b1", this_process(), owner_alive)  # a dead owner holds nothing
    finally:
        journal.close()


def test_group_commit_isolates_a_failing_call(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    _, jobs = _batch(journal, 50)

    def broken() -> None:
        journal.save_job(jobs[0], "half-written")
        raise ValueError("boom")

    async def go() -> list[Any]:
        for job in jobs:
            job.state = JobState.HASHING
        calls = [journal.run(journal.save_job, job) for job in jobs]
        return await asyncio.gather(journal.run(broken), *calls, return_exceptions=True)

    try:
        results = asyncio.run(go())
        assert isinstance(results[0], ValueError)
        assert all(r is None for r in results[1:])
        assert all(journal.job(j.id).state is JobState.HASHING for j in jobs)  # type: ignore[union-attr]
        details = [e.detail for e in journal.events(jobs[0].id)]
        assert "half-written" not in details  # the failed call's own writes were undone
    finally:
        journal.close()


def test_a_cancelled_waiter_neither_loses_the_write_nor_stops_the_writer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    _, jobs = _batch(journal, 1)
    job = jobs[0]

    async def go() -> None:
        job.state = JobState.HASHING
        waiter = asyncio.ensure_future(journal.run(journal.save_job, replace(job)))
        await asyncio.sleep(0)  # let the call be queued
        waiter.cancel()
        job.state = JobState.UPLOADING
        await asyncio.wait_for(journal.run(journal.save_job, job), timeout=10)

    try:
        asyncio.run(go())
        assert [e.state for e in journal.events(job.id)][-2:] == ["hashing", "uploading"]
        assert "journal writer failed" not in caplog.text
    finally:
        journal.close()
