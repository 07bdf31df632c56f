"""The review page in the window: Jobs and Review side by side as tabs, and what the grid's
verbs do (marks, the viewer at a cell and back, re-runs, delivery, opening a past batch).

Every verb is the engine's (`Engine.set_review`, `estimate_rerun`, `rerun`, `deliver`,
`open_batch`), the same calls the CLI's `review`, `rerun` and `deliver` make; the dialogs only
ask. The page shows the window's one job model, so a mark shows in the table at once too.
"""

from __future__ import annotations

import contextlib
import logging
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTabWidget, QWidget

from app.domain.jobs import Job, JobState, Review
from ui.async_slot import async_slot
from ui.controllers.context import WindowContext
from ui.controllers.review import ReviewController
from ui.dialogs.asking import ask
from ui.i18n import Plural, translate
from ui.job_model import JobTableModel
from ui.jobs_page import JobsPage
from ui.review.filters import is_result
from ui.review.page import ReviewPage
from ui.window_actions import make_action, on_trigger
from ui.window_state import window_settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.api.models import Workflow
    from ui.dialogs.deliver import DeliverDialog
    from ui.dialogs.rerun import RerunDialog
    from ui.review.open_batch import OpenBatchDialog

logger = logging.getLogger(__name__)

JOBS_TAB, REVIEW_TAB = 0, 1
ADVANCE_KEY, CELL_KEY, DELIVERY_KEY = "review/advance", "review/cell", "review/delivery_folder"


class ReviewPageController(QObject):
    def __init__(
        self,
        context: WindowContext,
        window: QWidget,
        model: JobTableModel,
        jobs_page: JobsPage,
        review: ReviewController,
        current_workflow: Callable[[], Workflow | None],
    ) -> None:
        super().__init__(window)
        self._context = context
        self._window = window
        self._model = model
        self._review = review
        self._jobs_page = jobs_page
        self._current_workflow = current_workflow
        self._viewer_watched = False
        self._viewer_from_grid = False
        # Open dialogs, for tests (and so a second click does not open a second one).
        self.rerun_dialog: RerunDialog | None = None
        self.deliver_dialog: DeliverDialog | None = None
        self.open_batch_dialog: OpenBatchDialog | None = None

        self.page = ReviewPage(model)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("centralTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName(translate("ReviewPageController", "Jobs and review"))
        self.tabs.addTab(jobs_page, translate("ReviewPageController", "Jobs"))
        self.tabs.addTab(self.page, translate("ReviewPageController", "Review"))
        self.show_jobs_action = make_action(
            window, translate("ReviewPageController", "Show jobs"), None, "Ctrl+1"
        )
        self.show_review_action = make_action(
            window, translate("ReviewPageController", "Show review"), None, "Ctrl+2"
        )
        on_trigger(self.show_jobs_action, lambda: self.show_tab(JOBS_TAB))
        on_trigger(self.show_review_action, lambda: self.show_tab(REVIEW_TAB))
        self._restore_choices()

        page = self.page
        page.markRequested.connect(self.mark)
        page.acceptAndNextRequested.connect(self.accept_and_next)
        page.activateRequested.connect(self.open_viewer)
        page.rerunRequested.connect(self.rerun_rejected)
        page.deliverRequested.connect(self.deliver)
        page.openBatchRequested.connect(self.open_batch)
        page.feedbackToggled.connect(self._feedback_toggled)
        page.advance.toggled.connect(lambda on: window_settings().setValue(ADVANCE_KEY, on))
        page.size_slider.valueChanged.connect(lambda v: window_settings().setValue(CELL_KEY, v))
        self.tabs.currentChanged.connect(self._tab_changed)
        window.installEventFilter(self)  # its closing closes the page's dialogs

    def _restore_choices(self) -> None:
        store = window_settings()
        advance = store.value(ADVANCE_KEY)
        if advance is not None:
            self.page.advance.setChecked(str(advance).lower() in ("true", "1"))
        cell = store.value(CELL_KEY)
        if cell is not None:
            with contextlib.suppress(ValueError):  # a hand-edited file: the default stays
                slider = self.page.size_slider
                side = min(max(int(str(cell)), slider.minimum()), slider.maximum())
                self.page.set_cell_side(side)
        self.page.feedback.setChecked(self._context.settings.review_feedback)

    # --- the tabs ---------------------------------------------------------------------------
    def show_tab(self, index: int) -> None:
        """Ctrl+1 / Ctrl+2: the page, with the keyboard on its list, also when it was shown
        already (the keys of a page work only with the focus on it)."""
        shown = self.tabs.currentIndex() == index
        self.tabs.setCurrentIndex(index)
        if index == JOBS_TAB:
            self._jobs_page.focus_list()
        elif shown:
            self.page.focus_cells()

    def _tab_changed(self, index: int) -> None:
        if index != REVIEW_TAB:
            return
        page = self.page
        page.refresh_counts()
        if not page.grid.currentIndex().isValid() and page.proxy.rowCount():
            page.select_row(0)
        page.focus_cells()

    # --- marks ------------------------------------------------------------------------------
    @async_slot(object)
    async def mark(self, review: Review) -> None:
        await self._mark(review, advance=self.page.advance.isChecked())

    @async_slot()
    async def accept_and_next(self) -> None:
        """Shift+P (Lightroom's): accept, and on to the next cell whatever the option says."""
        await self._mark(Review.ACCEPTED, advance=True)

    async def _mark(self, review: Review, *, advance: bool) -> None:
        engine = self._context.engine
        jobs = self.page.selected_jobs()
        if review is not Review.NONE:  # only a saved result has anything to judge (as the CLI)
            jobs = [job for job in jobs if job.state is JobState.DONE]
        if engine is None or not jobs:
            return
        if advance and len(jobs) == 1:
            # At once, not when the journal answers: the next key already goes to the next cell.
            self.page.advance_from(jobs[0].id)
        await engine.set_review([job.id for job in jobs], review)

    def _feedback_toggled(self, on: bool) -> None:
        settings = self._context.settings
        if settings.review_feedback == on:
            return
        settings.review_feedback = on  # the engine sends a rejection's thumbs down by it
        engine = self._context.engine
        if engine is not None:
            engine.apply_settings(settings)
        self._context.save_settings()

    # --- the viewer, and back to the cell ---------------------------------------------------
    def open_viewer(self) -> None:
        current = self.page.current_job()
        if current is None:
            return
        self._review.compare(self.page.proxy.jobs(), [current])
        viewer = self._review.viewer_window
        if viewer is None:
            return
        self._viewer_from_grid = True
        if not self._viewer_watched:
            viewer.installEventFilter(self)
            self._viewer_watched = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close:
            self.close_dialogs()
            return super().eventFilter(watched, event)
        viewer = self._review.viewer_window
        if (
            viewer is not None
            and watched is viewer
            and event.type() == QEvent.Type.Close
            and self._viewer_from_grid
        ):
            self._viewer_from_grid = False
            item = viewer.viewer.current_item()
            self.return_to(item.job_id if item is not None else "")
        return super().eventFilter(watched, event)

    def return_to(self, job_id: str) -> None:
        """Back in the window, at the cell of the image the viewer showed last."""
        self.show_tab(REVIEW_TAB)
        if job_id:
            self.page.select_job(job_id)
        self._window.activateWindow()
        self.page.focus_cells()

    # --- re-run -----------------------------------------------------------------------------
    def _rejected(self) -> list[Job]:
        return [j for j in self._model.jobs() if is_result(j) and j.review is Review.REJECTED]

    @async_slot()
    async def rerun_rejected(self) -> None:
        from ui.dialogs.rerun import RerunDialog

        ws, engine = self._context.workspace, self._context.engine
        rejected = [job.id for job in self._rejected()]
        if ws is None or engine is None:
            return
        if not rejected:
            self._context.say(translate("ReviewPageController", "No rejected results to re-run"))
            return
        if self.rerun_dialog is not None:
            self.rerun_dialog.raise_()
            return
        current = self._current_workflow()
        dialog = RerunDialog(ws.workflows, current.id if current else "", self._window)
        dialog.estimateWanted.connect(
            lambda workflow_id, version: self._estimate_rerun(
                dialog, rejected, workflow_id, version
            )
        )
        self.rerun_dialog = dialog
        try:
            dialog.ask_estimate()
            if await ask(dialog) != RerunDialog.DialogCode.Accepted:
                return
            workflow_id, version = dialog.choice()
            going = await engine.rerun(rejected, workflow_id, version or None)
            self._context.say(Plural.tr("Re-running %Ln image(s)", "", len(going)))
        finally:
            self.rerun_dialog = None
            dialog.deleteLater()

    def _estimate_rerun(
        self, dialog: RerunDialog, job_ids: list[str], workflow_id: str, version: str
    ) -> None:
        engine = self._context.engine
        if engine is None:
            return

        async def estimate() -> None:
            try:
                found = await engine.estimate_rerun(job_ids, workflow_id, version or None)
            except Exception as exc:  # shown in the dialog: the user may pick another workflow
                logger.warning("re-run estimate failed: %s", exc, exc_info=True)
                if self.rerun_dialog is dialog:
                    dialog.show_estimate_error(workflow_id, str(exc))
                return
            if self.rerun_dialog is dialog:  # not closed (or its window) while it was asked
                dialog.show_estimate(workflow_id, found)

        self._context.spawn(estimate())

    # --- delivery ---------------------------------------------------------------------------
    @async_slot()
    async def deliver(self) -> None:
        from ui.dialogs.deliver import DeliverDialog

        if self._context.engine is None:
            return
        if self.deliver_dialog is not None:
            self.deliver_dialog.raise_()
            return
        settings = self._context.settings
        folder = str(window_settings().value(DELIVERY_KEY) or "")
        if not folder:
            base = Path(settings.output_folder) if settings.output_folder else Path.home()
            folder = str(base / "delivery")
        dialog = DeliverDialog(folder, self._window)
        dialog.deliverWanted.connect(partial(self._deliver_to, dialog))
        self.deliver_dialog = dialog
        try:
            await ask(dialog)
        finally:
            self.deliver_dialog = None
            dialog.deleteLater()

    def _deliver_to(
        self, dialog: DeliverDialog, folder: str, accepted_only: bool, template: str
    ) -> None:
        engine = self._context.engine
        if engine is None:
            return
        ids = [job.id for job in self._model.jobs() if is_result(job)]

        async def deliver() -> None:
            from app.engine.delivery import DeliveryError
            from app.engine.naming import NamingError

            try:
                report = await engine.deliver(
                    ids,
                    Path(folder).expanduser(),
                    accepted_only=accepted_only,
                    name_template=template or None,
                )
            except (NamingError, DeliveryError) as exc:
                if self.deliver_dialog is dialog:
                    dialog.show_error(str(exc))
                return
            window_settings().setValue(DELIVERY_KEY, folder)
            if self.deliver_dialog is dialog:  # the copies are made; the dialog may be gone
                dialog.show_report(report)

        dialog.set_busy()
        self._context.spawn(deliver())

    # --- a past batch -----------------------------------------------------------------------
    @async_slot()
    async def open_batch(self) -> None:
        from ui.review.open_batch import OpenBatchDialog

        engine = self._context.engine
        if engine is None or self.open_batch_dialog is not None:
            return
        journal = engine.journal
        batches = await journal.run(partial(journal.batches, limit=200))
        dialog = OpenBatchDialog(batches, self._window)
        self.open_batch_dialog = dialog
        try:
            if await ask(dialog) != OpenBatchDialog.DialogCode.Accepted:
                return
            batch_id = dialog.chosen_id()
        finally:
            self.open_batch_dialog = None
            dialog.deleteLater()
        if not batch_id:
            return
        try:
            jobs = await engine.open_batch(batch_id)
        except LookupError as exc:
            self._context.say(str(exc))
            return
        self._context.say(Plural.tr("Opened a batch of %Ln image(s)", "", len(jobs)))
        self.show_tab(REVIEW_TAB)
        # Back from the dialog with the keyboard on the page: its cells take it as they come.
        self._window.activateWindow()
        self.page.focus_cells()

    def close_dialogs(self) -> None:
        """Answer the open dialogs with Cancel: their coroutines end as if the user had said
        so, while the window and the engine they use still exist (a dialog left open would
        be deleted with the window under its awaiting coroutine)."""
        for dialog in (self.rerun_dialog, self.deliver_dialog, self.open_batch_dialog):
            if dialog is not None:
                dialog.reject()

    def shutdown(self) -> None:
        self.close_dialogs()
        self.page.shutdown()
