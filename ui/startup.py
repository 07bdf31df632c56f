"""The start-up sequence after the window is on screen, and switching servers later.

One coroutine, in the order a user would narrate it: which server, (start the local sandbox),
signed in already? (the sandbox signs in by itself), engine, show it. Errors end up in the
status bar and a dialog, never in a dead window.
"""

from __future__ import annotations

import logging
import os

from app.api.servers import SERVER_ENV, resolve_server
from app.store.settings import Settings
from ui.i18n import translate
from ui.main_window import MainWindow
from ui.qloop import settle_garbage
from ui.sandbox_process import SandboxProcess
from ui.workspace import Workspace, sandbox_profile

logger = logging.getLogger(__name__)


class NotSignedIn(Exception):
    """The user closed the sign-in dialog without signing in."""


class Startup:
    def __init__(
        self,
        window: MainWindow,
        settings: Settings,
        *,
        server: str | None = None,
        org: str | None = None,
        paths: list[str] | None = None,
    ) -> None:
        self.window = window
        self.settings = settings
        self.server = server or os.environ.get(SERVER_ENV) or settings.server or "sandbox"
        self.org = org
        self.paths = list(paths or [])
        self.sandbox: SandboxProcess | None = None
        window.set_server_switcher(self.switch)

    async def run(self) -> None:
        try:
            await self.open(self.server, queue=self.paths)
        except NotSignedIn:
            # Closing the sign-in dialog at start-up is not an error: work on the sandbox
            # this time, and keep asking for autoretouch only when the user switches back.
            self.window.say(
                translate(
                    "Startup", "Not signed in to {server}: working on the local sandbox"
                ).format(server=self.server)
            )
            await self.open("sandbox", queue=self.paths)
        except Exception as exc:
            logger.exception("start-up failed")
            text = translate("Startup", "Could not connect: {error}").format(error=exc)
            self.window.say(text)
            self.window.show_connection_state(translate("Startup", "Not connected"))
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self.window, "Retouch Desk", text)

    async def open(self, spec: str, queue: list[str] | None = None) -> Workspace:
        window = self.window
        if spec.lower() == "sandbox":
            window.show_connection_state(translate("Startup", "Starting the local sandbox…"))
            if self.sandbox is None or not self.sandbox.running():
                self.sandbox = SandboxProcess(parent=window)
                await self.sandbox.start()
            profile = sandbox_profile(self.sandbox.url)
        else:
            profile = resolve_server(spec)
        workspace = Workspace(profile, self.settings)
        window.show_connection_state(translate("Startup", "Signing in…"))
        signed_in = await workspace.connect()
        if self.org and workspace.session is not None:
            workspace.session.organization_override = self.org
        if not signed_in:
            if profile.is_sandbox:
                await workspace.sign_in_silently()
            else:
                if not await window.sign_in_to(workspace):
                    await workspace.aclose()
                    window.show_connection_state(translate("Startup", "Not signed in"))
                    raise NotSignedIn(profile.name)
        await workspace.start_engine()
        await window.attach(workspace, queue or [])
        settle_garbage()
        if os.environ.get("RETOUCHDESK_STARTUP_PROBE"):
            # Read by tests and benches that launch the real executable.
            print(f"WORKSPACE_READY {window.model.rowCount()}", flush=True)  # noqa: T201
        return workspace

    async def switch(self, spec: str) -> None:
        """Close the current server's workspace and open another (from the account dialog)."""
        await self.window.detach()
        if spec.lower() != "sandbox" and self.sandbox is not None:
            self.sandbox.stop()
        try:
            await self.open(spec)
        except NotSignedIn:
            self.window.say(
                translate("Startup", "Not signed in to {server}: back on the local sandbox").format(
                    server=spec
                )
            )
            await self.open("sandbox")
            spec = "sandbox"
        # Remembered only once it worked: the next start opens where the user is now.
        self.settings.server = spec
        self.settings.save()

    async def shutdown(self) -> None:
        try:
            await self.window.detach()
        finally:
            if self.sandbox is not None:
                self.sandbox.stop()
