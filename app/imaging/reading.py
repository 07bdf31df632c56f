"""Reading picture files so that a decode nobody wants any more stops within a millisecond.

Two ways, one rule (every read checks `cancelled()` first):
- `CancellableReader` is a file for Pillow to read as it decodes (~64 KB at a time);
- `read_spans` copies parts of a file into anonymous memory, 1 MB at a time, for decoders that
  take their whole input at once (see mapped_decode.py). Anonymous memory rather than `bytes`:
  a 150 MB `bytes` is allocated and joined holding the GIL, while a map's pages are zeroed by
  the kernel as they are first written, and reading into them releases the GIL. The file itself
  is never memory-mapped: a file cut short while mapped kills the process (SIGBUS), where a
  short read is just an error.
"""

from __future__ import annotations

import io
import mmap
import os

from app.imaging.errors import Cancelled, DecodeCancelled

_PIECE = 1 << 20


class CancellableReader(io.BufferedReader):
    """A file whose reads raise `DecodeCancelled` once `cancelled()` is true."""

    def __init__(self, path: str | os.PathLike[str], cancelled: Cancelled) -> None:
        super().__init__(io.FileIO(path, "rb"))
        self._cancelled = cancelled

    def read(self, size: int | None = -1, /) -> bytes:
        if self._cancelled():
            raise DecodeCancelled
        return super().read(size)


def read_spans(
    path: str | os.PathLike[str],
    spans: list[tuple[int, int]],
    cancelled: Cancelled | None = None,
) -> tuple[mmap.mmap, int]:
    """The bytes of `spans` ((offset, length) each) of the file, one after the other, in
    anonymous memory; and how many were read (fewer when the file is shorter than said)."""
    out = mmap.mmap(-1, max(1, sum(length for _, length in spans)))
    filled = 0
    with io.FileIO(path, "rb") as file, memoryview(out) as view:
        for offset, length in spans:
            file.seek(offset)
            end = filled + length
            while filled < end:
                if cancelled is not None and cancelled():
                    raise DecodeCancelled
                got = file.readinto(view[filled : min(end, filled + _PIECE)])
                if not got:
                    return out, filled
                filled += got
    return out, filled
