"""Sign-in, settings and history, against a real sandbox and real settings files."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import copy_samples, run, run_batch, states, until
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from app.store.settings import Settings
from ui.dialogs.settings import SettingsDialog, preview_name
from ui.dialogs.sign_in import AccountDialog
from ui.workspace import Workspace, sandbox_profile


def test_sign_in_dialog_completes_the_device_flow(
    qtbot: Any, loop: asyncio.AbstractEventLoop, sandbox_factory: Callable[..., Any]
) -> None:
    sandbox = sandbox_factory(auto_approve=False)
    workspace = Workspace(sandbox_profile(sandbox.base_url), Settings())
    parent = QWidget()
    qtbot.addWidget(parent)

    async def scenario() -> None:
        assert not await workspace.connect()
        dialog = AccountDialog(parent, workspace, sign_in_only=True)
        dialog.open()
        assert dialog.sign_in_button.isVisible()
        flow = asyncio.ensure_future(dialog.device_flow())
        code = await until(lambda: dialog.code_label.text(), what="user code")
        assert dialog.code_panel.isVisible() and dialog.waiting.isVisible()
        assert dialog.code_label.font().pointSize() >= 20  # large type
        assert sandbox.approve(code)
        assert await flow is True
        assert workspace.session.signed_in
        assert dialog.result() == QDialog.DialogCode.Accepted
        # Signed in for real: the API answers with this session.
        assert await workspace.client.list_workflows(workspace.session.default_organization_id)
        await workspace.aclose()

    run(loop, scenario())


def test_a_declined_sign_in_says_so_in_plain_words(
    qtbot: Any, loop: asyncio.AbstractEventLoop, sandbox_factory: Callable[..., Any]
) -> None:
    sandbox = sandbox_factory(auto_approve=False)
    workspace = Workspace(sandbox_profile(sandbox.base_url), Settings())
    parent = QWidget()
    qtbot.addWidget(parent)

    async def scenario() -> None:
        await workspace.connect()
        dialog = AccountDialog(parent, workspace, sign_in_only=True)
        dialog.open()
        flow = asyncio.ensure_future(dialog.device_flow())
        code = await until(lambda: dialog.code_label.text(), what="user code")
        assert sandbox.deny(code)
        assert await flow is False
        assert not workspace.session.signed_in
        assert "declined" in dialog.error_label.text()
        assert not dialog.code_panel.isVisible()
        dialog.close()
        await workspace.aclose()

    run(loop, scenario())


def test_settings_persist_across_a_restart_of_the_window(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    out = tmp_path / "results"
    out.mkdir()

    async def edit() -> None:
        window.preferences.show_settings()
        dialog = await until(lambda: window.preferences.settings_dialog, what="settings")
        assert isinstance(dialog, SettingsDialog)
        dialog.layout_combo.setCurrentIndex(dialog.layout_combo.findData("folder"))
        dialog.output_edit.setText(str(out))
        dialog.template_edit.setText("{date}/{stem}-{n}{{")
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()  # a broken template cannot be saved
        assert "brace" in dialog.preview_label.text()
        dialog.template_edit.setText("{workflow}/{stem}_retouched{ext}")
        assert dialog.preview_label.text().endswith("IMG_0042_retouched.png")
        dialog.exists_combo.setCurrentIndex(dialog.exists_combo.findData("skip"))
        dialog.uploads_spin.setValue(7)
        dialog.notify_check.setChecked(False)
        ok.click()
        await until(lambda: window.preferences.settings_dialog is None, what="dialog closed")

    run(loop, edit())
    window.resize(701, 503)  # inside the offscreen 800x600 screen
    window.close()  # saves geometry like a user quitting

    # A new window, reading only what is on disk.
    again = open_window(window.sandbox, Settings.load())
    s = again.settings
    assert (s.layout, s.output_folder, s.on_exists) == ("folder", str(out), "skip")
    assert s.name_template == "{workflow}/{stem}_retouched{ext}"
    assert s.upload_concurrency == 7 and s.notifications is False
    assert (again.width(), again.height()) == (701, 503)
    dialog = SettingsDialog(s, again)
    assert dialog.output_edit.text() == str(out)
    assert dialog.uploads_spin.value() == 7
    dialog.deleteLater()


def test_name_preview_uses_the_engines_naming() -> None:
    assert preview_name("{stem}{ext}") == "IMG_0042.png"
    assert preview_name("a/../{stem}{ext}").endswith("IMG_0042.png")
    assert ".." not in Path(preview_name("../{stem}{ext}")).parts


def test_history_lists_server_executions_merged_with_the_journal(
    open_window: Callable[..., Any], loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    window = open_window()
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png"])
    window.settings.output_folder = str(tmp_path / "out")

    async def scenario() -> Any:
        await run_batch(window, inputs)
        await until(lambda: states(window) == ["done", "done"], 60, "done")
        await window.wait_idle()
        window.history.show_history()
        history = await until(lambda: window.history.history_window, what="history")
        await until(lambda: history.executions.rowCount() == 2, what="two executions")
        await until(lambda: history.batches.rowCount() >= 1, what="a batch")
        saved = {history.executions.index(r, 6).data() for r in range(2)}
        assert saved == {j.output_path for j in window.model.jobs()}
        history.exec_view.selectRow(0)
        assert history.download_button.isEnabled() and history.open_button.isEnabled()
        target = await history.download_to(history.selected_execution(), tmp_path / "again.png")
        history.status_combo.setCurrentIndex(history.status_combo.findData("FAILED"))
        await until(lambda: history.executions.rowCount() == 0, what="filtered to none")
        await window.wait_idle()
        history.close()
        return target

    target = run(loop, scenario(), 90)
    assert target.stat().st_size > 0
