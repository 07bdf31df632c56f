"""The window's centre: an invitation to drop photos while the list is empty, else the list.

The list page is the filter row (show, search, retry failed, clear finished) over the job
table and the details pane. The view only shows: what its verbs do is up to the controllers
the window connects to its signals.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.jobs import Job, Review
from ui import icons
from ui.details import DetailsPane
from ui.empty_state import EmptyState
from ui.i18n import translate
from ui.job_model import COL_NAME, JobRole, JobTableModel
from ui.job_proxy import JobFilterProxy, StatusFilter
from ui.job_view import JobTableView
from ui.summary import Progress
from ui.window_actions import WindowActions

EMPTY_PAGE, LIST_PAGE = 0, 1


class JobsPage(QStackedWidget):
    def __init__(self, model: JobTableModel, proxy: JobFilterProxy, actions: WindowActions) -> None:
        super().__init__()
        self._model = model
        self._proxy = proxy
        self.view = JobTableView()
        self.view.setModel(proxy)
        # Insertion order until the user clicks a header: a fresh queue reads as dropped.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

        filters = QWidget()
        filter_row = QHBoxLayout(filters)
        filter_row.setContentsMargins(8, 6, 8, 2)
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName(translate("JobsPage", "Show"))
        for status in StatusFilter:
            self.status_filter.addItem(status.label(), status)
        self.status_filter.currentIndexChanged.connect(
            lambda _i: proxy.set_status_filter(self.status_filter.currentData())
        )
        show_label = QLabel(translate("JobsPage", "&Show"))
        show_label.setBuddy(self.status_filter)
        self.search = QLineEdit()
        find_keys = actions.find.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.search.setPlaceholderText(
            translate("JobsPage", "Filter by file name ({keys})").format(keys=find_keys)
        )
        self.search.setAccessibleName(translate("JobsPage", "Filter by file name"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(proxy.set_text_filter)
        self.retry_failed_button = QToolButton()
        self.retry_failed_button.setDefaultAction(actions.retry_failed)
        self.retry_failed_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.clear_done_button = QToolButton()
        self.clear_done_button.setDefaultAction(actions.clear_done)
        filter_row.addWidget(show_label)
        filter_row.addWidget(self.status_filter)
        filter_row.addWidget(self.search, 1)
        filter_row.addWidget(self.retry_failed_button)
        filter_row.addWidget(self.clear_done_button)

        self.details = DetailsPane()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("jobSplitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([900, 300])

        self.list_page = QWidget()
        list_layout = QVBoxLayout(self.list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(0)
        list_layout.addWidget(filters)
        list_layout.addWidget(self.splitter, 1)

        self.empty = EmptyState(actions.add_files, actions.add_folder)
        self.addWidget(self.empty)
        self.addWidget(self.list_page)
        model.rowsInserted.connect(self._show_the_right_page)
        model.rowsRemoved.connect(self._show_the_right_page)
        model.modelReset.connect(self._show_the_right_page)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        actions.find.triggered.connect(lambda _checked=False: self.search.setFocus())

    def focus_list(self) -> None:
        """The keyboard on the job list (Ctrl+1); on the empty page, on its first button."""
        if self.currentIndex() == LIST_PAGE:
            if not self.view.currentIndex().isValid() and self._proxy.rowCount():
                self.view.selectRow(0)  # somewhere to start from, as Enter needs a row
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        elif (first := self.empty.findChild(QToolButton)) is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def selected_jobs(self) -> list[Job]:
        rows = self.view.selectionModel().selectedRows(COL_NAME)
        return [job for job in (index.data(JobRole) for index in rows) if job is not None]

    def visible_jobs(self) -> list[Job]:
        """The rows the filters let through, in the order shown."""
        proxy = self._proxy
        jobs = (proxy.index(row, 0).data(JobRole) for row in range(proxy.rowCount()))
        return [job for job in jobs if job is not None]

    def refresh_details(self) -> None:
        self.details.show_jobs(self.selected_jobs())

    def show_counts(self, progress: Progress, verdicts: Counter[Review]) -> None:
        """Each filter choice says how many rows it shows, so "Failed (3)" is found at a
        glance."""
        counts = {
            StatusFilter.ALL: progress.total,
            StatusFilter.ACTIVE: progress.active,
            StatusFilter.DONE: progress.done,
            StatusFilter.PROBLEMS: progress.failed,
            StatusFilter.QUEUED: progress.queued + progress.cancelled,
            StatusFilter.ACCEPTED: verdicts[Review.ACCEPTED],
            StatusFilter.REJECTED: verdicts[Review.REJECTED],
        }
        for index in range(self.status_filter.count()):
            status = self.status_filter.itemData(index)
            n = counts.get(status, 0)
            label = status.label()
            self.status_filter.setItemText(index, f"{label} ({n})" if n else label)

    def _show_the_right_page(self) -> None:
        self.setCurrentIndex(LIST_PAGE if self._model.rowCount() else EMPTY_PAGE)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.refresh_details()
