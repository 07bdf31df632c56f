"""A cut-out's alpha as a mask overlay: what the result made transparent, tinted over the
original, so a retoucher sees at a glance where the cut runs and what it took away.

Made per paint from the part of the result on screen only (a layer the size of what is
drawn, never of the image), so it costs what a frame of the image itself costs.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

# Red at a little over half strength, as a quick mask in an image editor: the original
# stays readable under it.
MASK_COLOUR = QColor(230, 30, 30, 150)


def paint_alpha_mask(
    painter: QPainter, dest: QRectF, level: QImage, source: QRectF, colour: QColor = MASK_COLOUR
) -> None:
    """Tint `dest` with `colour` where `source` of `level` (the result) is transparent, in
    proportion to its transparency. `painter` draws in the same pixels as `dest`."""
    width, height = math.ceil(dest.width()), math.ceil(dest.height())
    if width <= 0 or height <= 0:
        return
    layer = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    layer.fill(colour)
    layer_painter = QPainter(layer)
    # Destination-out keeps the tint times (1 - the result's alpha): none where it is opaque.
    layer_painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationOut)
    layer_painter.setRenderHint(
        QPainter.RenderHint.SmoothPixmapTransform,
        painter.testRenderHint(QPainter.RenderHint.SmoothPixmapTransform),
    )
    layer_painter.drawImage(QRectF(0, 0, dest.width(), dest.height()), level, source)
    layer_painter.end()
    painter.drawImage(dest.topLeft(), layer)
