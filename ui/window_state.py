"""QSettings for window geometry and splitters only, in the app's own config folder.

Typed settings live in `app.store.settings`; this file holds what only Qt can serialise. Keeping
it under `paths.config_dir()` means RETOUCHDESK_HOME (tests, side-by-side installs) moves it too.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app.store import paths


def window_settings() -> QSettings:
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)
