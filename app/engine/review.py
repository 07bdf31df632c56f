"""Review marks: a retoucher's verdict on each result, kept in the journal.

A mark is journaled like any change of a job (it survives a restart and shows in the table and
in `history`). A rejection also tells the service (thumbs down on the execution) when the user
opted in with the `review_feedback` setting; feedback that cannot be sent is reported once and
changes nothing else. Front ends name jobs their own way; `match_names` finds them by what a
person types: the input's file name, or its path below the batch's root.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from app.api.client import AutoretouchClient
from app.api.errors import ApiError
from app.domain.jobs import Job, Review
from app.engine.events import EngineNotice, JobChanged
from app.engine.hooks import EngineHooks
from app.engine.pipeline import snapshot
from app.store.journal import Journal

log = logging.getLogger(__name__)

FEEDBACK_CONCURRENCY = 4  # feedback requests at once: a few hundred rejections stay quick


class ReviewMarks:
    def __init__(self, client: AutoretouchClient, journal: Journal, hooks: EngineHooks) -> None:
        self._client = client
        self._journal = journal
        self._hooks = hooks

    async def set_review(self, job_ids: Iterable[str], review: Review) -> list[str]:
        """Mark the loaded jobs among `job_ids`; the ids whose mark changed. The marks go to
        the journal together (one commit), then subscribers hear of each."""
        jobs = (self._hooks.find_job(job_id) for job_id in dict.fromkeys(job_ids))
        changed = [job for job in jobs if job is not None and job.review is not review]
        detail = f"review {review.value or 'cleared'}"
        for job in changed:
            job.review = review
        commits = [
            self._journal.submit(self._journal.save_job, snapshot(j), detail) for j in changed
        ]
        for job, commit in zip(changed, commits, strict=True):
            await asyncio.wrap_future(commit)
            self._hooks.emit(JobChanged(snapshot(job), job.state))
        if review is Review.REJECTED and self._hooks.settings().review_feedback:
            await self._send_feedback([job for job in changed if job.execution_id])
        return [job.id for job in changed]

    async def _send_feedback(self, jobs: Sequence[Job]) -> None:
        slots = asyncio.Semaphore(FEEDBACK_CONCURRENCY)

        async def thumbs_down(job: Job) -> str:
            async with slots:
                try:
                    org = self._hooks.batch_of(job.batch_id).org_id
                    await self._client.send_feedback(job.execution_id, org, thumbs_up=False)
                except ApiError as exc:
                    log.info("feedback for %s not sent: %s", job.execution_id, exc)
                    return str(exc)
            return ""

        failures = [e for e in await asyncio.gather(*(thumbs_down(j) for j in jobs)) if e]
        if failures:
            self._hooks.emit(
                EngineNotice(
                    "warning",
                    f"Feedback for {len(failures)} of {len(jobs)} rejected image(s) was not"
                    f" sent: {failures[0]}",
                )
            )


@dataclass
class NameMatches:
    """What each name a person gave found: one job, or why not."""

    found: dict[str, Job] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


def match_names(jobs: Sequence[Job], names: Iterable[str]) -> NameMatches:
    """Find jobs by the input's path below the batch root (`shoot/a/IMG_1.jpg`), its file name
    (`IMG_1.jpg`: when only one input has it) or its full path. Exact first, then ignoring
    case where that is unambiguous."""
    matches = NameMatches()
    for name in dict.fromkeys(names):
        wanted = PurePosixPath(name.replace("\\", "/")).as_posix()
        full = os.path.abspath(name)
        for exact in (True, False):

            def same(a: str, b: str, exact: bool = exact) -> bool:
                return a == b if exact else a.casefold() == b.casefold()

            hits = [j for j in jobs if same(j.relative_path, wanted) or same(j.input_path, full)]
            hits = hits or [j for j in jobs if same(j.name, wanted)]
            if hits:
                break
        if len(hits) == 1:
            matches.found[name] = hits[0]
        elif hits:
            where = ", ".join(sorted(j.relative_path or j.input_path for j in hits))
            matches.problems[name] = f"{name!r} names {len(hits)} images: give its path ({where})"
        else:
            matches.problems[name] = f"no image {name!r} in this batch"
    return matches
