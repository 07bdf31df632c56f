"""The last look before money is spent: images, price, total, balance after, dedupe savings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.formatting import format_money


def _get(estimate: Any, *names: str, default: Any = 0) -> Any:
    # The estimate is the engine's CostEstimate; read by name so extra fields never break us.
    for name in names:
        if hasattr(estimate, name):
            return getattr(estimate, name)
    return default


class ConfirmRunDialog(QDialog):
    def __init__(self, estimate: Any, workflow_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmRun")
        self.setWindowTitle("Start processing?")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        images = int(_get(estimate, "images"))
        price = int(_get(estimate, "price"))
        total = int(_get(estimate, "total"))
        balance = _get(estimate, "balance", default=None)
        deduped = int(_get(estimate, "deduped"))

        heading = QLabel(
            f"<b>Process {images} image{'s' if images != 1 else ''}</b>"
            f" with {workflow_name or 'the selected workflow'}?"
        )
        heading.setTextFormat(Qt.TextFormat.RichText)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Price per image:", QLabel(format_money(price)))
        total_label = QLabel(f"<b>{format_money(total)}</b>")
        form.addRow("Total cost:", total_label)
        self.enough = True
        if balance is not None:
            after = int(balance) - total
            after_label = QLabel(format_money(after))
            if after < 0:
                self.enough = False
                after_label.setText(
                    f"{format_money(after)} — not enough credits; "
                    "images beyond the balance will wait for a top-up"
                )
                after_label.setStyleSheet("color: #d64541;")
            form.addRow("Balance now:", QLabel(format_money(int(balance))))
            form.addRow("Balance after:", after_label)
        if deduped:
            form.addRow("Duplicates:", QLabel(f"{deduped} identical file(s) processed once"))
        already = int(_get(estimate, "already_created"))
        if already:
            form.addRow("Resumed:", QLabel(f"{already} already sent to the server"))
        rejected = int(_get(estimate, "rejected"))
        if rejected:
            form.addRow("Not processable:", QLabel(f"{rejected} file(s), not charged"))
        buttons = QDialogButtonBox()
        self.start_button = buttons.addButton("Start", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.start_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(buttons)
