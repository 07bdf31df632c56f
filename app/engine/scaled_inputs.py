"""Scaled copies of inputs, kept in the cache folder while their jobs need them.

A copy is what goes up in place of an original larger than the service keeps (see
`upload_size`). It lives on disk, not in memory: a thousand camera files hashed ahead of a slow
uplink would otherwise hold gigabytes. Each copy sits in a folder of its own under the cache,
named by a key of the original (path, size, modification time, target size), with the
original's file name, so it uploads under the name the user knows. The original is only read.
Scaling is deterministic, so a copy lost with the cache is made again with the same bytes (and
the same content hash) when a resumed job needs it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Part of every copy's key: bump it when the scaling itself changes, so no stale copy is reused.
SCALER_VERSION = "1"


@dataclass(frozen=True)
class ScaledCopy:
    path: Path
    sha256: str
    size: tuple[int, int]


class ScaledInputs:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def prepare(self, original: Path, max_side: int) -> ScaledCopy | None:
        """The copy of `original` at the size the service keeps, made or found; None when the
        original should go up as it is. Blocking (decoding, resampling, encoding): run it in a
        worker thread. OSError when the original cannot be found."""
        stat = original.stat()
        identity = (SCALER_VERSION, original.resolve(), stat.st_size, stat.st_mtime_ns, max_side)
        key = hashlib.sha256("\0".join(map(str, identity)).encode()).hexdigest()[:32]
        folder = self.folder / key
        target = folder / original.name
        digest_file = folder / "sha256"
        if target.is_file() and digest_file.is_file():
            digest = digest_file.read_text().strip()
            size_text = (folder / "size").read_text().split("x")
            return ScaledCopy(target, digest, (int(size_text[0]), int(size_text[1])))
        # Imported here: the encoders load only once a large input needs them, not at start-up.
        from app.imaging.downscale import scale_for_service

        try:
            scaled = scale_for_service(original, max_side)
        except Exception as exc:
            # Whatever the decoder disliked, the service judges the original: it goes up whole
            # (and an unreadable file fails its job when it is hashed, with the reason).
            log.info("not scaling %s (%s); it goes up whole", original.name, exc)
            return None
        if scaled is None:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        # Written under temporary names and renamed: a copy is either whole or absent.
        for name, data in (
            (target.name, scaled.data),
            ("size", f"{scaled.size[0]}x{scaled.size[1]}".encode()),
            ("sha256", scaled.sha256.encode()),
        ):
            _write_atomically(folder / name, data)
        return ScaledCopy(target, scaled.sha256, scaled.size)

    def discard(self, copy_path: str) -> None:
        """Forget a job's copy once its result is saved (or it will never be needed)."""
        if not copy_path:
            return
        folder = Path(copy_path).parent
        if folder.parent == self.folder:
            shutil.rmtree(folder, ignore_errors=True)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
