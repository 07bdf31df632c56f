"""Running from the window: confirm the cost and run to done, decline and nothing runs,
pause and resume, clear what finished."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import copy_samples, distinct_images, run, run_batch, states, until
from PySide6.QtWidgets import QLabel

from app.store.settings import Settings
from ui.jobs_page import EMPTY_PAGE


def test_a_batch_runs_to_done_with_files_on_disk(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png", "chelsea.png"])
    window.settings.output_folder = str(tmp_path / "out")

    # One coroutine per scenario: qasync runs pending Qt events after run_until_complete
    # returns, outside the running loop, which would break HTTP tasks still in flight.
    async def scenario() -> None:
        await run_batch(window, inputs)
        await until(lambda: states(window) == ["done"] * 3, 60, "all done")
        summary = window.status_bar.summary_label
        await until(lambda: "3 / 3 done" in summary.text(), what="summary")
        await until(lambda: window.notices.last_batch_summary, what="batch summary")
        await window.wait_idle()

    run(loop, scenario(), 90)
    for job in window.model.jobs():
        assert Path(job.output_path).is_file()
        assert Path(job.output_path).is_relative_to(tmp_path / "out")
    assert "3 done" in window.notices.last_batch_summary
    assert not window.window_actions.start.isEnabled()  # nothing left to start

    async def clear() -> None:
        assert window.window_actions.clear_done.isEnabled()
        window.window_actions.clear_done.trigger()
        await until(lambda: window.model.rowCount() == 0, what="cleared")
        await window.wait_idle()

    run(loop, clear())
    assert window.page.currentIndex() == EMPTY_PAGE  # back to "Drop product photos here"


def test_declining_the_cost_starts_nothing_and_keeps_the_queue(
    open_window: Callable[..., Any],
    sandbox_factory: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    sandbox = sandbox_factory()
    window = open_window(sandbox)
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png"])

    async def scenario() -> None:
        await window.queue.queue_paths(inputs)
        starting = asyncio.ensure_future(window.run.start_pending())
        dialog = await until(lambda: window.run.confirm_dialog, what="confirmation")
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        assert any("Process 2 images" in text for text in texts)
        dialog.reject()  # the user says no
        assert await starting is False
        await window.wait_idle()

    run(loop, scenario())
    assert set(states(window)) == {"queued"}
    assert window.window_actions.start.isEnabled()  # still waiting for a Start
    assert sandbox.execution_count() == 0


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
    pause = window.window_actions.pause

    def started() -> int:
        return sum(state != "queued" for state in states(window))

    async def scenario() -> None:
        await run_batch(window, inputs)
        await until(lambda: started() >= 1, 30, "first job started")
        pause.trigger()
        assert window.workspace.engine.paused and pause.text() == "Resume"
        # A job that had passed the gate when the pause came is in flight, not new: let those
        # land, then nothing at all may start for a whole second.
        await asyncio.sleep(0.3)
        window.bridge.flush()
        held = started()
        await asyncio.sleep(1.0)
        window.bridge.flush()
        assert started() == held < len(inputs)  # nothing new started while paused
        pause.trigger()
        assert not window.workspace.engine.paused and pause.text() == "Pause"
        await until(lambda: states(window) == ["done"] * len(inputs), 60, "done after resume")
        await window.wait_idle()

    run(loop, scenario(), 90)
