"""`Engine.start` hands jobs to the loop a few per turn (a GUI loop must not stall), and keeps
its semantics while doing so: wait() covers jobs not started yet, cancel reaches them."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

from corpus import make_image
from engine_helpers import CUTOUT, engine_for, workflow_id

from app.domain.jobs import JobState
from app.engine.engine import START_CHUNK, RunOptions

N = START_CHUNK * 3 + 5


def _images(folder: Path, n: int) -> Path:
    for i in range(n):
        make_image(folder / f"g{i}.jpg", seed=i, size=(64, 48))
    return folder


def test_start_creates_job_tasks_a_chunk_per_loop_turn_and_cancel_reaches_the_rest(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src = _images(tmp_path / "in", N)

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            opts = RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=tmp_path / "out")
            batch_id = await engine.add([src], opts)
            engine.pause()  # nothing moves: only task creation is observed
            before = len(asyncio.all_tasks())
            engine.start(batch_id)
            seen = []
            for _ in range(3):
                await asyncio.sleep(0)
                seen.append(len(asyncio.all_tasks()) - before)
            # one starter task plus at most a chunk of job tasks per turn
            assert seen[0] <= 1 + START_CHUNK
            assert all(b - a <= START_CHUNK for a, b in itertools.pairwise(seen))
            assert seen[-1] < 1 + N  # some jobs are still waiting to be started
            await engine.cancel_batch(batch_id)
            await asyncio.wait_for(engine.wait(batch_id), 30)
            assert {j.state for j in engine.jobs()} == {JobState.CANCELLED}
            assert sandbox.execution_count() == 0

    run_async(go())


def test_wait_right_after_start_covers_jobs_not_started_yet(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src = _images(tmp_path / "in", N)

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            opts = RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=tmp_path / "out")
            batch_id = await engine.add([src], opts)
            engine.start(batch_id)
            await asyncio.wait_for(engine.wait(batch_id), 60)
            jobs = engine.jobs()
            assert len(jobs) == N
            assert {j.state for j in jobs} == {JobState.DONE}
            # started in the order they were added (the seq they were given)
            started = sorted(jobs, key=lambda j: j.started_at)
            assert started[0].seq < START_CHUNK

    run_async(go())
