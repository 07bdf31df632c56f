"""The grid of results: a list view in icon mode with the review keys.

Keyboard first, with Lightroom's keys: P (or A) accepts, Shift+P accepts and moves to the next
cell, X rejects, U clears the mark; Space held shows the original in place and its release the
result again; Enter opens the viewer.
Arrows, Home, End, Page Up and Page Down move as in any icon view. The view only says what was
asked for; the page and the controller decide what it does.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QWidget

from app.domain.jobs import Review
from ui.job_model import COL_NAME

MARK_KEYS: dict[Qt.Key, Review] = {
    Qt.Key.Key_P: Review.ACCEPTED,
    Qt.Key.Key_A: Review.ACCEPTED,
    Qt.Key.Key_X: Review.REJECTED,
    Qt.Key.Key_U: Review.NONE,
}
# Shift is allowed (Caps Lock users); with Ctrl or Alt the key is a shortcut of the window.
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


class ReviewGridView(QListView):
    markRequested = Signal(object)  # Review
    acceptAndNextRequested = Signal()  # Shift+P, Lightroom's: accept and move on
    activateRequested = Signal()  # Enter: the viewer at the current cell
    originalHeld = Signal(bool)  # Space went down (True) or up (False)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewGrid")
        self.setAccessibleName(self.tr("Results"))
        self.setViewMode(QListView.ViewMode.IconMode)
        # Cells of one size in a static flow: Qt lays out thousands without measuring any.
        self.setUniformItemSizes(True)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWrapping(True)
        self.setSpacing(0)
        self.setModelColumn(COL_NAME)  # the name: what assistive technology reads per cell
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setMouseTracking(True)  # hover highlight
        self._holding_original = False
        self._cell_size = QSize()

    def set_cell_size(self, size: QSize) -> None:
        """The cells' natural size; they are widened so that whole columns fill the view."""
        self._cell_size = QSize(size)
        self._fit_columns()
        self.verticalScrollBar().setSingleStep(max(1, size.height() // 4))
        current = self.currentIndex()
        if current.isValid():
            self.scrollTo(current)  # the cell being looked at stays in view as sizes change

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)  # the viewport's resizes come here too
        self._fit_columns()

    def _fit_columns(self) -> None:
        # As many columns as fit at the natural width, sharing the rest of the width: no empty
        # strip at the right at any width or size (less than a pixel a column of rounding).
        natural = self._cell_size
        if natural.isEmpty():
            return
        width = self._layout_width()
        columns = max(1, width // natural.width())
        grid = QSize(max(natural.width(), width // columns), natural.height())
        if grid != self.gridSize():
            self.setGridSize(grid)

    def _layout_width(self) -> int:
        """The width the list view wraps its rows in: the widest viewport less a scroll bar
        that may come (its layout reserves one, whether shown or not), less a frame drawn
        around the contents by styles that do. One pixel less again, as it wraps a row that
        would reach the edge."""
        style = self.style()
        bar = self.verticalScrollBar()
        reserved = 0
        if self.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded and not (
            style.pixelMetric(QStyle.PixelMetric.PM_ScrollView_ScrollBarOverlap, None, bar)
        ):
            reserved = style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, bar)
            if style.styleHint(QStyle.StyleHint.SH_ScrollView_FrameOnlyAroundContents, None, self):
                frame = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, self)
                reserved += 2 * frame
        return max(
            1, min(self.viewport().width(), self.maximumViewportSize().width() - reserved) - 1
        )

    def event(self, event: QEvent) -> bool:
        # Space is also the page's "Show the original" action (so the shortcuts sheet lists
        # it), but held it is a press and a release: the view takes it before the shortcut.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and not event.modifiers() & _COMMAND_MODIFIERS
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        plain = not (event.modifiers() & _COMMAND_MODIFIERS)
        shifted = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if plain and shifted and key == Qt.Key.Key_P:
            # Normally the page's Shift+P action takes it first; the same verb either way.
            if not event.isAutoRepeat():
                self.acceptAndNextRequested.emit()
            event.accept()
            return
        if plain and key in MARK_KEYS:
            if not event.isAutoRepeat():  # a held key marks once
                self.markRequested.emit(MARK_KEYS[key])
            event.accept()
            return
        if plain and key == Qt.Key.Key_Space:
            if not event.isAutoRepeat() and not self._holding_original:
                self._holding_original = True
                self.originalHeld.emit(True)
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activateRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._let_go_of_original()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # A release the view never hears (the focus went elsewhere) must not leave the
        # original showing.
        self._let_go_of_original()
        super().focusOutEvent(event)

    def _let_go_of_original(self) -> None:
        if self._holding_original:
            self._holding_original = False
            self.originalHeld.emit(False)
