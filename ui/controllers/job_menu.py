"""What can be done to the selected rows: the context menu, and the keys that do the same
(Enter compares, Delete removes).

Which entries exist and which are enabled is `ui.context_menu.menu_actions`, a plain function;
this controller shows its answer and carries out the chosen entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QPoint
from PySide6.QtGui import QGuiApplication

from app.domain.jobs import Job, JobState
from ui.context_menu import JobAction, MenuEntry, build_menu, menu_actions
from ui.controllers.context import WindowContext
from ui.controllers.review import ReviewController, viewer_available
from ui.desktop import open_file, show_in_folder
from ui.i18n import translate
from ui.job_model import JobTableModel
from ui.jobs_page import JobsPage


class JobMenuController(QObject):
    def __init__(
        self,
        context: WindowContext,
        model: JobTableModel,
        page: JobsPage,
        review: ReviewController,
    ) -> None:
        super().__init__(page)
        self._context = context
        self._model = model
        self._page = page
        self._review = review
        view = page.view
        view.customContextMenuRequested.connect(self._show_menu)
        view.doubleClicked.connect(lambda _index: self.compare_selected())
        view.activateRequested.connect(self.compare_selected)
        view.removeRequested.connect(self.remove_selected)

    def selected_jobs(self) -> list[Job]:
        return self._page.selected_jobs()

    def menu_entries(self, jobs: Sequence[Job]) -> list[MenuEntry | None]:
        any_failed = any(
            j.state.is_retryable and j.state is not JobState.CANCELLED for j in self._model.jobs()
        )
        return menu_actions(jobs, any_failed=any_failed, viewer_available=viewer_available())

    def _show_menu(self, pos: QPoint) -> None:
        jobs = self.selected_jobs()
        if not jobs:
            return

        def chosen(action: JobAction) -> None:
            self._context.spawn(self.run_action(action, jobs))

        menu = build_menu(self._page, self.menu_entries(jobs), chosen)
        menu.popup(self._page.view.viewport().mapToGlobal(pos))

    def compare_selected(self) -> None:
        self._review.compare(self._page.visible_jobs(), self.selected_jobs())

    def remove_selected(self) -> None:
        jobs = self.selected_jobs()
        if jobs:
            self._context.spawn(self.run_action(JobAction.REMOVE, jobs))

    async def run_action(self, action: JobAction, jobs: Sequence[Job]) -> None:
        """Do what a context-menu entry says for the given jobs (also used by shortcuts)."""
        engine = self._context.engine
        if action is JobAction.COMPARE:
            self.compare_selected()
        elif action is JobAction.OPEN_RESULT and jobs:
            open_file(jobs[0].output_path)
        elif action is JobAction.SHOW_IN_FOLDER and jobs:
            show_in_folder(jobs[0].output_path)
        elif action is JobAction.OPEN_ORIGINAL and jobs:
            open_file(jobs[0].input_path)
        elif action is JobAction.COPY_EXECUTION_ID:
            text = "\n".join(j.execution_id for j in jobs if j.execution_id)
            QGuiApplication.clipboard().setText(text)
            self._context.say(translate("JobMenuController", "Copied"))
        elif engine is None:
            return
        elif action is JobAction.RETRY:
            await engine.retry([j.id for j in jobs if j.state.is_retryable])
        elif action is JobAction.RETRY_ALL_FAILED:
            await engine.retry_failed()
        elif action is JobAction.REMOVE:
            await engine.remove([j.id for j in jobs if not j.state.is_active])
        elif action is JobAction.CANCEL:
            await engine.cancel([j.id for j in jobs if not j.state.is_final])
        self._context.changed.emit()
