"""Batches added but not started yet, and what Start does with them.

A drop makes a batch in the engine that waits for the user's Start; several drops before one
Start are confirmed as one run, with one combined cost. The queue remembers which batches those
are, estimates them together and starts them together. Files added in an earlier session but
never started come back here too (`requeue_unstarted`), waiting for Start like a fresh drop:
nothing runs, and nothing is charged, without the user's confirmation.

Only the engine's and the journal's public methods are used: the queue is bookkeeping on top of
the engine, not part of it, so a front end without a queue (the CLI) never pays for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from app.domain.jobs import Job
from app.engine.counts import CostEstimate
from app.engine.engine import Engine
from app.engine.options import RunOptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunEstimate:
    """The cost of starting several batches at once (one of them: its own estimate)."""

    images: int  # executions that will be created, and charged
    lowest_price: int  # credits per image; batches of different workflows may differ
    highest_price: int
    total: int
    balance: int | None  # None when the balance could not be read
    deduped: int
    rejected: int
    already_created: int

    @property
    def shortfall(self) -> int:
        return 0 if self.balance is None else max(0, self.total - self.balance)

    @classmethod
    def of(cls, estimates: Sequence[CostEstimate]) -> RunEstimate:
        if not estimates:
            return cls(0, 0, 0, 0, None, 0, 0, 0)
        prices = [e.price for e in estimates if e.images] or [e.price for e in estimates]
        # The balance read last is the freshest.
        balances = [e.balance for e in estimates if e.balance is not None]
        return cls(
            images=sum(e.images for e in estimates),
            lowest_price=min(prices),
            highest_price=max(prices),
            total=sum(e.total for e in estimates),
            balance=balances[-1] if balances else None,
            deduped=sum(e.deduped for e in estimates),
            rejected=sum(e.rejected for e in estimates),
            already_created=sum(e.already_created for e in estimates),
        )


@dataclass(frozen=True)
class Requeued:
    """What `requeue_unstarted` brought back."""

    batch_ids: tuple[str, ...]  # the new pending batches
    images: int  # files queued again
    missing: int  # files that are gone since (their rows leave the list)


class BatchQueue:
    """The batches a Start will start, in the order they were added."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pending: list[str] = []

    # -- looking -------------------------------------------------------------------------------

    def pending(self) -> list[str]:
        """Pending batches that still hold something to start (rows removed or cancelled by
        the user leave nothing to confirm)."""
        self._pending = [b for b in self._pending if self._has_work(b)]
        return list(self._pending)

    def __bool__(self) -> bool:
        return bool(self.pending())

    def workflow_names(self, batch_ids: Sequence[str] | None = None) -> str:
        """ "Background to white, Cut-out": what the pending batches will be processed with."""
        ids = self.pending() if batch_ids is None else batch_ids
        return ", ".join(sorted({self._engine.batch(b).workflow_name for b in ids}))

    def _has_work(self, batch_id: str) -> bool:
        return not self._engine.counts(batch_id).finished  # also: no rows left at all

    # -- changing ------------------------------------------------------------------------------

    async def add(
        self, paths: Sequence[Path], options: RunOptions, *, root: Path | None = None
    ) -> str:
        """Make a batch in the engine, not started. Raises what `Engine.add` raises."""
        batch_id = await self._engine.add(list(paths), options, root=root)
        self._pending.append(batch_id)
        return batch_id

    async def estimate(self, batch_ids: Sequence[str] | None = None) -> RunEstimate:
        """One estimate for the given pending batches (default: all of them)."""
        ids = self.pending() if batch_ids is None else list(batch_ids)
        return RunEstimate.of([await self._engine.estimate(b) for b in ids])

    def start(self, batch_ids: Sequence[str] | None = None) -> list[str]:
        """Start the given pending batches (default: all), in the order they were added.

        A batch added while the user was looking at the cost of the others is not in
        `batch_ids`, so it keeps waiting: only what was confirmed starts."""
        wanted = set(self._pending if batch_ids is None else batch_ids)
        started = [b for b in self._pending if b in wanted]
        self._pending = [b for b in self._pending if b not in wanted]
        for batch_id in started:
            self._engine.start(batch_id)
        return started

    def forget(self) -> None:
        """Nothing is pending any more (the user cancelled everything)."""
        self._pending.clear()

    async def requeue_unstarted(self, options: RunOptions) -> Requeued:
        """Bring back the files of batches added in an earlier session but never started.

        Each such batch of `options.org_id` becomes a new pending batch made with `options`
        (today's workflow and output settings, as a fresh drop would be), keeping the folder
        it was dropped from for the mirrored layout. Its old rows leave the journal only once
        the new batch holds its files, so a failure here loses nothing: the next start offers
        them again. Batches of another organization (or server) wait for that one.
        """
        journal = self._engine.journal
        records = await journal.run(partial(journal.unfinished_batches, started=False))
        known = {job.batch_id for job in self._engine.jobs()}
        requeued: list[str] = []
        images = missing = 0
        for record in records:
            if record.org_id != options.org_id or record.id in known:
                continue
            jobs = await journal.run(journal.jobs_of_batch, record.id)
            existing = await asyncio.to_thread(_still_there, jobs)
            if existing:
                requeued.append(await self.add(existing, options, root=_common_root(jobs)))
            await journal.run(journal.remove_jobs, [job.id for job in jobs])
            images += len(existing)
            missing += len(jobs) - len(existing)
            log.info(
                "requeued %d of %d files of never-started batch %s",
                len(existing),
                len(jobs),
                record.id,
            )
        return Requeued(tuple(requeued), images, missing)


def _still_there(jobs: Sequence[Job]) -> list[Path]:
    paths = dict.fromkeys(Path(job.input_path) for job in jobs)
    return [path for path in paths if path.is_file()]


def _common_root(jobs: Sequence[Job]) -> Path | None:
    """The folder the batch's files were dropped from, when they share one."""
    roots = set()
    for job in jobs:
        relative = PurePosixPath(job.relative_path) if job.relative_path else None
        path = Path(job.input_path)
        if relative is None or not relative.parts or len(relative.parts) > len(path.parts):
            return None
        roots.add(path.parents[len(relative.parts) - 1])
    return roots.pop() if len(roots) == 1 else None
