"""What the canvas paints around and behind the images: backdrop, divider, labels, messages.

Plain functions of a painter and a rectangle, so the canvas reads as geometry and images only.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPixmap

from ui.viewer.modes import BackgroundKind

CHECKER_LIGHT = QColor(204, 204, 204)
CHECKER_DARK = QColor(153, 153, 153)
CHECKER_SQUARE = 8


def paint_backdrop(
    painter: QPainter, area: QRectF, kind: BackgroundKind, custom: QColor, checker: QBrush
) -> None:
    """What shows through transparent pixels (`checker` comes from `checker_brush()`)."""
    if kind is BackgroundKind.CHECKERBOARD:
        painter.fillRect(area, checker)
    elif kind is BackgroundKind.WHITE:
        painter.fillRect(area, Qt.GlobalColor.white)
    elif kind is BackgroundKind.BLACK:
        painter.fillRect(area, Qt.GlobalColor.black)
    else:
        painter.fillRect(area, custom)


def paint_divider(painter: QPainter, x: int, height: int) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    # A dark halo keeps the white line visible over white backgrounds.
    painter.setPen(QPen(QColor(0, 0, 0, 110), 3))
    painter.drawLine(x, 0, x, height)
    painter.setPen(QPen(QColor(255, 255, 255), 1))
    painter.drawLine(x, 0, x, height)
    # A round grip in the middle says "drag me" without hiding much of the image.
    centre = QPointF(x, height / 2)
    painter.setBrush(QColor(255, 255, 255, 230))
    painter.setPen(QPen(QColor(0, 0, 0, 120), 1))
    painter.drawEllipse(centre, 13, 13)
    painter.setBrush(QColor(40, 40, 40))
    painter.setPen(Qt.PenStyle.NoPen)
    for direction in (-1, 1):
        arrow = QPainterPath(centre + QPointF(9 * direction, 0))
        arrow.lineTo(centre + QPointF(3 * direction, -5))
        arrow.lineTo(centre + QPointF(3 * direction, 5))
        arrow.closeSubpath()
        painter.drawPath(arrow)
    painter.restore()


def paint_label(painter: QPainter, part: QRect, text: str, *, right: bool) -> None:
    """'Original' / 'Result' in a corner of the part of the view that shows it."""
    if part.width() < 120:
        return  # a sliver of an image has no room for a label, and needs none
    painter.save()
    font = QFont(painter.font())
    font.setPointSizeF(max(8.0, font.pointSizeF() * 0.9))
    painter.setFont(font)
    metrics = painter.fontMetrics()
    box = QRectF(0, 0, metrics.horizontalAdvance(text) + 16, metrics.height() + 6)
    margin = 10
    box.moveTop(part.top() + margin)
    if right:
        box.moveRight(part.right() - margin)
    else:
        box.moveLeft(part.left() + margin)
    _badge(painter, box, text, QColor(0, 0, 0, 150), QColor(240, 240, 240), radius=4)
    painter.restore()


def paint_notice(painter: QPainter, view: QRect, text: str) -> None:
    """A badge at the top centre for facts about the whole view (e.g. no result yet)."""
    if not text:
        return
    painter.save()
    metrics = painter.fontMetrics()
    box = QRectF(0, view.top() + 10, metrics.horizontalAdvance(text) + 24, metrics.height() + 10)
    box.moveLeft(view.left() + (view.width() - box.width()) / 2)
    _badge(painter, box, text, QColor(200, 120, 20, 220), QColor(255, 255, 255), radius=5)
    painter.restore()


def paint_message(painter: QPainter, area: QRect, text: str) -> None:
    """Text instead of an image: loading, missing, or why a file cannot be shown."""
    painter.save()
    painter.setPen(QColor(200, 200, 200))
    flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
    painter.drawText(area.adjusted(16, 16, -16, -16), flags, text)
    painter.restore()


def _badge(
    painter: QPainter, box: QRectF, text: str, fill: QColor, ink: QColor, *, radius: float
) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(box, radius, radius)
    painter.setPen(ink)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def checker_brush() -> QBrush:
    """Made per widget, not at import: a QPixmap needs (and must not outlive) the application."""
    tile = QPixmap(2 * CHECKER_SQUARE, 2 * CHECKER_SQUARE)
    tile.fill(CHECKER_LIGHT)
    painter = QPainter(tile)
    painter.fillRect(0, 0, CHECKER_SQUARE, CHECKER_SQUARE, CHECKER_DARK)
    painter.fillRect(CHECKER_SQUARE, CHECKER_SQUARE, CHECKER_SQUARE, CHECKER_SQUARE, CHECKER_DARK)
    painter.end()
    return QBrush(tile)
