"""The execution status stream, in the vendor's server-sent-events format.

Each state is one event, `id:<S>\\nevent:<S>\\ndata:<S>\\n\\n` (no space after the colons, as
the vendor sends it). In "all" mode every change is sent, in "final-only" mode only the final
one (the vendor's documented example). The stream ends at a final state; the `sse_cut` fault
ends it just before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from app.sandbox.processing import CLOSING, ExecutionService
from app.sandbox.statuses import FINAL
from app.sandbox.store import Store


def format_event(status: str) -> bytes:
    return f"id:{status}\nevent:{status}\ndata:{status}\n\n".encode()


async def status_events(
    service: ExecutionService, store: Store, execution_id: str, *, final_only: bool, cut: bool
) -> AsyncIterator[bytes]:
    with service.watch(execution_id) as queue:
        row = store.execution(execution_id)
        status = row["status"] if row else CLOSING
        while status != CLOSING:
            final = status in FINAL
            if final and cut:
                return
            if final or not final_only:
                yield format_event(status)
            if final:
                return
            status = await queue.get()
