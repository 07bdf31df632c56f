"""Helpers shared by the API and CLI tests (imported by name: `conftest` is ambiguous across
suites; tests/ is on sys.path through tests/conftest.py)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Coroutine
from typing import Any, TypeVar

from app.api.retry import RetryPolicy
from app.api.servers import ServerProfile, resolve_server
from app.api.session import Session
from app.store.secrets import SecretStore

T = TypeVar("T")


def fast_retry(attempts: int = 6) -> RetryPolicy:
    """Real backoff arithmetic with tiny delays so bursts are retried in milliseconds."""
    return RetryPolicy(
        attempts=attempts,
        base_delay=0.005,
        max_delay=0.02,
        max_retry_after=0.05,
        rng=random.Random(7),
    )


def profile_for(sandbox: Any) -> ServerProfile:
    return resolve_server(sandbox.base_url)


def run(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    """Drive one coroutine to completion with a hard limit (no test may hang)."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


async def open_session(sandbox: Any, *, retry: RetryPolicy | None = None, **kwargs: Any) -> Session:
    """A session signed in by the device flow against an auto-approving sandbox."""
    session = Session(profile_for(sandbox), SecretStore(), retry=retry or fast_retry(), **kwargs)
    await session.sign_in_device_flow(lambda code: None, open_browser=False)
    return session
