"""Display pixels packed for a viewer: 4 bytes a pixel, in bands, into memory we own.

Everything after the decode (colour conversion, turning upright, packing, halving for the mip
pyramid) runs in bands of ~2 MB, so no step that holds the GIL takes more than about a
millisecond, and no full-size converted or turned copy of a picture is ever made. Big results
live in `PixelMap`s, unmapped on the release thread wherever their last reference goes.
"""

from __future__ import annotations

import mmap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, cast

from PIL import Image

from app.imaging.display_colour import DisplayConversion
from app.imaging.errors import Cancelled, DecodeCancelled
from app.imaging.facts import ImageInfo
from app.imaging.orientation import upright_band, upright_size
from app.imaging.release import PixelMap

# "RGBA": straight (non-premultiplied) R, G, B, A bytes: the portable default.
# "BGRa": premultiplied B, G, R, A bytes. On a little-endian machine that is exactly Qt's
#         QImage.Format_ARGB32_Premultiplied, the format QPainter draws fastest, so a viewer can
#         wrap the bytes without a per-image conversion pass over 400 MB.
PixelLayout = Literal["RGBA", "BGRa"]

# Pixels of small images are `bytes`; big ones live in an anonymous memory map (`pack_bands`).
# Both support len(), slicing and the buffer protocol (QImage and Image.frombuffer wrap them).
PixelBuffer = bytes | mmap.mmap

# Rows are converted and packed ~2 MB at a time: each band's GIL-holding steps (the bytes join,
# the copy into the map, first touches of its pages) then take about a millisecond.
BAND_BYTES = 2 << 20


@dataclass(frozen=True)
class DecodedImage:
    """Display-ready pixels: `height` rows of `width * 4` bytes, sRGB, 8 bits per channel."""

    width: int
    height: int
    data: PixelBuffer
    info: ImageInfo
    layout: PixelLayout = "RGBA"

    @property
    def bytes_per_line(self) -> int:
        return self.width * 4

    @property
    def is_reduced(self) -> bool:
        """True for a preview smaller than the file's full resolution."""
        return self.width < self.info.width or self.height < self.info.height


def pack(im: Image.Image, info: ImageInfo, layout: PixelLayout = "RGBA") -> DecodedImage:
    """Display image (RGB/RGBA) -> DecodedImage with 4 bytes per pixel in `layout`."""
    # Always 4 bytes a pixel with a real alpha byte: Qt's 32-bit "RGB" formats require the
    # padding byte to be 0xff, and Pillow's BGRX packer writes 0.
    data = pack_bands(im.size, lambda top, bottom: _rgba(upright_band(im, 1, top, bottom)), layout)
    return DecodedImage(width=im.width, height=im.height, data=data, info=info, layout=layout)


def pack_display(
    im: Image.Image,
    info: ImageInfo,
    layout: PixelLayout = "RGBA",
    *,
    orientation: int = 1,
    cancelled: Cancelled | None = None,
    overwriting: PixelMap | None = None,
) -> DecodedImage:
    """`pack(to_display_image(turn_upright(im, orientation)))` band by band: no full-size
    converted or turned copy is made. The conversion is decided on the stored `im` (its
    profile, mode, `info`), which turning does not change.

    `overwriting` is the memory `im`'s pixels live in, if they are in a map of ours that may
    be given up: where the packed rows are the stored rows at four bytes a pixel, each band is
    written over the band it was made from, so no second 400 MB map is needed for 100 MP. `im`
    is then garbage and must not be used again.
    """
    convert = DisplayConversion(im)

    def band(top: int, bottom: int) -> Image.Image:
        return convert.rgba(upright_band(im, orientation, top, bottom))

    width, height = upright_size(im.size, orientation)
    reusable = (
        orientation == 1 and overwriting is not None and len(overwriting) == width * height * 4
    )
    into = overwriting if reusable else None
    data = pack_bands((width, height), band, layout, cancelled, into=into)
    return DecodedImage(width=width, height=height, data=data, info=info, layout=layout)


def _rgba(im: Image.Image) -> Image.Image:
    return im if im.mode == "RGBA" else im.convert("RGBA")


def pack_bands(
    size: tuple[int, int],
    band_at: Callable[[int, int], Image.Image],
    rawmode: str,
    cancelled: Cancelled | None = None,
    *,
    into: PixelMap | None = None,
) -> PixelBuffer:
    """The 4-byte pixels of rows 0..height, made band by band by `band_at(top, bottom)`, in
    `into` if given (each band is made before the rows it replaces there are written).

    Small images are one `bytes`. Big ones go into an anonymous memory map, not bytearray(n):
    bytearray zero-fills (touching every page) while holding the GIL, and one `tobytes` of a
    whole 100 MP image ends in a 400 MB join that holds it too. Mapped pages are zeroed lazily
    by the kernel, and a `PixelMap` is unmapped on the release thread when it is let go.
    """
    width, height = size
    row_bytes = width * 4
    if into is None and row_bytes * height <= BAND_BYTES:
        return band_at(0, height).tobytes("raw", rawmode)
    rows = max(1, BAND_BYTES // row_bytes)
    out = into if into is not None else PixelMap(-1, row_bytes * height)
    with memoryview(out) as view:
        for top in range(0, height, rows):
            if cancelled is not None and cancelled():
                raise DecodeCancelled
            chunk = band_at(top, min(height, top + rows)).tobytes("raw", rawmode)
            view[top * row_bytes : top * row_bytes + len(chunk)] = chunk
    return out


def halve(image: DecodedImage, *, cancelled: Cancelled | None = None) -> DecodedImage:
    """The same pixels at half the width and height (2x2 box average), same layout.

    Viewers keep a few of these as a mip pyramid: drawing a 100 MP image at 12% zoom from an
    eighth-size copy costs milliseconds, from the original it costs a frame budget many times.
    Premultiplied pixels are averaged channel by channel, which is exact: Pillow is told they
    are "RGBX" (four plain channels, wrapped without a copy). Straight RGBA goes through
    Pillow's premultiplying reduce, so transparent pixels do not bleed their colour. Worked in
    bands of rows, like packing, so no step holds the GIL for long.
    """
    mode = "RGBX" if image.layout == "BGRa" else "RGBA"
    row_bytes = image.bytes_per_line
    source = memoryview(image.data)

    def band(top: int, bottom: int) -> Image.Image:
        first, last = 2 * top, min(image.height, 2 * bottom)
        # Pillow's stubs name only bytes; any buffer works, and a memoryview slice is no copy.
        rows = cast(bytes, source[first * row_bytes : last * row_bytes])
        wrapped = Image.frombuffer(mode, (image.width, last - first), rows, "raw", mode, 0, 1)
        return wrapped.reduce(2)

    width, height = (image.width + 1) // 2, (image.height + 1) // 2
    data = pack_bands((width, height), band, mode, cancelled)
    return DecodedImage(width=width, height=height, data=data, info=image.info, layout=image.layout)
