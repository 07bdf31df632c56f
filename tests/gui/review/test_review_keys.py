"""The grid's held and shifted keys as page actions, and the window closed under its dialogs.

Shift+P accepts and moves on even with "next image after marking" off; Space held checks the
"Show the original" action until it is released; both are listed by the shortcuts sheet, which
is built from the window's live actions. Closing the window while the re-run, delivery or
open-batch dialog is open ends the dialog's coroutine as a Cancel, without an error."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from gui_helpers import run, until
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from test_review_grid import press, processed_window, wait_for

from app.domain.jobs import Review
from ui.dialogs.shortcuts import ShortcutsSheet


def test_shift_p_and_space_are_page_actions_the_sheet_lists(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path
) -> None:
    window = processed_window(open_window, loop, qtbot, tmp_path, 3)
    controller = window.review_page
    page, grid = controller.page, controller.page.grid
    press(window.page.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert grid.hasFocus()
    jobs = [job.id for job in page.proxy.jobs()]
    press(grid, Qt.Key.Key_Home)
    page.advance.setChecked(False)  # P stays on its cell; Shift+P moves on all the same

    def review_of(job_id: str) -> Review:
        return window.model.job(job_id).review

    press(grid, Qt.Key.Key_P, Qt.KeyboardModifier.ShiftModifier)
    wait_for(loop, lambda: review_of(jobs[0]) is Review.ACCEPTED, "first accepted")
    assert page.current_job().id == jobs[1]
    press(grid, Qt.Key.Key_P)
    wait_for(loop, lambda: review_of(jobs[1]) is Review.ACCEPTED, "second accepted")
    assert page.current_job().id == jobs[1]

    # Space held: the action is checked and the cell paints its original, until released.
    action = page.show_original_action
    QTest.keyPress(grid, Qt.Key.Key_Space)
    assert action.isChecked() and page.delegate.original_shown_for == jobs[1]
    QTest.keyRelease(grid, Qt.Key.Key_Space)
    assert not action.isChecked() and page.delegate.original_shown_for == ""

    sheet = ShortcutsSheet(window)
    try:
        listed = {(keys, what) for _group, keys, what in sheet.rows()}
    finally:
        sheet.deleteLater()
    assert ("Shift+P", "Accept and next") in listed
    assert ("Space", "Show the original while held") in listed


@pytest.mark.parametrize("verb", ["rerun_rejected", "deliver", "open_batch"])
def test_closing_the_window_under_a_dialog_ends_its_coroutine_cleanly(
    verb: str,
    open_window: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
    qtbot: Any,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    window = processed_window(open_window, loop, qtbot, tmp_path, 1)
    controller = window.review_page
    press(window.page.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    press(controller.page.grid, Qt.Key.Key_X)  # a rejected result, so Re-run has one
    job_id = controller.page.proxy.jobs()[0].id
    wait_for(loop, lambda: window.model.job(job_id).review is Review.REJECTED, "rejected")
    hooked: list[BaseException] = []  # where the slot's errors go (the app shows a dialog)
    monkeypatch.setattr(sys, "excepthook", lambda _type, exc, _tb: hooked.append(exc))

    task = getattr(controller, verb)()  # what its key starts
    name = {"rerun_rejected": "rerun_dialog"}.get(verb, f"{verb}_dialog")
    dialog = wait_for(loop, lambda: getattr(controller, name), f"the {verb} dialog open")
    qtbot.waitUntil(dialog.isVisible)
    answers: list[int] = []
    dialog.finished.connect(answers.append)
    window.close()

    async def ended() -> None:
        await until(task.done, 10, f"the {verb} coroutine ended")
        await window.wait_idle()  # an estimate asked for by the re-run dialog, say

    run(loop, ended())
    assert not task.cancelled() and task.exception() is None
    assert answers == [QDialog.DialogCode.Rejected]  # answered as a Cancel
    assert getattr(controller, name) is None  # and let go (it is deleted later)
    assert hooked == []
