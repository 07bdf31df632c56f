"""A hot folder shared by several machines (each with its own journal): every file is processed
exactly once between them, by the claim protocol of `hotfolder_claims`.

A settled file is claimed (renamed into this watcher's claim) before anything else happens, so
two watchers never both make a job of it. Its job id goes into the claim's record before the
job starts, its execution id right after the engine records it, and where the result is being
saved once that is known. When the job ends the original moves to done/ or, with the reason,
to failed/.

A watcher that dies leaves its claims behind; another one (or itself, restarted) takes them
over and finishes them without creating a second execution:
- a record with an execution id is adopted as it is (watched, then downloaded; a result that
  was saved already is found by its hash instead of being saved twice);
- a record with only a job id may have an execution the dead watcher never heard back about:
  it is looked for by the job's label once the server has had time to settle, and adopted if
  found;
- a file with no record never had a job: it is processed like a new one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from app.api.client import AutoretouchClient
from app.api.errors import ProtocolViolationError, TransientError
from app.domain.jobs import Job, JobState
from app.engine.download import remove_leftovers
from app.engine.engine import Engine, NoInputsError
from app.engine.events import Event, JobChanged
from app.engine.hotfolder import HotFolder
from app.engine.hotfolder_claims import RESERVED, Claim, ClaimBoard
from app.engine.hotfolder_routes import WorkflowFolders
from app.engine.hotfolder_settle import FileKey
from app.engine.options import RunOptions, new_batch_record
from app.engine.ownership import this_process
from app.engine.reconcile import find_created_execution

log = logging.getLogger(__name__)

DEFAULT_STALE_AFTER = 60.0  # seconds without a heartbeat before a watcher counts as dead
# How long a server may still act on a create whose sender died, before "not found" can be
# believed (the engine waits as long for its own unanswered creates).
RECONCILE_SETTLE = 5.0
_FINISHED_WELL = (JobState.DONE, JobState.SKIPPED)


@dataclass(frozen=True)
class SharedFolder:
    """What a watcher of a shared folder needs beyond the engine."""

    client: AutoretouchClient  # to look for executions a dead watcher created
    stale_after: float = DEFAULT_STALE_AFTER
    workflow_folders: bool = False  # incoming/<workflow name>/... picks the workflow


class SharedHotFolder(HotFolder):
    def __init__(
        self,
        engine: Engine,
        folder: Path,
        options: RunOptions,
        shared: SharedFolder,
        **kwargs: Any,
    ) -> None:
        super().__init__(engine, folder, options, **kwargs)
        self._board = ClaimBoard(self.folder)
        self._client = shared.client
        self._routes = (
            WorkflowFolders(shared.client, options.org_id) if shared.workflow_folders else None
        )
        self._stale_after = max(1.0, shared.stale_after)
        self._claimed: dict[str, tuple[Claim, str]] = {}  # job id -> its claim and file
        self._noted: dict[str, set[str]] = {}  # job id -> record fields written
        self._file_ops = asyncio.Lock()  # claim writes happen one at a time, in order
        self._background: set[asyncio.Task[None]] = set()
        self._recovery: asyncio.Task[None] | None = None
        self._next_beat = self._next_look = 0.0

    @property
    def owner(self) -> str:
        return self._board.owner

    def _reserved_folders(self) -> tuple[str, ...]:
        return tuple(sorted(RESERVED))

    # -- lifecycle ---------------------------------------------------------------------------

    async def resume_own(self) -> list[str]:
        """Nothing is resumed from the journal: the folder's claims are the truth, and an
        earlier run's claims are taken over like any dead watcher's. Its journal batches are
        closed so that `retouchdesk resume` can never process those files a second time."""
        journal = self._journal
        for record in await journal.run(journal.unfinished_batches):
            if record.options.get("hot_folder") != str(self.folder):
                continue
            if not record.options.get("shared"):
                continue
            now = time.time()
            for job in await journal.run(journal.jobs_of_batch, record.id):
                if not job.state.is_final:
                    closed = replace(
                        job, state=JobState.CANCELLED, finished_at=now,
                        error="handed over to the shared folder's claims",
                    )  # fmt: skip
                    await journal.run(journal.save_job, closed, "handed over")
        return []

    async def _before_watch(self) -> None:
        self._engine.subscribe(self._on_event)
        await asyncio.to_thread(self._board.beat)
        self._next_beat = time.monotonic() + self._stale_after / 4

    async def _each_tick(self) -> None:
        now = time.monotonic()
        if now >= self._next_beat:
            self._next_beat = now + self._stale_after / 4
            await asyncio.to_thread(self._board.beat)
        if now >= self._next_look and (self._recovery is None or self._recovery.done()):
            self._next_look = now + min(5.0, self._stale_after / 4)
            self._recovery = asyncio.get_running_loop().create_task(self._recover())

    async def _after_watch(self) -> None:
        """Stop our jobs (another watcher adopts their executions), finish the claim writes,
        then say we are gone so that our claims are taken over at once."""
        if self._recovery is not None:
            self._recovery.cancel()
            await asyncio.wait([self._recovery])
        for batch_id in self.batches:
            await self._engine.cancel_batch(batch_id)
        for batch_id in self.batches:
            await self._engine.wait(batch_id)
        if self._background:
            await asyncio.wait(list(self._background))
        self._engine.unsubscribe(self._on_event)
        await asyncio.to_thread(self._board.retire)

    # -- new files ---------------------------------------------------------------------------

    async def _take(self, settled: dict[Path, FileKey]) -> str | None:
        # Claimed or not, the files have left the folder: nothing to remember about them.
        claim = await asyncio.to_thread(self._board.claim, sorted(settled))
        if not claim.files:
            return None
        return await self._process(claim, {})

    async def _process(self, claim: Claim, records: dict[str, dict[str, Any]]) -> str | None:
        """Make jobs of a claim's files: adopted executions where the records name one, one
        batch per workflow for the others."""
        groups: dict[str, tuple[RunOptions, list[str]]] = {}
        # A copy: an adopted job can finish (and leave the claim) while this loop runs.
        for relative in list(claim.files):
            try:
                options, reason = await self._options_for(relative)
            except (TransientError, ProtocolViolationError) as exc:
                log.warning("hot folder %s: cannot route %s now (%s)", self.folder, relative, exc)
                await self._write(self._board.release, claim, relative)
                continue
            if options is None:
                name = PurePosixPath(relative).name
                await self._write(self._board.finish, claim, relative, reason=f"{name}: {reason}")
                continue
            record = records.get(relative, {})
            if record.get("execution_id"):
                await self._adopt(claim, relative, record, options)
            else:
                groups.setdefault(options.workflow_id, (options, []))[1].append(relative)
        made = [await self._make_batch(claim, files, options) for options, files in groups.values()]
        return next((b for b in made if b is not None), None)

    async def _options_for(self, relative: str) -> tuple[RunOptions | None, str]:
        if self._routes is None:
            return self._options, ""
        workflow, reason = await self._routes.route(relative)
        if workflow is None:
            return None, reason
        return replace(self._options, workflow_id=workflow.id, workflow_version=None), ""

    async def _make_batch(self, claim: Claim, fresh: list[str], options: RunOptions) -> str | None:
        name = datetime.now().strftime(f"Hot folder {self.folder.name} %Y-%m-%d %H:%M:%S")
        try:
            batch_id = await self._engine.add(
                [claim.path_of(r) for r in fresh],
                replace(options, batch_name=name, source="hotfolder"),
                root=claim.dir,
                extra_options={"hot_folder": str(self.folder), "shared": "1"},
            )
        except NoInputsError:
            return None
        except (TransientError, ProtocolViolationError) as exc:
            log.warning("hot folder %s: no batch now (%s); files given back", self.folder, exc)
            for relative in fresh:
                await self._write(self._board.release, claim, relative)
            return None
        jobs = [j for j in self._engine.jobs() if j.batch_id == batch_id]
        async with self._file_ops:
            for job in jobs:
                relative = Path(job.input_path).relative_to(claim.dir).as_posix()
                self._claimed[job.id] = (claim, relative)
                await asyncio.to_thread(self._board.record, claim, relative, job_id=job.id)
        for job in jobs:
            if job.state.is_final:  # rejected at once (not an image, unreadable)
                self._on_event(JobChanged(job, JobState.QUEUED))
        self._engine.start(batch_id)
        self.batches.append(batch_id)
        log.info("hot folder %s: claimed %d file(s) -> batch %s", self.folder, len(fresh), batch_id)
        return batch_id

    # -- following our jobs ------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if not isinstance(event, JobChanged) or event.job.id not in self._claimed:
            return
        job = event.job
        claim, relative = self._claimed[job.id]
        noted = self._noted.setdefault(job.id, set())
        fields = {
            key: value
            for key, value in (("execution_id", job.execution_id), ("target", job.target_path))
            if value and key not in noted
        }
        if fields:
            noted.update(fields)
            self._spawn(self._write(self._board.record, claim, relative, **fields))
        if job.state.is_final and job.state is not JobState.CANCELLED:
            del self._claimed[job.id]
            self._noted.pop(job.id, None)
            reason = "" if job.state in _FINISHED_WELL else _reason(job)
            self._spawn(self._write(self._board.finish, claim, relative, reason=reason))

    async def _write(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        async with self._file_ops:
            try:
                await asyncio.to_thread(fn, *args, **kwargs)
            except OSError as exc:
                log.error("hot folder %s: cannot update a claim: %s", self.folder, exc)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- dead watchers' claims ---------------------------------------------------------------

    async def _recover(self) -> None:
        try:
            dead = await asyncio.to_thread(self._board.dead_claims, self._stale_after)
            for path in dead:
                claim = await asyncio.to_thread(self._board.take_over, path)
                if claim is not None and claim.files:
                    await self._finish_taken_over(claim)
        except asyncio.CancelledError:
            raise
        except Exception:  # the next look tries again; the watch itself goes on
            log.exception("hot folder %s: taking over a dead watcher's claims failed", self.folder)

    async def _finish_taken_over(self, claim: Claim) -> None:
        records = await asyncio.to_thread(self._board.records, claim)
        # A result the dead watcher was writing when it died left a partial file behind.
        for record in records.values():
            if record.get("target") and record.get("job_id"):
                target, job_id = Path(str(record["target"])), str(record["job_id"])
                await asyncio.to_thread(remove_leftovers, target, job_id)
        unsure = [r for r in list(claim.files) if records.get(r, {}).get("job_id")
                  and not records[r].get("execution_id")]  # fmt: skip
        if unsure:
            await asyncio.sleep(RECONCILE_SETTLE)
        for relative in unsure:
            record = records[relative]
            options, _reason = await self._options_for(relative)
            found = await find_created_execution(
                self._client,
                self._options.org_id,
                job_id=str(record["job_id"]),
                input_file_name=PurePosixPath(relative).name,
                workflow_id=options.workflow_id if options is not None else None,
            )
            if found is not None:
                record["execution_id"] = found.id
                async with self._file_ops:
                    await asyncio.to_thread(
                        self._board.record, claim, relative, execution_id=found.id
                    )
        await self._process(claim, records)

    async def _adopt(
        self, claim: Claim, relative: str, record: dict[str, Any], options: RunOptions
    ) -> None:
        """A job of ours for an execution a dead watcher created: into the journal as that
        watcher would have left it after a crash, then resumed by the engine like one."""
        path = claim.path_of(relative)
        workflow = await self._client.get_workflow(options.workflow_id, options.org_id)
        now = time.time()
        batch = new_batch_record(
            options,
            workflow,
            name=datetime.now().strftime(f"Hot folder {self.folder.name} %Y-%m-%d %H:%M:%S"),
            created_at=now,
            out_dir=options.out_dir,
            extra={"source": "hotfolder", "hot_folder": str(self.folder), "shared": "1"},
        )
        target = str(record.get("target") or "")
        job = Job(
            id=str(uuid.uuid4()),
            batch_id=batch.id,
            input_path=str(path),
            name=path.name,
            relative_path=relative,
            # Saving had begun: the engine looks for that result (by its hash) before saving.
            state=JobState.DOWNLOADING if target else JobState.PROCESSING,
            target_path=target,
            execution_id=str(record["execution_id"]),
            size=os.stat(path).st_size,
            created_at=now,
        )
        journal = self._journal
        await journal.run(journal.add_batch, batch, [job], this_process())
        await journal.run(journal.set_batch_started, batch.id, now)
        async with self._file_ops:
            await asyncio.to_thread(self._board.record, claim, relative, job_id=job.id)
        self._claimed[job.id] = (claim, relative)
        self._noted[job.id] = {"execution_id"} | ({"target"} if target else set())
        await self._engine.resume_unfinished(only=lambda r: r.id == batch.id)
        self.batches.append(batch.id)
        log.info(
            "hot folder %s: adopted execution %s for %s", self.folder, job.execution_id, relative
        )


def _reason(job: Job) -> str:
    return f"{job.name}: {job.error or job.state.value}"
