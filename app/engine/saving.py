"""A finished execution's result on its way to the output folder: planned, downloaded,
verified, saved; never clobbering a file the run was not told it may replace."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path, PurePath

from app.api.client import AutoretouchClient
from app.api.errors import ProtocolViolationError, TransientError
from app.api.models import Execution
from app.domain.choices import OnExists
from app.domain.jobs import Job, JobState
from app.engine.checkpoints import checkpoint
from app.engine.download import (
    IntegrityError,
    download_verified,
    find_saved_result,
    finish,
    remove_leftovers,
    temp_path_for,
)
from app.engine.naming import (
    NameContext,
    destination_dir,
    plan_target,
    render_name,
    result_extension,
)
from app.engine.options import BatchContext
from app.engine.sending import OnBytes, SetState, StageFailure
from app.engine.stage_limits import StageLimits

log = logging.getLogger(__name__)

DOWNLOAD_ATTEMPTS = 3


class Saver:
    def __init__(
        self,
        client: AutoretouchClient,
        limits: StageLimits,
        *,
        set_state: SetState,
        on_bytes: OnBytes,
    ) -> None:
        self._client = client
        self._limits = limits
        self._set_state = set_state
        self._on_bytes = on_bytes

    async def save(self, job: Job, batch: BatchContext, execution: Execution) -> None:
        async with self._limits.download:
            target = plan_target_for(job, batch)
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
                    await self._set_state(job, JobState.DONE, "found saved before a crash",
                                          output_path=str(saved), progress=1.0)  # fmt: skip
                    return
            if batch.on_exists == OnExists.SKIP and await asyncio.to_thread(target.exists):
                await self._set_state(
                    job, JobState.SKIPPED, "output exists", output_path=str(target)
                )
                return
            job.target_path = str(target)
            await self._set_state(job, JobState.DOWNLOADING, remote_status=execution.status)
            if earlier_target:
                await asyncio.to_thread(remove_leftovers, Path(earlier_target), job.id)
            await self._download(job, batch, temp)
            checkpoint("downloading")
            final = await asyncio.to_thread(finish, temp, target, batch.on_exists)
            checkpoint("after_save")
            if final is None:
                await self._set_state(
                    job, JobState.SKIPPED, "output exists", output_path=str(target)
                )
            else:
                await self._set_state(job, JobState.DONE, output_path=str(final), progress=1.0)

    async def _download(self, job: Job, batch: BatchContext, temp: Path) -> None:
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
                return
            except (IntegrityError, TransientError, ProtocolViolationError) as exc:
                if attempt + 1 >= DOWNLOAD_ATTEMPTS:
                    raise StageFailure(f"download failed: {exc}") from exc
                log.info("download of job %s failed (%s); again", job.id, exc)
                await asyncio.sleep(self._client.retry_policy.delay(attempt))


def plan_target_for(job: Job, batch: BatchContext) -> Path:
    """Where the job's result goes, by the batch's layout and name template."""
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
