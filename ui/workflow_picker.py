"""Workflow choice: searchable by typing, shows price per image and last change, can pin.

An editable combo with a "contains" completer is the native idiom for a searchable list of a
few dozen entries; the price and date sit in each entry so nobody runs an expensive workflow
by mistake.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QCompleter, QHBoxLayout, QLabel, QWidget

from ui.i18n import translate
from ui.locale_format import iso_date, money

if TYPE_CHECKING:
    from app.api.models import Workflow


def workflow_label(workflow: Workflow) -> str:
    name = workflow.name or workflow.id
    price = money(workflow.execution_price)
    date = iso_date(workflow.date)
    if date:
        return translate("WorkflowPicker", "{name} · {price} / image · changed {date}").format(
            name=name, price=price, date=date
        )
    return translate("WorkflowPicker", "{name} · {price} / image").format(name=name, price=price)


class WorkflowPicker(QWidget):
    workflowChanged = Signal(object)  # the Workflow, or None
    pinChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workflows: list[Workflow] = []
        label = QLabel(translate("WorkflowPicker", "&Workflow"))
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumContentsLength(48)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        line = self.combo.lineEdit()
        assert line is not None  # an editable combo always has one
        line.setPlaceholderText(translate("WorkflowPicker", "Search workflows…"))
        # The line edit takes the focus, not the combo: it needs the name a screen reader says.
        line.setAccessibleName(translate("WorkflowPicker", "Workflow"))
        self.combo.setAccessibleName(translate("WorkflowPicker", "Workflow"))
        self.combo.setAccessibleDescription(
            translate("WorkflowPicker", "Type to search; each entry shows its price per image")
        )
        completer = QCompleter(self.combo.model(), self.combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.combo.setCompleter(completer)
        label.setBuddy(self.combo)
        self.pin = QCheckBox(translate("WorkflowPicker", "&Pin version"))
        self.pin.setToolTip(
            translate(
                "WorkflowPicker",
                "Keep using the workflow's current version even if someone changes the workflow",
            )
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.pin)
        self.combo.currentIndexChanged.connect(self._changed)
        self.pin.toggled.connect(self.pinChanged)

    def set_workflows(self, workflows: list[Workflow], preferred_id: str = "") -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self._workflows = list(workflows)
        for workflow in self._workflows:
            self.combo.addItem(workflow_label(workflow), workflow.id)
            self.combo.setItemData(
                self.combo.count() - 1,
                translate("WorkflowPicker", "{name}\nAuthor: {author}\nVersion: {version}").format(
                    name=workflow.name,
                    author=workflow.author.display_name,
                    version=workflow.version,
                ),
                Qt.ItemDataRole.ToolTipRole,
            )
        index = max(0, self.combo.findData(preferred_id)) if self._workflows else -1
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)
        self._changed(index)

    def current(self) -> Workflow | None:
        index = self.combo.currentIndex()
        return self._workflows[index] if 0 <= index < len(self._workflows) else None

    def select(self, workflow_id: str) -> None:
        index = self.combo.findData(workflow_id)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def _changed(self, _index: int) -> None:
        # Show the start of a long entry (the name), not its end.
        line = self.combo.lineEdit()
        if line is not None:
            line.setCursorPosition(0)
        self.workflowChanged.emit(self.current())
