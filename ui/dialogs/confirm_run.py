"""The last look before money is spent: images, price, total, balance after, dedupe savings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import Plural, translate
from ui.locale_format import money

if TYPE_CHECKING:
    from app.engine.batch_queue import RunEstimate


def price_text(estimate: RunEstimate) -> str:
    low, high = estimate.lowest_price, estimate.highest_price
    if low == high:
        return money(low)
    return translate("ConfirmRunDialog", "{low} to {high}").format(low=money(low), high=money(high))


class ConfirmRunDialog(QDialog):
    def __init__(
        self, estimate: RunEstimate, workflow_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirmRun")
        self.setWindowTitle(translate("ConfirmRunDialog", "Start processing?"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        images, total, balance = estimate.images, estimate.total, estimate.balance

        what = Plural.tr("<b>Process %Ln image(s)</b> with {workflow}?", "", images)
        heading = QLabel(
            what.format(
                workflow=workflow_name or translate("ConfirmRunDialog", "the selected workflow"),
            )
        )
        heading.setTextFormat(Qt.TextFormat.RichText)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(translate("ConfirmRunDialog", "Price per image:"), QLabel(price_text(estimate)))
        total_label = QLabel(f"<b>{money(total)}</b>")
        form.addRow(translate("ConfirmRunDialog", "Total cost:"), total_label)
        self.enough = True
        if balance is not None:
            after = balance - total
            after_label = QLabel(money(after))
            if after < 0:
                self.enough = False
                after_label.setText(
                    translate(
                        "ConfirmRunDialog",
                        "{money} — not enough credits; "
                        "images beyond the balance will wait for a top-up",
                    ).format(money=money(after))
                )
                after_label.setStyleSheet("color: #d64541;")
            form.addRow(translate("ConfirmRunDialog", "Balance now:"), QLabel(money(balance)))
            form.addRow(translate("ConfirmRunDialog", "Balance after:"), after_label)
        if estimate.deduped:
            form.addRow(
                translate("ConfirmRunDialog", "Duplicates:"),
                QLabel(Plural.tr("%Ln identical file(s) processed once", "", estimate.deduped)),
            )
        if estimate.already_created:
            form.addRow(
                translate("ConfirmRunDialog", "Resumed:"),
                QLabel(
                    translate("ConfirmRunDialog", "{n} already sent to the server").format(
                        n=estimate.already_created
                    )
                ),
            )
        if estimate.rejected:
            form.addRow(
                translate("ConfirmRunDialog", "Not processable:"),
                QLabel(Plural.tr("%Ln file(s), not charged", "", estimate.rejected)),
            )
        buttons = QDialogButtonBox()
        self.start_button = buttons.addButton(
            translate("ConfirmRunDialog", "Start"), QDialogButtonBox.ButtonRole.AcceptRole
        )
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
