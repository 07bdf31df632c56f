"""Fixtures for engine tests. Images: tests/corpus.py; engine helpers: engine_helpers.py."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def run_async() -> Callable[[Awaitable[Any]], Any]:
    def run(coro: Awaitable[Any]) -> Any:
        return asyncio.run(coro)  # type: ignore[arg-type]

    return run
