"""A file reader that reports how much of it has been read (the upload's progress)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


class ProgressReader:
    """Wraps an open file for httpx's multipart encoder, which reads it in chunks.

    `fileno` lets httpx learn the size (so it sends Content-Length, not chunked encoding);
    `seek` lets it rewind. The callback gets (bytes read so far, total bytes).
    """

    def __init__(self, path: Path, on_progress: Callable[[int, int | None], None] | None) -> None:
        self._file: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the client after send
        self._total = os.fstat(self._file.fileno()).st_size
        self._done = 0
        self._on_progress = on_progress

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(size)
        self._done += len(chunk)
        if self._on_progress is not None and chunk:
            self._on_progress(self._done, self._total)
        return chunk

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = self._file.seek(offset, whence)
        self._done = position
        return position

    def tell(self) -> int:
        return self._file.tell()

    def fileno(self) -> int:
        return self._file.fileno()

    def close(self) -> None:
        self._file.close()
