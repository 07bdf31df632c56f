"""Dialogs with wrapped text are kept tall enough to show all of it.

A word-wrapped label's height depends on its width, which Qt does not take into account when it
sizes a window: it sizes it for the label's preferred width, and where the window is narrower
(its minimum width, or longer German words) the last lines are cut off. Asking the layout for
its height at the window's actual width, on every resize, keeps every line on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class _FitHeight(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QWidget) and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            fit_height(watched)
        return False


def fit_height(window: QWidget) -> None:
    layout = window.layout()
    if layout is None or not layout.hasHeightForWidth():
        return
    needed = layout.totalHeightForWidth(window.width())
    if needed != window.minimumHeight():
        window.setMinimumHeight(needed)


def keep_wrapped_text_whole(window: QWidget) -> None:
    """`window`'s minimum height follows its width: its wrapped text is never cut off."""
    window.installEventFilter(_FitHeight(window))
