"""The main window's verbs as QActions: text, icon, shortcut and tooltip, declared once.

Declaring them apart from what they do lets the toolbar, the empty state and the menus share
one action each, and lets the window connect them to its controllers in one place.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ui import icons

Shortcut = str | QKeySequence.StandardKey | None


def tr(text: str) -> str:
    return QCoreApplication.translate("WindowActions", text)


def make_action(
    parent: QWidget, text: str, icon_name: str | None, shortcut: Shortcut, tip: str = ""
) -> QAction:
    action = QAction(text, parent)
    if icon_name:
        action.setIcon(icons.icon(icon_name))
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
    # Added to the window so its shortcut works wherever the focus is in it.
    parent.addAction(action)
    return action


class WindowActions:
    def __init__(self, window: QWidget) -> None:
        self.add_files = make_action(
            window,
            tr("Add files…"),
            "add-files",
            QKeySequence.StandardKey.Open,
            tr("Add images to the queue"),
        )
        self.add_folder = make_action(
            window,
            tr("Add folder…"),
            "add-folder",
            "Ctrl+Shift+O",
            tr("Add every image in a folder and its subfolders"),
        )
        self.paste = make_action(
            window,
            tr("Paste paths"),
            None,
            QKeySequence.StandardKey.Paste,
            tr("Queue the files or folders whose paths are on the clipboard"),
        )
        self.start = make_action(
            window, tr("Start"), "start", "Ctrl+Return", tr("Start processing the queue")
        )
        self.pause = make_action(
            window,
            tr("Pause"),
            "pause",
            "Ctrl+P",
            tr("Pause: jobs in flight finish, nothing new starts"),
        )
        self.cancel = make_action(
            window, tr("Cancel"), "cancel", "Ctrl+.", tr("Cancel everything not yet finished")
        )
        self.retry_failed = make_action(
            window, tr("Retry failed"), "retry", "Ctrl+Shift+R", tr("Retry every failed job")
        )
        self.clear_done = make_action(
            window,
            tr("Clear finished"),
            None,
            "Ctrl+Shift+Del",
            tr("Take finished images off the list (their results stay where they are)"),
        )
        self.history = make_action(
            window, tr("History"), "history", "Ctrl+H", tr("Past executions and batches")
        )
        self.settings = make_action(
            window,
            tr("Settings"),
            "settings",
            "Ctrl+,",
            tr("Output folder, naming, concurrency, hot folder, notifications"),
        )
        self.account = make_action(
            window,
            tr("Account"),
            "account",
            "Ctrl+Shift+A",
            tr("Server, sign-in and organization"),
        )
        self.compare = make_action(window, tr("Compare before/after"), "compare", None)
        self.find = make_action(window, tr("Find"), None, QKeySequence.StandardKey.Find)
        self.quit = make_action(window, tr("Quit"), None, QKeySequence.StandardKey.Quit)


def on_trigger(action: QAction, handler: Callable[[], object]) -> None:
    """Run `handler` with no arguments when the action fires (`triggered` passes `checked`)."""
    action.triggered.connect(lambda _checked=False: handler())
