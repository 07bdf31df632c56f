"""Tab order: from the first control, Tab walks every control of the main window and of its
dialogs in the order the user sees them (top to bottom, left to right, by their geometry on
screen) and comes back round to the first, with no control that keeps the Tab key."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from keyboard import focused
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget


def tab_stops(root: QWidget) -> list[QWidget]:
    """What Tab should reach under `root`: shown, enabled, taking focus by Tab."""
    stops = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or not widget.isEnabled():
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or widget.focusProxy() is not None:
            continue
        if widget.window() is not root:
            continue
        stops.append(widget)
    return stops


def chosen_in_group(widget: QWidget, visited: list[QWidget]) -> bool:
    """Tab stops once in a group of exclusive choices (radio buttons, the review filters),
    at the one chosen; the arrow keys move between them."""
    if not isinstance(widget, QAbstractButton):
        return False
    group = widget.group()
    if group is not None and group.exclusive():
        return any(w in visited for w in group.buttons())
    if widget.autoExclusive():
        siblings = (
            widget.parentWidget().findChildren(QAbstractButton) if widget.parentWidget() else []
        )
        return any(w in visited and w.autoExclusive() for w in siblings)
    return False


def place(widget: QWidget, root: QWidget) -> QRect:
    return QRect(widget.mapTo(root, QPoint(0, 0)), widget.size())


def reading_order(stops: list[QWidget], root: QWidget) -> list[QWidget]:
    return sorted(stops, key=lambda w: (place(w, root).top(), place(w, root).left()))


def out_of_order(a: QWidget, b: QWidget, root: QWidget) -> bool:
    """Tab going from `a` to `b` goes back: `b` is wholly above `a`, or beside it on the
    same line and wholly to its left."""
    ra, rb = place(a, root), place(b, root)
    if rb.bottom() < ra.top():
        return True
    same_line = rb.top() <= ra.bottom() and ra.top() <= rb.bottom()
    return same_line and rb.right() < ra.left()


def name(widget: QWidget) -> str:
    label = widget.accessibleName() or getattr(widget, "text", lambda: "")() or widget.objectName()
    return f"{type(widget).__name__}({label!r})"


def walk(root: QWidget, qtbot: Any) -> list[str]:
    """Problems with Tab in `root`: controls visited out of order, controls never reached, a
    trap (Tab not back at the first within twice as many presses as there are controls)."""
    root.activateWindow()
    qtbot.waitUntil(root.isActiveWindow)
    stops = tab_stops(root)
    assert stops, f"nothing to tab through in {root.objectName()}"
    first = reading_order(stops, root)[0]
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(first.hasFocus)
    visited = [first]
    for _ in range(2 * len(stops) + 2):
        QTest.keyClick(focused(), Qt.Key.Key_Tab)
        now = focused()
        if now is first:
            break
        visited.append(now)
    else:
        return [f"Tab never came back to {name(first)}: " + " > ".join(map(name, visited[-8:]))]
    problems = [
        f"{name(a)} > {name(b)} goes back ({place(a, root)} then {place(b, root)})"
        for a, b in itertools.pairwise(visited)
        if out_of_order(a, b, root)
    ]
    missed = [name(w) for w in stops if w not in visited and not chosen_in_group(w, visited)]
    if missed:
        problems.append("never reached by Tab: " + ", ".join(missed))
    return problems


def test_the_main_window_tabs_in_reading_order(
    open_window: Callable[..., Any], loop: Any, qtbot: Any, tmp_path: Any
) -> None:
    from gui_helpers import copy_samples, run

    window = open_window()
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png"])
    assert run(loop, window.queue.queue_paths(inputs))
    QApplication.processEvents()
    assert walk(window, qtbot) == []
    run(loop, window.wait_idle())


def test_the_review_page_tabs_in_reading_order(
    open_window: Callable[..., Any], loop: Any, qtbot: Any, tmp_path: Any
) -> None:
    from test_accessibility import finished_window

    window = finished_window(open_window, loop, qtbot, tmp_path)
    window.review_page.show_tab(1)
    QApplication.processEvents()
    assert walk(window, qtbot) == []


def test_the_dialogs_tab_in_reading_order(
    open_window: Callable[..., Any], loop: Any, qtbot: Any, tmp_path: Any
) -> None:
    from app.store.settings import Settings
    from ui.dialogs.deliver import DeliverDialog
    from ui.dialogs.rerun import RerunDialog
    from ui.dialogs.settings import SettingsDialog

    window = open_window()
    workflows = window.workspace.workflows
    screens = {
        "settings": SettingsDialog(Settings(), window),
        "deliver": DeliverDialog(str(tmp_path / "delivery"), window),
        "re-run": RerunDialog(workflows, workflows[0].id, window),
    }
    wrong = []
    for title, screen in screens.items():
        screen.show()
        qtbot.waitExposed(screen)
        wrong += [f"{title}: {problem}" for problem in walk(screen, qtbot)]
        screen.close()
        screen.deleteLater()
    assert wrong == [], "\n".join(wrong)
