"""Desktop notifications for finished batches, only when the user is looking elsewhere.

A tray icon is the one portable way Qt offers to show a system notification. Where there is no
tray (some desktops, offscreen tests) the taskbar entry is asked to get attention instead.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from ui import icons


class Notifier:
    def __init__(self) -> None:
        self._tray: QSystemTrayIcon | None = None
        self.sent: list[tuple[str, str]] = []  # what was shown, for the status line and tests

    def _ensure_tray(self) -> QSystemTrayIcon | None:
        if self._tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            self._tray = QSystemTrayIcon(icons.app_icon())
            self._tray.setToolTip("Retouch Desk")
            self._tray.show()
        return self._tray

    def batch_finished(self, window: QWidget, title: str, text: str) -> bool:
        """Notify if the window is not the active one. True when a notification was made."""
        if window.isActiveWindow() and not window.isMinimized():
            return False
        self.sent.append((title, text))
        tray = self._ensure_tray()
        if tray is not None and QSystemTrayIcon.supportsMessages():
            tray.showMessage(title, text, icons.app_icon(), 8000)
        else:
            QApplication.alert(window, 0)
        return True

    def close(self) -> None:
        if self._tray is not None:
            self._tray.hide()
            self._tray.deleteLater()
            self._tray = None
