"""The review page: the grid with its filters (live counts), its size slider and its verbs.

It shows the window's jobs through `ReviewGridProxy` and paints them with
`ReviewGridDelegate`; Space held is handled here (the cell repaints with its original). What
the verbs do (marks, the viewer, re-runs, delivery, opening a past batch) is the controller's:
the page says what was asked for with signals.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.jobs import Job, Review
from ui import icons
from ui.job_model import JobTableModel
from ui.review.filters import ReviewFilter
from ui.review.grid_delegate import ReviewGridDelegate
from ui.review.grid_proxy import ReviewGridProxy
from ui.review.grid_thumbnails import DECODE_SIZE, GridThumbnails
from ui.review.grid_view import ReviewGridView

SMALLEST_CELL, DEFAULT_CELL = 96, 176
COUNTS_MS = 250  # the counts walk every job: redone at most four times a second
GRID_PAGE, EMPTY_PAGE = 0, 1


class ReviewPage(QWidget):
    markRequested = Signal(object)  # Review, for the selected cells
    acceptAndNextRequested = Signal()  # accept the current cell and move on, whatever the option
    activateRequested = Signal()  # the viewer at the current cell
    rerunRequested = Signal()
    deliverRequested = Signal()
    openBatchRequested = Signal()
    feedbackToggled = Signal(bool)

    def __init__(self, model: JobTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPage")
        self._model = model
        self.proxy = ReviewGridProxy(self)
        self.proxy.setSourceModel(model)
        self.thumbnails = GridThumbnails(self)
        placeholder = icons.icon("photo")
        self.delegate = ReviewGridDelegate(self.thumbnails, placeholder, self)
        self.grid = ReviewGridView()
        self.grid.setItemDelegate(self.delegate)
        self.grid.setModel(self.proxy)
        self.thumbnails.ready.connect(self._thumbnails_ready)

        filters = self._build_filter_row()
        marks = self._build_action_row()
        self.empty = QLabel()
        self.empty.setObjectName("reviewEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)  # drawn muted, like a placeholder
        self.stack = QStackedWidget()
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(filters)
        layout.addWidget(self.stack, 1)
        layout.addWidget(marks)
        self.setTabOrder(self.filter_buttons[ReviewFilter.ALL], self.size_slider)
        self.setTabOrder(self.size_slider, self.grid)
        # From the grid along the row below it as shown, left to right.
        row = [*self._mark_buttons, self.options_button, self.open_batch_button, self.rerun_button]
        for before, after in itertools.pairwise([self.grid, *row, self.deliver_button]):
            self.setTabOrder(before, after)

        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(COUNTS_MS)
        self._counts_timer.timeout.connect(self.refresh_counts)
        self.grid.originalHeld.connect(self.show_original_action.setChecked)
        self.grid.markRequested.connect(self.markRequested)
        self.grid.acceptAndNextRequested.connect(self.acceptAndNextRequested)
        self.grid.activateRequested.connect(self.activateRequested)
        self.grid.doubleClicked.connect(lambda _index: self.activateRequested.emit())
        # From the model, not the proxy: a mark that keeps its cell (or leaves a filter that
        # hides it) changes the counts all the same.
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self.schedule_counts)
        model.dataChanged.connect(lambda *_args: self.schedule_counts())
        # The empty-state follows the cells shown.
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset):
            signal.connect(self._show_grid_or_empty)
        self.set_cell_side(DEFAULT_CELL)
        self.refresh_counts()

    # --- building ---------------------------------------------------------------------------
    def _build_filter_row(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(8, 6, 8, 4)
        show = QLabel(self.tr("Show:"))
        layout.addWidget(show)
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        self.filter_buttons: dict[ReviewFilter, QToolButton] = {}
        for choice in ReviewFilter:
            button = QToolButton()
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAccessibleName(self._filter_name(choice))
            self.filter_group.addButton(button)
            self.filter_buttons[choice] = button
            layout.addWidget(button)
        self.filter_buttons[ReviewFilter.ALL].setChecked(True)
        self.filter_group.buttonToggled.connect(self._filter_toggled)
        layout.addStretch(1)
        size_label = QLabel(self.tr("Thumbnail &size"))
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setAccessibleName(self.tr("Thumbnail size"))
        self.size_slider.setRange(SMALLEST_CELL, DECODE_SIZE)
        self.size_slider.setSingleStep(8)
        self.size_slider.setPageStep(32)
        self.size_slider.setFixedWidth(120)
        self.size_slider.setValue(DEFAULT_CELL)
        self.size_slider.valueChanged.connect(self.set_cell_side)
        size_label.setBuddy(self.size_slider)
        layout.addWidget(size_label)
        layout.addWidget(self.size_slider)
        return row

    def _build_action_row(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(8, 4, 8, 6)
        self.accept_action = self._action(self.tr("Accept"), ["P", "A"], Review.ACCEPTED)
        self.reject_action = self._action(self.tr("Reject"), ["X"], Review.REJECTED)
        self.clear_action = self._action(self.tr("Clear mark"), ["U"], Review.NONE)
        self.accept_next_action = self._verb(self.tr("Accept and next"), ["Shift+P"])
        self.accept_next_action.setToolTip(
            self.tr("Accept the current image and go to the next one ({key})").format(
                key=QKeySequence("Shift+P").toString(QKeySequence.SequenceFormat.NativeText)
            )
        )
        self.accept_next_action.setAutoRepeat(False)
        self.accept_next_action.triggered.connect(
            lambda _checked=False: self.acceptAndNextRequested.emit()
        )
        # Space held: the view sees the press and the release (it takes the key before the
        # shortcut) and checks this action while held; the action is what the shortcuts sheet
        # lists, and checking it another way shows the original until it is unchecked.
        self.show_original_action = QAction(self.tr("Show the original while held"), self)
        self.show_original_action.setProperty("declaredText", self.show_original_action.text())
        self.show_original_action.setCheckable(True)
        self.show_original_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.show_original_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.show_original_action.toggled.connect(self._hold_original)
        self.grid.addAction(self.show_original_action)
        mark_buttons = []
        for action in (self.accept_action, self.reject_action, self.clear_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setAccessibleName(action.text())
            layout.addWidget(button)
            mark_buttons.append(button)
        # The two review options in a menu: as check boxes they made the page (and so the
        # window) too wide to be made narrow.
        self.advance = QAction(self.tr("&Next image after marking"), self)
        self.advance.setCheckable(True)
        self.advance.setChecked(True)
        self.feedback = QAction(self.tr("Tell the service about rejections"), self)
        self.feedback.setCheckable(True)
        self.feedback.setToolTip(
            self.tr("A rejected result also sends the service a thumbs down on its execution")
        )
        self.feedback.toggled.connect(self.feedbackToggled)
        options = QMenu(self)
        options.setToolTipsVisible(True)
        options.addAction(self.advance)
        options.addAction(self.feedback)
        self.options_button = QToolButton()
        self.options_button.setText(self.tr("Options"))
        self.options_button.setAccessibleName(self.tr("Review options"))
        # Also its accessible description: the name does not say what is in the menu.
        self.options_button.setToolTip(
            self.tr("Moving on after marking, and telling the service about rejections")
        )
        self.options_button.setMenu(options)
        self.options_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        layout.addSpacing(8)
        layout.addWidget(self.options_button)
        layout.addStretch(1)
        self.open_viewer_action = self._verb(self.tr("Open in viewer"), ["Return", "Enter"])
        self.open_viewer_action.triggered.connect(lambda _c=False: self.activateRequested.emit())
        self.open_batch_action = self._verb(self.tr("Open batch…"), ["Ctrl+B"], "history")
        self.open_batch_action.triggered.connect(lambda _c=False: self.openBatchRequested.emit())
        self.rerun_action = self._verb(self.tr("Re-run rejected…"), ["Ctrl+R"], "retry")
        self.rerun_action.triggered.connect(lambda _c=False: self.rerunRequested.emit())
        self.deliver_action = self._verb(self.tr("Deliver…"), ["Ctrl+Shift+E"], "add-folder")
        self.deliver_action.triggered.connect(lambda _c=False: self.deliverRequested.emit())
        self.open_batch_button = self._button(
            self.open_batch_action, self.tr("Show a finished batch of this computer here")
        )
        self.rerun_button = self._button(
            self.rerun_action,
            self.tr("Send the rejected results again, with another workflow or version"),
        )
        self.deliver_button = self._button(
            self.deliver_action,
            self.tr("Copy the accepted results to a delivery folder, with a manifest"),
        )
        for button in (self.open_batch_button, self.rerun_button, self.deliver_button):
            layout.addWidget(button)
        self._mark_buttons = mark_buttons
        return row

    def _action(self, text: str, keys: list[str], review: Review) -> QAction:
        action = self._verb(text, keys)
        shown = QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(
            self.tr("{verb} the selected images ({key})").format(verb=text, key=shown)
        )
        action.setAutoRepeat(False)  # a held key marks once
        action.triggered.connect(lambda _checked=False: self.markRequested.emit(review))
        return action

    def _verb(self, text: str, keys: list[str], icon_name: str = "") -> QAction:
        """One of the page's verbs: its keys work wherever the focus is on this page (and
        only while it shows), and the shortcuts sheet lists it among the window's actions."""
        action = QAction(text, self)
        action.setProperty("declaredText", text)
        if icon_name:
            action.setIcon(icons.icon(icon_name))
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        return action

    def _button(self, action: QAction, tip: str) -> QToolButton:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAccessibleName(action.text().rstrip("…"))
        return button

    # --- filters and counts -----------------------------------------------------------------
    def _filter_name(self, choice: ReviewFilter) -> str:
        return {
            ReviewFilter.ALL: self.tr("All"),
            ReviewFilter.UNREVIEWED: self.tr("Unreviewed"),
            ReviewFilter.ACCEPTED: self.tr("Accepted"),
            ReviewFilter.REJECTED: self.tr("Rejected"),
        }[choice]

    def set_filter(self, choice: ReviewFilter) -> None:
        self.filter_buttons[choice].setChecked(True)

    def _filter_toggled(self, button: QAbstractButton, checked: bool) -> None:
        if not checked:
            return
        choice = next(c for c, b in self.filter_buttons.items() if b is button)
        self.proxy.set_review_filter(choice)
        self._show_grid_or_empty()
        if not self.grid.currentIndex().isValid() and self.proxy.rowCount():
            self.select_row(0)

    def schedule_counts(self) -> None:
        if not self._counts_timer.isActive():
            self._counts_timer.start()

    def refresh_counts(self) -> None:
        counts = self.proxy.counts()
        for choice, button in self.filter_buttons.items():
            text = self.tr("{name} ({n})").format(name=self._filter_name(choice), n=counts[choice])
            button.setText(text)
        self._show_grid_or_empty()

    def _show_grid_or_empty(self) -> None:
        if self.proxy.rowCount():
            if self.stack.currentIndex() != GRID_PAGE:
                self._grid_appears()
            return
        choice = self.proxy.review_filter()
        if choice is ReviewFilter.ALL:
            text = self.tr(
                "No results to review yet.\nFinished images appear here as they arrive;"
                " Open batch… shows an earlier batch."
            )
        elif choice is ReviewFilter.UNREVIEWED:
            text = self.tr("Every result has a mark.")
        elif choice is ReviewFilter.ACCEPTED:
            text = self.tr("No accepted results. Accept with P or A.")
        else:
            text = self.tr("No rejected results. Reject with X.")
        self.empty.setText(text)
        self.stack.setCurrentIndex(EMPTY_PAGE)

    def _grid_appears(self) -> None:
        # The first results came (a batch opened, a result arrived): the keyboard that was on
        # this page goes to them, so the next key marks.
        focus = QApplication.focusWidget()
        had_focus = focus is not None and self.isAncestorOf(focus)
        self.stack.setCurrentIndex(GRID_PAGE)
        if not self.grid.currentIndex().isValid():
            self.select_row(0)
        if had_focus:
            self.grid.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- size -------------------------------------------------------------------------------
    def set_cell_side(self, side: int) -> None:
        self.delegate.set_image_side(side)
        self.thumbnails.set_side(side)
        self.grid.set_cell_size(self.delegate.cell_size(self.grid.font()))
        if self.size_slider.value() != side:
            self.size_slider.setValue(side)

    # --- cells ------------------------------------------------------------------------------
    def focus_cells(self) -> None:
        """The keyboard on the grid; on Open batch… while there is nothing to review (the
        page's keys work wherever the focus is on it, and a hidden grid cannot have it)."""
        if self.stack.currentIndex() == GRID_PAGE:
            self.grid.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.open_batch_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_job(self) -> Job | None:
        index = self.grid.currentIndex()
        return self.proxy.job_at(index.row()) if index.isValid() else None

    def selected_jobs(self) -> list[Job]:
        """The selected cells in the order shown; the current one when none is selected."""
        rows = sorted(index.row() for index in self.grid.selectionModel().selectedIndexes())
        jobs = [job for row in rows if (job := self.proxy.job_at(row)) is not None]
        if not jobs and (current := self.current_job()) is not None:
            jobs = [current]
        return jobs

    def select_row(self, row: int) -> None:
        index = self.proxy.index(row, self.grid.modelColumn())
        if index.isValid():
            self._make_current(index)

    def select_job(self, job_id: str) -> bool:
        index = self.proxy.index_of(job_id)
        if not index.isValid():
            return False
        self._make_current(index)
        return True

    def _make_current(self, index: QModelIndex) -> None:
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.grid.selectionModel().setCurrentIndex(index, flags)
        self.grid.scrollTo(index)

    def advance_from(self, job_id: str) -> None:
        """The cell after `job_id`'s becomes the current one (if there is one)."""
        index = self.proxy.index_of(job_id)
        if index.isValid() and index.row() + 1 < self.proxy.rowCount():
            self.select_row(index.row() + 1)

    # --- Space: the original in place -------------------------------------------------------
    def _hold_original(self, held: bool) -> None:
        job = self.current_job()
        shown = self.delegate.original_shown_for
        self.delegate.original_shown_for = job.id if held and job is not None else ""
        for job_id in {shown, self.delegate.original_shown_for} - {""}:
            self._repaint_job(job_id)

    def _thumbnails_ready(self, job_ids: list[str]) -> None:
        for job_id in job_ids:
            self._repaint_job(job_id)

    def _repaint_job(self, job_id: str) -> None:
        # The cell alone: a model signal would make both proxies filter and sort the row.
        index = self.proxy.index_of(job_id)
        if index.isValid():
            self.grid.update(index)

    def shutdown(self) -> None:
        self._counts_timer.stop()
        self.thumbnails.shutdown()
