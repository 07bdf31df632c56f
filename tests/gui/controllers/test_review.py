"""Review from the window: the keyboard opens the viewer on the finished rows, its verdict
reaches the engine and comes back as a row, its geometry is kept; Delete removes a row."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import copy_samples, run, run_batch, states, until
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ui.notifications import Notifier
from ui.window_state import window_settings


def test_keyboard_opens_the_viewer_and_removes_rows(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    window.notices.notifier = Notifier()
    window.settings.output_folder = str(tmp_path / "out")
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png"])
    view = window.page.view

    async def scenario() -> None:
        await run_batch(window, inputs)
        await until(lambda: states(window) == ["done", "done"], 60, "done")
        await until(lambda: window.notices.last_batch_summary, what="batch summary")
        await window.wait_idle()

    run(loop, scenario(), 90)
    # The window was not focused (offscreen): the finished batch was announced.
    sent = window.notices.notifier.sent
    assert sent and "2 done" in sent[0][1]
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(window.page.selected_jobs()) == 2
    view.selectRow(1)
    QTest.keyClick(view, Qt.Key.Key_Return)
    viewer = window.review.viewer_window
    assert viewer is not None and viewer.isVisible()
    current = viewer.viewer.current_item()
    assert current.job_id == window.page.selected_jobs()[0].id
    assert Path(current.result_path).is_file()

    async def review() -> None:
        # The viewer's verdict reaches the engine (and the journal) and comes back as a row.
        viewer.viewer.reviewRequested.emit(current.job_id, "accepted")
        await until(
            lambda: window.model.job(current.job_id).review.value == "accepted",
            what="review stored",
        )
        await window.wait_idle()

    run(loop, review())
    viewer.close()
    assert window_settings().value("viewer/geometry") is not None  # kept for next time
    removed = window.page.selected_jobs()[0].id

    async def delete() -> None:
        QTest.keyClick(view, Qt.Key.Key_Delete)
        await until(lambda: window.model.rowCount() == 1, what="row removed")
        await window.wait_idle()

    run(loop, delete())
    assert window.model.job(removed) is None


def test_compare_without_finished_rows_says_so(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg"])
    run(loop, window.queue.queue_paths(inputs))
    window.page.view.selectAll()
    window.window_actions.compare.trigger()
    assert "No finished images" in window.status_bar.message_label.text()
    assert window.review.viewer_window is None
