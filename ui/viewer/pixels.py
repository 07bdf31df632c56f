"""Decoded images as the canvas paints them: QImages over the decoder's bytes, plus a pyramid.

The QImages wrap the decoded bytes without copying (a 100 MP image is 400 MB; a copy per image
would double memory and cost a few hundred milliseconds on the GIL). Each level therefore holds
on to the `DecodedImage` that owns its bytes for as long as the QImage may be painted.

A big level is let go on the release thread (see release.py): levels die where the viewer
drops them, on the GUI thread, and unmapping 400 MB there freezes the window for ~80 ms.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from PySide6.QtGui import QImage

from app.imaging.decode import DecodedImage, ImageInfo, PixelLayout
from ui.viewer.release import releaser

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

    def __del__(self) -> None:
        # Whichever thread drops the last reference to a big level, its pixels are unmapped on
        # the release thread. The dying level lets go of them first (frozen fields are set the
        # way dataclasses set them), so the release thread's references are the last ones.
        if self.byte_size >= RELEASE_IN_BACKGROUND_BYTES:
            last_references: list[object] = [self.image, self.pixels]
            object.__setattr__(self, "image", None)
            object.__setattr__(self, "pixels", None)
            releaser.release(last_references)


# Below this a level is freed where it is dropped (unmapping 4 MB takes well under 1 ms).
RELEASE_IN_BACKGROUND_BYTES = 4 << 20


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
