"""One size convention for every format: the pixel size as the file stores it.

That is what a decoder produces, before any EXIF orientation is applied. It is read from
Pillow's public view of an opened file, its decoding plan (the tiles' extents, in stored
pixels), and not from `size`: Pillow's TIFF reader reports the upright size there as soon as it
opens a file whose orientation swaps the axes, while every other reader reports the stored one.
"""

from __future__ import annotations

from PIL import Image


def stored_size(im: Image.Image) -> tuple[int, int]:
    """(width, height) of the stored pixels of an opened picture.

    From the decoding plan while there is one; once decoded (or for a reader that plans
    nothing before it decodes), the picture's size is what was decoded.
    """
    tiles = getattr(im, "tile", None) or []
    if not tiles:
        return im.size
    return max(tile[1][2] for tile in tiles), max(tile[1][3] for tile in tiles)
