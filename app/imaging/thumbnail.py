"""Small previews for the job table: fast first, then correct.

A batch can list thousands of photographs, so a thumbnail must cost a few milliseconds, not a
full decode: JPEG decodes at 1/8 scale in libjpeg (draft mode) and everything is shrunk with
`Image.thumbnail`, which reduces by whole pixels before resampling. Orientation and colour are
applied exactly as in the viewer (on the small image, where they are cheap), so a row and the
viewer never disagree about how an image looks. Nothing here imports Qt.

Big pictures that cannot be decoded at a reduced scale (a 100 MP PNG or TIFF) go through the
viewer's own path instead (`decode_for_display`): Pillow would allocate, zero-fill and later
free ~400 MB holding the GIL (tens of milliseconds of a stalled GUI thread), so they are
decoded into a memory map we own, converted and reduced in bands, and the map is unmapped on
the release thread. Only what is left (at most twice the thumbnail size) is resampled here.
"""

from __future__ import annotations

import os
from typing import cast

from PIL import Image

from app.imaging.decode import decode_for_display, has_cheap_preview, load_upright, request_draft
from app.imaging.display_colour import to_display_image
from app.imaging.errors import Cancelled
from app.imaging.facts import describe, open_checked
from app.imaging.packing import DecodedImage, PixelLayout, pack
from app.imaging.shrinking import shrink_keeping_mode

# Pictures from this many pixels up (that no draft decode shrinks) take the mapped, banded path:
# below it Pillow's own allocation of the decoded picture (~8 MB and less) costs a millisecond
# or so of GIL, and the fast path's pixels are kept exactly.
BIG_PICTURE_PIXELS = 2_000_000


def make_thumbnail(
    path: str | os.PathLike[str],
    size: int = 96,
    *,
    layout: PixelLayout = "RGBA",
    cancelled: Cancelled | None = None,
) -> DecodedImage:
    """An upright sRGB thumbnail whose longer side is at most `size` px (never enlarged).

    Raises `app.imaging.errors.DecodeError` with a readable message for a bad file;
    `cancelled` (checked at every read and band of a big picture) stops it with
    `DecodeCancelled`.
    """
    if size < 1:
        raise ValueError(f"thumbnail size must be positive, not {size}")
    with open_checked(path) as im:
        if not _is_big_without_draft(im, path):
            return _thumbnail_in_pillow(im, path, size, layout)
    # Opened afresh by the viewer's path, which puts the map in place before anything is read.
    return _thumbnail_of_big_picture(path, size, layout, cancelled)


def _is_big_without_draft(im: Image.Image, path: str | os.PathLike[str]) -> bool:
    """From the header alone: would decoding give Pillow a big picture of its own?"""
    # has_cheap_preview opens the file once more: only big pictures pay for that.
    return im.width * im.height >= BIG_PICTURE_PIXELS and not has_cheap_preview(path)


def _thumbnail_in_pillow(
    im: Image.Image, path: str | os.PathLike[str], size: int, layout: PixelLayout
) -> DecodedImage:
    """The fast path: a JPEG's draft decode, or a small picture, in Pillow's own memory."""
    info = describe(im, path)
    # Ask for twice the size: draft scales are powers of two, and a final resample from a bit
    # more than needed keeps edges crisp.
    request_draft(im, info, 2 * size)
    small = load_upright(im, path)
    # Colour after a cheap reduction but before resampling: a profile needs the file's own
    # channels, and thumbnail() must not resample palette indices or 16-bit data.
    small = shrink_keeping_mode(small, 2 * size)
    display = to_display_image(small)
    display.thumbnail((size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
    return pack(display, info, layout)


def _thumbnail_of_big_picture(
    path: str | os.PathLike[str],
    size: int,
    layout: PixelLayout,
    cancelled: Cancelled | None,
) -> DecodedImage:
    """A big PNG/TIFF: mapped decode, banded conversion and reduction to twice the size (the
    viewer's path, whose map is unmapped on the release thread), then the fast path's resample."""
    preview = decode_for_display(path, 2 * size, layout="RGBA", cancelled=cancelled)
    # Wrapped without a copy (Pillow's stubs name only bytes; a map works too); thumbnail()
    # replaces the image rather than writing into it.
    pixels = cast(bytes, preview.data)
    display = Image.frombuffer("RGBA", (preview.width, preview.height), pixels, "raw", "RGBA", 0, 1)
    display.thumbnail((size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
    return pack(display, preview.info, layout)
