"""Review: the before/after viewer over the finished rows, and what it asks for (a verdict,
feedback to the server, a retry, the result opened or shown in its folder).

The viewer window is made once and kept: opening it again keeps its mode, zoom and geometry
(the geometry also across restarts, with the window's own state).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt

from app.domain.jobs import Job, JobState, Review
from ui.async_slot import async_slot
from ui.controllers.context import WindowContext
from ui.desktop import open_file, show_in_folder
from ui.i18n import translate
from ui.job_model import JobTableModel
from ui.window_state import window_settings

if TYPE_CHECKING:
    from ui.viewer import ViewerItem, ViewerWindow

logger = logging.getLogger(__name__)


def viewer_available() -> bool:
    try:
        import ui.viewer  # noqa: F401
    except Exception:  # a broken install must not take the window down with it
        logger.warning("the before/after viewer cannot be loaded", exc_info=True)
        return False
    return True


def viewer_items(jobs: Sequence[Job]) -> list[ViewerItem]:
    from ui.viewer import ViewerItem

    return [
        ViewerItem(
            job_id=j.id,
            original_path=j.input_path,
            result_path=j.output_path,
            title=j.name,
            status=j.state.value,
            credits=j.credits,
            review=j.review.value,
        )
        for j in jobs
    ]


class ReviewController(QObject):
    def __init__(self, context: WindowContext, model: JobTableModel, parent: QObject) -> None:
        super().__init__(parent)
        self._context = context
        self._model = model
        self.viewer_window: ViewerWindow | None = None

    def compare(self, visible: Sequence[Job], selected: Sequence[Job]) -> None:
        """Open the viewer on the finished rows among `visible`, at the first selected one."""
        if not viewer_available():
            self._context.say(
                translate("ReviewController", "The before/after viewer is not available")
            )
            return
        finished = [j for j in visible if j.state is JobState.DONE]
        if not finished:
            self._context.say(translate("ReviewController", "No finished images to compare yet"))
            return
        start_id = selected[0].id if selected else finished[0].id
        index = next((i for i, j in enumerate(finished) if j.id == start_id), 0)
        window = self._viewer_window()
        window.viewer.set_items(viewer_items(finished), index)
        window.show()
        window.raise_()
        window.activateWindow()

    def _viewer_window(self) -> ViewerWindow:
        if self.viewer_window is not None:
            return self.viewer_window
        from ui.viewer import ViewerWindow

        window = ViewerWindow(None)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        viewer = window.viewer
        viewer.reviewRequested.connect(self._review)
        viewer.feedbackRequested.connect(self._feedback)
        viewer.retryRequested.connect(self._retry)
        viewer.openInEditorRequested.connect(self._open_result_of)
        viewer.showInFolderRequested.connect(self._show_result_of)
        viewer.currentChanged.connect(self._show_versions_of)
        # The viewer leaves its geometry to its owner: kept with the window's own state.
        geometry = window_settings().value("viewer/geometry")
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        window.installEventFilter(self)
        self.viewer_window = window
        return window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        window = self.viewer_window
        if window is not None and watched is window and event.type() == QEvent.Type.Close:
            window_settings().setValue("viewer/geometry", window.saveGeometry())
        return super().eventFilter(watched, event)

    def close(self) -> None:
        if self.viewer_window is not None:
            self.viewer_window.close()

    # --- what the viewer asks for -----------------------------------------------------------
    @async_slot(str)
    async def _show_versions_of(self, job_id: str) -> None:
        """The job's earlier results (re-runs), so the viewer says "version 1 of 2"."""
        engine, window = self._context.engine, self.viewer_window
        if engine is None or window is None or not job_id:
            return
        from ui.viewer.versions import ViewerVersion

        versions = await engine.versions(job_id)
        window.viewer.set_versions(
            job_id,
            [
                ViewerVersion(v.version, v.output_path, v.workflow_name, current=v.current)
                for v in versions
            ],
        )

    @async_slot(str, str)
    async def _review(self, job_id: str, verdict: str) -> None:
        engine = self._context.engine
        if engine is not None:
            await engine.set_review([job_id], Review(verdict))

    @async_slot(str, bool)
    async def _feedback(self, job_id: str, thumbs_up: bool) -> None:
        ws = self._context.workspace
        job = self._model.job(job_id)
        if ws is None or job is None or not job.execution_id:
            return
        try:
            await ws.client.send_feedback(job.execution_id, ws.org_id, thumbs_up=thumbs_up)
            self._context.say(translate("ReviewController", "Thanks: feedback sent"))
        except Exception as exc:
            self._context.say(
                translate("ReviewController", "Could not send feedback: {error}").format(error=exc)
            )

    def _retry(self, job_id: str) -> None:
        engine = self._context.engine
        if engine is not None:
            self._context.spawn(engine.retry([job_id]))

    def _open_result_of(self, job_id: str) -> None:
        job = self._model.job(job_id)
        if job is not None:
            open_file(job.output_path)

    def _show_result_of(self, job_id: str) -> None:
        job = self._model.job(job_id)
        if job is not None:
            show_in_folder(job.output_path)
