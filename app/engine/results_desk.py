"""What the engine offers on finished results: review marks, re-runs, versions, delivery.

`Engine` inherits these methods, so front ends keep talking to one object; they live here so
that engine.py stays about moving jobs, and each one hands its work to the module that does it:
review.py (marks and feedback), rerun.py (re-runs and versions), delivery.py (copies and the
manifest). The engine's jobs are reached only through `EngineHooks`.

A window's review grid, for instance:

    await engine.set_review(ids, Review.REJECTED)
    cost = await engine.estimate_rerun(rejected_ids, workflow_id)    # shown before it starts
    await engine.rerun(rejected_ids, workflow_id)                    # JobChanged events follow
    versions = await engine.versions(job_id)                         # "version 1 of 2"
    report = await engine.deliver(ids, folder, accepted_only=True)   # copied, skipped, refused
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

from app.api.client import AutoretouchClient
from app.domain.jobs import Job, Review
from app.domain.versions import ResultVersion
from app.engine.counts import CostEstimate
from app.engine.delivery import DeliveryReport, deliver
from app.engine.hooks import EngineHooks
from app.engine.pipeline import snapshot
from app.engine.rerun import Rerunner
from app.engine.review import ReviewMarks
from app.store.journal import Journal


class ResultsDesk:
    def __init__(self, client: AutoretouchClient, journal: Journal, hooks: EngineHooks) -> None:
        self._desk_hooks = hooks
        self._marks = ReviewMarks(client, journal, hooks)
        self._rerunner = Rerunner(client, journal, hooks)

    async def open_batch(self, batch_id: str) -> list[Job]:
        """Load a batch of the journal (a finished one, to review, re-run or deliver it);
        its jobs. Raises LookupError when it is unknown or another Retouch Desk has it."""
        return await self._desk_hooks.open_batch(batch_id)

    async def set_review(self, job_ids: Iterable[str], review: Review) -> list[str]:
        """Mark loaded jobs accepted, rejected or unreviewed (`Review.NONE`); the ids whose
        mark changed. A rejection also sends the service a thumbs down when the user opted
        in (the `review_feedback` setting)."""
        return await self._marks.set_review(job_ids, review)

    async def estimate_rerun(
        self, job_ids: Iterable[str], workflow_id: str, version: str | None = None
    ) -> CostEstimate:
        """What `rerun` would cost: one execution at the workflow's price per job that can go
        (a price is the workflow's, so `version` does not change it), and the balance."""
        return await self._rerunner.estimate(job_ids, workflow_id)

    async def rerun(
        self, job_ids: Iterable[str], workflow_id: str, version: str | None = None
    ) -> list[str]:
        """Send ended jobs again with the workflow, pinned at `version` (else its current
        one); the ids that went. Each job's current result becomes an earlier version, its
        new one is unreviewed and saved beside the old file (`name_v2.ext`); nothing is
        uploaded again while the server has the bytes. A job still moving is left alone."""
        return await self._rerunner.rerun(job_ids, workflow_id, version)

    async def versions(self, job_id: str) -> list[ResultVersion]:
        """Every result the job had, oldest first; the last is its current one (`current`).
        Empty for a job the journal does not know."""
        return await self._rerunner.versions(job_id)

    async def deliver(
        self,
        job_ids: Iterable[str],
        to_dir: Path,
        *,
        accepted_only: bool = False,
        name_template: str | None = None,
    ) -> DeliveryReport:
        """Copy the current result of each chosen loaded job (accepted; or, by default, not
        rejected) to `to_dir` and list it in its manifest.csv, in a worker thread. Raises
        NamingError (bad template) and DeliveryError (folder or manifest unusable)."""
        hooks = self._desk_hooks
        found = (hooks.find_job(job_id) for job_id in dict.fromkeys(job_ids))
        jobs = [snapshot(job) for job in found if job is not None]
        records = {job.batch_id: hooks.batch_of(job.batch_id).record for job in jobs}
        return await asyncio.to_thread(
            deliver, jobs, records, to_dir, accepted_only=accepted_only, name_template=name_template
        )
