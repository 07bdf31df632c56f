"""`asyncio.run` on the fastest event loop this platform has.

The command line and the sandbox spend much of their CPU in the event loop itself (scheduling
callbacks, socket reads and writes for hundreds of concurrent requests). uvloop does that work
in C, and asyncio's API is unchanged. It does not exist on Windows, where the standard loop
runs. The window is not affected: its loop is Qt's (qasync).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop factory when it is installed, else None (asyncio's default loop)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(coro: Coroutine[Any, Any, T]) -> T:
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(coro)
