"""Decode images off the GUI thread, preview first, and hand them over by queued signal.

Why it is built this way:
- Decoding a 100 MP PNG takes seconds; on the GUI thread that is a frozen window. Work runs in
  a private QThreadPool (Pillow releases the GIL while it decodes, so the GUI keeps painting).
- A reduced preview is emitted as soon as it exists, then the full image with its mip pyramid,
  so the retoucher sees something within ~100 ms even for a 24 MP JPEG.
- Requests are deduplicated, and a task whose image nobody wants any more (the user stepped on)
  stops before its expensive full decode: holding an arrow key must not queue a backlog.
- Results cross threads as a signal of a QObject that lives on the GUI thread, so delivery is
  queued and slots never run on a worker.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterable

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal

from app.imaging.decode import DecodedImage, DecodeError, decode_progressive, halve
from ui.viewer.cache import ImageCache
from ui.viewer.pixels import PIXEL_LAYOUT, ImageLevel, LoadedImage, level_from

log = logging.getLogger(__name__)

# The preview's longer side: large enough to look sharp when fitted to a big window, small
# enough that JPEG's 1/4 draft decode of a 24 MP photo reaches it.
PREVIEW_SIDE = 1600


def cache_key(path: str) -> str:
    """Path plus size and modification time: a result rewritten by a retry is a new image."""
    try:
        stat = os.stat(path)
    except OSError:
        return path
    return f"{path}|{stat.st_size}|{stat.st_mtime_ns}"


class ImageLoader(QObject):
    """Loads images for the viewer: cached ones at once, others in the background."""

    imageReady = Signal(str, object)  # path, LoadedImage (a preview first, then complete)
    imageFailed = Signal(str, str)  # path, readable reason
    # Internal: emitted by workers, delivered (queued) on the GUI thread that owns the loader.
    _deliveries = Signal(str, str, object)  # path, key, LoadedImage
    _taskFinished = Signal(str, str, bool)  # path, key, skipped (nobody wanted it)

    def __init__(
        self,
        cache: ImageCache[LoadedImage] | None = None,
        parent: QObject | None = None,
        *,
        max_threads: int = 2,
    ) -> None:
        super().__init__(parent)
        self.cache: ImageCache[LoadedImage] = cache if cache is not None else ImageCache()
        self._pool = QThreadPool(self)
        cores = QThreadPool.globalInstance().maxThreadCount()
        self._pool.setMaxThreadCount(max(1, min(max_threads, cores)))
        self._in_flight: set[str] = set()
        # Read by workers, written by the GUI thread: replaced wholesale under a lock.
        self._wanted: frozenset[str] = frozenset()
        self._wanted_lock = threading.Lock()
        self._deliveries.connect(self._on_delivery)
        self._taskFinished.connect(self._on_task_finished)

    def request(self, path: str, *, prefetch: bool = False) -> LoadedImage | None:
        """The complete image if cached; otherwise None and `imageReady` follows.

        The caller must have listed `path` in `set_wanted` (or the task ends without decoding).
        """
        key = cache_key(path)
        cached = self.cache.get(key)
        if cached is not None and cached.complete:
            return cached
        if key not in self._in_flight:
            self._in_flight.add(key)
            task = _DecodeTask(self, path, key)
            self._pool.start(task, 0 if prefetch else 10)
        return None

    def set_wanted(self, paths: Iterable[str]) -> None:
        """The images on screen or about to be; queued work for anything else is dropped."""
        keys = {cache_key(path) for path in paths if path}
        with self._wanted_lock:
            self._wanted = frozenset(keys)

    def pin(self, paths: Iterable[str]) -> None:
        self.cache.pin(cache_key(path) for path in paths if path)

    def is_wanted(self, key: str) -> bool:
        with self._wanted_lock:
            return key in self._wanted

    def is_idle(self) -> bool:
        return not self._in_flight

    def shutdown(self) -> None:
        """Drop queued work and wait for running decodes; call before the owner goes away."""
        with self._wanted_lock:
            self._wanted = frozenset()
        self._pool.clear()
        self._pool.waitForDone()
        self._in_flight.clear()

    # --- slots for the workers' signals (run on the GUI thread) ----------------------------

    def _on_delivery(self, path: str, key: str, loaded: LoadedImage) -> None:
        if not self.is_wanted(key):
            return  # the user moved on (or the viewer shut down) while it was decoding
        previous = self.cache.get(key)
        if previous is not None and previous.complete and not loaded.complete:
            return  # a late preview must not replace the full image
        self.cache.put(key, loaded)
        self.imageReady.emit(path, loaded)

    def _on_task_finished(self, path: str, key: str, skipped: bool) -> None:
        self._in_flight.discard(key)
        if skipped and self.is_wanted(key):
            # Wanted again after the task gave up (the user stepped away and back while it
            # was checking): without a new task this image would never arrive.
            cached = self.cache.get(key)
            if cached is None or not cached.complete:
                self.request(path)


class _DecodeTask(QRunnable):
    def __init__(self, loader: ImageLoader, path: str, key: str) -> None:
        super().__init__()
        self._loader = loader
        self._path = path
        self._key = key

    def run(self) -> None:
        _yield_to_the_gui()
        loader = self._loader
        skipped = False
        try:
            skipped = not self._decode()
        except DecodeError as exc:
            loader.imageFailed.emit(self._path, str(exc))
        except Exception as exc:  # a worker must never die silently: tell the viewer
            log.exception("decoding %s failed", self._path)
            loader.imageFailed.emit(self._path, f"Cannot show {self._path}: {exc}")
        finally:
            loader._taskFinished.emit(self._path, self._key, skipped)

    def _decode(self) -> bool:
        """Deliver the preview and the full image; False if stopped because nobody wants it."""
        if not self._loader.is_wanted(self._key):
            return False
        preview: DecodedImage | None = None
        for decoded in decode_progressive(self._path, PREVIEW_SIDE, layout=PIXEL_LAYOUT):
            if decoded.is_reduced:
                preview = decoded
                self._emit((level_from(decoded),), complete=False)
                if not self._loader.is_wanted(self._key):
                    return False  # stepped on while the preview decoded: skip the full one
                continue
            self._emit(_pyramid(decoded, preview), complete=True)
        return True

    def _emit(self, levels: tuple[ImageLevel, ...], *, complete: bool) -> None:
        info = levels[0].pixels.info
        loaded = LoadedImage(path=self._path, info=info, levels=levels, complete=complete)
        self._loader._deliveries.emit(self._path, self._key, loaded)


def _yield_to_the_gui() -> None:
    """Run decoders below the GUI thread's priority (once per pool thread).

    On a busy machine the window must stay responsive while big images decode; a slower decode
    is the right trade. Qt's thread priorities are ignored for normal threads on Linux, so
    there the thread's own nice value is raised (Linux applies nice per thread).
    """
    if getattr(_thread_state, "lowered", False):
        return
    _thread_state.lowered = True
    QThread.currentThread().setPriority(QThread.Priority.LowPriority)
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:  # not permitted in some sandboxes: decoding still works
            log.debug("could not lower the decoder thread's priority", exc_info=True)


_thread_state = threading.local()


def _pyramid(full: DecodedImage, preview: DecodedImage | None) -> tuple[ImageLevel, ...]:
    """Full image, then halvings down to about the preview's size, then the preview itself."""
    levels = [level_from(full)]
    current = full
    floor = PREVIEW_SIDE if preview is None else max(preview.width, preview.height)
    while max(current.width, current.height) >= 2 * floor:
        current = halve(current)
        levels.append(level_from(current))
    if preview is not None and preview.width < current.width:
        levels.append(level_from(preview))
    return tuple(levels)
