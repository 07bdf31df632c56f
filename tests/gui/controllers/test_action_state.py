"""Which actions the window offers, from plain facts (no widgets, no display)."""

from __future__ import annotations

from collections.abc import Callable

from app.domain.jobs import Job, JobState
from ui.controllers.action_state import available_actions


def test_nothing_but_waiting_while_not_connected(job_factory: Callable[..., Job]) -> None:
    jobs = [job_factory(JobState.FAILED), job_factory(JobState.DONE)]
    available = available_actions(
        jobs, connected=False, paused=False, has_workflow=True, has_pending=True
    )
    assert not any(vars(available).values())


def test_start_needs_a_workflow_and_something_to_start_or_resume(
    job_factory: Callable[..., Job],
) -> None:
    jobs = [job_factory(JobState.QUEUED)]

    def start(**facts: bool) -> bool:
        values = {"connected": True, "paused": False, "has_workflow": True, "has_pending": True}
        return available_actions(jobs, **{**values, **facts}).start

    assert start()
    assert not start(has_workflow=False)
    assert not start(has_pending=False)
    assert start(has_pending=False, paused=True)  # Start resumes a paused engine


def test_the_rows_decide_pause_cancel_retry_and_clear(job_factory: Callable[..., Job]) -> None:
    def offered(*states: JobState) -> set[str]:
        jobs = [job_factory(state) for state in states]
        available = available_actions(
            jobs, connected=True, paused=False, has_workflow=True, has_pending=False
        )
        return {name for name, on in vars(available).items() if on and name != "start"}

    assert offered() == {"add", "history"}
    assert offered(JobState.UPLOADING) == {"add", "history", "pause", "cancel"}
    assert offered(JobState.PAYMENT_REQUIRED, JobState.SKIPPED) == {
        "add",
        "history",
        "retry_failed",
        "clear_done",
    }
    assert "retry_failed" not in offered(JobState.CANCELLED, JobState.REJECTED)
