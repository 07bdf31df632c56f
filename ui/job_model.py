"""The job table: one row per job, keyed by the job's stable id.

The model holds plain `Job` snapshots (what the engine's events carry) and never talks to the
engine. The bridge feeds it whole ticks of coalesced events through `apply`, so a thousand jobs
changing at once cost one pass, contiguous inserts, and `dataChanged` only for the rows and
columns that really changed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPalette

from app.domain.jobs import Job, JobState
from ui.i18n import translate
from ui.locale_format import duration, money, percent
from ui.wording import review_text, state_text

ModelIndex = QModelIndex | QPersistentModelIndex

# Column constants: the view, the proxy and the tests refer to columns by these names only.
COL_THUMB = 0
COL_NAME = 1
COL_STATUS = 2
COL_PROGRESS = 3
COL_CREDITS = 4
COL_DURATION = 5
COL_OUTPUT = 6
COLUMN_COUNT = 7


def header_text(column: int) -> str:
    headers = {
        COL_THUMB: translate("JobTableModel", "Preview"),
        COL_NAME: translate("JobTableModel", "File"),
        COL_STATUS: translate("JobTableModel", "Status"),
        COL_PROGRESS: translate("JobTableModel", "Progress"),
        COL_CREDITS: translate("JobTableModel", "Cost"),
        COL_DURATION: translate("JobTableModel", "Duration"),
        COL_OUTPUT: translate("JobTableModel", "Output"),
    }
    return headers.get(column, "")


# Custom roles. SortRole gives native values (numbers sort as numbers, states in pipeline order);
# JobRole hands the whole snapshot to delegates, the details pane and the context menu.
SortRole = Qt.ItemDataRole.UserRole + 1
JobRole = Qt.ItemDataRole.UserRole + 2
StateRole = Qt.ItemDataRole.UserRole + 3
ProgressRole = Qt.ItemDataRole.UserRole + 4

# Pipeline order, so that sorting by status groups jobs the way a retoucher reads a batch:
# problems first, then work in flight, then finished.
STATE_ORDER: dict[JobState, int] = {
    state: i
    for i, state in enumerate(
        [
            JobState.FAILED,
            JobState.PAYMENT_REQUIRED,
            JobState.REJECTED,
            JobState.IN_QA,
            JobState.DOWNLOADING,
            JobState.PROCESSING,
            JobState.CREATING,
            JobState.UPLOADING,
            JobState.HASHING,
            JobState.QUEUED,
            JobState.CANCELLED,
            JobState.SKIPPED,
            JobState.DONE,
        ]
    )
}

# Which stage carries a measurable progress fraction, and how far along the whole pipeline each
# stage is: the progress column shows the overall position so a bar never jumps backwards.
STAGE_SPAN: dict[JobState, tuple[float, float]] = {
    JobState.QUEUED: (0.0, 0.0),
    JobState.HASHING: (0.0, 0.05),
    JobState.UPLOADING: (0.05, 0.35),
    JobState.CREATING: (0.35, 0.4),
    JobState.PROCESSING: (0.4, 0.8),
    JobState.IN_QA: (0.8, 0.8),
    JobState.DOWNLOADING: (0.8, 1.0),
}

STATE_COLORS: dict[JobState, str] = {
    JobState.DONE: "#2e9d4f",
    JobState.SKIPPED: "#7a8a99",
    JobState.FAILED: "#d64541",
    JobState.REJECTED: "#d64541",
    JobState.PAYMENT_REQUIRED: "#d98a14",
    JobState.CANCELLED: "#7a8a99",
    JobState.IN_QA: "#8e5bd6",
}
ACTIVE_COLOR = "#2f7fd8"


def state_color(state: JobState, palette: QPalette | None = None) -> QColor:
    if state in STATE_COLORS:
        return QColor(STATE_COLORS[state])
    if state.is_active:
        return QColor(ACTIVE_COLOR)
    if palette is not None:
        return palette.color(QPalette.ColorRole.PlaceholderText)
    return QColor("#7a8a99")


def overall_progress(job: Job) -> float:
    """0..1 along the whole pipeline; 1 for any finished job that produced a result."""
    if job.state in (JobState.DONE, JobState.SKIPPED):
        return 1.0
    if job.state.is_final:
        return 0.0
    start, end = STAGE_SPAN.get(job.state, (0.0, 0.0))
    fraction = min(max(job.progress, 0.0), 1.0)
    return start + (end - start) * fraction


def running_seconds(job: Job, now: float | None = None) -> float:
    if job.duration:
        return job.duration
    if job.started_at and not job.state.is_final:
        return max(0.0, (now or time.time()) - job.started_at)
    return 0.0


def status_text(job: Job) -> str:
    label = state_text(job.state)
    if job.state is JobState.PROCESSING and job.remote_status == "CREATED":
        return translate("JobTableModel", "Queued on server")
    if job.state is JobState.UPLOADING and job.deduped:
        return translate("JobTableModel", "Already uploaded")
    # The verdict beside the state, so a reviewed batch reads at a glance.
    verdict = review_text(job.review).lower()
    if not verdict:
        return label
    return translate("JobTableModel", "{state} · {verdict}").format(state=label, verdict=verdict)


# A thumbnail source answers "image for this job, or None while it loads"; the model stays free
# of threads and caches, and tests can run it without one.
ThumbnailSource = Callable[[Job], QImage | None]


class JobTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []
        self._rows: dict[str, int] = {}  # job id -> row, rebuilt after removals
        self._thumbnails: ThumbnailSource | None = None
        self._status_icons: dict[JobState, QIcon] = {}
        self._placeholder: QIcon | QImage | None = None

    # --- configuration ------------------------------------------------------------------------
    def set_thumbnail_source(self, source: ThumbnailSource | None) -> None:
        self._thumbnails = source

    def set_status_icons(self, icons: dict[JobState, QIcon]) -> None:
        self._status_icons = dict(icons)

    def set_placeholder(self, placeholder: QIcon | QImage | None) -> None:
        self._placeholder = placeholder

    def status_icons(self) -> dict[JobState, QIcon]:
        return dict(self._status_icons)

    def placeholder(self) -> QIcon | QImage | None:
        return self._placeholder

    # --- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            # The thumbnail column has a picture for a heading, no word.
            return "" if section == COL_THUMB else header_text(section)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return header_text(section)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job = self._jobs[index.row()]
        column = index.column()
        if role == JobRole:
            return job
        if role == StateRole:
            return job.state.value
        if role == ProgressRole:
            return overall_progress(job)
        if role == SortRole:
            return self._sort_value(job, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(job, column)
        if role == Qt.ItemDataRole.DecorationRole:
            if column == COL_THUMB:
                image = self._thumbnails(job) if self._thumbnails else None
                return image if image is not None else self._placeholder
            if column == COL_STATUS:
                return self._status_icons.get(job.state)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(job, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            return state_color(job.state)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_CREDITS, COL_DURATION):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == COL_THUMB:
            # A picture has no words: it is read as its file's name. (Qt's accessibility reads
            # a list view's cells, the review grid's, from column 0 whatever its model column.)
            return job.name
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and column in (COL_THUMB, COL_NAME):
            return status_text(job)  # where it is, and its mark
        return None

    def _display(self, job: Job, column: int) -> str | None:
        if column == COL_NAME:
            return job.name
        if column == COL_STATUS:
            return status_text(job)
        if column == COL_PROGRESS:
            return percent(overall_progress(job))
        if column == COL_CREDITS:
            # Credits are euro cents; people think in euros.
            return money(job.credits) if job.credits else ""
        if column == COL_DURATION:
            return duration(running_seconds(job))
        if column == COL_OUTPUT:
            return job.output_path
        return None

    def _sort_value(self, job: Job, column: int) -> str | float | None:
        if column == COL_NAME:
            return job.name.casefold()
        if column == COL_STATUS:
            return STATE_ORDER.get(job.state, 99)
        if column == COL_PROGRESS:
            return overall_progress(job)
        if column == COL_CREDITS:
            return job.credits
        if column == COL_DURATION:
            return running_seconds(job)
        if column == COL_OUTPUT:
            return job.output_path.casefold()
        return job.created_at

    def _tooltip(self, job: Job, column: int) -> str | None:
        if job.error and column in (COL_STATUS, COL_NAME, COL_PROGRESS):
            return translate("JobTableModel", "{status}: {reason}").format(
                status=status_text(job), reason=job.error
            )
        if column == COL_NAME:
            return job.input_path
        if column == COL_OUTPUT and job.output_path:
            return job.output_path
        if column == COL_STATUS and job.remote_status:
            return translate("JobTableModel", "{status} (server: {server_status})").format(
                status=status_text(job), server_status=job.remote_status
            )
        return None

    # --- reading ------------------------------------------------------------------------------
    def job_at(self, row: int) -> Job | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def job(self, job_id: str) -> Job | None:
        row = self._rows.get(job_id)
        return None if row is None else self._jobs[row]

    def row_of(self, job_id: str) -> int | None:
        return self._rows.get(job_id)

    def jobs(self) -> list[Job]:
        return list(self._jobs)

    # --- writing (the bridge calls these once per tick) ---------------------------------------
    def apply(
        self,
        added: Sequence[Job] = (),
        changed: Iterable[Job] = (),
        removed: Iterable[str] = (),
    ) -> None:
        """Apply one tick: inserts appended in one block, then targeted changes, then removals."""
        fresh = [job for job in added if job.id not in self._rows]
        known_added = [job for job in added if job.id in self._rows]
        if fresh:
            first = len(self._jobs)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for offset, job in enumerate(fresh):
                self._rows[job.id] = first + offset
                self._jobs.append(job)
            self.endInsertRows()
        self._replace([*known_added, *changed])
        self._remove([job_id for job_id in removed if job_id in self._rows])

    def reset(self, jobs: Sequence[Job]) -> None:
        self.beginResetModel()
        self._jobs = list(jobs)
        self._rows = {job.id: row for row, job in enumerate(self._jobs)}
        self.endResetModel()

    def refresh_rows(self, rows: Iterable[int], first_column: int, last_column: int) -> None:
        """Repaint given cells (a thumbnail arrived, the running durations ticked)."""
        for start, end in _ranges(sorted(set(rows))):
            self.dataChanged.emit(self.index(start, first_column), self.index(end, last_column))

    def refresh_job(self, job_id: str, column: int) -> None:
        row = self._rows.get(job_id)
        if row is not None:
            index = self.index(row, column)
            self.dataChanged.emit(index, index)

    def _replace(self, jobs: Iterable[Job]) -> None:
        rows: list[int] = []
        for job in jobs:
            row = self._rows.get(job.id)
            if row is None:
                continue
            self._jobs[row] = job
            rows.append(row)
        # Contiguous runs share one signal: a batch advancing together repaints as one block.
        self.refresh_rows(rows, COL_NAME, COLUMN_COUNT - 1)

    def _remove(self, job_ids: list[str]) -> None:
        if not job_ids:
            return
        rows = sorted({self._rows[job_id] for job_id in job_ids}, reverse=True)
        # Removing bottom-up keeps the remaining row numbers valid; runs go in one call each.
        for start, end in reversed(list(_ranges(sorted(rows)))):
            self.beginRemoveRows(QModelIndex(), start, end)
            del self._jobs[start : end + 1]
            self.endRemoveRows()
        self._rows = {job.id: row for row, job in enumerate(self._jobs)}


def _ranges(rows: list[int]) -> Iterable[tuple[int, int]]:
    """Sorted row numbers -> (first, last) runs of consecutive rows."""
    start = prev = None
    for row in rows:
        if start is None:
            start = prev = row
        elif row == prev + 1:  # type: ignore[operator]
            prev = row
        else:
            yield start, prev  # type: ignore[misc]
            start = prev = row
    if start is not None:
        yield start, prev  # type: ignore[misc]


def short_path(path: str, keep: int = 2) -> str:
    parts = path.split(os.sep)
    return os.sep.join(parts[-keep:]) if len(parts) > keep else path
