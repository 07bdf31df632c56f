"""GUI responsiveness: does the window stay smooth while a big batch streams?

1. Streaming: the main window (offscreen) runs 1,000 images against a sandbox child process
   while a sampler measures how late a 5 ms timer fires on the GUI loop. Prints p50, p99 and max
   of that lag (goal: p99 < 16 ms, max < 50 ms).
2. Memory: 10,000 rows in the table, scrolled from top to bottom so every row's thumbnail is
   decoded (the LRU keeps at most its bound), then resident memory via psutil (goal: < 400 MB).
3. Launch: `bench.startup` (launch to window shown, median of 5) is run as its own process.

Streaming and memory run `--runs` times (default 3), each in a fresh process with its own
sandbox and home; the figures are the medians of the runs, and each run is printed too.

    .venv/bin/python -m bench.gui_responsiveness [--images 1000] [--rows 10000] [--runs 3]
        [--skip-launch]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import OUT, PYTHON, REPO, cli_env, image_cache, sandbox_process

SMALL = (480, 320)  # the sandbox's work per image is not what this measures
SAMPLE_S = 0.005


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


class LagSampler:
    """How late a 5 ms sleep wakes up on the GUI loop: that delay is a stall the user feels."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(SAMPLE_S)
            self.lags.append(max(0.0, time.perf_counter() - t0 - SAMPLE_S))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


def hard_links(cache: Path, sources: int, count: int, dest: Path) -> list[Path]:
    """`count` distinct paths (so every row decodes its own thumbnail) over `sources` files."""
    dest.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        target = dest / f"row_{i:05d}.jpg"
        if not target.exists():
            os.link(cache / f"shot_{i % sources:04d}.jpg", target)
        paths.append(target)
    return paths


async def streaming(images: int, url: str, inputs: list[Path], out_dir: Path) -> dict[str, float]:
    from app.store.settings import Settings
    from ui.main_window import MainWindow
    from ui.qloop import settle_garbage
    from ui.workspace import Workspace, sandbox_profile

    settings = Settings()
    settings.output_folder = str(out_dir)
    window = MainWindow(settings)
    window.resize(1280, 800)
    window.show()
    window.run.confirm_runs = False  # nobody clicks in a benchmark
    workspace = Workspace(sandbox_profile(url), settings)
    if not await workspace.connect():
        await workspace.sign_in_silently()
    await workspace.start_engine()
    await window.attach(workspace)
    settle_garbage()  # as ui.startup does once the window is connected

    sampler = LagSampler()
    sampler.start()
    started = time.perf_counter()
    await window.queue.queue_paths(inputs)
    await window.run.start_pending()
    while not all(j.state.is_final for j in window.model.jobs()) or (
        window.model.rowCount() < images
    ):
        await asyncio.sleep(0.2)
    elapsed = time.perf_counter() - started
    await sampler.stop()
    done = sum(j.state.value == "done" for j in window.model.jobs())
    await window.wait_idle()
    await window.detach()
    window.shutdown()
    window.close()
    lags = [lag * 1000 for lag in sampler.lags]
    return {
        "images": images,
        "done": done,
        "seconds": elapsed,
        "samples": len(lags),
        "p50_ms": statistics.median(lags) if lags else 0.0,
        "p99_ms": percentile(lags, 0.99),
        "max_ms": max(lags) if lags else 0.0,
    }


async def memory(rows: int, paths: list[Path]) -> dict[str, float]:
    import psutil
    from PySide6.QtWidgets import QApplication

    from app.domain.jobs import Job, JobState
    from app.engine.events import JobAdded
    from app.store.settings import Settings
    from ui.main_window import MainWindow

    process = psutil.Process()
    before = process.memory_info().rss
    window = MainWindow(Settings())
    window.resize(1280, 800)
    window.show()
    for i, path in enumerate(paths[:rows]):
        state = JobState.DONE if i % 3 else JobState.PROCESSING
        job = Job(
            id=f"job-{i}",
            batch_id="b",
            input_path=str(path),
            name=path.name,
            state=state,
            created_at=float(i),
            credits=10,
            output_path=str(path),
            progress=0.5,
        )
        window.bridge.on_event(JobAdded(job))
    window.bridge.flush()
    while window.model.rowCount() < rows:  # the bridge inserts a few hundred rows per tick
        await asyncio.sleep(0.01)
    QApplication.processEvents()
    # Scroll the whole table a screenful at a time, letting each screen's thumbnails decode,
    # as a user skimming a big batch would.
    view = window.page.view
    bar = view.verticalScrollBar()
    t0 = time.perf_counter()
    step = max(1, bar.pageStep())
    for value in range(0, bar.maximum() + step, step):
        bar.setValue(value)
        view.viewport().repaint()
        while window.thumbnails.pending():
            await asyncio.sleep(0.01)
    scroll_s = time.perf_counter() - t0
    await asyncio.sleep(0.2)
    rss = process.memory_info().rss
    cached = len(window.thumbnails)
    window.shutdown()
    window.close()
    return {
        "rows": window.model.rowCount(),
        "thumbnails_cached": cached,
        "rss_mb": rss / 1e6,
        "rss_before_window_mb": before / 1e6,
        "scroll_all_s": scroll_s,
    }


def one_run(options: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Streaming, then memory, in this process against a new sandbox and a new home."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="gui-bench-", dir=OUT if OUT.exists() else None))
    for key, value in cli_env(home).items():
        os.environ[key] = value
    cache = image_cache(min(options.images, 1000), SMALL)
    inputs = hard_links(cache, min(options.images, 1000), options.images, home / "in")
    rows = hard_links(cache, min(options.images, 1000), options.rows, home / "rows")

    from PySide6.QtWidgets import QApplication

    from ui.qloop import make_loop

    app = QApplication(sys.argv[:1])
    loop = make_loop(app)
    try:
        with (
            sandbox_process(
                home / "sandbox",
                "--auto-approve",
                "--device-interval",
                "0",
                "--credits",
                str(options.images * 100),
                background=True,  # as the window starts its own sandbox
            ) as sandbox,
            loop,
        ):
            stream = loop.run_until_complete(
                streaming(options.images, sandbox.url, inputs, home / "out")
            )
            mem = loop.run_until_complete(memory(options.rows, rows))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return {"stream": stream, "memory": mem}


def describe(stream: dict[str, float], mem: dict[str, float]) -> list[str]:
    return [
        f"streaming {stream['images']:.0f} images ({stream['done']:.0f} done) in"
        f" {stream['seconds']:.1f} s: GUI loop lag p50 {stream['p50_ms']:.1f} ms,"
        f" p99 {stream['p99_ms']:.1f} ms, max {stream['max_ms']:.1f} ms over"
        f" {stream['samples']:.0f} samples",
        f"{mem['rows']:.0f} rows, {mem['thumbnails_cached']:.0f} thumbnails cached:"
        f" resident {mem['rss_mb']:.0f} MB; scrolling all rows took {mem['scroll_all_s']:.1f} s",
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3, help="runs, each in its own process")
    parser.add_argument("--skip-launch", action="store_true")
    parser.add_argument("--one-run", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.one_run:  # a child of the loop below: one run, its figures as JSON
        print("RESULT " + json.dumps(one_run(options)), flush=True)
        return 0

    runs: list[dict[str, dict[str, float]]] = []
    for number in range(1, options.runs + 1):
        # A fresh process per run: no window, cache or allocator state carried over.
        child = subprocess.run(
            [PYTHON, "-m", "bench.gui_responsiveness", "--one-run",
             "--images", str(options.images), "--rows", str(options.rows)],
            cwd=REPO, capture_output=True, text=True, timeout=1800, check=False,
        )  # fmt: skip
        found = [line for line in child.stdout.splitlines() if line.startswith("RESULT ")]
        if child.returncode != 0 or not found:
            print(f"run {number}: failed (exit {child.returncode})\n{child.stderr[-3000:]}")
            return 1
        run = json.loads(found[-1].removeprefix("RESULT "))
        runs.append(run)
        for text in describe(run["stream"], run["memory"]):
            print(f"run {number}: {text}", flush=True)

    def median(part: str, key: str) -> float:
        return statistics.median(run[part][key] for run in runs)

    p99, worst, rss = (
        median("stream", "p99_ms"),
        median("stream", "max_ms"),
        median("memory", "rss_mb"),
    )
    print(
        f"streaming {options.images} images, median of {len(runs)} runs: GUI loop lag p50"
        f" {median('stream', 'p50_ms'):.1f} ms, p99 {p99:.1f} ms"
        f" (goal < 16 ms: {'met' if p99 < 16 else 'NOT met'}), max {worst:.1f} ms"
        f" (goal < 50 ms: {'met' if worst < 50 else 'NOT met'}); worst run's max"
        f" {max(run['stream']['max_ms'] for run in runs):.1f} ms"
    )
    print(
        f"{options.rows} rows with thumbnails, median of {len(runs)} runs: resident {rss:.0f} MB"
        f" (goal < 400 MB: {'met' if rss < 400 else 'NOT met'})"
    )
    if not options.skip_launch:
        result = subprocess.run(
            [PYTHON, "-m", "bench.startup"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
