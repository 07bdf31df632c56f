"""Table thumbnails: decoded lazily in a small thread pool, kept in a bounded LRU of QImage.

The model asks `image_for(job)` while painting. A miss returns None (the model shows a
placeholder) and schedules exactly one decode per file however often the row repaints; when
the decode lands, `ready` names the jobs waiting on it so only those rows repaint. QImage (not
QPixmap) is what a worker thread may create. A 10,000-row table with 48 px thumbnails stays
around 100 MB worst case with the default bound; in practice only visible rows ever decode.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PIL import Image
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader

from app.domain.jobs import Job
from app.imaging.thumbnail import make_thumbnail

# Imported here, with the window, rather than by the first decode: a worker thread importing
# ~25 ms of modules (Pillow's colour management and image plugins) holds the GIL throughout,
# and the GUI thread would stall for it the moment the first rows appear.
Image.preinit()

logger = logging.getLogger(__name__)

THUMB_SIZE = 48


def _decode_with_qt(path: str, size: int) -> QImage:
    """Fallback decoder: QImageReader scales JPEGs while decoding (cheap), honours EXIF."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid() and (original.width() > size or original.height() > size):
        reader.setScaledSize(original.scaled(QSize(size, size), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        raise ValueError(reader.errorString())
    if image.width() > size or image.height() > size:
        image = image.scaled(
            size,
            size,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    return image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def _decode_with_core(path: str, size: int) -> QImage | None:
    """The core's thumbnailer (orientation, ICC, CMYK, 16-bit handled as in the viewer)."""
    thumb = make_thumbnail(path, size, layout="RGBA")
    image = QImage(
        bytes(thumb.data),
        thumb.width,
        thumb.height,
        thumb.bytes_per_line,
        QImage.Format.Format_RGBA8888,
    )
    return image.copy()  # own the pixels: the Python buffer above dies with this frame


def decode_thumbnail(path: str, size: int = THUMB_SIZE) -> QImage:
    try:
        image = _decode_with_core(path, size)
    except Exception:
        logger.debug("core thumbnailer failed for %s, using Qt", path, exc_info=True)
        image = None
    return image if image is not None else _decode_with_qt(path, size)


class ThumbnailCache(QObject):
    ready = Signal(list)  # job ids whose thumbnail just became available
    _decoded = Signal(str, object)  # path, QImage | None; crosses from the worker thread

    def __init__(
        self,
        capacity: int = 2000,
        workers: int = 2,
        size: int = THUMB_SIZE,
        path_of: Callable[[Job], str] = lambda job: job.input_path,  # which file to show
    ) -> None:
        super().__init__()
        self._capacity = capacity
        self._path_of = path_of
        self._size = size
        self._cache: OrderedDict[str, QImage] = OrderedDict()
        self._failed: set[str] = set()
        self._waiting: dict[str, set[str]] = {}  # path -> job ids to repaint when it lands
        self._pool: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="thumbnail"
        )
        self._lock = threading.Lock()
        # Queued across threads automatically: the worker emits, the GUI thread stores.
        self._decoded.connect(self._store)

    def image_for(self, job: Job) -> QImage | None:
        path = self._path_of(job)
        image = self._cache.get(path)
        if image is not None:
            self._cache.move_to_end(path)
            return image
        if path in self._failed or self._pool is None:
            return None
        waiting = self._waiting.get(path)
        if waiting is not None:
            waiting.add(job.id)  # one decode per file, however many repaints ask
            return None
        self._waiting[path] = {job.id}
        self._pool.submit(self._work, path)
        return None

    def __len__(self) -> int:
        return len(self._cache)

    def pending(self) -> int:
        return len(self._waiting)

    def _work(self, path: str) -> None:
        try:
            image: QImage | None = decode_thumbnail(path, self._size)
        except Exception as exc:  # unreadable files fail their row elsewhere; no thumbnail here
            logger.debug("no thumbnail for %s: %s", path, exc)
            image = None
        with self._lock:
            if self._pool is None:
                return
        self._decoded.emit(path, image)

    def _store(self, path: str, image: QImage | None) -> None:
        job_ids = self._waiting.pop(path, set())
        if image is None:
            self._failed.add(path)
            return
        self._cache[path] = image
        while len(self._cache) > self._capacity:
            self._cache.popitem(last=False)
        if job_ids:
            self.ready.emit(sorted(job_ids))

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        self._waiting.clear()
