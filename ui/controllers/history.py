"""The History window: the server's executions and batches, with where this computer saved
each result. One window at a time; it goes when the main window does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ui.async_slot import async_slot
from ui.controllers.context import WindowContext

if TYPE_CHECKING:
    from ui.history import HistoryWindow


class HistoryController(QObject):
    def __init__(self, context: WindowContext, window: QWidget) -> None:
        super().__init__(window)
        self._context = context
        self._window = window
        self.history_window: HistoryWindow | None = None

    @async_slot()
    async def show_history(self) -> None:
        from ui.history import HistoryWindow

        workspace = self._context.workspace
        if workspace is None:
            return
        window = self.history_window
        if window is None or window.workspace is not workspace:
            if window is not None:
                window.close()
            window = HistoryWindow(workspace, self._window)
            self.history_window = window
        window.show()
        window.raise_()
        window.activateWindow()
        await window.load()

    def close(self) -> None:
        if self.history_window is not None:
            self.history_window.close()
