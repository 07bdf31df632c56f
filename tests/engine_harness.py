"""A signed-in Engine on a real journal file against a sandbox: shared by the engine and the
reliability suites (both import it by name; tests/ is on sys.path via tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
    raise AssertionError(f"the sandbox has no workflow {name!r}")
