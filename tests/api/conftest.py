"""Fixtures for the API client tests: a fast retry policy, signed-in sessions, clean logging."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from api_helpers import open_session, run

from app.api.session import Session

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
