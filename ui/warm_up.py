"""Pay the table's first-paint costs while the window is idle, not when the first photos land.

The first time rows are painted, Qt and PySide do a round of one-off work: the table page is
polished and laid out, each status icon's SVG is parsed and rendered at the view's size and
pixel ratio, the progress bar and item styles draw for the first time, PySide creates its
lazily built enum types. Together that is a ~40 ms stall on the GUI thread at the worst
moment: right after a drop, while the engine starts hashing. Rendering a hidden sample table
with one row per state, once the window is up and idle, moves that work out of the way.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from app.domain.jobs import Job, JobState
from ui.job_model import JobTableModel
from ui.job_view import ROW_HEIGHT, JobTableView

logger = logging.getLogger(__name__)


def sample_jobs() -> list[Job]:
    """One row in every state, with progress, so every icon and delegate path is drawn."""
    return [
        Job(
            id=f"warm-up-{state.value}",
            batch_id="warm-up",
            input_path="",
            name="sample.jpg",
            state=state,
            created_at=0.0,
            progress=0.5,
        )
        for state in JobState
    ]


def warm_up_table(model: JobTableModel, view: JobTableView, *pages: QWidget) -> None:
    """Render a hidden copy of `view` (same icons, delegates, style and size) and `pages`."""
    try:
        sample = JobTableModel()
        sample.set_status_icons(model.status_icons())
        sample.set_placeholder(model.placeholder())
        sample.apply(sample_jobs())
        copy = JobTableView()
        copy.setModel(sample)
        # Tall enough for every sample row; the real view may not be laid out yet.
        rows = sample.rowCount() + 1
        copy.resize(QSize(max(view.width(), 1000), rows * ROW_HEIGHT + 40))
        copy.grab()
        for page in pages:
            if not page.isVisible():
                page.resize(view.window().size())
                page.grab()  # polishes and lays out a page that has not been shown yet
        copy.deleteLater()
        sample.deleteLater()
    except Exception:  # an optimisation only: never let it cost the user anything
        logger.debug("warm-up failed", exc_info=True)
