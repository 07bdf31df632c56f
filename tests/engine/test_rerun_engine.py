"""Re-running rejected results through the engine, against the real sandbox over loopback:
the cost first, one new execution per job at the new price and nothing uploaded again, the new
result saved beside the old one, the earlier result kept as a version across a restart."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

from corpus import make_image
from engine_helpers import CUTOUT, WHITE_BACKGROUND, engine_for, workflow_id

from app.domain.jobs import JobState, Review
from app.engine.engine import Engine, RunOptions
from app.engine.events import Event, JobChanged

WHITE_PRICE, CUTOUT_PRICE = 10, 15


async def _processed(engine: Engine, session: Any, sandbox: Any, src: Path, out: Path) -> str:
    wf = await workflow_id(session, WHITE_BACKGROUND)
    options = RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out, batch_name="Shoot")
    batch_id = await engine.add([src], options)
    engine.start(batch_id)
    await engine.wait(batch_id)
    assert {j.state for j in engine.jobs()} == {JobState.DONE}
    return batch_id


def _images(folder: Path, n: int) -> Path:
    for i in range(n):
        make_image(folder / f"IMG_{i:02d}.jpg", seed=i + 1)
    return folder


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rerun_shows_the_cost_then_makes_one_execution_each_with_no_upload(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src, out, journal = _images(tmp_path / "shoot", 4), tmp_path / "out", tmp_path / "j.sqlite3"

    async def go() -> None:
        async with engine_for(sandbox, journal) as (engine, session, events):
            await _processed(engine, session, sandbox, src, out)
            jobs = sorted(engine.jobs(), key=lambda j: j.seq)
            first = {j.id: j for j in jobs}
            rejected = [jobs[0].id, jobs[2].id]
            await engine.set_review(rejected, Review.REJECTED)
            await engine.set_review([jobs[1].id], Review.ACCEPTED)
            cutout = await workflow_id(session, CUTOUT)
            executions, balance = sandbox.execution_count(), sandbox.balance()

            estimate = await engine.estimate_rerun(rejected, cutout)
            assert (estimate.images, estimate.price, estimate.total) == (2, CUTOUT_PRICE, 30)
            assert estimate.balance == balance
            assert sandbox.execution_count() == executions  # an estimate creates nothing

            events.clear()
            # Asked twice at once (a double click): each job still goes once.
            went = await asyncio.gather(
                engine.rerun(rejected, cutout), engine.rerun(rejected, cutout)
            )
            assert sorted(went[0] + went[1]) == sorted(rejected)
            assert await engine.rerun(rejected, cutout) == []  # moving: not re-run again
            await engine.wait()

            assert sandbox.execution_count() == executions + 2
            assert balance - sandbox.balance() == 2 * CUTOUT_PRICE
            moved = _states_by_job(events)
            for job_id in rejected:
                # The bytes were on the server: found by their hash, never sent again.
                assert JobState.UPLOADING not in moved[job_id]
                assert JobState.CREATING in moved[job_id]
            now = {j.id: j for j in engine.jobs()}
            for job_id in rejected:
                job, before = now[job_id], first[job_id]
                assert job.state is JobState.DONE and job.version == 2
                assert job.review is Review.NONE and job.deduped
                assert job.workflow_id == cutout and job.workflow_name == CUTOUT
                assert job.execution_id != before.execution_id
                assert job.credits == CUTOUT_PRICE
                new, old = Path(job.output_path), Path(before.output_path)
                assert new.name == f"{Path(job.name).stem}_v2.png" and new.parent == old.parent
                assert old.is_file() and _sha(old) == before.result_hash  # never overwritten
                assert _sha(new) == job.result_hash
                remote = await session.client.get_execution(job.execution_id, sandbox.org_id)
                assert remote.workflow == cutout
                assert remote.labels["retouchdesk_job_id"] == f"{job.id}.v2"
            for kept in (jobs[1], jobs[3]):  # not re-run: as they were
                assert now[kept.id].version == 1
                assert now[kept.id].execution_id == kept.execution_id
                assert now[kept.id].output_path == kept.output_path
            assert now[jobs[1].id].review is Review.ACCEPTED

        # A restart: a new engine on the same journal knows every version.
        async with engine_for(sandbox, journal) as (engine, session, _events):
            batch_id = next(iter({j.batch_id for j in first.values()}))
            loaded = {j.id: j for j in await engine.open_batch(batch_id)}
            assert {loaded[i].version for i in rejected} == {2}
            versions = await engine.versions(rejected[0])
            assert [(v.version, v.current) for v in versions] == [(1, False), (2, True)]
            old, new = versions
            assert (old.workflow_name, old.review, old.state) == (
                WHITE_BACKGROUND,
                "rejected",
                "done",
            )
            assert old.output_path == first[rejected[0]].output_path
            assert old.execution_id == first[rejected[0]].execution_id
            assert old.credits == WHITE_PRICE
            assert (new.workflow_name, new.review) == (CUTOUT, Review.NONE)
            assert new.output_path == loaded[rejected[0]].output_path
            never = await engine.versions(jobs[3].id)
            assert [(v.version, v.current) for v in never] == [(1, True)]
            assert await engine.versions("no-such-job") == []

    run_async(go())


def test_an_interrupted_rerun_resumes_without_paying_twice(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src, out, journal = _images(tmp_path / "shoot", 3), tmp_path / "out", tmp_path / "j.sqlite3"

    async def go() -> None:
        async with engine_for(sandbox, journal) as (engine, session, _events):
            batch_id = await _processed(engine, session, sandbox, src, out)
            ids = [j.id for j in engine.jobs()]
            cutout = await workflow_id(session, CUTOUT)
            executions = sandbox.execution_count()
            engine.pause()  # journaled as re-run, then stopped before anything more happens
            assert sorted(await engine.rerun(ids, cutout)) == sorted(ids)
        async with engine_for(sandbox, journal) as (engine, _session, _events):
            assert await engine.resume_unfinished() == [batch_id]
            await engine.wait()
            jobs = engine.jobs()
            assert {(j.state, j.version, j.workflow_name) for j in jobs} == {
                (JobState.DONE, 2, CUTOUT)
            }
            assert sandbox.execution_count() == executions + 3

    run_async(go())


def test_only_ended_jobs_with_a_good_input_can_be_rerun(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src = _images(tmp_path / "shoot", 1)
    (src / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _events):
            wf = await workflow_id(session, WHITE_BACKGROUND)
            options = RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=tmp_path / "o")
            batch_id = await engine.add([src], options)
            broken = next(j for j in engine.jobs() if j.name == "broken.jpg")
            assert broken.state is JobState.REJECTED
            good = next(j for j in engine.jobs() if j.name != "broken.jpg")
            cutout = await workflow_id(session, CUTOUT)
            # Queued, not started: not ended, so not re-run (and not charged for).
            estimate = await engine.estimate_rerun([good.id, broken.id], cutout)
            assert (estimate.images, estimate.total, estimate.rejected) == (0, 0, 1)
            assert await engine.rerun([good.id, broken.id, "unknown"], cutout) == []
            engine.start(batch_id)
            await engine.wait(batch_id)
            assert await engine.rerun([broken.id], cutout) == []
            assert await engine.rerun([good.id], cutout) == [good.id]
            await engine.wait(batch_id)
            assert sandbox.execution_count() == 2

    run_async(go())


def _states_by_job(events: list[Event]) -> dict[str, list[JobState]]:
    seen: dict[str, list[JobState]] = {}
    for event in events:
        if isinstance(event, JobChanged):
            seen.setdefault(event.job.id, []).append(event.job.state)
    return seen
