"""Which jobs the review grid shows, and the review filter's four choices with their counts.

Plain functions over `Job`, so the rules read (and test) without a widget.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from app.domain.jobs import Job, JobState, Review


class ReviewFilter(enum.Enum):
    ALL = "all"
    UNREVIEWED = "unreviewed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    def accepts(self, job: Job) -> bool:
        if self is ReviewFilter.ALL:
            return True
        if self is ReviewFilter.UNREVIEWED:
            return job.review is Review.NONE
        if self is ReviewFilter.ACCEPTED:
            return job.review is Review.ACCEPTED
        return job.review is Review.REJECTED


def is_result(job: Job) -> bool:
    """A job that has something to review: a saved result, or a re-run on its way to its
    next one (it stays in its cell, so its progress shows where the retoucher left it)."""
    return job.state is JobState.DONE or job.version > 1


def matches_text(job: Job, needle: str) -> bool:
    """The window's file-name filter; `needle` already stripped and case-folded."""
    return not needle or needle in job.name.casefold()


def review_counts(jobs: Iterable[Job], needle: str = "") -> dict[ReviewFilter, int]:
    """How many cells each filter choice would show, over the results matching `needle`."""
    counts = dict.fromkeys(ReviewFilter, 0)
    for job in jobs:
        if not is_result(job) or not matches_text(job, needle):
            continue
        counts[ReviewFilter.ALL] += 1
        if job.review is Review.NONE:
            counts[ReviewFilter.UNREVIEWED] += 1
        elif job.review is Review.ACCEPTED:
            counts[ReviewFilter.ACCEPTED] += 1
        else:
            counts[ReviewFilter.REJECTED] += 1
    return counts
