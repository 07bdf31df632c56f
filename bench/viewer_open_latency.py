"""How fast the before/after viewer opens big images and how smoothly it pans.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.viewer_open_latency [--runs N]

Prints, for a generated 24 MP JPEG pair (original + result, two files) and a 100 MP PNG:
- open latency p50: from `set_items` until the reduced preview is painted, and until full
  resolution is on screen (each run uses a fresh viewer, so nothing comes from the cache);
- the longest stall of the GUI event loop while it decodes (a 10 ms timer's worst gap);
- time per frame while panning at 100% (median and p95 of synchronous repaints) and at fit.

Inputs are generated once into a temp folder and reused by later runs (the 100 MP PNG takes
a while to write). Noise is mixed in so JPEG and PNG decoders do realistic work.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication

from ui.viewer import CompareMode, CompareViewer, ViewerItem

CACHE_DIR = Path(tempfile.gettempdir()) / "retouchdesk-bench-viewer"
WINDOW = (1440, 860)


def photo_like(size: tuple[int, int], seed: int) -> Image.Image:
    """Smooth gradients plus grain: compresses and decodes like a photograph, not a flat fill."""
    width, height = size
    small = (max(1, width // 8), max(1, height // 8))
    red = Image.linear_gradient("L").resize(small)
    green = Image.radial_gradient("L").resize(small)
    blue = Image.effect_noise(small, 60 + seed).point(lambda v: v // 2 + 64)
    base = Image.merge("RGB", (red, green, blue)).resize(size, Image.Resampling.BILINEAR)
    grain = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(base, grain, 0.12)


def ensure_inputs() -> dict[str, Path]:
    CACHE_DIR.mkdir(exist_ok=True)
    files = {
        "jpeg_original": CACHE_DIR / "24mp-original.jpg",
        "jpeg_result": CACHE_DIR / "24mp-result.jpg",
        "png_100mp": CACHE_DIR / "100mp.png",
    }
    for key, seed in (("jpeg_original", 1), ("jpeg_result", 2)):
        if not files[key].exists():
            print(f"generating {files[key]} ...", flush=True)
            photo_like((6000, 4000), seed).save(files[key], quality=90)
    if not files["png_100mp"].exists():
        print(f"generating {files['png_100mp']} (takes a while) ...", flush=True)
        partial = files["png_100mp"].with_suffix(".part.png")
        photo_like((10000, 10000), 3).save(partial, compress_level=6)
        partial.rename(files["png_100mp"])
    return files


class Stopwatch:
    """Watches one viewer open: preview painted, full resolution, and event-loop stalls."""

    def __init__(self, app: QApplication, viewer: CompareViewer) -> None:
        self.app = app
        self.viewer = viewer
        self.clock = QElapsedTimer()
        self.preview_ms: float | None = None
        self.full_ms: float | None = None
        self.worst_gap_ms = 0.0
        self._last_tick = 0.0
        self._ticker = QTimer()
        self._ticker.setInterval(10)
        self._ticker.timeout.connect(self._tick)
        viewer.previewShown.connect(self._on_preview)
        viewer.fullResolutionShown.connect(self._on_full)

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        self.worst_gap_ms = max(self.worst_gap_ms, now - self._last_tick)
        self._last_tick = now

    def _on_preview(self, _job: str) -> None:
        if self.preview_ms is None:
            self.viewer.canvas.repaint()  # the preview is painted: that is what the user sees
            self.preview_ms = self.clock.nsecsElapsed() / 1e6

    def _on_full(self, _job: str) -> None:
        self.viewer.canvas.repaint()
        self.full_ms = self.clock.nsecsElapsed() / 1e6

    def open(self, item: ViewerItem, timeout_s: float = 120) -> None:
        self.clock.start()
        self._last_tick = 0.0
        self._ticker.start()
        self.viewer.set_items([item], 0)
        deadline = time.monotonic() + timeout_s
        while self.full_ms is None:
            if time.monotonic() > deadline:
                raise TimeoutError("full resolution never arrived")
            self.app.processEvents()
            time.sleep(0.001)  # let the workers have the GIL; the ticker measures stalls
        self._ticker.stop()


def fresh_viewer() -> CompareViewer:
    viewer = CompareViewer(prefetch=False)
    viewer.resize(*WINDOW)
    viewer.show()
    return viewer


def open_latency(app: QApplication, item: ViewerItem, runs: int) -> dict[str, float]:
    previews, fulls, gaps = [], [], []
    for _ in range(runs):
        viewer = fresh_viewer()
        watch = Stopwatch(app, viewer)
        watch.open(item)
        assert watch.preview_ms is not None and watch.full_ms is not None
        previews.append(watch.preview_ms)
        fulls.append(watch.full_ms)
        gaps.append(watch.worst_gap_ms)
        viewer.shutdown()
        viewer.deleteLater()
        app.processEvents()
    return {
        "preview_p50": statistics.median(previews),
        "full_p50": statistics.median(fulls),
        "worst_stall": max(gaps),
    }


def pan_frames(app: QApplication, item: ViewerItem, zoom: float | None, frames: int) -> list[float]:
    viewer = fresh_viewer()
    watch = Stopwatch(app, viewer)
    watch.open(item)
    viewer.set_mode(CompareMode.SPLIT)
    if zoom is None:
        viewer.zoom_to_fit()
    else:
        viewer.set_zoom(zoom)
    times = []
    step = 7.0
    for frame in range(frames):
        if frame % 40 == 0:
            step = -step  # back and forth, so the view stays over the image
        viewer.pan_by(step, step / 2)
        start = time.perf_counter()
        viewer.canvas.repaint()
        times.append((time.perf_counter() - start) * 1000)
    viewer.shutdown()
    viewer.deleteLater()
    app.processEvents()
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="opens per 24 MP case")
    parser.add_argument("--png-runs", type=int, default=3, help="opens of the 100 MP PNG")
    parser.add_argument("--frames", type=int, default=120, help="repaints per pan case")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    files = ensure_inputs()
    jpeg_pair = ViewerItem(
        "jpeg", str(files["jpeg_original"]), str(files["jpeg_result"]), "24 MP JPEG pair"
    )
    jpeg_single = ViewerItem(
        "jpeg1", str(files["jpeg_result"]), str(files["jpeg_result"]), "24 MP JPEG"
    )
    png = ViewerItem("png", str(files["png_100mp"]), str(files["png_100mp"]), "100 MP PNG")

    # Figures from a shared machine mean little without knowing how busy it was.
    print(
        f"window {WINDOW[0]} x {WINDOW[1]}, Qt platform {app.platformName()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    for label, item, runs in (
        ("24 MP JPEG (one file)", jpeg_single, args.runs),
        ("24 MP JPEG pair (original + result)", jpeg_pair, args.runs),
        ("100 MP PNG (10000 x 10000)", png, args.png_runs),
    ):
        result = open_latency(app, item, runs)
        print(
            f"open {label}: preview painted p50 {result['preview_p50']:.0f} ms, "
            f"full resolution p50 {result['full_p50']:.0f} ms, "
            f"worst GUI stall {result['worst_stall']:.0f} ms  ({runs} runs)"
        )
    for label, item in (("24 MP JPEG pair", jpeg_pair), ("100 MP PNG", png)):
        for zoom_label, zoom in (("100%", 1.0), ("fit", None)):
            times = pan_frames(app, item, zoom, args.frames)
            print(
                f"pan {label} at {zoom_label} (split, both images): "
                f"median {statistics.median(times):.2f} ms/frame, "
                f"p95 {percentile(times, 0.95):.2f} ms/frame  ({len(times)} frames)"
            )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
