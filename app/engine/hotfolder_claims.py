"""Claims in a hot folder shared by several machines: who processes which file, kept in the
folder itself, because each machine has its own journal and they share nothing else.

    FOLDER/.processing/<owner>.alive            a running watcher's heartbeat
    FOLDER/.processing/<owner>--<id>/sub/x.jpg  a claim: files taken by one owner, tree kept
    FOLDER/.processing/<owner>--<id>/.claim/    one record per file: its job, its execution
    FOLDER/done/sub/x.jpg                       originals whose result was saved
    FOLDER/failed/sub/x.jpg (+ x.jpg.txt)       originals that failed for good, and why

Every step that decides ownership is one `rename` within the share, which is atomic on one
file system (local, SMB and NFS alike): of several machines renaming the same file or claim,
exactly one succeeds and the others get "not found". A file is claimed by renaming it into the
owner's claim; a dead owner's claim is taken over by renaming the whole claim to a new owner.
Originals are never overwritten: a name taken in done/ or failed/ gets " (2)".

An owner is dead when its heartbeat file is gone (it retired), when it ran on this host under a
PID that no longer runs, or when its heartbeat has not changed for `stale_after` seconds of
*our* clock: change is observed rather than compared with another machine's clock.

All of it is blocking file work: call it in a thread.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import psutil

from app.engine.naming import numbered
from app.store.durable import fsync_dir

log = logging.getLogger(__name__)

PROCESSING = ".processing"
DONE = "done"
FAILED = "failed"
RESERVED = frozenset({DONE, FAILED})  # top-level folders that are never inputs
RECORDS = ".claim"
_ALIVE = ".alive"
_SEP = "--"


_HOST = "".join(c if c.isalnum() or c in "-_." else "_" for c in socket.gethostname())


def new_owner() -> str:
    """host~pid~random: unique per run, and tells a same-host PID check what to look at."""
    return f"{_HOST}~{os.getpid()}~{uuid.uuid4().hex[:8]}"


@dataclass
class Claim:
    dir: Path
    files: list[str] = field(default_factory=list)  # POSIX paths below the claim (and FOLDER)

    def path_of(self, relative: str) -> Path:
        return self.dir.joinpath(*PurePosixPath(relative).parts)


class ClaimBoard:
    def __init__(self, folder: Path, owner: str | None = None) -> None:
        self.folder = folder
        self.owner = owner or new_owner()
        self.root = folder / PROCESSING
        self._beats = 0
        # owner -> (last heartbeat seen, our monotonic time when it last changed)
        self._seen_beats: dict[str, tuple[tuple[int, int, bytes], float]] = {}

    # -- heartbeat ---------------------------------------------------------------------------

    def beat(self) -> None:
        self.root.mkdir(exist_ok=True)
        self._beats += 1
        # Rewritten in place (never removed and re-created): a reader never finds it missing.
        with open(self.root / f"{self.owner}{_ALIVE}", "w", encoding="utf-8") as f:
            f.write(f"{time.time():.3f} {self._beats}\n")

    def retire(self) -> None:
        """Say we are gone: our claims can be taken over at once."""
        (self.root / f"{self.owner}{_ALIVE}").unlink(missing_ok=True)

    def owner_dead(self, owner: str, stale_after: float) -> bool:
        alive = self.root / f"{owner}{_ALIVE}"
        try:
            st = alive.stat()
            content = alive.read_bytes()
        except FileNotFoundError:
            return True
        except OSError:
            return False  # cannot tell: never take over on doubt
        host, _, rest = owner.partition("~")
        pid = rest.partition("~")[0]
        same_host = host == _HOST
        if same_host and pid.isdigit() and not psutil.pid_exists(int(pid)):
            return True
        beat = (st.st_mtime_ns, st.st_size, content)
        now = time.monotonic()
        last = self._seen_beats.get(owner)
        if last is None or last[0] != beat:
            self._seen_beats[owner] = (beat, now)
            return False
        return now - last[1] >= stale_after

    # -- claiming ----------------------------------------------------------------------------

    def claim(self, paths: list[Path]) -> Claim:
        """Take these files (absolute, below the folder); the claim lists those we won."""
        claim = Claim(self.root / f"{self.owner}{_SEP}{uuid.uuid4().hex[:12]}")
        (claim.dir / RECORDS).mkdir(parents=True)
        for path in paths:
            relative = path.relative_to(self.folder).as_posix()
            target = claim.path_of(relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(path, target)
            except FileNotFoundError:
                continue  # another machine took it first
            claim.files.append(relative)
        fsync_dir(claim.dir)
        if not claim.files:
            shutil.rmtree(claim.dir, ignore_errors=True)
        return claim

    def record(self, claim: Claim, relative: str, **fields: str) -> None:
        """Remember something about a claimed file (its job id, its execution id), durably:
        written aside, flushed, then renamed into place, so a reader sees all or nothing."""
        current = self.records(claim).get(relative, {"relative": relative})
        current.update(fields)
        final = claim.dir / RECORDS / _record_name(relative)
        temp = final.with_suffix(".tmp")
        with open(temp, "w", encoding="utf-8") as f:
            json.dump(current, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, final)
        fsync_dir(final.parent)

    def records(self, claim: Claim) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for path in (claim.dir / RECORDS).glob("*.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # a record cut short by a crash: as if never written
            if isinstance(data, dict) and isinstance(data.get("relative"), str):
                found[data["relative"]] = data
        return found

    # -- ending ------------------------------------------------------------------------------

    def finish(self, claim: Claim, relative: str, *, reason: str = "") -> Path | None:
        """Move a claimed original to done/ (no reason) or failed/ with `reason` beside it."""
        source = claim.path_of(relative)
        base = self.folder / (FAILED if reason else DONE)
        placed = _move_unclobbered(source, base.joinpath(*PurePosixPath(relative).parts))
        if placed is not None and reason:
            placed.with_name(placed.name + ".txt").write_text(reason + "\n", encoding="utf-8")
        self._forget(claim, relative)
        return placed

    def release(self, claim: Claim, relative: str) -> Path | None:
        """Give a file back to the folder, for whoever takes it next."""
        placed = _move_unclobbered(
            claim.path_of(relative), self.folder.joinpath(*PurePosixPath(relative).parts)
        )
        self._forget(claim, relative)
        return placed

    def _forget(self, claim: Claim, relative: str) -> None:
        (claim.dir / RECORDS / _record_name(relative)).unlink(missing_ok=True)
        if relative in claim.files:
            claim.files.remove(relative)
        if not claim.files:
            shutil.rmtree(claim.dir, ignore_errors=True)

    # -- taking over -------------------------------------------------------------------------

    def dead_claims(self, stale_after: float) -> list[Path]:
        """Claims of owners that are gone (ours of an earlier run included)."""
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return []
        dead: list[Path] = []
        verdicts: dict[str, bool] = {}
        for entry in entries:
            if entry.name.endswith(_ALIVE):
                owner = entry.name.removesuffix(_ALIVE)
                if owner != self.owner and self._dead(owner, stale_after, verdicts):
                    # A killed watcher's heartbeat: nobody else will ever remove it.
                    Path(entry.path).unlink(missing_ok=True)
                continue
            owner, sep, _ = entry.name.partition(_SEP)
            if not sep or owner == self.owner or not entry.is_dir():
                continue
            if self._dead(owner, stale_after, verdicts):
                dead.append(Path(entry.path))
        return dead

    def _dead(self, owner: str, stale_after: float, verdicts: dict[str, bool]) -> bool:
        if owner not in verdicts:
            verdicts[owner] = self.owner_dead(owner, stale_after)
        return verdicts[owner]

    def take_over(self, dead: Path) -> Claim | None:
        """Make a dead owner's claim ours; None when another machine was faster."""
        claim = Claim(self.root / f"{self.owner}{_SEP}{uuid.uuid4().hex[:12]}")
        try:
            os.rename(dead, claim.dir)
        except FileNotFoundError:
            return None
        (claim.dir / RECORDS).mkdir(exist_ok=True)
        for dirpath, dirnames, filenames in os.walk(claim.dir):
            dirnames[:] = [d for d in dirnames if d != RECORDS]
            for name in filenames:
                full = Path(dirpath) / name
                claim.files.append(full.relative_to(claim.dir).as_posix())
        claim.files.sort()
        if not claim.files:
            shutil.rmtree(claim.dir, ignore_errors=True)
        log.info(
            "took over %s (%d file(s)) from a watcher that is gone", dead.name, len(claim.files)
        )
        return claim


def _record_name(relative: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, relative).hex + ".json"


def _move_unclobbered(source: Path, target: Path) -> Path | None:
    """Rename `source` to `target`, or to `target (2)`... if that name is taken; None when the
    source is gone. A hard link refuses an existing name atomically; where the file system has
    none (some SMB servers), an existence check before the rename is the best there is."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for i in range(1, 10_000):
        candidate = target if i == 1 else numbered(target, i)
        try:
            os.link(source, candidate)
        except FileExistsError:
            continue
        except FileNotFoundError:
            return None
        except OSError:
            if candidate.exists():
                continue
            try:
                os.rename(source, candidate)
            except FileNotFoundError:
                return None
            return candidate
        os.unlink(source)
        return candidate
    raise OSError(f"no free name for {target}")
