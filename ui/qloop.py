"""The qasync event loop, with the async-generator care that qasync leaves out.

asyncio's own loops install two hooks while they run (`sys.set_asyncgen_hooks`, PEP 525): one
notes every async generator that starts, the other hands one that is garbage-collected
unfinished back to the loop, which closes it with `aclose()` as a task. qasync runs Qt's loop
instead of asyncio's and installs neither (0.28 included), so a status stream abandoned mid-way
would be closed by the collector outside the loop, where its connection's clean-up cannot await
and fails. Our own code closes the streams it reads explicitly (`contextlib.aclosing`); these
hooks are the net under library code that does not, built on public APIs only: the hooks
interface, `call_soon_threadsafe` and `create_task`.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import weakref
from collections.abc import AsyncGenerator
from typing import Any

from PySide6.QtWidgets import QApplication
from qasync import QEventLoop

AnyAsyncGenerator = AsyncGenerator[Any, Any]


class AppEventLoop(QEventLoop):  # type: ignore[misc]  # qasync ships no type information
    """A qasync loop that closes abandoned async generators on itself, and the unfinished
    ones when it shuts down (`shutdown_asyncgens`, as `asyncio.run` does)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        # In the order they started (a dict keeps it): an outer generator starts before the
        # ones it reads, and closing it first closes those the way it means to.
        self._started_generators: weakref.WeakKeyDictionary[AnyAsyncGenerator, None] = (
            weakref.WeakKeyDictionary()
        )
        self._closing_generators: set[asyncio.Task[None]] = set()
        self._hooks_before = sys.get_asyncgen_hooks()
        sys.set_asyncgen_hooks(firstiter=self._generator_started, finalizer=self._abandoned)

    def _generator_started(self, generator: AnyAsyncGenerator) -> None:
        self._started_generators[generator] = None

    def _abandoned(self, generator: AnyAsyncGenerator) -> None:
        # Called by the collector, possibly on a worker thread: only hand it over.
        self._started_generators.pop(generator, None)
        if not self.is_closed():
            self.call_soon_threadsafe(self._close_abandoned, generator)

    def _close_abandoned(self, generator: AnyAsyncGenerator) -> None:
        task: asyncio.Task[None] = self.create_task(generator.aclose())
        self._closing_generators.add(task)  # a task nobody holds may be collected unfinished
        task.add_done_callback(self._closing_generators.discard)

    async def shutdown_asyncgens(self) -> None:
        """Close every async generator still open (the public loop method, done over our
        own bookkeeping)."""
        generators = list(self._started_generators)
        self._started_generators.clear()
        # One at a time, outermost first: closed together, an inner generator would be closed
        # twice at once, by its reader and by us.
        for generator in generators:
            try:
                await generator.aclose()
            except Exception as exc:
                self.call_exception_handler(
                    {
                        "message": f"an error occurred closing {generator!r} at shutdown",
                        "exception": exc,
                        "asyncgen": generator,
                    }
                )

    def close(self) -> None:
        super().close()
        if sys.get_asyncgen_hooks() == (self._generator_started, self._abandoned):
            sys.set_asyncgen_hooks(*self._hooks_before)


def make_loop(app: QApplication) -> AppEventLoop:
    loop = AppEventLoop(app)
    asyncio.set_event_loop(loop)
    return loop


def settle_garbage() -> None:
    """Move everything alive after start-up out of the collector's sight.

    A full (generation 2) collection walks every object; after start-up that is mostly
    modules, Qt wrappers and classes that live forever, and one walk stalled the GUI for
    50-80 ms in the streaming benchmark. Frozen objects are skipped by later collections.
    """
    gc.collect()
    gc.freeze()
