"""Make an EXIF block state a new pixel size, leaving every other byte as it was.

A scaled copy keeps its source's EXIF, but PixelXDimension / PixelYDimension (and ImageWidth /
ImageLength, where a writer put them in IFD0) describe the pixels, so they must give the new
size. Re-serialising the block through Pillow would do that and much else besides: it lays the
block out afresh, which breaks a camera's MakerNote (many hold offsets of their own) and may drop
IFD1, the embedded thumbnail. So the values are overwritten where they lie. They always fit: a
scaled copy is never larger than its source, and even a SHORT holds 65,535.

A block that does not parse as the TIFF structure EXIF is comes back unchanged: the upload is the
same picture either way, and the service reads the pixels, not these tags.
"""

from __future__ import annotations

import logging
import struct

log = logging.getLogger(__name__)

_APP1_HEADER = b"Exif\x00\x00"  # JPEG and WebP blocks start with it, PNG's eXIf chunk need not
_BYTE_ORDERS = {b"II": "<", b"MM": ">"}
_SHORT, _LONG, _IFD = 3, 4, 13  # TIFF field types (13: an IFD offset, as TIFF/EP writes)
_ENTRY_SIZE = 12
_IMAGE_WIDTH, _IMAGE_LENGTH = 0x0100, 0x0101
_EXIF_IFD_POINTER = 0x8769
_PIXEL_X_DIMENSION, _PIXEL_Y_DIMENSION = 0xA002, 0xA003


def with_pixel_dimensions(exif: bytes, size: tuple[int, int]) -> bytes:
    """`exif` with its pixel-dimension tags (those present) set to `size` (width, height)."""
    base = len(_APP1_HEADER) if exif.startswith(_APP1_HEADER) else 0
    order = _BYTE_ORDERS.get(exif[base : base + 2])
    if order is None:
        log.debug("EXIF block without a TIFF header; its dimensions are left as they were")
        return exif
    width, height = size
    block = bytearray(exif)
    try:
        (ifd0,) = struct.unpack_from(order + "I", block, base + 4)
        _overwrite(block, base, order, ifd0, {_IMAGE_WIDTH: width, _IMAGE_LENGTH: height})
        exif_ifd = _long_value(block, base, order, ifd0, _EXIF_IFD_POINTER)
        if exif_ifd is not None:
            values = {_PIXEL_X_DIMENSION: width, _PIXEL_Y_DIMENSION: height}
            _overwrite(block, base, order, exif_ifd, values)
    except struct.error:
        log.debug("EXIF block points outside itself; its dimensions are left as they were")
        return exif
    return bytes(block)


def _entries(block: bytearray, base: int, order: str, ifd: int) -> list[tuple[int, int, int, int]]:
    """(tag, type, count, position of the value field) of each entry of the IFD at `ifd`."""
    start = base + ifd
    (count,) = struct.unpack_from(order + "H", block, start)
    entries = []
    for index in range(count):
        position = start + 2 + index * _ENTRY_SIZE
        tag, kind, values = struct.unpack_from(order + "HHI", block, position)
        entries.append((tag, kind, values, position + 8))
    return entries


def _overwrite(
    block: bytearray, base: int, order: str, ifd: int, new_values: dict[int, int]
) -> None:
    for tag, kind, count, field in _entries(block, base, order, ifd):
        if tag in new_values and count == 1:
            # A single SHORT or LONG sits in the entry's own 4-byte field, left-justified.
            if kind == _SHORT:
                struct.pack_into(order + "H", block, field, new_values[tag])
            elif kind == _LONG:
                struct.pack_into(order + "I", block, field, new_values[tag])


def _long_value(block: bytearray, base: int, order: str, ifd: int, wanted: int) -> int | None:
    for tag, kind, count, field in _entries(block, base, order, ifd):
        if tag == wanted and count == 1 and kind in (_LONG, _IFD):
            value: int = struct.unpack_from(order + "I", block, field)[0]
            return value
    return None
