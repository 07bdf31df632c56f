"""Fixtures for the API client tests: a fast retry policy, signed-in sessions, clean logging."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from app.api.retry import RetryPolicy
from app.api.servers import ServerProfile, resolve_server
from app.api.session import Session
from app.store.secrets import SecretStore

T = TypeVar("T")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging() installs root handlers; remove them so tests do not leak files."""
    root = logging.getLogger()
    before = list(root.handlers)
    levels = {name: logging.getLogger(name).level for name in ("", "httpx", "httpcore")}
    yield
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


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


@pytest.fixture
def session_runner(sandbox: Any) -> Callable[..., Any]:
    """run_with_session(fn): sign in to the default sandbox, await fn(session), close it."""

    def run_with_session(work: Callable[[Session], Coroutine[Any, Any, T]], **kwargs: Any) -> T:
        async def go() -> T:
            session = await open_session(sandbox, **kwargs)
            try:
                return await work(session)
            finally:
                await session.aclose()

        return run(go())

    return run_with_session
