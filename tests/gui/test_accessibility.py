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
    assert undescribed(window) == []


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


# --- the viewer, the review page and its dialogs, on results the sandbox really made -----------
def finished_window(open_window: Callable[..., Any], loop: Any, qtbot: Any, tmp_path: Any) -> Any:
    from gui_helpers import distinct_images, run, run_batch, states, until

    window = open_window()
    window.settings.output_folder = str(tmp_path / "out")
    inputs = distinct_images(tmp_path / "in", 2)

    async def scenario() -> None:
        await run_batch(window, inputs)
        await until(lambda: states(window) == ["done", "done"], 60, "both done")
        await window.wait_idle()

    run(loop, scenario(), 90)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def undescribed(root: QWidget) -> list[str]:
    """Visible focusable tool buttons under `root` that Qt's accessibility interface gives no
    description (its own, or the tooltip it falls back to): a verb's name ("Deliver") does not
    say what it applies to, and a menu button's ("Options") not what is in it."""
    from PySide6.QtWidgets import QToolButton

    wrong = []
    for button in root.findChildren(QToolButton):
        if not button.isVisible() or button.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if button.group() is not None:
            continue  # a choice among its group's (the filters), its words are its meaning
        interface = QAccessible.queryAccessibleInterface(button)
        if not interface.text(QAccessible.Text.Description).strip():
            wrong.append(repr(interface.text(QAccessible.Text.Name)))
    return wrong


def test_the_viewer_names_its_controls_and_describes_the_comparison(
    open_window: Callable[..., Any], loop: Any, qtbot: Any, tmp_path: Any
) -> None:
    window = finished_window(open_window, loop, qtbot, tmp_path)
    window.page.view.setFocus()
    qtbot.keyClick(window.page.view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.page.view, Qt.Key.Key_Return)
    viewer_window = window.review.viewer_window
    assert viewer_window is not None
    qtbot.waitExposed(viewer_window)
    assert unnamed(viewer_window) == []
    canvas = viewer_window.viewer.canvas
    interface = QAccessible.queryAccessibleInterface(canvas)
    # The canvas (the images and the divider) says what it shows and how to move the divider.
    assert interface.text(QAccessible.Text.Name).strip()
    assert interface.text(QAccessible.Text.Description).strip()
    viewer_window.close()


def test_the_review_page_and_its_dialogs_name_every_control(
    open_window: Callable[..., Any], loop: Any, qtbot: Any, tmp_path: Any
) -> None:
    from app.engine.delivery import DeliveryReport  # noqa: F401  (the dialog's report type)
    from ui.dialogs.deliver import DeliverDialog
    from ui.dialogs.rerun import RerunDialog
    from ui.review.open_batch import OpenBatchDialog

    window = finished_window(open_window, loop, qtbot, tmp_path)
    qtbot.keyClick(window.page.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.review_page.page
    QApplication.processEvents()
    assert page.proxy.rowCount() == 2
    assert unnamed(page) == []
    assert undescribed(page) == []
    # Each cell is read as its file name, with its state and mark as the description.
    grid = QAccessible.queryAccessibleInterface(page.grid)
    cells = [grid.child(i) for i in range(grid.childCount())]
    cells = [c for c in cells if c is not None and c.role() == QAccessible.Role.ListItem]
    names = sorted(c.text(QAccessible.Text.Name) for c in cells)
    assert names == sorted(j.name for j in page.proxy.jobs())
    assert all(c.text(QAccessible.Text.Description) == "Done" for c in cells)

    from gui_helpers import run

    journal = window.workspace.journal
    batches = run(loop, journal.run(journal.batches))
    workflows = window.workspace.workflows
    screens = {
        "deliver": DeliverDialog(str(tmp_path / "delivery"), window),
        "re-run": RerunDialog(workflows, workflows[0].id, window),
        "open batch": OpenBatchDialog(batches, window),
    }
    wrong = []
    for name, screen in screens.items():
        screen.show()
        qtbot.waitExposed(screen)
        wrong += [f"{name}: {w}" for w in unnamed(screen)]
        screen.close()
        screen.deleteLater()
    assert wrong == [], "\n".join(wrong)


def visibly_different(a: Any, b: Any) -> bool:
    """At least a frame's worth of pixels (100) whose brightness differs by a quarter of the
    scale: the style's own focus rectangle, drawn in the selection's colour on a selected row,
    differs by a few levels only, and nobody can see it."""
    from PySide6.QtGui import QImage

    def grey(image: Any) -> bytes:
        image = image.convertToFormat(QImage.Format.Format_Grayscale8)
        return bytes(image.constBits())[: image.sizeInBytes()]

    return sum(abs(x - y) >= 64 for x, y in zip(grey(a), grey(b), strict=True)) >= 100


def same_when_inactive(widget: QWidget) -> None:
    """A palette whose colours do not change with the focus (as Fusion's on X11): what shows
    the focus must be drawn, not a selection colour that happens to fade."""
    from PySide6.QtGui import QPalette

    palette = widget.palette()
    for role in QPalette.ColorRole:
        if role is not QPalette.ColorRole.NColorRoles:
            active = palette.color(QPalette.ColorGroup.Active, role)
            palette.setColor(QPalette.ColorGroup.Inactive, role, active)
    widget.setPalette(palette)


def test_the_job_list_and_the_grid_show_that_they_have_the_focus(
    open_window: Callable[..., Any], loop: Any, qtbot: Any, tmp_path: Any
) -> None:
    """The current row (cell) looks different with the keyboard on the view than without it:
    a style or delegate that paints over the focus frame fails this."""
    window = finished_window(open_window, loop, qtbot, tmp_path)
    ctrl = Qt.KeyboardModifier.ControlModifier
    for tab_key, view in ((Qt.Key.Key_1, window.page.view), (Qt.Key.Key_2, None)):
        qtbot.keyClick(QApplication.focusWidget(), tab_key, ctrl)
        page = window.review_page.page
        view = view or page.grid
        same_when_inactive(view)
        qtbot.waitUntil(view.hasFocus)
        QApplication.processEvents()
        cell = view.visualRect(view.currentIndex())
        # The current row (the grid's cell) and a little round it, as the view shows it.
        row = cell if view is not window.page.view else cell.adjusted(0, 0, view.width(), 0)
        at = view.viewport().mapTo(view, row.topLeft())
        rect = row.translated(at - row.topLeft()).adjusted(-2, -2, 2, 2)
        focused = view.grab().copy(rect).toImage()
        other = window.page.search if view is window.page.view else page.size_slider
        other.setFocus()
        qtbot.waitUntil(lambda view=view: not view.hasFocus())
        QApplication.processEvents()
        unfocused = view.grab().copy(rect).toImage()
        assert visibly_different(focused, unfocused), f"{type(view).__name__}: no sign of focus"
