"""Start-up pieces: switching server signs in through the dialog; errors become a dialog."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any

from gui_helpers import run, until
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.store.settings import Settings
from ui.main import install_excepthook, parse_args
from ui.startup import Startup


def test_switching_to_a_custom_server_signs_in_through_the_dialog(
    open_window: Callable[..., Any],
    sandbox_factory: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
) -> None:
    window = open_window()
    first_url = window.workspace.profile.api_url
    other = sandbox_factory(auto_approve=True)
    startup = Startup(window, Settings.load())

    async def scenario() -> None:
        switching = asyncio.ensure_future(startup.switch(other.base_url))
        dialog = await until(lambda: window.account.account_dialog, what="sign-in dialog")
        assert dialog.sign_in_button.isVisible()
        dialog.sign_in_button.click()  # the sandbox approves at once
        await switching
        await window.wait_idle()

    run(loop, scenario())
    assert window.workspace.profile.api_url == other.base_url != first_url
    assert window.workspace.session.signed_in
    assert window.toolbars.workflow_picker.current() is not None
    assert Settings.load().server == other.base_url  # remembered for the next start


def test_unhandled_errors_show_a_dialog_instead_of_killing_the_app(qtbot: Any) -> None:
    previous = sys.excepthook
    shown: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            shown.append(box.text())
            box.accept()

    install_excepthook(lambda: None)
    try:
        QTimer.singleShot(0, answer)
        try:
            raise ValueError("disk on fire")
        except ValueError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    assert shown == ["Something went wrong: disk on fire"]


def test_command_line_paths_and_server_are_parsed() -> None:
    args = parse_args(["--server", "autoretouch", "a.jpg", "folder"])
    assert args.server == "autoretouch" and args.paths == ["a.jpg", "folder"]


def test_closing_the_sign_in_dialog_falls_back_to_the_sandbox(
    open_window: Callable[..., Any],
    sandbox_factory: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
) -> None:
    window = open_window()
    other = sandbox_factory(auto_approve=False)
    startup = Startup(window, Settings.load())

    async def scenario() -> None:
        switching = asyncio.ensure_future(startup.switch(other.base_url))
        dialog = await until(lambda: window.account.account_dialog, what="sign-in dialog")
        dialog.reject()  # the user closes it
        await switching  # ...and lands on the local sandbox, a real child process
        await window.wait_idle()

    try:
        run(loop, scenario(), 60)
        assert window.workspace.profile.is_sandbox
        assert startup.sandbox is not None and startup.sandbox.running()
        assert window.toolbars.workflow_picker.current() is not None
        assert Settings.load().server == "sandbox"
    finally:
        run(loop, startup.shutdown())
    assert not startup.sandbox.running()
