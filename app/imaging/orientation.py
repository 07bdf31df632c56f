"""EXIF orientation: the size and the pixels of a stored picture once turned upright.

A portrait shot from a phone or a medium-format camera is stored on its side, with an EXIF
orientation saying how to turn it. Turning a 100 MP picture whole makes a second full-size
copy (400 MB, allocated and freed holding the GIL), so big pictures are turned band by band
as they are packed (`upright_band`), and previews once they are shrunk (`turn_upright`).
"""

from __future__ import annotations

from PIL import Image

EXIF_ORIENTATION = 0x0112
_SWAPS_AXES = {5, 6, 7, 8}  # EXIF orientations that rotate by 90 degrees
# What turns stored pixels upright, per EXIF orientation (as ImageOps.exif_transpose does).
_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def upright_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """The size of stored pixels of `size` once turned by EXIF `orientation`."""
    width, height = size
    return (height, width) if orientation in _SWAPS_AXES else (width, height)


def upright_band(im: Image.Image, orientation: int, top: int, bottom: int) -> Image.Image:
    """Rows top..bottom of `im` turned upright by EXIF `orientation`, made from the strip of
    stored pixels that becomes those rows (stored columns, where the turn swaps the axes), so
    a band costs its own size and never a turned copy of the whole picture."""
    width, height = im.size
    turn = _TURNS.get(orientation)
    if orientation in (3, 4):  # upside down: the last stored rows come first
        box = (0, height - bottom, width, height - top)
    elif orientation in (5, 6):
        box = (top, 0, bottom, height)
    elif orientation in (7, 8):
        box = (width - bottom, 0, width - top, height)
    else:  # 1, 2 and values EXIF does not define (shown as stored, as exif_transpose does)
        box = (0, top, width, bottom)
    strip = im if box == (0, 0, width, height) else im.crop(box)
    return strip if turn is None else strip.transpose(turn)


def turn_upright(im: Image.Image, orientation: int) -> Image.Image:
    """The whole of `im` turned by EXIF `orientation` (`info`, so any ICC profile, is kept):
    a copy as big as `im`, so only for small images; big ones are turned by `upright_band`."""
    turn = _TURNS.get(orientation)
    return im if turn is None else im.transpose(turn)
