"""The local sandbox server the window runs on when nobody signed in to autoretouch.

It runs as a child process (`retouchdesk sandbox --port 0`), never in the GUI's process: its
image workers must not compete with the GUI thread for the GIL. QProcess reports output as
signals, so waiting for the `READY <url>` line never blocks the event loop. A frozen build has
no `python -m`, so there the executable itself is started with the subcommand.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess

from app.store import paths

logger = logging.getLogger(__name__)

READY_PREFIX = "READY "
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_MS = 3000


class SandboxStartError(RuntimeError):
    pass


def sandbox_command(data_dir: Path, extra: list[str] | None = None) -> tuple[str, list[str]]:
    args = [
        "sandbox",
        "--port",
        "0",
        "--data",
        str(data_dir),
        "--auto-approve",
        "--device-interval",
        "0",
        "--background",  # the window's rendering and input come before the sandbox's work
        *(extra or []),
    ]
    if getattr(sys, "frozen", False):
        return sys.executable, args
    if sys.platform.startswith("linux"):
        # Ask the kernel to stop the server if the window dies without cleaning up (killed,
        # crashed): a sandbox must never outlive the app that started it.
        return sys.executable, ["-c", _LINUX_BOOTSTRAP, *args]
    return sys.executable, ["-m", "retouchdesk", *args]


_LINUX_BOOTSTRAP = (
    "import ctypes, signal, sys, runpy; "
    "ctypes.CDLL(None).prctl(1, signal.SIGTERM); "  # 1 = PR_SET_PDEATHSIG
    "sys.argv = ['retouchdesk', *sys.argv[1:]]; "
    "runpy.run_module('retouchdesk', run_name='__main__')"
)


class SandboxProcess(QObject):
    def __init__(self, data_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir or paths.sandbox_data_dir()
        self._process = QProcess(self)
        # stderr (uvicorn's log) goes to our stderr; only stdout carries the READY line.
        self._process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        self._process.readyReadStandardOutput.connect(self._read)
        self._process.finished.connect(self._finished)
        self._buffer = ""
        self._ready: asyncio.Future[str] | None = None
        self.url = ""

    async def start(self) -> str:
        """Start the child and return its base URL once it serves."""
        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        program, args = sandbox_command(self._data_dir)
        logger.info("starting sandbox: %s %s", program, " ".join(args))
        self._process.start(program, args)
        try:
            self.url = await asyncio.wait_for(asyncio.shield(self._ready), START_TIMEOUT_S)
        except TimeoutError:
            self.stop()
            raise SandboxStartError("The local sandbox did not start within 30 seconds") from None
        return self.url

    def _read(self) -> None:
        self._buffer += bytes(self._process.readAllStandardOutput().data()).decode(
            "utf-8", "replace"
        )
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            line = line.strip()
            if line.startswith(READY_PREFIX) and self._ready and not self._ready.done():
                self._ready.set_result(line[len(READY_PREFIX) :].strip())
            elif line:
                logger.debug("sandbox: %s", line)

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(
                SandboxStartError(f"The local sandbox stopped during start-up (exit code {code})")
            )
        logger.info("sandbox exited with %s", code)

    def running(self) -> bool:
        return self._process.state() != QProcess.ProcessState.NotRunning

    def stop(self) -> None:
        """SIGTERM, wait briefly for a clean stop, then kill: never leave a server behind."""
        if not self.running():
            return
        self._process.terminate()
        if not self._process.waitForFinished(STOP_TIMEOUT_MS):
            logger.warning("sandbox did not stop in time; killing it")
            self._process.kill()
            self._process.waitForFinished(STOP_TIMEOUT_MS)
