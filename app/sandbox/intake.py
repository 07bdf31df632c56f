"""What taking an image in costs the server, as the vendor's documentation describes it.

Two documented costs, modelled as time (sleeps on the event loop, never CPU):

- An upload "may validate file content before returning": `validate_seconds_per_mb` per MB
  (10**6 bytes) of the file pass before its 201. Default 20 ms/MB: a full decode, the surest
  check that a file is a whole image, costs 15-25 ms per MB of JPEG on one core of a current
  server (a 24 MP camera JPEG of ~10 MB takes ~0.2 s). The sandbox's own check runs inside that
  time, as an execution's rendering runs inside its processing time.

- A create with a file upload is "simpler but slower for high-volume processing" than an
  upload followed by a create by hash. What makes it slower on a real service is modelled in
  two parts. The file is validated the same way, inside the create, and then has to be put
  into the image store before the execution can exist: `multipart_create_seconds` per request
  (default 0.1 s, one write to an object store and the record of the upload, in series with
  the create), where a separate upload's storing overlaps the client's next request. And the
  create endpoint does that work for `multipart_create_slots` requests at a time (default 2:
  one file being validated while the next is stored), while uploads go to an endpoint built for
  many in parallel (the vendor's advice: "upload in parallel, separate upload from execution
  creation"). The body itself arrives before a slot is taken, as behind any buffering front
  proxy, so the slots limit the server's work, not the client's line.

So per image at volume, upload + create by hash costs the validation and one small request;
a create with a file costs the validation, the store, and a place in a short queue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from app.sandbox.clock import sleep_until
from app.sandbox.config import SandboxConfig

log = logging.getLogger(__name__)

T = TypeVar("T")
_MB = 1_000_000


class IntakeCosts:
    def __init__(self, config: SandboxConfig) -> None:
        self.validate_seconds_per_mb = max(0.0, config.validate_seconds_per_mb)
        self.multipart_create_seconds = max(0.0, config.multipart_create_seconds)
        self._create_slots = asyncio.Semaphore(max(1, config.multipart_create_slots))

    def validation_seconds(self, size: int) -> float:
        return size / _MB * self.validate_seconds_per_mb

    async def upload(self, size: int, work: Callable[[], Awaitable[T]]) -> T:
        """An upload's check and storing (`work`), inside the validation time of `size` bytes."""
        return await self._within(self.validation_seconds(size), work)

    async def create_with_file(self, size: int, work: Callable[[], Awaitable[T]]) -> T:
        """The same for a create that carries its file: validation, storing, a limited queue."""
        async with self._create_slots:
            seconds = self.validation_seconds(size) + self.multipart_create_seconds
            return await self._within(seconds, work)

    @staticmethod
    async def _within(seconds: float, work: Callable[[], Awaitable[T]]) -> T:
        deadline = asyncio.get_running_loop().time() + seconds
        try:
            result = await work()
        except Exception:
            await sleep_until(deadline)  # a rejected file was validated too
            raise
        await sleep_until(deadline)
        return result
