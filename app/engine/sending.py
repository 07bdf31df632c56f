"""A job's input on its way to the server, until its execution exists: exactly once.

prepare (scale if the service would, then hash) -> "stored already?" (HEAD) -> upload ->
create by hash; or, for `CreatePath.COMBINED`, upload and create in one multipart request.

Never two executions for one job: every create is journaled as sent before its request leaves
(`create_sent_at`), so a crash is reconciled by the job's label on resume, and a request that
failed ambiguously is looked up before another is sent. Uploads themselves are harmless to
repeat: the server stores by content hash.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from app.api.client import AutoretouchClient
from app.api.errors import (
    ConnectionFailedError,
    PaymentRequiredError,
    ProtocolViolationError,
    TransientError,
    UnprocessableError,
)
from app.api.models import Execution
from app.api.streams import FileChangedError
from app.domain.choices import CreatePath
from app.domain.jobs import Job, JobState
from app.engine.checkpoints import checkpoint
from app.engine.hashing import Hasher
from app.engine.options import BatchContext
from app.engine.reconcile import find_created_execution
from app.engine.scaled_inputs import ScaledInputs
from app.engine.stage_limits import StageLimits
from app.engine.upload_size import UploadSizePolicy

log = logging.getLogger(__name__)

# A create is never retried blindly (each failure is reconciled first), and it may carry the
# upload too, so a passing outage (503s) must not end a job: 8 attempts, backing off as the
# client's retry policy says, ride out about half a minute of it (with 5, a batch of 8 at a
# 20% 503 rate lost a job in about one run of 400: 0.2^5 x 8; the reliability suite hit it).
CREATE_ATTEMPTS = 8
# How long a server may still act on a create whose sender is gone (closed, killed, cut off):
# its upload being stored, its execution being written. A job that finds nothing sooner waits.
CREATE_SETTLE = 5.0
# Reconciling must outlast a passing outage (giving up fails the job, guessing could pay
# twice): rounds of STAGE_ATTEMPTS * 2 lookups, each retried by the client's policy.
STAGE_ATTEMPTS = 3


class StageFailure(Exception):
    """A local stage failed for good; the message is the reason shown to the user."""


class SetState(Protocol):
    async def __call__(
        self, job: Job, state: JobState, detail: str = "", *, record: bool = True, **changes: Any
    ) -> None: ...


OnBytes = Callable[[Job, int, int | None], None]


class Sender:
    def __init__(
        self,
        client: AutoretouchClient,
        hasher: Hasher,
        limits: StageLimits,
        upload_sizes: UploadSizePolicy,
        scaled: ScaledInputs,
        *,
        set_state: SetState,
        on_bytes: OnBytes,
        create_path: Callable[[], str],
        cancel_requested: Callable[[str], bool],
    ) -> None:
        self._client = client
        self._hasher = hasher
        self._limits = limits
        self._upload_sizes = upload_sizes
        self._scaled = scaled
        self._set_state = set_state
        self._on_bytes = on_bytes
        self._create_path = create_path
        self._cancel_requested = cancel_requested

    async def send(self, job: Job, batch: BatchContext) -> bool:
        """Prepare the input and create its execution; False when the job ended here
        (cancelled). Raises PaymentRequiredError, StageFailure and API errors for the caller."""
        await self._prepare(job, batch)
        if self._cancel_requested(job.id):
            await self._set_state(job, JobState.CANCELLED, "cancelled")
            return False
        if await self._stored_already(job, batch):
            job.deduped = True
            return await self._create(job, batch)
        if self._create_path() == CreatePath.COMBINED:
            return await self._upload_and_create(job, batch)
        await self._upload(job, batch)
        return await self._create(job, batch)

    # -- what goes up --------------------------------------------------------------------------

    async def _prepare(self, job: Job, batch: BatchContext) -> None:
        """Decide what to upload (the original, or a copy at the size the service keeps) and
        hash it. Shown, not journaled: a resumed job does it again and gets the same bytes."""
        await self._limits.running.wait()
        async with self._limits.hash:
            await self._limits.running.wait()
            await self._set_state(job, JobState.HASHING, record=False)
            checkpoint("hashing")
            max_side = await self._upload_sizes.max_side(
                str(batch.option("upload_size", "")), batch.record.workflow_version
            )
            scale = max_side is not None and max(job.width, job.height) > max_side
            try:
                copy = None
                if scale and max_side is not None:
                    copy = await self._hasher.run(
                        self._scaled.prepare, Path(job.input_path), max_side
                    )
                if copy is not None:
                    upload_path, content_hash = str(copy.path), copy.sha256
                else:
                    upload_path = ""
                    content_hash = await self._hasher.sha256(job.input_path)
            except OSError as exc:
                raise StageFailure(f"cannot read the input: {exc.strerror or exc}") from exc
        # Hashed and waiting for an upload slot: shown as queued, not as still hashing.
        await self._set_state(
            job,
            JobState.QUEUED,
            "hashed",
            content_hash=content_hash,
            upload_path=upload_path,
            record=False,
        )

    async def _stored_already(self, job: Job, batch: BatchContext) -> bool:
        """The dedupe question (HEAD), asked before an upload slot is taken. If the server
        cannot answer, the answer is "no" and the upload goes ahead (the server stores by
        content hash, so uploading again is harmless)."""
        async with self._limits.check:
            await self._limits.running.wait()
            try:  # retried by the client's policy, not again here
                return await self._client.upload_exists(job.content_hash, batch.org_id)
            except (TransientError, ProtocolViolationError) as exc:
                log.info("upload check for job %s failed (%s)", job.id, exc)
        return False

    async def _upload(self, job: Job, batch: BatchContext) -> None:
        """The vendor's recommended path, first half: the bytes alone, holding an upload slot.
        The create by hash follows outside the slot, so the next upload starts at once."""
        async with self._limits.upload:
            await self._limits.running.wait()  # paused while waiting for a slot: wait on
            await self._set_state(job, JobState.UPLOADING)
            checkpoint("uploading")
            stored = await self._client.upload(
                Path(job.upload_path or job.input_path),
                batch.org_id,
                content_type=job.content_type or None,
                on_progress=lambda done, total: self._on_bytes(job, done, total),
            )
        if stored.lower() != job.content_hash:
            # The file changed since it was hashed: the server holds other bytes than the ones
            # the job is about. Nothing was created or charged.
            raise StageFailure(
                "upload stopped: the file changed while it was being sent"
                " (a retry sends it as it is now)"
            )

    async def _upload_and_create(self, job: Job, batch: BatchContext) -> bool:
        """Bytes and create in one multipart request, holding an upload slot. The bytes are
        checked against the hash as they are read: a file changed since hashing is never sent
        whole, so nothing is created or charged for it."""
        async with self._limits.upload:
            await self._limits.running.wait()
            return await self._send_create(
                job,
                batch,
                JobState.UPLOADING,
                lambda: self._client.create_execution_with_file(
                    batch.record.workflow_id,
                    batch.org_id,
                    Path(job.upload_path or job.input_path),
                    version=batch.record.workflow_version or None,
                    labels=batch.labels(job.execution_label),
                    content_type=job.content_type or None,
                    on_progress=lambda done, total: self._on_bytes(job, done, total),
                    expected_sha256=job.content_hash,
                ),
            )

    # -- creating ------------------------------------------------------------------------------

    async def _create(self, job: Job, batch: BatchContext) -> bool:
        """Bytes the server has: the execution is created by their hash."""
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
                labels=batch.labels(job.execution_label),
            ),
        )

    async def _send_create(
        self,
        job: Job,
        batch: BatchContext,
        state: JobState,
        send: Callable[[], Awaitable[str]],
    ) -> bool:
        """Where every execution is created. Never twice for one job (see the module)."""
        for attempt in range(CREATE_ATTEMPTS):
            job.create_sent_at = time.time()  # see adopt_if_created
            await self._set_state(job, state)  # committed before the POST leaves
            checkpoint(state.value)
            try:
                execution_id = await send()
            except FileChangedError as exc:
                job.create_sent_at = 0.0
                raise StageFailure(
                    f"upload stopped: {exc} (a retry sends it as it is now)"
                ) from exc
            except PaymentRequiredError:
                job.create_sent_at = 0.0
                raise
            except UnprocessableError as exc:
                job.create_sent_at = 0.0
                raise StageFailure(f"the server cannot process this image: {exc.message}") from exc
            except (TransientError, ProtocolViolationError) as exc:
                # The request may have created an execution before failing: look before
                # creating again. With no answer at all, the server may still be working on it.
                log.info("create for job %s ended ambiguously (%s); reconciling", job.id, exc)
                await asyncio.sleep(self._client.retry_policy.delay(attempt))
                settle = isinstance(exc, ConnectionFailedError)
                if await self.adopt_if_created(job, batch, settle=settle):
                    return True
                continue
            checkpoint("after_create")
            job.create_sent_at = 0.0
            await self._set_state(
                job, JobState.PROCESSING, execution_id=execution_id, remote_status="CREATED"
            )
            return True
        raise StageFailure(f"could not create the execution after {CREATE_ATTEMPTS} attempts")

    async def adopt_if_created(
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
        await self._set_state(
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
                return await find_created_execution(
                    self._client,
                    batch.org_id,
                    job_id=job.execution_label,  # this version's execution, never an earlier one
                    input_file_name=job.name,
                    workflow_id=batch.record.workflow_id,
                    batch_name=batch.name,
                )
            except (TransientError, ProtocolViolationError) as exc:
                if attempt + 1 >= STAGE_ATTEMPTS * 2:
                    # Creating again without knowing could pay twice: stop and say so.
                    raise StageFailure(f"cannot check whether the execution exists: {exc}") from exc
                await asyncio.sleep(self._client.retry_policy.delay(attempt))
        return None
