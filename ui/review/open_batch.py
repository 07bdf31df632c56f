"""Open batch…: a batch of this computer's journal, chosen to be reviewed, re-run or delivered.

A finished batch is not loaded at start (only unfinished ones resume), so after a restart this
is how its results come back to the grid, with the marks the journal kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import translate
from ui.locale_format import timestamp

if TYPE_CHECKING:
    from app.store.journal import BatchRecord


class OpenBatchDialog(QDialog):
    def __init__(self, batches: Sequence[BatchRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("openBatchDialog")
        self.setWindowTitle(translate("OpenBatchDialog", "Open batch"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.list = QListWidget()
        self.list.setAccessibleName(translate("OpenBatchDialog", "Batches of this computer"))
        for record in batches:
            text = translate("OpenBatchDialog", "{name} · {when} · {workflow}").format(
                name=record.name,
                when=timestamp(record.created_at),
                workflow=record.workflow_name or record.workflow_id,
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(
            translate("OpenBatchDialog", "Open"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button.setAccessibleName(translate("OpenBatchDialog", "Open the chosen batch"))
        self.open_button.setEnabled(self.list.count() > 0)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(translate("OpenBatchDialog", "Cancel opening a batch"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        heading = QLabel(
            translate("OpenBatchDialog", "Its results come to the review grid with their marks.")
        )
        heading.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def choose(self, batch_id: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == batch_id:
                self.list.setCurrentRow(row)
                return

    def chosen_id(self) -> str:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""
