"""Icons: sharp at any device pixel ratio, tinted from the palette, greyed when disabled."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPainter

from app.domain.jobs import JobState
from ui import icons
from ui.theme import dark_palette


def centre(icon: QIcon, dpr: float = 1.0, mode: QIcon.Mode = QIcon.Mode.Normal) -> Any:
    image = icon.pixmap(QSize(24, 24), dpr, mode).toImage()
    return image, image.pixelColor(image.width() // 2, image.height() // 2)


def test_icons_render_at_the_device_pixel_ratio_and_follow_the_palette(qapp: Any) -> None:
    light = QGuiApplication.palette()
    image, normal = centre(icons.icon("cancel"), 2.0)
    assert (image.width(), image.height()) == (48, 48)  # drawn at 2x, not scaled up
    _, disabled = centre(icons.icon("cancel"), 1.0, QIcon.Mode.Disabled)
    assert disabled.lightness() > normal.lightness() + 60  # visibly greyed out
    try:
        QGuiApplication.setPalette(dark_palette())
        _, on_dark = centre(icons.icon("cancel"))
        assert on_dark.lightness() > 180  # light strokes on a dark window
    finally:
        QGuiApplication.setPalette(light)


def test_every_state_has_a_coloured_status_icon(qapp: Any) -> None:
    status = icons.status_icons()
    assert set(status) == set(JobState)
    # Sampled on the filled disc, away from the white mark inside it.
    done = status[JobState.DONE].pixmap(QSize(24, 24)).toImage().pixelColor(12, 5)
    failed = status[JobState.FAILED].pixmap(QSize(24, 24)).toImage().pixelColor(12, 5)
    assert done.green() > done.red() and failed.red() > failed.green()


def test_painting_an_icon_draws_its_cached_pixmap_at_the_painters_ratio(
    qapp: Any, monkeypatch: Any
) -> None:
    # Views paint status and placeholder icons on every repaint of every row: the vector is
    # rendered once per size and ratio, and later paints draw that pixmap.
    renders = []
    real_renderer = icons._SvgIconEngine._renderer

    def counting(self: Any, mode: QIcon.Mode) -> Any:
        renders.append(mode)
        return real_renderer(self, mode)

    monkeypatch.setattr(icons._SvgIconEngine, "_renderer", counting)
    icon = icons.icon("cancel")
    for _ in range(3):
        target = QImage(48, 48, QImage.Format.Format_ARGB32_Premultiplied)
        target.setDevicePixelRatio(2.0)
        target.fill(0)
        painter = QPainter(target)
        icon.paint(painter, QRect(0, 0, 24, 24))
        painter.end()
    assert len(renders) == 1
    reference = icon.pixmap(QSize(24, 24), 2.0).toImage().convertToFormat(target.format())
    assert (reference.width(), reference.height()) == (48, 48)
    assert target.constBits().tobytes() == reference.constBits().tobytes()  # 2x, not upscaled
