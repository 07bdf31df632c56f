"""The difference image for the viewer's difference mode, made off the GUI thread.

A pair of 24 MP images is ~200 MB of pixels to compare: on the GUI thread that is a frozen
window. The difference is worked out in a pool of its own, below the GUI thread's priority,
from the largest pyramid level of the result up to MAX_PIXELS (a 100 MP result is compared at
a quarter of its size: enough to see what changed, without another 400 MB), and handed over
by a queued signal, with a pyramid of its own so it pans and fits like the images.
Asking for another pair makes an earlier, unfinished one stop (the user stepped on).
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThread, QThreadPool, Signal

from app.imaging.difference import difference, resized_to
from app.imaging.errors import DecodeCancelled
from ui.viewer.canvas import CompareCanvas, ImageSlot
from ui.viewer.item import ViewerItem
from ui.viewer.loader import pyramid
from ui.viewer.modes import CompareMode
from ui.viewer.pixels import ImageLevel, LoadedImage

log = logging.getLogger(__name__)

MAX_PIXELS = 30_000_000


def pair_key(original: LoadedImage, result: LoadedImage) -> str:
    """What a difference is of: the two files, and whether each was complete."""
    return f"{original.path}|{original.complete}|{result.path}|{result.complete}"


def level_to_compare(image: LoadedImage) -> ImageLevel:
    """The largest level with at most MAX_PIXELS (the smallest one if none is that small)."""
    for level in image.levels:
        if level.pixels.width * level.pixels.height <= MAX_PIXELS:
            return level
    return image.levels[-1]


class DifferenceMaker(QObject):
    """`request(original, result)`; `ready(key, LoadedImage)` follows, on the GUI thread."""

    ready = Signal(str, object)  # pair_key, LoadedImage of the amplified difference
    failed = Signal(str, str)  # pair_key, readable reason

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._lock = threading.Lock()
        self._wanted = ""  # the one pair whose difference is still wanted

    def request(self, original: LoadedImage, result: LoadedImage) -> str:
        key = pair_key(original, result)
        with self._lock:
            if key == self._wanted:
                return key  # already on its way
            self._wanted = key
        task = _DifferenceTask(self, key, original, result)
        task.setAutoDelete(True)
        self._pool.start(task, priority=0)
        return key

    def forget(self) -> None:
        """Nothing is wanted any more: a running task stops at its next band."""
        with self._lock:
            self._wanted = ""

    def is_wanted(self, key: str) -> bool:
        with self._lock:
            return key == self._wanted

    def is_idle(self) -> bool:
        return self._pool.activeThreadCount() == 0

    def shutdown(self) -> None:
        self.forget()
        self._pool.waitForDone()


class DifferencePane(QObject):
    """Difference mode on a canvas: the difference of the pair on screen, asked for when the
    mode or the pair changes, shown (`canvas.difference`) when it arrives. A preview pair's
    difference stays on screen until the complete pair's replaces it."""

    shown = Signal(str)  # the pair's key: its difference is on screen

    def __init__(self, canvas: CompareCanvas, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._canvas = canvas
        self.maker = DifferenceMaker(self)
        self.maker.ready.connect(self._on_ready)
        self.maker.failed.connect(self._on_failed)

    def update(self, item: ViewerItem | None) -> None:
        canvas = self._canvas
        if canvas.mode() is not CompareMode.DIFFERENCE:
            self.maker.forget()
            return
        original, result = canvas.original.image, canvas.result.image
        if original is None or result is None:
            self.maker.forget()
            if item is not None and not item.result_path:
                waiting = QCoreApplication.translate("DifferencePane", "No result to compare yet")
            else:
                waiting = QCoreApplication.translate("DifferencePane", "Loading…")
            canvas.difference = ImageSlot(message=waiting)
            canvas.update()
            return
        key = pair_key(original, result)
        shown = canvas.difference.image
        if shown is not None and shown.path == f"difference|{key}":
            return
        self.maker.request(original, result)
        if shown is None:
            working = QCoreApplication.translate("DifferencePane", "Working out the difference…")
            canvas.difference = ImageSlot(message=working)
        canvas.update()

    def clear(self, *, wait: bool = False) -> None:
        """Forget the difference on screen (another job) and any on its way; `wait` for a
        running task to end (at shutdown)."""
        self.maker.forget()
        if wait:
            self.maker.shutdown()
        self._canvas.difference = ImageSlot()

    def _on_ready(self, key: str, image: LoadedImage) -> None:
        original, result = self._canvas.original.image, self._canvas.result.image
        if original is None or result is None or pair_key(original, result) != key:
            return  # the user stepped on meanwhile
        self._canvas.difference = ImageSlot(image=image)
        self._canvas.update()
        self.shown.emit(key)

    def _on_failed(self, key: str, message: str) -> None:
        self._canvas.difference = ImageSlot(message=message)
        self._canvas.update()


class _DifferenceTask(QRunnable):
    def __init__(
        self, maker: DifferenceMaker, key: str, original: LoadedImage, result: LoadedImage
    ) -> None:
        super().__init__()
        self._maker, self._key = maker, key
        self._original, self._result = original, result

    def run(self) -> None:
        QThread.currentThread().setPriority(QThread.Priority.LowPriority)
        maker, key = self._maker, self._key

        def cancelled() -> bool:
            return not maker.is_wanted(key)

        if cancelled():
            return
        try:
            after = level_to_compare(self._result).pixels
            before = resized_to(level_to_compare(self._original).pixels, after.width, after.height)
            made = difference(before, after, cancelled=cancelled)
            levels = pyramid(made, None, cancelled)
        except DecodeCancelled:
            return
        except (OSError, ValueError, MemoryError) as exc:
            log.warning("difference of %s failed: %s", key, exc)
            maker.failed.emit(key, str(exc))
            return
        image = LoadedImage(
            path=f"difference|{key}", info=self._result.info, levels=levels, complete=True
        )
        if not cancelled():
            maker.ready.emit(key, image)  # queued: the maker lives on the GUI thread
