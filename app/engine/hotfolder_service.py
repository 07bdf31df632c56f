"""The hot folder's lifecycle, for the window and the CLI alike (no Qt here).

One watch at a time: `start` replaces a running one, `stop` ends it and leaves no task behind.
A watch that dies (the folder vanished, the sign-in was refused, a bug) is not lost in a
forgotten task: it is logged and reported as `failed` with its reason, which is what the
window's status bar and the CLI show.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.api.errors import ApiError
from app.engine.engine import Engine
from app.engine.hotfolder import DEFAULT_SETTLE, HotFolder
from app.engine.hotfolder_shared import SharedFolder, SharedHotFolder
from app.engine.options import RunOptions

log = logging.getLogger(__name__)

STOP_GRACE = 5.0  # seconds a stopping watch gets to finish its step before it is cancelled


@dataclass(frozen=True)
class HotFolderStatus:
    state: Literal["off", "watching", "failed"]
    folder: Path | None
    message: str  # "Watching Incoming" / the reason it failed, for the status bar


OFF = HotFolderStatus("off", None, "")


class HotFolderService:
    def __init__(
        self,
        engine: Engine,
        *,
        on_status: Callable[[HotFolderStatus], None],
        settle: float = DEFAULT_SETTLE,
        polling: bool | None = None,
        shared: SharedFolder | None = None,
    ) -> None:
        self._engine = engine
        self._shared = shared
        self._on_status = on_status
        self._settle = settle
        self._polling = polling
        self._status = OFF
        self._hot: HotFolder | None = None
        self._task: asyncio.Task[None] | None = None
        self._ended = asyncio.Event()

    @property
    def status(self) -> HotFolderStatus:
        return self._status

    def start(self, folder: Path, options: RunOptions) -> None:
        """Watch `folder` from now on (a running watch is stopped first)."""
        previous = self._task
        if previous is not None and self._hot is not None:
            self._hot.request_stop()
        self._ended.clear()
        # Said at once, as the window shows it: one stat, the only file-system call made here.
        if not folder.is_dir():
            self._task = self._hot = None
            if previous is not None:
                previous.cancel()
            self._report(HotFolderStatus("failed", folder, f"Hot folder {folder} does not exist"))
            self._ended.set()
            return
        hot = self._make(folder, options)
        self._hot = hot
        self._task = asyncio.get_running_loop().create_task(
            self._watch(hot, previous), name=f"hot-folder-{folder.name}"
        )
        self._report(HotFolderStatus("watching", hot.folder, f"Watching {hot.folder.name}"))

    def _make(self, folder: Path, options: RunOptions) -> HotFolder:
        if self._shared is not None:
            return SharedHotFolder(
                self._engine,
                folder,
                options,
                self._shared,
                settle=self._settle,
                polling=self._polling,
            )
        return HotFolder(self._engine, folder, options, settle=self._settle, polling=self._polling)

    async def stop(self) -> None:
        """End the watch (if any) and wait until it has; status becomes `off`."""
        task, hot = self._task, self._hot
        self._task = self._hot = None
        if task is not None:
            await _end(task, hot)
        if self._status.state == "watching":
            self._report(OFF)
        self._ended.set()

    async def wait(self) -> HotFolderStatus:
        """Return once the current watch has ended (stopped or failed), with its last status."""
        await self._ended.wait()
        return self._status

    async def _watch(self, hot: HotFolder, previous: asyncio.Task[None] | None) -> None:
        if previous is not None:
            await _end(previous, None)
        try:
            await hot.run()
        except asyncio.CancelledError:
            raise
        except ApiError as exc:
            log.warning("hot folder %s stopped: %s", hot.folder, exc)
            self._fail(hot, f"Hot folder stopped: {exc.message or exc}")
        except OSError as exc:
            log.warning("hot folder %s stopped: %s", hot.folder, exc)
            reason = str(exc) if exc.strerror is None else f"{exc.strerror}: {exc.filename}"
            self._fail(hot, f"Hot folder stopped: {reason}")
        except Exception as exc:  # a bug: said on screen, with the traceback in the log
            log.exception("hot folder %s crashed", hot.folder)
            self._fail(hot, f"Hot folder stopped: {type(exc).__name__}: {exc}")
        else:
            if self._hot is hot:
                self._report(OFF)
                self._ended.set()

    def _fail(self, hot: HotFolder, message: str) -> None:
        if self._hot is not hot:
            return  # replaced meanwhile: the newer watch owns the status
        self._task = self._hot = None
        self._report(HotFolderStatus("failed", hot.folder, message))
        self._ended.set()

    def _report(self, status: HotFolderStatus) -> None:
        self._status = status
        try:
            self._on_status(status)
        except Exception:  # a broken front end must not break the watch
            log.exception("hot folder status callback failed")


async def _end(task: asyncio.Task[None], hot: HotFolder | None) -> None:
    """Let a watch finish its step, then cancel it if it has not. A watch reports its own
    failures, so its outcome is not raised here."""
    if hot is not None:
        hot.request_stop()
    done, _ = await asyncio.wait([task], timeout=STOP_GRACE)
    if not done:
        task.cancel()
        await asyncio.wait([task])
