"""History: past executions from the server, past batches, merged with the local journal.

The server knows every execution of the organization (also those made in the web app or on
another machine); the journal knows where this machine saved each result. Rows show both: a
row with a local file opens it, any COMPLETED row can be downloaded again.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.engine.naming import sanitize_component
from ui.async_slot import async_slot
from ui.i18n import translate
from ui.locale_format import iso_timestamp, money, number
from ui.workspace import Workspace

if TYPE_CHECKING:
    from app.api.models import Batch, Execution
    from app.domain.jobs import Job
    from app.store.journal import BatchRecord

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
STATUSES = ["", "COMPLETED", "FAILED", "PAYMENT_REQUIRED", "IN_QA", "ACTIVE", "CREATED"]
ModelIndex = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


def _when(iso: str | None) -> str:
    return iso_timestamp(iso)


def status_label(status: str) -> str:
    """A server's execution status in the window's language; an unknown one as the server
    wrote it, made readable ("SOME_NEW_STATE" -> "Some New State")."""
    labels = {
        "": translate("HistoryWindow", "Any status"),
        "COMPLETED": translate("HistoryWindow", "Completed"),
        "FAILED": translate("HistoryWindow", "Failed"),
        "PAYMENT_REQUIRED": translate("HistoryWindow", "Payment required"),
        "IN_QA": translate("HistoryWindow", "In review"),
        "ACTIVE": translate("HistoryWindow", "Active"),
        "CREATED": translate("HistoryWindow", "Created"),
    }
    return labels.get(status, status.replace("_", " ").title())


class RowsModel(QAbstractTableModel, Generic[T]):
    """A read-only table of (columns -> text) rows with an object per row."""

    def __init__(self, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._headers = headers
        self._rows: list[tuple[list[str], T]] = []

    def set_rows(self, rows: list[tuple[list[str], T]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        texts, obj = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return texts[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return obj
        return None

    def object_at(self, row: int) -> T | None:
        return self._rows[row][1] if 0 <= row < len(self._rows) else None


class HistoryWindow(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("historyWindow")
        self.setWindowTitle(translate("HistoryWindow", "History"))
        self.resize(1100, 620)
        self.workspace = workspace
        self.offset = 0
        self.total = 0
        self._local: dict[str, Job] = {}

        # Executions tab
        self.status_combo = QComboBox()
        for status in STATUSES:
            self.status_combo.addItem(status_label(status), status)
        self.batch_edit = QLineEdit()
        self.batch_edit.setPlaceholderText(translate("HistoryWindow", "Batch name"))
        self.batch_edit.setAccessibleName(translate("HistoryWindow", "Filter by batch name"))
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText(translate("HistoryWindow", "File name"))
        self.file_edit.setAccessibleName(translate("HistoryWindow", "Filter by file name"))
        search = QPushButton(translate("HistoryWindow", "Search"))
        search.setDefault(True)
        filters = QHBoxLayout()
        filters.addWidget(self.status_combo)
        filters.addWidget(self.batch_edit, 1)
        filters.addWidget(self.file_edit, 1)
        filters.addWidget(search)
        self.executions: RowsModel[Execution] = RowsModel(
            [
                translate("HistoryWindow", "Created"),
                translate("HistoryWindow", "File"),
                translate("HistoryWindow", "Workflow"),
                translate("HistoryWindow", "Status"),
                translate("HistoryWindow", "Cost"),
                translate("HistoryWindow", "Batch"),
                translate("HistoryWindow", "Saved here"),
            ],
            self,
        )
        self.exec_view = _table(self.executions)
        self.exec_view.setAccessibleName(translate("HistoryWindow", "Executions"))
        self.prev_button = QPushButton(translate("HistoryWindow", "‹ Newer"))
        self.next_button = QPushButton(translate("HistoryWindow", "Older ›"))
        self.page_label = QLabel()
        self.download_button = QPushButton(translate("HistoryWindow", "Download result…"))
        self.open_button = QPushButton(translate("HistoryWindow", "Open saved result"))
        paging = QHBoxLayout()
        paging.addWidget(self.download_button)
        paging.addWidget(self.open_button)
        paging.addStretch(1)
        paging.addWidget(self.page_label)
        paging.addWidget(self.prev_button)
        paging.addWidget(self.next_button)
        exec_page = QWidget()
        exec_layout = QVBoxLayout(exec_page)
        exec_layout.addLayout(filters)
        exec_layout.addWidget(self.exec_view, 1)
        exec_layout.addLayout(paging)

        # Batches tab
        self.batches: RowsModel[Batch | BatchRecord] = RowsModel(
            [
                translate("HistoryWindow", "Created"),
                translate("HistoryWindow", "Name"),
                translate("HistoryWindow", "Workflow"),
                translate("HistoryWindow", "Images"),
                translate("HistoryWindow", "Price"),
                translate("HistoryWindow", "On this computer"),
            ],
            self,
        )
        self.batch_view = _table(self.batches)
        self.batch_view.setAccessibleName(translate("HistoryWindow", "Batches"))
        batch_page = QWidget()
        batch_layout = QVBoxLayout(batch_page)
        batch_layout.addWidget(self.batch_view)

        self.tabs = QTabWidget()
        self.tabs.addTab(exec_page, translate("HistoryWindow", "Executions"))
        self.tabs.addTab(batch_page, translate("HistoryWindow", "Batches"))
        self.message = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)

        search.clicked.connect(self._search)
        self.batch_edit.returnPressed.connect(self._search)
        self.file_edit.returnPressed.connect(self._search)
        self.status_combo.currentIndexChanged.connect(lambda _i: self._search())
        self.prev_button.clicked.connect(self._newer)
        self.next_button.clicked.connect(self._older)
        self.download_button.clicked.connect(self._download)
        self.open_button.clicked.connect(self._open_saved)
        self.exec_view.doubleClicked.connect(lambda _i: self._open_saved())
        self.batch_view.doubleClicked.connect(self._show_batch)
        self.exec_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

    # --- loading -------------------------------------------------------------------------------
    async def load(self) -> None:
        await self.load_executions()
        await self.load_batches()

    async def load_executions(self) -> None:
        ws = self.workspace
        self.message.setText(translate("HistoryWindow", "Loading…"))
        try:
            page = await ws.client.list_executions(
                ws.org_id,
                status=self.status_combo.currentData() or None,
                batch_name=self.batch_edit.text().strip() or None,
                input_file_name=self.file_edit.text().strip() or None,
                limit=PAGE_SIZE,
                offset=self.offset,
            )
        except Exception as exc:
            logger.warning("history failed", exc_info=True)
            self.message.setText(
                translate("HistoryWindow", "Could not load the history: {error}").format(error=exc)
            )
            return
        self.total = page.total
        ids = [e.id for e in page.entries]
        journal = ws.journal
        local = await journal.run(journal.jobs_by_execution, ids) if ids and journal else []
        self._local = {job.execution_id: job for job in local}
        rows = []
        for e in page.entries:
            job = self._local.get(e.id)
            saved = job.output_path if job is not None and job.output_path else ""
            rows.append(
                (
                    [
                        _when(e.created_at),
                        e.input_file_name,
                        e.workflow_name or e.workflow,
                        status_label(e.status),
                        money(e.charged_credits) if e.charged_credits else "",
                        e.labels.get("autoretouch_batch_name", ""),
                        saved,
                    ],
                    e,
                )
            )
        self.executions.set_rows(rows)
        first = self.offset + 1 if rows else 0
        self.page_label.setText(
            translate("HistoryWindow", "{first}–{last} of {total}").format(
                first=number(first), last=number(self.offset + len(rows)), total=number(self.total)
            )
        )
        self.prev_button.setEnabled(self.offset > 0)
        self.next_button.setEnabled(self.offset + len(rows) < self.total)
        self.message.setText("")
        self._selection_changed()

    async def load_batches(self) -> None:
        ws = self.workspace
        try:
            page = await ws.client.list_batches(ws.org_id, limit=PAGE_SIZE)
            remote = list(page.entries)
        except Exception as exc:
            logger.warning("batches failed", exc_info=True)
            self.message.setText(
                translate("HistoryWindow", "Could not load the batches: {error}").format(error=exc)
            )
            remote = []
        journal = ws.journal
        local = await journal.run(journal.batches) if journal is not None else []
        local_by_id = {b.id: b for b in local}
        rows: list[tuple[list[str], Batch | BatchRecord]] = []
        seen: set[str] = set()
        for b in remote:
            seen.add(b.id)
            rows.append(
                (
                    [
                        _when(b.created_at),
                        b.name,
                        b.workflow_name,
                        number(b.executions),
                        money(b.price),
                        translate("HistoryWindow", "yes") if b.id in local_by_id else "",
                    ],
                    b,
                )
            )
        # Batches only this machine knows (nothing reached the server yet, or another org).
        for record in local:
            if record.id not in seen and record.org_id == ws.org_id:
                rows.append(
                    (
                        [
                            _when(record.created_at_iso),
                            record.name,
                            record.workflow_name,
                            "",
                            "",
                            translate("HistoryWindow", "yes (not on the server yet)"),
                        ],
                        record,
                    )
                )
        self.batches.set_rows(rows)

    # --- actions -------------------------------------------------------------------------------
    @async_slot()
    async def _search(self) -> None:
        self.offset = 0
        await self.load_executions()

    @async_slot()
    async def _newer(self) -> None:
        self.offset = max(0, self.offset - PAGE_SIZE)
        await self.load_executions()

    @async_slot()
    async def _older(self) -> None:
        self.offset += PAGE_SIZE
        await self.load_executions()

    @async_slot()
    async def _show_batch(self, index: QModelIndex) -> None:
        batch = self.batches.object_at(index.row())
        if batch is None:
            return
        self.batch_edit.setText(batch.name)
        self.tabs.setCurrentIndex(0)
        await self._search()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # A window of its own, not a dialog: Escape closes it as it closes the dialogs.
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.close()
            return
        super().keyPressEvent(event)

    def selected_execution(self) -> Execution | None:
        rows = self.exec_view.selectionModel().selectedRows()
        return self.executions.object_at(rows[0].row()) if rows else None

    def _selection_changed(self, *_args: object) -> None:
        execution = self.selected_execution()
        self.download_button.setEnabled(execution is not None and execution.status == "COMPLETED")
        job = self._local.get(execution.id) if execution is not None else None
        self.open_button.setEnabled(
            job is not None and bool(job.output_path) and Path(job.output_path).exists()
        )

    def _open_saved(self) -> None:
        execution = self.selected_execution()
        job = self._local.get(execution.id) if execution is not None else None
        if job is not None and job.output_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(job.output_path))

    @async_slot()
    async def _download(self) -> None:
        execution = self.selected_execution()
        if execution is None:
            return
        # Server text is untrusted: only a sanitised name is offered as the default.
        name = sanitize_component(execution.result_file_name or f"{execution.id}.png")
        target, _ = QFileDialog.getSaveFileName(
            self, translate("HistoryWindow", "Save result as"), str(Path.home() / name)
        )
        if target:
            await self.download_to(execution, Path(target))

    async def download_to(self, execution: Execution, target: Path) -> Path:
        ws = self.workspace
        self.message.setText(
            translate("HistoryWindow", "Downloading {name}…").format(name=execution.input_file_name)
        )
        try:
            await ws.client.download_result(
                execution.id, ws.org_id, target, result_path=execution.result_path
            )
        except Exception as exc:
            self.message.setText(
                translate("HistoryWindow", "Download failed: {error}").format(error=exc)
            )
            raise
        self.message.setText(translate("HistoryWindow", "Saved {path}").format(path=target))
        return target


def _table(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in enumerate((150, 200, 160, 120, 70, 220)):
        if column < model.columnCount():
            view.horizontalHeader().resizeSection(column, width)
    return view
