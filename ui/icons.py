"""SVG icons drawn for the app, tinted to the current palette and rendered at any size.

Icons are stroked with `currentColor`; the engine below substitutes the palette's text colour
(or a fixed status colour) and renders the vector at whatever size and device pixel ratio Qt
asks for, so they stay sharp on HiDPI and readable in both light and dark themes.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer

from app.domain.jobs import JobState
from ui.job_model import ACTIVE_COLOR, STATE_COLORS

RESOURCES = "retouchdesk_resources"  # resources/ as installed (see resources/__init__.py)


@cache
def svg_text(name: str) -> str:
    return files(RESOURCES).joinpath("icons", f"{name}.svg").read_text("utf-8")


class _SvgIconEngine(QIconEngine):
    def __init__(self, name: str, color: str | None) -> None:
        super().__init__()
        self._name = name
        self._color = color
        self._renderers: dict[str, QSvgRenderer] = {}
        self._pixmaps: dict[tuple[object, ...], QPixmap] = {}

    def _renderer(self, mode: QIcon.Mode) -> QSvgRenderer:
        color = self._color or _palette_color(QPalette.ColorRole.WindowText)
        if mode == QIcon.Mode.Disabled:
            color = muted_color()
        renderer = self._renderers.get(color)
        if renderer is None:
            data = svg_text(self._name).replace("currentColor", color)
            renderer = QSvgRenderer(QByteArray(data.encode("utf-8")))
            self._renderers[color] = renderer
        return renderer

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        # A view paints its placeholder and status icons on every repaint of every visible
        # row: drawing the cached pixmap costs microseconds, re-rendering the SVG far more.
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        # Views ask for the same status icon on every repaint of every row: render once per
        # size, scale, mode and palette colour.
        key = (
            size.width(),
            size.height(),
            scale,
            mode,
            self._color or _palette_color(QPalette.ColorRole.WindowText),
        )
        cached = self._pixmaps.get(key)
        if cached is not None:
            return cached
        pixmap = self._render(size, mode, scale)
        if len(self._pixmaps) > 32:
            self._pixmaps.clear()
        self._pixmaps[key] = pixmap
        return pixmap

    def _render(self, size: QSize, mode: QIcon.Mode, scale: float) -> QPixmap:
        image = QImage(size * scale, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        renderer = self._renderer(mode)
        painter = QPainter(image)
        try:
            renderer.render(painter, QRectF(QPoint(0, 0), (size * scale).toSizeF()))
        finally:
            painter.end()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._name, self._color)


def _palette_color(role: QPalette.ColorRole) -> str:
    app = QGuiApplication.instance()
    palette = QGuiApplication.palette() if app is not None else QPalette()
    return palette.color(role).name()


def muted_color() -> str:
    """Halfway between text and background: greyed out in light and dark themes alike. (The
    palette's placeholder colour is text with alpha, which an SVG colour cannot carry.)"""
    palette = QGuiApplication.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    back = palette.color(QPalette.ColorRole.Window)
    mixed = QColor(
        (text.red() + back.red()) // 2,
        (text.green() + back.green()) // 2,
        (text.blue() + back.blue()) // 2,
    )
    return mixed.name()


def icon(name: str, color: str | None = None) -> QIcon:
    """A themed icon from resources/icons/<name>.svg (tinted with `color` if given)."""
    return QIcon(_SvgIconEngine(name, color))


def app_icon() -> QIcon:
    return QIcon(_SvgIconEngine("app", None))


def status_icons() -> dict[JobState, QIcon]:
    names = {
        JobState.QUEUED: "status-queued",
        JobState.DONE: "status-done",
        JobState.FAILED: "status-failed",
        JobState.PAYMENT_REQUIRED: "status-payment",
        JobState.IN_QA: "status-review",
        JobState.SKIPPED: "status-skipped",
        JobState.CANCELLED: "status-cancelled",
        JobState.REJECTED: "status-rejected",
    }
    icons: dict[JobState, QIcon] = {}
    for state in JobState:
        name = names.get(state, "status-active")
        color = STATE_COLORS.get(state) or (ACTIVE_COLOR if state.is_active else None)
        icons[state] = icon(name, color)
    return icons


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
