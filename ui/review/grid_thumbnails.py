"""The grid's thumbnails: each result, and its original for Space, fitted to the grid's cells.

Two `FittedImages` (decoded off the GUI thread, one decode per file, and fitted to the cell
there too): one for results, one for originals. Each keeps its decodes at the largest cell's
size, so moving the size slider never decodes anything again, and the fitted images of the
current size only. Their bounds keep 2,000 results well under the memory goal: a 256 px
thumbnail of a 3:2 photo is 175 KB and its 176 px fitting 82 KB, so 600 results, 400 fitted
and 150 originals stay near 170 MB, and only cells that are painted ever decode.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from app.domain.jobs import Job
from ui.review.fitted_images import FittedImages

DECODE_SIZE = 256  # the largest cell's image; the fitted ones are made from it
RESULT_CAPACITY = 600
# Decoding holds the interpreter part of the time: a core is left to the GUI thread, which
# otherwise waits for it (and for the cores) in every paint while a screenful decodes.
RESULT_WORKERS = max(1, min(2, (os.cpu_count() or 2) - 1))
RESULT_FITTED_CAPACITY = 400  # a few screens of the smallest cells on a large display
ORIGINAL_CAPACITY = 150
ORIGINAL_FITTED_CAPACITY = 50


class GridThumbnails(QObject):
    ready = Signal(list)  # job ids whose result or original just became available

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._results = FittedImages(
            lambda job: job.output_path,
            decode_size=DECODE_SIZE,
            capacity=RESULT_CAPACITY,
            fitted_capacity=RESULT_FITTED_CAPACITY,
            workers=RESULT_WORKERS,
            parent=self,
        )
        # Originals are asked for one at a time (Space, a cell waiting for its re-run).
        self._originals = FittedImages(
            lambda job: job.input_path,
            decode_size=DECODE_SIZE,
            capacity=ORIGINAL_CAPACITY,
            fitted_capacity=ORIGINAL_FITTED_CAPACITY,
            workers=1,
            parent=self,
        )
        self._results.ready.connect(self.ready)
        self._originals.ready.connect(self.ready)

    def set_side(self, side: int) -> None:
        """The cells' image side from now on: what the images are fitted to."""
        self._results.set_side(side)
        self._originals.set_side(side)

    def result(self, job: Job) -> QImage | None:
        """The result's thumbnail, or None while it loads (or when there is no result)."""
        return self._results.image_for(job) if job.output_path else None

    def original(self, job: Job) -> QImage | None:
        return self._originals.image_for(job) if job.input_path else None

    def pending(self) -> int:
        return self._results.pending() + self._originals.pending()

    def cached(self) -> int:
        return len(self._results) + len(self._originals)

    def shutdown(self) -> None:
        self._results.shutdown()
        self._originals.shutdown()
