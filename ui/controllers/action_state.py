"""Which of the window's actions can be used now, and Pause's label (Pause or Resume).

`available_actions` decides from plain facts, so the rules read (and test) without widgets;
the controller gathers the facts and applies the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject

from app.domain.jobs import Job, JobState
from ui import icons
from ui.controllers.context import WindowContext
from ui.i18n import translate
from ui.job_model import JobTableModel
from ui.jobs_page import JobsPage
from ui.window_actions import WindowActions


@dataclass(frozen=True)
class AvailableActions:
    add: bool
    start: bool
    pause: bool
    cancel: bool
    retry_failed: bool
    clear_done: bool
    history: bool


def available_actions(
    jobs: Sequence[Job], *, connected: bool, paused: bool, has_workflow: bool, has_pending: bool
) -> AvailableActions:
    has_open = any(not j.state.is_final for j in jobs)
    failed = any(j.state in (JobState.FAILED, JobState.PAYMENT_REQUIRED) for j in jobs)
    finished = any(j.state in (JobState.DONE, JobState.SKIPPED) for j in jobs)
    return AvailableActions(
        add=connected,
        start=connected and has_workflow and (has_pending or paused),
        pause=connected and has_open,
        cancel=connected and has_open,
        retry_failed=connected and failed,
        clear_done=connected and finished,
        history=connected,
    )


class ActionStateController(QObject):
    def __init__(
        self,
        context: WindowContext,
        model: JobTableModel,
        actions: WindowActions,
        page: JobsPage,
        has_workflow: Callable[[], bool],
    ) -> None:
        super().__init__(page)
        self._context = context
        self._model = model
        self._actions = actions
        self._page = page
        self._has_workflow = has_workflow
        self._shown_paused = False

    def update(self) -> None:
        engine, queue = self._context.engine, self._context.batch_queue
        paused = engine is not None and engine.paused
        available = available_actions(
            self._model.jobs(),
            connected=engine is not None,
            paused=paused,
            has_workflow=self._has_workflow(),
            has_pending=bool(queue),
        )
        a = self._actions
        a.add_files.setEnabled(available.add)
        a.add_folder.setEnabled(available.add)
        a.start.setEnabled(available.start)
        a.pause.setEnabled(available.pause)
        a.cancel.setEnabled(available.cancel)
        a.retry_failed.setEnabled(available.retry_failed)
        a.clear_done.setEnabled(available.clear_done)
        a.history.setEnabled(available.history)
        self._page.retry_failed_button.setVisible(available.retry_failed)
        if paused != self._shown_paused:
            # Only on a change: a new icon re-lays out the toolbar, and this runs every tick.
            self._shown_paused = paused
            a.pause.setText(
                translate("ActionStateController", "Resume")
                if paused
                else translate("ActionStateController", "Pause")
            )
            a.pause.setIcon(icons.icon("start" if paused else "pause"))
