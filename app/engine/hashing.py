"""SHA-256 of input files, streamed, in a thread pool.

The content hash is the upload key (HEAD dedupe, create by hash). Files can be hundreds of MB,
so they are read in chunks and never whole; hashlib releases the GIL while digesting large
buffers, so a small pool really hashes in parallel without stalling the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

CHUNK = 1024 * 1024


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Hasher:
    """A bounded pool for hashing; `await hasher.sha256(path)` from the loop."""

    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="hash")

    async def sha256(self, path: str | os.PathLike[str]) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, sha256_file, path)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run other blocking file work (probing) on the same bounded pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, fn, *args)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
