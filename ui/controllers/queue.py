"""Queueing: drops anywhere on the window, pasted paths, Add files / Add folder, files opened
with the app from outside, and files added last time but never started.

Every way in ends in `queue_paths`: folders are walked off the GUI thread, then one batch is
added to the engine (through the pending-batch queue), not started: Start confirms the cost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QLineEdit, QWidget

from ui.controllers.context import WindowContext
from ui.drop import collect_images, describe_refusal, paths_from_mime
from ui.i18n import Plural, translate
from ui.window_state import window_settings

if TYPE_CHECKING:
    from app.api.models import Workflow
    from app.engine.options import RunOptions

logger = logging.getLogger(__name__)

# Both cases listed: some platforms' file dialogs match patterns case-sensitively.
IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.JPG *.JPEG *.PNG *.TIF *.WEBP)"


def images_added(n: int) -> str:
    return Plural.tr("Added %Ln image(s)", "", n)


class QueueController(QObject):
    batchQueued = Signal(str)  # batch id, once its files are in the engine

    def __init__(
        self,
        context: WindowContext,
        window: QWidget,
        search: QLineEdit,
        current_workflow: Callable[[], Workflow | None],
        show_rows_now: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._context = context
        self._window = window
        self._search = search
        self._current_workflow = current_workflow
        self._show_rows_now = show_rows_now
        self._opened_before_ready: list[str] = []  # files opened from outside while connecting
        self.file_dialog: QFileDialog | None = None  # the open Add files/folder dialog (tests)

    # --- ways in ----------------------------------------------------------------------------
    def drop(self, mime: QMimeData) -> None:
        """Return at once; the folder walk and engine hand-off run as a task."""
        paths, refused = paths_from_mime(mime)
        if refused and not paths:
            self._context.say("; ".join(refused[:2]))
            return
        self._context.spawn(self.queue_paths(paths, refused))

    def paste(self) -> None:
        if self._search.hasFocus():  # Ctrl+V in the filter box pastes text there
            self._search.paste()
            return
        paths, refused = paths_from_mime(QGuiApplication.clipboard().mimeData())
        if not paths:
            self._context.say(
                translate("QueueController", "The clipboard holds no file or folder paths")
            )
            return
        self._context.spawn(self.queue_paths(paths, refused))

    def add_files_dialog(self) -> None:
        chooser = self._file_dialog(
            translate("QueueController", "Add images"), QFileDialog.FileMode.ExistingFiles
        )
        chooser.setNameFilter(IMAGE_FILTER)
        chooser.open()

    def add_folder_dialog(self) -> None:
        chooser = self._file_dialog(
            translate("QueueController", "Add a folder"), QFileDialog.FileMode.Directory
        )
        chooser.setOption(QFileDialog.Option.ShowDirsOnly, True)
        chooser.open()

    def _file_dialog(self, title: str, mode: QFileDialog.FileMode) -> QFileDialog:
        """Opened, not exec()'d: a static getOpenFileNames spins a nested event loop under
        qasync. Where the platform has no native dialog, Qt's own takes a typed path (a
        folder and Enter goes there, a file name or several in quotes and Enter adds them),
        which is how a keyboard user gets through it."""
        chooser = QFileDialog(self._window, title, self._last_dir())
        chooser.setObjectName("addFilesDialog")
        chooser.setFileMode(mode)
        chooser.filesSelected.connect(
            lambda files: self._context.spawn(self.queue_paths([Path(f) for f in files]))
        )
        chooser.finished.connect(lambda _result: self._file_dialog_closed(chooser))
        self.file_dialog = chooser
        return chooser

    def _file_dialog_closed(self, chooser: QFileDialog) -> None:
        if self.file_dialog is chooser:
            self.file_dialog = None
        chooser.deleteLater()

    def _last_dir(self) -> str:
        return str(window_settings().value("lastDir", str(Path.home())))

    def open_from_elsewhere(self, paths: Sequence[str]) -> None:
        """Files opened with the app from outside (a second launch, macOS's open event):
        queued now, or once connected."""
        if not paths:
            return
        if self._context.batch_queue is None:
            self._opened_before_ready.extend(paths)
            return
        self._context.spawn(self.queue_paths([Path(p) for p in paths]))

    def take_opened_before_ready(self) -> list[str]:
        paths, self._opened_before_ready = self._opened_before_ready, []
        return paths

    # --- into the engine --------------------------------------------------------------------
    def run_options(self, workflow: Workflow, source: str = "window") -> RunOptions:
        from app.engine.options import RunOptions

        ws = self._context.workspace
        return RunOptions.from_settings(
            self._context.settings,
            org_id=ws.org_id if ws is not None else "",
            workflow_id=workflow.id,
            source=source,
        )

    async def queue_paths(self, paths: Sequence[Path], refused: Sequence[str] = ()) -> str | None:
        """Walk folders off the GUI thread, then add one batch to the engine (not started).
        Returns its id, or None when nothing was queued (the reason is in the status bar)."""
        queue = self._context.batch_queue
        if queue is None:
            self._context.say(
                translate("QueueController", "Not connected yet: try again in a moment")
            )
            return None
        self._context.say(translate("QueueController", "Looking for images…"))
        collected = await asyncio.to_thread(collect_images, list(paths))
        problem = describe_refusal(collected, list(refused))
        if not collected.images:
            self._context.say(problem)
            return None
        workflow = self._current_workflow()
        if workflow is None:
            self._context.say(translate("QueueController", "Choose a workflow first"))
            return None
        if paths:
            window_settings().setValue("lastDir", str(Path(paths[0]).parent))
        batch_id = await queue.add(collected.images, self.run_options(workflow))
        message = images_added(len(collected.images))
        self._context.say(f"{message}; {problem}" if problem else message)
        self._show_rows_now()
        self._context.changed.emit()
        self.batchQueued.emit(batch_id)
        return batch_id

    async def requeue_unstarted(self) -> None:
        """Files added last time but never started (the cost was never confirmed) come back
        as queued batches that wait for Start, like any fresh drop."""
        queue = self._context.batch_queue
        workflow = self._current_workflow()
        if queue is None or workflow is None:
            return  # they stay in the journal for the next start
        requeued = await queue.requeue_unstarted(self.run_options(workflow))
        if not requeued.batch_ids:
            return
        self._show_rows_now()
        self._context.changed.emit()
        n = requeued.images
        self._context.say(
            Plural.tr("%Ln image(s) added last time queued again: press Start to process", "", n)
        )
