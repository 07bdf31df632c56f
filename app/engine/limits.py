"""A concurrency limit that can be changed while work holds and waits for its slots.

asyncio.Semaphore fixes its size at birth, and resizing one means poking at its private
counter. The retoucher changes concurrency mid-batch (a saturated uplink, a faster line), so
the engine's stage limits are these instead:
- raising the limit hands the new slots to waiting tasks at once;
- lowering it takes nothing away: holders finish (a transfer is never interrupted, that could
  charge or send twice) and no waiter gets a slot until fewer than the new limit are held;
- waiters get slots strictly first come, first served, and a slot freed is handed to the next
  waiter directly, so a newcomer cannot overtake a task that has been waiting.

Loop-thread only, like everything else in the engine (no locks).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from types import TracebackType

log = logging.getLogger(__name__)


class ResizableLimiter:
    """Counting limiter: `async with limiter:` holds one of `limit` slots."""

    def __init__(self, limit: int, name: str = "") -> None:
        self._limit = max(1, limit)
        self._held = 0
        # Waiters in arrival order. One cancelled while waiting stays here, done, until a
        # hand-out skips it: removing it from the middle would cost O(n) per cancel, and
        # cancelling a 10,000-image batch cancels every waiter at once.
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._waiting = 0  # live (not done) entries of _waiters
        self.name = name

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def in_flight(self) -> int:
        """Slots held now; may exceed `limit` for a while just after it was lowered."""
        return self._held

    @property
    def waiting(self) -> int:
        return self._waiting

    def locked(self) -> bool:
        """True when `acquire` would wait."""
        return self._held >= self._limit or self.waiting > 0

    def set_limit(self, limit: int) -> None:
        """Change the limit now (at least 1); waiters start if the new limit has room."""
        limit = max(1, limit)
        if limit != self._limit:
            log.info(
                "%s limit %d -> %d (%d held)",
                self.name or "limiter",
                self._limit,
                limit,
                self._held,
            )
        self._limit = limit
        self._hand_out()

    async def acquire(self) -> None:
        if self._held < self._limit and not self._waiting:
            self._held += 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self._waiting += 1
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                # The slot was handed over just as this task was cancelled: pass it on.
                self.release()
            else:
                self._give_up(waiter)
            raise

    def release(self) -> None:
        if self._held <= 0:
            raise RuntimeError(f"{self.name or 'limiter'} released more often than acquired")
        self._held -= 1
        self._hand_out()

    def _hand_out(self) -> None:
        # The slot is counted as held before the waiter runs again, so nobody can take it
        # in between (that is what keeps the order fair).
        while self._waiters and self._held < self._limit:
            waiter = self._waiters.popleft()
            if waiter.done():  # cancelled while waiting; already uncounted or about to be
                continue
            self._held += 1
            self._waiting -= 1
            waiter.set_result(None)

    def _give_up(self, waiter: asyncio.Future[None]) -> None:
        """A waiter was cancelled before it got a slot."""
        waiter.cancel()  # done now, so a hand-out skips it
        self._waiting -= 1
        if not self._waiting:
            self._waiters.clear()  # only dead entries are left
        self._hand_out()

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
