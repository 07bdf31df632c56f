"""The documented costs of taking an image in: upload validation, the slower multipart create."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx

from app.sandbox.config import SandboxConfig

from .test_link import noise_png


def authorised(sandbox: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=sandbox.base_url,
        headers={"Authorization": f"Bearer {sandbox.issue_access_token()}"},
        timeout=30,
    )


async def workflow_id(client: httpx.AsyncClient, name: str = "Web export") -> str:
    entries = (await client.get("/v1/workflow")).json()["entries"]
    return str(next(w["id"] for w in entries if w["name"] == name))


async def timed(call: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await call
    return time.perf_counter() - started, result


def test_an_upload_validates_for_its_size_before_201(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(validate_seconds_per_mb=2.0)
    data = noise_png(1, 160)  # ~77 KB: 0.15 s at 2 s/MB

    async def scenario() -> tuple[float, float]:
        async with authorised(sandbox) as client:
            took, ok = await timed(client.post("/v1/upload", files={"file": ("a.png", data)}))
            assert ok.status_code == 201
            bad = data[: len(data) // 2]
            took_bad, rejected = await timed(
                client.post("/v1/upload", files={"file": ("b.png", bad)})
            )
            assert rejected.status_code == 422  # validated as long, then refused
            return took, took_bad

    took, took_bad = asyncio.run(scenario())
    assert took >= len(data) / 1e6 * 2.0
    assert took_bad >= len(data) / 2 / 1e6 * 2.0


def test_multipart_creates_queue_for_their_slots(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(
        multipart_create_seconds=0.2, multipart_create_slots=1, validate_seconds_per_mb=0
    )

    async def scenario() -> tuple[list[float], float]:
        async with authorised(sandbox) as client:
            workflow = await workflow_id(client)

            async def create(seed: int) -> float:
                took, response = await timed(
                    client.post(
                        "/v1/workflow/execution/create",
                        params={"workflow": workflow},
                        files={"file": (f"m{seed}.png", noise_png(seed, 32))},
                    )
                )
                assert response.status_code == 201, response.text
                return took

            creates = await asyncio.gather(*(create(seed) for seed in range(3)))
            content_hash = (
                await client.post("/v1/upload", files={"file": ("h.png", noise_png(9, 32))})
            ).text
            by_hash, response = await timed(
                client.post(
                    "/v1/workflow/execution/create",
                    params={"workflow": workflow},
                    json={"image": {"name": "h.png", "contentHash": content_hash}},
                )
            )
            assert response.status_code == 201
            return sorted(creates), by_hash

    creates, by_hash = asyncio.run(scenario())
    # One slot: the three are served one after another, 0.2 s each.
    for n, took in enumerate(creates, start=1):
        assert took >= 0.2 * n - 0.01, creates
    assert by_hash < 0.2  # a create by hash carries no file: none of that cost


def test_by_hash_is_cheaper_per_image_at_volume_with_the_defaults(sandbox_factory: Any) -> None:
    defaults = SandboxConfig(data_dir=Path("unused"))
    assert defaults.validate_seconds_per_mb > 0 and defaults.multipart_create_seconds > 0
    sandbox = sandbox_factory()
    images = [noise_png(seed, 64) for seed in range(8)]

    async def scenario() -> tuple[float, float]:
        async with authorised(sandbox) as client:
            workflow = await workflow_id(client)

            async def multipart(i: int, data: bytes) -> None:
                response = await client.post(
                    "/v1/workflow/execution/create",
                    params={"workflow": workflow},
                    files={"file": (f"m{i}.png", data)},
                )
                assert response.status_code == 201

            async def upload_then_create(i: int, data: bytes) -> None:
                upload = await client.post("/v1/upload", files={"file": (f"u{i}.png", data)})
                response = await client.post(
                    "/v1/workflow/execution/create",
                    params={"workflow": workflow},
                    json={"image": {"name": f"u{i}.png", "contentHash": upload.text}},
                )
                assert response.status_code == 201

            with_file, _ = await timed(
                asyncio.gather(*(multipart(i, d) for i, d in enumerate(images)))
            )
            separate, _ = await timed(
                asyncio.gather(*(upload_then_create(i, d) for i, d in enumerate(images)))
            )
            return with_file, separate

    with_file, separate = asyncio.run(scenario())
    # 8 creates with a file: 8 x 0.1 s on 2 slots. Uploads and creates by hash: in parallel.
    assert with_file >= 8 * defaults.multipart_create_seconds / defaults.multipart_create_slots
    assert separate < with_file / 2, (separate, with_file)
