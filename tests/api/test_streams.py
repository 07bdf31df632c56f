"""Upload and download bodies: the disk work runs in worker threads, never on the event loop
(the window's loop is its GUI thread), and the bytes on the wire are what the server expects."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from api_helpers import open_session, run

from app.api import streams
from app.api.streams import FileChangedError, FileWorkers, MultipartFile, save_body

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


@pytest.fixture
def workers() -> Iterator[FileWorkers]:
    pool = FileWorkers()
    yield pool
    pool.shutdown()


def _record_threads(monkeypatch: Any, owner: Any, name: str, seen: list[str]) -> None:
    real = getattr(owner, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)


def test_uploads_read_and_downloads_write_off_the_event_loop(
    sandbox: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    reads: list[str] = []
    writes: list[str] = []
    _record_threads(monkeypatch, streams, "_open_and_read", reads)
    _record_threads(monkeypatch, streams._TempWriter, "write", writes)
    _record_threads(monkeypatch, streams._TempWriter, "finish", writes)
    image = tmp_path / "rocket.jpg"
    image.write_bytes((SAMPLES / "rocket.jpg").read_bytes())

    async def go() -> tuple[str, str]:
        loop_thread = threading.current_thread().name
        session = await open_session(sandbox)
        client, org = session.client, sandbox.org_id
        try:
            workflow = (await client.list_workflows(org))[0]
            content_hash = await client.upload(image, org)
            execution_id = await client.create_execution(
                workflow.id,
                org,
                name=image.name,
                content_hash=content_hash,
                content_type="image/jpeg",
            )
            info = await client.download_result(
                execution_id, org, tmp_path / "out" / "result", durable=True
            )
            return loop_thread, info.sha256
        finally:
            await session.aclose()

    loop_thread, digest = run(go())
    assert reads and writes
    assert loop_thread not in reads + writes
    saved = (tmp_path / "out" / "result").read_bytes()
    assert hashlib.sha256(saved).hexdigest() == digest
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["result"]


def test_names_with_quotes_and_unicode_reach_the_server_intact(
    sandbox: Any, tmp_path: Path
) -> None:
    image = tmp_path / 'Shot "7" – Ünïcødé 写真.jpg'
    image.write_bytes((SAMPLES / "rocket.jpg").read_bytes())

    async def go() -> str:
        session = await open_session(sandbox)
        client, org = session.client, sandbox.org_id
        try:
            workflow = (await client.list_workflows(org))[0]
            execution_id = await client.create_execution_with_file(workflow.id, org, image)
            return (await client.get_execution(execution_id, org)).input_file_name
        finally:
            await session.aclose()

    # Quotes are escaped the way browsers (and httpx) write them; everything else is kept.
    assert run(go()) == "Shot %227%22 – Ünïcødé 写真.jpg"


def test_a_big_upload_reports_progress_as_it_is_sent(
    sandbox: Any, tmp_path: Path, workers: FileWorkers
) -> None:
    big = tmp_path / "big.tif"
    big.write_bytes(b"II*\x00" + bytes(range(256)) * 12_000)  # ~3 MB: three disk reads
    progress: list[tuple[int, int | None]] = []

    async def go() -> None:
        body = MultipartFile(
            big,
            workers,
            content_type="image/tiff",
            on_progress=lambda d, t: progress.append((d, t)),
        )
        headers, content = await body.prepare()
        sent = b"".join([piece async for piece in content])
        assert int(headers["Content-Length"]) == len(sent)
        assert sent.count(big.read_bytes()) == 1

    run(go())
    size = big.stat().st_size
    assert progress[-1] == (size, size)
    assert len(progress) >= size // streams.SEND_SLICE  # per slice sent, not per disk read
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


@pytest.mark.parametrize("change", [b"more bytes", None])
def test_a_file_that_changes_while_uploading_is_refused(
    tmp_path: Path, change: bytes | None, workers: FileWorkers
) -> None:
    path = tmp_path / "moving.jpg"
    path.write_bytes(b"x" * (streams.READ_CHUNK + 10))

    async def go() -> None:
        _, content = await MultipartFile(path, workers).prepare()
        if change is None:
            path.write_bytes(b"x" * 10)  # shrank
        else:
            with path.open("ab") as file:
                file.write(change)
        with pytest.raises(FileChangedError):
            async for _ in content:
                pass

    run(go())


async def _body(*chunks: bytes, then: asyncio.Event | None = None) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
    if then is not None:
        then.set()
        await asyncio.Event().wait()  # a stalled connection: only cancellation ends it


def test_a_short_body_leaves_no_file(tmp_path: Path, workers: FileWorkers) -> None:
    async def go() -> None:
        with pytest.raises(streams.TruncatedBodyError):
            await save_body(_body(b"abc"), workers, tmp_path / "out" / "r.png", 10, None)

    run(go())
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


def test_cancelled_download_leaves_no_file(tmp_path: Path, workers: FileWorkers) -> None:
    stalled = asyncio.Event()
    first = b"x" * (streams.WRITE_BUFFER + 1)  # written to the temp file before the stall

    async def go() -> None:
        task = asyncio.ensure_future(
            save_body(_body(first, then=stalled), workers, tmp_path / "out" / "r.png", None, None)
        )
        await stalled.wait()
        assert [p.suffix for p in (tmp_path / "out").iterdir()] == [".part"]
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(go())
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []
