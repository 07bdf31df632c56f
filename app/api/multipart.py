"""`multipart/form-data` bodies of one file field, streamed, with the documented `filesize`.

Built here rather than by httpx because httpx's encoder reads files synchronously and copies
in-memory data: these bodies know their length up front (sent with Content-Length, not
chunked), put the `filesize` field first (the vendor's docs recommend it, and a server can
check the file against it), and hand the socket slices of the data, not copies.
`streams.MultipartFile` reads its file in worker threads; `MultipartBytes` sends bytes that
exist only in memory (a scaled copy of an input, say).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]  # (bytes done, bytes total if known)

SEND_SLICE = 256 * 1024  # progress follows the network in steps of this size


def _quoted(value: str) -> str:
    """A form parameter value as browsers and httpx write it (quotes and newlines escaped)."""
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


@dataclass(frozen=True)
class FormLayout:
    """The bytes around the file's own bytes: leading fields, the file part's head, the tail."""

    boundary: str
    field_name: str
    file_name: str
    content_type: str

    def head(self, size: int) -> bytes:
        return (
            f"--{self.boundary}\r\n"
            'Content-Disposition: form-data; name="filesize"\r\n\r\n'
            f"{size}\r\n"
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{_quoted(self.field_name)}"; '
            f'filename="{_quoted(self.file_name)}"\r\n'
            f"Content-Type: {self.content_type}\r\n\r\n"
        ).encode()

    def tail(self) -> bytes:
        return f"\r\n--{self.boundary}--\r\n".encode()

    def headers(self, size: int) -> dict[str, str]:
        return {
            "Content-Type": f"multipart/form-data; boundary={self.boundary}",
            "Content-Length": str(len(self.head(size)) + size + len(self.tail())),
        }


def new_boundary() -> str:
    return uuid.uuid4().hex


@dataclass
class MultipartBytes:
    """The body of a one-file upload whose bytes are in memory; sent as slices of them."""

    data: bytes | bytearray | memoryview
    file_name: str
    content_type: str = "application/octet-stream"
    on_progress: Progress | None = None
    field_name: str = "file"
    boundary: str = field(default_factory=new_boundary)

    def __post_init__(self) -> None:
        self._view = memoryview(self.data).cast("B")  # bytes of any item size, never copied
        self._layout = FormLayout(self.boundary, self.field_name, self.file_name, self.content_type)

    async def prepare(self) -> tuple[dict[str, str], AsyncIterator[bytes]]:
        size = len(self._view)
        return self._layout.headers(size), self._body(size)

    async def _body(self, size: int) -> AsyncIterator[bytes]:
        yield self._layout.head(size)
        for start in range(0, size, SEND_SLICE):
            piece = self._view[start : start + SEND_SLICE]
            yield piece  # type: ignore[misc]  # a bytes-like slice; the socket takes it as is
            if self.on_progress is not None:
                self.on_progress(start + len(piece), size)
        yield self._layout.tail()
