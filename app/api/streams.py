"""Upload and download bodies whose disk work runs in threads, never on the event loop.

The window runs the engine on its GUI thread (qasync), so a read or write on the loop is a
read or write on the GUI thread: usually microseconds from the page cache, but tens of
milliseconds or more from a sleeping USB disk, a network share or a full write-back queue.
So uploads read their file, and downloads write theirs, in worker threads, in chunks big
enough that a typical product photo costs one thread hop each way.

- `MultipartFile` is the `multipart/form-data` body of one file field (laid out by
  `multipart.FormLayout`, with the documented `filesize`), read from disk in worker threads.
- `save_body` writes a response body beside its destination and renames it into place only
  when complete (and flushed to disk when asked), hashing it on the way.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from app.api.multipart import SEND_SLICE, FormLayout, Progress, new_boundary

READ_CHUNK = 1024 * 1024  # one hop for most product photos, bounded memory for big TIFFs
WRITE_BUFFER = 1024 * 1024
RECEIVE_CHUNK = 256 * 1024  # what to ask of the response stream at a time


T = TypeVar("T")


class FileWorkers:
    """The threads that read upload bodies and write downloaded ones; one set per client.

    Pools of their own: in the loop's default executor an upload's read would queue behind the
    downloads' fsyncs (and anything else sent to threads), and the server's queue would run dry
    (measured: the throughput bench's efficiency fell from 0.91 to 0.79). Reads are quick and
    writes end in an fsync, so each kind has its own threads. They start on first use.
    """

    def __init__(self, readers: int = 4, writers: int = 4) -> None:
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="upload-read")
        self._writers = ThreadPoolExecutor(writers, thread_name_prefix="download-write")

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._readers, fn, *args)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._writers, fn, *args)

    def shutdown(self) -> None:
        """Idle threads end now; a running read or write finishes first (nothing waits)."""
        self._readers.shutdown(wait=False)
        self._writers.shutdown(wait=False)


class FileChangedError(OSError):
    """The file changed while it was being uploaded (or since it was hashed)."""


class TruncatedBodyError(ValueError):
    """A response body ended before (or ran past) its announced length."""


@dataclass
class MultipartFile:
    """The body of a one-file multipart upload, read from disk in worker threads.

    `expected_sha256`: the bytes must be these. They are hashed as they are read, and if they
    differ the body stops before its closing boundary: the server never receives a whole
    request, so nothing is stored, created or charged for a file that changed after hashing.
    """

    path: Path
    workers: FileWorkers
    field_name: str = "file"
    file_name: str = ""
    content_type: str = "application/octet-stream"
    on_progress: Progress | None = None
    expected_sha256: str = ""
    boundary: str = field(default_factory=new_boundary)

    def __post_init__(self) -> None:
        self._layout = FormLayout(
            self.boundary, self.field_name, self.file_name or self.path.name, self.content_type
        )

    async def prepare(self) -> tuple[dict[str, str], AsyncIterator[bytes]]:
        """Headers and the body stream of one attempt (each attempt reads the file afresh).

        The file is opened, measured and its first chunk read in one worker-thread step: a
        typical photo costs a single hop.
        """
        digest = hashlib.sha256() if self.expected_sha256 else None
        file, size, first = await self.workers.read(_open_and_read, self.path, digest)
        return self._layout.headers(size), self._body(file, size, first, digest)

    async def _body(
        self, file: BinaryIO | None, size: int, chunk: bytes, digest: Any
    ) -> AsyncIterator[bytes]:
        try:
            yield self._layout.head(size)
            done = 0
            while True:
                done += len(chunk)
                if done > size:
                    raise FileChangedError(f"{self.path.name} grew while it was being uploaded")
                # Handed to the socket in slices: httpx pulls the next one only once the last
                # is sent, so the progress reported follows the network, not the disk.
                sent = done - len(chunk)
                for start in range(0, len(chunk), SEND_SLICE):
                    piece = chunk[start : start + SEND_SLICE]
                    yield piece
                    sent += len(piece)
                    if self.on_progress is not None:
                        self.on_progress(sent, size)
                if file is None:  # end of file: the reader closed it
                    break
                file, chunk = await self.workers.read(_read_chunk, file, digest)
            if done != size:
                raise FileChangedError(f"{self.path.name} shrank while it was being uploaded")
            if digest is not None and digest.hexdigest() != self.expected_sha256.lower():
                raise FileChangedError(f"{self.path.name} changed after it was hashed")
            yield self._layout.tail()
        finally:
            if file is not None:
                file.close()  # an abandoned attempt: closing a read-only file does not block


def _open_and_read(path: Path, digest: Any) -> tuple[BinaryIO | None, int, bytes]:
    file = open(path, "rb")  # noqa: SIM115 - closed at EOF by _read_chunk, or by the body
    try:
        size = os.fstat(file.fileno()).st_size
    except BaseException:
        file.close()
        raise
    rest, first = _read_chunk(file, digest)
    return rest, size, first


def _read_chunk(file: BinaryIO, digest: Any) -> tuple[BinaryIO | None, bytes]:
    """The next chunk; the file is closed (and None returned) once it is exhausted.

    `digest` (a hashlib object or None) is fed here, in the reader thread, not on the loop.
    """
    try:
        chunk = file.read(READ_CHUNK)
    except BaseException:
        file.close()
        raise
    if digest is not None:
        digest.update(chunk)
    if len(chunk) < READ_CHUNK:
        file.close()
        return None, chunk
    return file, chunk


@dataclass
class SavedBody:
    sha256: str
    size: int


class _TempWriter:
    """The temp file beside `dest`; every method blocks and runs in a worker thread."""

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.digest = hashlib.sha256()
        self.file: BinaryIO | None = None
        self.temp: Path | None = None

    def write(self, chunks: list[bytes]) -> None:
        if self.file is None:
            self.dest.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                prefix=f".{self.dest.name[:40]}.", suffix=".part", dir=self.dest.parent
            )
            self.temp = Path(name)
            self.file = os.fdopen(fd, "wb")
        for chunk in chunks:
            self.file.write(chunk)
            self.digest.update(chunk)

    def finish(self, chunks: list[bytes], durable: bool) -> None:
        self.write(chunks)
        assert self.file is not None and self.temp is not None
        self.file.flush()
        if durable:
            os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.temp, self.dest)

    def discard(self) -> None:
        if self.file is not None:
            with suppress(OSError):  # a full disk fails the flush in close(); the fd is freed
                self.file.close()
        if self.temp is not None:
            with suppress(OSError):
                self.temp.unlink()


async def save_body(
    chunks: AsyncIterator[bytes],
    workers: FileWorkers,
    dest: Path,
    expected_size: int | None,
    on_progress: Progress | None,
    *,
    durable: bool = False,
) -> SavedBody:
    """Write a response body's `chunks` to `dest`: off the loop in ~1 MB steps, renamed into
    place when whole.

    `durable` flushes the file to disk before the rename. Raises TruncatedBodyError when the
    body is shorter or longer than `expected_size`; nothing is left behind on any failure.
    """
    writer = _TempWriter(dest)
    buffered: list[bytes] = []
    pending = size = 0
    try:
        async for chunk in chunks:
            buffered.append(chunk)
            pending += len(chunk)
            size += len(chunk)
            if on_progress is not None:
                on_progress(size, expected_size)
            if pending >= WRITE_BUFFER:
                await workers.write(writer.write, buffered)
                buffered, pending = [], 0
        if expected_size is not None and size != expected_size:
            raise TruncatedBodyError(f"result truncated: {size} of {expected_size} bytes")
        await workers.write(writer.finish, buffered, durable)
    except BaseException:
        # Cancellation included: the temp file must not outlive the attempt. Unlinking one
        # file is quick, and by now nothing else will touch it.
        writer.discard()
        raise
    return SavedBody(writer.digest.hexdigest(), size)
