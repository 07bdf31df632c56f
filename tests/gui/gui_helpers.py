"""Helpers for driving the window like a user, on a qasync loop (see design.md's trap)."""

from __future__ import annotations

import asyncio
import shutil
import warnings
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

TIMEOUT = 30.0
SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


def copy_samples(folder: Path, names: Sequence[str]) -> list[Path]:
    """Copies of the sandbox's sample photos (the originals are never handed to a test)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(SAMPLES / name, folder / name)) for name in names]


def distinct_images(folder: Path, count: int, stem: str = "cup") -> list[Path]:
    """`count` different small photos (the engine processes identical bytes once)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    base = Image.open(SAMPLES / "coffee.png").convert("RGB")
    paths = []
    for i in range(count):
        path = folder / f"{stem}_{i:02d}.jpg"
        base.resize((160 + i, 120)).save(path, quality=85)
        paths.append(path)
    return paths


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
    dialog = await until(lambda: window.run.confirm_dialog, what="confirmation")
    assert dialog.isVisible()
    dialog.start_button.click()


async def run_batch(window: Any, inputs: Sequence[Path]) -> None:
    """Queue `inputs`, press Start and confirm the cost, like a user."""
    assert await window.queue.queue_paths(inputs)
    starting = asyncio.ensure_future(window.run.start_pending())
    await accept_confirmation(window)
    assert await starting is True


def states(window: Any) -> list[str]:
    return [job.state.value for job in window.model.jobs()]
