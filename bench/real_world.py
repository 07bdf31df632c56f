"""A studio's day on a real connection: camera-size files over a 40 Mbit/s uplink, seconds of
processing per image on the service.

24 camera-like JPEGs of 24 MP (about 10 MB each: light, texture, edges, sensor noise; EXIF and an
sRGB profile) and three 16-bit TIFFs (two 24 MP greyscale, one 5 MP colour), processed by
`retouchdesk process` as whole processes against a sandbox in its own process started with
`--uplink-mbit 40 --processing-seconds 4:2 --workers 8` (and its documented upload-validation
and multipart-create costs at their defaults). Each mode gets a fresh server, so nothing is
deduplicated between modes:

- `full`: every original sent whole;
- `auto`, after one earlier batch (one other camera JPEG) taught it that the workflow scales
  inputs over 4096 px: inputs over that go up as copies at the size the service keeps;
- a naive sequential client (the vendor SDK's way: upload, create, poll every 2 s, download,
  one image after another) over the same link.

Printed per mode: the makespan, the bytes sent per image as a fraction of the input bytes, and
the physical limit (the bytes that must cross the link at link speed, plus one mean processing
time). Goals (issue 13): `auto` sends at most 0.6x the input bytes and finishes in at most 0.55x
the naive client's time; `full` within 10% of its physical limit.

    .venv/bin/python -m bench.real_world [--uplink-mbit 40] [--skip-naive]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.camera_images import make_camera_jpeg, make_camera_tiff16
from bench.common import CLI, OUT, REPO, cli_env, sandbox_process
from bench.whole_process import refresh_token, sandbox_facts

JPEGS, JPEG_MP = 24, 24
TIFFS = ((24, True), (24, True), (5, False))  # (megapixels, greyscale)
PROCESSING = "4:2"
PROCESSING_MEAN = 4.0
WORKERS = 8
FRACTION_GOAL, NAIVE_GOAL, LIMIT_GOAL = 0.6, 0.55, 1.10
FINAL = {"COMPLETED", "FAILED", "PAYMENT_REQUIRED"}


@dataclass
class Outcome:
    label: str
    seconds: float
    sent: int  # input bytes the server received, by its own records
    inputs: int  # bytes of the original files


def make_shoot(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(JPEGS):
        path = folder / f"IMG_{i:04d}.jpg"
        if not path.exists():
            make_camera_jpeg(path, megapixels=JPEG_MP, seed=100 + i)
        files.append(path)
    for i, (megapixels, grey) in enumerate(TIFFS):
        path = folder / f"SCAN_{i:04d}.tif"
        if not path.exists():
            make_camera_tiff16(path, megapixels=megapixels, seed=900 + i, grey=grey)
        files.append(path)
    return files


def sandbox_args(uplink: float) -> list[str]:
    return ["--auto-approve", "--uplink-mbit", str(uplink), "--processing-seconds", PROCESSING,
            "--workers", str(WORKERS), "--credits", "10000000", "--seed", "1"]  # fmt: skip


def run_ours(
    url: str,
    token: str,
    org: str,
    workflow: str,
    inputs: Path,
    out: Path,
    home: Path,
    size: str,
    *extra: str,
) -> float:
    env = cli_env(home)
    env["AUTORETOUCH_REFRESH_TOKEN"] = token
    env["AUTORETOUCH_ORGANIZATION_ID"] = org
    command = [*CLI, "--server", url, "process", str(inputs), "--workflow", workflow,
               "--out", str(out), "--yes", "--upload-size", size, *extra]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(
            f"retouchdesk process exited {result.returncode}:\n{result.stderr[-3000:]}"
        )
    return seconds


def run_naive(url: str, token: str, workflow: str, files: list[Path], out: Path) -> float:
    """One image after another, as the vendor's SDK does: upload, create, poll every 2 s."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=600) as client:
        access = client.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": token, "client_id": "bench"},
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {access}"
        for path in files:
            kind = "image/tiff" if path.suffix == ".tif" else "image/jpeg"
            with path.open("rb") as body:
                upload = client.post("/v1/upload", files={"file": (path.name, body, kind)})
            upload.raise_for_status()
            created = client.post(
                "/v1/workflow/execution/create",
                params={"workflow": workflow},
                json={"image": {"name": path.name, "contentHash": upload.text.strip(),
                                "contentType": kind}},
            )  # fmt: skip
            created.raise_for_status()
            execution_id = created.text.strip()
            while True:
                time.sleep(2.0)  # the SDK's fixed polling interval: part of what is measured
                execution = client.get(f"/v1/workflow/execution/{execution_id}").json()
                if execution["status"] in FINAL:
                    break
            result = client.get(f"/v1/workflow/execution/{execution_id}/result/default")
            result.raise_for_status()
            (out / path.name).write_bytes(result.content)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uplink-mbit", type=float, default=40.0)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    made = time.perf_counter()
    shoot = make_shoot(OUT / "real-world-shoot")
    lesson = OUT / "real-world-lesson"
    lesson.mkdir(exist_ok=True)
    if not (lesson / "IMG_LESSON.jpg").exists():
        make_camera_jpeg(lesson / "IMG_LESSON.jpg", megapixels=JPEG_MP, seed=99)
    input_bytes = sum(p.stat().st_size for p in shoot)
    print(
        f"{len(shoot)} files, {input_bytes / 1e6:.0f} MB ({JPEGS} x {JPEG_MP} MP JPEG,"
        f" {len(TIFFS)} x 16-bit TIFF), made or found in {time.perf_counter() - made:.0f} s"
    )
    work = Path(tempfile.mkdtemp(prefix="real-world-", dir=OUT))
    modes = ["full", "auto"] + ([] if args.skip_naive else ["naive"])
    outcomes = {mode: measure(mode, shoot, lesson, work, args.uplink_mbit) for mode in modes}
    for outcome in outcomes.values():
        outcome.inputs = input_bytes
    report(outcomes, args.uplink_mbit, len(shoot))


def measure(mode: str, shoot: list[Path], lesson: Path, work: Path, uplink: float) -> Outcome:
    """One mode against a server of its own (nothing deduplicated from another mode)."""
    data = work / f"sandbox-{mode}"
    with sandbox_process(data, *sandbox_args(uplink)) as sandbox:
        token = refresh_token(sandbox.url)
        org, workflow = sandbox_facts(sandbox.url, token)
        home = work / f"home-{mode}"
        if mode == "auto":  # the earlier batch that teaches it, with the same journal
            run_ours(sandbox.url, token, org, workflow, lesson, work / "out-lesson", home, mode)
        before = sent_bytes(data)
        if mode == "naive":
            seconds = run_naive(sandbox.url, token, workflow, shoot, work / "out-naive")
        else:
            folder = shoot[0].parent
            seconds = run_ours(sandbox.url, token, org, workflow, folder, work / f"out-{mode}",
                               home, mode)  # fmt: skip
        return Outcome(mode, seconds, sent_bytes(data) - before, 0)


def report(outcomes: dict[str, Outcome], uplink: float, images: int) -> None:
    link = uplink * 1e6 / 8  # bytes per second
    print(
        f"sandbox: --uplink-mbit {uplink:g} --processing-seconds {PROCESSING}"
        f" --workers {WORKERS} (mean processing {PROCESSING_MEAN:g} s)"
    )
    for o in outcomes.values():
        limit = o.sent / link + PROCESSING_MEAN
        print(
            f"  {o.label:<5} makespan {o.seconds:6.1f} s, sent {o.sent / o.inputs:.2f} x the input"
            f" bytes ({o.sent / images / 1e6:.1f} of {o.inputs / images / 1e6:.1f} MB per image),"
            f" physical limit {limit:5.1f} s (makespan {o.seconds / limit:.2f} x that)"
        )
    full, auto = outcomes["full"], outcomes["auto"]
    verdicts = [
        ("auto sends <= 0.6x the input bytes", auto.sent / auto.inputs <= FRACTION_GOAL),
        (
            "full within 10% of its physical limit",
            full.seconds <= LIMIT_GOAL * (full.sent / link + PROCESSING_MEAN),
        ),
    ]
    if "naive" in outcomes:
        ratio = auto.seconds / outcomes["naive"].seconds
        print(f"  auto / naive makespan: {ratio:.2f}")
        verdicts.append(("auto <= 0.55x the naive client's time", ratio <= NAIVE_GOAL))
    for goal, met in verdicts:
        print(f"  goal: {goal}: {'met' if met else 'NOT met'}")


def sent_bytes(data_dir: Path) -> int:
    """The bytes of every input the server stored so far, by its own records: the files'
    bytes that crossed the uplink (multipart framing and headers left out)."""
    db = sqlite3.connect(f"file:{data_dir / 'sandbox.sqlite3'}?mode=ro", uri=True)
    try:
        (total,) = db.execute("SELECT COALESCE(SUM(size), 0) FROM uploads").fetchone()
    finally:
        db.close()
    return int(total)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
