"""The review grid as a retoucher uses it, on results the sandbox really made: Ctrl+2 shows it,
P / X / U mark the current cell (and move on), the filter buttons count live and show the right
cells, a mark is in the journal and in the table, Space held paints the original in place,
Enter opens the viewer at the cell and closing the viewer comes back to the grid."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import distinct_images, run, run_batch, states, until
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.domain.jobs import Review
from ui.job_model import status_text
from ui.review.filters import ReviewFilter
from ui.review.grid_delegate import caption


def processed_window(
    open_window: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
    qtbot: Any,
    tmp_path: Path,
    count: int,
) -> Any:
    """A window that processed `count` distinct photos on the sandbox, shown and active."""
    window = open_window()
    window.settings.output_folder = str(tmp_path / "out")
    inputs = distinct_images(tmp_path / "in", count)

    async def scenario() -> None:
        await run_batch(window, inputs)
        await until(lambda: states(window) == ["done"] * count, 60, "every image done")
        await window.wait_idle()

    run(loop, scenario(), 90)
    activate(window, qtbot)
    return window


def activate(window: Any, qtbot: Any) -> None:
    """The window in front with the keyboard, as after a click on it: its shortcuts work."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def press(widget: Any, key: Qt.Key, mods: Any = None) -> None:
    """A key as the user presses it. What it starts runs when a `wait_for` or `settle` runs
    the loop, which is not left until that work is done: a task resumed outside the running
    loop (a request or a journal read still in flight) could not find its loop."""
    QTest.keyClick(widget, key, mods or Qt.KeyboardModifier.NoModifier)


def wait_for(loop: asyncio.AbstractEventLoop, condition: Callable[[], Any], what: str) -> Any:
    return run(loop, until(condition, what=what))


def settle(
    loop: asyncio.AbstractEventLoop, window: Any, condition: Callable[[], Any], what: str
) -> Any:
    """Run the loop until `condition` holds and the window's tasks are done: the loop is not
    left while a request is in flight (its task could not be resumed outside the loop)."""

    async def go() -> Any:
        value = await until(condition, what=what)
        await window.wait_idle()
        return value

    return run(loop, go())


def test_marks_counts_filters_journal_space_and_viewer(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path
) -> None:
    window = processed_window(open_window, loop, qtbot, tmp_path, 4)
    controller = window.review_page
    page = controller.page
    grid = page.grid

    # Ctrl+2 from the jobs table: the grid shows, at its first cell, with the keyboard on it.
    window.page.view.setFocus()
    press(window.page.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert controller.tabs.currentWidget() is page
    assert QApplication.focusWidget() is grid
    jobs = [j.id for j in page.proxy.jobs()]  # the cells in the order shown
    assert len(jobs) == 4
    assert page.current_job() is not None
    press(grid, Qt.Key.Key_Home)  # from the first cell
    assert page.current_job().id == jobs[0]
    assert page.advance.isChecked()  # "next image after marking" is on by default

    def review_of(job_id: str) -> Review:
        return window.model.job(job_id).review

    # P accepts and moves on; X rejects and moves on; P, then back with Left and U clears.
    press(grid, Qt.Key.Key_P)
    wait_for(loop, lambda: review_of(jobs[0]) is Review.ACCEPTED, "first accepted")
    assert page.current_job().id == jobs[1]
    press(grid, Qt.Key.Key_X)
    wait_for(loop, lambda: review_of(jobs[1]) is Review.REJECTED, "second rejected")
    press(grid, Qt.Key.Key_P)
    wait_for(loop, lambda: review_of(jobs[2]) is Review.ACCEPTED, "third accepted")
    press(grid, Qt.Key.Key_Left)
    assert page.current_job().id == jobs[2]
    press(grid, Qt.Key.Key_U)
    wait_for(loop, lambda: review_of(jobs[2]) is Review.NONE, "third cleared")
    assert [review_of(j) for j in jobs] == [
        Review.ACCEPTED,
        Review.REJECTED,
        Review.NONE,
        Review.NONE,
    ]
    assert page.current_job().id == jobs[3]  # U advanced as well

    # The counts on the filter buttons follow.
    buttons = page.filter_buttons
    expected = {
        ReviewFilter.ALL: "All (4)",
        ReviewFilter.UNREVIEWED: "Unreviewed (2)",
        ReviewFilter.ACCEPTED: "Accepted (1)",
        ReviewFilter.REJECTED: "Rejected (1)",
    }
    wait_for(
        loop,
        lambda: {c: b.text() for c, b in buttons.items()} == expected,
        f"counts {expected}",
    )

    # Each filter shows its cells.
    def shown() -> list[str]:
        return [j.id for j in page.proxy.jobs()]

    qtbot.mouseClick(buttons[ReviewFilter.REJECTED], Qt.MouseButton.LeftButton)
    assert shown() == [jobs[1]]
    qtbot.mouseClick(buttons[ReviewFilter.UNREVIEWED], Qt.MouseButton.LeftButton)
    assert shown() == [jobs[2], jobs[3]]
    qtbot.mouseClick(buttons[ReviewFilter.ACCEPTED], Qt.MouseButton.LeftButton)
    assert shown() == [jobs[0]]
    qtbot.mouseClick(buttons[ReviewFilter.ALL], Qt.MouseButton.LeftButton)
    assert shown() == jobs

    # The marks are in the journal (with their history) and in the table.
    journal = window.workspace.journal
    assert journal.job(jobs[0]).review is Review.ACCEPTED
    assert journal.job(jobs[1]).review is Review.REJECTED
    assert journal.job(jobs[2]).review is Review.NONE
    assert "review rejected" in [e.detail for e in journal.events(jobs[1])]
    assert status_text(window.model.job(jobs[1])).endswith("rejected")
    assert caption(window.model.job(jobs[0])) == "Accepted"

    # Space held: the delegate is told to paint the current cell's original, until released.
    page.select_job(jobs[1])
    grid.setFocus()
    QTest.keyPress(grid, Qt.Key.Key_Space)
    assert page.delegate.original_shown_for == jobs[1]
    wait_for(
        loop,
        lambda: page.thumbnails.original(window.model.job(jobs[1])) is not None,
        "the original's thumbnail decoded",
    )
    QTest.keyRelease(grid, Qt.Key.Key_Space)
    assert page.delegate.original_shown_for == ""

    # Enter: the viewer at this cell; Right moves it on; Escape closes it and the grid is back
    # at the image the viewer showed last, with the focus.
    press(grid, Qt.Key.Key_Return)
    viewer = window.review.viewer_window
    assert viewer is not None and viewer.isVisible()
    assert viewer.viewer.current_item().job_id == jobs[1]
    QTest.keyClick(viewer.viewer.canvas, Qt.Key.Key_Right)
    assert viewer.viewer.current_item().job_id == jobs[2]
    QTest.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()
    assert page.current_job().id == jobs[2]
    assert controller.tabs.currentWidget() is page
    wait_for(loop, lambda: QApplication.focusWidget() is grid, "focus back on the grid")
    # And the keys work there at once.
    press(grid, Qt.Key.Key_X)
    wait_for(loop, lambda: review_of(jobs[2]) is Review.REJECTED, "rejected after the viewer")
    run(loop, window.wait_idle())


def test_the_page_keys_are_window_actions_and_choices_persist(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path
) -> None:
    from PySide6.QtGui import QAction

    from ui.dialogs.shortcuts import action_keys

    window = open_window()
    listed = dict((what, keys) for keys, what in action_keys(window.findChildren(QAction)))
    assert listed["Accept"] == "P, A"
    assert listed["Reject"] == "X"
    assert listed["Clear mark"] == "U"
    assert "Open in viewer" in listed and "Re-run rejected" in listed and "Deliver" in listed
    assert "Show review" in listed and "Show jobs" in listed
    page = window.review_page.page
    for action in (page.accept_action, page.reject_action, page.rerun_action):
        assert action.shortcutContext() is Qt.ShortcutContext.WidgetWithChildrenShortcut

    # With the jobs tab showing, P is nobody's key (the page's keys work only on the page).
    activate(window, qtbot)
    triggered: list[bool] = []
    page.accept_action.triggered.connect(lambda: triggered.append(True))
    window.page.view.setFocus()
    QTest.keyClick(window.page.view, Qt.Key.Key_P)
    assert triggered == []

    # The advance option and the thumbnail size survive a restart; the feedback toggle is the
    # engine's setting (a rejection's thumbs down), saved with the others.
    page.advance.setChecked(False)
    page.size_slider.setValue(200)
    page.feedback.setChecked(True)
    assert window.settings.review_feedback is True
    from app.store.settings import Settings

    assert Settings.load().review_feedback is True
    again = open_window(sandbox=window.sandbox)
    assert not again.review_page.page.advance.isChecked()
    assert again.review_page.page.size_slider.value() == 200
    assert again.review_page.page.feedback.isChecked()
