"""Helpers for driving the window like a user, on a qasync loop (see design.md's trap)."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

TIMEOUT = 30.0


async def until(condition: Callable[[], Any], timeout: float = TIMEOUT, what: str = "") -> Any:
    """Poll a condition while the loop runs everything else; fail with a message on timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.02)


def run(
    loop: asyncio.AbstractEventLoop, awaitable: Awaitable[Any], timeout: float = TIMEOUT
) -> Any:
    return loop.run_until_complete(asyncio.wait_for(awaitable, timeout))


def uri_list(paths: Sequence[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(window: Any, mime: QMimeData) -> None:
    """Deliver a real drag-enter and drop to the window, as the platform would."""
    pos = QPointF(window.width() / 2, window.height() / 2)
    with warnings.catch_warnings():
        # Qt marks this constructor deprecated but offers no QPointF one for drag-enter.
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(
            pos.toPoint(),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    assert window.drop_overlay.isVisible()  # the visible drop highlight
    event = QDropEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    assert event.isAccepted()
    assert not window.drop_overlay.isVisible()


async def accept_confirmation(window: Any) -> None:
    """Wait for the cost confirmation and press its Start button, like a user."""
    dialog = await until(lambda: getattr(window, "confirm_dialog", None), what="confirmation")
    assert dialog.isVisible()
    dialog.start_button.click()


def states(window: Any) -> list[str]:
    return [job.state.value for job in window.model.jobs()]
