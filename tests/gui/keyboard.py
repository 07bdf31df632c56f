"""Driving the window by keys only: every key goes to whatever widget has the focus, as a
keyboard does; what a key starts runs when the loop is awaited (`until`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def key(k: Qt.Key, mods: Any = NONE) -> QWidget:
    """Press and release `k` on the focused widget; returns the widget that got it."""
    widget = focused()
    QTest.keyClick(widget, k, mods)
    return widget


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def select_all_and_type(text: str) -> None:
    key(Qt.Key.Key_A, CTRL)
    type_text(text)


async def back_in(window: QWidget) -> None:
    """A dialog closed: a window manager gives the keyboard back to the window under it. The
    offscreen platform leaves no window active, so the test does what the window manager
    would (only then), and waits until the window has the keyboard again."""
    from gui_helpers import until

    if QApplication.activeWindow() is None:
        window.activateWindow()
    await until(window.isActiveWindow, what=f"{window.objectName()} active again")
