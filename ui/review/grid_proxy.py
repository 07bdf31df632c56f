"""The grid's rows: the window's jobs that have a result, by review mark and file name.

A second view over the window's one job model (its rows, marks and states are the table's),
so a mark or a re-run shows in both at once and nothing is copied.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex

from app.domain.jobs import Job
from ui.job_model import COL_NAME, JobRole, JobTableModel
from ui.job_proxy import JobFilterProxy
from ui.review.filters import ReviewFilter, is_result, review_counts


class ReviewGridProxy(JobFilterProxy):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._review = ReviewFilter.ALL
        self._needle = ""

    def set_review_filter(self, review: ReviewFilter) -> None:
        if review is not self._review:
            self.beginFilterChange()
            self._review = review
            self.endFilterChange()

    def review_filter(self) -> ReviewFilter:
        return self._review

    def set_text_filter(self, text: str) -> None:
        self._needle = text.strip().casefold()  # the counts use it too
        super().set_text_filter(text)

    def counts(self) -> dict[ReviewFilter, int]:
        """Each filter choice's cells, live: counted from the model, not from these rows."""
        model = self.sourceModel()
        jobs = model.jobs() if isinstance(model, JobTableModel) else []
        return review_counts(jobs, self._needle)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not super().filterAcceptsRow(source_row, source_parent):
            return False
        model = self.sourceModel()
        job = model.data(model.index(source_row, 0, source_parent), JobRole)
        return job is not None and is_result(job) and self._review.accepts(job)

    # --- reading, by job --------------------------------------------------------------------
    def job_at(self, row: int) -> Job | None:
        job = self.index(row, COL_NAME).data(JobRole)
        return job if isinstance(job, Job) else None

    def jobs(self) -> list[Job]:
        """The cells in the order shown."""
        return [job for row in range(self.rowCount()) if (job := self.job_at(row)) is not None]

    def index_of(self, job_id: str) -> QModelIndex:
        """The job's cell, or an invalid index when it is not shown."""
        model = self.sourceModel()
        row = model.row_of(job_id) if isinstance(model, JobTableModel) else None
        if row is None:
            return QModelIndex()
        return self.mapFromSource(model.index(row, COL_NAME))
