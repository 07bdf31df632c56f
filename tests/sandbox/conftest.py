"""Fixtures of the sandbox contract suite (helpers live in `helpers.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .helpers import Api


@pytest.fixture
def api_factory() -> Iterator[Callable[[Any], Api]]:
    clients: list[Api] = []

    def make(sandbox: Any) -> Api:
        clients.append(Api(sandbox))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def api(sandbox: Any, api_factory: Callable[[Any], Api]) -> Api:
    return api_factory(sandbox)
