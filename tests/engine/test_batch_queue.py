"""The pending-batch queue: combined cost, start what was confirmed, and never-started batches
of an earlier session queued again (no display needed)."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from corpus import make_image
from engine_helpers import CUTOUT, WHITE_BACKGROUND, engine_for, wait_for, workflow_id

from app.api.errors import NotFoundError
from app.domain.jobs import JobState
from app.engine.batch_queue import BatchQueue, RunEstimate
from app.engine.counts import CostEstimate
from app.engine.options import RunOptions


def _images(folder: Path, n: int, seed: int = 0) -> list[Path]:
    return [make_image(folder / f"img{i}.jpg", seed=seed + i) for i in range(n)]


def _options(sandbox: Any, wf: str, out: Path) -> RunOptions:
    return RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out)


def test_two_drops_confirm_as_one_run_and_a_later_drop_keeps_waiting(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            white = await workflow_id(session, WHITE_BACKGROUND)
            cutout = await workflow_id(session, CUTOUT)
            queue = BatchQueue(engine)
            first = await queue.add(
                _images(tmp_path / "a", 2), _options(sandbox, white, tmp_path / "out")
            )
            second = await queue.add(
                _images(tmp_path / "b", 3, seed=10), _options(sandbox, cutout, tmp_path / "out")
            )
            confirmed = queue.pending()
            assert confirmed == [first, second]
            assert queue.workflow_names() == ", ".join(sorted([WHITE_BACKGROUND, CUTOUT]))
            estimate = await queue.estimate(confirmed)
            one = await engine.estimate(first)
            two = await engine.estimate(second)
            assert estimate.images == 5
            assert estimate.total == one.total + two.total
            assert (estimate.lowest_price, estimate.highest_price) == tuple(
                sorted((one.price, two.price))
            )
            assert estimate.balance == sandbox.balance()

            # Dropped while the user looked at the cost: not part of what was confirmed.
            late = await queue.add(
                _images(tmp_path / "c", 1, seed=20), _options(sandbox, white, tmp_path / "out")
            )
            assert queue.start(confirmed) == [first, second]
            assert queue.pending() == [late]
            await engine.wait(first)
            await engine.wait(second)
            states = {j.batch_id: j.state for j in engine.jobs()}
            assert states[late] is JobState.QUEUED
            assert sandbox.execution_count() == 5

    run_async(go())


def test_a_batch_whose_rows_were_all_removed_or_cancelled_is_no_longer_pending(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, WHITE_BACKGROUND)
            queue = BatchQueue(engine)
            removed = await queue.add(
                _images(tmp_path / "a", 2), _options(sandbox, wf, tmp_path / "out")
            )
            cancelled = await queue.add(
                _images(tmp_path / "b", 1, seed=5), _options(sandbox, wf, tmp_path / "out")
            )
            assert queue
            await engine.remove([j.id for j in engine.jobs() if j.batch_id == removed])
            assert queue.pending() == [cancelled]
            await engine.cancel([j.id for j in engine.jobs() if j.batch_id == cancelled])
            assert not queue and queue.pending() == []
            assert queue.start() == []
            assert sandbox.execution_count() == 0

    run_async(go())


def test_never_started_batches_come_back_pending_with_their_folder_layout(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    shoot = tmp_path / "shoot"
    _images(shoot / "day1", 2)
    _images(shoot / "day2", 1, seed=9)
    gone = make_image(shoot / "day2" / "deleted.jpg", seed=30)
    journal = tmp_path / "j.sqlite3"

    async def first_session() -> str:
        async with engine_for(sandbox, journal) as (engine, session, _):
            wf: str = await workflow_id(session, WHITE_BACKGROUND)
            await BatchQueue(engine).add([shoot], _options(sandbox, wf, tmp_path / "out"))
            return wf  # quit without pressing Start

    wf = run_async(first_session())
    gone.unlink()

    async def second_session() -> None:
        async with engine_for(sandbox, journal) as (engine, _, _):
            queue = BatchQueue(engine)
            requeued = await queue.requeue_unstarted(_options(sandbox, wf, tmp_path / "out"))
            assert (requeued.images, requeued.missing) == (3, 1)
            assert queue.pending() == list(requeued.batch_ids) and len(requeued.batch_ids) == 1
            jobs = engine.jobs()
            assert sorted(j.relative_path for j in jobs) == [
                "day1/img0.jpg",
                "day1/img1.jpg",
                "day2/img0.jpg",
            ]
            assert {j.state for j in jobs} == {JobState.QUEUED}
            # The old rows left the journal: only the new batch waits for a Start.
            waiting = await engine.journal.run(
                partial(engine.journal.unfinished_batches, started=False)
            )
            assert [b.id for b in waiting] == list(requeued.batch_ids)
            # Asking again brings nothing twice.
            again = await queue.requeue_unstarted(_options(sandbox, wf, tmp_path / "out"))
            assert again.batch_ids == () and again.images == 0
            assert {j.batch_id for j in engine.jobs()} == set(requeued.batch_ids)

    run_async(second_session())
    assert sandbox.execution_count() == 0  # nothing ran, nothing was charged


def test_requeue_leaves_other_organizations_and_loses_nothing_when_it_fails(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    inputs = _images(tmp_path / "in", 2)
    journal = tmp_path / "j.sqlite3"

    async def first_session() -> str:
        async with engine_for(sandbox, journal) as (engine, session, _):
            wf: str = await workflow_id(session, WHITE_BACKGROUND)
            await BatchQueue(engine).add(inputs, _options(sandbox, wf, tmp_path / "out"))
            return wf

    wf = run_async(first_session())

    async def second_session() -> None:
        async with engine_for(sandbox, journal) as (engine, _, _):
            queue = BatchQueue(engine)
            options = _options(sandbox, wf, tmp_path / "out")
            other_org = await queue.requeue_unstarted(replace(options, org_id="another-org"))
            assert other_org.batch_ids == () and not queue
            with pytest.raises(NotFoundError):
                await queue.requeue_unstarted(replace(options, workflow_id="no-such-workflow"))
            waiting = await engine.journal.run(
                partial(engine.journal.unfinished_batches, started=False)
            )
            assert len(waiting) == 1  # still there for the next start
            requeued = await queue.requeue_unstarted(options)
            assert requeued.images == 2
            await wait_for(lambda: len(engine.jobs()) == 2)

    run_async(second_session())


def test_a_run_estimate_of_one_batch_is_that_batch_s_estimate() -> None:
    one = CostEstimate(
        images=3, price=20, total=60, balance=100, deduped=1, rejected=2, already_created=0
    )
    run = RunEstimate.of([one])
    assert (run.images, run.lowest_price, run.highest_price, run.total) == (3, 20, 20, 60)
    assert (run.balance, run.deduped, run.rejected, run.shortfall) == (100, 1, 2, 0)
    short = RunEstimate.of([one, replace(one, balance=None), replace(one, balance=50)])
    assert short.total == 180 and short.balance == 50 and short.shortfall == 130
    assert RunEstimate.of([]).images == 0
