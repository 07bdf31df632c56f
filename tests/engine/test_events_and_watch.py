"""Events (order, throttling), status watching when streams fail, and the text reports."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from corpus import make_image
from engine_helpers import CUTOUT, engine_for, workflow_id
from PIL import Image

from app.domain.formatting import format_clock
from app.domain.jobs import JobState
from app.engine.engine import BatchCounts, CostEstimate, RunOptions
from app.engine.events import BatchAdded, BatchFinished, CreditsChanged, JobAdded, JobChanged
from app.engine.report import cost_line, eta_seconds, progress_line


def test_events_order_and_progress_throttle(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    sandbox = sandbox_factory()
    # A large-ish file so the upload reports progress in many chunks.
    (tmp_path / "in").mkdir()
    noise = Image.frombytes("RGB", (1000, 1000), random.Random(5).randbytes(3_000_000))
    noise.save(tmp_path / "in" / "noise.png")  # ~3 MB: the upload reports many chunks

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, events):
            stamps: list[tuple[float, Any]] = []
            engine.subscribe(lambda e: stamps.append((time.monotonic(), e)))
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add(
                [tmp_path / "in"],
                RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=tmp_path / "out"),
            )
            engine.start(batch_id)
            await engine.wait(batch_id)
            await engine.aclose()
        kinds = [type(e) for e in events]
        assert kinds[0] is BatchAdded and kinds[1] is JobAdded
        assert kinds.count(BatchFinished) == 1
        assert CreditsChanged in kinds
        changes = [e for e in events if isinstance(e, JobChanged)]
        # Every state change is reported with the state it came from.
        moves = [
            (e.previous_state, e.job.state) for e in changes if e.previous_state is not e.job.state
        ]
        assert moves[0] == (JobState.QUEUED, JobState.HASHING)
        assert moves[-1][1] is JobState.DONE
        # Progress events come at most ~10 per second per job.
        uploading = [
            (t, e)
            for t, e in stamps
            if isinstance(e, JobChanged) and e.job.state is JobState.UPLOADING
        ]
        progress = [e for _, e in uploading if e.previous_state is JobState.UPLOADING]
        span = uploading[-1][0] - uploading[0][0]
        assert progress and progress[-1].job.progress == 1.0
        assert len(progress) <= 2 + 10 * span

    run_async(go())


def test_status_is_followed_when_every_stream_is_cut(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    sandbox = sandbox_factory(faults="sse_cut=1", qa_seconds=0.3)
    for i in range(3):
        make_image(tmp_path / "in" / f"s{i}.jpg", seed=500 + i)

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, events):
            wf = await workflow_id(session, "Retouch with human QA")
            batch_id = await engine.add(
                [tmp_path / "in"],
                RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=tmp_path / "out"),
            )
            engine.start(batch_id)
            await engine.wait(batch_id)
            assert {j.state for j in engine.jobs()} == {JobState.DONE}
            seen = {e.job.state for e in events if isinstance(e, JobChanged)}
            assert JobState.IN_QA in seen  # found by re-reading the execution

    run_async(go())


def test_reports() -> None:
    counts = BatchCounts(10, {JobState.DONE: 4, JobState.UPLOADING: 2, JobState.QUEUED: 4}, 60)
    line = progress_line(counts, elapsed=8.0, width=10)
    assert line.startswith("[####------] 4/10")
    assert "uploading 2" in line and "done 4" in line and "ETA 0:12" in line
    assert eta_seconds(BatchCounts(2, {JobState.QUEUED: 2}, 0), 5.0) is None
    assert format_clock(3725) == "1:02:05"
    estimate = CostEstimate(
        images=3, price=15, total=45, balance=20, deduped=1, rejected=2, already_created=0
    )
    text = cost_line(estimate)
    assert (
        "45 credits" in text
        and "25 short" in text
        and "2 rejected" in text
        and "1 duplicate" in text
    )


def test_jobs_beyond_the_stream_slots_are_polled(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    from app.store.settings import Settings

    sandbox = sandbox_factory(qa_seconds=0.4)
    for i in range(4):
        make_image(tmp_path / "in" / f"w{i}.jpg", seed=600 + i)

    async def go() -> None:
        settings = Settings(watch_streams=1)
        async with engine_for(sandbox, tmp_path / "j.sqlite3", settings) as (engine, session, _):
            wf = await workflow_id(session, "Retouch with human QA")
            batch_id = await engine.add(
                [tmp_path / "in"],
                RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=tmp_path / "out"),
            )
            engine.start(batch_id)
            await engine.wait(batch_id)
            assert {j.state for j in engine.jobs()} == {JobState.DONE}

    run_async(go())
