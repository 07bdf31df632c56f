"""The shared link: concurrent uploads and downloads share one rate per direction.

Timed over real HTTP on loopback with small files and low rates, so a test takes about a
second; the same pacing at 20-100 Mbit/s with 8 x 10 MB uploads is measured by
`bench/sandbox_link.py`.
"""

from __future__ import annotations

import asyncio
import io
import random
import time
from typing import Any

import httpx
import pytest
from PIL import Image

from .helpers import Api

# Pacing is by sleeps on the server's clock; on a loaded machine a request can only end late.
# The lower bound is the property (one shared rate: parallel transfers take the sum of their
# times, not the longest one's); the upper bound only catches gross over-pacing (bytes counted
# twice would take 2x) and leaves a loaded CI machine room. bench/sandbox_link.py measures how
# close the pacing is.
EARLY, LATE = 0.95, 1.50


def noise_png(seed: int, side: int = 128) -> bytes:
    """A PNG that does not compress: its size is its pixel count times three, near enough."""
    pixels = random.Random(seed).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, "PNG", compress_level=0)
    return out.getvalue()


def seconds_at(mbit: float, size: int) -> float:
    return size * 8 / (mbit * 1e6)


async def upload_all(base_url: str, token: str, images: list[bytes]) -> tuple[float, int]:
    """Uploads every image at once; (seconds until the last 201, request body bytes)."""
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        await client.get("/health")  # the connection pool warmed: time the uploads only
        started = time.perf_counter()
        responses = await asyncio.gather(
            *(
                client.post("/v1/upload", files={"file": (f"n{i}.png", data, "image/png")})
                for i, data in enumerate(images)
            )
        )
        elapsed = time.perf_counter() - started
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    return elapsed, sum(int(r.request.headers["content-length"]) for r in responses)


def test_eight_uploads_share_one_uplink(sandbox_factory: Any) -> None:
    mbit = 3.0
    sandbox = sandbox_factory(uplink_mbit=mbit, validate_seconds_per_mb=0)
    images = [noise_png(seed) for seed in range(8)]
    elapsed, sent = asyncio.run(upload_all(sandbox.base_url, sandbox.issue_access_token(), images))
    expected = seconds_at(mbit, sent)  # ~1 s: if each connection had 3 Mbit/s, ~0.13 s
    assert EARLY * expected <= elapsed <= LATE * expected, (elapsed, expected)


def test_downloads_share_one_downlink(sandbox_factory: Any, api_factory: Any) -> None:
    mbit = 2.0
    api: Api = api_factory(sandbox_factory(downlink_mbit=mbit))
    paths = []
    for seed in range(4):
        execution = api.wait(api.create("Transparent cut-out", noise_png(seed, 96), f"n{seed}.png"))
        assert execution["status"] == "COMPLETED"
        paths.append(execution["resultPath"])

    async def download_all() -> tuple[float, int]:
        async with httpx.AsyncClient(
            base_url=api.sandbox.base_url, headers=api.http.headers, timeout=30
        ) as client:
            await client.get("/health")
            started = time.perf_counter()
            responses = await asyncio.gather(*(client.get(path) for path in paths))
            elapsed = time.perf_counter() - started
        assert all(r.status_code == 200 for r in responses)
        return elapsed, sum(len(r.content) for r in responses)

    elapsed, received = asyncio.run(download_all())
    expected = seconds_at(mbit, received)
    assert received > 100_000 and expected > 0.4
    assert EARLY * expected <= elapsed <= LATE * expected, (elapsed, expected)


def test_a_small_request_is_not_held_behind_whole_uploads(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(uplink_mbit=3.0, validate_seconds_per_mb=0)
    token = sandbox.issue_access_token()

    async def scenario() -> tuple[list[float], float]:
        uploads = asyncio.ensure_future(
            upload_all(sandbox.base_url, token, [noise_png(seed) for seed in range(8)])
        )
        waits: list[float] = []
        async with httpx.AsyncClient(
            base_url=sandbox.base_url, headers={"Authorization": f"Bearer {token}"}
        ) as client:
            while not uploads.done():  # small requests, one after another, while the line is full
                started = time.perf_counter()
                assert (await client.get("/v1/organization/balance")).status_code == 200
                waits.append(time.perf_counter() - started)
        uploads_took, _ = await uploads
        return waits, uploads_took

    waits, uploads_took = asyncio.run(scenario())
    # Each waits behind one 16 KB slice per busy connection at most (~0.35 s here), where the
    # uploads take ~1 s.
    assert len(waits) >= 2
    assert max(waits) < 0.5 * uploads_took, (waits, uploads_took)


@pytest.mark.parametrize("mbit", [0.0, -1.0])
def test_a_link_needs_a_positive_rate(mbit: float) -> None:
    from app.sandbox.link import SharedLink

    with pytest.raises(ValueError):
        SharedLink(mbit)
