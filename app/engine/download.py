"""Save a result: download to a temp file, verify, fsync, then move into place.

The result is checked against the server's resultContentHash (a broken or tampered transfer
must not become a "finished" file), flushed to disk before it gets its final name (a crash right
after must not leave an empty file under a real name), and given its name by
`naming.place_file`, which never clobbers an existing file unless the run said so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from app.api.client import AutoretouchClient
from app.engine.hashing import sha256_file
from app.engine.naming import numbered, place_file
from app.store.durable import fsync_dir

log = logging.getLogger(__name__)

PART_SUFFIX = ".retouchdesk-part"


class IntegrityError(Exception):
    """The downloaded bytes are not the result the server described."""


def temp_path_for(target: Path, job_id: str) -> Path:
    # Hidden and job-specific: two jobs aiming at one name never share a temp file, and the
    # input walker and hot folder skip it.
    return target.parent / f".{job_id[:12]}{PART_SUFFIX}"


async def download_verified(
    client: AutoretouchClient,
    org_id: str,
    execution_id: str,
    *,
    temp: Path,
    expected_sha256: str,
    result_path: str | None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> None:
    """Leave the verified, fsynced result at `temp`, or raise (and leave nothing)."""
    # durable: flushed to disk in the same worker-thread step that writes the file's last bytes
    info = await client.download_result(
        execution_id,
        org_id,
        temp,
        result_path=result_path,
        on_progress=on_progress,
        durable=True,
    )
    if expected_sha256 and info.sha256 != expected_sha256.lower():
        await asyncio.to_thread(temp.unlink, missing_ok=True)
        raise IntegrityError(
            f"downloaded result does not match its hash ({info.sha256[:12]}… instead of"
            f" {expected_sha256[:12]}…)"
        )


def remove_leftovers(target: Path, job_id: str) -> int:
    """Delete this job's partial downloads left by a killed run (ours and the client's own
    temp names both contain the job's temp name). Blocking; run in a thread."""
    removed = 0
    if not target.parent.is_dir():
        return 0
    for stale in target.parent.glob(f"*{job_id[:12]}{PART_SUFFIX}*"):
        stale.unlink(missing_ok=True)
        removed += 1
    return removed


def finish(temp: Path, target: Path, on_exists: str) -> Path | None:
    """Give the verified temp file its final name (blocking; run in a thread)."""
    final = place_file(temp, target, on_exists)
    fsync_dir(target.parent)
    return final


def find_saved_result(target: Path, sha256: str) -> Path | None:
    """After a crash between "saved" and "journaled": the result may already be on disk, under
    the planned name or a numbered variant of it. Blocking; run in a thread."""
    if not sha256:
        return None
    candidates = [target] + [numbered(target, i) for i in range(2, 1000)]
    for candidate in candidates:
        if not candidate.exists():
            if candidate is not target:
                return None
            continue
        try:
            if sha256_file(candidate) == sha256:
                return candidate
        except OSError:
            continue
    return None
