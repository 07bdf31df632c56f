"""Re-run the rejected results: a workflow (and optionally a pinned version), its cost shown
before anything can be confirmed.

The dialog only asks: the estimate comes from `Engine.estimate_rerun` (through whoever
listens to `estimateWanted`), the re-run itself is the caller's once it is accepted. The Re-run
button stays disabled until the cost of the choice on screen has arrived, so nothing is
confirmed unseen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import Plural, translate
from ui.locale_format import money

if TYPE_CHECKING:
    from app.api.models import Workflow
    from app.engine.counts import CostEstimate


class RerunDialog(QDialog):
    estimateWanted = Signal(str, str)  # workflow id, version ("" for its current one)

    def __init__(
        self, workflows: Sequence[Workflow], current_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("rerunDialog")
        self.setWindowTitle(translate("RerunDialog", "Re-run rejected results"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.estimate: CostEstimate | None = None  # the cost of the choice on screen
        self._asked = ("", "")

        self.workflow_box = QComboBox()
        self.workflow_box.setAccessibleName(translate("RerunDialog", "Workflow for the re-run"))
        for workflow in workflows:
            self.workflow_box.addItem(workflow.name or workflow.id, workflow.id)
        at = self.workflow_box.findData(current_id)
        self.workflow_box.setCurrentIndex(max(0, at))
        self.version_edit = QLineEdit()
        self.version_edit.setAccessibleName(translate("RerunDialog", "Workflow version to pin"))
        self.version_edit.setPlaceholderText(translate("RerunDialog", "its current version"))
        self.images_label = QLabel(translate("RerunDialog", "Working out the cost…"))
        self.price_label = QLabel("–")
        self.total_label = QLabel("–")
        self.balance_label = QLabel("–")
        self.after_label = QLabel("–")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        workflow_label = QLabel(translate("RerunDialog", "&Workflow:"))
        workflow_label.setBuddy(self.workflow_box)
        form.addRow(workflow_label, self.workflow_box)
        version_label = QLabel(translate("RerunDialog", "&Version:"))
        version_label.setBuddy(self.version_edit)
        form.addRow(version_label, self.version_edit)
        form.addRow(translate("RerunDialog", "Images:"), self.images_label)
        form.addRow(translate("RerunDialog", "Price per image:"), self.price_label)
        form.addRow(translate("RerunDialog", "Total cost:"), self.total_label)
        form.addRow(translate("RerunDialog", "Balance now:"), self.balance_label)
        form.addRow(translate("RerunDialog", "Balance after:"), self.after_label)
        note = QLabel(
            translate(
                "RerunDialog",
                "Nothing is uploaded again: the service still has the originals. Each new"
                " result becomes the current version, unreviewed; the earlier ones stay in"
                " the viewer.",
            )
        )
        note.setWordWrap(True)
        note.setEnabled(False)  # drawn muted, as an explanation

        buttons = QDialogButtonBox()
        self.rerun_button = buttons.addButton(
            translate("RerunDialog", "Re-run"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.rerun_button.setAccessibleName(translate("RerunDialog", "Re-run the rejected results"))
        self.rerun_button.setEnabled(False)
        self.rerun_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(translate("RerunDialog", "Cancel the re-run"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self.workflow_box.currentIndexChanged.connect(lambda _i: self.ask_estimate())
        self.version_edit.editingFinished.connect(self.ask_estimate)

    def choice(self) -> tuple[str, str]:
        """(workflow id, version or "" for its current one)."""
        return str(self.workflow_box.currentData() or ""), self.version_edit.text().strip()

    def ask_estimate(self) -> None:
        if self.choice() == self._asked and self.estimate is not None:
            return
        self._asked = self.choice()
        self.estimate = None
        self.rerun_button.setEnabled(False)
        self.images_label.setText(translate("RerunDialog", "Working out the cost…"))
        for label in (self.price_label, self.total_label, self.balance_label, self.after_label):
            label.setText("–")
        workflow_id, version = self._asked
        if workflow_id:
            self.estimateWanted.emit(workflow_id, version)
        else:
            self.images_label.setText(translate("RerunDialog", "No workflow to re-run with"))

    def show_estimate(self, workflow_id: str, estimate: CostEstimate) -> None:
        if workflow_id != self._asked[0]:
            return  # the answer for a choice no longer on screen
        self.estimate = estimate
        images = estimate.images
        self.images_label.setText(Plural.tr("%Ln image(s) will be re-run", "", images))
        self.price_label.setText(money(estimate.price))
        self.total_label.setText(f"<b>{money(estimate.total)}</b>")
        if estimate.balance is not None:
            self.balance_label.setText(money(estimate.balance))
            after = estimate.balance - estimate.total
            self.after_label.setText(money(after))
            self.after_label.setStyleSheet("color: #d64541;" if after < 0 else "")
        else:
            self.balance_label.setText(translate("RerunDialog", "unknown"))
        self.rerun_button.setEnabled(images > 0)
        if images == 0:
            self.images_label.setText(
                translate("RerunDialog", "The rejected images are still being processed")
            )

    def show_estimate_error(self, workflow_id: str, error: str) -> None:
        if workflow_id != self._asked[0]:
            return
        self.images_label.setText(
            translate("RerunDialog", "The cost could not be worked out: {error}").format(
                error=error
            )
        )
        self.rerun_button.setEnabled(False)
