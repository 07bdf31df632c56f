"""Queueing: drops of files and folders, refused drops, pasted paths, files opened from
outside before the window is connected, and files added but never started last time."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import SAMPLES, copy_samples, drop, run, states, until, uri_list
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QGuiApplication

from ui.jobs_page import EMPTY_PAGE, LIST_PAGE


def test_drop_of_files_and_a_folder_adds_the_right_rows(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    assert window.page.currentIndex() == EMPTY_PAGE
    loose = copy_samples(tmp_path / "loose", ["rocket.jpg", "coffee.png"])
    folder = tmp_path / "shoot"
    copy_samples(folder / "day1", ["chelsea.png"])
    copy_samples(folder, ["astronaut.png"])
    (folder / "notes.txt").write_text("not an image")
    shutil.copy(SAMPLES / "rocket.jpg", folder / "day1" / "LOUD.JPG")

    drop(window, uri_list([*loose, folder]))
    # The drop handler returned at once; the walk and the hand-off run on the loop.
    run(loop, until(lambda: window.model.rowCount() == 5, what="five rows"))
    names = sorted(job.name for job in window.model.jobs())
    assert names == ["LOUD.JPG", "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"]
    assert set(states(window)) == {"queued"}
    assert window.page.currentIndex() == LIST_PAGE
    assert "skipped" in window.status_bar.message_label.text()  # notes.txt, said plainly
    assert window.window_actions.start.isEnabled()
    window.progress.update_summary()
    assert window.page.status_filter.itemText(0) == "All (5)"


def test_refused_drops_say_why_and_add_nothing(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    remote = QMimeData()
    remote.setUrls([QUrl("https://example.com/shot.jpg")])
    drop(window, remote)
    assert "not a local file" in window.status_bar.message_label.text()
    text = tmp_path / "notes.txt"
    text.write_text("x")

    async def scenario() -> None:
        drop(window, uri_list([text]))
        await until(lambda: "skipped" in window.status_bar.message_label.text(), what="refusal")
        await window.wait_idle()

    run(loop, scenario())
    assert window.model.rowCount() == 0
    assert window.page.currentIndex() == EMPTY_PAGE


def test_paste_queues_the_paths_on_the_clipboard(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png"])
    QGuiApplication.clipboard().setText("\n".join(str(p) for p in inputs))

    async def scenario() -> None:
        window.page.view.setFocus()
        window.window_actions.paste.trigger()
        await until(lambda: window.model.rowCount() == 2, what="pasted rows")
        await window.wait_idle()

    try:
        run(loop, scenario())
    finally:
        QGuiApplication.clipboard().clear()


def test_files_opened_from_outside_while_connecting_are_queued_once_connected(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window(connect=False)
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg"])
    window.open_from_elsewhere([str(p) for p in inputs])  # a second launch hands them over
    assert window.model.rowCount() == 0  # not connected yet: kept, not lost

    async def scenario() -> None:
        await window.connect_for_test()
        await until(lambda: window.model.rowCount() == 1, what="the handed-over file")
        await window.wait_idle()

    run(loop, scenario())
    assert [job.name for job in window.model.jobs()] == ["rocket.jpg"]


def test_files_added_but_never_started_come_back_queued_not_running(
    open_window: Callable[..., Any],
    sandbox_factory: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    sandbox = sandbox_factory()
    window = open_window(sandbox)
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png"])
    again = open_window(sandbox, connect=False)

    async def scenario() -> None:
        await window.queue.queue_paths(inputs)  # added, cost never confirmed
        await window.detach()  # quit
        window.close()
        await again.connect_for_test()
        assert sorted(j.name for j in again.model.jobs()) == ["coffee.png", "rocket.jpg"]
        assert set(states(again)) == {"queued"}  # waiting for Start: nothing charged
        assert again.window_actions.start.isEnabled()
        assert "press Start" in again.status_bar.message_label.text()
        await again.wait_idle()

    run(loop, scenario(), 60)
    assert sandbox.execution_count() == 0
