"""Re-running results a retoucher rejected, through another workflow or version.

A re-run keeps what was: the job's current result becomes an earlier version (journal table
`result_versions`) in the same commit that sends the job back to QUEUED with its own workflow,
a version number one higher and no review mark. Then it is an ordinary job: hashed, found on
the server by its hash (so nothing is uploaded again), created exactly once (its execution
carries its own label, `Job.execution_label`, so a crash mid-create is reconciled with this
version's execution and never an earlier one), watched, downloaded, saved beside the earlier
files. A kill at any point resumes like any batch.

The engine owns the jobs; this module is handed the doors it needs (`hooks.EngineHooks`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import fields
from typing import TYPE_CHECKING

from app.api.client import AutoretouchClient
from app.api.errors import ApiError
from app.domain.jobs import Job, JobState, Review
from app.domain.versions import ResultVersion
from app.engine.counts import CostEstimate
from app.engine.hooks import EngineHooks
from app.engine.job_workflow import workflow_of
from app.engine.pipeline import snapshot
from app.store.journal import BatchRecord, Journal

if TYPE_CHECKING:
    from app.api.models import Workflow

log = logging.getLogger(__name__)

# What a job's next result starts without: everything its current result wrote.
_RESULT_FIELDS = {
    "execution_id": "",
    "remote_status": "",
    "result_hash": "",
    "result_name": "",
    "result_path": "",
    "result_content_type": "",
    "target_path": "",
    "output_path": "",
    "error": "",
    "failed_stage": "",
    "deduped": False,
    "create_sent_at": 0.0,
    "credits": 0,
    "credits_missing": 0,
    "progress": 0.0,
    "started_at": 0.0,
    "finished_at": 0.0,
    "review": Review.NONE,
}


def can_rerun(job: Job, moving: bool) -> bool:
    """A job that has ended, with an input the server took (a bad input stays rejected)."""
    return job.state.is_final and job.state is not JobState.REJECTED and not moving


def version_of(job: Job, record: BatchRecord, *, current: bool) -> ResultVersion:
    """The job's current result as a version (kept as an earlier one when it is re-run)."""
    workflow = workflow_of(job, record)
    return ResultVersion(
        job_id=job.id,
        version=job.version,
        state=job.state.value,
        execution_id=job.execution_id,
        workflow_id=workflow.id,
        workflow_name=workflow.name,
        workflow_version=workflow.version,
        result_hash=job.result_hash,
        result_name=job.result_name,
        result_path=job.result_path,
        result_content_type=job.result_content_type,
        # Only a saved result is this job's file: a skipped job's path is someone else's.
        output_path=job.output_path if job.state is JobState.DONE else "",
        credits=job.credits,
        review=job.review,
        finished_at=job.finished_at,
        current=current,
    )


class Rerunner:
    def __init__(self, client: AutoretouchClient, journal: Journal, hooks: EngineHooks) -> None:
        self._client = client
        self._journal = journal
        self._hooks = hooks

    def _rerunnable(self, job_ids: Iterable[str]) -> list[Job]:
        jobs = (self._hooks.find_job(job_id) for job_id in dict.fromkeys(job_ids))
        return [j for j in jobs if j is not None and can_rerun(j, self._hooks.is_moving(j.id))]

    async def _workflows(self, jobs: list[Job], workflow_id: str) -> dict[str, Workflow]:
        """The workflow as each organization of these jobs sees it (name, price, version)."""
        orgs = {self._hooks.batch_of(j.batch_id).org_id for j in jobs}
        found = await asyncio.gather(*(self._client.get_workflow(workflow_id, o) for o in orgs))
        return dict(zip(orgs, found, strict=True))

    async def estimate(self, job_ids: Iterable[str], workflow_id: str) -> CostEstimate:
        """What re-running these jobs with the workflow costs: one new execution each."""
        asked = [j for i in dict.fromkeys(job_ids) if (j := self._hooks.find_job(i)) is not None]
        jobs = [j for j in asked if can_rerun(j, self._hooks.is_moving(j.id))]
        workflows = await self._workflows(jobs, workflow_id) if jobs else {}
        total = sum(
            workflows[self._hooks.batch_of(j.batch_id).org_id].execution_price for j in jobs
        )
        balance: int | None = None
        if workflows:
            try:
                balance = await self._client.get_balance(next(iter(workflows)))
            except ApiError as exc:
                log.warning("cannot read the balance: %s", exc)
        return CostEstimate(
            images=len(jobs),
            price=max((w.execution_price for w in workflows.values()), default=0),
            total=total,
            balance=balance,
            deduped=0,
            rejected=sum(1 for j in asked if j.state is JobState.REJECTED),
            already_created=0,
        )

    async def rerun(
        self, job_ids: Iterable[str], workflow_id: str, version: str | None = None
    ) -> list[str]:
        """Send the jobs again with the workflow (pinned at `version`, else its current one);
        the ids that went. A job still moving, or already going again, is left as it is."""
        candidates = self._rerunnable(job_ids)
        if not candidates:
            return []
        workflows = await self._workflows(candidates, workflow_id)
        # Checked again after the await: another call may have taken some meanwhile. From
        # here to the journal's submit nothing awaits, so a job goes once.
        jobs = self._rerunnable(j.id for j in candidates)
        pending: list[tuple[Job, Job, asyncio.Future[None]]] = []
        for job in jobs:
            batch = self._hooks.batch_of(job.batch_id)
            before = snapshot(job)
            earlier = version_of(job, batch.record, current=False) if job.execution_id else None
            _go_again(job, workflows[batch.org_id], workflow_id, version, bumped=bool(earlier))
            detail = f"re-run with {job.workflow_name or job.workflow_id}" + (
                f" as version {job.version}" if earlier else ""
            )
            future = self._journal.submit(
                self._journal.archive_and_save, earlier, snapshot(job), detail
            )
            pending.append((job, before, asyncio.wrap_future(future)))
        started: list[str] = []
        for job, before, committed in pending:
            try:
                await committed
            except Exception:
                log.exception("re-run of job %s could not be journaled; left as it was", job.id)
                _restore(job, before)
                continue
            self._hooks.changed(job, before.state)
            if not job.state.is_final:  # cancelled meanwhile: it stays so
                self._hooks.spawn(job)
            started.append(job.id)
        return started

    async def versions(self, job_id: str) -> list[ResultVersion]:
        """Every result the job had, oldest first; the last one is its current one."""
        job = self._hooks.find_job(job_id)
        if job is not None:
            job, record = snapshot(job), self._hooks.batch_of(job.batch_id).record
        else:  # not loaded (a batch in the history only): read it from the journal
            stored = await self._journal.run(self._journal.job, job_id)
            if stored is None:
                return []
            stored_record = await self._journal.run(self._journal.batch, stored.batch_id)
            if stored_record is None:
                return []
            job, record = stored, stored_record
        earlier = await self._journal.run(self._journal.result_versions, job_id)
        return [*earlier, version_of(job, record, current=True)]


def _go_again(
    job: Job, workflow: Workflow, workflow_id: str, version: str | None, *, bumped: bool
) -> None:
    for name, value in _RESULT_FIELDS.items():
        setattr(job, name, value)
    job.version += 1 if bumped else 0
    job.workflow_id = workflow.id or workflow_id
    job.workflow_name = workflow.name
    # Pinned now, so a resume after a crash runs the version the cost was shown for.
    job.workflow_version = version or workflow.version
    job.state = JobState.QUEUED


def _restore(job: Job, before: Job) -> None:
    for field in fields(Job):
        setattr(job, field.name, getattr(before, field.name))
