"""Everything the window works with for one server: session, journal, engine, settings.

The window holds exactly one Workspace at a time; switching server closes it and opens another.
Keeping this out of the window makes the start-up sequence one readable coroutine, and lets tests
open a workspace on an in-process sandbox without the child process `main.py` starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.api.servers import ServerProfile
from app.store import paths
from app.store.settings import Settings

logger = logging.getLogger(__name__)


def sandbox_profile(url: str) -> ServerProfile:
    """A sandbox on whatever port it got; the name stays "sandbox" so the UI says so."""
    url = url.rstrip("/")
    return ServerProfile("sandbox", url, url)


def describe_server(profile: ServerProfile, org_name: str = "") -> str:
    if profile.is_sandbox:
        return "Sandbox: local, free"
    if profile.name == "autoretouch":
        return f"autoretouch: {org_name}" if org_name else "autoretouch"
    return f"{profile.api_url}" + (f" · {org_name}" if org_name else "")


@dataclass
class Workspace:
    profile: ServerProfile
    settings: Settings
    session: Any = None  # app.api.session.Session
    journal: Any = None  # app.store.journal.Journal
    engine: Any = None  # app.engine.engine.Engine
    org_id: str = ""
    organizations: list[Any] = field(default_factory=list)
    workflows: list[Any] = field(default_factory=list)

    @property
    def client(self) -> Any:
        return self.session.client

    async def connect(self) -> bool:
        """Create the session and restore a stored sign-in. True when signed in."""
        from app.api.session import Session
        from app.store.secrets import SecretStore

        self.session = Session(self.profile, secrets=SecretStore())
        restored = await self.session.restore()
        return bool(restored)

    async def sign_in_silently(self) -> None:
        """The sandbox approves device codes by itself: no dialog, no browser."""
        await self.session.sign_in_device_flow(lambda _code: None, open_browser=False)

    async def start_engine(self) -> None:
        """Journal + engine once signed in; reattach what a crash or quit left unfinished."""
        from app.engine.engine import Engine
        from app.store.journal import Journal

        await self.choose_organization()
        self.journal = Journal(paths.journal_path())
        self.engine = Engine(self.session.client, self.journal, self.settings)

    async def choose_organization(self) -> None:
        client = self.session.client
        try:
            self.organizations = await client.list_organizations()
        except Exception:
            logger.warning("could not list organizations", exc_info=True)
            self.organizations = []
        ids = [org.id for org in self.organizations]
        preferred = self.settings.organization_id
        if preferred in ids:
            self.org_id = preferred
        elif self.session.default_organization_id:
            self.org_id = self.session.default_organization_id
        elif ids:
            self.org_id = ids[0]

    def org_name(self) -> str:
        for org in self.organizations:
            if org.id == self.org_id:
                return str(org.name)
        return ""

    async def load_workflows(self) -> list[Any]:
        self.workflows = list(await self.session.client.list_workflows(self.org_id))
        return self.workflows

    async def balance(self) -> int:
        return int(await self.session.client.get_balance(self.org_id))

    async def aclose(self) -> None:
        """Drain the engine, then close HTTP and the journal; each step even if one fails."""
        steps: list[Callable[[], Any]] = []
        if self.engine is not None:
            steps.append(self.engine.aclose)
        if self.session is not None:
            steps.append(self.session.aclose)
        for step in steps:
            try:
                await asyncio.wait_for(step(), 10)
            except Exception:
                logger.warning("error while closing", exc_info=True)
        if self.journal is not None:
            try:
                self.journal.close()
            except Exception:
                logger.warning("error closing the journal", exc_info=True)
        self.engine = None
        self.session = None
        self.journal = None
