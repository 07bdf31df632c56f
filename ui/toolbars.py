"""The window's two toolbars: verbs on the first row, what they apply to on the second.

Two short rows never overflow into a chevron menu on a laptop screen; one long row did.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QWidget,
)

from ui.i18n import translate
from ui.window_actions import WindowActions
from ui.workflow_picker import WorkflowPicker


class VerbBar(QToolBar):
    """The verbs' row. Where the window is narrower than the row's words need (German's are
    longer), the verbs show their icons only rather than vanish into the overflow menu; their
    names stay as tooltips and accessible names, and the words come back when there is room."""

    def __init__(self, title: str, parent: QWidget) -> None:
        super().__init__(title, parent)
        self._wide = 0  # the width the row needs with its words, measured while they show

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        words = Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        if self.toolButtonStyle() == words:
            self._wide = self.sizeHint().width()
        style = words if self.width() >= self._wide else Qt.ToolButtonStyle.ToolButtonIconOnly
        if style != self.toolButtonStyle():
            self.setToolButtonStyle(style)


class Toolbars:
    """Builds both rows into `window`; keeps the widgets the controllers drive."""

    def __init__(self, window: QMainWindow, actions: WindowActions) -> None:
        bar = VerbBar(translate("Toolbars", "Main"), window)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addAction(actions.add_files)
        bar.addAction(actions.add_folder)
        bar.addSeparator()
        bar.addAction(actions.start)
        bar.addAction(actions.pause)
        bar.addAction(actions.cancel)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addAction(actions.history)
        bar.addAction(actions.settings)
        self.account_button = QToolButton()
        self.account_button.setDefaultAction(actions.account)
        self.account_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addWidget(self.account_button)
        window.addToolBar(bar)
        self.main = bar

        window.addToolBarBreak()
        run_bar = QToolBar(translate("Toolbars", "Workflow"), window)
        run_bar.setObjectName("workflowToolbar")
        run_bar.setMovable(False)
        self.workflow_picker = WorkflowPicker()
        run_bar.addWidget(self.workflow_picker)
        org = QWidget()
        org_layout = QHBoxLayout(org)
        org_layout.setContentsMargins(12, 0, 4, 0)
        org_label = QLabel(translate("Toolbars", "O&rganization"))
        self.org_combo = QComboBox()
        self.org_combo.setAccessibleName(translate("Toolbars", "Organization"))
        self.org_combo.setMinimumContentsLength(18)
        org_label.setBuddy(self.org_combo)
        org_layout.addWidget(org_label)
        org_layout.addWidget(self.org_combo)
        self.org_combo_action: QAction = run_bar.addWidget(org)
        window.addToolBar(run_bar)
        self.workflow = run_bar
