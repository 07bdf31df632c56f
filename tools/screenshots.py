"""Re-make the window's screenshots: empty, running, finished with failures, sign-in, settings,
history (and the dark palette). Usage:

    .venv/bin/python tools/screenshots.py [OUT_DIR]       # default: shots/

Runs offscreen against an in-process sandbox in a throw-away RETOUCHDESK_HOME, so it never
touches the user's settings, journal or keyring. Some faults are injected so the "finished"
screen shows failed rows with their reasons.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QPA_OFFSCREEN_SCREEN", "1440x900")  # hint only; grab() ignores it
HOME = Path(tempfile.mkdtemp(prefix="retouchdesk-shots-"))
os.environ["RETOUCHDESK_HOME"] = str(HOME)
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
os.environ["XDG_DATA_HOME"] = str(HOME / "xdg")

SAMPLES = ROOT / "app" / "sandbox" / "samples"
SIZE = (1280, 760)


async def until(condition: Callable[[], object], timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError(str(condition))
        await asyncio.sleep(0.05)


def make_inputs(folder: Path, copies: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    names = sorted(p.name for p in SAMPLES.iterdir() if p.suffix.lower() in (".jpg", ".png"))
    for i in range(copies):
        for name in names:
            stem, ext = os.path.splitext(name)
            target = folder / f"{stem}_{i + 1:02d}{ext}"
            shutil.copy(SAMPLES / name, target)
            made.append(target)
    return made


async def shoot(out: Path) -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    from app.sandbox.runner import SandboxConfig, start_sandbox_in_thread
    from app.store.settings import Settings
    from ui.dialogs.settings import SettingsDialog
    from ui.dialogs.sign_in import AccountDialog
    from ui.main_window import MainWindow
    from ui.workspace import Workspace, sandbox_profile

    def save(widget: QWidget, name: str) -> None:
        QApplication.processEvents()
        widget.grab().save(str(out / f"{name}.png"))
        print("wrote", out / f"{name}.png")  # noqa: T201

    sandbox = start_sandbox_in_thread(
        SandboxConfig(
            data_dir=HOME / "sandbox",
            port=0,
            auto_approve=True,
            device_interval=0,
            latency=1.5,
            faults="fail=0.15",
            seed=3,
            workers=2,
        )
    )
    try:
        settings = Settings()
        settings.output_folder = str(HOME / "out")
        window = MainWindow(settings)
        window.resize(*SIZE)
        window.show()
        workspace = Workspace(sandbox_profile(sandbox.base_url), settings)
        if not await workspace.connect():
            await workspace.sign_in_silently()
        await workspace.start_engine()
        await window.attach(workspace)
        await asyncio.sleep(0.3)
        save(window, "01-empty")

        inputs = make_inputs(HOME / "photos" / "spring shoot", 6)
        await window.queue.queue_paths(inputs)
        starting = asyncio.ensure_future(window.run.start_pending())
        await until(lambda: window.run.confirm_dialog is not None)
        await asyncio.sleep(0.2)
        confirm = window.run.confirm_dialog
        assert confirm is not None
        save(confirm, "02-confirm")
        confirm.start_button.click()
        await starting
        await until(lambda: sum(j.state.value == "done" for j in window.model.jobs()) >= 4)
        await until(lambda: any(j.state.is_active for j in window.model.jobs()))
        window.page.view.selectRow(1)
        await asyncio.sleep(0.4)
        save(window, "03-running")

        await until(lambda: all(j.state.is_final for j in window.model.jobs()), 180)
        await asyncio.sleep(0.5)
        from ui.job_model import JobRole

        for r in range(window.proxy.rowCount()):
            if window.proxy.index(r, 0).data(JobRole).state.value == "failed":
                window.page.view.selectRow(r)
                break
        await asyncio.sleep(0.3)
        save(window, "04-finished-with-failures")

        from ui.context_menu import build_menu

        menu = build_menu(
            window, window.job_menu.menu_entries(window.page.selected_jobs()), lambda a: None
        )
        menu.adjustSize()
        save(menu, "05-context-menu")
        menu.deleteLater()

        dialog = AccountDialog(window, workspace)
        dialog.open()
        await asyncio.sleep(0.2)
        save(dialog, "06-account")
        dialog.close()

        # The device flow as a user on autoretouch sees it (a second sandbox that waits).
        waiting = start_sandbox_in_thread(
            SandboxConfig(data_dir=HOME / "sandbox2", port=0, auto_approve=False, device_interval=1)
        )
        try:
            other = Workspace(sandbox_profile(waiting.base_url), Settings())
            await other.connect()
            sign_in = AccountDialog(window, other, sign_in_only=True)
            sign_in.open()
            flow = asyncio.ensure_future(sign_in.device_flow())
            await until(lambda: bool(sign_in.code_label.text()))
            await asyncio.sleep(0.3)
            save(sign_in, "07-sign-in")
            sign_in.reject()  # closing the dialog cancels the sign-in
            await flow
            await other.aclose()
        finally:
            waiting.stop()

        settings_dialog = SettingsDialog(settings, window)
        settings_dialog.template_edit.setText("{workflow}/{stem}_{n}{ext}")
        settings_dialog.open()
        await asyncio.sleep(0.2)
        save(settings_dialog, "08-settings")
        settings_dialog.close()

        from ui.history import HistoryWindow

        history = HistoryWindow(workspace)
        history.resize(1200, 600)
        history.show()
        await history.load()
        await asyncio.sleep(0.2)
        save(history, "09-history")
        history.tabs.setCurrentIndex(1)
        save(history, "10-history-batches")
        history.close()

        from ui.theme import apply_palette, dark_palette

        apply_palette(dark_palette())
        window.page.view.clearSelection()
        await asyncio.sleep(0.3)
        save(window, "11-finished-dark")

        await window.wait_idle()
        await window.detach()
        window.shutdown()
        window.close()
    finally:
        sandbox.stop()


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "shots"
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setApplicationName("retouchdesk")
    app = QApplication(sys.argv[:1])
    from ui.qloop import make_loop

    loop = make_loop(app)
    try:
        with loop:
            loop.run_until_complete(shoot(out))
    finally:
        shutil.rmtree(HOME, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
