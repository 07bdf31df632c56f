"""The hot folder: every image copied into a folder is processed, once.

A file is taken only when its size and modification time have not changed between two scans
(a copy in progress keeps growing), and temporary or hidden files are never taken (browsers
and copy tools write `.part`, `.crdownload`, `~$x` first, then rename).

"Never twice, across restarts too" is the journal's job: a file (path, size, mtime) is marked
as seen in the same process *before* its batch is made. A crash between the two leaves a mark
without a job ("pending"); on the next start those are offered again, so a crash can neither
lose a file nor process it twice.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from app.engine.engine import Engine, NoInputsError
from app.engine.inputs import find_inputs
from app.engine.naming import BESIDE_SUBFOLDER, inside
from app.engine.options import RunOptions
from app.store.journal import BatchRecord, Journal

log = logging.getLogger(__name__)

PENDING = "pending"
FileKey = tuple[int, int]  # (size, mtime_ns)


class HotFolder:
    def __init__(
        self,
        engine: Engine,
        folder: Path,
        options: RunOptions,
        *,
        journal: Journal | None = None,
        interval: float = 2.0,
    ) -> None:
        self._engine = engine
        self._journal = journal if journal is not None else engine.journal
        self.folder = folder.resolve()
        self._options = options
        self._interval = interval
        self._last_scan: dict[Path, FileKey] = {}
        self.batches: list[str] = []

    async def run(self) -> None:
        """Finish this folder's batches a crash interrupted, then scan until cancelled."""
        await self.resume_own()
        while True:
            await self.scan_once()
            await asyncio.sleep(self._interval)

    async def resume_own(self) -> list[str]:
        def mine(record: BatchRecord) -> bool:
            return record.options.get("hot_folder") == str(self.folder)

        resumed = await self._engine.resume_unfinished(only=mine)
        self.batches.extend(resumed)
        return resumed

    async def scan_once(self) -> str | None:
        """One scan; returns the id of the batch made from newly settled files, if any."""
        current = await asyncio.to_thread(self._snapshot)
        settled = [p for p, key in current.items() if self._last_scan.get(p) == key]
        self._last_scan = current
        fresh = [p for p in settled if await self._journal.run(self._take, p, current[p])]
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
        for job in self._engine.jobs():
            if job.batch_id == batch_id:
                path = Path(job.input_path)
                if path in current:
                    size, mtime = current[path]
                    await self._journal.run(
                        self._journal.set_hot_job, str(self.folder), str(path), size, mtime, job.id
                    )
        self._engine.start(batch_id)
        self.batches.append(batch_id)
        log.info("hot folder %s: %d new file(s) -> batch %s", self.folder, len(fresh), batch_id)
        return batch_id

    def _take(self, path: Path, key: FileKey) -> bool:
        """Claim a settled file (journal thread). A pending claim from a crashed run counts as
        not taken, so the file is offered again."""
        folder, size, mtime = str(self.folder), key[0], key[1]
        if self._journal.mark_hot_seen(folder, str(path), size, mtime, PENDING):
            return True
        return self._journal.hot_job(folder, str(path), size, mtime) == PENDING

    def _snapshot(self) -> dict[Path, FileKey]:
        walk = find_inputs([self.folder])
        out_dir = self._options.out_dir
        files: dict[Path, FileKey] = {}
        for found in walk.inputs:
            if out_dir is not None and inside(found.path, out_dir):
                continue  # our own results, when the output folder is inside the hot folder
            if self._options.layout == "beside" and BESIDE_SUBFOLDER in found.relative.parts:
                continue
            try:
                st = os.stat(found.path)
            except OSError:
                continue
            files[found.path] = (st.st_size, st.st_mtime_ns)
        return files
