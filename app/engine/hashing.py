"""SHA-256 of input files, streamed, in a thread pool.

The content hash is the upload key (HEAD dedupe, create by hash). Files can be hundreds of MB,
so they are read in chunks and never whole; hashlib releases the GIL while digesting large
buffers, so a small pool really hashes in parallel without stalling the event loop.

The pool's size can change while it works (the retoucher turns it down mid-batch to free the
machine): a thread pool cannot shrink, so the pool is made as big as the setting may ever be
and a resizable limiter decides how many calls may be in it at once (threads beyond that
only ever sit idle).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from app.engine.limits import ResizableLimiter

T = TypeVar("T")

CHUNK = 1024 * 1024
MAX_WORKERS = 16  # the highest hash_concurrency the settings allow


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Hasher:
    """A bounded pool for hashing; `await hasher.sha256(path)` from the loop."""

    def __init__(self, workers: int = 2) -> None:
        self._slots = ResizableLimiter(workers, "hashing")
        self._max_workers = max(MAX_WORKERS, workers)
        self._pool = ThreadPoolExecutor(self._max_workers, thread_name_prefix="hash")

    @property
    def workers(self) -> int:
        return self._slots.limit

    @property
    def busy(self) -> int:
        """Calls running in the pool now (may exceed `workers` just after it was lowered)."""
        return self._slots.in_flight

    def resize(self, workers: int) -> None:
        """Calls running go on; new ones start only while fewer than `workers` run."""
        self._slots.set_limit(min(workers, self._max_workers))

    async def sha256(self, path: str | os.PathLike[str]) -> str:
        return await self.run(sha256_file, path)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking file work (hashing, probing) on the pool, within the limit."""
        await self._slots.acquire()
        loop = asyncio.get_running_loop()
        try:
            call = self._pool.submit(fn, *args)
        except BaseException:
            self._slots.release()
            raise
        # The slot is held until the thread is really done, not until the awaiting task
        # stops waiting: a cancelled caller does not stop a thread that is already reading.
        call.add_done_callback(lambda _: _call_soon(loop, self._slots.release))
        return await asyncio.wrap_future(call, loop=loop)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _call_soon(loop: asyncio.AbstractEventLoop, fn: Callable[[], None]) -> None:
    """Run fn on the loop's thread; nothing to do once the loop is closed (shutting down)."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(fn)
