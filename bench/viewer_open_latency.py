"""How fast the before/after viewer opens big images, whether it stalls the GUI, how it pans.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.viewer_open_latency [--runs N] [--why]
                                                                 [--only-png] [--memory-runs N]

Prints, for a generated 24 MP JPEG pair (original + result, two files) and a 100 MP PNG:
- open latency p50: from `set_items` until the reduced preview is painted, and until full
  resolution is on screen (each run uses a fresh viewer, so nothing comes from the cache);
- the worst stall of the GUI thread in each run, median (and max) over the runs: how late a
  5 ms timer on the running event loop fired, while opening and while closing (letting go of
  hundreds of MB of decoded pixels is work too), also when the viewer is closed at the 100 MP
  preview while the full decode is still running;
- time per frame while panning at 100% (median and p95 of synchronous repaints) and at fit;
- memory for the 100 MP PNG, in a process of its own: the peak resident size while it opens
  (to full resolution) above the idle window's, and what stays resident once it is shown
  (Linux: read from /proc; elsewhere "nan").

The GUI thread must never stall more than STALL_BUDGET_MS (the main window's goal): the
benchmark exits 1 and says FAIL when a case's median worst stall is over it. `--why` prints
where every thread was when the GUI thread was late by more than 20 ms.

Inputs are generated once into a temp folder and reused by later runs (the 100 MP PNG takes
a while to write). Noise is mixed in so JPEG and PNG decoders do realistic work.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, Qt, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication

from ui.viewer import CompareMode, ViewerItem, ViewerWindow

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


STALL_BUDGET_MS = 50.0  # the main window's goal: the GUI thread never stalls longer
TICK_MS = 5
WHY_LATE_MS = 20.0


class StallWatch:
    """A precise 5 ms timer on the GUI thread's event loop; how late it fires is the stall.

    The loop runs for real (QEventLoop.exec, blocked in poll with the GIL released, as in the
    app), so a late tick means the GUI thread was busy or waiting for the GIL.
    """

    def __init__(self, why: bool) -> None:
        self.worst_ms = 0.0
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.why: list[str] = []
        self._sampler: threading.Thread | None = None
        self._sampling = threading.Event()
        self._want_why = why

    def start(self) -> None:
        self.worst_ms = 0.0
        self._last = time.perf_counter()
        self._timer.start()
        if self._want_why:
            self._sampling.set()
            self._sampler = threading.Thread(target=self._sample, args=(threading.get_ident(),))
            self._sampler.start()

    def stop(self) -> float:
        self._timer.stop()
        self._tick()  # a stall that is still going on counts too
        if self._sampler is not None:
            self._sampling.clear()
            self._sampler.join()
            self._sampler = None
        return self.worst_ms

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst_ms = max(self.worst_ms, (now - self._last) * 1000 - TICK_MS)
        self._last = now

    def _sample(self, gui_thread: int) -> None:
        """--why: where every thread is when the GUI thread is WHY_LATE_MS late (once a stall)."""
        reported = 0.0
        while self._sampling.is_set():
            time.sleep(0.002)
            last = self._last
            late = (time.perf_counter() - last) * 1000 - TICK_MS
            if late < WHY_LATE_MS or last == reported:
                continue
            reported = last
            lines = [f"GUI thread {late:.0f} ms late:"]
            for ident, frame in sys._current_frames().items():
                if ident == threading.get_ident():
                    continue
                name = "GUI" if ident == gui_thread else f"thread {ident}"
                stack = "".join(traceback.format_stack(frame)[-4:])
                lines.append(f"  [{name}]\n{stack.rstrip()}")
            self.why.append("\n".join(lines))


@dataclass
class Run:
    preview_ms: float
    full_ms: float
    open_stall_ms: float
    close_stall_ms: float


def fresh_window() -> ViewerWindow:
    """A viewer in its own window, as the app opens it, so closing is the window's own close.
    (One job at a time: there are no neighbours to prefetch.)"""
    window = ViewerWindow(handle_files=False)
    window.resize(*WINDOW)
    window.show()
    return window


def run_loop_until(signal: SignalInstance | None, timeout_ms: int) -> None:
    """Run the GUI event loop (as the app does) until `signal` fires or the timeout."""
    loop = QEventLoop()
    if signal is not None:
        signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    if signal is not None:
        signal.disconnect(loop.quit)


def open_viewer(
    item: ViewerItem, stalls: StallWatch, *, until_full: bool = True
) -> tuple[ViewerWindow, float, float]:
    """A fresh viewer window showing `item` at full resolution (or just its preview, still
    decoding); (window, preview ms, full ms or nan)."""
    window = fresh_window()
    viewer = window.viewer
    clock = QElapsedTimer()
    shown: dict[str, float] = {}

    def on_preview(_job: str) -> None:
        if "preview" not in shown:
            viewer.canvas.repaint()  # the preview is painted: that is what the user sees
            shown["preview"] = clock.nsecsElapsed() / 1e6

    def on_full(_job: str) -> None:
        viewer.canvas.repaint()
        shown["full"] = clock.nsecsElapsed() / 1e6

    viewer.previewShown.connect(on_preview)
    viewer.fullResolutionShown.connect(on_full)
    clock.start()
    stalls.start()
    viewer.set_items([item], 0)
    wanted = "full" if until_full else "preview"
    if wanted not in shown:
        signal = viewer.fullResolutionShown if until_full else viewer.previewShown
        run_loop_until(signal, 120_000)
    stalls.stop()
    if wanted not in shown:
        raise TimeoutError(f"the {wanted} never arrived")
    full = shown.get("full", math.nan)
    return window, shown.get("preview", full), full


def dispose(app: QApplication, window: ViewerWindow) -> None:
    """After measuring: join the decoding threads (as the app does at quit) and delete."""
    window.viewer.shutdown()
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def open_and_close(
    app: QApplication, item: ViewerItem, why: bool, *, until_full: bool = True
) -> tuple[Run, list[str]]:
    stalls = StallWatch(why)
    window, preview_ms, full_ms = open_viewer(item, stalls, until_full=until_full)
    open_stall = stalls.worst_ms
    notes = list(stalls.why)
    stalls.start()
    window.close()  # what the user does; the window lets go of every decoded image
    run_loop_until(None, 300)  # the loop runs on while the memory is given back
    close_stall = stalls.stop()
    dispose(app, window)
    notes += stalls.why
    return Run(preview_ms, full_ms, open_stall, close_stall), notes


def pan_frames(app: QApplication, item: ViewerItem, zoom: float | None, frames: int) -> list[float]:
    window, _, _ = open_viewer(item, StallWatch(why=False))
    viewer = window.viewer
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
    window.close()
    dispose(app, window)
    return times


def resident_mb() -> float:
    """The process's resident size now (Linux), else nan."""
    return _status_mb("VmRSS")


def peak_resident_mb() -> float:
    """Its high-water mark since `reset_peak` (Linux). Not getrusage's ru_maxrss: a child
    process inherits in that the peak of the parent it was forked from."""
    return _status_mb("VmHWM")


def reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")  # resets the high-water mark to the resident size now
    except OSError:
        pass


def _status_mb(field: str) -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1e3  # kB
    except OSError:
        pass
    return math.nan


def memory_child(app: QApplication, png: ViewerItem) -> None:
    """--memory-child: open the 100 MP PNG once in this fresh process; print the figures."""
    window = fresh_window()
    run_loop_until(None, 200)  # the idle window, painted
    idle = resident_mb()
    reset_peak()
    viewer = window.viewer
    viewer.set_items([png], 0)
    run_loop_until(viewer.fullResolutionShown, 120_000)
    run_loop_until(None, 500)  # buffers let go of after the decode are unmapped meanwhile
    figures = {"peak_mb": peak_resident_mb() - idle, "shown_mb": resident_mb() - idle}
    window.close()
    dispose(app, window)
    print(json.dumps(figures))


def measure_memory(runs: int) -> list[dict[str, float]]:
    """Each run in a process of its own: a peak resident size is a high-water mark."""
    results = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-m", "bench.viewer_open_latency", "--memory-child"],
            cwd=Path(__file__).resolve().parents[1],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="opens per 24 MP case")
    parser.add_argument("--png-runs", type=int, default=3, help="opens of the 100 MP PNG")
    parser.add_argument("--frames", type=int, default=120, help="repaints per pan case")
    parser.add_argument("--only-png", action="store_true", help="the 100 MP PNG opens only")
    parser.add_argument("--why", action="store_true", help="stacks of every stall over 20 ms")
    parser.add_argument(
        "--memory-runs", type=int, default=1, help="fresh processes opening the 100 MP PNG"
    )
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
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
    if args.memory_child:
        memory_child(app, png)
        return

    # Figures from a shared machine mean little without knowing how busy it was.
    print(
        f"window {WINDOW[0]} x {WINDOW[1]}, Qt platform {app.platformName()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    failures: list[str] = []
    cases = [
        ("24 MP JPEG (one file)", jpeg_single, args.runs, True),
        ("24 MP JPEG pair (original + result)", jpeg_pair, args.runs, True),
        ("100 MP PNG (10000 x 10000)", png, args.png_runs, True),
        # Glance at the preview and close: the full decode is still running at that moment.
        ("100 MP PNG, closed at its preview", png, args.png_runs, False),
    ]
    for label, item, runs, until_full in cases[2:] if args.only_png else cases:
        results = []
        for _ in range(runs):
            run, notes = open_and_close(app, item, args.why, until_full=until_full)
            results.append(run)
            for note in notes:
                print(note)
        open_stall = statistics.median(r.open_stall_ms for r in results)
        close_stall = statistics.median(r.close_stall_ms for r in results)
        full = statistics.median(r.full_ms for r in results)
        print(
            f"open {label}: preview painted p50 "
            f"{statistics.median(r.preview_ms for r in results):.0f} ms, "
            + (f"full resolution p50 {full:.0f} ms; " if until_full else "")
            + f"worst GUI stall p50 {open_stall:.0f} ms "
            f"(max {max(r.open_stall_ms for r in results):.0f}) while opening, "
            f"p50 {close_stall:.0f} ms (max {max(r.close_stall_ms for r in results):.0f}) "
            f"while closing  ({runs} runs)"
        )
        for what, stall in (("opening", open_stall), ("closing", close_stall)):
            if stall > STALL_BUDGET_MS:
                failures.append(f"{label}: GUI stalls {stall:.0f} ms (p50) while {what}")
    pan_cases = [] if args.only_png else [("24 MP JPEG pair", jpeg_pair), ("100 MP PNG", png)]
    for label, item in pan_cases:
        for zoom_label, zoom in (("100%", 1.0), ("fit", None)):
            times = pan_frames(app, item, zoom, args.frames)
            p95 = percentile(times, 0.95)
            print(
                f"pan {label} at {zoom_label} (split, both images): "
                f"median {statistics.median(times):.2f} ms/frame, "
                f"p95 {p95:.2f} ms/frame  ({len(times)} frames)"
            )
            if p95 > STALL_BUDGET_MS:
                failures.append(f"pan {label} at {zoom_label}: p95 frame {p95:.0f} ms")
    if args.memory_runs > 0:
        memory = measure_memory(args.memory_runs)
        peak = statistics.median(m["peak_mb"] for m in memory)
        shown = statistics.median(m["shown_mb"] for m in memory)
        print(
            "memory 100 MP PNG (original = result, one decode): peak resident while opening "
            f"p50 {peak:.0f} MB above the idle window, resident once shown p50 {shown:.0f} MB"
            f"  ({len(memory)} runs)"
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    for failure in failures:
        print(f"FAIL (budget {STALL_BUDGET_MS:.0f} ms): {failure}")
    if failures:
        sys.exit(1)
    print(f"GUI stall budget {STALL_BUDGET_MS:.0f} ms: met in every case")


if __name__ == "__main__":
    main()
