"""Render the before/after viewer in each mode to PNGs, to look at them.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/viewer_screenshots.py [OUT_DIR]
    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python tools/viewer_screenshots.py

Inputs are the sandbox's sample photographs plus "results" made from them here (a colour
grade, and a cut-out with a transparent background), so the shots need no server. Output goes
to shots/ (git-ignored) unless a folder is given.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication, QMessageBox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ui.viewer import BackgroundKind, CompareMode, ViewerItem, ViewerWindow  # noqa: E402

SAMPLES = ROOT / "app" / "sandbox" / "samples"


def make_results(folder: Path) -> list[ViewerItem]:
    """Jobs over the samples: a graded result, a cut-out, and one still processing."""
    items = []
    graded = folder / "rocket-graded.jpg"
    with Image.open(SAMPLES / "rocket.jpg") as rocket:
        icc = rocket.info.get("icc_profile")
        ImageEnhance.Color(ImageEnhance.Contrast(rocket).enhance(1.25)).enhance(1.4).save(
            graded, quality=92, icc_profile=icc
        )
    items.append(
        ViewerItem("job-rocket", str(SAMPLES / "rocket.jpg"), str(graded), "rocket.jpg",
                   status="COMPLETED", credits=1)
    )  # fmt: skip
    cutout = folder / "chelsea-cutout.png"
    with Image.open(SAMPLES / "chelsea.png") as cat:
        mask = Image.new("L", cat.size, 0)
        ImageDraw.Draw(mask).ellipse((60, 10, cat.width - 90, cat.height - 10), fill=255)
        cut = cat.convert("RGBA")
        cut.putalpha(mask.filter(ImageFilter.GaussianBlur(3)))
        cut.save(cutout)
    items.append(
        ViewerItem("job-chelsea", str(SAMPLES / "chelsea.png"), str(cutout), "chelsea.png",
                   status="COMPLETED", credits=1, review="accepted")
    )  # fmt: skip
    # A big pair (the rocket enlarged 4x) for the 100% and zoomed shots.
    big_original, big_result = folder / "rocket-big.png", folder / "rocket-big-graded.png"
    with Image.open(SAMPLES / "rocket.jpg") as rocket:
        big = rocket.resize((rocket.width * 4, rocket.height * 4), Image.Resampling.LANCZOS)
    big.save(big_original)
    ImageEnhance.Sharpness(ImageEnhance.Color(big).enhance(1.5)).enhance(2.0).save(big_result)
    items.insert(
        0,
        ViewerItem("job-big", str(big_original), str(big_result), "rocket-big.png",
                   status="COMPLETED", credits=2),
    )  # fmt: skip
    items.append(
        ViewerItem("job-coffee", str(SAMPLES / "coffee.png"), "", "coffee.png", status="ACTIVE")
    )
    return items


def wait_until(app: QApplication, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("viewer did not finish loading")
        app.processEvents()
        time.sleep(0.005)  # a tool, not a test: a short nap keeps it from spinning a core


def loaded(window: ViewerWindow) -> Callable[[], bool]:
    viewer = window.viewer

    def done() -> bool:
        item = viewer.current_item()
        assert item is not None
        slots = [viewer.canvas.original] + ([viewer.canvas.result] if item.result_path else [])
        return all(slot.image is not None and slot.image.complete for slot in slots)

    return done


def main(out_dir: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        window = ViewerWindow()
        window.resize(1280, 800)
        window.show()
        viewer = window.viewer
        viewer.set_items(make_results(Path(temp)), 0)
        wait_until(app, loaded(window))

        def shot(name: str) -> None:
            app.processEvents()
            path = out_dir / f"viewer-{name}.png"
            window.grab().save(str(path))
            print(path)  # noqa: T201 (a command-line tool reports what it wrote)

        shot("big-split-fit")
        viewer.canvas.zoom_at(1.0, QPointF(640, 330))
        shot("big-split-100pct")
        viewer.set_zoom_text("400%")
        shot("big-split-400pct")
        viewer.next()  # the rocket at its own size; zoom and pan are kept across the step
        wait_until(app, loaded(window))
        shot("kept-zoom-after-next")
        viewer.zoom_to_fit()
        shot("split")
        viewer.set_mode(CompareMode.SIDE_BY_SIDE)
        shot("side-by-side")
        viewer.set_zoom(2.0)
        viewer.pan_by(-150, 60)
        shot("side-by-side-zoomed")
        viewer.zoom_to_fit()
        viewer.set_mode(CompareMode.TOGGLE)
        shot("toggle-result")
        viewer.canvas.set_showing_original(True)  # what holding Space does
        shot("toggle-original-held")
        viewer.canvas.set_showing_original(False)
        viewer.set_mode(CompareMode.RESULT)
        shot("result-only")

        viewer.next()  # the cut-out: transparency
        wait_until(app, loaded(window))
        shot("transparency-checkerboard")
        viewer.set_mode(CompareMode.SPLIT)
        shot("transparency-split")
        viewer.set_background(BackgroundKind.WHITE)
        shot("transparency-white")
        viewer.set_background(BackgroundKind.BLACK)
        shot("transparency-black")
        viewer.set_background(BackgroundKind.CHECKERBOARD)

        viewer.next()  # no result yet
        wait_until(app, loaded(window))
        shot("no-result-yet")
        viewer.actions_.keys_help.trigger()
        app.processEvents()
        for box in window.findChildren(QMessageBox):
            box.grab().save(str(out_dir / "viewer-keys.png"))
            box.close()
        window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "shots")
