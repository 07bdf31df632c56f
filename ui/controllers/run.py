"""Running: Start (after the cost is confirmed), Pause/Resume, Cancel, Retry failed, Clear
finished."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from app.domain.jobs import JobState
from ui.async_slot import async_slot
from ui.controllers.context import WindowContext
from ui.dialogs.asking import ask
from ui.dialogs.confirm_run import ConfirmRunDialog
from ui.i18n import translate
from ui.job_model import JobTableModel

logger = logging.getLogger(__name__)


class RunController(QObject):
    def __init__(self, context: WindowContext, window: QWidget, model: JobTableModel) -> None:
        super().__init__(window)
        self._context = context
        self._window = window
        self._model = model
        self.confirm_runs = True  # off only where nobody can click (benchmarks)
        self.confirm_dialog: ConfirmRunDialog | None = None  # open, for tests

    @async_slot()
    async def start_clicked(self) -> None:
        await self.start_pending()

    async def start_pending(self) -> bool:
        """Confirm the cost of everything queued, then start it. False if the user declined
        or there was nothing to start (a paused engine is resumed either way)."""
        engine, queue = self._context.engine, self._context.batch_queue
        if engine is None or queue is None:
            return False
        confirmed = queue.pending()
        if not confirmed:
            if engine.paused:
                engine.resume_processing()
                self._context.changed.emit()
            return False
        if self.confirm_runs and not await self._confirm(confirmed):
            return False
        queue.start(confirmed)
        if engine.paused:
            engine.resume_processing()
        self._context.changed.emit()
        return True

    async def _confirm(self, batch_ids: list[str]) -> bool:
        queue = self._context.batch_queue
        assert queue is not None
        estimate = await queue.estimate(batch_ids)
        dialog = ConfirmRunDialog(estimate, queue.workflow_names(batch_ids), self._window)
        self.confirm_dialog = dialog
        try:
            return await ask(dialog) == ConfirmRunDialog.DialogCode.Accepted
        finally:
            self.confirm_dialog = None
            dialog.deleteLater()

    def pause_or_resume(self) -> None:
        engine = self._context.engine
        if engine is None:
            return
        if engine.paused:
            engine.resume_processing()
            self._context.say(translate("RunController", "Resumed"))
        else:
            engine.pause()
            self._context.say(
                translate("RunController", "Paused: jobs in flight finish, nothing new starts")
            )
        self._context.changed.emit()

    @async_slot()
    async def cancel_all(self) -> None:
        engine, queue = self._context.engine, self._context.batch_queue
        if engine is None:
            return
        ids = [j.id for j in self._model.jobs() if not j.state.is_final]
        if ids:
            await engine.cancel(ids)
        if queue is not None:
            queue.forget()
        self._context.changed.emit()

    @async_slot()
    async def retry_all_failed(self) -> None:
        engine = self._context.engine
        if engine is not None:
            await engine.retry_failed()

    def clear_finished(self) -> None:
        engine = self._context.engine
        done = [j.id for j in self._model.jobs() if j.state in (JobState.DONE, JobState.SKIPPED)]
        if engine is not None and done:
            self._context.spawn(engine.remove(done))
