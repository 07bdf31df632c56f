"""Keyboard, viewer, resume after quit, refused drops, notifications: the window as used."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import accept_confirmation, drop, run, states, until, uri_list
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from app.store.settings import Settings
from ui.notifications import Notifier
from ui.window_state import window_settings

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


def copy_samples(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(SAMPLES / name, folder / name)) for name in names]


async def run_batch(window: Any, inputs: list[Path]) -> None:
    await window.queue_paths(inputs)
    starting = asyncio.ensure_future(window.start_pending())
    await accept_confirmation(window)
    assert await starting


def test_keyboard_opens_the_viewer_and_removes_rows(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    window.notifier = Notifier()
    window.settings.output_folder = str(tmp_path / "out")
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png"])

    async def scenario() -> None:
        await run_batch(window, inputs)
        await until(lambda: states(window) == ["done", "done"], 60, "done")
        await until(lambda: window.last_batch_summary, what="batch summary")
        await window.wait_idle()

    run(loop, scenario(), 90)
    # The window was not focused (offscreen): the finished batch was announced.
    assert window.notifier.sent and "2 done" in window.notifier.sent[0][1]
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(window.selected_jobs()) == 2
    window.view.selectRow(1)
    QTest.keyClick(window.view, Qt.Key.Key_Return)
    viewer = window._viewer
    assert viewer is not None and viewer.isVisible()
    current = viewer.viewer.current_item()
    assert current.job_id == window.selected_jobs()[0].id
    assert Path(current.result_path).is_file()

    async def review() -> None:
        # The viewer's verdict reaches the engine (and the journal) and comes back as a row.
        viewer.viewer.reviewRequested.emit(current.job_id, "accepted")
        await until(
            lambda: window.model.job(current.job_id).review.value == "accepted",
            what="review stored",
        )
        await window.wait_idle()

    run(loop, review())
    viewer.close()
    assert window_settings().value("viewer/geometry") is not None  # kept for next time
    removed = window.selected_jobs()[0].id

    async def delete() -> None:
        QTest.keyClick(window.view, Qt.Key.Key_Delete)
        await until(lambda: window.model.rowCount() == 1, what="row removed")
        await window.wait_idle()

    run(loop, delete())
    assert window.model.job(removed) is None


def test_unfinished_batch_reappears_and_finishes_after_a_quit(
    open_window: Callable[..., Any],
    sandbox_factory: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    sandbox = sandbox_factory(latency=1.0, workers=1)
    window = open_window(sandbox)
    window.settings.output_folder = str(tmp_path / "out")
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png", "chelsea.png"])

    again = open_window(sandbox, connect=False)

    # One coroutine from start to finish: jobs are in flight across the quit, and qasync runs
    # pending Qt events outside the loop whenever run_until_complete returns.
    async def scenario() -> None:
        await run_batch(window, inputs)
        await until(lambda: "processing" in states(window), 60, "processing")
        assert not all(job.state.is_final for job in window.model.jobs())
        await window.detach()  # what quitting does
        window.close()
        again.settings = Settings.load()
        await again.connect_for_test()
        assert sorted(j.name for j in again.model.jobs()) == sorted(p.name for p in inputs)
        await until(lambda: states(again) == ["done"] * 3, 60, "resumed to done")
        await again.wait_idle()

    run(loop, scenario(), 90)
    # Nothing was created (and paid) twice.
    assert sandbox.execution_count() == 3


def test_refused_drops_say_why_and_add_nothing(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    remote = QMimeData()
    remote.setUrls([QUrl("https://example.com/shot.jpg")])
    drop(window, remote)
    assert "not a local file" in window.message_label.text()
    text = tmp_path / "notes.txt"
    text.write_text("x")

    async def scenario() -> None:
        drop(window, uri_list([text]))
        await until(lambda: "skipped" in window.message_label.text(), what="refusal")
        await window.wait_idle()

    run(loop, scenario())
    assert window.model.rowCount() == 0
    assert window.pages.currentIndex() == 0


def test_paste_queues_the_paths_on_the_clipboard(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png"])
    QGuiApplication.clipboard().setText("\n".join(str(p) for p in inputs))

    async def scenario() -> None:
        window.view.setFocus()
        window.act_paste.trigger()
        await until(lambda: window.model.rowCount() == 2, what="pasted rows")
        await window.wait_idle()

    run(loop, scenario())
    QGuiApplication.clipboard().clear()


def distinct_images(folder: Path, count: int) -> list[Path]:
    """`count` different files (the engine processes identical bytes once)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    base = Image.open(SAMPLES / "coffee.png").convert("RGB")
    paths = []
    for i in range(count):
        path = folder / f"cup_{i:02d}.jpg"
        base.resize((200 + i, 150)).save(path, quality=85)
        paths.append(path)
    return paths


def test_pause_holds_new_work_and_resume_finishes_it(
    open_window: Callable[..., Any],
    sandbox_factory: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    # One upload at a time, each held 0.3 s by the sandbox: the pause lands while most of
    # the batch is still waiting, however fast the machine.
    slow = Settings(hash_concurrency=1, upload_concurrency=1)
    sandbox = sandbox_factory(faults="slow_upload=1", slow_upload_seconds=0.3)
    window = open_window(sandbox, slow)
    window.settings.output_folder = str(tmp_path / "out")
    inputs = distinct_images(tmp_path / "in", 5)

    def started() -> int:
        return sum(state != "queued" for state in states(window))

    async def scenario() -> None:
        await run_batch(window, inputs)
        await until(lambda: started() >= 1, 30, "first job started")
        window.act_pause.trigger()
        assert window.workspace.engine.paused and window.act_pause.text() == "Resume"
        # A job that had passed the gate when the pause came is in flight, not new: let those
        # land, then nothing at all may start for a whole second.
        await asyncio.sleep(0.3)
        window.bridge.flush()
        held = started()
        await asyncio.sleep(1.0)
        window.bridge.flush()
        assert started() == held < len(inputs)  # nothing new started while paused
        window.act_pause.trigger()
        assert not window.workspace.engine.paused and window.act_pause.text() == "Pause"
        await until(lambda: states(window) == ["done"] * len(inputs), 60, "done after resume")
        await window.wait_idle()

    run(loop, scenario(), 90)


def test_hot_folder_processes_new_images_without_a_click(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    settings = Settings(hot_folder_enabled=True, hot_folder_path=str(hot))
    settings.output_folder = str(tmp_path / "out")
    window = open_window(settings=settings, connect=False)
    window.hot_folder_interval = 0.1

    async def scenario() -> None:
        await window.connect_for_test()
        assert window.hot_label.isVisible() and "hot" in window.hot_label.text()
        copy_samples(hot, ["rocket.jpg"])
        await until(lambda: states(window) == ["done"], 60, "hot folder image done")
        await window.wait_idle()
        window.settings.hot_folder_enabled = False
        window.restart_hot_folder()
        assert not window.hot_label.isVisible()

    run(loop, scenario(), 90)
    assert Path(window.model.jobs()[0].output_path).is_file()


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
        await window.queue_paths(inputs)  # added, cost never confirmed
        await window.detach()  # quit
        window.close()
        again.settings = Settings.load()
        await again.connect_for_test()
        assert sorted(j.name for j in again.model.jobs()) == ["coffee.png", "rocket.jpg"]
        await asyncio.sleep(0.5)
        assert set(states(again)) == {"queued"}  # waiting for Start: nothing charged
        assert again.act_start.isEnabled()
        assert "press Start" in again.message_label.text()
        await again.wait_idle()

    run(loop, scenario(), 60)
    assert sandbox.execution_count() == 0
