"""Pause, cancel, retry, credits, output policies and in-process resume (the hot folder has
tests/engine/test_hotfolder.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from corpus import make_image
from engine_helpers import CUTOUT, engine_for, wait_for, workflow_id

from app.domain.jobs import JobState
from app.engine.engine import RunOptions


def _images(folder: Path, n: int, seed: int = 0) -> Path:
    for i in range(n):
        make_image(folder / f"c{i}.jpg", seed=seed + i)
    return folder


def _opts(sandbox: Any, wf: str, out: Path, **kw: Any) -> RunOptions:
    return RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out, **kw)


def test_pause_holds_uploads_and_resume_finishes(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src = _images(tmp_path / "in", 3)

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add([src], _opts(sandbox, wf, tmp_path / "out"))
            engine.pause()
            engine.start(batch_id)
            await asyncio.sleep(0.3)  # a negative check: nothing may move while paused
            assert {j.state for j in engine.jobs()} == {JobState.QUEUED}
            assert sandbox.execution_count() == 0
            engine.resume_processing()
            await engine.wait(batch_id)
            assert {j.state for j in engine.jobs()} == {JobState.DONE}

    run_async(go())


def test_cancel_while_in_qa_then_retry_reattaches_without_a_new_execution(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    sandbox = sandbox_factory(qa_seconds=1.0)
    src = _images(tmp_path / "in", 2, seed=40)

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, "Retouch with human QA")
            batch_id = await engine.add([src], _opts(sandbox, wf, tmp_path / "out"))
            engine.start(batch_id)
            await wait_for(lambda: all(j.state is JobState.IN_QA for j in engine.jobs()))
            victim = engine.jobs()[0]
            await engine.cancel([victim.id])
            await engine.wait(batch_id)
            states = {j.id: j for j in engine.jobs()}
            assert states[victim.id].state is JobState.CANCELLED
            assert states[victim.id].execution_id == victim.execution_id
            assert [j.state for j in states.values() if j.id != victim.id] == [JobState.DONE]
            assert await engine.retry([victim.id]) == [victim.id]
            await engine.wait(batch_id)
            assert {j.state for j in engine.jobs()} == {JobState.DONE}

    run_async(go())
    assert sandbox.execution_count() == 2


def test_payment_required_shows_missing_credits_and_retry_after_top_up(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    sandbox = sandbox_factory(credits=20)
    src = _images(tmp_path / "in", 3, seed=60)

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add([src], _opts(sandbox, wf, tmp_path / "out"))
            estimate = await engine.estimate(batch_id)
            assert (estimate.total, estimate.balance, estimate.shortfall) == (45, 20, 25)
            engine.start(batch_id)
            await engine.wait(batch_id)
            unpaid = [j for j in engine.jobs() if j.state is JobState.PAYMENT_REQUIRED]
            assert unpaid and all("credits" in j.error for j in unpaid)
            assert all(j.credits_missing for j in unpaid)
            sandbox.add_credits(100)
            await engine.retry_failed(batch_id)
            await engine.wait(batch_id)
            assert {j.state for j in engine.jobs()} == {JobState.DONE}

    run_async(go())
    assert sandbox.execution_count() == 3
    assert sandbox.balance() == 20 + 100 - 45  # each image charged exactly once


def test_local_download_failure_retries_only_the_download(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src = _images(tmp_path / "in", 1, seed=80)
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add([src], _opts(sandbox, wf, blocker, layout="folder"))
            engine.start(batch_id)
            await engine.wait(batch_id)
            (job,) = engine.jobs()
            assert job.state is JobState.FAILED and job.failed_stage == "downloading", job
            blocker.unlink()
            await engine.retry([job.id])
            await engine.wait(batch_id)
            (again,) = engine.jobs()
            assert again.state is JobState.DONE and again.execution_id == job.execution_id

    run_async(go())
    assert sandbox.execution_count() == 1


def test_on_exists_policies(sandbox: Any, tmp_path: Path, run_async: Any) -> None:
    src = _images(tmp_path / "in", 2, seed=90)
    out = tmp_path / "out"

    async def run_once(engine: Any, wf: str, policy: str) -> list[Any]:
        batch_id = await engine.add(
            [src], _opts(sandbox, wf, out, layout="folder", on_exists=policy)
        )
        engine.start(batch_id)
        await engine.wait(batch_id)
        return [j for j in engine.jobs() if j.batch_id == batch_id]

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            await run_once(engine, wf, "unique")
            second = await run_once(engine, wf, "unique")
            assert sorted(Path(j.output_path).name for j in second) == ["c0 (2).png", "c1 (2).png"]
            skipped = await run_once(engine, wf, "skip")
            assert {j.state for j in skipped} == {JobState.SKIPPED}
            overwritten = await run_once(engine, wf, "overwrite")
            assert sorted(Path(j.output_path).name for j in overwritten) == ["c0.png", "c1.png"]
        assert sorted(p.name for p in out.iterdir()) == [
            "c0 (2).png",
            "c0.png",
            "c1 (2).png",
            "c1.png",
        ]

    run_async(go())


def test_engine_closed_mid_flight_resumes_without_creating_twice(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    sandbox = sandbox_factory(qa_seconds=0.5)
    src = _images(tmp_path / "in", 4, seed=120)
    journal = tmp_path / "j.sqlite3"

    async def first() -> None:
        async with engine_for(sandbox, journal) as (engine, session, _):
            wf = await workflow_id(session, "Retouch with human QA")
            batch_id = await engine.add([src], _opts(sandbox, wf, tmp_path / "out"))
            engine.start(batch_id)
            await wait_for(lambda: any(j.execution_id for j in engine.jobs()))
        # leaving the block closes the engine with work in flight

    async def second() -> None:
        async with engine_for(sandbox, journal) as (engine, _, _events):
            resumed = await engine.resume_unfinished()
            assert len(resumed) == 1
            await engine.wait()
            jobs = engine.jobs()
            assert {j.state for j in jobs} == {JobState.DONE}, [(j.name, j.error) for j in jobs]

    run_async(first())
    run_async(second())
    assert sandbox.execution_count() == 4


def test_a_batch_added_but_never_started_does_not_start_after_a_restart(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src = _images(tmp_path / "in", 2, seed=150)
    journal = tmp_path / "j.sqlite3"

    async def add_only() -> None:
        async with engine_for(sandbox, journal) as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            await engine.add([src], _opts(sandbox, wf, tmp_path / "out"))

    async def restart() -> None:
        async with engine_for(sandbox, journal) as (engine, _, _events):
            assert await engine.resume_unfinished() == []
            assert engine.jobs() == []

    run_async(add_only())
    run_async(restart())
    assert sandbox.execution_count() == 0


def test_results_inside_the_input_folder_are_not_taken_as_inputs(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src = _images(tmp_path / "in", 2, seed=170)
    out = src / "retouched"

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            for _ in range(2):
                batch_id = await engine.add([src], _opts(sandbox, wf, out, layout="folder"))
                assert len([j for j in engine.jobs() if j.batch_id == batch_id]) == 2
                engine.start(batch_id)
                await engine.wait(batch_id)

    run_async(go())
    assert sandbox.execution_count() == 4


def test_partial_files_are_looked_for_only_after_an_earlier_attempt(
    sandbox: Any, tmp_path: Path, run_async: Any, monkeypatch: Any
) -> None:
    # Looking for partial files scans the whole output folder; doing it for every download
    # made a batch quadratic in the folder's size. Only a job that tried before can have any.
    from app.engine import saving
    from app.engine.download import PART_SUFFIX

    scanned: list[Path] = []
    real_remove = saving.remove_leftovers

    def counting_remove(target: Path, job_id: str) -> int:
        scanned.append(target)
        return real_remove(target, job_id)

    monkeypatch.setattr(saving, "remove_leftovers", counting_remove)
    src = _images(tmp_path / "in", 3, seed=90)
    out = tmp_path / "out"
    out.write_text("a file where the output folder should be")

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            fresh = await engine.add([src / "c0.jpg"], _opts(sandbox, wf, tmp_path / "fresh"))
            engine.start(fresh)
            await engine.wait(fresh)
            assert [j.state for j in engine.jobs()] == [JobState.DONE]
            assert scanned == []  # a first attempt does not look

            batch_id = await engine.add([src / "c1.jpg"], _opts(sandbox, wf, out))
            engine.start(batch_id)
            await engine.wait(batch_id)
            failed = next(j for j in engine.jobs() if j.batch_id == batch_id)
            assert failed.state is JobState.FAILED and failed.failed_stage == "downloading"
            out.unlink()
            out.mkdir()
            stale = out / f".{failed.id[:12]}{PART_SUFFIX}.x1"  # as a killed write leaves it
            stale.write_bytes(b"half a picture")
            await engine.retry([failed.id])
            await engine.wait(batch_id)
            again = next(j for j in engine.jobs() if j.batch_id == batch_id)
            assert again.state is JobState.DONE, again
            assert not stale.exists() and len(scanned) == 1
            assert [p.name for p in out.iterdir()] == [Path(again.output_path).name]

    run_async(go())
