"""Big pixel buffers are unmapped on a background thread, wherever their last reference goes.

A 100 MP image and its pyramid are ~530 MB of memory-mapped pixels, and giving them back to
the kernel (munmap) takes ~100 ms. The last reference goes wherever the program happens to
drop it: in a viewer that is often the GUI thread (a cache eviction, the next job replacing
what is on screen, the window closing) or a decoding worker the GUI thread is waiting for.
Rather than chase every such place, the buffer itself knows: a `PixelMap` whose last
reference goes is handed, from its finaliser, to a short-lived release thread, and only that
thread's reference ends it (Python calls a finaliser once; the object is then simply kept
alive a moment longer). The finaliser runs while Python holds a reference of its own for the
call's length, and the release thread may be scheduled before that one goes (it is woken by
the hand-over, and the dying thread lets go of the GIL when it starts the release thread): so
the release thread waits for it to go before dropping its own, else the unmapping would
happen back on the dying thread. The thread ends after 0.2 s without work, so an idle
program keeps no thread for it. No Qt here.
"""

from __future__ import annotations

import logging
import mmap
import os
import queue
import sys
import threading
import time

log = logging.getLogger(__name__)

# Releases come in bursts (an image and its pyramid); starting a thread again costs ~0.1 ms.
IDLE_SECONDS = 0.2
# How long the release thread waits for the finalising thread to leave the finaliser. It
# needs the GIL for a few bytecodes only; the bound is for an object someone else still holds
# (a weak reference upgraded meanwhile), which is then freed wherever that reference goes.
HANDOVER_SECONDS = 1.0
# References to a dying buffer in `_wait_for_handover` once only the release thread has it:
# the caller's variable, the parameter and getrefcount's own argument. (Newer Pythons may
# count fewer, never more.)
_ONLY_OURS = 3


class PixelMap(mmap.mmap):
    """An anonymous memory map (`PixelMap(-1, size)`) that is unmapped on the release thread."""

    def __del__(self) -> None:
        _releaser.take(self)


class _Releaser:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        # Re-entrant: a finaliser may run inside take() itself (a garbage collection while the
        # thread object is made), and must not deadlock there.
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None
        self._starting = False

    def take(self, dying: object) -> None:
        """Keep `dying` (from its finaliser) until the release thread lets go of it."""
        if sys.is_finalizing():
            return  # the process is ending: a thread started now would never run (start() hangs)
        self._queue.put(dying)  # SimpleQueue.put is documented as safe from finalisers
        with self._lock:
            if self._thread is not None or self._starting:
                return  # running (it takes what is queued), or being started further up
            self._starting = True
            try:
                thread = threading.Thread(target=self._run, name="pixel-release", daemon=True)
                thread.start()
                self._thread = thread
            except RuntimeError:  # no new threads (interpreter shutdown): nothing to do
                log.debug("no release thread at shutdown", exc_info=True)
            finally:
                self._starting = False

    def is_idle(self) -> bool:
        with self._lock:
            return self._thread is None

    def _run(self) -> None:
        _lower_priority()
        while True:
            try:
                dying = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:  # take() cannot start a thread while this one decides to end
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            _wait_for_handover(dying)
            del dying  # the last reference: the unmapping happens here, on this thread


def _wait_for_handover(dying: object) -> None:
    """Return once the finalising thread has dropped its reference to `dying`."""
    deadline = time.monotonic() + HANDOVER_SECONDS
    while sys.getrefcount(dying) > _ONLY_OURS and time.monotonic() < deadline:
        time.sleep(0)  # lets the finalising thread have the GIL for its last bytecodes


def _lower_priority() -> None:
    """Unmapping is kernel time: on a busy machine the GUI thread goes first (Linux nice)."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:
            log.debug("could not lower the release thread's priority", exc_info=True)


_releaser = _Releaser()


def release_thread_idle() -> bool:
    """True when no buffer is waiting to be unmapped (the release thread has ended)."""
    return _releaser.is_idle()
