"""One job's way from input file to saved result, stage by stage.

hash -> HEAD dedupe -> upload and create (one multipart request) or, for bytes the server
already has, create by hash -> watch -> download -> verify -> save.

Each stage takes a slot from its own limiter (`limits.ResizableLimiter`), so hashing, uploading
and downloading overlap across jobs with bounded concurrency each; the limits can be changed
while jobs run (`StageLimits.resize`). Every state change that announces an action on the
server or on disk is committed to the journal *before* that action (`set_state` awaits the
commit), which is what makes a crash at any point recoverable (hashing and remote statuses are
only shown: a resumed job finds them out again):
- a job found in CREATING, or in UPLOADING with its create sent, may have an execution: it is
  reconciled (found by its job label) before anything is created;
- a job with an execution id only re-attaches to it (watch, then download);
- a job found in DOWNLOADING first looks for its verified result already on disk.

`run()` starts from whatever state the job is in, so the same code serves a fresh job, a resumed
one and a retried one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any

from app.api.client import AutoretouchClient
from app.api.errors import (
    ApiError,
    AuthError,
    ConnectionFailedError,
    NotFoundError,
    PaymentRequiredError,
    ProtocolViolationError,
    TransientError,
    UnprocessableError,
)
from app.api.models import Execution, ExecutionStatus
from app.api.streams import FileChangedError
from app.domain.jobs import Job, JobState
from app.engine.download import (
    IntegrityError,
    download_verified,
    find_saved_result,
    finish,
    remove_leftovers,
    temp_path_for,
)
from app.engine.hashing import Hasher
from app.engine.limits import ResizableLimiter
from app.engine.naming import (
    NameContext,
    destination_dir,
    plan_target,
    render_name,
    result_extension,
)
from app.engine.options import BatchContext
from app.engine.reconcile import find_created_execution
from app.engine.testhooks import crash_point
from app.engine.watcher import StatusWatcher
from app.store.journal import Journal

log = logging.getLogger(__name__)

# A create is never retried blindly (each failure is reconciled first), and it now carries the
# upload too, so a passing outage (503s) must not end a job: 8 attempts, backing off to 8 s,
# ride out about half a minute of it (with 5, a batch of 8 at a 20% 503 rate lost a job in
# about one run of 400: 0.2^5 x 8; the reliability suite hit it).
CREATE_ATTEMPTS = 8
# How long a server may still act on a create whose sender is gone (closed, killed, cut off):
# its upload being stored, its execution being written. A job that finds nothing sooner waits.
CREATE_SETTLE = 5.0
DOWNLOAD_ATTEMPTS = 3
STAGE_ATTEMPTS = 3  # rounds of our own on top of the client's retries, for transient trouble

Notify = Callable[[Job, JobState], None]  # (job after the change, previous state)
Progress = Callable[[Job], None]


class StageFailure(Exception):
    """A local stage failed for good; the message is the reason shown to the user."""


@dataclass
class StageLimits:
    """How many jobs may be in each stage at once. Resizable while jobs run (`resize`)."""

    hash: ResizableLimiter
    upload: ResizableLimiter
    download: ResizableLimiter
    running: asyncio.Event  # cleared while paused: no new hashing or uploads start
    # "Is this upload stored already?" (HEAD) has its own lanes, as many as uploads: a round
    # trip that moves no bytes must not hold an upload slot, and a stored file never queues
    # behind uploads at all.
    check: ResizableLimiter

    @classmethod
    def create(cls, hash_workers: int, uploads: int, downloads: int) -> StageLimits:
        running = asyncio.Event()
        running.set()
        return cls(
            ResizableLimiter(hash_workers, "hash stage"),
            ResizableLimiter(uploads, "uploads"),
            ResizableLimiter(downloads, "downloads"),
            running,
            ResizableLimiter(uploads, "upload checks"),
        )

    def resize(self, hash_workers: int, uploads: int, downloads: int) -> None:
        """New limits, now: waiting jobs start if there is room; running transfers are never
        interrupted, a lowered limit only keeps new ones waiting until enough have finished."""
        self.hash.set_limit(hash_workers)
        self.upload.set_limit(uploads)
        self.check.set_limit(uploads)
        self.download.set_limit(downloads)


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
    ) -> None:
        self._client = client
        self._journal = journal
        self._hasher = hasher
        self._watcher = watcher
        self._limits = limits
        self._notify = notify
        self._progress = progress
        self._cancel_requested = cancel_requested

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
        except AuthError as exc:
            await self._fail(job, f"not signed in or not allowed: {exc.message or exc}")
        except ApiError as exc:
            await self._fail(job, f"server error: {exc}")
        except OSError as exc:
            await self._fail(job, f"file error: {exc.strerror or exc}")
        except Exception as exc:  # a bug must fail one row, not the whole batch
            log.exception("job %s failed unexpectedly", job.id)
            await self._fail(job, f"unexpected error: {type(exc).__name__}: {exc}")

    async def _advance(self, job: Job, batch: BatchContext) -> None:
        just_created = False
        if not job.execution_id:
            if job.state is JobState.CREATING or job.create_sent_at:
                # Sent by a run that ended before the answer: the server may still be at it.
                await self._adopt_if_created(job, batch, settle=True)
            if not job.execution_id:
                await self._hash(job)
                if self._stop_here(job):
                    return await self.set_state(job, JobState.CANCELLED, "cancelled")
                if await self._stored_already(job, batch):
                    job.deduped = True
                    created = await self._create(job, batch)
                else:
                    created = await self._upload_and_create(job, batch)
                if not created:
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
        await self._download(job, batch, execution)

    def _stop_here(self, job: Job) -> bool:
        return self._cancel_requested(job.id)

    # -- stages --------------------------------------------------------------------------------

    async def _hash(self, job: Job) -> None:
        await self._limits.running.wait()
        async with self._limits.hash:
            await self._limits.running.wait()
            await self.set_state(job, JobState.HASHING, record=False)
            crash_point("hashing")
            try:
                content_hash = await self._hasher.sha256(job.input_path)
            except OSError as exc:
                raise StageFailure(f"cannot read the input: {exc.strerror or exc}") from exc
        # Hashed and waiting for an upload slot: shown as queued, not as still hashing.
        await self.set_state(
            job, JobState.QUEUED, "hashed", content_hash=content_hash, record=False
        )

    async def _upload_and_create(self, job: Job, batch: BatchContext) -> bool:
        """Bytes the server does not have: uploaded and the execution created in one request
        (the API's multipart create), holding an upload slot. One request fewer per image than
        upload-then-create, for the client and the server alike. The bytes are checked against
        the hash as they are read: a file changed since hashing is never sent whole, so nothing
        is created or charged for it."""
        async with self._limits.upload:
            await self._limits.running.wait()  # paused while waiting for a slot: wait on
            return await self._send_create(
                job,
                batch,
                JobState.UPLOADING,
                lambda: self._client.create_execution_with_file(
                    batch.record.workflow_id,
                    batch.org_id,
                    Path(job.input_path),
                    version=batch.record.workflow_version or None,
                    labels=batch.labels(job.id),
                    content_type=job.content_type or None,
                    on_progress=lambda done, total: self._on_bytes(job, done, total),
                    expected_sha256=job.content_hash,
                ),
            )

    async def _stored_already(self, job: Job, batch: BatchContext) -> bool:
        """The dedupe question (HEAD), asked before an upload slot is taken. Transient
        trouble is retried; if it persists, the answer is "no" and the upload goes ahead
        (the server stores by content hash, so uploading again is harmless)."""
        async with self._limits.check:
            await self._limits.running.wait()
            for attempt in range(STAGE_ATTEMPTS):
                try:
                    return await self._client.upload_exists(job.content_hash, batch.org_id)
                except (TransientError, ProtocolViolationError) as exc:
                    log.info("upload check for job %s failed (%s)", job.id, exc)
                    if attempt + 1 < STAGE_ATTEMPTS:
                        await asyncio.sleep(0.5 * 2**attempt)
        return False

    async def _create(self, job: Job, batch: BatchContext) -> bool:
        """Bytes the server already has: the execution is created by their hash."""
        return await self._send_create(
            job,
            batch,
            JobState.CREATING,
            lambda: self._client.create_execution(
                batch.record.workflow_id,
                batch.org_id,
                name=job.name,
                content_hash=job.content_hash,
                content_type=job.content_type or "image/jpeg",
                version=batch.record.workflow_version or None,
                labels=batch.labels(job.id),
            ),
        )

    async def _send_create(
        self,
        job: Job,
        batch: BatchContext,
        state: JobState,
        send: Callable[[], Awaitable[str]],
    ) -> bool:
        """Where every execution is created; False when the job ended here (payment, refusal).

        Never twice for one job: the create is journaled as sent (in `state`) before the
        request leaves, so a crash is reconciled by the job's label on resume; a request that
        failed ambiguously is looked up before another is sent.
        """
        for attempt in range(CREATE_ATTEMPTS):
            job.create_sent_at = time.time()  # see _adopt_if_created
            await self.set_state(job, state)  # committed before the POST leaves
            crash_point(state.value)
            try:
                execution_id = await send()
            except FileChangedError as exc:
                job.create_sent_at = 0.0
                raise StageFailure(
                    f"upload stopped: {exc} (a retry sends it as it is now)"
                ) from exc
            except PaymentRequiredError as exc:
                job.create_sent_at = 0.0
                await self._payment_required(job, batch, exc.message)
                return False
            except UnprocessableError as exc:
                job.create_sent_at = 0.0
                raise StageFailure(f"the server cannot process this image: {exc.message}") from exc
            except (TransientError, ProtocolViolationError) as exc:
                # The request may have created an execution before failing: look before
                # creating again. With no answer at all, the server may still be working on it.
                log.info("create for job %s ended ambiguously (%s); reconciling", job.id, exc)
                await asyncio.sleep(min(8.0, 0.5 * 2**attempt))
                settle = isinstance(exc, ConnectionFailedError)
                if await self._adopt_if_created(job, batch, settle=settle):
                    return True
                continue
            crash_point("after_create")
            job.create_sent_at = 0.0
            await self.set_state(
                job, JobState.PROCESSING, execution_id=execution_id, remote_status="CREATED"
            )
            return True
        raise StageFailure(f"could not create the execution after {CREATE_ATTEMPTS} attempts")

    async def _adopt_if_created(
        self, job: Job, batch: BatchContext, *, settle: bool = False
    ) -> bool:
        """Reconcile: True (and the job attached to it) if an execution exists for this job.

        `settle`: the last create got no answer (the app closed or died, the connection
        broke), so the server may still be working on it and create the execution after this
        first look. If nothing is found, look again once CREATE_SETTLE seconds have passed
        since it was sent; creating sooner could pay twice.
        """
        found = await self._find_created(job, batch)
        if found is None and settle:
            wait = job.create_sent_at + CREATE_SETTLE - time.time()
            if wait > 0:
                log.info("job %s: waiting %.1f s for an unanswered create to settle", job.id, wait)
                await asyncio.sleep(wait)
                found = await self._find_created(job, batch)
        if found is None:
            return False
        job.create_sent_at = 0.0
        await self.set_state(
            job,
            JobState.PROCESSING,
            "reconciled with the server",
            execution_id=found.id,
            remote_status=found.status,
        )
        return True

    async def _find_created(self, job: Job, batch: BatchContext) -> Execution | None:
        for attempt in range(STAGE_ATTEMPTS * 2):
            try:
                found = await find_created_execution(
                    self._client,
                    batch.org_id,
                    job_id=job.id,
                    input_file_name=job.name,
                    workflow_id=batch.record.workflow_id,
                    batch_name=batch.name,
                )
                break
            except (TransientError, ProtocolViolationError) as exc:
                if attempt + 1 >= STAGE_ATTEMPTS * 2:
                    # Creating again without knowing could pay twice: stop and say so.
                    raise StageFailure(f"cannot check whether the execution exists: {exc}") from exc
                await asyncio.sleep(0.5 * 2**attempt)
        return found

    async def _watch(
        self, job: Job, batch: BatchContext, *, just_created: bool = False
    ) -> Execution | None:
        """Wait for a final status; return the execution when COMPLETED, else end the job."""
        if job.state is not JobState.DOWNLOADING:
            if job.state not in (JobState.PROCESSING, JobState.IN_QA):
                await self.set_state(job, JobState.PROCESSING)
            crash_point("watching")

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

    async def _download(self, job: Job, batch: BatchContext, execution: Execution) -> None:
        async with self._limits.download:
            target = self._plan_target(job, batch)
            temp = temp_path_for(target, job.id)
            # Only an earlier attempt of this job (a killed run, a failed download, a retry) can
            # have left partial files of it: its temp names carry the job's id. Looking costs a
            # scan of the whole output folder, so a first attempt does not look (scanning for
            # every download made a batch quadratic in the folder's size).
            earlier_target = job.target_path
            if job.state is JobState.DOWNLOADING and earlier_target == str(target):
                saved = await asyncio.to_thread(find_saved_result, target, job.result_hash)
                # Killed mid-download or mid-rename: partial files of this job may remain.
                await asyncio.to_thread(remove_leftovers, target, job.id)
                earlier_target = ""  # cleaned
                if saved is not None:
                    await self.set_state(job, JobState.DONE, "found saved before a crash",
                                    output_path=str(saved), progress=1.0)  # fmt: skip
                    return
            if batch.on_exists == "skip" and await asyncio.to_thread(target.exists):
                await self.set_state(
                    job, JobState.SKIPPED, "output exists", output_path=str(target)
                )
                return
            job.target_path = str(target)
            await self.set_state(job, JobState.DOWNLOADING, remote_status=execution.status)
            if earlier_target:
                await asyncio.to_thread(remove_leftovers, Path(earlier_target), job.id)
            for attempt in range(DOWNLOAD_ATTEMPTS):
                try:
                    await download_verified(
                        self._client,
                        batch.org_id,
                        job.execution_id,
                        temp=temp,
                        expected_sha256=job.result_hash,
                        result_path=job.result_path or None,
                        on_progress=lambda done, total: self._on_bytes(job, done, total),
                    )
                    break
                except (IntegrityError, TransientError, ProtocolViolationError) as exc:
                    if attempt + 1 >= DOWNLOAD_ATTEMPTS:
                        raise StageFailure(f"download failed: {exc}") from exc
                    log.info("download of job %s failed (%s); again", job.id, exc)
                    await asyncio.sleep(0.5 * 2**attempt)
            crash_point("downloading")
            final = await asyncio.to_thread(finish, temp, target, batch.on_exists)
            crash_point("after_save")
            if final is None:
                await self.set_state(
                    job, JobState.SKIPPED, "output exists", output_path=str(target)
                )
            else:
                await self.set_state(job, JobState.DONE, output_path=str(final), progress=1.0)

    def _plan_target(self, job: Job, batch: BatchContext) -> Path:
        ext = result_extension(job.result_name, job.result_content_type)
        context = NameContext(
            stem=Path(job.name).stem,
            ext=ext,
            workflow=batch.record.workflow_name or batch.record.workflow_id,
            batch=batch.name,
            date=batch.date,
            n=job.seq + 1,
        )
        relative = PurePath(job.relative_path or job.name)
        dest = destination_dir(batch.layout, batch.out_dir, Path(job.input_path), relative)
        return plan_target(dest, render_name(batch.name_template, context))

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
