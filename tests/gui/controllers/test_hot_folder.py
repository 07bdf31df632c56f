"""The hot folder from the window: new images are processed without a click, and the status
bar says what the watch is doing, a failure included (never a stale "Watching …")."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import copy_samples, run, states, until

from app.store.settings import Settings


def hot_settings(folder: Path, out: Path) -> Settings:
    settings = Settings(hot_folder_enabled=True, hot_folder_path=str(folder))
    settings.output_folder = str(out)
    return settings


def test_hot_folder_processes_new_images_without_a_click(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    window = open_window(settings=hot_settings(hot, tmp_path / "out"), connect=False)
    window.hot_folder.settle = 0.1
    label = window.status_bar.hot_label

    async def scenario() -> None:
        await window.connect_for_test()
        assert label.isVisible() and label.text() == "Watching hot"
        copy_samples(hot, ["rocket.jpg"])
        await until(lambda: states(window) == ["done"], 60, "hot folder image done")
        await window.wait_idle()
        window.settings.hot_folder_enabled = False
        await window.hot_folder.restart()
        assert not label.isVisible()
        assert window.hot_folder.status.state == "off"

    run(loop, scenario(), 90)
    assert Path(window.model.jobs()[0].output_path).is_file()


def test_a_hot_folder_that_does_not_exist_says_so(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window(settings=hot_settings(tmp_path / "missing", tmp_path / "out"))
    label = window.status_bar.hot_label
    assert label.isVisible() and "does not exist" in label.text()
    assert "Watching" not in label.text()
    assert label.property("failed") is True


def test_a_watch_that_dies_is_shown_as_stopped_with_its_reason(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    window = open_window(settings=hot_settings(hot, tmp_path / "out"), connect=False)
    window.hot_folder.settle = 0.1
    label = window.status_bar.hot_label

    async def scenario() -> None:
        await window.connect_for_test()
        assert label.text() == "Watching hot"
        shutil.rmtree(hot)  # unplugged share, deleted folder
        await until(lambda: "Watching" not in label.text(), 30, "the watch's end shown")
        await window.wait_idle()

    run(loop, scenario(), 60)
    assert label.isVisible() and "gone" in label.text()
    assert window.hot_folder.status.state == "failed"
    assert "gone" in window.status_bar.message_label.text()
