"""The job table view and its delegates.

Rows have one fixed height and columns fixed or interactive widths, so Qt never measures
content to lay out 10,000 rows. The progress column is painted by the style (a native progress
bar), not by a widget per row.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QIcon,
    QImage,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.domain.jobs import JobState
from ui.i18n import translate
from ui.job_model import (
    COL_CREDITS,
    COL_DURATION,
    COL_NAME,
    COL_OUTPUT,
    COL_PROGRESS,
    COL_STATUS,
    COL_THUMB,
    JobRole,
    ProgressRole,
)
from ui.job_view_keys import ListVerb, verb_for
from ui.thumbnails import THUMB_SIZE

ROW_HEIGHT = THUMB_SIZE + 8
KEYPAD = Qt.KeyboardModifier.KeypadModifier  # Enter on the number pad is still Enter


class ProgressDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        job = index.data(JobRole)
        # Draw the selection/background first, like any other cell.
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        # A bar only where there is progress to show: not for waiting or failed jobs.
        if (
            job is None
            or job.state is JobState.QUEUED
            or (job.state.is_final and job.state not in (JobState.DONE, JobState.SKIPPED))
        ):
            return
        fraction = float(index.data(ProgressRole) or 0.0)
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect.adjusted(6, 0, -6, 0))
        bar.rect.setTop(option.rect.center().y() - 7)
        bar.rect.setHeight(14)
        bar.minimum = 0
        bar.maximum = 1000
        bar.progress = int(fraction * 1000)
        bar.textVisible = False
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.palette = option.palette
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)


class ThumbnailDelegate(QStyledItemDelegate):
    """Centres the thumbnail in its cell at its own size (the view's icon size would crop it)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        self.initStyleOption(option, index)
        decoration = index.data(Qt.ItemDataRole.DecorationRole)
        option.icon = QIcon()  # draw the background only; the image comes next
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        if decoration is None:
            return
        if isinstance(decoration, QImage):
            target = QRect(0, 0, decoration.width(), decoration.height())
            target.moveCenter(option.rect.center())
            painter.drawImage(target, decoration)
        elif isinstance(decoration, QIcon):
            size = THUMB_SIZE - 16
            target = QRect(0, 0, size, size)
            target.moveCenter(option.rect.center())
            decoration.paint(painter, target, Qt.AlignmentFlag.AlignCenter, QIcon.Mode.Disabled)


class JobTableView(QTableView):
    """Table with the window's keyboard verbs: Enter opens the viewer, Delete removes."""

    activateRequested = Signal()
    removeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves the list for the next control (arrows move between rows): with Tab
        # stepping through every cell of every row, a keyboard user could not get past it.
        self.setTabKeyNavigation(False)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        self.setItemDelegateForColumn(COL_PROGRESS, ProgressDelegate(self))
        self.setItemDelegateForColumn(COL_THUMB, ThumbnailDelegate(self))
        self.setAccessibleName(translate("JobTableView", "Jobs"))

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_THUMB, QHeaderView.ResizeMode.Fixed)
        widths = {
            COL_THUMB: THUMB_SIZE + 12,
            COL_NAME: 260,
            COL_STATUS: 150,
            COL_PROGRESS: 140,
            COL_CREDITS: 70,
            COL_DURATION: 90,
            COL_OUTPUT: 200,
        }
        for column, width in widths.items():
            header.resizeSection(column, width)

    # --- the focus, always visible ---------------------------------------------------------
    # The style draws the current cell's focus frame in the selection's own colour, so on a
    # selected row (the usual case) nothing showed that the list had the keyboard. A frame
    # round the whole current row, in the colour of the text drawn on it, shows it.
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        current = self.currentIndex()
        if not self.hasFocus() or not current.isValid():
            return
        row = current.row()
        rect = QRect(0, self.rowViewportPosition(row), self.viewport().width(), self.rowHeight(row))
        selected = self.selectionModel().isRowSelected(row, current.parent())
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
        painter = QPainter(self.viewport())
        pen = QPen(self.palette().color(QPalette.ColorGroup.Active, role), 2)
        pen.setStyle(Qt.PenStyle.DotLine if selected else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.end()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.viewport().update()

    def currentChanged(
        self,
        current: QModelIndex | QPersistentModelIndex,
        previous: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().currentChanged(current, previous)
        self.viewport().update()  # the frame spans the row, not only the cells Qt repaints

    def keyPressEvent(self, event: QKeyEvent) -> None:
        verb = verb_for(event.key()) if not event.modifiers() & ~KEYPAD else None
        if verb is ListVerb.OPEN:
            # The row with the keyboard focus counts as chosen when none is selected (a
            # keyboard user sees the focused row, not the selection model).
            if not self.selectionModel().hasSelection() and self.currentIndex().isValid():
                self.selectRow(self.currentIndex().row())
            if self.selectionModel().hasSelection():
                self.activateRequested.emit()
                return
        if verb is ListVerb.REMOVE and self.selectionModel().hasSelection():
            self.removeRequested.emit()
            return
        super().keyPressEvent(event)
