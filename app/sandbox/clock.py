"""Timestamps in the two formats the vendor uses, and waiting for a moment on the loop's clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime


def iso_ms(moment: datetime | None = None) -> str:
    """Execution and batch times: ISO 8601 with ms and `Z` ("2020-08-04T16:21:56.305Z")."""
    moment = moment or datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def spring_timestamp(moment: datetime | None = None) -> str:
    """Error bodies: Spring's format ("2020-09-16T21:09:15.863+00:00")."""
    moment = moment or datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


async def sleep_until(deadline: float) -> None:
    """Sleeps until the running loop's clock reads `deadline` (at once if it has passed).

    Simulated server work is a deadline set when the work starts, with the real work (a
    rendering, a validation) done before the sleep: the real work runs inside the simulated
    time instead of being added to it.
    """
    remaining = deadline - asyncio.get_running_loop().time()
    if remaining > 0:
        await asyncio.sleep(remaining)
