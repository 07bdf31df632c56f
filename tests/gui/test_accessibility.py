"""Accessibility: the shortcuts sheet opens from the keyboard and lists the real keys; the
window's focusable controls have names Qt's accessibility interface exposes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from ui.dialogs.shortcuts import ShortcutsSheet


def unnamed(root: QWidget) -> list[str]:
    """Visible focusable widgets under `root` whose accessible name is empty."""
    wrong = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isVisible():
            continue
        if widget.focusProxy() is not None:  # the focus goes to the proxy, which is walked
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name) if interface is not None else ""
        if not name.strip():
            wrong.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return wrong


def open_sheet(window: Any, qtbot: Any) -> ShortcutsSheet:
    window.activateWindow()
    qtbot.waitActive(window)
    window.page.view.setFocus()
    qtbot.keyClick(window.page.view, "?")
    sheet = window.findChild(ShortcutsSheet, "shortcutsSheet")
    assert sheet is not None and sheet.isVisible()
    return sheet


def test_question_mark_opens_the_sheet_with_the_window_and_viewer_keys(
    open_window: Callable[..., Any], qtbot: Any
) -> None:
    window = open_window()
    sheet = open_sheet(window, qtbot)
    rows = sheet.rows()
    start = QKeySequence("Ctrl+Return").toString(QKeySequence.SequenceFormat.NativeText)
    assert ("Window", start, "Start") in rows
    assert any(r[0] == "Window" and r[2] == "Add files" for r in rows)  # no '…', no '&'
    account = QKeySequence("Ctrl+Shift+A").toString(QKeySequence.SequenceFormat.NativeText)
    assert ("Window", account, "Account") in rows  # the verb, not the connection it shows
    assert any(r[0] == "Before/after viewer" and r[1] == "1  2  3" for r in rows)
    assert any(r[0] == "Job list" and r[1] == "Enter" for r in rows)
    assert unnamed(sheet) == []
    qtbot.keyClicks(sheet.filter, "viewer")
    assert sheet.rows() and all("viewer" in f"{r[1]} {r[2]}".lower() for r in sheet.rows())
    qtbot.keyClick(sheet.filter, Qt.Key.Key_Escape)
    assert not sheet.isVisible()


def test_question_mark_in_a_text_field_is_typed_not_a_shortcut(
    open_window: Callable[..., Any], qtbot: Any
) -> None:
    window = open_window()
    window.activateWindow()
    search = window.page.search
    window.page.setCurrentWidget(window.page.list_page)
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "a?")
    assert search.text() == "a?"
    assert window.findChild(ShortcutsSheet, "shortcutsSheet") is None
    QApplication.processEvents()


def test_the_main_window_names_every_focusable_control(open_window: Callable[..., Any]) -> None:
    window = open_window()
    window.page.setCurrentWidget(window.page.list_page)
    QApplication.processEvents()
    assert unnamed(window) == []


def test_the_dialogs_name_every_focusable_control(
    open_window: Callable[..., Any], loop: Any, qtbot: Any
) -> None:
    from gui_helpers import run

    from app.engine.batch_queue import RunEstimate
    from app.store.settings import Settings
    from ui.dialogs.confirm_run import ConfirmRunDialog
    from ui.dialogs.settings import SettingsDialog
    from ui.dialogs.sign_in import AccountDialog
    from ui.history import HistoryWindow

    window = open_window()
    history = HistoryWindow(window.workspace)
    run(loop, history.load())
    estimate = RunEstimate(
        images=3, lowest_price=10, highest_price=20, total=40, balance=30,
        deduped=1, rejected=1, already_created=1,
    )  # fmt: skip
    screens = {
        "settings": SettingsDialog(Settings(), window),
        "confirm run": ConfirmRunDialog(estimate, "Workflow", window),
        "account": AccountDialog(window, window.workspace),
        "history": history,
    }
    wrong = []
    for name, screen in screens.items():
        screen.show()
        qtbot.waitExposed(screen)
        wrong += [f"{name}: {w}" for w in unnamed(screen)]
        screen.close()
        screen.deleteLater()
    assert wrong == [], "\n".join(wrong)
