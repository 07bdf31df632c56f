"""The hot folder as the window runs it: watched with the current workflow and output
settings while the settings say so, its state always on the status bar.

The watch itself is the engine's `HotFolderService`; this controller starts and stops it and
shows what it reports, a failure included: the label never says "Watching …" for a watch that
has died.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ui.controllers.context import WindowContext
from ui.i18n import translate
from ui.status_bar import WindowStatusBar

if TYPE_CHECKING:
    from app.api.models import Workflow
    from app.engine.hotfolder_service import HotFolderService, HotFolderStatus
    from app.engine.options import RunOptions

logger = logging.getLogger(__name__)


class HotFolderController(QObject):
    def __init__(
        self,
        context: WindowContext,
        status_bar: WindowStatusBar,
        current_workflow: Callable[[], Workflow | None],
        run_options: Callable[[Workflow, str], RunOptions],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._status_bar = status_bar
        self._current_workflow = current_workflow
        self._run_options = run_options
        self._service: HotFolderService | None = None
        self._workflow_name = ""
        self.settle: float | None = None  # seconds a file must sit still; None: the default

    @property
    def status(self) -> HotFolderStatus | None:
        return self._service.status if self._service is not None else None

    def restart_soon(self) -> None:
        self._context.spawn(self.restart())

    async def restart(self) -> None:
        """Watch the hot folder from the settings with the current workflow, or stop
        watching when the settings say no (or there is nothing to watch with)."""
        settings = self._context.settings
        engine = self._context.engine
        workflow = self._current_workflow()
        folder = settings.hot_folder_path
        if engine is None or workflow is None or not settings.hot_folder_enabled or not folder:
            await self.stop()
            return
        if self._service is None:
            from app.engine.hotfolder_service import HotFolderService

            if self.settle is None:
                self._service = HotFolderService(engine, on_status=self._show)
            else:
                self._service = HotFolderService(engine, on_status=self._show, settle=self.settle)
        self._workflow_name = workflow.name
        self._service.start(Path(folder), self._run_options(workflow, "hotfolder"))

    def workflow_changed(self) -> None:
        """A running (or failed) watch follows the workflow picker."""
        status = self.status
        if status is not None and status.state != "off":
            self.restart_soon()

    async def stop(self) -> None:
        service = self._service
        if service is not None:
            await service.stop()
        self._status_bar.show_hot_folder("", "")

    async def close(self) -> None:
        """The workspace goes: its engine's watch goes with it."""
        await self.stop()
        self._service = None

    def _show(self, status: HotFolderStatus) -> None:
        if status.state == "watching" and status.folder is not None:
            self._status_bar.show_hot_folder(
                translate("HotFolderController", "Watching {name}").format(name=status.folder.name),
                translate(
                    "HotFolderController", "New images in {folder} are processed with {workflow}"
                ).format(folder=status.folder, workflow=self._workflow_name),
            )
        elif status.state == "failed":
            self._status_bar.show_hot_folder(f"⚠ {status.message}", status.message, failed=True)
            self._context.say(status.message)
        else:
            self._status_bar.show_hot_folder("", "")
