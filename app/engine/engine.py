"""The Engine: the one object front ends talk to (window, CLI, hot folder, benchmarks).

It owns the jobs in memory, one asyncio task per moving job, the stage limits (resizable while
jobs run: `apply_settings`), and the event fan-out. What happens to one job is
`pipeline.JobPipeline`'s business; what is remembered is the journal's. Everything here runs on
the event loop's thread (in the window, the Qt thread via qasync), so each method does little and
hands blocking work to threads: walking and probing inputs to the hashing pool, journal writes to
the journal's writer thread.

Events go to subscribers synchronously on the loop thread, in order; progress events are
throttled to about ten a second per job so a thousand uploads cannot flood a front end.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path

from app.api.client import AutoretouchClient
from app.api.errors import ApiError, NotFoundError
from app.api.models import Workflow
from app.domain.jobs import Job, JobState
from app.engine.counts import BatchCounts, Concurrency, CostEstimate
from app.engine.events import (
    BatchAdded,
    BatchFinished,
    CreditsChanged,
    EngineNotice,
    Event,
    JobAdded,
    JobChanged,
    JobRemoved,
    Subscriber,
)
from app.engine.hashing import Hasher
from app.engine.hooks import EngineHooks
from app.engine.intake import NoInputsError, ignored_summary, take_in
from app.engine.job_workflow import job_context
from app.engine.options import BatchContext, RunOptions
from app.engine.ownership import owner_alive, this_process
from app.engine.pipeline import JobPipeline, snapshot
from app.engine.results_desk import ResultsDesk
from app.engine.scaled_inputs import ScaledInputs
from app.engine.stage_limits import StageLimits
from app.engine.upload_size import UploadSizePolicy
from app.engine.watcher import StatusWatcher
from app.store import paths
from app.store.journal import BatchRecord, Journal
from app.store.settings import Settings

log = logging.getLogger(__name__)

__all__ = [
    "BatchCounts",
    "Concurrency",
    "CostEstimate",
    "Engine",
    "NoInputsError",
    "RunOptions",
    "ignored_summary",
]

PROGRESS_INTERVAL = 0.1  # seconds between progress events of one job
# Jobs are started this many per loop turn: a thousand tasks created in one turn stall a GUI
# loop for tens of milliseconds, since under qasync every ready callback is its own Qt event.
START_CHUNK = 16
_REMOTE_RETRYABLE = ("FAILED", "PAYMENT_REQUIRED")


class Engine(ResultsDesk):  # marks, re-runs, versions and delivery: see results_desk.py
    def __init__(
        self,
        client: AutoretouchClient,
        journal: Journal,
        settings: Settings | None = None,
    ) -> None:
        self._client = client
        self._journal = journal
        self._settings = settings or Settings()
        s = self._settings
        self._hasher = Hasher(s.hash_concurrency)
        self._limits = StageLimits.create(
            s.hash_concurrency, s.upload_concurrency, s.download_concurrency
        )
        self._watcher = StatusWatcher(client, s.watch_streams)
        self._pipeline = JobPipeline(
            client,
            journal,
            self._hasher,
            self._watcher,
            self._limits,
            notify=self._job_changed,
            progress=self._job_progress,
            cancel_requested=lambda job_id: job_id in self._cancel_requests,
            upload_sizes=UploadSizePolicy(journal),
            scaled=ScaledInputs(paths.cache_dir() / "scaled"),
            create_path=lambda: self._settings.create_path,
        )
        self._jobs: dict[str, Job] = {}
        # Per-batch indexes, so that finishing one job costs O(1) and not O(all jobs): a
        # 10,000-image batch must not make every completion scan the whole list on the GUI thread.
        self._batch_jobs: dict[str, dict[str, Job]] = {}
        self._open_jobs: dict[str, int] = {}  # non-final jobs per batch
        self._batch_tasks: dict[str, int] = {}  # moving jobs per batch
        self._batches: dict[str, BatchContext] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # Jobs `start()` accepted whose task is not created yet (see START_CHUNK), in order,
        # and the one task that creates them.
        self._to_start: deque[Job] = deque()
        self._start_commits: deque[Future[None]] = deque()  # batches' "started" marks
        # Jobs whose task has taken its first step. A task cancelled before that never runs at
        # all (not even its `finally`), so `cancel` must tell the two apart.
        self._started: set[str] = set()
        self._starter: asyncio.Task[None] | None = None
        self._cancel_requests: set[str] = set()
        self._subscribers: list[Subscriber] = []
        self._last_progress: dict[str, float] = {}
        self._finished_reported: set[str] = set()
        self._background: set[asyncio.Task[None]] = set()  # bookkeeping after a batch ends
        self._closing = False
        hooks = EngineHooks(
            find_job=self._jobs.get,
            batch_of=self._batches.__getitem__,
            is_moving=self._tasks.__contains__,
            changed=self._job_changed,
            spawn=self._spawn,
            emit=self._emit,
            settings=lambda: self._settings,
            open_batch=self._open_batch,
        )
        ResultsDesk.__init__(self, client, journal, hooks)

    # -- events --------------------------------------------------------------------------------

    def subscribe(self, callback: Subscriber) -> None:
        self._subscribers.append(callback)

    def unsubscribe(self, callback: Subscriber) -> None:
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def _emit(self, event: Event) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:  # a broken subscriber must not stop the engine
                log.exception("event subscriber failed on %s", type(event).__name__)

    def _job_changed(self, job: Job, previous: JobState) -> None:
        if previous.is_final != job.state.is_final:
            self._open_jobs[job.batch_id] += -1 if job.state.is_final else 1
        self._last_progress[job.id] = time.monotonic()
        self._emit(JobChanged(snapshot(job), previous))

    def _job_progress(self, job: Job) -> None:
        now = time.monotonic()
        if job.progress < 1.0 and now - self._last_progress.get(job.id, 0.0) < PROGRESS_INTERVAL:
            return
        self._last_progress[job.id] = now
        self._emit(JobChanged(snapshot(job), job.state))

    # -- adding work -------------------------------------------------------------------------

    async def add(
        self,
        paths: Sequence[str | os.PathLike[str]],
        options: RunOptions,
        *,
        root: Path | None = None,
        extra_options: dict[str, str] | None = None,
        workflow: Workflow | None = None,
    ) -> str:
        """Make a batch of the given files and folders (bad inputs become REJECTED jobs).

        Does not start it: call `estimate()` to show the cost, then `start()`. `root`: the
        tree that single files belong to (for the mirror layout); `workflow`: the options'
        workflow when the caller has it already (else it is read from the server). Raises what
        `take_in` raises.
        """
        intake = await take_in(
            self._client,
            self._hasher,
            paths,
            options,
            root=root,
            extra_options=extra_options,
            workflow=workflow,
        )
        record, jobs = intake.record, intake.jobs
        await self._journal.run(
            self._journal.add_batch, record, [snapshot(j) for j in jobs], this_process()
        )
        self._register(record, jobs)
        if intake.ignored:
            self._emit(EngineNotice("info", ignored_summary(intake.ignored)))
        return record.id

    def _register(self, record: BatchRecord, jobs: Iterable[Job]) -> None:
        jobs = list(jobs)
        self._batches[record.id] = BatchContext(record)
        self._batch_jobs.setdefault(record.id, {})
        self._open_jobs.setdefault(record.id, 0)
        self._batch_tasks.setdefault(record.id, 0)
        self._emit(
            BatchAdded(record.id, record.name, record.workflow_id, record.workflow_name, len(jobs))
        )
        for job in jobs:
            self._index(job)
            self._emit(JobAdded(snapshot(job)))

    def _index(self, job: Job) -> None:
        self._jobs[job.id] = job
        self._batch_jobs[job.batch_id][job.id] = job
        if not job.state.is_final:
            self._open_jobs[job.batch_id] += 1

    def _unindex(self, job_id: str) -> None:
        job = self._jobs.pop(job_id, None)
        if job is not None:
            self._batch_jobs[job.batch_id].pop(job_id, None)
            if not job.state.is_final:
                self._open_jobs[job.batch_id] -= 1

    async def estimate(self, batch_id: str) -> CostEstimate:
        batch = self._batches[batch_id]
        try:
            balance: int | None = await self._client.get_balance(batch.org_id)
        except ApiError as exc:
            log.warning("cannot read the balance: %s", exc)
            balance = None
        if balance is not None:
            self._emit(CreditsChanged(balance))
        jobs, deduped = self._jobs_of(batch_id), int(batch.option("duplicates", 0) or 0)
        return CostEstimate.of(jobs, batch.record.price, balance, deduped=deduped)

    # -- running -------------------------------------------------------------------------------

    def start(self, batch_id: str) -> None:
        # Committed before any of its jobs moves (the starter waits for it): a batch with
        # moving jobs is always one that resuming will pick up, even when a job's first steps
        # (hashing) write nothing to the journal.
        self._start_commits.append(
            self._journal.submit(self._journal.set_batch_started, batch_id, time.time())
        )
        self._to_start.extend(j for j in self._jobs_of(batch_id) if not j.state.is_final)
        if self._to_start and not self._closing and (self._starter is None or self._starter.done()):
            self._starter = asyncio.get_running_loop().create_task(
                self._start_gradually(), name="engine-starter"
            )
        self._check_finished(batch_id)

    async def _start_gradually(self) -> None:
        """Create the started jobs' tasks, START_CHUNK per loop turn, in order. A job cancelled
        or removed meanwhile is final or gone by then and is skipped; nothing is lost while
        paused (the tasks wait for `running` like any other)."""
        while self._to_start and not self._closing:
            while self._start_commits:
                try:
                    await asyncio.wrap_future(self._start_commits.popleft())
                except Exception:  # the journal failed: the jobs report it with their writes
                    log.exception("could not mark a batch as started")
            for _ in range(min(START_CHUNK, len(self._to_start))):
                job = self._to_start.popleft()
                if not job.state.is_final and self._jobs.get(job.id) is job:
                    self._spawn(job)
            await asyncio.sleep(0)

    def _spawn(self, job: Job) -> None:
        if job.id in self._tasks or self._closing:
            return
        self._finished_reported.discard(job.batch_id)
        self._batch_tasks[job.batch_id] += 1
        self._tasks[job.id] = asyncio.create_task(self._drive(job), name=f"job-{job.id[:8]}")

    async def _drive(self, job: Job) -> None:
        self._started.add(job.id)
        batch = job_context(self._batches[job.batch_id], job)  # a re-run's own workflow
        try:
            await self._pipeline.run(job, batch)
        except asyncio.CancelledError:
            if job.id not in self._cancel_requests or self._closing:
                raise  # shutting down: the journal keeps the state for resume
            if not job.state.is_final:
                await self._pipeline.set_state(job, JobState.CANCELLED, "cancelled")
        finally:
            self._release(job)
            self._cancel_requests.discard(job.id)
            if not self._closing:
                self._check_finished(job.batch_id)

    def _release(self, job: Job) -> None:
        """Forget the job's task (it ended, or was cancelled before its first step)."""
        self._tasks.pop(job.id, None)
        self._started.discard(job.id)
        self._batch_tasks[job.batch_id] -= 1
        self._last_progress.pop(job.id, None)

    def _check_finished(self, batch_id: str) -> None:
        if batch_id in self._finished_reported:
            return
        if self._open_jobs.get(batch_id, 0) > 0 or self._batch_tasks.get(batch_id, 0) > 0:
            return
        counts = self.counts(batch_id)
        self._finished_reported.add(batch_id)
        batch = self._batches[batch_id]
        self._emit(
            BatchFinished(
                batch_id,
                batch.name,
                done=counts.count(JobState.DONE),
                failed=counts.count(JobState.FAILED, JobState.PAYMENT_REQUIRED, JobState.REJECTED),
                skipped=counts.count(JobState.SKIPPED),
                cancelled=counts.count(JobState.CANCELLED),
                credits=counts.credits,
            )
        )
        task = asyncio.get_running_loop().create_task(self._after_batch(batch_id))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _after_batch(self, batch_id: str) -> None:
        await self._journal.run(self._journal.set_batch_finished, batch_id, time.time())
        try:
            balance = await self._client.get_balance(self._batches[batch_id].org_id)
        except ApiError:
            return
        self._emit(CreditsChanged(balance))

    async def wait(self, batch_id: str | None = None) -> None:
        """Return when no job (of that batch) is moving any more."""
        while True:
            tasks = [
                t
                for job_id, t in self._tasks.items()
                if batch_id is None or self._jobs[job_id].batch_id == batch_id
            ]
            starter = self._starter
            if (
                starter is not None
                and not starter.done()
                and any(batch_id is None or j.batch_id == batch_id for j in self._to_start)
            ):
                tasks.append(starter)  # jobs of this batch still to be started
            if not tasks:
                break
            await asyncio.wait(tasks)
        if self._background:  # the finished batch's bookkeeping (journal, balance)
            await asyncio.wait(list(self._background))

    # -- controls ------------------------------------------------------------------------------

    def pause(self) -> None:
        """No new hashing or uploads start; executions already created are still watched and
        their results downloaded."""
        if self._limits.running.is_set():
            self._limits.running.clear()
            self._emit(EngineNotice("info", "Paused: no new uploads; running jobs continue"))

    def resume_processing(self) -> None:
        if not self._limits.running.is_set():
            self._limits.running.set()
            self._emit(EngineNotice("info", "Resumed"))

    @property
    def paused(self) -> bool:
        return not self._limits.running.is_set()

    def apply_settings(self, settings: Settings) -> None:
        """Take the concurrency settings now, mid-batch included.

        Raised limits start waiting jobs at once. Lowered ones interrupt nothing: uploads,
        downloads and hashing already running finish (cancelling a transfer could pay or send
        twice), and new ones wait until fewer than the new limit run. The same holds for
        status streams (`watch_streams`): open ones end with their executions.
        """
        self._settings = settings
        before = self.concurrency
        self._hasher.resize(settings.hash_concurrency)
        self._limits.resize(
            settings.hash_concurrency, settings.upload_concurrency, settings.download_concurrency
        )
        self._watcher.resize(settings.watch_streams)
        if self.concurrency != before:
            log.info("concurrency now %s (was %s)", self.concurrency, before)

    @property
    def concurrency(self) -> Concurrency:
        """The limits in force now."""
        return Concurrency(
            hashing=self._limits.hash.limit,
            uploads=self._limits.upload.limit,
            downloads=self._limits.download.limit,
        )

    def in_flight(self) -> Concurrency:
        """Jobs in each stage's slots now; above `concurrency` only for a while after a limit
        was lowered (what was running is finishing)."""
        return Concurrency(
            hashing=self._limits.hash.in_flight,
            uploads=self._limits.upload.in_flight,
            downloads=self._limits.download.in_flight,
        )

    async def cancel(self, job_ids: Iterable[str]) -> None:
        for job_id in job_ids:
            job = self._jobs.get(job_id)
            if job is None or job.state.is_final:
                continue
            self._cancel_requests.add(job_id)
            task = self._tasks.get(job_id)
            if task is not None and job_id not in self._started:
                # Created but not run yet (jobs are started a few per loop turn): cancelled
                # now, its coroutine never runs, so it is ended here like an unstarted job.
                task.cancel()
                self._release(job)
                task = None
            if task is None:
                await self._pipeline.set_state(job, JobState.CANCELLED, "cancelled")
                self._cancel_requests.discard(job_id)
                self._check_finished(job.batch_id)
            elif job.state is not JobState.CREATING:
                # Never interrupt a create request: its answer (the execution id) must be
                # recorded. The pipeline stops the job right after it instead.
                task.cancel()

    async def cancel_batch(self, batch_id: str) -> None:
        await self.cancel([j.id for j in self._jobs_of(batch_id)])

    async def retry(self, job_ids: Iterable[str]) -> list[str]:
        """Retry FAILED / PAYMENT_REQUIRED / CANCELLED jobs; returns the ids retried.

        A remote failure goes through the server's retry endpoint (free for FAILED, charged
        then for PAYMENT_REQUIRED); a local failure redoes only what is missing (a failed
        download is downloaded again, never re-created).
        """
        retried: list[str] = []
        for job_id in job_ids:
            job = self._jobs.get(job_id)
            if job is None or not job.state.is_retryable or job.id in self._tasks:
                continue
            batch = self._batches[job.batch_id]
            if job.execution_id and job.remote_status in _REMOTE_RETRYABLE:
                try:
                    await self._client.retry_execution(job.execution_id, batch.org_id)
                except NotFoundError:
                    pass  # completed meanwhile: watching will find the result
                except ApiError as exc:
                    self._emit(EngineNotice("error", f"retry of {job.name} refused: {exc}"))
                    continue
                next_state, remote = JobState.PROCESSING, ""
            elif job.execution_id:
                next_state, remote = JobState.PROCESSING, job.remote_status
            else:
                next_state, remote = JobState.QUEUED, job.remote_status
            job.attempts += 1
            await self._pipeline.set_state(job, next_state, "retry", remote_status=remote)
            self._spawn(job)
            retried.append(job.id)
        return retried

    async def retry_failed(self, batch_id: str | None = None) -> list[str]:
        """Retry every FAILED and PAYMENT_REQUIRED job (of one batch, or of the journal)."""
        wanted = (JobState.FAILED, JobState.PAYMENT_REQUIRED)
        if batch_id is None:  # also those of earlier runs, known only to the journal
            for state in wanted:
                rows = await self._journal.run(self._failed_in_journal, state)
                await self._load_from_journal(rows)
        ids = [
            j.id
            for j in self._jobs.values()
            if j.state in wanted and (batch_id is None or j.batch_id == batch_id)
        ]
        return await self.retry(ids)

    def _failed_in_journal(self, state: JobState) -> list[Job]:
        return [job for job, _ in self._journal.history(status=state.value, limit=100_000)]

    async def retry_executions(self, execution_ids: Sequence[str]) -> tuple[list[str], list[str]]:
        """Retry jobs by their execution ids; returns (retried job ids, ids not in the journal)."""
        found = await self._journal.run(self._journal.jobs_by_execution, execution_ids)
        await self._load_from_journal(found)
        known = {j.execution_id for j in found}
        retried = await self.retry([j.id for j in found])
        return retried, [e for e in execution_ids if e not in known]

    async def _load_from_journal(self, jobs: Iterable[Job]) -> None:
        for stored in jobs:
            if stored.id in self._jobs:
                continue
            if stored.batch_id not in self._batches:
                record = await self._journal.run(self._journal.batch, stored.batch_id)
                if record is None or not await self._claim(record):
                    continue
                self._register(record, [])
            self._index(stored)
            self._emit(JobAdded(snapshot(stored)))

    async def _claim(self, record: BatchRecord) -> bool:
        """Only one process works on a batch at a time (else both could create executions)."""
        claimed = await self._journal.run(
            self._journal.claim_batch, record.id, this_process(), owner_alive
        )
        if not claimed:
            self._emit(
                EngineNotice(
                    "warning",
                    f"Batch {record.name!r} is being processed by another Retouch Desk;"
                    " it was left to it",
                )
            )
        return claimed

    async def remove(self, job_ids: Iterable[str]) -> None:
        """Take jobs off the list (not off the server); a moving job is cancelled first."""
        ids = [i for i in job_ids if i in self._jobs]
        await self.cancel(ids)
        for job_id in ids:
            task = self._tasks.get(job_id)
            if task is not None:
                await asyncio.wait([task])
        await self._journal.run(self._journal.remove_jobs, ids)
        for job_id in ids:
            self._unindex(job_id)
            self._emit(JobRemoved(job_id))

    async def _open_batch(self, batch_id: str) -> list[Job]:
        if batch_id not in self._batches:
            record = await self._journal.run(self._journal.batch, batch_id)
            if record is None:
                raise LookupError(f"no batch {batch_id} in the journal")
            if not await self._claim(record):
                raise LookupError(f"batch {record.name!r} is open in another Retouch Desk")
            self._register(record, await self._journal.run(self._journal.jobs_of_batch, batch_id))
        return [snapshot(j) for j in self._jobs_of(batch_id)]

    async def resume_unfinished(
        self, only: Callable[[BatchRecord], bool] | None = None
    ) -> list[str]:
        """Re-attach every batch the journal says is unfinished (after a crash or quit);
        `only` picks some of them (the hot folder resumes its own)."""
        records = await self._journal.run(self._journal.unfinished_batches)
        resumed: list[str] = []
        for record in records:
            if only is not None and not only(record):
                continue
            if record.id in self._batches or not await self._claim(record):
                continue
            jobs = await self._journal.run(self._journal.jobs_of_batch, record.id)
            self._register(record, jobs)
            self.start(record.id)
            resumed.append(record.id)
        return resumed

    # -- looking -------------------------------------------------------------------------------

    @property
    def journal(self) -> Journal:
        return self._journal

    def jobs(self) -> list[Job]:
        return [snapshot(j) for j in self._jobs.values()]

    def _jobs_of(self, batch_id: str) -> list[Job]:
        return list(self._batch_jobs.get(batch_id, {}).values())

    def batch(self, batch_id: str) -> BatchRecord:
        return self._batches[batch_id].record

    def counts(self, batch_id: str | None = None) -> BatchCounts:
        jobs = self._jobs_of(batch_id) if batch_id else list(self._jobs.values())
        by_state: dict[JobState, int] = {}
        for job in jobs:
            by_state[job.state] = by_state.get(job.state, 0) + 1
        return BatchCounts(len(jobs), by_state, sum(j.credits for j in jobs))

    async def aclose(self) -> None:
        """Stop all work; what was in flight stays in the journal for `resume_unfinished`."""
        self._closing = True
        self._to_start.clear()
        tasks = list(self._tasks.values()) + list(self._background)
        if self._starter is not None:
            tasks.append(self._starter)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._hasher.close()
        await self._client.aclose_streams()  # the watcher's pool; the client stays usable
        await self._journal.run(self._journal.release_batches, this_process())
