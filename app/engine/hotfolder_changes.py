"""Where a hot folder learns that something changed: file-system events, or polling on shares.

Local disks report changes as they happen (inotify, FSEvents, ReadDirectoryChangesW, through
`watchfiles`). Network shares do not: an SMB or NFS mount reports nothing about files written
by *another* machine, so a folder on one is polled instead (watchfiles' own polling watcher,
which compares the tree every `poll_interval`). `polling=None` decides by the file system the
folder lives on (`network_file_system`); the user can force either way (`watch --poll` /
`--no-poll`), for mounts we cannot recognise.

Events only say where to look. Whether a file is complete is decided by looking at it again
later (`hotfolder_settle`), so a missed or coalesced event costs at most a delay: a full rescan
every `rescan_every` seconds catches whatever the events missed (an overflowed inotify queue).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import psutil
import watchfiles

log = logging.getLogger(__name__)

# Mount types that carry other machines' writes without telling us (Linux and macOS names).
NETWORK_FILE_SYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afpfs", "webdav", "davfs",
        "fuse.sshfs", "sshfs", "9p", "afs", "ceph", "glusterfs", "fuse.glusterfs", "lustre",
        "vboxsf", "fuse.gvfsd-fuse", "fuse.rclone", "ncpfs", "coda",
    }
)  # fmt: skip


Mount = tuple[str, str, str]  # (mount point, file system type, options)


def network_file_system(folder: Path) -> str:
    """The network file system `folder` lives on ("nfs4", "cifs", ...), or "" for a local one."""
    try:
        partitions = psutil.disk_partitions(all=True)
    except (OSError, RuntimeError) as exc:  # no /proc in a confined service, say
        log.info("cannot list mounts (%s); assuming a local disk", exc)
        return ""
    mounts = [(p.mountpoint, p.fstype, p.opts) for p in partitions]
    return network_type_in(os.path.realpath(folder), mounts)


def network_type_in(real_path: str, mounts: list[Mount]) -> str:
    """The network file system type of the mount holding `real_path`, or "" if it is local."""
    # The longest mount point that contains the path is the file system it is on.
    best: Mount = ("", "", "")
    for mount, fstype, opts in mounts:
        contains = real_path == mount or real_path.startswith(mount.rstrip(os.sep) + os.sep)
        if contains and len(mount) >= len(best[0]):
            best = (mount, fstype.lower(), opts)
    _mount, fstype, opts = best
    # Windows marks mapped network drives in the options, not the type.
    if fstype in NETWORK_FILE_SYSTEMS or "remote" in opts.split(","):
        return fstype or "remote"
    return ""


def use_polling(folder: Path, polling: bool | None) -> bool:
    """The decision, with the reason logged: forced by the user, or by the file system."""
    if polling is not None:
        log.info("hot folder %s: %s (as asked)", folder, "polling" if polling else "events")
        return polling
    fstype = network_file_system(folder)
    if fstype:
        log.info("hot folder %s is on a network share (%s): polling", folder, fstype)
        return True
    return False


async def folder_changes(
    folder: Path,
    *,
    polling: bool,
    tick: float,
    stop: threading.Event,
    poll_interval: float = 1.0,
) -> AsyncIterator[set[Path]]:
    """Sets of paths that changed (created, modified, moved in), and an empty set at least
    every `tick` seconds so the caller can look at files that are settling.

    Ends when `stop` is set. Setting it is also what ends the watcher's thread promptly: a
    cancelled iteration alone would wait for the thread's current timeout (`tick`).
    """
    timeout_ms = max(50, int(tick * 1000))
    async for changes in watchfiles.awatch(
        folder,
        watch_filter=None,  # ours is the input walker's rules, applied by the caller
        debounce=timeout_ms,
        step=50,
        stop_event=stop,
        rust_timeout=timeout_ms,
        yield_on_timeout=True,
        force_polling=polling,
        poll_delay_ms=max(50, int(poll_interval * 1000)),
        recursive=True,
        ignore_permission_denied=True,
    ):
        yield {Path(path) for change, path in changes if change is not watchfiles.Change.deleted}
