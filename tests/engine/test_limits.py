"""The stage limiter on anyio's CapacityLimiter: the guarantees the engine relies on that
tests/engine/test_live_concurrency.py does not already prove (raise, lower, FIFO and cancelled
waiters are proven there), and the library behaviour the adapter depends on."""

from __future__ import annotations

import asyncio
from importlib.metadata import version

import anyio
import pytest

from app.engine.limits import ResizableLimiter


async def _turns(n: int = 5) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


def test_anyio_hands_raised_tokens_to_waiters_before_they_run() -> None:
    # The adapter leans on this: a raised `total_tokens` counts the woken waiters as borrowers
    # at once (older anyio releases woke them and let them race newcomers for the token).
    major, minor = (int(part) for part in version("anyio").split(".")[:2])
    assert (major, minor) >= (4, 16), "pyproject pins the tested anyio range"

    async def go() -> None:
        tokens = anyio.CapacityLimiter(1)
        await tokens.acquire_on_behalf_of("holder")
        waiters = [asyncio.create_task(tokens.acquire_on_behalf_of(i)) for i in range(3)]
        await _turns()
        tokens.total_tokens = 3
        assert tokens.borrowed_tokens == 3  # holder + two waiters, before they have run
        assert tokens.statistics().tasks_waiting == 1
        with pytest.raises(anyio.WouldBlock):  # a newcomer does not overtake the third
            tokens.acquire_on_behalf_of_nowait("newcomer")
        for task in waiters:
            task.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)

    asyncio.run(go())


def test_one_task_may_hold_several_slots_and_a_callback_may_release_one() -> None:
    # anyio lends one token per task by default; the engine's limiter is a counting one.
    async def go() -> None:
        limiter = ResizableLimiter(2)
        await limiter.acquire()
        await limiter.acquire()
        assert limiter.in_flight == 2 and limiter.locked()
        released = asyncio.Event()

        def from_a_callback() -> None:  # as the hashing pool's done-callback does
            limiter.release()
            released.set()

        asyncio.get_running_loop().call_soon(from_a_callback)
        await released.wait()
        assert limiter.in_flight == 1
        limiter.release()
        assert limiter.in_flight == 0 and not limiter.locked()
        with pytest.raises(RuntimeError, match="released more often"):
            limiter.release()

    asyncio.run(go())


def test_ten_thousand_waiters_cancelled_at_once_leave_a_working_limiter() -> None:
    async def go() -> None:
        limiter = ResizableLimiter(1, "uploads")
        await limiter.acquire()
        waiters = [asyncio.create_task(limiter.acquire()) for _ in range(10_000)]
        await _turns(2)
        assert limiter.waiting == 10_000
        late = asyncio.create_task(limiter.acquire())  # queued behind all of them
        await _turns(2)
        for task in waiters:
            task.cancel()
        results = await asyncio.gather(*waiters, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results)
        assert limiter.waiting == 1 and limiter.in_flight == 1
        limiter.release()  # goes straight to the one waiter left
        await asyncio.wait_for(late, 5)
        assert limiter.in_flight == 1 and limiter.waiting == 0
        limiter.release()

    asyncio.run(go())


def test_limit_never_drops_below_one() -> None:
    async def go() -> None:
        limiter = ResizableLimiter(0)
        assert limiter.limit == 1
        limiter.set_limit(-3)
        assert limiter.limit == 1
        async with limiter:
            assert limiter.in_flight == 1

    asyncio.run(go())
