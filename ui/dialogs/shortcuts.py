"""The shortcuts sheet (? or F1): every key of the window, read from its real actions.

The window's keys are read from the QActions alive when the sheet opens (so a page added later,
like the review grid, is listed with its own actions); keys handled by a key handler rather
than an action come from the list kept beside that handler: the job list's
(`ui.job_view_keys`), and the viewer's (`ui.viewer.keys`), which the opener passes in: the
viewer opens this sheet too, so the sheet cannot import it.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import translate
from ui.job_view_keys import sheet_rows as job_list_keys


def plain_text(action: QAction) -> str:
    """The action's text without its '&' accelerator marks or a trailing ellipsis."""
    declared = action.property("declaredText")
    text = declared if isinstance(declared, str) and declared else action.text()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")


def action_keys(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys in the platform's own words, what they do) of each action that has a shortcut."""
    rows: dict[str, str] = {}
    for action in actions:
        shortcuts = [s for s in action.shortcuts() if not s.isEmpty()]
        if not shortcuts or not action.text():
            continue
        keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
        rows.setdefault(keys, plain_text(action))
    return sorted(rows.items(), key=lambda row: row[1].casefold())


class ShortcutsSheet(QDialog):
    def __init__(
        self,
        window: QWidget,
        viewer_keys: Iterable[tuple[str, str]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent or window)
        self.setObjectName("shortcutsSheet")
        self.setWindowTitle(translate("ShortcutsSheet", "Keyboard shortcuts"))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(translate("ShortcutsSheet", "Search keys…"))
        self.filter.setAccessibleName(translate("ShortcutsSheet", "Search the shortcuts"))
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(translate("ShortcutsSheet", "Keyboard shortcuts"))
        self.tree.setHeaderLabels(
            [translate("ShortcutsSheet", "Keys"), translate("ShortcutsSheet", "What they do")]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(0, 200)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            button.setAccessibleName(translate("ShortcutsSheet", "Close the shortcuts"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(620, 640)
        self._groups: list[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]] = []
        self._fill(window, list(viewer_keys))
        self.filter.textChanged.connect(self._apply_filter)

    def _fill(self, window: QWidget, viewer_keys: list[tuple[str, str]]) -> None:
        groups = [
            (translate("ShortcutsSheet", "Window"), action_keys(window.findChildren(QAction))),
            (translate("ShortcutsSheet", "Job list"), job_list_keys()),
            (translate("ShortcutsSheet", "Before/after viewer"), viewer_keys),
        ]
        for title, rows in groups:
            if not rows:
                continue
            group = QTreeWidgetItem(self.tree, [title])
            group.setFirstColumnSpanned(True)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            items = [QTreeWidgetItem(group, [keys, what]) for keys, what in rows]
            self._groups.append((group, items))
            group.setExpanded(True)
        self.tree.setItemsExpandable(False)

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, keys, what) of every row shown (tests, and the filter's count)."""
        return [
            (group.text(0), row.text(0), row.text(1))
            for group, items in self._groups
            for row in items
            if not row.isHidden()
        ]

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for group, items in self._groups:
            visible = 0
            for row in items:
                hit = not needle or needle in f"{row.text(0)} {row.text(1)}".casefold()
                row.setHidden(not hit)
                visible += hit
            group.setHidden(visible == 0)
