"""How many 2 MP JPEGs per second the sandbox processes, end to end over HTTP.

Starts `retouchdesk sandbox --workers 4 --port 0` in a subprocess (as a user would), signs in
with the device flow, then pushes N generated product shots (1732 x 1155, a product on a
seamless backdrop) through upload -> create -> blocking result download with C requests in
flight, and reports images per second, the median of 3 runs.

    .venv/bin/python -m bench.sandbox_throughput [--images 40] [--concurrency 8]
        [--workers 4] [--workflow "Background to white"] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image, ImageDraw, ImageFilter

SIZE = (1732, 1155)  # 2.0 MP, 3:2
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def product_shot(seed: int) -> bytes:
    """A product on a seamless backdrop with a soft shadow, as a studio would shoot it."""
    rng = random.Random(seed)
    grey = rng.randint(205, 235)
    image = Image.new("RGB", SIZE, (grey, grey, grey + rng.randint(-4, 4)))
    draw = ImageDraw.Draw(image)
    # The sweep: a gentle vertical gradient where wall meets floor.
    for y in range(SIZE[1]):
        shade = grey - int(18 * y / SIZE[1])
        draw.line([(0, y), (SIZE[0], y)], fill=(shade, shade, shade + 2))
    w, h = rng.randint(380, 620), rng.randint(420, 760)
    x0, y0 = (SIZE[0] - w) // 2 + rng.randint(-150, 150), SIZE[1] - h - rng.randint(80, 160)
    shadow = Image.new("L", SIZE, 0)
    ImageDraw.Draw(shadow).ellipse((x0 - 40, y0 + h - 30, x0 + w + 40, y0 + h + 40), fill=110)
    image.paste((60, 60, 60), mask=shadow.filter(ImageFilter.GaussianBlur(25)))
    colour = (rng.randint(20, 230), rng.randint(20, 230), rng.randint(20, 230))
    draw.rounded_rectangle((x0, y0, x0 + w, y0 + h), radius=rng.randint(10, 60), fill=colour)
    draw.ellipse((x0 + w // 4, y0 + h // 5, x0 + 3 * w // 4, y0 + h // 2), fill=(250, 250, 245))
    # Sensor noise and texture: without it a JPEG is a tenth of a real shot's size (~400 KB).
    noise = Image.effect_noise(SIZE, 40).convert("RGB")
    image = Image.blend(image, noise, 0.1)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def start_sandbox(data_dir: Path, workers: int) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app",
            "sandbox",
            "--port",
            "0",
            "--data",
            str(data_dir),
            "--workers",
            str(workers),
            "--auto-approve",
            "--device-interval",
            "0",
            "--credits",
            "100000000",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("READY "):
            return process, line.split()[1]
    raise RuntimeError("the sandbox exited before it was ready")


def sign_in(base_url: str) -> str:
    with httpx.Client(base_url=base_url) as auth:
        code = auth.post("/oauth/device/code", data={"client_id": "bench"}).json()
        tokens = auth.post(
            "/oauth/token",
            data={
                "grant_type": DEVICE_GRANT,
                "device_code": code["device_code"],
                "client_id": "bench",
            },
        ).json()
        return str(tokens["access_token"])


async def process_all(
    base_url: str, token: str, workflow_name: str, images: list[bytes], concurrency: int
) -> float:
    """Seconds for every image to go through upload, create and download."""
    limits = httpx.Limits(max_connections=concurrency * 2)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=300, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        workflows = (await client.get("/v1/workflow")).json()["entries"]
        workflow = next(w["id"] for w in workflows if w["name"] == workflow_name)
        gate = asyncio.Semaphore(concurrency)

        async def one(index: int, data: bytes) -> None:
            async with gate:
                name = f"shot-{index:04d}.jpg"
                upload = await client.post("/v1/upload", files={"file": (name, data, "image/jpeg")})
                upload.raise_for_status()
                created = await client.post(
                    "/v1/workflow/execution/create",
                    params={"workflow": workflow},
                    json={
                        "image": {
                            "name": name,
                            "contentHash": upload.text,
                            "contentType": "image/jpeg",
                        }
                    },
                )
                created.raise_for_status()
                result = await client.get(f"/v1/workflow/execution/{created.text}/result/default")
                result.raise_for_status()
                # A figure for work not done would be worthless: the result must be a JPEG.
                assert result.content[:2] == b"\xff\xd8", f"{name}: not a JPEG result"

        started = time.perf_counter()
        await asyncio.gather(*(one(i, data) for i, data in enumerate(images)))
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--workflow", default="Background to white")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    images = [product_shot(seed) for seed in range(args.images)]
    megabytes = sum(map(len, images)) / 1e6
    print(f"{args.images} JPEGs of {SIZE[0]} x {SIZE[1]} px ({megabytes:.1f} MB in all)")
    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as tmp:
        process, base_url = start_sandbox(Path(tmp), args.workers)
        try:
            token = sign_in(base_url)
            rates = []
            for run in range(1, args.runs + 1):
                seconds = asyncio.run(
                    process_all(base_url, token, args.workflow, images, args.concurrency)
                )
                rates.append(args.images / seconds)
                print(
                    f"run {run}: {args.images} images in {seconds:.2f} s = {rates[-1]:.2f} images/s"
                )
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(
        f"sandbox throughput (--workers {args.workers}, {args.workflow!r}, 2 MP JPEG, "
        f"{args.concurrency} in flight): {statistics.median(rates):.2f} images/s "
        f"(median of {args.runs})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
