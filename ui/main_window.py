"""The main window: account, workflow, drop-anywhere queue, live table, details, status bar.

The window asks the engine to do things and shows what the bridge reports; it keeps no job
state of its own beyond the model. Slow things (folder walks, HTTP) are awaited in `@asyncSlot`
handlers so the GUI thread only ever does short work.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from app.domain.formatting import format_money
from app.domain.jobs import Job, JobState, Review
from app.store.settings import Settings
from ui import icons
from ui.bridge import EngineBridge
from ui.context_menu import JobAction, build_menu, menu_actions
from ui.details import DetailsPane
from ui.dialogs.asking import ask
from ui.dialogs.confirm_run import ConfirmRunDialog
from ui.drop import URI_LIST, collect_images, describe_refusal, paths_from_mime
from ui.empty_state import EmptyState
from ui.job_model import COL_DURATION, COL_NAME, JobRole, JobTableModel
from ui.job_proxy import JobFilterProxy, StatusFilter
from ui.job_view import JobTableView
from ui.summary import measure, summary_text
from ui.thumbnails import ThumbnailCache
from ui.warm_up import warm_up_table
from ui.window_state import window_settings
from ui.workflow_picker import WorkflowPicker
from ui.workspace import Workspace, describe_server

logger = logging.getLogger(__name__)

LOW_BALANCE_IMAGES = 20  # warn when the balance covers fewer images than this
# Both cases listed: some platforms' file dialogs match patterns case-sensitively.
IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.JPG *.JPEG *.PNG *.TIF *.WEBP)"


def viewer_available() -> bool:
    try:
        import ui.viewer  # noqa: F401
    except Exception:
        return False
    return True


class MainWindow(QMainWindow):
    workspaceReady = Signal()
    batchQueued = Signal(str)  # batch id, after files were added to the engine
    statusMessage = Signal(str)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.workspace: Workspace | None = None
        self._pending_batches: list[str] = []
        self._batch_names: dict[str, str] = {}
        self._balance: int | None = None
        self._viewer: Any = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._hot_task: asyncio.Future[Any] | None = None
        self.notifier: Any = None  # ui.notifications.Notifier, set by main
        self.confirm_runs = True
        self._shown_paused = False
        self.hot_folder_interval = 2.0  # seconds between scans; a file must sit still for one
        # Open dialogs, reachable for tests and for closing them on quit.
        self.confirm_dialog: ConfirmRunDialog | None = None
        self.settings_dialog: Any = None
        self.account_dialog: Any = None
        self.history_window: Any = None
        self.switch_server: Any = None  # set by ui.startup
        self.last_batch_summary = ""
        self.last_notice: tuple[str, str] | None = None

        self.setWindowTitle("Retouch Desk")
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.setObjectName("mainWindow")

        self._warmed_up = False
        self._opened_before_ready: list[str] = []  # files opened from outside while connecting
        self.model = JobTableModel(self)
        self.thumbnails = ThumbnailCache()
        self.model.set_thumbnail_source(self.thumbnails.image_for)
        self.model.set_status_icons(icons.status_icons())
        self.model.set_placeholder(icons.icon("photo"))
        self.thumbnails.ready.connect(self._thumbnails_ready)
        self.proxy = JobFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.bridge = EngineBridge(self.model, self)
        self.bridge.jobsApplied.connect(self._schedule_summary)
        self.bridge.batchFinished.connect(self._batch_finished)
        self.bridge.creditsChanged.connect(self._set_balance)
        self.bridge.notice.connect(self._notice)

        self._build_actions()
        self._build_toolbar()
        self._build_central()
        self._build_status_bar()
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(250)
        self._summary_timer.timeout.connect(self._update_summary)
        # Running jobs' durations tick once a second; only those rows repaint.
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick_durations)
        self._clock.start()
        self._restore_geometry()
        self._update_actions()
        self._show_server("Connecting…")

    # --- construction --------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        icon_name: str | None,
        shortcut: str | QKeySequence.StandardKey | None,
        slot: Callable[..., Any],
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icons.icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_add_files = self._action(
            "Add files…",
            "add-files",
            QKeySequence.StandardKey.Open,
            self.add_files_dialog,
            "Add images to the queue",
        )
        self.act_add_folder = self._action(
            "Add folder…",
            "add-folder",
            "Ctrl+Shift+O",
            self.add_folder_dialog,
            "Add every image in a folder and its subfolders",
        )
        self.act_paste = self._action(
            "Paste paths",
            None,
            QKeySequence.StandardKey.Paste,
            self.paste_paths,
            "Queue the files or folders whose paths are on the clipboard",
        )
        self.act_start = self._action(
            "Start", "start", "Ctrl+Return", self.start_clicked, "Start processing the queue"
        )
        self.act_pause = self._action(
            "Pause",
            "pause",
            "Ctrl+P",
            self.pause_clicked,
            "Pause: jobs in flight finish, nothing new starts",
        )
        self.act_cancel = self._action(
            "Cancel", "cancel", "Ctrl+.", self.cancel_clicked, "Cancel everything not yet finished"
        )
        self.act_retry_failed = self._action(
            "Retry failed", "retry", "Ctrl+Shift+R", self.retry_all_failed, "Retry every failed job"
        )
        self.act_clear_done = self._action(
            "Clear finished",
            None,
            "Ctrl+Shift+Del",
            self.clear_finished,
            "Take finished images off the list (their results stay where they are)",
        )
        self.act_history = self._action(
            "History", "history", "Ctrl+H", self.show_history, "Past executions and batches"
        )
        self.act_settings = self._action(
            "Settings",
            "settings",
            "Ctrl+,",
            self.show_settings,
            "Output folder, naming, concurrency, hot folder, notifications",
        )
        self.act_account = self._action(
            "Account",
            "account",
            "Ctrl+Shift+A",
            self.show_sign_in,
            "Server, sign-in and organization",
        )
        self.act_compare = self._action(
            "Compare before/after", "compare", None, self.compare_selected, ""
        )
        self.act_filter = self._action(
            "Find", None, QKeySequence.StandardKey.Find, lambda: self.search.setFocus(), ""
        )
        self.act_quit = self._action("Quit", None, QKeySequence.StandardKey.Quit, self.close, "")

    def _build_toolbar(self) -> None:
        # Row one: verbs. Row two: what they apply to (workflow, organization). Two short rows
        # never overflow into a chevron menu on a laptop screen; one long row did.
        bar = QToolBar("Main", self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addAction(self.act_add_files)
        bar.addAction(self.act_add_folder)
        bar.addSeparator()
        bar.addAction(self.act_start)
        bar.addAction(self.act_pause)
        bar.addAction(self.act_cancel)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addAction(self.act_history)
        bar.addAction(self.act_settings)
        account_button = QToolButton()
        account_button.setDefaultAction(self.act_account)
        account_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.account_button = account_button
        bar.addWidget(account_button)
        self.addToolBar(bar)
        self.toolbar = bar

        self.addToolBarBreak()
        run_bar = QToolBar("Workflow", self)
        run_bar.setObjectName("workflowToolbar")
        run_bar.setMovable(False)
        self.workflow_picker = WorkflowPicker()
        self.workflow_picker.workflowChanged.connect(self._workflow_changed)
        self.workflow_picker.pinChanged.connect(self._pin_changed)
        run_bar.addWidget(self.workflow_picker)
        org = QWidget()
        org_layout = QHBoxLayout(org)
        org_layout.setContentsMargins(12, 0, 4, 0)
        org_label = QLabel("O&rganization")
        self.org_combo = QComboBox()
        self.org_combo.setAccessibleName("Organization")
        self.org_combo.setMinimumContentsLength(18)
        org_label.setBuddy(self.org_combo)
        org_layout.addWidget(org_label)
        org_layout.addWidget(self.org_combo)
        self.org_combo.currentIndexChanged.connect(self._org_changed)
        self.org_combo_action = run_bar.addWidget(org)
        self.addToolBar(run_bar)
        self.run_bar = run_bar

    def _build_central(self) -> None:
        self.view = JobTableView()
        self.view.setModel(self.proxy)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.doubleClicked.connect(lambda _i: self.compare_selected())
        self.view.activateRequested.connect(self.compare_selected)
        self.view.removeRequested.connect(self.remove_selected)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        filters = QWidget()
        filter_row = QHBoxLayout(filters)
        filter_row.setContentsMargins(8, 6, 8, 2)
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Show")
        for status in StatusFilter:
            self.status_filter.addItem(status.value, status)
        self.status_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.set_status_filter(self.status_filter.currentData())
        )
        show_label = QLabel("&Show")
        show_label.setBuddy(self.status_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by file name (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(self.proxy.set_text_filter)
        self.retry_failed_button = QToolButton()
        self.retry_failed_button.setDefaultAction(self.act_retry_failed)
        self.retry_failed_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        filter_row.addWidget(show_label)
        filter_row.addWidget(self.status_filter)
        filter_row.addWidget(self.search, 1)
        filter_row.addWidget(self.retry_failed_button)
        self.clear_done_button = QToolButton()
        self.clear_done_button.setDefaultAction(self.act_clear_done)
        filter_row.addWidget(self.clear_done_button)

        self.details = DetailsPane()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("jobSplitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([900, 300])
        # Insertion order until the user clicks a header: a fresh queue reads as dropped.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

        table_page = QWidget()
        table_layout = QVBoxLayout(table_page)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.setSpacing(0)
        table_layout.addWidget(filters)
        table_layout.addWidget(self.splitter, 1)

        self.empty = EmptyState(self.act_add_files, self.act_add_folder)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(table_page)
        self.setCentralWidget(self.pages)
        self.model.rowsInserted.connect(self._update_page)
        self.model.rowsRemoved.connect(self._update_page)
        self.model.modelReset.connect(self._update_page)

        from ui.drop_overlay import DropOverlay

        self.drop_overlay = DropOverlay(self)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary")
        self.server_label = QLabel()
        self.server_label.setObjectName("server")
        self.balance_label = QLabel()
        self.balance_label.setObjectName("balance")
        self.message_label = QLabel()
        self.message_label.setObjectName("message")
        self.message_label.setIndent(16)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.message_label.clear)
        bar.addWidget(self.summary_label)
        bar.addWidget(self.message_label, 1)
        self.hot_label = QLabel()
        self.hot_label.setObjectName("hotFolder")
        self.hot_label.setVisible(False)
        bar.addPermanentWidget(self.hot_label)
        bar.addPermanentWidget(self.server_label)
        bar.addPermanentWidget(self.balance_label)
        # Messages get their own label: QStatusBar.showMessage would hide the progress summary.
        self.statusMessage.connect(lambda text: self.show_message(text))

    def show_message(self, text: str, seconds: float = 8.0) -> None:
        self.message_label.setText(text)
        self._message_timer.start(int(seconds * 1000))

    # --- workspace -----------------------------------------------------------------------------
    async def attach(self, workspace: Workspace, queue: Sequence[str] = ()) -> None:
        """Show a connected workspace: organizations, workflows, balance, resumed jobs."""
        self.workspace = workspace
        self.bridge.attach(workspace.engine)
        self._show_server()
        self._fill_organizations()
        await self.refresh_workflows()
        await self.refresh_balance()
        try:
            resumed = await workspace.engine.resume_unfinished()
        except Exception:
            logger.exception("could not resume unfinished batches")
            resumed = []
        # Show the resumed rows now, not a tick later: the window must never look empty while
        # it holds work.
        self.bridge.flush()
        if resumed:
            n = len(resumed)
            self.statusMessage.emit(f"Resumed {n} unfinished batch{'es' if n != 1 else ''}")
        await self.requeue_unstarted()
        self._update_actions()
        self.restart_hot_folder()
        self.workspaceReady.emit()
        queue = [*queue, *self._opened_before_ready]
        self._opened_before_ready.clear()
        if queue:
            await self.queue_paths([Path(p) for p in queue])

    def open_from_elsewhere(self, paths: list[str]) -> None:
        """Files opened with the app from outside while it runs (a second launch, macOS's
        open event): bring the window forward and queue them, once connected if need be."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        if not paths:
            return
        if self.workspace is None or self.workspace.engine is None:
            self._opened_before_ready.extend(paths)
            return
        self._spawn(self.queue_paths([Path(p) for p in paths]))

    async def detach(self) -> None:
        if self._hot_task is not None:
            self._hot_task.cancel()
            self._hot_task = None
        self.bridge.detach()
        self.model.reset([])
        if self.workspace is not None:
            workspace, self.workspace = self.workspace, None
            await workspace.aclose()
        self._update_actions()

    def _show_server(self, text: str | None = None) -> None:
        ws = self.workspace
        if text is None and ws is not None:
            text = describe_server(ws.profile, ws.org_name())
            account = ws.session.account if ws.session else ""
            if not ws.profile.is_sandbox and account:
                text += f" · {account}"
        self.server_label.setText(text or "")
        icon = "sandbox" if ws is not None and ws.profile.is_sandbox else "cloud"
        self.act_account.setIcon(icons.icon(icon))
        self.act_account.setText(text or "Account")
        self.server_label.setVisible(False)  # the toolbar's account button says it already
        self.setWindowTitle(f"Retouch Desk — {text}" if text else "Retouch Desk")

    def _fill_organizations(self) -> None:
        ws = self.workspace
        self.org_combo.blockSignals(True)
        self.org_combo.clear()
        if ws is not None:
            for org in ws.organizations:
                self.org_combo.addItem(org.name or org.id, org.id)
            self.org_combo.setCurrentIndex(max(0, self.org_combo.findData(ws.org_id)))
        self.org_combo.blockSignals(False)
        # One organization needs no picker.
        self.org_combo_action.setVisible(self.org_combo.count() > 1)

    @asyncSlot(int)
    async def _org_changed(self, _index: int) -> None:
        ws = self.workspace
        org_id = self.org_combo.currentData()
        if ws is None or not org_id or org_id == ws.org_id:
            return
        ws.org_id = org_id
        self.settings.organization_id = org_id
        self._save_settings()
        self._show_server()
        await self.refresh_workflows()
        await self.refresh_balance()

    async def refresh_workflows(self) -> None:
        ws = self.workspace
        if ws is None:
            return
        try:
            workflows = await ws.load_workflows()
        except Exception as exc:
            logger.warning("could not load workflows", exc_info=True)
            self.statusMessage.emit(f"Could not load workflows: {exc}")
            return
        preferred = self.settings.last_workflow_id or (ws.session.default_workflow_id or "")
        self.workflow_picker.set_workflows(workflows, preferred)
        self.workflow_picker.pin.setChecked(bool(self.settings.pin_version))

    async def refresh_balance(self) -> None:
        ws = self.workspace
        if ws is None or not ws.org_id:
            return
        try:
            self._set_balance(await ws.balance())
        except Exception:
            logger.warning("could not read the balance", exc_info=True)

    def _set_balance(self, balance: int) -> None:
        self._balance = balance
        workflow = self.workflow_picker.current()
        price = workflow.execution_price if workflow is not None else 0
        low = price > 0 and balance < price * LOW_BALANCE_IMAGES
        text = f"Balance: {format_money(balance)}"
        if low:
            text = f"⚠ {text} — low"
        self.balance_label.setText(text)
        self.balance_label.setProperty("low", low)
        self.balance_label.setStyleSheet("color: #d98a14; font-weight: bold;" if low else "")
        self.balance_label.setToolTip(
            f"Enough for about {balance // price} images" if price else "Credits (euro cents)"
        )

    def _workflow_changed(self, workflow: Any) -> None:
        if workflow is not None and workflow.id != self.settings.last_workflow_id:
            self.settings.last_workflow_id = workflow.id
            if self.settings.pin_version:
                self.settings.pin_version = workflow.version
            self._save_settings()
        if self._balance is not None:
            self._set_balance(self._balance)
        if self._hot_task is not None:
            self.restart_hot_folder()
        self._update_actions()

    def _pin_changed(self, pinned: bool) -> None:
        workflow = self.workflow_picker.current()
        self.settings.pin_version = workflow.version if (pinned and workflow) else ""
        self._save_settings()

    def _save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as exc:
            self.statusMessage.emit(f"Could not save settings: {exc}")

    # --- queueing ------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(URI_LIST):
            event.setDropAction(Qt.DropAction.CopyAction)  # always copy, never move
            event.accept()
            self.drop_overlay.show_over(self.centralWidget())
        else:
            event.ignore()
            self.statusMessage.emit("Only files and folders can be dropped here")

    def dragMoveEvent(self, event: Any) -> None:
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_overlay.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """Return at once; the folder walk and engine hand-off run as a task."""
        self.drop_overlay.hide()
        paths, refused = paths_from_mime(event.mimeData())
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if refused and not paths:
            self.statusMessage.emit("; ".join(refused[:2]))
            return
        self._spawn(self.queue_paths(paths, refused))

    def paste_paths(self) -> None:
        if self.search.hasFocus():
            self.search.paste()
            return
        mime = QGuiApplication.clipboard().mimeData()
        paths, refused = paths_from_mime(mime)
        if not paths:
            self.statusMessage.emit("The clipboard holds no file or folder paths")
            return
        self._spawn(self.queue_paths(paths, refused))

    def add_files_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Add images",
            self._last_dir(),
            IMAGE_FILTER,
        )
        if files:
            self._spawn(self.queue_paths([Path(f) for f in files]))

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder", self._last_dir())
        if folder:
            self._spawn(self.queue_paths([Path(folder)]))

    def _last_dir(self) -> str:
        return str(window_settings().value("lastDir", str(Path.home())))

    async def queue_paths(self, paths: Sequence[Path], refused: Sequence[str] = ()) -> str | None:
        """Walk folders off the GUI thread, then add one batch to the engine (not started)."""
        ws = self.workspace
        if ws is None or ws.engine is None:
            self.statusMessage.emit("Not connected yet: try again in a moment")
            return None
        self.statusMessage.emit("Looking for images…")
        collected = await asyncio.to_thread(collect_images, list(paths))
        problem = describe_refusal(collected, list(refused))
        if not collected.images:
            self.statusMessage.emit(problem)
            return None
        workflow = self.workflow_picker.current()
        if workflow is None:
            self.statusMessage.emit("Choose a workflow first")
            return None
        if paths:
            window_settings().setValue("lastDir", str(Path(paths[0]).parent))
        options = self.run_options(workflow)
        batch_id: str = await ws.engine.add(collected.images, options)
        self._pending_batches.append(batch_id)
        self._batch_names[batch_id] = workflow.name
        n = len(collected.images)
        message = f"Added {n} image{'s' if n != 1 else ''}"
        self.statusMessage.emit(f"{message}; {problem}" if problem else message)
        self.bridge.flush()
        self._update_actions()
        self.batchQueued.emit(batch_id)
        return batch_id

    def run_options(self, workflow: Any, source: str = "window") -> Any:
        from app.engine.options import RunOptions

        ws = self.workspace
        assert ws is not None
        return RunOptions.from_settings(
            self.settings, org_id=ws.org_id, workflow_id=workflow.id, source=source
        )

    def restart_hot_folder(self) -> None:
        """(Re)start watching the hot folder with the current workflow and output settings."""
        if self._hot_task is not None:
            self._hot_task.cancel()
            self._hot_task = None
        ws = self.workspace
        workflow = self.workflow_picker.current()
        folder = self.settings.hot_folder_path
        if not (ws and ws.engine and workflow and self.settings.hot_folder_enabled and folder):
            self.hot_label.setVisible(False)
            return
        if not Path(folder).is_dir():
            self.statusMessage.emit(f"Hot folder {folder} does not exist")
            self.hot_label.setVisible(False)
            return
        from app.engine.hotfolder import HotFolder

        watcher = HotFolder(
            ws.engine,
            Path(folder),
            self.run_options(workflow, "hotfolder"),
            interval=self.hot_folder_interval,
        )
        self._hot_task = asyncio.ensure_future(watcher.run())
        self.hot_label.setText(f"Watching {Path(folder).name}")
        self.hot_label.setToolTip(f"New images in {folder} are processed with {workflow.name}")
        self.hot_label.setVisible(True)

    async def requeue_unstarted(self) -> None:
        """Files added last time but never started (the cost was never confirmed) come back
        as a queued batch that waits for Start, like any fresh drop: nothing runs, and
        nothing is charged, without the user's confirmation."""
        ws = self.workspace
        if ws is None or ws.journal is None:
            return
        journal = ws.journal
        batches = await journal.run(lambda: journal.unfinished_batches(started=False))
        jobs = [job for b in batches for job in await journal.run(journal.jobs_of_batch, b.id)]
        if not jobs:
            return
        paths = [Path(job.input_path) for job in jobs if Path(job.input_path).exists()]
        # The old never-started jobs leave the list; their files are queued afresh below.
        await journal.run(journal.remove_jobs, [job.id for job in jobs])
        if paths and await self.queue_paths(paths):
            n = len(paths)
            self.statusMessage.emit(
                f"{n} image{'s' if n != 1 else ''} added last time {'are' if n != 1 else 'is'}"
                " queued again: press Start to process"
            )

    # --- running -------------------------------------------------------------------------------
    @asyncSlot()
    async def start_clicked(self) -> None:
        await self.start_pending()

    async def start_pending(self) -> bool:
        """Confirm the cost of everything queued, then start it. False if the user declined."""
        ws = self.workspace
        if ws is None or not self._pending_batches:
            if ws is not None and getattr(ws.engine, "paused", False):
                ws.engine.resume_processing()
                self._update_actions()
            return False
        batches = list(self._pending_batches)
        if self.confirm_runs:
            estimates = [await ws.engine.estimate(b) for b in batches]
            combined = _combine(estimates)
            name = ", ".join(sorted({self._batch_names.get(b, "") for b in batches}))
            dialog = ConfirmRunDialog(combined, name, self)
            self.confirm_dialog = dialog
            accepted = await ask(dialog) == ConfirmRunDialog.DialogCode.Accepted
            dialog.deleteLater()
            self.confirm_dialog = None
            if not accepted:
                return False
        for batch_id in batches:
            if batch_id in self._pending_batches:
                self._pending_batches.remove(batch_id)
                ws.engine.start(batch_id)
        if getattr(ws.engine, "paused", False):
            ws.engine.resume_processing()
        self._update_actions()
        return True

    def pause_clicked(self) -> None:
        ws = self.workspace
        if ws is None:
            return
        if getattr(ws.engine, "paused", False):
            ws.engine.resume_processing()
            self.statusMessage.emit("Resumed")
        else:
            ws.engine.pause()
            self.statusMessage.emit("Paused: jobs in flight finish, nothing new starts")
        self._update_actions()

    @asyncSlot()
    async def cancel_clicked(self) -> None:
        ws = self.workspace
        if ws is None:
            return
        ids = [j.id for j in self.model.jobs() if not j.state.is_final]
        if ids:
            await ws.engine.cancel(ids)
        self._pending_batches.clear()
        self._update_actions()

    def clear_finished(self) -> None:
        done = [j for j in self.model.jobs() if j.state in (JobState.DONE, JobState.SKIPPED)]
        if done:
            self._spawn(self.run_action(JobAction.REMOVE, done))

    @asyncSlot()
    async def retry_all_failed(self) -> None:
        ws = self.workspace
        if ws is not None:
            await ws.engine.retry_failed()

    # --- selection, menu, keyboard -------------------------------------------------------------
    def selected_jobs(self) -> list[Job]:
        rows = self.view.selectionModel().selectedRows(COL_NAME)
        return [job for job in (index.data(JobRole) for index in rows) if job is not None]

    def menu_entries(self, jobs: Sequence[Job]) -> list[Any]:
        any_failed = any(
            j.state.is_retryable and j.state is not JobState.CANCELLED for j in self.model.jobs()
        )
        return menu_actions(jobs, any_failed=any_failed, viewer_available=viewer_available())

    def _context_menu(self, pos: QPoint) -> None:
        jobs = self.selected_jobs()
        if not jobs:
            return

        def chosen(action: JobAction) -> None:
            self._spawn(self.run_action(action, jobs))

        menu = build_menu(self, self.menu_entries(jobs), chosen)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    async def run_action(self, action: JobAction, jobs: Sequence[Job]) -> None:
        """Do what a context-menu entry says for the given jobs (also used by shortcuts)."""
        ws = self.workspace
        if action is JobAction.RETRY and ws is not None:
            await ws.engine.retry([j.id for j in jobs if j.state.is_retryable])
        elif action is JobAction.RETRY_ALL_FAILED and ws is not None:
            await ws.engine.retry_failed()
        elif action is JobAction.COMPARE:
            self.compare_selected()
        elif action is JobAction.OPEN_RESULT and jobs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(jobs[0].output_path))
        elif action is JobAction.SHOW_IN_FOLDER and jobs:
            show_in_folder(jobs[0].output_path)
        elif action is JobAction.OPEN_ORIGINAL and jobs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(jobs[0].input_path))
        elif action is JobAction.COPY_EXECUTION_ID:
            text = "\n".join(j.execution_id for j in jobs if j.execution_id)
            QGuiApplication.clipboard().setText(text)
            self.statusMessage.emit("Copied")
        elif action is JobAction.REMOVE and ws is not None:
            await ws.engine.remove([j.id for j in jobs if not j.state.is_active])
        elif action is JobAction.CANCEL and ws is not None:
            await ws.engine.cancel([j.id for j in jobs if not j.state.is_final])
        self._update_actions()

    def remove_selected(self) -> None:
        jobs = self.selected_jobs()
        if jobs:
            self._spawn(self.run_action(JobAction.REMOVE, jobs))

    def compare_selected(self) -> None:
        """Open the before/after viewer on the visible finished rows, at the selected one."""
        try:
            from ui.viewer import ViewerItem, ViewerWindow
        except Exception:
            self.statusMessage.emit("The before/after viewer is not available")
            return
        visible = [self.proxy.index(r, 0).data(JobRole) for r in range(self.proxy.rowCount())]
        items_jobs = [j for j in visible if j is not None and j.state is JobState.DONE]
        if not items_jobs:
            self.statusMessage.emit("No finished images to compare yet")
            return
        selected = self.selected_jobs()
        start_id = selected[0].id if selected else items_jobs[0].id
        index = next((i for i, j in enumerate(items_jobs) if j.id == start_id), 0)
        items = [
            ViewerItem(
                job_id=j.id,
                original_path=j.input_path,
                result_path=j.output_path,
                title=j.name,
                status=j.state.value,
                credits=j.credits,
                review=j.review.value,
            )
            for j in items_jobs
        ]
        if self._viewer is None:
            self._viewer = ViewerWindow(None)
            self._viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
            viewer = self._viewer.viewer
            viewer.reviewRequested.connect(self._review)
            viewer.feedbackRequested.connect(self._feedback)
            viewer.retryRequested.connect(lambda job_id: self._spawn(self._retry_ids([job_id])))
            viewer.openInEditorRequested.connect(self._open_result_of)
            viewer.showInFolderRequested.connect(self._show_result_of)
            # The viewer leaves its geometry to its owner: kept with the window's own state.
            geometry = window_settings().value("viewer/geometry")
            if isinstance(geometry, QByteArray):
                self._viewer.restoreGeometry(geometry)
            self._viewer.installEventFilter(self)
        self._viewer.viewer.set_items(items, index)
        self._viewer.show()
        self._viewer.raise_()
        self._viewer.activateWindow()

    async def _retry_ids(self, ids: list[str]) -> None:
        if self.workspace is not None:
            await self.workspace.engine.retry(ids)

    @asyncSlot(str, str)
    async def _review(self, job_id: str, verdict: str) -> None:
        if self.workspace is not None:
            from app.domain.jobs import Review

            await self.workspace.engine.set_review([job_id], Review(verdict))

    @asyncSlot(str, bool)
    async def _feedback(self, job_id: str, thumbs_up: bool) -> None:
        ws = self.workspace
        job = self.model.job(job_id)
        if ws is None or job is None or not job.execution_id:
            return
        try:
            await ws.client.send_feedback(job.execution_id, ws.org_id, thumbs_up=thumbs_up)
            self.statusMessage.emit("Thanks: feedback sent")
        except Exception as exc:
            self.statusMessage.emit(f"Could not send feedback: {exc}")

    def _open_result_of(self, job_id: str) -> None:
        job = self.model.job(job_id)
        if job is not None and job.output_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(job.output_path))

    def _show_result_of(self, job_id: str) -> None:
        job = self.model.job(job_id)
        if job is not None and job.output_path:
            show_in_folder(job.output_path)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        viewer: Any = self._viewer
        if viewer is not None and watched is viewer and event.type() == QEvent.Type.Close:
            window_settings().setValue("viewer/geometry", viewer.saveGeometry())
        return super().eventFilter(watched, event)

    def _selection_changed(self, *_args: Any) -> None:
        jobs = self.selected_jobs()
        self.details.show_jobs(jobs)

    # --- updates from the bridge ---------------------------------------------------------------
    def _thumbnails_ready(self, job_ids: list[str]) -> None:
        for job_id in job_ids:
            self.model.refresh_job(job_id, 0)

    def _tick_durations(self) -> None:
        rows = [row for row, job in enumerate(self.model.jobs()) if job.state.is_active]
        if rows:
            self.model.refresh_rows(rows, COL_DURATION, COL_DURATION)

    def _schedule_summary(self) -> None:
        if not self._summary_timer.isActive():
            self._summary_timer.start()
        self._selection_changed()

    def _update_summary(self) -> None:
        jobs = self.model.jobs()
        progress = measure(jobs)
        verdicts = Counter(job.review for job in jobs)
        self.summary_label.setText(summary_text(progress))
        # The filter says how many rows each choice shows, so "Failed (3)" is found at a glance.
        counts = {
            StatusFilter.ALL: progress.total,
            StatusFilter.ACTIVE: progress.active,
            StatusFilter.DONE: progress.done,
            StatusFilter.PROBLEMS: progress.failed,
            StatusFilter.QUEUED: progress.queued + progress.cancelled,
            StatusFilter.ACCEPTED: verdicts[Review.ACCEPTED],
            StatusFilter.REJECTED: verdicts[Review.REJECTED],
        }
        for index in range(self.status_filter.count()):
            status = self.status_filter.itemData(index)
            n = counts.get(status, 0)
            self.status_filter.setItemText(index, f"{status.value} ({n})" if n else status.value)
        self._update_actions()

    def _update_page(self, *_args: Any) -> None:
        self.pages.setCurrentIndex(1 if self.model.rowCount() else 0)

    def _batch_finished(self, event: Any) -> None:
        parts = [f"{event.done} done"]
        if event.failed:
            parts.append(f"{event.failed} failed")
        if event.skipped:
            parts.append(f"{event.skipped} skipped")
        if event.cancelled:
            parts.append(f"{event.cancelled} cancelled")
        text = f"Batch {event.name} finished: " + ", ".join(parts)
        if event.credits:
            text += f" · {format_money(event.credits)} charged"
        self.last_batch_summary = text
        self.statusMessage.emit(text)
        if self.notifier is not None and self.settings.notifications:
            self.notifier.batch_finished(self, "Batch finished", text)
        self._spawn(self.refresh_balance())
        self._update_actions()

    def _notice(self, level: str, message: str) -> None:
        # Never a modal box here: notices arrive from engine callbacks, and a nested event
        # loop inside one would run asyncio tasks outside the running loop.
        self.last_notice = (level, message)
        if level == "error":
            self.show_message(f"⚠ {message}", 20)
        else:
            self.statusMessage.emit(message)

    def _update_actions(self) -> None:
        ws = self.workspace
        connected = ws is not None and ws.engine is not None
        jobs = self.model.jobs()
        has_open = any(not j.state.is_final for j in jobs)
        paused = bool(ws is not None and ws.engine is not None and ws.engine.paused)
        has_workflow = self.workflow_picker.current() is not None
        self.act_add_files.setEnabled(connected)
        self.act_add_folder.setEnabled(connected)
        self.act_start.setEnabled(
            connected and has_workflow and (bool(self._pending_batches) or paused)
        )
        self.act_pause.setEnabled(connected and has_open)
        if paused != self._shown_paused:
            # Only on a change: a new icon re-lays out the toolbar, and this runs every tick.
            self._shown_paused = paused
            self.act_pause.setText("Resume" if paused else "Pause")
            self.act_pause.setIcon(icons.icon("start" if paused else "pause"))
        self.act_cancel.setEnabled(connected and has_open)
        failed = any(j.state in (JobState.FAILED, JobState.PAYMENT_REQUIRED) for j in jobs)
        self.act_retry_failed.setEnabled(connected and failed)
        self.act_clear_done.setEnabled(
            connected and any(j.state in (JobState.DONE, JobState.SKIPPED) for j in jobs)
        )
        self.retry_failed_button.setVisible(failed)
        self.act_history.setEnabled(connected)

    # --- dialogs --------------------------------------------------------------------------------
    @asyncSlot()
    async def show_settings(self) -> None:
        from ui.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        self.settings_dialog = dialog
        if await ask(dialog) == SettingsDialog.DialogCode.Accepted:
            dialog.apply_to(self.settings)
            if self.workspace is not None and self.workspace.engine is not None:
                # Concurrency changes reach the running engine now, mid-batch included.
                self.workspace.engine.apply_settings(self.settings)
            self._save_settings()
            self.restart_hot_folder()
            self.statusMessage.emit("Settings saved")
        self.settings_dialog = None
        dialog.deleteLater()

    @asyncSlot()
    async def show_history(self) -> None:
        from ui.history import HistoryWindow

        if self.workspace is None:
            return
        window = HistoryWindow(self.workspace, self)
        self.history_window = window
        window.show()
        await window.load()

    @asyncSlot()
    async def show_sign_in(self) -> None:
        from ui.dialogs.sign_in import AccountDialog

        dialog = AccountDialog(self, self.workspace)
        self.account_dialog = dialog
        await ask(dialog)
        self.account_dialog = None
        dialog.deleteLater()

    async def sign_in_to(self, workspace: Workspace) -> bool:
        """Ask the user to sign in to a server (start-up on autoretouch with no saved sign-in)."""
        from ui.dialogs.sign_in import AccountDialog

        dialog = AccountDialog(self, workspace, sign_in_only=True)
        self.account_dialog = dialog
        await ask(dialog)
        self.account_dialog = None
        dialog.deleteLater()
        return bool(workspace.session is not None and workspace.session.signed_in)

    # --- lifetime -------------------------------------------------------------------------------
    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Run a coroutine as a task the window keeps alive and whose errors are shown."""
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            logger.error("action failed", exc_info=exc)
            self.statusMessage.emit(f"Error: {exc}")

    async def wait_idle(self) -> None:
        """Let started tasks finish (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _restore_geometry(self) -> None:
        store = window_settings()
        geometry = store.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 780)
        splitter = store.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        header = store.value("window/header")
        if isinstance(header, QByteArray):
            self.view.horizontalHeader().restoreState(header)

    def save_geometry(self) -> None:
        store = window_settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/splitter", self.splitter.saveState())
        store.setValue("window/header", self.view.horizontalHeader().saveState())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._warmed_up:
            self._warmed_up = True
            # Once the window is on screen and idle: the table's one-off first-paint work.
            QTimer.singleShot(0, self._warm_up)

    def _warm_up(self) -> None:
        if self.model.rowCount() == 0:  # rows already shown have done the warm-up themselves
            warm_up_table(self.model, self.view, self.pages.widget(1))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        if self._viewer is not None:
            self._viewer.close()
        if self.history_window is not None:
            self.history_window.close()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers and worker threads (the async part is `detach`)."""
        self._clock.stop()
        self._summary_timer.stop()
        self.thumbnails.shutdown()
        self.bridge.detach()
        for task in list(self._tasks):
            task.cancel()


def _combine(estimates: Sequence[Any]) -> Any:
    """Several queued batches confirm as one run."""
    if len(estimates) == 1:
        return estimates[0]
    from types import SimpleNamespace

    first = estimates[0]
    return SimpleNamespace(
        images=sum(e.images for e in estimates),
        price=first.price,
        total=sum(e.total for e in estimates),
        balance=getattr(first, "balance", None),
        deduped=sum(getattr(e, "deduped", 0) for e in estimates),
    )


def show_in_folder(path: str) -> None:
    """Select the file in the platform's file manager where possible, else open its folder."""
    import subprocess
    import sys

    target = Path(path)
    try:
        if sys.platform == "darwin":
            subprocess.Popen(["open", "-R", str(target)])
            return
        if sys.platform == "win32":
            subprocess.Popen(["explorer", "/select,", os.path.normpath(target)])
            return
    except OSError:
        logger.debug("file manager not available", exc_info=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(target.parent)))
