"""CompareViewer: early API skeleton (the painting canvas lands next)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ui.viewer.item import ViewerItem
from ui.viewer.modes import CompareMode


class CompareViewer(QWidget):
    reviewRequested = Signal(str, str)  # job_id, "accepted" | "rejected" | ""
    feedbackRequested = Signal(str, bool)  # job_id, thumbs_up
    retryRequested = Signal(str)
    openInEditorRequested = Signal(str)
    showInFolderRequested = Signal(str)
    currentChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[ViewerItem] = []
        self._index = -1
        self._mode = CompareMode.SPLIT

    def set_items(self, items: list[ViewerItem], index: int = 0) -> None:
        self._items = list(items)
        self._index = max(0, min(index, len(self._items) - 1)) if self._items else -1
        if self._index >= 0:
            self.currentChanged.emit(self._items[self._index].job_id)

    def current_item(self) -> ViewerItem | None:
        return self._items[self._index] if self._index >= 0 else None

    def next(self) -> None:
        if 0 <= self._index < len(self._items) - 1:
            self.set_items(self._items, self._index + 1)

    def previous(self) -> None:
        if self._index > 0:
            self.set_items(self._items, self._index - 1)

    def mode(self) -> CompareMode:
        return self._mode

    def set_mode(self, mode: CompareMode) -> None:
        self._mode = mode
