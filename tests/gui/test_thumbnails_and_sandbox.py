"""Thumbnails off the GUI thread with one decode per file; the sandbox child process."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from gui_helpers import SAMPLES, run

from app.domain.jobs import Job
from ui import thumbnails
from ui.sandbox_process import SandboxProcess
from ui.thumbnails import ThumbnailCache


def test_one_decode_per_file_off_the_gui_thread_and_a_bounded_cache(
    qtbot: Any, job_factory: Callable[..., Job], tmp_path: Path, monkeypatch: Any
) -> None:
    decoded_in: list[tuple[str, str]] = []
    real = thumbnails.decode_thumbnail

    def counting(path: str, size: int = thumbnails.THUMB_SIZE) -> Any:
        decoded_in.append((path, threading.current_thread().name))
        return real(path, size)

    monkeypatch.setattr(thumbnails, "decode_thumbnail", counting)
    files = [Path(shutil.copy(SAMPLES / n, tmp_path / n)) for n in ("rocket.jpg", "coffee.png")]
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg at all")
    cache = ThumbnailCache(capacity=1)
    try:
        same = [job_factory(input_path=str(files[0])) for _ in range(3)]
        # Many repaints of three rows showing the same file ask many times...
        for _ in range(5):
            assert all(cache.image_for(job) is None for job in same)
        with qtbot.waitSignal(cache.ready, timeout=10000) as ready:
            pass
        # ...and one decode answers all three rows, in a worker thread.
        assert sorted(ready.args[0]) == sorted(j.id for j in same)
        assert decoded_in == [(str(files[0]), decoded_in[0][1])]
        assert decoded_in[0][1].startswith("thumbnail")
        image = cache.image_for(same[0])
        assert image is not None and max(image.width(), image.height()) <= thumbnails.THUMB_SIZE

        other = job_factory(input_path=str(files[1]))
        with qtbot.waitSignal(cache.ready, timeout=10000):
            cache.image_for(other)
        assert len(cache) == 1  # the bound holds: the older thumbnail was evicted

        bad = job_factory(input_path=str(broken))
        cache.image_for(bad)
        qtbot.waitUntil(lambda: cache.pending() == 0, timeout=10000)
        decodes = len(decoded_in)
        assert cache.image_for(bad) is None
        assert len(decoded_in) == decodes  # a broken file is not decoded again and again
    finally:
        cache.shutdown()


def test_the_sandbox_child_process_starts_serves_and_stops(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    process = SandboxProcess(tmp_path / "sandbox-data")

    async def scenario() -> str:
        url = await process.start()
        async with httpx.AsyncClient() as client:
            response = await client.get(f"{url}/health")
        assert response.status_code == 200
        return url

    url = run(loop, scenario(), 60)
    assert url.startswith("http://127.0.0.1:")
    assert process.running()
    process.stop()
    assert not process.running()
