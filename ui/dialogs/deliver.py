"""Deliver: where the results go, which of them (accepted only, or everything not rejected),
how they are named; then what was copied, what was there already, what could not go, and
where the manifest is.

The dialog only asks and shows: `deliverWanted` carries the choice to whoever delivers
(`Engine.deliver`, the CLI's `deliver` path), and `show_report` or `show_error` brings the
answer back into the same dialog, so a bad template or an unusable folder can be corrected
without starting over. Delivering again into the same folder is safe (the engine's rule): the
summary says how many were already there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.desktop import show_in_folder
from ui.i18n import Plural, translate

if TYPE_CHECKING:
    from app.engine.delivery import DeliveryReport

REFUSALS_SHOWN = 8  # the rest are counted: the manifest and the log have them all


def report_lines(report: DeliveryReport) -> list[str]:
    """The summary of a delivery, a line per kind of outcome."""
    lines = [Plural.tr("%Ln result(s) copied", "", len(report.copied))]
    if report.already_delivered:
        lines.append(
            Plural.tr(
                "%Ln already there with the same bytes, not copied again",
                "",
                len(report.already_delivered),
            )
        )
    if report.left_out:
        lines.append(Plural.tr("%Ln left out (not chosen)", "", report.left_out))
    if report.refused:
        lines.append(Plural.tr("%Ln could not be delivered:", "", len(report.refused)))
        for refusal in report.refused[:REFUSALS_SHOWN]:
            lines.append(
                translate("DeliverDialog", "  {name}: {reason}").format(
                    name=refusal.original, reason=refusal.reason
                )
            )
        if len(report.refused) > REFUSALS_SHOWN:
            more = len(report.refused) - REFUSALS_SHOWN
            lines.append(Plural.tr("  and %Ln more", "", more))
    if report.manifest is not None:
        lines.append(translate("DeliverDialog", "Manifest: {path}").format(path=report.manifest))
    return lines


class DeliverDialog(QDialog):
    deliverWanted = Signal(str, bool, str)  # folder, accepted only, name template ("": batch's)

    def __init__(self, folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deliverDialog")
        self.setWindowTitle(translate("DeliverDialog", "Deliver results"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.report: DeliveryReport | None = None

        self.folder_edit = QLineEdit(folder)
        self.folder_edit.setAccessibleName(translate("DeliverDialog", "Delivery folder"))
        browse = QPushButton(translate("DeliverDialog", "&Browse…"))
        browse.setAccessibleName(translate("DeliverDialog", "Choose the delivery folder"))
        browse.clicked.connect(self._browse)
        # Enter in the folder field delivers: Browse must never take over as the default
        # button (an auto-default button does as soon as it has had the focus).
        browse.setAutoDefault(False)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        self.accepted_only = QRadioButton(translate("DeliverDialog", "&Accepted results only"))
        self.accepted_only.setAccessibleName(
            translate("DeliverDialog", "Deliver the accepted results only")
        )
        self.not_rejected = QRadioButton(translate("DeliverDialog", "Every result &not rejected"))
        self.not_rejected.setAccessibleName(
            translate("DeliverDialog", "Deliver every result not rejected")
        )
        self.accepted_only.setChecked(True)
        self.template_edit = QLineEdit()
        self.template_edit.setAccessibleName(
            translate("DeliverDialog", "Name template for delivered files")
        )
        self.template_edit.setPlaceholderText(translate("DeliverDialog", "as the batch named them"))
        self.template_edit.setToolTip(
            translate(
                "DeliverDialog",
                "For example {stem}_web{ext}; the fields are those of the output name in Settings",
            )
        )
        form = QFormLayout()
        folder_label = QLabel(translate("DeliverDialog", "&Folder:"))
        folder_label.setBuddy(self.folder_edit)
        form.addRow(folder_label, folder_row)
        form.addRow(translate("DeliverDialog", "Deliver:"), self.accepted_only)
        form.addRow("", self.not_rejected)
        template_label = QLabel(translate("DeliverDialog", "Name &template:"))
        template_label.setBuddy(self.template_edit)
        form.addRow(template_label, self.template_edit)

        self.summary = QLabel()
        self.summary.setObjectName("deliverSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.hide()

        buttons = QDialogButtonBox()
        self.deliver_button = buttons.addButton(
            translate("DeliverDialog", "Deliver"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.deliver_button.setAccessibleName(translate("DeliverDialog", "Deliver the results"))
        self.deliver_button.setDefault(True)
        self.deliver_button.clicked.connect(self._deliver_clicked)
        self.show_folder_button = buttons.addButton(
            translate("DeliverDialog", "Show folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.show_folder_button.setAccessibleName(
            translate("DeliverDialog", "Show the delivery folder")
        )
        self.show_folder_button.clicked.connect(self._show_folder)
        self.show_folder_button.setAutoDefault(False)
        self.show_folder_button.hide()
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName(translate("DeliverDialog", "Close the delivery"))
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _browse(self) -> None:
        # Opened, not exec()'d: no nested event loop under qasync.
        chooser = QFileDialog(
            self, translate("DeliverDialog", "Delivery folder"), self.folder_edit.text()
        )
        chooser.setFileMode(QFileDialog.FileMode.Directory)
        chooser.setOption(QFileDialog.Option.ShowDirsOnly, True)
        chooser.fileSelected.connect(self.folder_edit.setText)
        chooser.finished.connect(lambda _r: chooser.deleteLater())
        chooser.open()

    def _deliver_clicked(self) -> None:
        folder = self.folder_edit.text().strip()
        if not folder:
            self.show_error(translate("DeliverDialog", "Choose a folder to deliver to"))
            return
        self.deliverWanted.emit(
            folder, self.accepted_only.isChecked(), self.template_edit.text().strip()
        )

    def set_busy(self) -> None:
        self.deliver_button.setEnabled(False)
        self.summary.setStyleSheet("")
        self.summary.setText(translate("DeliverDialog", "Delivering…"))
        self.summary.show()

    def show_error(self, error: str) -> None:
        self.deliver_button.setEnabled(True)
        self.summary.setStyleSheet("color: #d64541;")
        self.summary.setText(error)
        self.summary.show()

    def show_report(self, report: DeliveryReport) -> None:
        self.report = report
        self.deliver_button.setEnabled(True)
        self.deliver_button.setText(translate("DeliverDialog", "Deliver again"))
        self.summary.setStyleSheet("")
        self.summary.setText("\n".join(report_lines(report)))
        self.summary.show()
        self.show_folder_button.show()

    def _show_folder(self) -> None:
        if self.report is not None and self.report.manifest is not None:
            show_in_folder(str(self.report.manifest))
