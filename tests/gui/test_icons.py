"""Icons: sharp at any device pixel ratio, tinted from the palette, greyed when disabled."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QIcon

from app.engine.jobs import JobState
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
