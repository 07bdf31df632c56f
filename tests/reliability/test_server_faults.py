"""Each fault kind of the sandbox alone, then all of them at 20%.

For every run: each job ends done or with a stated reason; after the free retries a user would
do, everything is done; the server holds exactly one execution per job and per input (no create
was repeated, whatever the 5xx did to it); every completed execution is a verified file in the
output folder and nothing half-written is left; the credits charged equal completed x price.
tests/engine already runs all kinds at once at 10% on 20 images: this adds each kind alone
(so one kind cannot hide behind another), the 20% mix, and the books (credits, per-job counts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import (
    PRICES,
    assert_books_balance,
    describe,
    engine_for,
    make_images,
    options,
    remotely_failed,
    retry_until_done,
    run,
    wait_batch,
    workflow_id,
)

from app.domain.jobs import JobState
from app.store.settings import Settings

CUTOUT = "Transparent cut-out"

# Kind -> (spec, does the engine get every job through by itself, without a user's retry?)
KINDS = {
    "http500": ("http500=0.2", True),
    "http503": ("http503=0.2", True),
    "sse_cut": ("sse_cut=0.6", True),
    "slow_upload": ("slow_upload=0.4", True),
    "evil_names": ("evil_names=1", True),
    "fail": ("fail=0.4", False),  # a FAILED execution is final until the user retries
}


def _run_batch(sandbox: Any, tmp_path: Path, count: int, *, by_itself: bool) -> None:
    src = make_images(tmp_path / "in", count, seed=500)
    out = tmp_path / "out"
    before = sandbox.balance()

    async def go() -> tuple[list[Any], set[str]]:
        settings = Settings(upload_concurrency=4, download_concurrency=4)
        async with engine_for(sandbox, tmp_path / "journal.sqlite3", settings) as (engine, s, ev):
            wf = await workflow_id(s, CUTOUT)
            batch_id = await engine.add([src], options(sandbox, wf, out, layout="folder"))
            engine.start(batch_id)
            await wait_batch(engine, batch_id, timeout=90)
            first = engine.jobs()
            for job in first:
                assert job.state in (JobState.DONE, JobState.FAILED), (job.name, job.state)
                if job.state is JobState.FAILED:
                    assert len(job.error) > 10, (job.name, job.error)
            if by_itself:
                assert not describe(first), describe(first)
            else:
                assert any(j.state is JobState.FAILED for j in first), "the fault never fired"
            await retry_until_done(engine, batch_id)
            jobs = engine.jobs()
            assert not describe(jobs), describe(jobs)
            return jobs, remotely_failed(ev)

    jobs, free = run(go())
    assert len(jobs) == count
    audit = assert_books_balance(
        sandbox, jobs, out, price=PRICES[CUTOUT], balance_before=before, free_retried=free
    )
    assert len(audit.completed()) == count
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == count, names  # evil names are sanitised into the folder, not beside it


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_fault_kind_alone(sandbox_factory: Any, tmp_path: Path, kind: str) -> None:
    spec, by_itself = KINDS[kind]
    sandbox = sandbox_factory(faults=spec, seed=11, slow_upload_seconds=0.3, workers=4)
    _run_batch(sandbox, tmp_path, 8, by_itself=by_itself)
    if kind == "evil_names":
        audit_names = {e["resultFileName"] for e in _completed(sandbox)}
        assert any("/" in n or "\\" in n or len(n) > 255 for n in audit_names), audit_names


def test_all_fault_kinds_at_twenty_percent(sandbox_factory: Any, tmp_path: Path) -> None:
    spec = ",".join(f"{kind}=0.2" for kind in KINDS)
    sandbox = sandbox_factory(
        faults=spec, seed=23, slow_upload_seconds=0.3, workers=4, retry_after=0
    )
    _run_batch(sandbox, tmp_path, 16, by_itself=False)


def _completed(sandbox: Any) -> list[dict[str, Any]]:
    from reliability_helpers import server_audit

    return server_audit(sandbox).completed()
