"""The whole day's flow without a mouse, on a real sandbox with real photos: every step is a
key sent to whatever widget has the focus (a shortcut, an accelerator, Tab, Enter, typing),
never a click or a call behind the window's back. A removed shortcut or a dialog that drops
the focus fails it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import copy_samples, distinct_images, run, states, until
from keyboard import ALT, CTRL, SHIFT, back_in, focused, key, select_all_and_type, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from app.domain.jobs import Review
from ui.dialogs.shortcuts import ShortcutsSheet
from ui.viewer.modes import CompareMode

K = Qt.Key
FINAL = {"done", "failed", "rejected"}


def test_a_day_without_a_mouse(
    open_window: Callable[..., Any],
    sandbox_factory: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
    qtbot: Any,
    tmp_path: Path,
) -> None:
    # Each execution holds its worker a while, so there is work in flight to pause; with
    # seed 0 the sandbox fails the first of the four executions and not the retry.
    window = open_window(sandbox_factory(latency=0.3, faults="fail=0.3", seed=0))
    window.settings.output_folder = str(tmp_path / "out")
    loose = copy_samples(tmp_path / "loose", ["rocket.jpg", "coffee.png"])
    shoot = tmp_path / "shoot"
    distinct_images(shoot, 2)
    # A file named like a photo that is none: refused with its reason, nothing uploaded.
    (shoot / "notes.jpg").write_text("not a photo")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    async def day() -> None:
        # The workflow: Alt+W goes to the picker, Down picks the next one.
        picker = window.toolbars.workflow_picker
        first = picker.current()
        key(K.Key_W, ALT)
        assert focused() in (picker.combo, picker.combo.lineEdit())
        key(K.Key_Down)
        chosen = picker.current()
        assert chosen is not None and chosen.id != first.id
        # (The sandbox has one organization, and one needs no picker: it is not shown.)
        assert not window.toolbars.org_combo.isVisible()

        # Add files: Ctrl+O, the dialog takes a typed folder, then the names in quotes.
        key(K.Key_O, CTRL)
        dialog = await until(lambda: window.queue.file_dialog, what="the Add files dialog")
        assert isinstance(dialog, QFileDialog)
        await until(dialog.isActiveWindow, what="the dialog active")
        type_text(str(loose[0].parent))
        key(K.Key_Return)
        type_text(" ".join(f'"{p.name}"' for p in loose))
        key(K.Key_Return)
        await until(lambda: window.model.rowCount() == 2, what="two files added")
        await until(lambda: window.queue.file_dialog is None, what="the dialog closed")
        await back_in(window)

        # Add folder: Ctrl+Shift+O, the folder's path typed, Enter.
        key(K.Key_O, CTRL | SHIFT)
        dialog = await until(lambda: window.queue.file_dialog, what="the Add folder dialog")
        await until(dialog.isActiveWindow, what="the dialog active")
        select_all_and_type(str(shoot))
        key(K.Key_Return)
        await until(lambda: window.model.rowCount() == 5, what="the folder's three added")
        await back_in(window)
        await window.wait_idle()

        # Start: Ctrl+Return asks for the cost first; Enter is its Start.
        key(K.Key_Return, CTRL)
        confirm = await until(lambda: window.run.confirm_dialog, what="the cost confirmation")
        await until(confirm.isActiveWindow, what="the confirmation active")
        assert chosen.name in confirm.findChild(QLabel).text()
        key(K.Key_Return)
        await until(lambda: window.run.confirm_dialog is None, what="confirmed")
        await back_in(window)

        # Pause (Ctrl+P) while images are in flight: the action turns into Resume.
        engine = window.workspace.engine
        pause = window.window_actions.pause
        assert not all(state in FINAL for state in states(window))
        key(K.Key_P, CTRL)
        assert engine.paused and pause.text() == "Resume"
        key(K.Key_P, CTRL)
        assert not engine.paused and pause.text() == "Pause"
        await until(lambda: all(s in FINAL for s in states(window)), 60, "every image final")
        # The sandbox failed its first execution; the file that is no photo was refused.
        assert sorted(states(window)) == ["done", "done", "done", "failed", "rejected"]

        # Retry the failed (Ctrl+Shift+R): it comes back done.
        key(K.Key_R, CTRL | SHIFT)
        await until(lambda: states(window).count("done") == 4, 60, "the retry done")
        await window.wait_idle()

        # The viewer: Ctrl+1 is the job list with the keyboard on it, Ctrl+Home its first row,
        # Enter the viewer; its keys change the comparison; Escape closes it.
        key(K.Key_1, CTRL)
        assert focused() is window.page.view
        key(K.Key_Home, CTRL)
        key(K.Key_Return)
        viewer_window = await until(lambda: window.review.viewer_window, what="the viewer")
        await until(viewer_window.isActiveWindow, what="the viewer active")
        viewer = viewer_window.viewer
        first = viewer.current_item().job_id
        key(K.Key_D)
        assert viewer.mode() is CompareMode.SIDE_BY_SIDE
        key(K.Key_S)
        assert viewer.mode() is CompareMode.SPLIT
        key(K.Key_1)
        assert viewer.divider_position() < 0.5
        key(K.Key_R)
        assert viewer.mode() is CompareMode.RESULT
        key(K.Key_Right)
        assert viewer.current_item().job_id != first
        key(K.Key_Escape)
        await until(lambda: not viewer_window.isVisible(), what="the viewer closed")
        await back_in(window)

        # Review: Ctrl+2 is the grid with the keyboard on its cells; P accepts, X rejects.
        page = window.review_page.page
        key(K.Key_2, CTRL)
        assert focused() is page.grid
        key(K.Key_Home)
        cells = [j.id for j in page.proxy.jobs()]
        key(K.Key_P)
        key(K.Key_X)
        await until(
            lambda: (
                [window.model.job(j).review for j in cells[:2]]
                == [Review.ACCEPTED, Review.REJECTED]
            ),
            what="the marks",
        )

        # Deliver (Ctrl+Shift+E): Alt+F is the folder, Enter delivers the accepted.
        key(K.Key_E, CTRL | SHIFT)
        controller = window.review_page
        deliver = await until(lambda: controller.deliver_dialog, what="the deliver dialog")
        await until(deliver.isActiveWindow, what="the deliver dialog active")
        key(K.Key_F, ALT)
        assert focused() is deliver.folder_edit
        client = tmp_path / "client"
        select_all_and_type(str(client))
        key(K.Key_Return)
        report = await until(lambda: deliver.report, what="the delivery report")
        accepted = Path(window.model.job(cells[0]).output_path).name
        assert len(report.copied) == 1
        assert sorted(p.name for p in client.iterdir()) == sorted([accepted, "manifest.csv"])
        key(K.Key_Escape)
        await until(lambda: controller.deliver_dialog is None, what="the deliver dialog closed")
        await back_in(window)

        # Settings (Ctrl+,) and History (Ctrl+H), each closed with Escape.
        key(K.Key_Comma, CTRL)
        settings = await until(lambda: window.preferences.settings_dialog, what="settings")
        await until(settings.isActiveWindow, what="settings active")
        key(K.Key_Escape)
        await until(lambda: window.preferences.settings_dialog is None, what="settings closed")
        await back_in(window)
        key(K.Key_H, CTRL)
        history = await until(lambda: window.history.history_window, what="history")
        await until(history.isActiveWindow, what="history active")
        await window.wait_idle()
        key(K.Key_Escape)
        await until(lambda: not history.isVisible(), what="history closed")
        await back_in(window)

        # And every key listed: F1 opens the sheet with its search field ready, Escape closes.
        key(K.Key_F1)
        sheet = await until(lambda: window.findChild(ShortcutsSheet, "shortcutsSheet"))
        await until(sheet.isActiveWindow, what="the shortcuts sheet active")
        type_text("deliver")
        assert [row[2] for row in sheet.rows()] == ["Deliver"]
        key(K.Key_Escape)
        await until(lambda: window.findChild(ShortcutsSheet) is None, what="the sheet gone")
        await back_in(window)
        await window.wait_idle()

    run(loop, day(), 120)


def test_the_job_list_answers_to_the_keys_it_declares_and_the_sheet_lists(
    job_factory: Callable[..., Any], qtbot: Any
) -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    from ui.job_model import JobTableModel
    from ui.job_view import JobTableView
    from ui.job_view_keys import LIST_KEYS, ListVerb, sheet_rows

    model = JobTableModel()
    model.reset([job_factory() for _ in range(3)])
    view = JobTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    heard: list[ListVerb] = []
    view.activateRequested.connect(lambda: heard.append(ListVerb.OPEN))
    view.removeRequested.connect(lambda: heard.append(ListVerb.REMOVE))
    for declared in LIST_KEYS:
        for k in declared.keys:
            view.selectRow(1)
            heard.clear()
            QTest.keyClick(view, k)
            assert heard == [declared.verb], f"{k} should {declared.verb}"
    # Enter on the row with the focus, when nothing is selected, opens that row.
    view.clearSelection()
    heard.clear()
    QTest.keyClick(view, K.Key_Return)
    assert heard == [ListVerb.OPEN] and view.selectionModel().hasSelection()

    window = QWidget()
    qtbot.addWidget(window)
    rows = ShortcutsSheet(window).rows()
    assert [(keys, what) for group, keys, what in rows if group == "Job list"] == sheet_rows()
    assert len(sheet_rows()) == len(LIST_KEYS)
