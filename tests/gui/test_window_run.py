"""The window end to end on a real sandbox: drop, confirm, run, retry, top up."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import accept_confirmation, drop, run, states, until, uri_list
from PySide6.QtGui import QGuiApplication

from ui.context_menu import JobAction

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


def copy_samples(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(SAMPLES / name, folder / name)) for name in names]


async def start_and_confirm(window: Any) -> None:
    starting = asyncio.ensure_future(window.start_pending())
    await accept_confirmation(window)
    assert await starting is True


def test_drop_of_files_and_a_folder_adds_the_right_rows(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    assert window.pages.currentIndex() == 0  # the empty state
    loose = copy_samples(tmp_path / "loose", ["rocket.jpg", "coffee.png"])
    folder = tmp_path / "shoot"
    copy_samples(folder / "day1", ["chelsea.png"])
    copy_samples(folder, ["astronaut.png"])
    (folder / "notes.txt").write_text("not an image")
    upper = folder / "day1" / "LOUD.JPG"
    shutil.copy(SAMPLES / "rocket.jpg", upper)

    drop(window, uri_list([*loose, folder]))
    # The drop handler returned at once; the walk and the hand-off run on the loop.
    run(loop, until(lambda: window.model.rowCount() == 5, what="five rows"))
    names = sorted(job.name for job in window.model.jobs())
    assert names == ["LOUD.JPG", "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"]
    assert set(states(window)) == {"queued"}
    assert window.pages.currentIndex() == 1
    assert "skipped" in window.message_label.text()  # notes.txt, said plainly
    assert window.act_start.isEnabled()
    window._update_summary()
    assert window.status_filter.itemText(0) == "All (5)"


def test_a_batch_runs_to_done_with_files_on_disk(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png", "chelsea.png"])
    window.settings.output_folder = str(tmp_path / "out")

    # One coroutine per scenario: qasync runs pending Qt events after run_until_complete
    # returns, outside the running loop, which would break HTTP tasks still in flight.
    async def scenario() -> None:
        await window.queue_paths(inputs)
        await start_and_confirm(window)
        await until(lambda: states(window) == ["done"] * 3, 60, "all done")
        await until(lambda: "3 / 3 done" in window.summary_label.text(), what="summary")
        await until(lambda: getattr(window, "last_batch_summary", ""), what="batch summary")
        await window.wait_idle()

    run(loop, scenario(), 90)
    for job in window.model.jobs():
        assert Path(job.output_path).is_file()
        assert Path(job.output_path).is_relative_to(tmp_path / "out")
    assert "3 done" in window.last_batch_summary

    async def clear() -> None:
        assert window.act_clear_done.isEnabled()
        window.act_clear_done.trigger()
        await until(lambda: window.model.rowCount() == 0, what="cleared")
        await window.wait_idle()

    run(loop, clear())
    assert window.pages.currentIndex() == 0  # back to "Drop product photos here"


def test_a_failed_row_is_retried_from_its_context_menu(
    open_window: Callable[..., Any],
    sandbox_factory: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    # With seed 0 the sandbox's first "fail" roll (0.28) fails and the second (0.57) does not:
    # the first attempt fails, the retry succeeds, on every run.
    sandbox = sandbox_factory(faults="fail=0.5", seed=0)
    window = open_window(sandbox)
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg"])
    window.settings.output_folder = str(tmp_path / "out")

    async def scenario() -> None:
        await window.queue_paths(inputs)
        await start_and_confirm(window)
        await until(lambda: states(window) == ["failed"], 60, "failed")
        assert window.model.jobs()[0].error
        window.view.selectAll()
        await window.run_action(JobAction.COPY_EXECUTION_ID, window.selected_jobs())
        assert QGuiApplication.clipboard().text() == window.model.jobs()[0].execution_id
        assert window.act_retry_failed.isEnabled()
        window.view.selectAll()
        entries = {e.action: e for e in window.menu_entries(window.selected_jobs()) if e}
        assert entries[JobAction.RETRY].enabled
        assert not entries[JobAction.OPEN_RESULT].enabled
        await window.run_action(JobAction.RETRY, window.selected_jobs())
        await until(lambda: states(window) == ["done"], 60, "done after retry")
        await window.wait_idle()

    run(loop, scenario(), 90)
    assert Path(window.model.jobs()[0].output_path).is_file()


def test_payment_required_row_completes_after_top_up_and_retry(
    open_window: Callable[..., Any],
    sandbox_factory: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    sandbox = sandbox_factory(credits=0)
    window = open_window(sandbox)
    inputs = copy_samples(tmp_path / "in", ["coffee.png"])
    window.settings.output_folder = str(tmp_path / "out")

    async def scenario() -> None:
        await window.queue_paths(inputs)
        await start_and_confirm(window)
        await until(lambda: states(window) == ["payment_required"], 60, "payment required")
        assert "low" in window.balance_label.text()
        sandbox.add_credits(1000)
        window.view.selectAll()
        await window.run_action(JobAction.RETRY, window.selected_jobs())
        await until(lambda: states(window) == ["done"], 60, "done after top-up")
        # The balance in the status bar follows the batch.
        await until(lambda: "low" not in window.balance_label.text(), what="balance refresh")
        await window.wait_idle()

    run(loop, scenario(), 90)
    assert Path(window.model.jobs()[0].output_path).is_file()


def test_cancelled_rows_can_be_retried_to_done(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png"])
    window.settings.output_folder = str(tmp_path / "out")

    async def scenario() -> None:
        await window.queue_paths(inputs)
        window.view.selectAll()
        entries = {e.action: e for e in window.menu_entries(window.selected_jobs()) if e}
        assert entries[JobAction.CANCEL].enabled and not entries[JobAction.RETRY].enabled
        await window.run_action(JobAction.CANCEL, window.selected_jobs())
        await until(lambda: states(window) == ["cancelled"] * 2, what="cancelled")
        window.view.selectAll()
        await window.run_action(JobAction.RETRY, window.selected_jobs())
        await until(lambda: states(window) == ["done"] * 2, 60, "done after retry")
        await window.wait_idle()

    run(loop, scenario(), 90)
