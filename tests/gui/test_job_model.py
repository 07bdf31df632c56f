"""The job model and its bridge, fed with the engine's events (the model's own unit)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt

from app.domain.jobs import Job, JobState, Review
from app.engine.events import BatchFinished, CreditsChanged, JobAdded, JobChanged, JobRemoved
from ui.bridge import EngineBridge
from ui.job_model import (
    COL_CREDITS,
    COL_NAME,
    COL_STATUS,
    COLUMN_COUNT,
    JobRole,
    JobTableModel,
    SortRole,
)
from ui.job_proxy import JobFilterProxy, StatusFilter


def test_model_passes_qtmodeltester_through_a_whole_batch(
    qapp, qtmodeltester, job_factory: Callable[..., Job]
) -> None:
    # `qapp`: the bridge's coalescing timer needs a running Qt application even when this test
    # runs alone (qtmodeltester does not create one).
    model = JobTableModel()
    bridge = EngineBridge(model)
    qtmodeltester.check(model, force_py=True)
    jobs = [job_factory() for _ in range(5)]
    for job in jobs:
        bridge.on_event(JobAdded(job))
    bridge.flush()
    assert model.rowCount() == 5
    done = dataclasses.replace(jobs[1], state=JobState.DONE, credits=40, output_path="/out/a.png")
    bridge.on_event(JobChanged(done, JobState.QUEUED))
    bridge.on_event(JobRemoved(jobs[3].id))
    bridge.on_event(JobRemoved(jobs[4].id))
    bridge.flush()
    assert [j.id for j in model.jobs()] == [jobs[0].id, jobs[1].id, jobs[2].id]
    assert model.data(model.index(1, COL_CREDITS)) == "€0.40"
    assert model.data(model.index(1, COL_STATUS)) == "Done"
    qtmodeltester.check(model, force_py=True)


def test_bridge_coalesces_a_tick_into_one_targeted_change(
    qtbot, job_factory: Callable[..., Job]
) -> None:
    model = JobTableModel()
    bridge = EngineBridge(model)
    jobs = [job_factory() for _ in range(10)]
    bridge.on_event(JobAdded(jobs[0]))
    bridge.flush()
    inserted: list[tuple[int, int]] = []
    changed: list[tuple[int, int, int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.dataChanged.connect(
        lambda tl, br, _roles=(): changed.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    for job in jobs[1:]:
        bridge.on_event(JobAdded(job))
    # Many progress events for one job in one tick: only the last snapshot matters.
    for step in range(1, 21):
        snapshot = dataclasses.replace(jobs[0], state=JobState.UPLOADING, progress=step / 20)
        bridge.on_event(JobChanged(snapshot, JobState.QUEUED))
    with qtbot.waitSignal(bridge.jobsApplied, timeout=2000):
        pass  # the timer fires on its own
    assert inserted == [(1, 9)]  # one contiguous insert
    assert changed == [(0, COL_NAME, 0, COLUMN_COUNT - 1)]  # one row repainted, once
    assert model.job(jobs[0].id).progress == 1.0


def test_bridge_forwards_batch_and_credit_events_after_rows(
    qtbot, job_factory: Callable[..., Job]
) -> None:
    model = JobTableModel()
    bridge = EngineBridge(model)
    job = job_factory()
    seen_rows: list[int] = []
    bridge.batchFinished.connect(lambda _e: seen_rows.append(model.rowCount()))
    balances: list[int] = []
    bridge.creditsChanged.connect(balances.append)
    bridge.on_event(JobAdded(job))
    bridge.on_event(BatchFinished("batch-1", "B", 1, 0, 0, 0, 40))
    bridge.on_event(CreditsChanged(4960))
    bridge.flush()
    assert seen_rows == [1]
    assert balances == [4960]


def test_proxy_sorts_by_native_values_and_filters_by_status(
    qtmodeltester, job_factory: Callable[..., Job]
) -> None:
    model = JobTableModel()
    proxy = JobFilterProxy()
    proxy.setSourceModel(model)
    jobs = [
        job_factory(JobState.DONE, credits=100, name="b.jpg"),
        job_factory(JobState.FAILED, credits=9, error="boom", name="a.jpg"),
        job_factory(JobState.PROCESSING, credits=20, name="C.jpg"),
    ]
    model.apply(jobs)
    qtmodeltester.check(proxy, force_py=True)
    proxy.sort(COL_CREDITS, Qt.SortOrder.AscendingOrder)
    credits = [proxy.index(r, COL_CREDITS).data(SortRole) for r in range(3)]
    assert credits == [9, 20, 100]  # numbers, not strings ("100" < "20")
    proxy.sort(COL_NAME, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data(JobRole).name for r in range(3)] == ["a.jpg", "b.jpg", "C.jpg"]
    proxy.set_status_filter(StatusFilter.PROBLEMS)
    assert proxy.rowCount() == 1
    assert proxy.index(0, COL_STATUS).data(Qt.ItemDataRole.ToolTipRole) == "Failed: boom"
    # A job failing while the filter is on appears without any action from the user.
    model.apply(changed=[dataclasses.replace(jobs[2], state=JobState.FAILED)])
    assert proxy.rowCount() == 2
    proxy.set_status_filter(StatusFilter.ALL)
    proxy.set_text_filter("c.j")
    assert proxy.rowCount() == 1
    assert model.rowCount(QModelIndex()) == 3


def test_review_verdicts_show_in_the_status_and_have_their_own_filters(
    qtmodeltester, job_factory: Callable[..., Job]
) -> None:
    model = JobTableModel()
    proxy = JobFilterProxy()
    proxy.setSourceModel(model)
    jobs = [
        job_factory(JobState.DONE, name="kept.jpg", review=Review.ACCEPTED),
        job_factory(JobState.DONE, name="redo.jpg", review=Review.REJECTED),
        job_factory(JobState.DONE, name="unseen.jpg"),
    ]
    model.apply(jobs)
    qtmodeltester.check(proxy, force_py=True)
    texts = {
        proxy.index(r, 0).data(JobRole).name: proxy.index(r, COL_STATUS).data() for r in range(3)
    }
    assert texts == {
        "kept.jpg": "Done · accepted",
        "redo.jpg": "Done · rejected",
        "unseen.jpg": "Done",
    }
    proxy.set_status_filter(StatusFilter.ACCEPTED)
    assert [proxy.index(r, 0).data(JobRole).name for r in range(proxy.rowCount())] == ["kept.jpg"]
    proxy.set_status_filter(StatusFilter.REJECTED)
    assert [proxy.index(r, 0).data(JobRole).name for r in range(proxy.rowCount())] == ["redo.jpg"]
    # A verdict given in the viewer reaches the filter without any action from the user.
    model.apply(changed=[dataclasses.replace(jobs[2], review=Review.REJECTED)])
    assert proxy.rowCount() == 2


def test_a_big_drop_is_inserted_a_few_hundred_rows_per_tick_in_order(
    qapp, qtbot, job_factory: Callable[..., Job]
) -> None:
    from ui.bridge import MAX_INSERTS_PER_TICK

    model = JobTableModel()
    bridge = EngineBridge(model)
    finished: list[BatchFinished] = []
    bridge.batchFinished.connect(finished.append)
    jobs = [job_factory() for _ in range(2 * MAX_INSERTS_PER_TICK + 100)]
    for job in jobs:
        bridge.on_event(JobAdded(job))
    bridge.on_event(BatchFinished("batch-1", "B", len(jobs), 0, 0, 0, 40))
    bridge.flush()
    assert model.rowCount() == MAX_INSERTS_PER_TICK  # one tick's share, the window repaints
    assert finished == []  # announced only once every row it counts is in
    last = dataclasses.replace(jobs[-1], state=JobState.DONE)
    bridge.on_event(JobChanged(last, JobState.QUEUED))  # a change to a row not shown yet
    qtbot.waitUntil(lambda: model.rowCount() == len(jobs) and bool(finished), timeout=5000)
    assert [model.job_at(row).id for row in range(len(jobs))] == [job.id for job in jobs]
    assert model.job_at(len(jobs) - 1).state is JobState.DONE
    assert len(finished) == 1
