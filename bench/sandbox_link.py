"""How exactly the sandbox's shared link paces real transfers at 20-100 Mbit/s.

For each rate, starts `retouchdesk sandbox --uplink-mbit R --downlink-mbit R` (upload
validation off, so only the line is timed), then over loopback:
- uplink: N uploads of ~10 MB camera-sized JPEGs (6000 x 4000 px) at once, timed until the
  last 201; the ideal is the request bytes sent x 8 / rate;
- downlink: N downloads of one ~10 MB result at once, timed until the last byte; the ideal is
  the bytes received x 8 / rate.
It prints each measured time against the ideal as a ratio (1.000 is exact; above 1 is slower
than the line allows). The uplink is the median of `--runs` runs.

    .venv/bin/python -m bench.sandbox_link [--rates 20,40,100] [--count 8] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image

from bench.common import sandbox_process

SIZE = (6000, 4000)  # 24 MP, what a studio camera writes
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def camera_jpeg(seed: int) -> bytes:
    """A 24 MP JPEG of about 9-10 MB: noise-heavy, so it is as large as a real camera file."""
    bands = [Image.effect_noise(SIZE, 30 + 10 * ((seed + i) % 3)) for i in range(3)]
    gradient = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    image = Image.blend(gradient, Image.merge("RGB", bands), 0.35)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def sign_in(base_url: str) -> str:
    with httpx.Client(base_url=base_url) as auth:
        code = auth.post("/oauth/device/code", data={"client_id": "bench"}).json()
        tokens = auth.post(
            "/oauth/token",
            data={"grant_type": DEVICE_GRANT, "device_code": code["device_code"]},
        ).json()
        return str(tokens["access_token"])


async def upload_all(client: httpx.AsyncClient, images: list[bytes]) -> tuple[float, int]:
    started = time.perf_counter()
    responses = await asyncio.gather(
        *(
            client.post("/v1/upload", files={"file": (f"cam{i}.jpg", data, "image/jpeg")})
            for i, data in enumerate(images)
        )
    )
    elapsed = time.perf_counter() - started
    for response in responses:
        response.raise_for_status()
    return elapsed, sum(int(r.request.headers["content-length"]) for r in responses)


async def a_large_result(client: httpx.AsyncClient, image: bytes) -> str:
    """The path of a result about as large as the input (a PNG cut-out of a 3 MP crop)."""
    crop = Image.open(io.BytesIO(image)).crop((0, 0, 2000, 1500))
    out = io.BytesIO()
    crop.save(out, "PNG", compress_level=1)
    workflows = (await client.get("/v1/workflow")).json()["entries"]
    workflow = next(w["id"] for w in workflows if w["name"] == "Transparent cut-out")
    created = await client.post(
        "/v1/workflow/execution/create",
        params={"workflow": workflow},
        files={"file": ("crop.png", out.getvalue(), "image/png")},
    )
    created.raise_for_status()
    result = await client.get(f"/v1/workflow/execution/{created.text}/result/default")
    result.raise_for_status()
    execution = (await client.get(f"/v1/workflow/execution/{created.text}")).json()
    return str(execution["resultPath"])


async def download_all(client: httpx.AsyncClient, path: str, count: int) -> tuple[float, int]:
    started = time.perf_counter()
    responses = await asyncio.gather(*(client.get(path) for _ in range(count)))
    elapsed = time.perf_counter() - started
    for response in responses:
        response.raise_for_status()
    return elapsed, sum(len(r.content) for r in responses)


async def measure(base_url: str, mbit: float, images: list[bytes], runs: int) -> None:
    token = sign_in(base_url)
    async with httpx.AsyncClient(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=600,
        limits=httpx.Limits(max_connections=len(images) * 2),
    ) as client:
        ratios, took, sent = [], 0.0, 0
        for _ in range(runs):
            took, sent = await upload_all(client, images)
            ratios.append(took / (sent * 8 / (mbit * 1e6)))
        print(
            f"uplink {mbit:g} Mbit/s: {len(images)} uploads, {sent / 1e6:.1f} MB in "
            f"{took:.2f} s; measured / ideal = {statistics.median(ratios):.3f} "
            f"(median of {runs})",
            flush=True,
        )
        path = await a_large_result(client, images[0])
        took, received = await download_all(client, path, len(images))
        ideal = received * 8 / (mbit * 1e6)
        print(
            f"downlink {mbit:g} Mbit/s: {len(images)} downloads, {received / 1e6:.1f} MB in "
            f"{took:.2f} s; measured / ideal = {took / ideal:.3f}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="20,40,100", help="Mbit/s, comma-separated")
    parser.add_argument("--count", type=int, default=8, help="transfers at once")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    images = [camera_jpeg(seed) for seed in range(args.count)]
    print(f"{args.count} JPEGs of {SIZE[0]} x {SIZE[1]} px, {sum(map(len, images)) / 1e6:.1f} MB")
    for mbit in rates:
        with tempfile.TemporaryDirectory(prefix="sandbox-link-") as tmp:
            link = ["--uplink-mbit", f"{mbit:g}", "--downlink-mbit", f"{mbit:g}"]
            options = [
                *link,
                "--validate-ms-per-mb",
                "0",
                "--auto-approve",
                "--device-interval",
                "0",
            ]
            with sandbox_process(Path(tmp), *options) as sandbox:
                asyncio.run(measure(sandbox.url, mbit, images, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
