"""One job's way from input file to saved result, stage by stage.

prepare (scale, hash) -> "stored already?" -> upload -> create by hash (or both in one
multipart create) -> watch -> download -> verify -> save. `sending.Sender` gets the execution
created, `saving.Saver` gets its result saved; this module drives a job through them and owns
its state changes.

Each stage takes a slot from its own limiter (`stage_limits.StageLimits`), so preparing,
uploading and downloading overlap across jobs with bounded concurrency each; the limits can be
changed while jobs run. Every state change that announces an action on the server or on disk is
committed to the journal *before* that action (`set_state` awaits the commit), which is what
makes a crash at any point recoverable (hashing and remote statuses are only shown: a resumed
job finds them out again):
- a job found in CREATING, or with its create sent, may have an execution: it is reconciled
  (found by its job label) before anything is created;
- a job with an execution id only re-attaches to it (watch, then download);
- a job found in DOWNLOADING first looks for its verified result already on disk.

`run()` starts from whatever state the job is in, so the same code serves a fresh job, a resumed
one and a retried one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.api.client import AutoretouchClient
from app.api.errors import (
    ApiError,
    AuthError,
    NotFoundError,
    PaymentRequiredError,
)
from app.api.models import Execution, ExecutionStatus
from app.domain.choices import UploadSize
from app.domain.jobs import Job, JobState
from app.engine.checkpoints import checkpoint
from app.engine.hashing import Hasher
from app.engine.options import BatchContext
from app.engine.saving import Saver
from app.engine.scaled_inputs import ScaledInputs
from app.engine.sending import Sender, StageFailure
from app.engine.stage_limits import StageLimits
from app.engine.upload_size import UploadSizePolicy
from app.engine.watcher import StatusWatcher
from app.imaging.probe import probe_image
from app.store.journal import Journal

log = logging.getLogger(__name__)

__all__ = ["JobPipeline", "StageFailure", "StageLimits", "snapshot"]

Notify = Callable[[Job, JobState], None]  # (job after the change, previous state)
Progress = Callable[[Job], None]


def snapshot(job: Job) -> Job:
    """A copy safe to hand to another thread or a subscriber while the job moves on."""
    return replace(job)


class JobPipeline:
    def __init__(
        self,
        client: AutoretouchClient,
        journal: Journal,
        hasher: Hasher,
        watcher: StatusWatcher,
        limits: StageLimits,
        *,
        notify: Notify,
        progress: Progress,
        cancel_requested: Callable[[str], bool],
        upload_sizes: UploadSizePolicy,
        scaled: ScaledInputs,
        create_path: Callable[[], str],
    ) -> None:
        self._client = client
        self._journal = journal
        self._watcher = watcher
        self._notify = notify
        self._progress = progress
        self._cancel_requested = cancel_requested
        self._upload_sizes = upload_sizes
        self._scaled = scaled
        self._sender = Sender(
            client,
            hasher,
            limits,
            upload_sizes,
            scaled,
            set_state=self.set_state,
            on_bytes=self._on_bytes,
            create_path=create_path,
            cancel_requested=cancel_requested,
        )
        self._saver = Saver(client, limits, set_state=self.set_state, on_bytes=self._on_bytes)

    # -- driving -------------------------------------------------------------------------------

    async def run(self, job: Job, batch: BatchContext) -> None:
        """Move the job to a final state. Task cancellation propagates (the caller decides
        whether that means "cancelled by the user" or "shutting down, resume later")."""
        try:
            await self._advance(job, batch)
        except asyncio.CancelledError:
            raise
        except StageFailure as exc:
            await self._fail(job, str(exc))
        except PaymentRequiredError as exc:
            await self._payment_required(job, batch, exc.message)
        except AuthError as exc:
            await self._fail(job, f"not signed in or not allowed: {exc.message or exc}")
        except ApiError as exc:
            await self._fail(job, f"server error: {exc}")
        except OSError as exc:
            await self._fail(job, f"file error: {exc.strerror or exc}")
        except Exception as exc:  # a bug must fail one row, not the whole batch
            log.exception("job %s failed unexpectedly", job.id)
            await self._fail(job, f"unexpected error: {type(exc).__name__}: {exc}")
        if job.state.is_final and job.upload_path and job.state is not JobState.FAILED:
            # Its scaled copy is needed no more (a failed job keeps it for a retry).
            await asyncio.to_thread(self._scaled.discard, job.upload_path)

    async def _advance(self, job: Job, batch: BatchContext) -> None:
        just_created = False
        if not job.execution_id:
            if job.state is JobState.CREATING or job.create_sent_at:
                # Sent by a run that ended before the answer: the server may still be at it.
                await self._sender.adopt_if_created(job, batch, settle=True)
            if not job.execution_id:
                if not await self._sender.send(job, batch):
                    return
                # Created (or found by reconciling) a moment ago: its status is known.
                just_created = job.remote_status == "CREATED"
        if self._stop_here(job):
            return await self.set_state(job, JobState.CANCELLED, "cancelled")
        execution = await self._watch(job, batch, just_created=just_created)
        if execution is None:
            return
        if self._stop_here(job):
            return await self.set_state(job, JobState.CANCELLED, "cancelled")
        await self._saver.save(job, batch, execution)
        if job.state is JobState.DONE:
            await self._learn_from(job, batch)

    def _stop_here(self, job: Job) -> bool:
        return self._cancel_requested(job.id)

    # -- stages --------------------------------------------------------------------------------

    async def _watch(
        self, job: Job, batch: BatchContext, *, just_created: bool = False
    ) -> Execution | None:
        """Wait for a final status; return the execution when COMPLETED, else end the job."""
        if job.state is not JobState.DOWNLOADING:
            if job.state not in (JobState.PROCESSING, JobState.IN_QA):
                await self.set_state(job, JobState.PROCESSING)
            checkpoint("watching")

        async def on_status(status: str) -> None:
            if status == job.remote_status or status in _FINAL:
                return
            state = JobState.IN_QA if status == ExecutionStatus.IN_QA else JobState.PROCESSING
            if job.state is JobState.DOWNLOADING:
                return
            # The execution tells its status again on any later read: shown, not journaled.
            await self.set_state(job, state, remote_status=status, record=False)

        try:
            execution = await self._watcher.wait_final(
                job.execution_id, batch.org_id, on_status, just_created=just_created
            )
        except NotFoundError as exc:
            raise StageFailure("the execution no longer exists on the server") from exc
        job.credits = execution.charged_credits or job.credits
        if execution.status == ExecutionStatus.COMPLETED:
            job.result_hash = (execution.result_content_hash or "").lower()
            job.result_name = execution.result_file_name or ""
            job.result_path = execution.result_path or ""
            job.result_content_type = execution.result_content_type or ""
            job.remote_status = execution.status
            return execution
        if execution.status == ExecutionStatus.PAYMENT_REQUIRED:
            await self._payment_required(job, batch, "", remote=True)
            return None
        await self.set_state(
            job,
            JobState.FAILED,
            remote_status=execution.status,
            error="processing failed on the server (retrying is free)",
            failed_stage="",
        )
        return None

    async def _learn_from(self, job: Job, batch: BatchContext) -> None:
        """`auto` upload size: a full-size upload's result may prove the service scales."""
        if job.upload_path or batch.option("upload_size", "") != UploadSize.AUTO:
            return
        if max(job.width, job.height) <= 0:
            return
        result = await asyncio.to_thread(probe_image, Path(job.output_path))
        if result.ok:
            await self._upload_sizes.learn(
                batch.record.workflow_version,
                input_size=(job.width, job.height),
                result_size=(result.width, result.height),
                execution_id=job.execution_id,
            )

    async def _payment_required(
        self, job: Job, batch: BatchContext, message: str, *, remote: bool = False
    ) -> None:
        price = batch.record.price
        try:
            balance: int | None = await self._client.get_balance(batch.org_id)
        except ApiError:
            balance = None
        if balance is not None and price:
            missing = max(price - balance, 0) or price
            reason = f"not enough credits: {price} needed, balance {balance} ({missing} missing)"
            job.credits_missing = missing
        else:
            reason = "not enough credits" + (f": {message}" if message else "")
        await self.set_state(
            job,
            JobState.PAYMENT_REQUIRED,
            remote_status="PAYMENT_REQUIRED" if remote else job.remote_status,
            error=reason,
            failed_stage="",
        )

    # -- bookkeeping ---------------------------------------------------------------------------

    async def _fail(self, job: Job, reason: str) -> None:
        stage = job.state.value if job.state.is_active else job.failed_stage
        await self.set_state(job, JobState.FAILED, error=reason, failed_stage=stage)

    async def set_state(
        self, job: Job, state: JobState, detail: str = "", *, record: bool = True, **changes: Any
    ) -> None:
        """Change the job, commit it to the journal, then tell subscribers. In that order.

        `record=False` is for changes that announce no action on the server and that a resumed
        job finds out again by itself (hashing; a remote status the execution reports on the
        next read): they are shown but not journaled, and the next recorded change stores the
        whole job. A third of a batch's journal writes were of this kind.
        """
        previous = job.state
        for name, value in changes.items():
            setattr(job, name, value)
        now = time.time()
        if state is not previous:
            job.progress = changes.get("progress", 0.0)
        if previous is JobState.QUEUED and state is not JobState.QUEUED and not job.started_at:
            job.started_at = now
        job.state = state
        job.finished_at = now if state.is_final else 0.0
        if state not in (JobState.FAILED, JobState.PAYMENT_REQUIRED, JobState.REJECTED):
            job.error = ""
            job.failed_stage = ""
        if record:
            await self._journal.run(self._journal.save_job, snapshot(job), detail)
        self._notify(job, previous)

    def _on_bytes(self, job: Job, done: int, total: int | None) -> None:
        if total:
            job.progress = min(1.0, done / total)
            self._progress(job)


_FINAL = {s.value for s in (ExecutionStatus.COMPLETED, ExecutionStatus.FAILED,
                            ExecutionStatus.PAYMENT_REQUIRED)}  # fmt: skip
