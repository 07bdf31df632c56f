"""The main window: a shell that builds the views, the actions and the controllers, and wires
them together.

Data flows one way: the controllers ask the engine to do things; the engine's events reach the
model through the bridge; the views show the model. The window keeps no job state of its own,
and decides nothing about jobs: that is the controllers' (`ui.controllers`) and the engine's.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QMainWindow, QWidget

from app.store.settings import Settings
from ui import icons
from ui.bridge import EngineBridge
from ui.controllers.account import AccountController, ServerSwitcher
from ui.controllers.action_state import ActionStateController
from ui.controllers.context import WindowContext
from ui.controllers.history import HistoryController
from ui.controllers.hot_folder import HotFolderController
from ui.controllers.job_menu import JobMenuController
from ui.controllers.notices import NoticesController
from ui.controllers.progress import ProgressController
from ui.controllers.queue import QueueController
from ui.controllers.review import ReviewController
from ui.controllers.review_page import ReviewPageController
from ui.controllers.run import RunController
from ui.controllers.settings_dialog import SettingsController
from ui.dialogs.shortcuts import ShortcutsSheet
from ui.drop import URI_LIST
from ui.drop_overlay import DropOverlay
from ui.i18n import Plural, translate
from ui.job_model import JobTableModel
from ui.job_proxy import JobFilterProxy
from ui.jobs_page import JobsPage
from ui.status_bar import WindowStatusBar
from ui.thumbnails import ThumbnailCache
from ui.toolbars import Toolbars
from ui.viewer import keys as viewer_keys
from ui.warm_up import warm_up_table
from ui.window_actions import WindowActions, on_trigger
from ui.window_state import window_settings
from ui.workspace import Workspace

logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    workspaceReady = Signal()  # a workspace is attached and shown

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Retouch Desk")
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.setObjectName("mainWindow")
        self._warmed_up = False

        # Model and bridge: the one way the engine's news reach the views.
        self.context = WindowContext(settings, self)
        self.model = JobTableModel(self)
        self.thumbnails = ThumbnailCache()
        self.model.set_thumbnail_source(self.thumbnails.image_for)
        self.model.set_status_icons(icons.status_icons())
        self.model.set_placeholder(icons.icon("photo"))
        self.thumbnails.ready.connect(self._thumbnails_ready)
        self.proxy = JobFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.bridge = EngineBridge(self.model, self)

        # Views.
        self.window_actions = WindowActions(self)
        self.toolbars = Toolbars(self, self.window_actions)
        self.page = JobsPage(self.model, self.proxy, self.window_actions)
        self.drop_overlay = DropOverlay(self)
        self.status_bar = WindowStatusBar(self)

        # Controllers.
        ctx = self.context
        self.account = AccountController(
            ctx, self, self.window_actions, self.toolbars, self.status_bar
        )
        self.queue = QueueController(
            ctx, self, self.page.search, self.account.current_workflow, self.bridge.flush
        )
        self.run = RunController(ctx, self, self.model)
        self.review = ReviewController(ctx, self.model, self)
        self.job_menu = JobMenuController(ctx, self.model, self.page, self.review)
        # Jobs and Review as tabs of the centre; the review page and its verbs are its own.
        self.review_page = ReviewPageController(
            ctx, self, self.model, self.page, self.review, self.account.current_workflow
        )
        self.setCentralWidget(self.review_page.tabs)
        self.hot_folder = HotFolderController(
            ctx, self.status_bar, self.account.current_workflow, self.queue.run_options, self
        )
        self.progress = ProgressController(self.model, self.page, self.status_bar, self)
        self.notices = NoticesController(ctx, self, self.status_bar, self._after_batch)
        self.preferences = SettingsController(ctx, self, self.hot_folder.restart)
        self.history = HistoryController(ctx, self)
        self.action_state = ActionStateController(
            ctx,
            self.model,
            self.window_actions,
            self.page,
            lambda: self.account.current_workflow() is not None,
        )
        self._wire()
        self._restore_geometry()
        self.action_state.update()
        self.account.show_connection(translate("MainWindow", "Connecting…"))

    def _wire(self) -> None:
        a = self.window_actions
        on_trigger(a.add_files, self.queue.add_files_dialog)
        on_trigger(a.add_folder, self.queue.add_folder_dialog)
        on_trigger(a.paste, self.queue.paste)
        on_trigger(a.start, self.run.start_clicked)
        on_trigger(a.pause, self.run.pause_or_resume)
        on_trigger(a.cancel, self.run.cancel_all)
        on_trigger(a.retry_failed, self.run.retry_all_failed)
        on_trigger(a.clear_done, self.run.clear_finished)
        on_trigger(a.history, self.history.show_history)
        on_trigger(a.settings, self.preferences.show_settings)
        on_trigger(a.account, self.account.show_account)
        on_trigger(a.compare, self.job_menu.compare_selected)
        on_trigger(a.quit, self.close)
        on_trigger(a.shortcuts, self._show_shortcuts)
        self.bridge.jobsApplied.connect(self.progress.rows_changed)
        self.bridge.batchFinished.connect(self.notices.batch_finished)
        self.bridge.creditsChanged.connect(self.account.show_balance)
        self.bridge.notice.connect(self.notices.notice)
        self.progress.summaryUpdated.connect(self.action_state.update)
        self.context.changed.connect(self.action_state.update)
        self.account.workflowChanged.connect(lambda _workflow: self.hot_folder.workflow_changed())

    def _show_shortcuts(self) -> None:
        sheet = ShortcutsSheet(self, viewer_keys.keys())
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one made per opening
        sheet.open()

    # --- the workspace ----------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.context.settings

    @property
    def workspace(self) -> Workspace | None:
        return self.context.workspace

    def set_server_switcher(self, switch: ServerSwitcher) -> None:
        """How the account dialog switches server (closing this workspace, opening another)."""
        self.account.switch_server = switch

    def show_connection_state(self, text: str) -> None:
        """What the window says while it is not connected yet ("Signing in…")."""
        self.account.show_connection(text)

    def say(self, text: str) -> None:
        self.context.say(text)

    async def sign_in_to(self, workspace: Workspace) -> bool:
        return await self.account.sign_in_to(workspace)

    async def attach(self, workspace: Workspace, queue: Sequence[str] = ()) -> None:
        """Show a connected workspace: organizations, workflows, balance, resumed jobs."""
        self.context.open(workspace)
        if workspace.engine is not None:
            self.bridge.attach(workspace.engine)
        await self.account.show_workspace()
        resumed = await self._resume_unfinished(workspace)
        # Show the resumed rows now, not a tick later: the window must never look empty while
        # it holds work.
        self.bridge.flush()
        if resumed:
            n = len(resumed)
            self.say(Plural.tr("Resumed %Ln unfinished batch(es)", "", n))
        await self.queue.requeue_unstarted()
        self.action_state.update()
        await self.hot_folder.restart()
        self.workspaceReady.emit()
        paths = [*queue, *self.queue.take_opened_before_ready()]
        if paths:
            await self.queue.queue_paths([Path(p) for p in paths])

    async def _resume_unfinished(self, workspace: Workspace) -> list[str]:
        if workspace.engine is None:
            return []
        try:
            return await workspace.engine.resume_unfinished()
        except Exception:
            logger.exception("could not resume unfinished batches")
            return []

    async def detach(self) -> None:
        """Close the workspace (quit, or switching server): nothing of it stays on screen."""
        await self.hot_folder.close()
        self.bridge.detach()
        self.model.reset([])
        workspace = self.context.close()
        if workspace is not None:
            await workspace.aclose()
        self.action_state.update()

    def open_from_elsewhere(self, paths: list[str]) -> None:
        """Files opened with the app from outside while it runs (a second launch, macOS's
        open event): bring the window forward and queue them, once connected if need be."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        self.queue.open_from_elsewhere(paths)

    def _after_batch(self) -> None:
        self.context.spawn(self.account.refresh_balance())
        self.action_state.update()

    def _thumbnails_ready(self, job_ids: list[str]) -> None:
        for job_id in job_ids:
            self.model.refresh_job(job_id, 0)

    # --- drops anywhere on the window -------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(URI_LIST):
            event.setDropAction(Qt.DropAction.CopyAction)  # always copy, never move
            event.accept()
            self.drop_overlay.show_over(self.centralWidget())
        else:
            event.ignore()
            self.say(translate("MainWindow", "Only files and folders can be dropped here"))

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_overlay.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_overlay.hide()
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.queue.drop(event.mimeData())

    # --- lifetime ---------------------------------------------------------------------------
    async def wait_idle(self) -> None:
        """Let started tasks finish (tests, shutdown)."""
        await self.context.wait_idle()

    def _restore_geometry(self) -> None:
        store = window_settings()
        geometry = store.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 780)
        splitter = store.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.page.splitter.restoreState(splitter)
        header = store.value("window/header")
        if isinstance(header, QByteArray):
            self.page.view.horizontalHeader().restoreState(header)

    def save_geometry(self) -> None:
        store = window_settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/splitter", self.page.splitter.saveState())
        store.setValue("window/header", self.page.view.horizontalHeader().saveState())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._warmed_up:
            self._warmed_up = True
            # Once the window is on screen and idle: the table's one-off first-paint work.
            QTimer.singleShot(0, self._warm_up)

    def _warm_up(self) -> None:
        if self.model.rowCount() == 0:  # rows already shown have done the warm-up themselves
            warm_up_table(self.model, self.page.view, self.page.list_page)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        self.review.close()
        self.history.close()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers and worker threads (the async part is `detach`)."""
        self.progress.stop()
        self.status_bar.stop()
        self.thumbnails.shutdown()
        self.review_page.shutdown()
        self.bridge.detach()
        self.context.cancel_tasks()
