"""One kind of grid image (results, or originals): decoded once, fitted to the cell off the GUI
thread, and handed to the delegate ready to copy onto the screen.

A worker decodes each file once at `decode_size` (kept, in a bounded LRU, so a new cell size
never decodes again) and, in the same trip, scales it smoothly to the current cell side in the
format the raster engine blends fastest (premultiplied ARGB32). Painting a fitted image is a
plain copy of its pixels, a few microseconds, where smooth-scaling a decode on each repaint cost
about 0.2 ms a cell: a screenful of cells repainting after a page step was most of a frame.
A change of side drops the fitted images; the next paint of a cell draws its kept decode scaled
(as before) while a worker fits it again.

Arrivals are passed on in batches at most once a frame (16 ms), so a burst of decodes repaints
its cells together instead of one signal, one Python call chain and one paint per file: while
the workers decode, every turn the GUI thread takes costs it a wait for the interpreter.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage

from app.domain.jobs import Job
from ui.thumbnails import decode_thumbnail

logger = logging.getLogger(__name__)

FAST_FORMAT = QImage.Format.Format_ARGB32_Premultiplied
ARRIVALS_MS = 16  # a frame: a thumbnail shown this much later is not seen to be later


def fit(image: QImage, side: int) -> QImage:
    """`image` scaled (up or down, keeping its shape) to fill a `side` x `side` box."""
    size = image.size().scaled(QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio)
    if size == image.size():
        fitted = image
    else:
        fitted = image.scaled(
            size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return fitted.convertToFormat(FAST_FORMAT)


@dataclass(frozen=True)
class _Landed:
    path: str
    decoded: QImage | None  # None: the file could not be decoded
    fitted: QImage | None
    side: int  # the side `fitted` was made for


class FittedImages(QObject):
    ready = Signal(list)  # job ids whose image just became available (or better fitted)
    _landed = Signal(object)  # _Landed; crosses from the worker thread (queued)

    def __init__(
        self,
        path_of: Callable[[Job], str],
        *,
        decode_size: int,
        capacity: int,
        fitted_capacity: int,
        workers: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._path_of = path_of
        self._decode_size = decode_size
        self._capacity = capacity
        self._fitted_capacity = fitted_capacity
        self._side = decode_size
        self._decoded: OrderedDict[str, QImage] = OrderedDict()
        self._fitted: OrderedDict[str, QImage] = OrderedDict()  # at `_side` only
        self._failed: set[str] = set()
        self._waiting: dict[str, set[str]] = {}  # path -> job ids to repaint when it lands
        self._arrived: set[str] = set()
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(ARRIVALS_MS)
        self._flush.timeout.connect(self._emit_arrived)
        self._to_submit: list[tuple[str, QImage | None]] = []
        self._submit = QTimer(self)
        self._submit.setSingleShot(True)
        self._submit.setInterval(0)
        self._submit.timeout.connect(self._submit_asked)
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="grid-thumbnail"
        )
        self._landed.connect(self._store)

    # --- the cell side ----------------------------------------------------------------------
    def set_side(self, side: int) -> None:
        if side != self._side:
            self._side = side  # a worker reads it when it fits: the newest side wins
            self._fitted.clear()

    def side(self) -> int:
        return self._side

    # --- asking -----------------------------------------------------------------------------
    def image_for(self, job: Job) -> QImage | None:
        """The image fitted to the cell; while it is being fitted, the kept decode (the caller
        scales it); None while it decodes, or when the file has no image."""
        path = self._path_of(job)
        if not path or path in self._failed:
            return None
        fitted = self._fitted.get(path)
        if fitted is not None:
            self._fitted.move_to_end(path)
            return fitted
        decoded = self._decoded.get(path)
        if decoded is not None:
            self._decoded.move_to_end(path)
        self._ask(path, job.id, decoded)
        return decoded

    def _ask(self, path: str, job_id: str, decoded: QImage | None) -> None:
        waiting = self._waiting.get(path)
        if waiting is not None:
            waiting.add(job_id)  # one trip per file, however many repaints ask
            return
        if self._pool is None:
            return
        self._waiting[path] = {job_id}
        # Handed to the workers after the paint that asked: started at once, they would take
        # turns with it for the interpreter (and the cores), and the screenful would wait.
        self._to_submit.append((path, decoded))
        if not self._submit.isActive():
            self._submit.start()

    def _submit_asked(self) -> None:
        asked, self._to_submit = self._to_submit, []
        for path, decoded in asked:
            if self._pool is not None:
                self._pool.submit(self._work, path, decoded)

    def pending(self) -> int:
        return len(self._waiting)

    def __len__(self) -> int:
        return len(self._decoded)

    # --- the worker's side ------------------------------------------------------------------
    def _work(self, path: str, decoded: QImage | None) -> None:
        fitted: QImage | None = None
        side = self._side
        try:
            if decoded is None:
                decoded = decode_thumbnail(path, self._decode_size).convertToFormat(FAST_FORMAT)
            fitted = fit(decoded, side)
        except Exception as exc:  # an unreadable file fails its job elsewhere; no image here
            logger.debug("no grid thumbnail for %s: %s", path, exc)
            decoded = None
        with self._lock:
            if self._pool is None:
                return
        self._landed.emit(_Landed(path, decoded, fitted, side))

    def _store(self, landed: _Landed) -> None:
        job_ids = self._waiting.pop(landed.path, set())
        if landed.decoded is None:
            self._failed.add(landed.path)
            return
        self._decoded[landed.path] = landed.decoded
        self._decoded.move_to_end(landed.path)
        while len(self._decoded) > self._capacity:
            self._decoded.popitem(last=False)
        # Fitted for a side since left behind: the cell repaints and asks again at this one.
        if landed.fitted is not None and landed.side == self._side:
            self._fitted[landed.path] = landed.fitted
            self._fitted.move_to_end(landed.path)
            while len(self._fitted) > self._fitted_capacity:
                self._fitted.popitem(last=False)
        if job_ids:
            self._arrived |= job_ids
            if not self._flush.isActive():
                self._flush.start()

    def _emit_arrived(self) -> None:
        arrived, self._arrived = self._arrived, set()
        if arrived:
            self.ready.emit(sorted(arrived))

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        self._flush.stop()
        self._submit.stop()
        self._to_submit.clear()
        self._waiting.clear()
        self._arrived.clear()
