"""The filter buttons' counts agree with the rules the grid filters by (is_result, the name
filter, each choice's accepts) over jobs in every state, version, mark and name."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from app.domain.jobs import Job, JobState, Review
from ui.review.filters import ReviewFilter, is_result, matches_text, review_counts


def test_counts_are_the_rules_counted(job_factory: Callable[..., Job]) -> None:
    jobs = [
        job_factory(state, review=review, version=version, name=name)
        for state, review, version, name in itertools.product(
            JobState, Review, (1, 2), ("Beach_01.JPG", "studio.png", "beach-02.tif")
        )
    ]
    for needle in ("", "beach", "studio", "nothing"):
        shown = [job for job in jobs if is_result(job) and matches_text(job, needle)]
        expected = {choice: sum(choice.accepts(job) for job in shown) for choice in ReviewFilter}
        assert review_counts(jobs, needle) == expected
        assert expected[ReviewFilter.ALL] > 0 or needle == "nothing"
