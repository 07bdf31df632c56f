"""After the review, from the grid: the rejected re-run through the dialog (its cost first, a
new unreviewed version, nothing uploaded again), a restart of the window on the same profile
that keeps the marks (the batch opened again with Ctrl+B), and delivery through the dialog
(files named by the template, a manifest, and a second delivery that copies nothing)."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import run, until
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_review_grid import activate, press, processed_window, settle, wait_for

from app.domain.jobs import JobState, Review
from ui.review.grid_delegate import caption

CTRL = Qt.KeyboardModifier.ControlModifier


def test_rerun_restart_and_deliver(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path
) -> None:
    window = processed_window(open_window, loop, qtbot, tmp_path, 3)
    page = window.review_page.page
    press(window.page.view, Qt.Key.Key_2, CTRL)
    jobs = [j.id for j in page.proxy.jobs()]  # the cells in the order shown
    names = [window.model.job(j).name for j in jobs]
    first_results = [window.model.job(j).output_path for j in jobs]
    press(page.grid, Qt.Key.Key_Home)  # from the first cell
    marks = [Review.ACCEPTED, Review.REJECTED, Review.ACCEPTED]
    for n, key in enumerate((Qt.Key.Key_P, Qt.Key.Key_X, Qt.Key.Key_P)):
        press(page.grid, key)  # and the next cell becomes the current one
        wait_for(loop, lambda n=n: window.model.job(jobs[n]).review is marks[n], f"mark {n}")

    # Ctrl+R: the dialog works out the cost of re-running the one rejected result first.
    QTest.keyClick(page.grid, Qt.Key.Key_R, CTRL)
    seen_before_cost: list[bool] = []  # the Re-run button's state while the cost was unknown

    def costed() -> Any:
        dialog = window.review_page.rerun_dialog
        if dialog is None:
            return None
        if dialog.estimate is None:
            seen_before_cost.append(dialog.rerun_button.isEnabled())
            return None
        return dialog

    dialog = settle(loop, window, costed, "the re-run dialog with its cost")
    assert dialog.isVisible()
    assert seen_before_cost and not any(seen_before_cost)  # nothing confirmed unseen
    workflow = next(w for w in window.workspace.workflows if w.id == dialog.choice()[0])
    assert dialog.estimate.images == 1
    assert dialog.estimate.total == workflow.execution_price
    # (Its English plural form comes with the next `make translations`: "1 image(s)" until then.)
    assert dialog.images_label.text().startswith("1 image")
    assert dialog.rerun_button.isEnabled()
    qtbot.mouseClick(dialog.rerun_button, Qt.MouseButton.LeftButton)

    rejected = jobs[1]

    def rerun_done() -> bool:
        job = window.model.job(rejected)
        return job.version == 2 and job.state is JobState.DONE

    settle(loop, window, rerun_done, "the re-run's result")
    job = window.model.job(rejected)
    assert job.review is Review.NONE  # the new result is unreviewed
    assert job.deduped  # the server had the original's bytes: nothing uploaded again
    assert job.output_path != first_results[1] and Path(job.output_path).is_file()
    assert Path(first_results[1]).is_file()  # the earlier result stays
    assert caption(job) == "Not reviewed · version 2"
    versions = run(loop, window.workspace.engine.versions(rejected))
    assert [(v.version, v.current) for v in versions] == [(1, False), (2, True)]
    run(loop, window.wait_idle())

    # A restart: this window closes, a new one opens on the same profile and journal.
    run(loop, window.detach())
    window.shutdown()
    window.close()
    again = open_window(sandbox=window.sandbox)
    activate(again, qtbot)
    controller = again.review_page
    page = controller.page
    press(again.page.view, Qt.Key.Key_2, CTRL)
    assert page.proxy.rowCount() == 0  # a finished batch is not loaded at start
    assert QApplication.focusWidget() is page.open_batch_button  # nothing to review yet
    press(page.open_batch_button, Qt.Key.Key_B, CTRL)
    chooser = wait_for(loop, lambda: controller.open_batch_dialog, "open-batch dialog")
    assert chooser.list.count() == 1
    qtbot.mouseClick(chooser.open_button, Qt.MouseButton.LeftButton)
    wait_for(loop, lambda: page.proxy.rowCount() == 3, "the batch's results in the grid")
    assert [again.model.job(j).review for j in jobs] == [Review.ACCEPTED, Review.NONE,
                                                        Review.ACCEPTED]  # fmt: skip
    assert again.model.job(rejected).version == 2
    wait_for(loop, lambda: page.filter_buttons[page.proxy.review_filter()].text() == "All (3)",
             "counts after the restart")  # fmt: skip

    # Ctrl+Shift+E: deliver the accepted, named by a template, into a folder of the client's.
    assert QApplication.focusWidget() is page.grid  # the keyboard went to the results
    assert page.current_job().id == page.proxy.job_at(0).id  # at the first cell
    press(page.grid, Qt.Key.Key_E, CTRL | Qt.KeyboardModifier.ShiftModifier)
    deliver = wait_for(loop, lambda: controller.deliver_dialog, "deliver dialog")
    folder = tmp_path / "client"
    deliver.folder_edit.setText(str(folder))
    assert deliver.accepted_only.isChecked()
    QTest.keyClicks(deliver.template_edit, "{stem}_web{ext}")
    qtbot.mouseClick(deliver.deliver_button, Qt.MouseButton.LeftButton)
    report = settle(loop, again, lambda: deliver.report, "delivery report")
    stems = [Path(n).stem for n in names]
    delivered = sorted(p.name for p in folder.iterdir() if p.name != "manifest.csv")
    assert [Path(n).stem for n in delivered] == [f"{stems[0]}_web", f"{stems[2]}_web"]
    assert len(report.copied) == 2 and report.left_out == 1
    with (folder / "manifest.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2
    summary = deliver.summary.text()
    assert summary.startswith("2 result") and str(folder / "manifest.csv") in summary

    # Again, now everything not rejected: the two delivered are found (same bytes), only the
    # re-run one is copied, nothing is duplicated or overwritten.
    # A click on the radio button's circle (its middle may be past the end of its words).
    at = QPoint(8, deliver.not_rejected.height() // 2)
    qtbot.mouseClick(deliver.not_rejected, Qt.MouseButton.LeftButton, pos=at)
    assert deliver.not_rejected.isChecked()
    deliver.report = None
    qtbot.mouseClick(deliver.deliver_button, Qt.MouseButton.LeftButton)
    report = settle(loop, again, lambda: deliver.report, "second delivery report")
    assert len(report.copied) == 1 and len(report.already_delivered) == 2
    assert len([p for p in folder.iterdir() if p.name != "manifest.csv"]) == 3
    assert "already there with the same bytes, not copied again" in deliver.summary.text()
    deliver.close_button.click()
    run(loop, until(lambda: controller.deliver_dialog is None, what="dialog closed"))
