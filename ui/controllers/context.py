"""What the window's controllers share: settings, the open workspace, background tasks and
one way to say something in the status bar.

The window holds one workspace at a time (a server, its session, journal and engine); every
controller reads it from here instead of from the window, so none needs the window itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app.store.settings import Settings
from ui.i18n import translate
from ui.workspace import Workspace

if TYPE_CHECKING:  # loaded with the first workspace: the window shows before they load
    from app.engine.batch_queue import BatchQueue
    from app.engine.engine import Engine

logger = logging.getLogger(__name__)


class WindowContext(QObject):
    message = Signal(str)  # a passing line for the status bar
    changed = Signal()  # something the window's actions depend on changed

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.workspace: Workspace | None = None
        # The batches a Start will start; one per engine, so it goes with the workspace.
        self.batch_queue: BatchQueue | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def engine(self) -> Engine | None:
        return self.workspace.engine if self.workspace is not None else None

    def say(self, text: str) -> None:
        self.message.emit(text)

    def save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as exc:
            self.say(
                translate("WindowContext", "Could not save settings: {error}").format(error=exc)
            )

    # --- the workspace ----------------------------------------------------------------------
    def open(self, workspace: Workspace) -> None:
        from app.engine.batch_queue import BatchQueue

        self.workspace = workspace
        engine = workspace.engine
        self.batch_queue = BatchQueue(engine) if engine is not None else None

    def close(self) -> Workspace | None:
        """Forget the workspace and hand it back for closing."""
        workspace, self.workspace, self.batch_queue = self.workspace, None, None
        return workspace

    # --- background tasks -------------------------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run a coroutine as a task kept alive until it ends; its error is shown."""
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            logger.error("action failed", exc_info=exc)
            self.say(translate("WindowContext", "Error: {error}").format(error=exc))

    async def wait_idle(self) -> None:
        """Let started tasks finish (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def cancel_tasks(self) -> None:
        for task in list(self._tasks):
            task.cancel()
