"""The window as a whole: what a quit leaves unfinished reappears and finishes in the next
window, without anything created (and paid for) twice; switching workspaces leaves nothing
of the old one on screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import copy_samples, run, run_batch, states, until


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
        assert window.model.rowCount() == 0 and window.workspace is None
        assert not window.window_actions.add_files.isEnabled()
        window.close()
        await again.connect_for_test()
        assert sorted(j.name for j in again.model.jobs()) == sorted(p.name for p in inputs)
        await until(lambda: "Resumed 1 unfinished batch" in again.status_bar.message_label.text())
        await until(lambda: states(again) == ["done"] * 3, 60, "resumed to done")
        await again.wait_idle()

    run(loop, scenario(), 90)
    # Nothing was created (and paid) twice.
    assert sandbox.execution_count() == 3
