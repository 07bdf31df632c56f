"""Everything the window works with for one server: session, journal, engine, settings.

The window holds exactly one Workspace at a time; switching server closes it and opens another.
Keeping this out of the window makes the start-up sequence one readable coroutine, and lets tests
open a workspace on an in-process sandbox without the child process `main.py` starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.api.servers import ServerProfile
from app.store import paths
from app.store.settings import Settings
from ui.i18n import translate

if TYPE_CHECKING:  # imported when first used: the window is on screen before they load
    from app.api.client import AutoretouchClient
    from app.api.models import Organization, Workflow
    from app.api.session import Session
    from app.engine.engine import Engine
    from app.store.journal import Journal

logger = logging.getLogger(__name__)


def sandbox_profile(url: str) -> ServerProfile:
    """A sandbox on whatever port it got; the name stays "sandbox" so the UI says so."""
    url = url.rstrip("/")
    return ServerProfile("sandbox", url, url)


def describe_server(profile: ServerProfile, org_name: str = "") -> str:
    if profile.is_sandbox:
        return translate("Workspace", "Sandbox: local, free")
    if profile.name == "autoretouch":
        return f"autoretouch: {org_name}" if org_name else "autoretouch"
    return f"{profile.api_url}" + (f" · {org_name}" if org_name else "")


class NotConnectedError(RuntimeError):
    """The workspace has no session yet, or no longer."""


@dataclass
class Workspace:
    profile: ServerProfile
    settings: Settings
    session: Session | None = None  # from connect() until aclose()
    journal: Journal | None = None  # from start_engine() until aclose()
    engine: Engine | None = None  # from start_engine() until aclose()
    org_id: str = ""
    organizations: list[Organization] = field(default_factory=list)
    workflows: list[Workflow] = field(default_factory=list)

    @property
    def signed_in(self) -> bool:
        return self.session is not None and self.session.signed_in

    @property
    def account(self) -> str:
        return self.session.account if self.session is not None else ""

    @property
    def client(self) -> AutoretouchClient:
        return self._session().client

    def _session(self) -> Session:
        if self.session is None:
            raise NotConnectedError(f"not connected to {self.profile.name}")
        return self.session

    async def connect(self) -> bool:
        """Create the session and restore a stored sign-in. True when signed in."""
        from app.api.session import Session
        from app.store.secrets import SecretStore

        self.session = Session(self.profile, secrets=SecretStore())
        restored = await self.session.restore()
        return bool(restored)

    async def sign_in_silently(self) -> None:
        """The sandbox approves device codes by itself: no dialog, no browser."""
        await self._session().sign_in_device_flow(lambda _code: None, open_browser=False)

    async def start_engine(self) -> None:
        """Journal + engine once signed in; reattach what a crash or quit left unfinished."""
        from app.engine.engine import Engine
        from app.store.journal import Journal

        await self.choose_organization()
        self.journal = Journal(paths.journal_path())
        self.engine = Engine(self.client, self.journal, self.settings)

    async def choose_organization(self) -> None:
        session = self._session()
        client = session.client
        try:
            self.organizations = await client.list_organizations()
        except Exception:
            logger.warning("could not list organizations", exc_info=True)
            self.organizations = []
        ids = [org.id for org in self.organizations]
        preferred = self.settings.organization_id
        if preferred in ids:
            self.org_id = preferred
        elif session.default_organization_id:
            self.org_id = session.default_organization_id
        elif ids:
            self.org_id = ids[0]

    def org_name(self) -> str:
        for org in self.organizations:
            if org.id == self.org_id:
                return str(org.name)
        return ""

    async def load_workflows(self) -> list[Workflow]:
        self.workflows = list(await self.client.list_workflows(self.org_id))
        return self.workflows

    async def balance(self) -> int:
        return await self.client.get_balance(self.org_id)

    async def aclose(self) -> None:
        """Drain the engine, then close HTTP and the journal; each step even if one fails."""
        steps: list[Callable[[], Awaitable[None]]] = []
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
