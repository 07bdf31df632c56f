"""What an empty queue shows: an invitation to drop photos, and the two buttons that do it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from ui import icons
from ui.i18n import translate


class EmptyState(QWidget):
    def __init__(
        self, add_files: QAction, add_folder: QAction, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        picture = QLabel()
        picture.setPixmap(icons.icon("drop").pixmap(QSize(72, 72)))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(translate("EmptyState", "Drop product photos here"))
        title.setObjectName("emptyTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        hint = QLabel(
            translate(
                "EmptyState",
                "Files or whole folders: JPEG, PNG, TIFF and WebP.\n"
                "Results go to a separate folder; your originals are never touched.",
            )
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setForegroundRole(hint.foregroundRole())
        hint.setEnabled(False)  # the palette's muted text colour, in light and dark themes
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for action in (add_files, add_folder):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setIconSize(QSize(20, 20))
            button.setMinimumHeight(34)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(picture)
        layout.addSpacing(8)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addStretch(3)
