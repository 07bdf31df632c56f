"""Helpers shared by engine tests: a signed-in Engine against a sandbox, polling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from engine_harness import engine_for as engine_for  # re-exported for the suite
from engine_harness import workflow_id as workflow_id

WHITE_BACKGROUND = "Background to white"
CUTOUT = "Transparent cut-out"


async def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll a condition on the loop (never a fixed sleep as synchronisation)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)
