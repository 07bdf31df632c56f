"""ViewerWindow: the viewer as a top-level window with a toolbar.

Opening the result in an editor and showing it in the file manager are plain desktop
operations. The viewer's signals are always emitted; with `handle_files=True` the window also
does them itself (for a window used on its own). The default is False so that an owner that
handles the signals (the main window does) does not open every file twice.

Closing the window stops decoding and frees the decoded images (hundreds of MB for big ones);
the window may be shown again and given items with `viewer.set_items`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeyEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QToolButton, QWidget

from ui.dialogs.shortcuts import ShortcutsSheet
from ui.viewer import keys
from ui.viewer.compare_viewer import CompareViewer


class ViewerWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None, *, handle_files: bool = False) -> None:
        super().__init__(parent)
        self.viewer = CompareViewer(self)
        self.setCentralWidget(self.viewer)
        self.setWindowTitle(QCoreApplication.translate("ViewerWindow", "Before / after"))
        self.resize(1200, 800)
        self.addToolBar(self._build_toolbar())
        self.viewer.currentChanged.connect(self._update_title)
        self.viewer.keysRequested.connect(self.show_shortcuts)
        if handle_files:
            self.viewer.openInEditorRequested.connect(self._open_in_editor)
            self.viewer.showInFolderRequested.connect(self._show_in_folder)

    def _build_toolbar(self) -> QToolBar:
        a = self.viewer.actions_
        bar = QToolBar(QCoreApplication.translate("ViewerWindow", "Viewer"), self)
        bar.setObjectName("viewerToolbar")  # so saveState() can restore it
        bar.setMovable(False)
        bar.addActions([a.previous, a.next])
        bar.addSeparator()
        bar.addActions(
            [a.mode_split, a.mode_side_by_side, a.mode_toggle, a.mode_result, a.mode_difference]
        )
        bar.addAction(a.mask_overlay)
        bar.addSeparator()
        bar.addActions([a.zoom_fit, a.zoom_actual])
        background = QToolButton(bar)
        background.setText(QCoreApplication.translate("ViewerWindow", "Background"))
        background.setToolTip(
            QCoreApplication.translate("ViewerWindow", "What shows through transparent pixels")
        )
        background.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(background)
        menu.addActions(a.backgrounds.actions())
        background.setMenu(menu)
        bar.addWidget(background)
        bar.addSeparator()
        bar.addActions([a.accept, a.reject, a.thumbs_up, a.thumbs_down])
        bar.addSeparator()
        bar.addActions([a.retry, a.open_in_editor, a.show_in_folder])
        bar.addSeparator()
        bar.addAction(a.keys_help)
        # Keys belong to the canvas: a toolbar button must not steal focus when clicked.
        for button in bar.findChildren(QToolButton):
            button.setFocusPolicy(button.focusPolicy().NoFocus)
        return bar

    def show_shortcuts(self) -> None:
        """The app's one shortcuts sheet, listing this window's actions and the viewer's keys.

        Not modal: it stays open beside the images while the keys are being learnt.
        """
        sheet = ShortcutsSheet(self, keys.keys())
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.show()

    def _update_title(self, job_id: str) -> None:
        item = self.viewer.current_item()
        title = item.title if item is not None and item.title else job_id
        plain = QCoreApplication.translate("ViewerWindow", "Before / after")
        titled = QCoreApplication.translate("ViewerWindow", "{title} – Before / after")
        self.setWindowTitle(titled.format(title=title) if title else plain)

    def _result_path(self, job_id: str) -> Path | None:
        item = self.viewer.current_item()
        if item is None or item.job_id != job_id or not item.result_path:
            return None
        return Path(item.result_path)

    def _open_in_editor(self, job_id: str) -> None:
        path = self._result_path(job_id)
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _show_in_folder(self, job_id: str) -> None:
        path = self._result_path(job_id)
        if path is None:
            item = self.viewer.current_item()
            if item is None or not item.original_path:
                return
            path = Path(item.original_path)
        # Select the file where the platform's file manager can; elsewhere open its folder.
        if sys.platform == "win32":
            subprocess.Popen(["explorer", "/select,", str(path)])
        elif sys.platform == "darwin":
            subprocess.Popen(["open", "-R", str(path)])
        else:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.viewer.is_released():  # closed earlier, shown again without new items
            self.viewer.reload()
        self.viewer.canvas.setFocus()  # the keys work the moment the window opens

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()  # a review window closes the way a preview does
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Window geometry is the owner's to keep (saveGeometry/restoreGeometry), with the rest
        # of the application's window state. Decodes are cancelled, not waited for: the GUI
        # thread must not wait on low-priority threads (the loader joins them at quit).
        self.viewer.shutdown(wait=False)
        super().closeEvent(event)
