"""Which files in a hot folder are complete: those that have sat still for the settle time.

A copy in progress keeps growing and touching its modification time, and copy tools, browsers
and cameras on a share give no "closed" signal we could wait for. So a file is taken only when
two looks at it, at least `settle` seconds apart, saw the same size and modification time;
any change in between starts its wait again. Events (or a rescan) are one kind of look; a file
whose wait is over is looked at once more (`due`) before it is taken.

Which names are looked at: the input walker's rules (no hidden, temporary or partial files, no
OS junk, image extensions only) applied to every component below the folder, so nothing inside
a hidden folder (ours, `.processing`, or a sync tool's) is ever taken.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from app.engine.inputs import IMAGE_EXTENSIONS, junk_reason
from app.engine.naming import inside

FileKey = tuple[int, int]  # (size, mtime_ns)


def file_key(path: Path) -> FileKey | None:
    """Size and modification time, or None when it is gone or not a regular file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    return st.st_size, st.st_mtime_ns


class SettleTracker:
    """Files seen but not settled yet, with the key they had and since when (monotonic s)."""

    def __init__(self, settle: float) -> None:
        self.settle = max(0.0, settle)
        self._seen: dict[Path, tuple[FileKey, float]] = {}

    def __len__(self) -> int:
        return len(self._seen)

    def saw(self, path: Path, key: FileKey, now: float) -> bool:
        """One look at a file; True when it has kept this key for the settle time (it is then
        forgotten here: the caller takes it)."""
        previous = self._seen.get(path)
        if previous is None or previous[0] != key:
            self._seen[path] = (key, now)
            return False
        if now - previous[1] < self.settle:
            return False
        del self._seen[path]
        return True

    def due(self, now: float) -> list[Path]:
        """Files whose settle time is over: look at them again to take them."""
        return [p for p, (_key, since) in self._seen.items() if now - since >= self.settle]

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)

    def next_due_in(self, now: float) -> float | None:
        """Seconds until the earliest wait ends; None when nothing waits."""
        if not self._seen:
            return None
        earliest = min(since for _key, since in self._seen.values())
        return max(0.0, earliest + self.settle - now)


class WatchedNames:
    """Which paths below a hot folder may become inputs."""

    def __init__(
        self, folder: Path, *, excluded: Iterable[Path] = (), skip_dirs: Iterable[str] = ()
    ):
        self.folder = folder
        self._excluded = [Path(os.path.abspath(p)) for p in excluded]
        # Folder names that are never inputs wherever they appear (the beside layout's output).
        self._skip_dirs = frozenset(skip_dirs)

    def accepts(self, path: Path) -> bool:
        try:
            relative = path.relative_to(self.folder)
        except ValueError:
            return False
        parts = relative.parts
        if not parts or Path(parts[-1]).suffix.lower() not in IMAGE_EXTENSIONS:
            return False
        if any(junk_reason(part) for part in parts) or self._skip_dirs.intersection(parts[:-1]):
            return False
        return not any(inside(path, excluded) for excluded in self._excluded)
