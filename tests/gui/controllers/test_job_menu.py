"""The selected rows' verbs on a real sandbox: copy the execution ID, retry a failed row,
retry after a top-up, cancel and retry."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import copy_samples, run, run_batch, states, until
from PySide6.QtGui import QGuiApplication

from ui.context_menu import JobAction


def entries_for_all(window: Any) -> dict[JobAction, Any]:
    window.page.view.selectAll()
    return {e.action: e for e in window.job_menu.menu_entries(window.page.selected_jobs()) if e}


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
    menu = window.job_menu

    async def scenario() -> None:
        await run_batch(window, inputs)
        await until(lambda: states(window) == ["failed"], 60, "failed")
        assert window.model.jobs()[0].error
        window.page.view.selectAll()
        await menu.run_action(JobAction.COPY_EXECUTION_ID, window.page.selected_jobs())
        assert QGuiApplication.clipboard().text() == window.model.jobs()[0].execution_id
        assert window.window_actions.retry_failed.isEnabled()
        entries = entries_for_all(window)
        assert entries[JobAction.RETRY].enabled
        assert not entries[JobAction.OPEN_RESULT].enabled
        await menu.run_action(JobAction.RETRY, window.page.selected_jobs())
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
    balance = window.status_bar.balance_label

    async def scenario() -> None:
        await run_batch(window, inputs)
        await until(lambda: states(window) == ["payment_required"], 60, "payment required")
        assert "low" in balance.text()
        sandbox.add_credits(1000)
        window.page.view.selectAll()
        await window.job_menu.run_action(JobAction.RETRY, window.page.selected_jobs())
        await until(lambda: states(window) == ["done"], 60, "done after top-up")
        # The balance in the status bar follows the batch.
        await until(lambda: "low" not in balance.text(), what="balance refresh")
        await window.wait_idle()

    run(loop, scenario(), 90)
    assert Path(window.model.jobs()[0].output_path).is_file()


def test_cancelled_rows_can_be_retried_to_done(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png"])
    window.settings.output_folder = str(tmp_path / "out")
    menu = window.job_menu

    async def scenario() -> None:
        await window.queue.queue_paths(inputs)
        entries = entries_for_all(window)
        assert entries[JobAction.CANCEL].enabled and not entries[JobAction.RETRY].enabled
        await menu.run_action(JobAction.CANCEL, window.page.selected_jobs())
        await until(lambda: states(window) == ["cancelled"] * 2, what="cancelled")
        assert not window.window_actions.start.isEnabled()  # nothing left to confirm
        window.page.view.selectAll()
        await menu.run_action(JobAction.RETRY, window.page.selected_jobs())
        await until(lambda: states(window) == ["done"] * 2, 60, "done after retry")
        await window.wait_idle()

    run(loop, scenario(), 90)
