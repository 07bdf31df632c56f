"""Handing files to the desktop: open one in its default application, show one in its folder."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

logger = logging.getLogger(__name__)


def open_file(path: str) -> None:
    if path:
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def show_in_folder(path: str) -> None:
    """Select the file in the platform's file manager where possible, else open its folder."""
    if not path:
        return
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
