"""Progress as the window shows it: the summary line ("37 / 120 done, about 3 min left"), the
counts in the Show filter, the details of the selected rows, the running rows' durations.

All of it follows the bridge's ticks, throttled: the summary walks every job, so it is redone
at most four times a second however fast the rows change.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QObject, QTimer, Signal

from ui.job_model import COL_DURATION, JobTableModel
from ui.jobs_page import JobsPage
from ui.status_bar import WindowStatusBar
from ui.summary import measure, summary_text

SUMMARY_MS = 250
CLOCK_MS = 1000


class ProgressController(QObject):
    summaryUpdated = Signal()

    def __init__(
        self, model: JobTableModel, page: JobsPage, status_bar: WindowStatusBar, parent: QObject
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._page = page
        self._status_bar = status_bar
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(SUMMARY_MS)
        self._summary_timer.timeout.connect(self.update_summary)
        # Running jobs' durations tick once a second; only those rows repaint.
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_MS)
        self._clock.timeout.connect(self._tick_durations)
        self._clock.start()

    def rows_changed(self) -> None:
        """After each bridge tick that touched the model."""
        if not self._summary_timer.isActive():
            self._summary_timer.start()
        self._page.refresh_details()

    def update_summary(self) -> None:
        jobs = self._model.jobs()
        progress = measure(jobs)
        self._status_bar.summary_label.setText(summary_text(progress))
        self._page.show_counts(progress, Counter(job.review for job in jobs))
        self.summaryUpdated.emit()

    def _tick_durations(self) -> None:
        rows = [row for row, job in enumerate(self._model.jobs()) if job.state.is_active]
        if rows:
            self._model.refresh_rows(rows, COL_DURATION, COL_DURATION)

    def stop(self) -> None:
        self._summary_timer.stop()
        self._clock.stop()
