"""Helpers shared by engine tests: a signed-in Engine against a sandbox, polling."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from app.api.servers import resolve_server
from app.api.session import Session
from app.engine.engine import Engine
from app.engine.events import Event
from app.store.journal import Journal
from app.store.secrets import SecretStore
from app.store.settings import Settings

WHITE_BACKGROUND = "Background to white"
CUTOUT = "Transparent cut-out"


@asynccontextmanager
async def engine_for(
    sandbox: Any, journal_path: Path, settings: Settings | None = None
) -> AsyncIterator[tuple[Engine, Session, list[Event]]]:
    """A signed-in session against `sandbox` and an Engine on a real journal file."""
    session = Session(resolve_server(sandbox.base_url), secrets=SecretStore())
    await session.sign_in_device_flow(on_code=lambda code: None, open_browser=False)
    journal = Journal(journal_path)
    engine = Engine(session.client, journal, settings or Settings())
    events: list[Event] = []
    engine.subscribe(events.append)
    try:
        yield engine, session, events
    finally:
        await engine.aclose()
        journal.close()
        await session.aclose()


async def workflow_id(session: Session, name: str) -> str:
    for workflow in await session.client.list_workflows(None):
        if workflow.name == name:
            return workflow.id
    raise AssertionError(f"sandbox has no workflow {name!r}")


async def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll a condition on the loop (never a fixed sleep as synchronisation)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)
