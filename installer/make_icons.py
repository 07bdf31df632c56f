"""Render the app icon SVG to the raster sizes installers need.

    python installer/make_icons.py SVG OUT_DIR

Writes OUT_DIR/retouchdesk-<N>.png for the hicolor sizes and retouchdesk-512.png, which
PyInstaller turns into the .ico (Windows) and .icns (macOS) with Pillow. Rendering uses QtSvg,
already a build dependency, so no extra SVG tool is needed on any of the three CI systems.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, out_dir: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_dir / f"retouchdesk-{size}.png"
        if not image.save(str(target)):
            raise SystemExit(f"make_icons: could not write {target}")
        written.append(target)
    del app
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    for path in render(Path(sys.argv[1]), Path(sys.argv[2])):
        print(path)
