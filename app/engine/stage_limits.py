"""How many jobs may be in each stage at once; resizable while jobs run."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from app.engine.limits import ResizableLimiter


@dataclass
class StageLimits:
    hash: ResizableLimiter  # preparing: scaling and hashing inputs
    upload: ResizableLimiter
    download: ResizableLimiter
    running: asyncio.Event  # cleared while paused: no new hashing or uploads start
    # "Is this upload stored already?" (HEAD) has its own lanes, as many as uploads: a round
    # trip that moves no bytes must not hold an upload slot, and a stored file never queues
    # behind uploads at all.
    check: ResizableLimiter

    @classmethod
    def create(cls, hash_workers: int, uploads: int, downloads: int) -> StageLimits:
        running = asyncio.Event()
        running.set()
        return cls(
            ResizableLimiter(hash_workers, "hash stage"),
            ResizableLimiter(uploads, "uploads"),
            ResizableLimiter(downloads, "downloads"),
            running,
            ResizableLimiter(uploads, "upload checks"),
        )

    def resize(self, hash_workers: int, uploads: int, downloads: int) -> None:
        """New limits, now: waiting jobs start if there is room; running transfers are never
        interrupted, a lowered limit only keeps new ones waiting until enough have finished."""
        self.hash.set_limit(hash_workers)
        self.upload.set_limit(uploads)
        self.check.set_limit(uploads)
        self.download.set_limit(downloads)
