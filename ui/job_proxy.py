"""Sorting by native values and filtering by status group and file name."""

from __future__ import annotations

import enum

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.domain.jobs import Job, JobState, Review
from ui.i18n import translate
from ui.job_model import JobRole, SortRole


class StatusFilter(enum.Enum):
    ALL = "All"
    ACTIVE = "In progress"
    DONE = "Done"
    PROBLEMS = "Failed"
    QUEUED = "Queued"
    # The retoucher's own verdicts from the viewer, so a review pass can be picked up again.
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"

    def label(self) -> str:
        """The filter's name in the window's language ("Failed" / "Fehlgeschlagen")."""
        labels = {
            StatusFilter.ALL: translate("StatusFilter", "All"),
            StatusFilter.ACTIVE: translate("StatusFilter", "In progress"),
            StatusFilter.DONE: translate("StatusFilter", "Done"),
            StatusFilter.PROBLEMS: translate("StatusFilter", "Failed"),
            StatusFilter.QUEUED: translate("StatusFilter", "Queued"),
            StatusFilter.ACCEPTED: translate("StatusFilter", "Accepted"),
            StatusFilter.REJECTED: translate("StatusFilter", "Rejected"),
        }
        return labels[self]

    def accepts(self, job: Job) -> bool:
        state = job.state
        if self is StatusFilter.ALL:
            return True
        if self is StatusFilter.ACTIVE:
            return state.is_active
        if self is StatusFilter.DONE:
            return state in (JobState.DONE, JobState.SKIPPED)
        if self is StatusFilter.PROBLEMS:
            return state in (JobState.FAILED, JobState.PAYMENT_REQUIRED, JobState.REJECTED)
        if self is StatusFilter.ACCEPTED:
            return job.review is Review.ACCEPTED
        if self is StatusFilter.REJECTED:
            return job.review is Review.REJECTED
        return state in (JobState.QUEUED, JobState.CANCELLED)


class JobFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # Rows change state all the time: re-filter and re-sort live so a "Failed" filter
        # picks up a job the moment it fails.
        self.setDynamicSortFilter(True)
        self._status = StatusFilter.ALL
        self._text = ""

    def set_status_filter(self, status: StatusFilter) -> None:
        if status is not self._status:
            self.beginFilterChange()
            self._status = status
            self.endFilterChange()

    def status_filter(self) -> StatusFilter:
        return self._status

    def set_text_filter(self, text: str) -> None:
        text = text.strip().casefold()
        if text != self._text:
            self.beginFilterChange()
            self._text = text
            self.endFilterChange()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        job = model.data(model.index(source_row, 0, source_parent), JobRole)
        if job is None:
            return False
        if not self._status.accepts(job):
            return False
        return not self._text or self._text in job.name.casefold()
