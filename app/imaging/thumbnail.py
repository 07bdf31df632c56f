"""Small previews for the job table: fast first, then correct.

A batch can list thousands of photographs, so a thumbnail must cost a few milliseconds, not a
full decode: JPEG decodes at 1/8 scale in libjpeg (draft mode) and everything is shrunk with
`Image.thumbnail`, which reduces by whole pixels before resampling. Orientation and colour are
applied exactly as in the viewer (on the small image, where they are cheap), so a row and the
viewer never disagree about how an image looks. Nothing here imports Qt.
"""

from __future__ import annotations

import os

from PIL import Image

from app.imaging.decode import (
    DecodedImage,
    PixelLayout,
    describe,
    load_upright,
    open_checked,
    pack,
    request_draft,
    shrink_keeping_mode,
    to_display_image,
)


def make_thumbnail(
    path: str | os.PathLike[str], size: int = 96, *, layout: PixelLayout = "RGBA"
) -> DecodedImage:
    """An upright sRGB thumbnail whose longer side is at most `size` px (never enlarged).

    Raises `app.imaging.decode.DecodeError` with a readable message for a bad file.
    """
    if size < 1:
        raise ValueError(f"thumbnail size must be positive, not {size}")
    with open_checked(path) as im:
        info = describe(im, path)
        # Ask for twice the size: draft scales are powers of two, and a final resample from a
        # bit more than needed keeps edges crisp.
        request_draft(im, info, 2 * size)
        small = load_upright(im, path)
        # Colour after a cheap reduction but before resampling: a profile needs the file's own
        # channels, and thumbnail() must not resample palette indices or 16-bit data.
        small = shrink_keeping_mode(small, 2 * size)
        display = to_display_image(small)
        display.thumbnail((size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
        return pack(display, info, layout)
