"""Which jobs the review grid shows, and the review filter's four choices with their counts.

Plain functions over `Job`, so the rules read (and test) without a widget.
"""

from __future__ import annotations

import enum
from collections import Counter
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
    # Redone on the GUI thread as marks come in, over every job of a batch of thousands: one
    # pass with the rules of is_result() and matches_text() inline, counted by C code.
    done = JobState.DONE
    marks = Counter(
        job.review
        for job in jobs
        if (job.state is done or job.version > 1) and (not needle or needle in job.name.casefold())
    )
    return {
        ReviewFilter.ALL: sum(marks.values()),
        ReviewFilter.UNREVIEWED: marks[Review.NONE],
        ReviewFilter.ACCEPTED: marks[Review.ACCEPTED],
        ReviewFilter.REJECTED: marks[Review.REJECTED],
    }
