"""Decode images off the GUI thread, preview first, and hand them over by queued signal.

Why it is built this way:
- Decoding a 100 MP PNG takes seconds; on the GUI thread that is a frozen window. Work runs in
  private QThreadPools (Pillow releases the GIL while it decodes, so the GUI keeps painting).
- Two stages in two pools. The quick one, at normal priority, makes a JPEG's reduced preview
  (~50 ms for 24 MP), so the retoucher sees the image at once even on a busy machine. The
  long one, full resolution plus its mip pyramid (and every non-JPEG, which has no cheaper
  preview), runs below the GUI thread's priority: a slower full decode is the right price
  for a window that never stutters.
- Requests are deduplicated, and a task whose image nobody wants any more (the user stepped on,
  or the viewer is closing) stops within a millisecond or so, even in the middle of decoding a
  100 MP file (decoding checks as it reads): holding an arrow key must not queue a backlog, and
  closing the viewer must not wait seconds for a decode nobody will see.
- Results cross threads as a signal of a QObject that lives on the GUI thread, so delivery is
  queued and slots never run on a worker.
- The GUI thread never waits for a worker while the application runs: closing the viewer
  cancels its decodes and returns (see `shutdown`). Only at quit, or for tests, does it join.
"""

from __future__ import annotations

import enum
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThread, QThreadPool, Signal

from app.imaging.decode import decode_for_display, decode_progressive, has_cheap_preview
from app.imaging.errors import DecodeCancelled, DecodeError
from app.imaging.packing import DecodedImage, halve
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
    _taskFinished = Signal(str, str, bool, int)  # path, key, skipped (unwanted), generation

    def __init__(
        self,
        cache: ImageCache[LoadedImage] | None = None,
        parent: QObject | None = None,
        *,
        max_threads: int = 2,
    ) -> None:
        super().__init__(parent)
        self.cache: ImageCache[LoadedImage] = cache if cache is not None else ImageCache()
        cores = QThreadPool.globalInstance().maxThreadCount()
        threads = max(1, min(max_threads, cores))
        self._preview_pool = QThreadPool(self)  # quick stage, normal priority
        self._preview_pool.setMaxThreadCount(threads)
        self._full_pool = QThreadPool(self)  # long stage, below the GUI thread's priority
        self._full_pool.setMaxThreadCount(threads)
        self._in_flight: set[str] = set()
        # Read by workers, written by the GUI thread: replaced wholesale under a lock.
        self._wanted: frozenset[str] = frozenset()
        self._wanted_lock = threading.Lock()
        # Bumped by shutdown(): tasks of an earlier generation may still end after it returns,
        # and their bookkeeping must not touch the requests made since.
        self._generation = 0
        self._deliveries.connect(self._on_delivery)
        self._taskFinished.connect(self._on_task_finished)
        app = QCoreApplication.instance()
        if app is not None:  # a loader destroyed with decodes running would be signalled from them
            app.aboutToQuit.connect(self.shutdown)

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
            task = _DecodeTask(self, path, key, self._generation, full_stage=False)
            self._preview_pool.start(task, 0 if prefetch else 10)
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

    def shutdown(self, *, wait: bool = True) -> None:
        """Drop queued work and cancel running decodes: they stop at their next read or band.

        With `wait=False` (a window closing) this returns at once. Decoding threads run below
        the GUI's priority, so on a busy machine even their last millisecond of work can wait
        tens of milliseconds for a CPU, which a waiting GUI thread would spend frozen. They
        end by themselves. Wait (the default) before the loader is destroyed: at quit (done
        here on aboutToQuit) and in tests.
        """
        with self._wanted_lock:
            self._wanted = frozenset()
        self._generation += 1
        # Preview tasks first: a running one may still hand a (then unwanted) full stage on.
        for pool in (self._preview_pool, self._full_pool):
            pool.clear()
            if wait:
                pool.waitForDone()
        self._in_flight.clear()

    def _start_full_stage(
        self, path: str, key: str, generation: int, preview: DecodedImage | None
    ) -> None:
        """Called from a preview task (QThreadPool.start is thread-safe)."""
        task = _DecodeTask(self, path, key, generation, full_stage=True, preview=preview)
        self._full_pool.start(task)

    # --- slots for the workers' signals (run on the GUI thread) ----------------------------

    def _on_delivery(self, path: str, key: str, loaded: LoadedImage) -> None:
        if not self.is_wanted(key):
            return  # the user moved on (or the viewer shut down) while it was decoding
        previous = self.cache.get(key)
        if previous is not None and previous.complete and not loaded.complete:
            return  # a late preview must not replace the full image
        self.cache.put(key, loaded)
        self.imageReady.emit(path, loaded)

    def _on_task_finished(self, path: str, key: str, skipped: bool, generation: int) -> None:
        if generation != self._generation:
            return  # from before a shutdown: `_in_flight` was cleared then
        self._in_flight.discard(key)
        if skipped and self.is_wanted(key):
            # Wanted again after the task gave up (the user stepped away and back while it
            # was checking): without a new task this image would never arrive.
            cached = self.cache.get(key)
            if cached is None or not cached.complete:
                self.request(path)


class _Outcome(enum.Enum):
    DONE = "done"  # delivered (or failed, which imageFailed reported)
    SKIPPED = "skipped"  # nobody wanted it any more
    HANDED_ON = "handed on"  # the full-resolution stage carries on in the slow pool


class _DecodeTask(QRunnable):
    """One stage of one image. `preview` is set for the full stage of a JPEG."""

    def __init__(
        self,
        loader: ImageLoader,
        path: str,
        key: str,
        generation: int,
        *,
        full_stage: bool,
        preview: DecodedImage | None = None,
    ) -> None:
        super().__init__()
        self._loader = loader
        self._path = path
        self._key = key
        self._generation = generation
        self._full_stage = full_stage
        self._preview = preview

    def run(self) -> None:
        if self._full_stage:
            _yield_to_the_gui()
        loader = self._loader
        outcome = _Outcome.DONE
        try:
            if not loader.is_wanted(self._key):
                outcome = _Outcome.SKIPPED
            elif self._full_stage:
                outcome = self._decode_full()
            else:
                outcome = self._decode_preview()
        except DecodeCancelled:
            outcome = _Outcome.SKIPPED
        except DecodeError as exc:
            loader.imageFailed.emit(self._path, str(exc))
        except Exception as exc:  # a worker must never die silently: tell the viewer
            log.exception("decoding %s failed", self._path)
            loader.imageFailed.emit(self._path, f"Cannot show {self._path}: {exc}")
        finally:
            if outcome is not _Outcome.HANDED_ON:
                skipped = outcome is _Outcome.SKIPPED
                loader._taskFinished.emit(self._path, self._key, skipped, self._generation)

    def _decode_preview(self) -> _Outcome:
        preview = None
        if has_cheap_preview(self._path):
            preview = decode_for_display(
                self._path, PREVIEW_SIDE, layout=PIXEL_LAYOUT, cancelled=self._unwanted
            )
            if not preview.is_reduced:  # a small JPEG: the "preview" is the whole image
                self._emit(self._pyramid(preview, None), complete=True)
                return _Outcome.DONE
            self._emit((level_from(preview),), complete=False)
            if not self._loader.is_wanted(self._key):
                return _Outcome.SKIPPED  # stepped on while it decoded: skip the full one
        self._loader._start_full_stage(self._path, self._key, self._generation, preview)
        return _Outcome.HANDED_ON

    def _decode_full(self) -> _Outcome:
        preview = self._preview
        if preview is not None:
            full = decode_for_display(self._path, layout=PIXEL_LAYOUT, cancelled=self._unwanted)
            self._emit(self._pyramid(full, preview), complete=True)
            return _Outcome.DONE
        # No cheap preview: one full decode yields a shrunk preview first, then the image.
        stages = decode_progressive(
            self._path, PREVIEW_SIDE, layout=PIXEL_LAYOUT, cancelled=self._unwanted
        )
        for decoded in stages:
            if decoded.is_reduced:
                preview = decoded
                self._emit((level_from(decoded),), complete=False)
                if not self._loader.is_wanted(self._key):
                    return _Outcome.SKIPPED
                continue
            self._emit(self._pyramid(decoded, preview), complete=True)
        return _Outcome.DONE

    def _unwanted(self) -> bool:
        return not self._loader.is_wanted(self._key)

    def _pyramid(self, full: DecodedImage, preview: DecodedImage | None) -> tuple[ImageLevel, ...]:
        return pyramid(full, preview, self._unwanted)

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


def pyramid(
    full: DecodedImage, preview: DecodedImage | None, cancelled: Callable[[], bool]
) -> tuple[ImageLevel, ...]:
    """Full image, then halvings down to about the preview's size, then the preview itself."""
    levels = [level_from(full)]
    current = full
    floor = PREVIEW_SIDE if preview is None else max(preview.width, preview.height)
    while max(current.width, current.height) >= 2 * floor:
        current = halve(current, cancelled=cancelled)
        levels.append(level_from(current))
    if preview is not None and preview.width < current.width:
        levels.append(level_from(preview))
    return tuple(levels)
