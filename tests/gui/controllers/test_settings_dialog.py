"""Concurrency changed in the Settings dialog reaches the running engine on OK, mid-batch."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import distinct_images, run, run_batch, states, until
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from app.domain.jobs import JobState
from app.engine.events import Event, JobChanged
from app.store.settings import Settings
from ui.dialogs.settings import SettingsDialog

N_IMAGES = 8


class UploadsInFlight:
    """Uploads running, from the engine's events (UPLOADING until the job's next state), and
    the most seen at once since `reset_peak`."""

    def __init__(self) -> None:
        self.state: dict[str, JobState] = {}
        self.peak = 0

    def now(self) -> int:
        return sum(1 for s in self.state.values() if s is JobState.UPLOADING)

    def reset_peak(self) -> None:
        self.peak = self.now()

    def __call__(self, event: Event) -> None:
        if isinstance(event, JobChanged):
            self.state[event.job.id] = event.job.state
            self.peak = max(self.peak, self.now())


async def open_settings(window: Any) -> SettingsDialog:
    window.preferences.show_settings()
    dialog = await until(lambda: window.preferences.settings_dialog, what="settings")
    assert isinstance(dialog, SettingsDialog)
    return dialog


async def closed(window: Any) -> None:
    await until(lambda: window.preferences.settings_dialog is None, what="dialog closed")


def test_ok_in_settings_resizes_the_running_engine_mid_batch(
    open_window: Callable[..., Any],
    sandbox_factory: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    # One upload at a time, each held 0.3 s by the sandbox: the batch is still uploading
    # when the dialog is accepted, however fast the machine.
    sandbox = sandbox_factory(faults="slow_upload=1", slow_upload_seconds=0.3)
    window = open_window(sandbox, Settings(hash_concurrency=1, upload_concurrency=1))
    window.settings.output_folder = str(tmp_path / "out")
    inputs = distinct_images(tmp_path / "in", N_IMAGES, stem="mug")
    engine = window.workspace.engine
    uploads = UploadsInFlight()
    engine.subscribe(uploads)

    async def scenario() -> None:
        await run_batch(window, inputs)
        await until(lambda: uploads.now() == 1, what="first upload")

        # Cancel changes nothing, in the engine or on disk.
        dialog = await open_settings(window)
        dialog.uploads_spin.setValue(9)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
        await closed(window)
        assert engine.concurrency.uploads == 1 and window.settings.upload_concurrency == 1

        dialog = await open_settings(window)
        note = dialog.findChild(QLabel, "speedNote")
        assert note is not None
        assert "at once" in note.text() and "next time" not in note.text()
        assert (dialog.uploads_spin.value(), dialog.hashing_spin.value()) == (1, 1)
        dialog.uploads_spin.setValue(3)
        dialog.downloads_spin.setValue(5)
        dialog.hashing_spin.setValue(2)
        uploads.reset_peak()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        await closed(window)
        limits = engine.concurrency
        assert (limits.uploads, limits.downloads, limits.hashing) == (3, 5, 2)
        # Jobs that were waiting for the single upload slot start now, up to the new limit.
        await until(lambda: uploads.peak >= 2, what="uploads in parallel after OK")
        await until(lambda: states(window) == ["done"] * N_IMAGES, 60, "all done")
        assert uploads.peak <= 3
        await window.wait_idle()

    run(loop, scenario(), 90)
    saved = Settings.load()
    assert (saved.upload_concurrency, saved.download_concurrency) == (3, 5)
    assert saved.hash_concurrency == 2
    assert sandbox.execution_count() == N_IMAGES  # one execution per image
