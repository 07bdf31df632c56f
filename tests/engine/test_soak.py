"""Long runs for `make soak`: a bigger batch with every fault on, killed and resumed."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from corpus import make_image
from engine_helpers import CUTOUT, engine_for, wait_for, workflow_id

from app.domain.jobs import JobState
from app.engine.engine import RunOptions
from app.store.settings import Settings

ALL_FAULTS = "http500=0.1,http503=0.1,sse_cut=0.3,fail=0.1,slow_upload=0.2,evil_names=1"


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_two_hundred_images_with_every_fault_and_a_restart(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    sandbox = sandbox_factory(faults=ALL_FAULTS, seed=11, slow_upload_seconds=0.5, credits=10**6)
    n = 200
    for i in range(n):
        make_image(tmp_path / "in" / f"d{i % 7}" / f"s{i:03d}.jpg", seed=1000 + i)
    journal = tmp_path / "j.sqlite3"
    settings = Settings(upload_concurrency=8, download_concurrency=8)

    async def interrupted() -> None:
        async with engine_for(sandbox, journal, settings) as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add(
                [tmp_path / "in"],
                RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=tmp_path / "out"),
            )
            engine.start(batch_id)
            await wait_for(
                lambda: sum(1 for j in engine.jobs() if j.state.is_final) >= n // 3, timeout=300
            )

    async def resumed() -> None:
        async with engine_for(sandbox, journal, settings) as (engine, _, _events):
            await engine.resume_unfinished()
            await engine.wait()
            for _ in range(8):
                if not await engine.retry_failed():
                    break
                await engine.wait()
            jobs = engine.jobs()
            assert {j.state for j in jobs} == {JobState.DONE}, [j.error for j in jobs if j.error]
            for job in jobs:
                data = Path(job.output_path).read_bytes()
                assert hashlib.sha256(data).hexdigest() == job.result_hash

    run_async(interrupted())
    run_async(resumed())
    assert sandbox.execution_count() == n
