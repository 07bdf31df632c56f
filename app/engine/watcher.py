"""Follow an execution's status until it reaches a final state.

The status stream (SSE) is the cheap way: one open request, answers as soon as the status
changes. But a server may stream only the final status, a stream may close early or break, and
IN_QA can last for hours. So:
- the stream is used while it works (reconnect with exponential backoff when it ends early);
- after each stream ends, the execution is re-read: the truth is the execution, not the stream;
- the number of open streams is bounded (each holds a connection, on the server too). When every
  slot is taken, a job waits for one: slots free up as executions finish, roughly in the order
  the server works through its queue, so the waiting ones are mostly queued there. While it
  waits it re-reads the execution now and then, at a growing interval (it may finish first, or
  the slots may be held by hours of IN_QA): polling hundreds of queued executions every few
  seconds was most of a big batch's requests;
- after a few broken streams in a row it polls instead, slowly, and keeps trying the stream
  again later.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from contextlib import aclosing

from app.api.client import AutoretouchClient
from app.api.errors import ProtocolViolationError, TransientError
from app.api.models import Execution, is_final_status
from app.engine.limits import ResizableLimiter

log = logging.getLogger(__name__)

StatusCallback = Callable[[str], Awaitable[None]]


class StatusWatcher:
    def __init__(
        self,
        client: AutoretouchClient,
        stream_slots: int = 32,
        *,
        max_stream_failures: int = 3,
        slot_wait_min: float = 2.0,
        slot_wait_max: float = 10.0,
    ) -> None:
        self._client = client
        self._slots = ResizableLimiter(stream_slots, "status streams")
        self._max_failures = max_stream_failures
        self._slot_wait_min = slot_wait_min
        self._slot_wait_max = slot_wait_max

    def resize(self, stream_slots: int) -> None:
        """At most this many streams from now on: more start at once, and when lowered the
        open ones are not cut (each ends with its execution) while new ones wait."""
        self._slots.set_limit(stream_slots)

    async def wait_final(
        self,
        execution_id: str,
        org_id: str,
        on_status: StatusCallback,
        *,
        just_created: bool = False,
    ) -> Execution:
        """Return the execution once COMPLETED, FAILED or PAYMENT_REQUIRED.

        `just_created`: this process created it a moment ago, so its status is known (CREATED)
        and the first read is skipped; the stream (or polling) starts at once. A resumed or
        retried execution is always read first.
        Raises AuthError / NotFoundError (not worth waiting out); transient trouble is waited out.
        """
        failures = 0
        polls = 0
        slot_wait = self._slot_wait_min
        skip_read = just_created
        while True:
            execution = None if skip_read else await self._read(execution_id, org_id)
            skip_read = False
            if execution is not None:
                await on_status(execution.status)
                if execution.is_final:
                    return execution
            if failures < self._max_failures:
                if not await self._take_slot(slot_wait):
                    slot_wait = min(self._slot_wait_max, slot_wait * 2)
                    continue  # no slot yet: read the execution, then wait again
                try:
                    final_seen = await self._follow_stream(execution_id, org_id, on_status)
                finally:
                    self._slots.release()
                if final_seen:
                    failures = 0
                    continue  # re-read for the result fields
                failures += 1
                await asyncio.sleep(self._client.retry_policy.stream_delay(failures))
            else:
                # Polling: streams keep failing. Try streaming again
                # now and then, since the failures may have been a passing network problem.
                polls += 1
                await asyncio.sleep(self._client.retry_policy.stream_delay(polls))
                if failures >= self._max_failures and random.random() < 0.2:
                    failures = self._max_failures - 1

    async def _take_slot(self, timeout: float) -> bool:
        """A stream slot, waiting at most about `timeout` seconds for one (False: none came)."""
        if not self._slots.locked():
            await self._slots.acquire()  # free: returns at once
            return True
        try:
            async with asyncio.timeout(timeout * random.uniform(0.8, 1.2)):
                await self._slots.acquire()
        except TimeoutError:
            return False
        return True

    async def _read(self, execution_id: str, org_id: str) -> Execution | None:
        try:
            return await self._client.get_execution(execution_id, org_id)
        except (TransientError, ProtocolViolationError) as exc:
            log.info("reading execution %s failed (%s); will try again", execution_id, exc)
            return None

    async def _follow_stream(
        self, execution_id: str, org_id: str, on_status: StatusCallback
    ) -> bool:
        """True when the stream delivered a final status."""
        try:
            # Closed here, not whenever the generator is collected: its connection goes back
            # to the pool (or is closed) before the next stream needs one.
            async with aclosing(self._client.stream_status(execution_id, org_id)) as stream:
                async for status in stream:
                    await on_status(status)
                    if is_final_status(status):
                        return True
        except (TransientError, ProtocolViolationError) as exc:
            log.info("status stream of %s failed: %s", execution_id, exc)
        return False
