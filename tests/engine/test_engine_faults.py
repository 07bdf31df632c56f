"""The engine against a misbehaving sandbox, and at size."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from corpus import make_image
from engine_helpers import CUTOUT, WHITE_BACKGROUND, engine_for, workflow_id

from app.domain.jobs import JobState
from app.engine.engine import RunOptions
from app.engine.naming import inside
from app.store.settings import Settings

ALL_FAULTS = "http500=0.1,http503=0.1,sse_cut=0.3,fail=0.1,slow_upload=0.2,evil_names=1"


def test_fifty_images_complete_with_correct_files(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    sandbox = sandbox_factory(workers=4)
    src = tmp_path / "in"
    for i in range(50):
        make_image(src / f"shot_{i:03d}.jpg", size=(48, 36), seed=i)
    out = tmp_path / "out"

    async def go() -> float:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, WHITE_BACKGROUND)
            batch_id = await engine.add(
                [src], RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out)
            )
            started = time.monotonic()
            engine.start(batch_id)
            await engine.wait(batch_id)
            elapsed = time.monotonic() - started
            jobs = engine.jobs()
        assert len(jobs) == 50
        assert all(j.state is JobState.DONE for j in jobs), [
            (j.name, j.error) for j in jobs if j.error
        ]
        for job in jobs:
            data = Path(job.output_path).read_bytes()
            assert hashlib.sha256(data).hexdigest() == job.result_hash
            assert data[:3] == b"\xff\xd8\xff"  # the workflow exports JPEG
        assert sorted(p.name for p in out.iterdir()) == sorted(
            f"shot_{i:03d}.jpg" for i in range(50)
        )
        return elapsed

    elapsed = run_async(go())
    assert sandbox.execution_count() == 50
    print(f"50 images through the sandbox in {elapsed:.2f} s")


def test_every_fault_kind_each_job_ends_done_or_with_a_reason(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    sandbox = sandbox_factory(faults=ALL_FAULTS, seed=7, slow_upload_seconds=0.3)
    n = 20
    src = tmp_path / "in"
    for i in range(n):
        make_image(src / f"p{i:02d}.jpg", seed=200 + i)
    out = tmp_path / "out"

    async def go() -> None:
        settings = Settings(upload_concurrency=6, download_concurrency=6)
        async with engine_for(sandbox, tmp_path / "j.sqlite3", settings) as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add(
                [src], RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out)
            )
            engine.start(batch_id)
            await engine.wait(batch_id)
            jobs = engine.jobs()
            for job in jobs:
                assert job.state in (JobState.DONE, JobState.FAILED), (job.name, job.state)
                if job.state is JobState.FAILED:
                    assert job.error, job.name
            # The sandbox's n-th "fail" decision is fixed by the seed, so this is not luck.
            assert any(j.state is JobState.FAILED for j in jobs)
            # Remote failures are retried through the retry endpoint until they pass.
            for _ in range(6):
                if not await engine.retry_failed(batch_id):
                    break
                await engine.wait(batch_id)
            jobs = engine.jobs()
            assert {j.state for j in jobs} == {JobState.DONE}, [
                (j.name, j.error) for j in jobs if j.error
            ]
            assert len({j.execution_id for j in jobs}) == n
            for job in jobs:
                output = Path(job.output_path)
                assert inside(output, out) and output.name == Path(job.name).stem + ".png"
                assert hashlib.sha256(output.read_bytes()).hexdigest() == job.result_hash
            remote = await session.client.list_executions(sandbox.org_id, limit=200)
            assert remote.total == n  # exactly one execution per image, despite 5xx on create

    run_async(go())
    assert sandbox.execution_count() == n


def test_final_only_status_streams_and_human_qa(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    sandbox = sandbox_factory(sse_mode="final-only", qa_seconds=0.3)
    src = tmp_path / "in"
    for i in range(3):
        make_image(src / f"q{i}.png", seed=300 + i, fmt="PNG")

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _events):
            wf = await workflow_id(session, "Retouch with human QA")
            batch_id = await engine.add(
                [src], RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=tmp_path / "out")
            )
            engine.start(batch_id)
            await engine.wait(batch_id)
            assert {j.state for j in engine.jobs()} == {JobState.DONE}

    run_async(go())
