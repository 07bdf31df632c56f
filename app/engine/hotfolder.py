"""The hot folder: every image copied into a folder (or any folder below it) is processed, once.

How it learns of new files: file-system events, or polling on network shares
(`hotfolder_changes`); when a file is complete: when it has sat still for the settle time
(`hotfolder_settle`). What it never takes: hidden, temporary and partial files, and its own
results when the output folder is inside the hot folder.

"Never twice, across restarts too" is the journal's job: a file (path, size, mtime) is marked
as seen *before* its batch is made. A crash between the two leaves a mark without a job
("pending"); on the next start those are offered again, so a crash can neither lose a file nor
process it twice. Batches a crash interrupted are resumed first (`resume_own`).

`HotFolderService` (hotfolder_service.py) runs one of these for the window and the CLI.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from app.api.errors import ProtocolViolationError, TransientError
from app.engine.engine import Engine, NoInputsError
from app.engine.hotfolder_changes import folder_changes, use_polling
from app.engine.hotfolder_settle import FileKey, SettleTracker, WatchedNames, file_key
from app.engine.inputs import find_inputs
from app.engine.naming import BESIDE_SUBFOLDER
from app.engine.options import RunOptions
from app.store.journal import BatchRecord, Journal

log = logging.getLogger(__name__)

PENDING = "pending"
DEFAULT_SETTLE = 2.0  # seconds a file must sit still before it is taken
# Events can be lost (an overflowing inotify queue, a folder moved in whole): a full look at the
# tree now and then catches up. Far apart, because events do the real work.
DEFAULT_RESCAN = 300.0


class HotFolder:
    def __init__(
        self,
        engine: Engine,
        folder: Path,
        options: RunOptions,
        *,
        journal: Journal | None = None,
        settle: float = DEFAULT_SETTLE,
        polling: bool | None = None,
        poll_interval: float = 1.0,
        rescan_every: float = DEFAULT_RESCAN,
        interval: float | None = None,  # the former name of `settle`, still accepted
    ) -> None:
        self._engine = engine
        self._journal = journal if journal is not None else engine.journal
        # No file-system call here: this runs on the window's GUI thread, and a share that
        # stopped answering would block even a stat.
        self.folder = Path(os.path.abspath(folder))
        self._options = options
        self._polling = polling
        self._poll_interval = poll_interval
        self._rescan_every = rescan_every
        self._settling = SettleTracker(settle if interval is None else interval)
        excluded = [options.out_dir] if options.out_dir is not None else []
        excluded += [self.folder / name for name in self._reserved_folders()]
        skip = [BESIDE_SUBFOLDER] if options.layout == "beside" else []
        self._names = WatchedNames(self.folder, excluded=excluded, skip_dirs=skip)
        self._taken: dict[Path, FileKey] = {}  # this run's, so rescans skip them cheaply
        self._stop = threading.Event()
        self.batches: list[str] = []

    def _reserved_folders(self) -> tuple[str, ...]:
        """Top-level folders that are never inputs (the shared folder's done/ and failed/)."""
        return ()

    @property
    def settle(self) -> float:
        return self._settling.settle

    def request_stop(self) -> None:
        """Make `run` return soon (at once if it is waiting for events)."""
        self._stop.set()

    async def run(self) -> None:
        """Finish this folder's interrupted batches, then take settled files until stopped
        (`request_stop`) or cancelled. Errors that make watching pointless (the folder is
        gone, the sign-in was refused) are raised."""
        await self.resume_own()
        polling = await asyncio.to_thread(use_polling, self.folder, self._polling)
        tick = min(1.0, max(0.05, self.settle / 2))
        await self._before_watch()
        try:
            await self._watch(polling, tick)
        finally:
            await self._after_watch()

    async def _watch(self, polling: bool, tick: float) -> None:
        await self.scan_once()
        next_rescan = time.monotonic() + self._rescan_every
        async for changed in folder_changes(
            self.folder,
            polling=polling,
            tick=tick,
            stop=self._stop,
            poll_interval=self._poll_interval,
        ):
            if time.monotonic() >= next_rescan:
                next_rescan = time.monotonic() + self._rescan_every
                await self.scan_once()
                continue
            # What events named, and what has waited long enough to be looked at again.
            settled = await self._look_at(changed | set(self._settling.due(time.monotonic())))
            if settled:
                await self._take(settled)
            if not await asyncio.to_thread(self.folder.is_dir):
                raise FileNotFoundError(f"the hot folder {self.folder} is gone")
            await self._each_tick()

    # Extension points for a folder shared by several machines (hotfolder_shared.py).
    async def _before_watch(self) -> None:
        pass

    async def _each_tick(self) -> None:
        pass

    async def _after_watch(self) -> None:
        pass

    async def resume_own(self) -> list[str]:
        def mine(record: BatchRecord) -> bool:
            return record.options.get("hot_folder") == str(self.folder)

        resumed = await self._engine.resume_unfinished(only=mine)
        self.batches.extend(resumed)
        return resumed

    async def scan_once(self) -> str | None:
        """Look at the whole tree now; returns the id of the batch made from the files that
        have not changed since an earlier look at least the settle time ago, if any."""
        present = await asyncio.to_thread(self._walk)
        # Files taken and since removed are forgotten: a long watch must not grow without end.
        self._taken = {p: key for p, key in self._taken.items() if p in present}
        settled = await self._look_at(present)
        return await self._take(settled) if settled else None

    # -- looking -----------------------------------------------------------------------------

    def _walk(self) -> set[Path]:
        return {f.path for f in find_inputs([self.folder]).inputs if self._names.accepts(f.path)}

    async def _look_at(self, paths: set[Path]) -> dict[Path, FileKey]:
        """One look at these paths; returns the files it found settled."""
        if not paths:
            return {}
        keys = await asyncio.to_thread(self._keys_of, paths)
        now = time.monotonic()
        settled: dict[Path, FileKey] = {}
        for path, key in keys.items():
            if key is None:
                self._settling.forget(path)
            elif self._taken.get(path) != key and self._settling.saw(path, key, now):
                settled[path] = key
        return settled

    def _keys_of(self, paths: set[Path]) -> dict[Path, FileKey | None]:
        """Stat what events named (blocking). A folder moved in whole reports only itself."""
        keys: dict[Path, FileKey | None] = {}
        for path in paths:
            if path.is_dir():
                keys.update((p, file_key(p)) for p in self._walk_below(path))
            elif self._names.accepts(path):
                keys[path] = file_key(path)
        return keys

    def _walk_below(self, folder: Path) -> set[Path]:
        if folder != self.folder and not self._names.accepts(folder / "x.jpg"):
            return set()  # a hidden or excluded folder
        return {f.path for f in find_inputs([folder]).inputs if self._names.accepts(f.path)}

    # -- taking ------------------------------------------------------------------------------

    async def _take(self, settled: dict[Path, FileKey]) -> str | None:
        fresh = [p for p in sorted(settled) if await self._journal.run(self._mark, p, settled[p])]
        self._taken.update(settled)
        if not fresh:
            return None
        name = datetime.now().strftime(f"Hot folder {self.folder.name} %Y-%m-%d %H:%M:%S")
        try:
            batch_id = await self._engine.add(
                fresh,
                replace(self._options, batch_name=name, source="hotfolder"),
                root=self.folder,
                extra_options={"hot_folder": str(self.folder)},
            )
        except NoInputsError:
            return None
        except (TransientError, ProtocolViolationError) as exc:
            # The server is away for a moment: the files stay marked pending and are offered
            # again after another settle time. Anything else (signed out) ends the watch.
            log.warning("hot folder %s: cannot make a batch now (%s); will retry", self.folder, exc)
            now = time.monotonic()
            for path in fresh:
                self._taken.pop(path, None)
                self._settling.saw(path, settled[path], now)
            return None
        for job in self._engine.jobs():
            path = Path(job.input_path)
            if job.batch_id == batch_id and path in settled:
                size, mtime = settled[path]
                await self._journal.run(
                    self._journal.set_hot_job, str(self.folder), str(path), size, mtime, job.id
                )
        self._engine.start(batch_id)
        self.batches.append(batch_id)
        log.info("hot folder %s: %d new file(s) -> batch %s", self.folder, len(fresh), batch_id)
        return batch_id

    def _mark(self, path: Path, key: FileKey) -> bool:
        """Claim a settled file (journal thread). A pending claim from a crashed run counts as
        not taken, so the file is offered again."""
        folder, size, mtime = str(self.folder), key[0], key[1]
        if self._journal.mark_hot_seen(folder, str(path), size, mtime, PENDING):
            return True
        return self._journal.hot_job(folder, str(path), size, mtime) == PENDING
