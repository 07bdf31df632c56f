"""Composition root of the window: QApplication, qasync loop, excepthook, start-up.

The window is shown first (well under a second after launch) and everything slow happens after
it, as one coroutine: start the sandbox child process if that is the server, restore or perform
the sign-in, open the journal and the engine, list workflows, resume what a crash left, queue
the paths given on the command line. On quit, `aboutToQuit` drains the engine, closes the HTTP
client and stops the sandbox.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Qt loads after the command line is read
    from PySide6.QtWidgets import QApplication, QWidget

logger = logging.getLogger(__name__)


def parse_args(args: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="retouchdesk", add_help=False)
    parser.add_argument("--server", default=None)
    parser.add_argument("--org", default=None)
    parser.add_argument("-v", "--verbose", action="count", default=0)
    parser.add_argument("paths", nargs="*")
    known, _unknown = parser.parse_known_args(args)
    return known


def install_excepthook(window_getter: Callable[[], QWidget | None]) -> None:
    """Unhandled errors become a dialog (and a log line) instead of a silent dead window."""
    from PySide6.QtWidgets import QMessageBox

    from ui.i18n import translate

    showing = False

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        text = "".join(traceback.format_exception(kind, value, tb))
        logger.error("unhandled error:\n%s", text)
        if showing or issubclass(kind, KeyboardInterrupt):
            return
        showing = True
        try:
            box = QMessageBox(window_getter())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(translate("ErrorDialog", "Retouch Desk: unexpected error"))
            box.setText(
                translate("ErrorDialog", "Something went wrong: {error}").format(error=value)
            )
            box.setInformativeText(
                translate(
                    "ErrorDialog", "Your queue is saved. You can keep working or restart the app."
                )
            )
            box.setDetailedText(text)
            box.exec()
        finally:
            showing = False

    sys.excepthook = hook


def _loop_exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    exc = context.get("exception")
    if exc is not None:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    else:
        loop.default_exception_handler(context)


def run(args: list[str]) -> int:
    options = parse_args(args)
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("Retouch Desk")
    QCoreApplication.setApplicationName("retouchdesk")
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    QGuiApplication.setDesktopFileName("retouchdesk")
    _setup_logging(options.verbose)

    from ui.single_instance import FileOpenEvents, InstanceServer, NotAnswering, hand_over

    # Already running for this user: the paths go to that window, and this launch ends here.
    try:
        if hand_over(options.paths):
            return 0
    except NotAnswering as exc:
        logger.error("%s", exc)
        print(f"retouchdesk: {exc}; close it or try again", file=sys.stderr)  # noqa: T201
        return 1
    instance_server = InstanceServer(parent=app)
    instance_server.listen()
    file_open_events = FileOpenEvents(app)
    app.installEventFilter(file_open_events)

    from app.store.settings import Settings
    from ui import icons
    from ui.main_window import MainWindow
    from ui.qloop import make_loop

    app.setWindowIcon(icons.app_icon())
    from ui.theme import follow_system

    follow_system(app)
    loop = make_loop(app)
    loop.set_exception_handler(_loop_exception_handler)

    settings = Settings.load()
    from ui import i18n

    # Before any window is built: every label is looked up once, when its widget is made.
    i18n.install(settings.language, app)
    window = MainWindow(settings)
    from ui.notifications import Notifier

    notifier = Notifier()
    window.notices.notifier = notifier
    install_excepthook(lambda: window)
    instance_server.pathsReceived.connect(window.open_from_elsewhere)
    file_open_events.pathsReceived.connect(window.open_from_elsewhere)
    window.show()
    if os.environ.get("RETOUCHDESK_STARTUP_PROBE"):
        # The launch-time bench reads this line: the window is mapped and painted.
        print(f"WINDOW_SHOWN {time.time():.6f}", flush=True)  # noqa: T201

    from ui.startup import Startup

    startup = Startup(window, settings, server=options.server, org=options.org, paths=options.paths)
    closing = asyncio.Event()

    async def quit_cleanly() -> None:
        try:
            await startup.shutdown()
        finally:
            closing.set()

    def about_to_quit() -> None:
        instance_server.close()
        window.shutdown()
        notifier.close()

    app.aboutToQuit.connect(about_to_quit)
    _quit_on_signals(app)
    app.setQuitOnLastWindowClosed(True)

    with loop:
        task = loop.create_task(startup.run())
        del task
        loop.run_forever()
        # Qt has left its loop; finish the async shutdown on the same loop before closing it.
        loop.run_until_complete(quit_cleanly())
    return 0


def _quit_on_signals(app: QApplication) -> None:
    """SIGTERM / Ctrl+C quit like the window's close button: engine drained, sandbox stopped.

    Python only runs signal handlers between bytecodes, and Qt's loop is C++; a cheap timer
    gives the interpreter a moment every 250 ms to notice a signal.
    """
    import signal

    from PySide6.QtCore import QTimer

    # The handler only posts the quit: Python runs it between any two bytecodes, possibly
    # inside a lock (a thread pool starting a worker), and quitting synchronously from there
    # ran the shutdown into that same lock and hung.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: QTimer.singleShot(0, app.quit))
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def _setup_logging(verbose: int) -> None:
    # The core's set-up: a rotating file in the platform log folder, secrets redacted.
    from app.logsetup import configure_logging

    configure_logging(verbose)
