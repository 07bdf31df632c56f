"""A concurrency limit that can be changed while work holds and waits for its slots.

The retoucher changes concurrency mid-batch (a saturated uplink, a faster line), so the
engine's stage limits must be resizable while jobs hold and wait for slots, with these
guarantees (each proven in tests/engine/test_limits.py):
- raising the limit hands the new slots to waiting tasks at once;
- lowering it takes nothing away: holders finish (a transfer is never interrupted, that could
  charge or send twice) and no waiter gets a slot until fewer than the new limit are held;
- waiters get slots strictly first come, first served, and a slot freed is handed to the next
  waiter directly, so a newcomer cannot overtake a task that has been waiting;
- cancelling waiters is cheap (a 10,000-image batch cancels every waiter at once).

`anyio.CapacityLimiter` keeps all four (its `total_tokens` is writable and hands tokens over
before the waiter runs), so it does the work. This class only adapts it to the engine's
counting-semaphore surface: anyio lends one token per *borrower* (by default the current task),
while the engine acquires in one place and may release in another (the hashing pool frees a
slot from a thread's done-callback, where there is no task), so every acquire borrows on behalf
of a token object of its own.

Loop-thread only, like everything else in the engine.
"""

from __future__ import annotations

import logging
from types import TracebackType

import anyio

log = logging.getLogger(__name__)


class ResizableLimiter:
    """Counting limiter: `async with limiter:` holds one of `limit` slots."""

    def __init__(self, limit: int, name: str = "") -> None:
        self._tokens = anyio.CapacityLimiter(max(1, limit))
        # Tokens are interchangeable: a release gives back any one of them.
        self._held: list[object] = []
        self.name = name

    @property
    def limit(self) -> int:
        return int(self._tokens.total_tokens)

    @property
    def in_flight(self) -> int:
        """Slots held now; may exceed `limit` for a while just after it was lowered."""
        return self._tokens.borrowed_tokens

    @property
    def waiting(self) -> int:
        return self._tokens.statistics().tasks_waiting

    def locked(self) -> bool:
        """True when `acquire` would wait."""
        return self.in_flight >= self.limit or self.waiting > 0

    def set_limit(self, limit: int) -> None:
        """Change the limit now (at least 1); waiters start if the new limit has room."""
        limit = max(1, limit)
        if limit != self.limit:
            log.info(
                "%s limit %d -> %d (%d held)",
                self.name or "limiter",
                self.limit,
                limit,
                self.in_flight,
            )
        self._tokens.total_tokens = limit

    async def acquire(self) -> None:
        token = object()
        await self._tokens.acquire_on_behalf_of(token)
        self._held.append(token)

    def release(self) -> None:
        if not self._held:
            raise RuntimeError(f"{self.name or 'limiter'} released more often than acquired")
        self._tokens.release_on_behalf_of(self._held.pop())

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
