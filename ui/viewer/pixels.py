"""Decoded images as the canvas paints them: QImages over the decoder's bytes, plus a pyramid.

The QImages wrap the decoded bytes without copying (a 100 MP image is 400 MB; a copy per image
would double memory and cost a few hundred milliseconds on the GIL). Each level therefore holds
on to the `DecodedImage` that owns its bytes for as long as the QImage may be painted. Big
buffers are `PixelMap`s: when the viewer drops a level on the GUI thread, the ~80 ms of
unmapping 400 MB happens on the release thread instead (app/imaging/release.py).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from PySide6.QtGui import QImage

from app.imaging.facts import ImageInfo
from app.imaging.packing import DecodedImage, PixelLayout

# Premultiplied BGRA bytes are QImage.Format_ARGB32_Premultiplied on little-endian machines:
# the format QPainter draws fastest. Elsewhere, straight RGBA with a format Qt converts.
PIXEL_LAYOUT: PixelLayout = "BGRa" if sys.byteorder == "little" else "RGBA"
_QT_FORMAT = {
    "BGRa": QImage.Format.Format_ARGB32_Premultiplied,
    "RGBA": QImage.Format.Format_RGBA8888,
}


@dataclass(frozen=True)
class ImageLevel:
    image: QImage
    scale: float  # level pixels per full-resolution pixel (1.0 for the full image)
    pixels: DecodedImage  # owns the bytes `image` points at; keep it as long as `image`

    @property
    def byte_size(self) -> int:
        return len(self.pixels.data)


def level_from(decoded: DecodedImage) -> ImageLevel:
    # Wraps, does not copy: QImage reads the buffer (bytes, or an mmap for big images) in place.
    image = QImage(
        memoryview(decoded.data),
        decoded.width,
        decoded.height,
        decoded.bytes_per_line,
        _QT_FORMAT[decoded.layout],
    )
    return ImageLevel(image=image, scale=decoded.width / decoded.info.width, pixels=decoded)


@dataclass(frozen=True)
class LoadedImage:
    """One file, decoded: levels from the largest down; `complete` once full resolution is in."""

    path: str
    info: ImageInfo
    levels: tuple[ImageLevel, ...]
    complete: bool

    @property
    def byte_size(self) -> int:
        return sum(level.byte_size for level in self.levels)

    def level_for(self, zoom: float) -> ImageLevel:
        """The smallest level that still has at least one pixel per screen pixel at `zoom`.

        So the painter only ever shrinks by less than 2x (which its bilinear filter does well)
        and never touches more source pixels than the screen can show.
        """
        best = self.levels[0]
        for level in self.levels[1:]:
            if level.scale >= zoom * 0.999:
                best = level
        return best
