"""The execution status stream, in the vendor's server-sent-events format.

Each state is one event, `id:<S>\\nevent:<S>\\ndata:<S>\\n\\n` (no space after the colons, as
the vendor's example shows it). In "all" mode every change is sent, in "final-only" mode only
the final one (the vendor's documented example). The stream ends at a final state; the
`sse_cut` fault ends it just before. The `sse-*` dialect variants change the spelling within
what the SSE standard allows: a space after the colon, `retry:` fields, `:` comment lines.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from app.sandbox.dialect import SSE_RETRY_MS, Dialect
from app.sandbox.processing import CLOSING, ExecutionService
from app.sandbox.statuses import FINAL
from app.sandbox.store import Store

KEEP_ALIVE = b": keep-alive\n\n"


@dataclass(frozen=True)
class SseStyle:
    spaced: bool = False
    retry: bool = False
    comments: bool = False
    keepalive_seconds: float = 0.25

    @classmethod
    def of(cls, dialect: Dialect, keepalive_seconds: float) -> SseStyle:
        return cls(dialect.sse_spaced, dialect.sse_retry, dialect.sse_comments, keepalive_seconds)


DOCUMENTED = SseStyle()


def format_event(status: str, style: SseStyle = DOCUMENTED) -> bytes:
    colon = ": " if style.spaced else ":"
    retry = f"retry{colon}{SSE_RETRY_MS}\n" if style.retry else ""
    return f"{retry}id{colon}{status}\nevent{colon}{status}\ndata{colon}{status}\n\n".encode()


async def status_events(
    service: ExecutionService,
    store: Store,
    execution_id: str,
    *,
    final_only: bool,
    cut: bool,
    style: SseStyle = DOCUMENTED,
) -> AsyncIterator[bytes]:
    with service.watch(execution_id) as queue:
        row = store.execution(execution_id)
        status = row["status"] if row else CLOSING
        if style.comments:
            yield KEEP_ALIVE
        while status != CLOSING:
            final = status in FINAL
            if final and cut:
                return
            if final or not final_only:
                yield format_event(status, style)
            if final:
                return
            if style.comments:
                yield KEEP_ALIVE
                status = await _next_status(queue, style.keepalive_seconds)
                while status is None:  # still processing: the line is kept alive meanwhile
                    yield KEEP_ALIVE
                    status = await _next_status(queue, style.keepalive_seconds)
            else:
                status = await queue.get()


async def _next_status(queue: asyncio.Queue[str], timeout: float) -> str | None:
    """The next status, or None when none came within `timeout` (nothing is lost then)."""
    getter = asyncio.ensure_future(queue.get())
    try:
        await asyncio.wait({getter}, timeout=timeout)
    finally:
        if not getter.done():
            getter.cancel()  # a cancelled get takes nothing from the queue
    return getter.result() if getter.done() and not getter.cancelled() else None
