"""Run by test_hidpi.py in a child process (QT_SCALE_FACTOR must be set before Qt starts).

Prints one line: the device pixel ratio, the zoom, and the red values of 12 neighbouring
device pixels at the canvas centre, with a 1-px black/white stripe image at 100%.
"""

from __future__ import annotations

import sys
import time

from PIL import Image
from PySide6.QtWidgets import QApplication

from ui.viewer import CompareMode, CompareViewer, ViewerItem


def main(path: str) -> None:
    app = QApplication(sys.argv)
    stripes = Image.new("RGB", (64, 64), (0, 0, 0))
    for column in range(0, 64, 2):
        stripes.paste((255, 255, 255), (column, 0, column + 1, 64))
    stripes.save(path)
    viewer = CompareViewer(prefetch=False)
    viewer.resize(400, 300)
    viewer.show()
    viewer.set_items([ViewerItem("stripes", path, path, "stripes")], 0)
    deadline = time.monotonic() + 20
    while not (viewer.canvas.result.image and viewer.canvas.result.image.complete):
        if time.monotonic() > deadline:
            raise SystemExit("not loaded")
        app.processEvents()
    viewer.set_mode(CompareMode.RESULT)
    viewer.zoom_actual_pixels()
    image = viewer.canvas.grab().toImage()
    cx, cy = image.width() // 2, image.height() // 2
    row = [image.pixelColor(cx + dx, cy).red() for dx in range(-6, 6)]
    print(viewer.canvas.device_ratio(), viewer.zoom(), " ".join(map(str, row)))
    viewer.shutdown()


if __name__ == "__main__":
    main(sys.argv[1])
