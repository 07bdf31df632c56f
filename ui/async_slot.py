"""`@async_slot(...)`: qasync's `asyncSlot` with the types it does not declare.

qasync ships no type information, so under `mypy --strict` every handler it decorates would
become untyped. This says what the decorator does: the coroutine function becomes a Qt slot
that starts it as a task on the running loop (errors go to `sys.excepthook`, which the app
turns into a dialog) and returns that task.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, cast

from qasync import asyncSlot

P = ParamSpec("P")


def async_slot(
    *signature: type,
) -> Callable[[Callable[P, Coroutine[Any, Any, None]]], Callable[P, asyncio.Task[None]]]:
    """`signature`: the slot's Qt argument types, as for `Slot` (none for `clicked` etc.)."""
    return cast(
        Callable[[Callable[P, Coroutine[Any, Any, None]]], Callable[P, "asyncio.Task[None]"]],
        asyncSlot(*signature),
    )
