"""CompareCanvas: the one widget that paints original and result, and is dragged and zoomed.

Painting cost is what decides whether a 100 MP image pans smoothly, so:
- only the visible source rectangle is drawn, from the smallest pyramid level that still has a
  pixel per screen pixel (never a whole 400 MB image scaled per frame);
- image origins are whole device pixels and 100%+ is drawn without filtering, so pixels are
  crisp where a retoucher judges them;
- the QImages are ARGB32_Premultiplied, which QPainter blits without conversion.

Both images live in one "scene" the size of the result (the thing being judged); an original of
another size is fitted into that frame, so split and side-by-side compare the same content.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.viewer.accessible_text import canvas_description, canvas_name
from ui.viewer.mask import paint_alpha_mask
from ui.viewer.modes import BackgroundKind, CompareMode
from ui.viewer.overlays import (
    checker_brush,
    paint_backdrop,
    paint_divider,
    paint_label,
    paint_message,
    paint_notice,
)
from ui.viewer.pixels import LoadedImage
from ui.viewer.viewport import Placement, Size, Viewport

WINDOW_COLOUR = QColor(38, 38, 40)
SIDE_BY_SIDE_GAP = 2
DIVIDER_GRAB = 6  # px either side of the divider that grab it rather than pan
WHEEL_STEP = 1.25  # zoom factor per wheel notch


@dataclass
class ImageSlot:
    """What one side shows: an image (perhaps still a preview) or a message instead."""

    image: LoadedImage | None = None
    message: str = ""
    absent: bool = False  # nothing to load (no result yet): the other side gets the whole view


class CompareCanvas(QWidget):
    viewChanged = Signal()  # zoom or pan changed
    dividerMoved = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.viewport = Viewport()
        self.original = ImageSlot()
        self.result = ImageSlot()
        self.difference = ImageSlot()  # DIFFERENCE mode's image (made by DifferenceMaker)
        self.result_label = QCoreApplication.translate(
            "CompareCanvas", "Result"
        )  # the viewer adds which version it is
        self._mask_overlay = False  # a cut-out's transparency tinted over the original
        self._mode = CompareMode.SPLIT
        self._divider = 0.5  # fraction of the pane width
        self._showing_original = False  # Space or backslash held
        self._background = BackgroundKind.CHECKERBOARD
        self._custom_colour = QColor(128, 128, 128)
        self._checker = checker_brush()
        self._drag: str | None = None  # "pan" | "divider"
        self._last_pos = QPointF()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)  # cursor feedback over the divider
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # every pixel is painted
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(canvas_name())
        self._describe()

    def _describe(self) -> None:
        self.setAccessibleDescription(canvas_description(self._mode, self._divider))

    def sizeHint(self) -> QSize:
        return QSize(900, 600)

    # --- state --------------------------------------------------------------------------

    def set_images(self, original: ImageSlot, result: ImageSlot) -> None:
        self.original = original
        self.result = result
        self.update()

    def mode(self) -> CompareMode:
        return self._mode

    def set_mode(self, mode: CompareMode) -> None:
        self._mode = mode
        self._showing_original = False
        self._describe()
        self.update()
        self.viewChanged.emit()  # side by side halves the pane, which changes the fit zoom

    def divider(self) -> float:
        return self._divider

    def set_divider(self, fraction: float) -> None:
        self._divider = min(1.0, max(0.0, fraction))
        self._describe()
        self.update()
        self.dividerMoved.emit(self._divider)

    def divider_in_image(self, fraction: float) -> float:
        """The divider position (of the pane) at `fraction` of the image as shown: of the
        part of it on screen, so 25% is on the image also for a fitted portrait in a
        landscape window, or an image zoomed past the window's edges."""
        left, right = self.image_span()
        if right <= left:
            return fraction
        return (left + fraction * (right - left)) / max(1, self.width())

    def image_span(self) -> tuple[float, float]:
        """Where the scene shows in the (split) view, left and right, in widget pixels."""
        scene = self.scene_size()
        if scene.empty:
            return 0.0, 0.0
        place = self.viewport.placement(scene, self.pane_size())
        ratio = self.device_ratio()
        left = place.origin_x / ratio
        right = (place.origin_x + scene.width * place.zoom) / ratio
        return max(0.0, left), min(float(self.width()), right)

    def mask_overlay(self) -> bool:
        return self._mask_overlay

    def set_mask_overlay(self, on: bool) -> None:
        self._mask_overlay = on
        self.update()

    def result_has_alpha(self) -> bool:
        image = self.result.image
        return image is not None and image.info.has_alpha

    def showing_original(self) -> bool:
        return self._showing_original

    def set_showing_original(self, showing: bool) -> None:
        """While a key is held the original fills the view, whatever the mode."""
        if showing != self._showing_original:
            self._showing_original = showing
            self.update()

    def background(self) -> tuple[BackgroundKind, QColor]:
        return self._background, QColor(self._custom_colour)

    def set_background(self, kind: BackgroundKind, colour: QColor | None = None) -> None:
        self._background = kind
        if colour is not None:
            self._custom_colour = QColor(colour)
        self.update()

    # --- geometry -----------------------------------------------------------------------

    def scene_size(self) -> Size:
        """The frame both images are shown in: the result's size, else the original's."""
        for slot in (self.result, self.original):
            if slot.image is not None:
                return Size(slot.image.info.width, slot.image.info.height)
        return Size(0, 0)

    def panes(self) -> list[QRect]:
        if self._mode is CompareMode.SIDE_BY_SIDE and not self.result.absent:
            half = (self.width() - SIDE_BY_SIDE_GAP) // 2
            right_x = half + SIDE_BY_SIDE_GAP
            return [
                QRect(0, 0, half, self.height()),
                QRect(right_x, 0, self.width() - right_x, self.height()),
            ]
        return [self.rect()]

    # Zoom is measured in *device* pixels: at 100% one image pixel is one pixel of the screen,
    # also on a HiDPI display (where a logical pixel is 2 or more device pixels). Retouchers
    # judge sharpness at 100%; a "100%" that is secretly 200% hides exactly what they look for.

    def device_ratio(self) -> float:
        return self.devicePixelRatioF()

    def pane_size(self) -> Size:
        """The first pane's size in device pixels."""
        pane = self.panes()[0]
        ratio = self.device_ratio()
        return Size(pane.width() * ratio, pane.height() * ratio)

    def placement(self) -> Placement:
        """Where the scene sits in the first pane, in device pixels."""
        return self.viewport.placement(self.scene_size(), self.pane_size())

    def effective_zoom(self) -> float:
        """Device pixels per image pixel (1.0 is 100%)."""
        return self.viewport.effective_zoom(self.scene_size(), self.pane_size())

    def divider_x(self) -> int:
        return round(self._divider * self.width())

    def _pane_at(self, pos: QPointF) -> QRect:
        for pane in self.panes():
            if pos.x() < pane.right() + 1:
                return pane
        return self.panes()[-1]

    # --- zoom and pan (the viewer's API calls these too) ----------------------------------

    def zoom_to_fit(self) -> None:
        self.viewport.fit = True
        self._view_changed()

    def set_zoom(self, zoom: float) -> None:
        self.viewport.set_zoom(zoom, self.scene_size(), self.pane_size())
        self._view_changed()

    def step_zoom(self, steps: int) -> None:
        self.viewport.step_zoom(steps, self.scene_size(), self.pane_size())
        self._view_changed()

    def zoom_at(self, zoom: float, pos: QPointF) -> None:
        """Zoom keeping the image point under `pos` (widget coordinates) where it is."""
        pane = self._pane_at(pos)
        local = (pos - QPointF(pane.topLeft())) * self.device_ratio()
        self.viewport.zoom_at(zoom, local.x(), local.y(), self.scene_size(), self.pane_size())
        self._view_changed()

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the image by (dx, dy) widget pixels, as the hand dragging it moves."""
        ratio = self.device_ratio()
        self.viewport.pan_by(dx * ratio, dy * ratio, self.scene_size(), self.pane_size())
        self._view_changed()

    def _view_changed(self) -> None:
        self.update()
        self.viewChanged.emit()

    # --- input --------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self._last_pos = event.position()
        self._drag = "divider" if self._near_divider(event.position()) else "pan"
        if self._drag == "pan":
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag == "divider":
            self.set_divider(pos.x() / max(1, self.width()))
        elif self._drag == "pan":
            delta = pos - self._last_pos
            self.pan_by(delta.x(), delta.y())
        else:
            self._update_cursor(pos)
        self._last_pos = pos

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = None
            self._update_cursor(event.position())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # The quickest way to check a spot: double-click it for 100%, again to fit.
        if event.button() != Qt.MouseButton.LeftButton or self._near_divider(event.position()):
            return
        if self.viewport.fit or not math.isclose(self.effective_zoom(), 1.0):
            self.zoom_at(1.0, event.position())
        else:
            self.zoom_to_fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120
        if notches == 0:
            event.ignore()
            return
        self.zoom_at(self.effective_zoom() * WHEEL_STEP**notches, event.position())
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.viewChanged.emit()  # the fit zoom depends on the size

    def _near_divider(self, pos: QPointF) -> bool:
        return (
            self._mode is CompareMode.SPLIT
            and not self.scene_size().empty
            and abs(pos.x() - self.divider_x()) <= DIVIDER_GRAB
        )

    def _update_cursor(self, pos: QPointF) -> None:
        if self._near_divider(pos):
            self.setCursor(Qt.CursorShape.SplitHCursor)
        elif self._image_exceeds_pane():
            self.setCursor(Qt.CursorShape.OpenHandCursor)  # there is something to drag into view
        else:
            self.unsetCursor()

    def _image_exceeds_pane(self) -> bool:
        scene, pane = self.scene_size(), self.pane_size()
        zoom = self.effective_zoom()
        return scene.width * zoom > pane.width + 1 or scene.height * zoom > pane.height + 1

    # --- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), WINDOW_COLOUR)
        if self.scene_size().empty:
            message = (
                self.result.message
                or self.original.message
                or QCoreApplication.translate("CompareCanvas", "No image")
            )
            paint_message(painter, self.rect(), message)
            return
        mode = self._mode
        if self.result.absent:
            # Half a view of nothing helps no one: show the original whole, and say why.
            self._paint_slot(
                painter,
                self.rect(),
                self.rect(),
                self.original,
                QCoreApplication.translate("CompareCanvas", "Original"),
            )
            paint_notice(painter, self.rect(), self.result.message)
        elif self._showing_original and mode is not CompareMode.SIDE_BY_SIDE:
            self._paint_slot(
                painter,
                self.rect(),
                self.rect(),
                self.original,
                QCoreApplication.translate("CompareCanvas", "Original"),
            )
        elif mode is CompareMode.SIDE_BY_SIDE:
            left, right = self.panes()
            self._paint_slot(
                painter,
                left,
                left,
                self.original,
                QCoreApplication.translate("CompareCanvas", "Original"),
            )
            self._paint_slot(painter, right, right, self.result, self.result_label)
        elif mode is CompareMode.SPLIT:
            pane = self.rect()
            x = self.divider_x()
            left_part = QRect(0, 0, x, self.height())
            right_part = QRect(x, 0, self.width() - x, self.height())
            self._paint_slot(
                painter,
                pane,
                left_part,
                self.original,
                QCoreApplication.translate("CompareCanvas", "Original"),
            )
            self._paint_slot(
                painter, pane, right_part, self.result, self.result_label, label_right=True
            )
            paint_divider(painter, x, self.height())
        elif mode is CompareMode.DIFFERENCE:
            label = QCoreApplication.translate("CompareCanvas", "Difference (amplified)")
            self._paint_slot(painter, self.rect(), self.rect(), self.difference, label)
        else:  # result only, and toggle while no key is held
            self._paint_slot(painter, self.rect(), self.rect(), self.result, self.result_label)
        if not self.result.absent and self._showing_a_preview():
            # Zoomed in on a preview, soft pixels would pass for a soft result: say it.
            paint_notice(
                painter,
                self.rect(),
                QCoreApplication.translate("CompareCanvas", "Preview: full resolution loading…"),
            )

    def _showing_a_preview(self) -> bool:
        return any(
            slot.image is not None and not slot.image.complete
            for slot in (self.original, self.result)
        )

    def _paint_slot(
        self,
        painter: QPainter,
        pane: QRect,
        part: QRect,
        slot: ImageSlot,
        label: str,
        *,
        label_right: bool = False,
    ) -> None:
        """Paint `slot` as placed in `pane`, but only inside `part` of it."""
        if part.isEmpty():
            return
        painter.save()
        painter.setClipRect(part)
        if slot.image is None:
            paint_message(
                painter,
                part,
                slot.message or QCoreApplication.translate("CompareCanvas", "Loading…"),
            )
        elif slot is self.result and self._masking():
            self._paint_masked_result(painter, pane, part, slot.image)
        else:
            self._paint_image(painter, pane, part, slot.image)
        painter.restore()
        paint_label(painter, part, label, right=label_right)

    def _masking(self) -> bool:
        return self._mask_overlay and self.result_has_alpha() and self.original.image is not None

    def _paint_masked_result(
        self, painter: QPainter, pane: QRect, part: QRect, result: LoadedImage
    ) -> None:
        """The original, the result over it, and the result's transparency tinted on top."""
        assert self.original.image is not None  # _masking() said so
        self._paint_image(painter, pane, part, self.original.image)
        drawn = self._paint_image(painter, pane, part, result, backdrop=False)
        if drawn is not None:
            level, source, dest = drawn
            painter.save()
            painter.scale(1 / self.device_ratio(), 1 / self.device_ratio())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            paint_alpha_mask(painter, dest, level, source)
            painter.restore()

    def _paint_image(
        self,
        painter: QPainter,
        pane: QRect,
        part: QRect,
        image: LoadedImage,
        *,
        backdrop: bool = True,
    ) -> tuple[QImage, QRectF, QRectF] | None:
        """Draw what of `image` shows in `part`; the level, its source rectangle and where
        it went (device pixels), or None when none of it shows."""
        ratio = self.device_ratio()
        scene = self.scene_size()
        place = self.viewport.placement(scene, Size(pane.width() * ratio, pane.height() * ratio))
        frame = _frame_in_scene(image, scene)  # where this image sits in the scene
        # Everything below is in device pixels: the image's full rectangle, and what shows.
        target = QRectF(
            pane.x() * ratio + place.origin_x + frame.x() * place.zoom,
            pane.y() * ratio + place.origin_y + frame.y() * place.zoom,
            frame.width() * place.zoom,
            frame.height() * place.zoom,
        )
        visible = target.intersected(_scaled(QRectF(part), ratio))
        if visible.isEmpty():
            return None
        if backdrop:  # in logical pixels, so checker squares keep their size on HiDPI
            paint_backdrop(
                painter,
                _scaled(visible, 1 / ratio),
                self._background,
                self._custom_colour,
                self._checker,
            )
        level = image.level_for(target.width() / image.info.width)
        level_px = target.width() / level.image.width()  # device px per level px
        # The level pixels under `visible`, widened to whole pixels so nothing is resampled
        # at a fractional offset (and 100% stays a plain copy).
        left = math.floor((visible.left() - target.left()) / level_px)
        top = math.floor((visible.top() - target.top()) / level_px)
        right = math.ceil((visible.right() - target.left()) / level_px)
        bottom = math.ceil((visible.bottom() - target.top()) / level_px)
        right = min(right, level.image.width())
        bottom = min(bottom, level.image.height())
        source = QRectF(left, top, right - left, bottom - top)
        dest = QRectF(
            target.left() + left * level_px,
            target.top() + top * level_px,
            (right - left) * level_px,
            (bottom - top) * level_px,
        )
        painter.save()
        painter.scale(1 / ratio, 1 / ratio)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, level_px < 0.999)
        painter.drawImage(dest, level.image, source)
        painter.restore()
        return level.image, source, dest


def _scaled(rect: QRectF, factor: float) -> QRectF:
    return QRectF(
        rect.x() * factor, rect.y() * factor, rect.width() * factor, rect.height() * factor
    )


def _frame_in_scene(image: LoadedImage, scene: Size) -> QRectF:
    """Where an image of another size sits in the scene: fitted and centred."""
    width, height = image.info.width, image.info.height
    if (width, height) == (scene.width, scene.height):
        return QRectF(0, 0, width, height)
    scale = min(scene.width / width, scene.height / height)
    w, h = width * scale, height * scale
    return QRectF((scene.width - w) / 2, (scene.height - h) / 2, w, h)
