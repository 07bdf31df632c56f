"""Files that survive a crash or a power cut: written aside, flushed, then renamed into place.

A reader (or the next start after a crash) sees the old file or the new one, never half of one.
A rename is only durable once its folder is flushed too, which POSIX file systems need asked.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def write_text_atomically(
    path: Path, write: Callable[[TextIO], None], *, newline: str | None = None
) -> None:
    """Replace `path` with what `write` writes, atomically. The temp file is hidden and named
    after the target (`.settings.json-x1y2.tmp`), so a crash leaves no file a reader would take
    for the real one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fsync_dir(folder: Path) -> None:
    """Make the renames into `folder` durable (best effort: some file systems refuse)."""
    if os.name != "posix":
        return  # directories cannot be opened for fsync on Windows; NTFS journals renames
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
