"""The main window's verbs as QActions: text, icon, shortcut and tooltip, declared once.

Declaring them apart from what they do lets the toolbar, the empty state and the menus share
one action each, and lets the window connect them to its controllers in one place.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ui import icons
from ui.i18n import translate

Shortcut = str | QKeySequence.StandardKey | None


def make_action(
    parent: QWidget, text: str, icon_name: str | None, shortcut: Shortcut, tip: str = ""
) -> QAction:
    action = QAction(text, parent)
    # What the shortcuts sheet calls it: a controller may change the text (Account shows the
    # connection state), the verb stays.
    action.setProperty("declaredText", text)
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
            translate("WindowActions", "Add files…"),
            "add-files",
            QKeySequence.StandardKey.Open,
            translate("WindowActions", "Add images to the queue"),
        )
        self.add_folder = make_action(
            window,
            translate("WindowActions", "Add folder…"),
            "add-folder",
            "Ctrl+Shift+O",
            translate("WindowActions", "Add every image in a folder and its subfolders"),
        )
        self.paste = make_action(
            window,
            translate("WindowActions", "Paste paths"),
            None,
            QKeySequence.StandardKey.Paste,
            translate(
                "WindowActions", "Queue the files or folders whose paths are on the clipboard"
            ),
        )
        self.start = make_action(
            window,
            translate("WindowActions", "Start"),
            "start",
            "Ctrl+Return",
            translate("WindowActions", "Start processing the queue"),
        )
        self.pause = make_action(
            window,
            translate("WindowActions", "Pause"),
            "pause",
            "Ctrl+P",
            translate("WindowActions", "Pause: jobs in flight finish, nothing new starts"),
        )
        self.cancel = make_action(
            window,
            translate("WindowActions", "Cancel"),
            "cancel",
            "Ctrl+.",
            translate("WindowActions", "Cancel everything not yet finished"),
        )
        self.retry_failed = make_action(
            window,
            translate("WindowActions", "Retry failed"),
            "retry",
            "Ctrl+Shift+R",
            translate("WindowActions", "Retry every failed job"),
        )
        self.clear_done = make_action(
            window,
            translate("WindowActions", "Clear finished"),
            None,
            "Ctrl+Shift+Del",
            translate(
                "WindowActions",
                "Take finished images off the list (their results stay where they are)",
            ),
        )
        self.history = make_action(
            window,
            translate("WindowActions", "History"),
            "history",
            "Ctrl+H",
            translate("WindowActions", "Past executions and batches"),
        )
        self.settings = make_action(
            window,
            translate("WindowActions", "Settings"),
            "settings",
            "Ctrl+,",
            translate(
                "WindowActions", "Output folder, naming, concurrency, hot folder, notifications"
            ),
        )
        self.account = make_action(
            window,
            translate("WindowActions", "Account"),
            "account",
            "Ctrl+Shift+A",
            translate("WindowActions", "Server, sign-in and organization"),
        )
        self.compare = make_action(
            window, translate("WindowActions", "Compare before/after"), "compare", None
        )
        self.find = make_action(
            window, translate("WindowActions", "Find"), None, QKeySequence.StandardKey.Find
        )
        self.quit = make_action(
            window, translate("WindowActions", "Quit"), None, QKeySequence.StandardKey.Quit
        )
        self.shortcuts = make_action(
            window,
            translate("WindowActions", "Keyboard shortcuts"),
            None,
            "?",
            translate("WindowActions", "Every key of the window"),
        )
        # F1 as well; "?" never reaches the action from a text field, which types it instead.
        self.shortcuts.setShortcuts(
            [QKeySequence("?"), QKeySequence(QKeySequence.StandardKey.HelpContents)]
        )


def on_trigger(action: QAction, handler: Callable[[], object]) -> None:
    """Run `handler` with no arguments when the action fires (`triggered` passes `checked`)."""
    action.triggered.connect(lambda _checked=False: handler())
