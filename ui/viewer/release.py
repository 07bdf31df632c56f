"""Let go of big decoded images on a background thread, never on the GUI thread.

A 100 MP image and its pyramid are ~530 MB of memory-mapped pixels, and giving them back to
the kernel (munmap) takes ~100 ms. That happens wherever the last reference goes, which in the
viewer is the GUI thread: a cache eviction, the next job replacing the canvas's images, the
window closing. So the last references are handed here instead, and a short-lived thread drops
them. The thread ends after half a second without work, so an idle viewer leaves no thread behind.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading

log = logging.getLogger(__name__)

IDLE_SECONDS = 0.5


class Releaser:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[list[object]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def release(self, objects: list[object]) -> None:
        """Take over the list's contents and drop them on the release thread (from any thread).

        The list must hold the last references: the caller keeps none outside it. Only the
        release thread empties it, so wherever the list itself ends up, its contents are freed
        there. (Handing over the objects themselves would race: the caller's own references
        could outlive the thread's, and the caller would free them after all.)
        """
        with self._lock:
            self._queue.put(objects)
            if self._thread is None:
                thread = threading.Thread(target=self._run, name="viewer-release", daemon=True)
                try:
                    thread.start()
                except RuntimeError:  # interpreter shutdown: no new threads, so free them here
                    while not self._queue.empty():
                        self._queue.get_nowait()
                    return
                self._thread = thread

    def is_idle(self) -> bool:
        with self._lock:
            return self._thread is None

    def _run(self) -> None:
        _lower_priority()
        while True:
            try:
                objects = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:  # release() cannot queue more while the thread decides to end
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            objects.clear()  # the last references go here: the unmapping happens on this thread


def _lower_priority() -> None:
    """Unmapping is kernel time: on a busy machine the GUI thread goes first (Linux nice)."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:
            log.debug("could not lower the release thread's priority", exc_info=True)


releaser = Releaser()
