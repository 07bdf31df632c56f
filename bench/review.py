"""The review grid with 2,000 results: does it stay smooth while thumbnails stream in?

The main window (offscreen) opens a batch of N finished jobs from a real journal (through the
engine, as Open batch… does after a restart), shows the Review tab and scrolls the grid from
top to bottom a screenful at a time without waiting for thumbnails (they stream in behind),
marking the current cell with P / X on each screen as a retoucher would. A sampler measures
how late a 5 ms timer fires on the GUI loop throughout. Then peak resident memory (psutil).

Goals: event-loop lag p99 <= 16 ms, max <= 50 ms; memory <= 400 MB.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.review [--images 2000] [--sources 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import OUT, cli_env, image_cache
from bench.gui_responsiveness import SMALL, LagSampler, hard_links, percentile
from bench.review_delivery import batch_record


async def review(images: int, paths: list[Path], home: Path) -> dict[str, float]:
    import psutil
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.api.servers import resolve_server
    from app.api.session import Session
    from app.domain.jobs import Job, JobState, Review
    from app.engine.engine import Engine
    from app.store.journal import Journal
    from app.store.settings import Settings
    from ui.main_window import MainWindow
    from ui.qloop import settle_garbage
    from ui.workspace import Workspace, sandbox_profile

    process = psutil.Process()
    peak = process.memory_info().rss
    jobs = [
        Job(
            id=f"job-{i:05d}",
            batch_id="bench-batch",
            input_path=str(path),
            name=path.name,
            seq=i,
            state=JobState.DONE,
            execution_id=f"ex-{i}",
            output_path=str(path),
            credits=10,
            created_at=float(i),
        )
        for i, path in enumerate(paths[:images])
    ]
    journal = Journal(home / "journal.sqlite3")
    journal.add_batch(batch_record(), jobs)
    session = Session(resolve_server("sandbox"))  # never signed in: marks need no server
    settings = Settings()
    engine = Engine(session.client, journal, settings)
    workspace = Workspace(sandbox_profile("http://127.0.0.1:9"), settings)
    workspace.session, workspace.journal, workspace.engine = session, journal, engine

    window = MainWindow(settings)
    window.resize(1280, 800)
    window.show()
    window.context.open(workspace)
    window.bridge.attach(engine)
    # As ui.startup does once the window is connected: what lives from start-up on is moved
    # out of the collector's sight (left in it, a full collection mid-scroll walked it all).
    settle_garbage()
    await engine.open_batch("bench-batch")
    window.bridge.flush()
    controller = window.review_page
    page, grid = controller.page, controller.page.grid
    controller.show_tab(1)
    while page.proxy.rowCount() < images:  # the bridge inserts a few hundred rows per tick
        await asyncio.sleep(0.01)

    sampler = LagSampler()
    sampler.start()
    await asyncio.sleep(0.2)
    bar = grid.verticalScrollBar()
    step = max(1, bar.pageStep())
    marks = 0
    started = time.perf_counter()
    for screen, value in enumerate(range(0, bar.maximum() + step, step)):
        bar.setValue(value)
        # The cell in the screen's top-left corner becomes the current one and gets a mark.
        index = grid.indexAt(grid.viewport().rect().topLeft() + grid.rect().topLeft())
        if index.isValid():
            page.select_row(index.row())
            QTest.keyClick(grid, Qt.Key.Key_X if screen % 3 == 0 else Qt.Key.Key_P)
            marks += 1
        # A screen every ~100 ms: a quick skim, not a wait for its thumbnails.
        await asyncio.sleep(0.1)
        peak = max(peak, process.memory_info().rss)
    scroll_s = time.perf_counter() - started
    while page.thumbnails.pending():  # the last screens' thumbnails land
        await asyncio.sleep(0.02)
        peak = max(peak, process.memory_info().rss)
    await asyncio.sleep(0.3)
    await sampler.stop()
    await window.wait_idle()
    marked = sum(j.review is not Review.NONE for j in window.model.jobs())
    QApplication.processEvents()
    peak = max(peak, process.memory_info().rss)
    cached = page.thumbnails.cached()
    window.context.close()
    window.bridge.detach()
    window.shutdown()
    window.close()
    await engine.aclose()
    journal.close()
    await session.aclose()
    lags = [lag * 1000 for lag in sampler.lags]
    return {
        "cells": float(images),
        "marks": float(marks),
        "marked": float(marked),
        "scroll_s": scroll_s,
        "samples": float(len(lags)),
        "p50_ms": statistics.median(lags) if lags else 0.0,
        "p99_ms": percentile(lags, 0.99),
        "max_ms": max(lags) if lags else 0.0,
        "peak_mb": peak / 1e6,
        "cached": float(cached),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--sources", type=int, default=200, help="distinct picture files")
    options = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="review-bench-", dir=OUT if OUT.exists() else None))
    for key, value in cli_env(home).items():
        os.environ[key] = value
    cache = image_cache(options.sources, SMALL)
    # Distinct paths over fewer files: every cell decodes its own thumbnail.
    paths = hard_links(cache, options.sources, options.images, home / "results")

    from PySide6.QtWidgets import QApplication

    from ui.qloop import make_loop

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # the window closes before the engine does
    loop = make_loop(app)
    try:
        with loop:
            r = loop.run_until_complete(review(options.images, paths, home))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    p99, worst, peak = r["p99_ms"], r["max_ms"], r["peak_mb"]
    print(
        f"review grid: {r['cells']:.0f} results ({SMALL[0]}x{SMALL[1]} JPEG), scrolled end to"
        f" end in {r['scroll_s']:.1f} s with {r['marks']:.0f} marks ({r['marked']:.0f} in the"
        f" model), {r['cached']:.0f} thumbnails cached at the end"
    )
    print(
        f"  GUI loop lag over {r['samples']:.0f} samples: p50 {r['p50_ms']:.1f} ms,"
        f" p99 {p99:.1f} ms (goal <= 16 ms: {'met' if p99 <= 16 else 'NOT met'}),"
        f" max {worst:.1f} ms (goal <= 50 ms: {'met' if worst <= 50 else 'NOT met'})"
    )
    print(f"  peak resident {peak:.0f} MB (goal <= 400 MB: {'met' if peak <= 400 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
