"""Helpers shared by the benchmarks: a sandbox child process, generated product shots, the
resource usage of a child, percentiles and the machine description for RESULTS.md.

Benchmarks talk to the sandbox exactly as a user's machine would: a separate process started
with `python -m retouchdesk sandbox --port 0`, whose `READY <url>` line tells us where it listens.
"""

from __future__ import annotations

import contextlib
import io
import os
import platform
import random
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"  # git-ignored: caches and run folders
PYTHON = sys.executable
CLI = [PYTHON, "-m", "retouchdesk"]
TWO_MP = (1732, 1155)  # 2.0 MP at 3:2, what a product camera crops to for a web shop


# -- the sandbox ----------------------------------------------------------------------------------


@dataclass
class SandboxProcess:
    process: subprocess.Popen[str]
    url: str
    data_dir: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def sandbox_process(
    data_dir: Path, *extra: str, port: int = 0, background: bool = False
) -> Iterator[SandboxProcess]:
    """`retouchdesk sandbox` in a child process; yields once it printed READY.

    `background`: at low CPU priority, as the window starts its own sandbox (for benchmarks of
    the window). The throughput benchmarks leave it at normal priority: there the server's
    speed is what is waited on, and it must get its share of the machine.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    priority = ["--background"] if background else []
    process = subprocess.Popen(
        [*CLI, "sandbox", "--port", str(port), "--data", str(data_dir), *priority, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
    )
    sandbox: SandboxProcess | None = None
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("READY "):
                sandbox = SandboxProcess(process, line.split()[1].strip(), data_dir)
                break
        if sandbox is None:
            raise RuntimeError(f"the sandbox exited before READY (code {process.wait()})")
        # Keep draining stdout so the child never blocks on a full pipe.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield sandbox
    finally:
        if sandbox is not None:
            sandbox.stop()
        elif process.poll() is None:
            process.kill()
            process.wait()


def cli_env(home: Path) -> dict[str, str]:
    """A `retouchdesk` child environment with its own home and a file keyring inside it."""
    env = dict(os.environ)
    for name in ("AUTORETOUCH_REFRESH_TOKEN", "AUTORETOUCH_ORGANIZATION_ID",
                 "AUTORETOUCH_WORKFLOW_ID", "RETOUCHDESK_SERVER"):  # fmt: skip
        env.pop(name, None)
    env["RETOUCHDESK_HOME"] = str(home)
    env["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    env["XDG_DATA_HOME"] = str(home / "xdg-data")
    env["PYTHONUNBUFFERED"] = "1"
    return env


# -- images -------------------------------------------------------------------------------------


def product_shot(seed: int, size: tuple[int, int] = TWO_MP) -> bytes:
    """A product on a seamless backdrop with a soft shadow and sensor noise, as a studio
    shoots it: the noise makes the JPEG as large as a real 2 MP shot (~0.4 MB), not a tenth."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    width, height = size
    grey = rng.randint(200, 235)
    image = Image.new("RGB", size, (grey, grey, grey))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # the sweep where wall meets floor
        shade = grey - int(20 * y / height)
        draw.line([(0, y), (width, y)], fill=(shade, shade, min(255, shade + 3)))
    w = rng.randint(width // 5, width // 3)
    h = rng.randint(height // 3, height * 2 // 3)
    x0 = (width - w) // 2 + rng.randint(-width // 10, width // 10)
    y0 = height - h - rng.randint(height // 14, height // 7)
    shadow = Image.new("L", size, 0)
    ImageDraw.Draw(shadow).ellipse((x0 - 40, y0 + h - 30, x0 + w + 40, y0 + h + 40), fill=110)
    image.paste((55, 55, 55), mask=shadow.filter(ImageFilter.GaussianBlur(25)))
    colour = tuple(rng.randint(20, 230) for _ in range(3))
    draw.rounded_rectangle((x0, y0, x0 + w, y0 + h), radius=rng.randint(10, 60), fill=colour)
    draw.ellipse((x0 + w // 4, y0 + h // 5, x0 + 3 * w // 4, y0 + h // 2), fill=(250, 250, 244))
    noise = Image.effect_noise(size, 40).convert("RGB")
    image = Image.blend(image, noise, 0.1)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def image_cache(count: int, size: tuple[int, int] = TWO_MP) -> Path:
    """`count` product shots in bench/out/images-WxH/, generated once and reused."""
    folder = OUT / f"images-{size[0]}x{size[1]}"
    folder.mkdir(parents=True, exist_ok=True)
    missing = [i for i in range(count) if not (folder / f"shot_{i:04d}.jpg").exists()]

    def make(index: int) -> None:
        target = folder / f"shot_{index:04d}.jpg"
        temp = target.with_suffix(".tmp")
        temp.write_bytes(product_shot(index, size))
        temp.replace(target)  # a killed run never leaves half an image in the cache

    if missing:
        print(f"generating {len(missing)} images of {size[0]} x {size[1]} px in {folder} ...")
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(make, missing))
    return folder


def link_images(cache: Path, count: int, dest: Path) -> list[Path]:
    """Hard links (no copying) to the first `count` cached images in a fresh folder."""
    dest.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        source = cache / f"shot_{i:04d}.jpg"
        target = dest / source.name
        try:
            os.link(source, target)
        except OSError:
            target.write_bytes(source.read_bytes())
        paths.append(target)
    return paths


# -- measuring ----------------------------------------------------------------------------------


@dataclass
class ChildUsage:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child (and its own children)
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_measured(args: Sequence[str], env: dict[str, str], timeout: float = 3600) -> ChildUsage:
    """Run a child to completion and return its wall time, CPU time and peak RSS (wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(args),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
    )
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=lambda: out.append(process.stdout.read()), daemon=True),  # type: ignore[union-attr]
        threading.Thread(target=lambda: err.append(process.stderr.read()), daemon=True),  # type: ignore[union-attr]
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
        time.sleep(0.01)  # polling the child's exit; this is measurement, not synchronisation
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join(timeout=10)
    return ChildUsage(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        returncode=process.returncode,
        stdout="".join(out),
        stderr="".join(err),
    )


def self_usage() -> tuple[float, float]:
    """(CPU seconds, peak RSS MB) of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a value really observed)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# -- the machine --------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(ImportError):
        import psutil

        ram = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "CPU": cpu,
        "cores": str(cores),
        "RAM": ram,
        "Python": platform.python_version(),
        "OS": platform.platform(),
    }


def reference_work_ms(repeats: int = 7) -> float:
    """How fast this machine is right now: the median time of a fixed single-threaded Pillow
    job (encode, decode and filter one generated 2 MP photo), in ms. The machines are shared,
    and the same code measured an hour apart differs by 30%; this number, printed beside each
    figure, tells a slow machine from a slow change."""
    from PIL import Image, ImageFilter

    rng = random.Random(7)
    image = Image.new("RGB", TWO_MP, (236, 236, 232))
    for _ in range(30):
        x, y = rng.randrange(TWO_MP[0]), rng.randrange(TWO_MP[1])
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        image.paste(colour, (x, y, min(TWO_MP[0], x + 300), min(TWO_MP[1], y + 200)))
    times = []
    for _ in range(repeats):
        started = time.process_time()
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        with Image.open(io.BytesIO(buffer.getvalue())) as decoded:
            decoded.load()
            decoded.filter(ImageFilter.BoxBlur(2)).resize((866, 578))
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)
