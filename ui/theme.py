"""Light and dark: follow the system's colour scheme, with a dark palette where Qt has none.

Qt picks up the desktop's palette through its platform theme (GNOME, KDE, macOS, Windows).
Where that theme only reports the scheme (or nothing, like a bare X session), a dark palette is
applied here so a dark desktop never gets a glaring white window. The icons are tinted from the
palette when painted, so they follow automatically.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget


def dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#2b2d31"), QColor("#1f2023"), QColor("#e6e6e6")
    role = QPalette.ColorRole
    p.setColor(role.Window, window)
    p.setColor(role.WindowText, text)
    p.setColor(role.Base, base)
    p.setColor(role.AlternateBase, QColor("#26282c"))
    p.setColor(role.ToolTipBase, QColor("#3a3d42"))
    p.setColor(role.ToolTipText, text)
    p.setColor(role.Text, text)
    p.setColor(role.Button, QColor("#34363b"))
    p.setColor(role.ButtonText, text)
    p.setColor(role.BrightText, QColor("#ff6b6b"))
    p.setColor(role.Highlight, QColor("#2f7fd8"))
    p.setColor(role.HighlightedText, QColor("#ffffff"))
    p.setColor(role.Link, QColor("#6aa9ff"))
    p.setColor(role.PlaceholderText, QColor("#8b8f96"))
    p.setColor(role.Mid, QColor("#45484e"))
    p.setColor(role.Dark, QColor("#1a1b1e"))
    p.setColor(role.Light, QColor("#4a4d53"))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor("#7c8087"))
    return p


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_palette(palette: QPalette) -> None:
    QApplication.setPalette(palette)
    # Views cache nothing of the palette, but repaint so icons re-tint at once.
    for widget in QApplication.topLevelWidgets():
        _repaint(widget)


def _repaint(widget: QWidget) -> None:
    widget.update()
    for child in widget.findChildren(QWidget):
        child.update()


def follow_system(app: QApplication) -> None:
    """Apply a dark palette when the desktop asks for dark but Qt's palette is light."""
    hints = QGuiApplication.styleHints()

    def sync() -> None:
        wants_dark = hints.colorScheme() == Qt.ColorScheme.Dark
        if wants_dark and not is_dark(QGuiApplication.palette()):
            app.setStyle("Fusion")  # native styles may ignore a custom dark palette
            apply_palette(dark_palette())

    sync()
    hints.colorSchemeChanged.connect(lambda _scheme: sync())
