"""One cell of the review grid: the thumbnail, the file name, the mark and the state.

Painted by hand from the job snapshot (no widget per cell), so a screenful of cells costs a few
image draws. The mark is a badge in the image's corner and also a word in the caption, so it
reads without colour; a job on its way to a new result shows its state and progress over its
image.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.domain.formatting import state_label
from app.domain.jobs import Job, JobState, Review
from ui.i18n import translate
from ui.job_model import JobRole, overall_progress, state_color
from ui.review.grid_thumbnails import GridThumbnails

PADDING = 6  # around the image and between the cell's parts
BADGE = 22  # the mark's circle
ACCEPTED_COLOR = QColor("#2e9d4f")
REJECTED_COLOR = QColor("#d64541")


def mark_text(review: Review) -> str:
    if review is Review.ACCEPTED:
        return translate("ReviewGrid", "Accepted")
    if review is Review.REJECTED:
        return translate("ReviewGrid", "Rejected")
    return translate("ReviewGrid", "Not reviewed")


def caption(job: Job) -> str:
    """The second line of a cell: the mark for a result, else where the job is."""
    if job.state is JobState.DONE:
        text = mark_text(job.review)
    elif job.state.is_active:
        percent = round(overall_progress(job) * 100)
        text = translate("ReviewGrid", "{state} {percent} %").format(
            state=translate("ReviewGrid", state_label(job.state)), percent=percent
        )
    else:
        text = translate("ReviewGrid", state_label(job.state))
    if job.version > 1:
        text = translate("ReviewGrid", "{caption} · version {n}").format(
            caption=text, n=job.version
        )
    return text


LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_ELIDED_KEPT = 4096  # lines; a few screens of names and captions at every width on the way


class _CellFonts:
    """The cell's two fonts with their metrics, and the lines they elided, for one font."""

    def __init__(self, font: QFont, key: str) -> None:
        self.key = key
        self.metrics = QFontMetrics(font)
        self.small = QFont(font)
        self.small.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        self.small_metrics = QFontMetrics(self.small)
        self._elided: dict[tuple[str, int, bool], str] = {}

    def elided_name(self, text: str, width: int) -> str:
        """A file name keeps its start and its extension."""
        return self._elide(text, width, small=False)

    def elided_small(self, text: str, width: int) -> str:
        return self._elide(text, width, small=True)

    def _elide(self, text: str, width: int, *, small: bool) -> str:
        key = (text, width, small)
        found = self._elided.get(key)
        if found is None:
            if len(self._elided) >= _ELIDED_KEPT:
                self._elided.clear()
            if small:
                found = self.small_metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            else:
                found = self.metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)
            self._elided[key] = found
        return found


class ReviewGridDelegate(QStyledItemDelegate):
    def __init__(
        self, thumbnails: GridThumbnails, placeholder: QIcon, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._thumbnails = thumbnails
        self._placeholder = placeholder
        self._image_side = 160
        self.original_shown_for = ""  # the job whose original shows in place (Space held)
        self._fonts: _CellFonts | None = None
        self._placeholder_key: tuple[int, float, int] | None = None
        self._placeholder_cached = QPixmap()
        self._badges: dict[tuple[Review, float], QImage] = {}

    # --- size -------------------------------------------------------------------------------
    def set_image_side(self, side: int) -> None:
        self._image_side = side

    def cell_size(self, font: QFont) -> QSize:
        line = QFontMetrics(font).height()
        side = self._image_side
        return QSize(side + 2 * PADDING, side + 2 * PADDING + 2 * line + PADDING // 2)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        # The view widens its grid to fill its rows; a cell is as wide as its place in it.
        view = option.widget
        if isinstance(view, QListView) and view.gridSize().isValid():
            return view.gridSize()
        return self.cell_size(option.font)

    # --- painting ---------------------------------------------------------------------------
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        job = index.data(JobRole)
        if not isinstance(job, Job):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        cell = QRect(option.rect).adjusted(2, 2, -2, -2)
        palette = option.palette
        state = option.state
        self._paint_frame(painter, cell, option)
        side = self._image_side
        # A cell widened to fill its row keeps its picture in the middle.
        image_box = QRect(
            cell.left() + (cell.width() - side) // 2, cell.top() + PADDING - 2, side, side
        )
        painter.fillRect(image_box, palette.alternateBase())
        showing_original = self.original_shown_for == job.id
        self._paint_image(painter, image_box, job, showing_original)
        if job.state is not JobState.DONE:
            self._paint_state(painter, image_box, job, option.font)
        self._paint_mark(painter, image_box, job.review)
        if showing_original:
            self._paint_pill(
                painter,
                image_box,
                translate("ReviewGrid", "Original"),
                QColor(0, 0, 0, 170),
                option.font,
                bottom=True,
            )
        # The two lines of text under the image.
        line = option.fontMetrics.height()
        text_rect = QRect(
            image_box.left(), image_box.bottom() + PADDING // 2, image_box.width(), line
        )
        selected = bool(state & QStyle.StateFlag.State_Selected)
        painter.setPen(palette.color(palette.ColorRole.Text))
        fonts = self._fonts_for(option.font)
        width = text_rect.width()
        painter.drawText(text_rect, LEFT_MIDDLE, fonts.elided_name(job.name, width))
        painter.setFont(fonts.small)
        caption_rect = text_rect.translated(0, line)
        painter.setPen(self._caption_colour(job, option, selected))
        painter.drawText(caption_rect, LEFT_MIDDLE, fonts.elided_small(caption(job), width))
        painter.restore()

    def _fonts_for(self, font: QFont) -> _CellFonts:
        # A screenful repaints on every scroll: the caption's font, its metrics and the elided
        # lines are made once per font, not once per cell and repaint.
        key = font.key()
        if self._fonts is None or self._fonts.key != key:
            self._fonts = _CellFonts(font, key)
        return self._fonts

    def _paint_frame(self, painter: QPainter, cell: QRect, option: QStyleOptionViewItem) -> None:
        palette, state = option.palette, option.state
        highlight = palette.color(palette.ColorRole.Highlight)
        rect = QRectF(cell)
        if state & QStyle.StateFlag.State_Selected:
            fill = QColor(highlight)
            fill.setAlpha(70)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 6, 6)
        elif state & QStyle.StateFlag.State_MouseOver:
            hover = QColor(palette.color(palette.ColorRole.Text))
            hover.setAlpha(18)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(hover)
            painter.drawRoundedRect(rect, 6, 6)
        if state & QStyle.StateFlag.State_HasFocus:
            # The keyboard's place, plainly visible in both palettes.
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(highlight, 2))
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 6, 6)

    def _paint_image(self, painter: QPainter, box: QRect, job: Job, original: bool) -> None:
        image: QImage | None
        if original or not job.output_path:
            image = self._thumbnails.original(job)
        else:
            image = self._thumbnails.result(job)
        if image is None or image.isNull():
            side = min(48, box.width() // 2)
            target = QRect(0, 0, side, side)
            target.moveCenter(box.center())
            painter.drawPixmap(target.topLeft(), self._placeholder_pixmap(painter, side))
            return
        size = image.size().scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(QPoint(0, 0), size)
        target.moveCenter(box.center())
        faded = not original and not job.output_path
        if faded:
            painter.setOpacity(0.45)  # the original stands in while the new result comes
        if size == image.size():
            painter.drawImage(target.topLeft(), image)  # fitted off the GUI thread: a copy
        else:
            # Until its fitting lands (a new cell size): scaled here, once per repaint.
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, image)
        if faded:
            painter.setOpacity(1.0)

    def _placeholder_pixmap(self, painter: QPainter, side: int) -> QPixmap:
        # Every cell still decoding shows it: made once per size, pixel ratio and palette
        # (the icon takes its colour from the palette), not asked of the icon per cell.
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        key = (side, ratio, QGuiApplication.palette().cacheKey())
        if self._placeholder_key != key:
            self._placeholder_key = key
            self._placeholder_cached = self._placeholder.pixmap(
                QSize(side, side), ratio, QIcon.Mode.Disabled
            )
        return self._placeholder_cached

    def _paint_state(self, painter: QPainter, box: QRect, job: Job, font: QFont) -> None:
        colour = state_color(job.state)
        self._paint_pill(
            painter,
            box,
            translate("ReviewGrid", state_label(job.state)),
            colour,
            font,
            bottom=False,
        )
        if job.state.is_active:
            bar = QRectF(box.left(), box.bottom() - 4, box.width(), 4)
            painter.fillRect(bar, QColor(0, 0, 0, 90))
            bar.setWidth(box.width() * overall_progress(job))
            painter.fillRect(bar, colour)

    def _paint_pill(
        self, painter: QPainter, box: QRect, text: str, colour: QColor, font: QFont, *, bottom: bool
    ) -> None:
        metrics = QFontMetrics(font)
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, box.width() - 16)
        width = metrics.horizontalAdvance(text) + 12
        height = metrics.height() + 2
        top = box.bottom() - height - 6 if bottom else box.top() + 4
        pill = QRectF(box.left() + 4, top, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(font)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_mark(self, painter: QPainter, box: QRect, review: Review) -> None:
        if review is Review.NONE:
            return
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        badge = self._badges.get((review, ratio))
        if badge is None:
            badge = self._badges[(review, ratio)] = _badge(review, ratio)
        # The badge's image has a pixel of room around the circle for its outline.
        painter.drawImage(QPoint(box.right() - BADGE - 5, box.top() + 3), badge)

    def _caption_colour(self, job: Job, option: QStyleOptionViewItem, selected: bool) -> QColor:
        palette = option.palette
        if job.state is not JobState.DONE:
            return state_color(job.state, palette)
        if job.review is Review.ACCEPTED:
            return ACCEPTED_COLOR
        if job.review is Review.REJECTED:
            return REJECTED_COLOR
        role = palette.ColorRole.Text if selected else palette.ColorRole.PlaceholderText
        return palette.color(role)


def _badge(review: Review, ratio: float) -> QImage:
    """The mark's badge, drawn once per mark and pixel ratio: a circle with a tick or a cross."""
    side = BADGE + 2
    image = QImage(
        round(side * ratio), round(side * ratio), QImage.Format.Format_ARGB32_Premultiplied
    )
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    circle = QRectF(1, 1, BADGE, BADGE)
    painter.setPen(QPen(QColor("#ffffff"), 1.5))
    painter.setBrush(ACCEPTED_COLOR if review is Review.ACCEPTED else REJECTED_COLOR)
    painter.drawEllipse(circle)
    path = QPainterPath()
    c, r = circle.center(), BADGE * 0.22
    if review is Review.ACCEPTED:
        path.moveTo(c.x() - r, c.y())
        path.lineTo(c.x() - r * 0.25, c.y() + r * 0.8)
        path.lineTo(c.x() + r * 1.1, c.y() - r * 0.8)
    else:
        path.moveTo(c.x() - r, c.y() - r)
        path.lineTo(c.x() + r, c.y() + r)
        path.moveTo(c.x() + r, c.y() - r)
        path.lineTo(c.x() - r, c.y() + r)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    pen = QPen(QColor("#ffffff"), 2.4)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.drawPath(path)
    painter.end()
    return image
