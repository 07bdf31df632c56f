"""The grid's thumbnails: each result, and its original for Space, at the grid's largest size.

Two of the window's lazy thumbnail caches (decoded off the GUI thread, one decode per file,
a bounded LRU of QImage): one for results, one for originals. A cell smaller than the decode
size draws its image scaled down, so moving the size slider never decodes anything again.
Their bounds keep 2,000 results well under the memory goal: a 256 px thumbnail of a 3:2 photo
is 175 KB, so 600 results and 150 originals stay near 130 MB, and only cells that are painted
ever decode.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from app.domain.jobs import Job
from ui.thumbnails import ThumbnailCache

DECODE_SIZE = 256  # the largest cell's image; smaller cells scale it down when painting
RESULT_CAPACITY = 600
ORIGINAL_CAPACITY = 150


class GridThumbnails(QObject):
    ready = Signal(list)  # job ids whose result or original just became available

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._results = ThumbnailCache(
            RESULT_CAPACITY, workers=2, size=DECODE_SIZE, path_of=lambda job: job.output_path
        )
        # Originals are asked for one at a time (Space, a cell waiting for its re-run).
        self._originals = ThumbnailCache(ORIGINAL_CAPACITY, workers=1, size=DECODE_SIZE)
        self._results.ready.connect(self.ready)
        self._originals.ready.connect(self.ready)

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
