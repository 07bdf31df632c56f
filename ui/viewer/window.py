"""ViewerWindow: early API skeleton."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QWidget

from ui.viewer.compare_viewer import CompareViewer


class ViewerWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.viewer = CompareViewer(self)
        self.setCentralWidget(self.viewer)
        self.setWindowTitle("Before / after")
