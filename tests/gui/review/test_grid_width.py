"""The grid's cells fill the width of the view at any thumbnail size and window width: whole
columns, widened to share what is left, with the picture in the middle of its cell."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain.jobs import Job, JobState
from ui.job_model import JobTableModel
from ui.review.page import ReviewPage


def test_cells_fill_the_rows_at_every_width_and_size(
    qtbot: Any, job_factory: Callable[..., Job]
) -> None:
    model = JobTableModel()
    model.apply(
        added=[job_factory(JobState.DONE, output_path=f"/results/{n}.jpg") for n in range(60)]
    )
    page = ReviewPage(model)
    qtbot.addWidget(page)
    page.show()
    grid = page.grid

    def row_ends() -> tuple[int, int, int]:
        """(columns, the first row's right edge, the view's width)"""
        rects = [grid.visualRect(page.proxy.index(r, grid.modelColumn())) for r in range(60)]
        first_row = [r for r in rects if r.top() == rects[0].top()]
        return len(first_row), max(r.right() for r in first_row) + 1, grid.viewport().width()

    def filled(natural: int) -> bool:
        columns, right, view = row_ends()
        return columns == view // natural and 0 <= view - right < columns

    try:
        for width in (640, 977, 1333):
            for side in (96, 176, 256):
                page.resize(width, 600)
                page.set_cell_side(side)
                natural = page.delegate.cell_size(grid.font()).width()
                qtbot.waitUntil(lambda n=natural: filled(n), timeout=5000)
                columns, _right, view = row_ends()
                cell = grid.visualRect(page.proxy.index(0, grid.modelColumn()))
                assert cell.width() >= natural and cell.width() * columns <= view
    finally:
        page.shutdown()
