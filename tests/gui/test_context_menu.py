"""The context menu is a function of the selection's states; checked without clicking."""

from __future__ import annotations

from collections.abc import Callable

from app.domain.jobs import Job, JobState
from ui.context_menu import JobAction, MenuEntry, build_menu, menu_actions


def enabled(entries: list[MenuEntry | None]) -> set[JobAction]:
    return {e.action for e in entries if e is not None and e.enabled}


def test_failed_job_offers_retry_and_copy_but_not_results(job_factory: Callable[..., Job]) -> None:
    job = job_factory(JobState.FAILED, execution_id="e-1", error="boom")
    assert enabled(menu_actions([job], any_failed=True)) == {
        JobAction.RETRY,
        JobAction.RETRY_ALL_FAILED,
        JobAction.OPEN_ORIGINAL,
        JobAction.COPY_EXECUTION_ID,
        JobAction.REMOVE,
    }


def test_done_job_offers_results(job_factory: Callable[..., Job]) -> None:
    job = job_factory(JobState.DONE, execution_id="e-1", output_path="/out/x.png")
    assert enabled(menu_actions([job])) == {
        JobAction.COMPARE,
        JobAction.OPEN_RESULT,
        JobAction.SHOW_IN_FOLDER,
        JobAction.OPEN_ORIGINAL,
        JobAction.COPY_EXECUTION_ID,
        JobAction.REMOVE,
    }
    # Without the viewer the entry stays visible but disabled, and says why.
    compare = next(
        e
        for e in menu_actions([job], viewer_available=False)
        if e and e.action is JobAction.COMPARE
    )
    assert not compare.enabled and compare.tooltip


def test_running_job_can_only_be_cancelled(job_factory: Callable[..., Job]) -> None:
    job = job_factory(JobState.UPLOADING)
    assert enabled(menu_actions([job])) == {JobAction.OPEN_ORIGINAL, JobAction.CANCEL}


def test_mixed_selection_counts_and_single_only_entries(job_factory: Callable[..., Job]) -> None:
    jobs = [
        job_factory(JobState.FAILED),
        job_factory(JobState.PAYMENT_REQUIRED),
        job_factory(JobState.DONE, output_path="/o/a.png", execution_id="e"),
        job_factory(JobState.PROCESSING, execution_id="f"),
    ]
    entries = {e.action: e for e in menu_actions(jobs) if e is not None}
    assert entries[JobAction.RETRY].label == "Retry (2)"
    assert entries[JobAction.CANCEL].label == "Cancel"
    assert entries[JobAction.REMOVE].label == "Remove from list (3)"
    assert entries[JobAction.COPY_EXECUTION_ID].label == "Copy execution IDs"
    assert not entries[JobAction.OPEN_RESULT].enabled  # one file at a time
    assert not entries[JobAction.RETRY_ALL_FAILED].enabled  # any_failed not given


def test_build_menu_calls_back_with_the_action(qtbot, job_factory: Callable[..., Job]) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    chosen: list[JobAction] = []
    menu = build_menu(parent, menu_actions([job_factory(JobState.FAILED)]), chosen.append)
    retry = next(a for a in menu.actions() if a.data() == JobAction.RETRY.value)
    retry.trigger()
    assert chosen == [JobAction.RETRY]
