"""Files written by hand, for what Pillow cannot write (or not in every version we support):
PNGs with Adam7 interlacing, 16-bit RGB(A) or chunks after the pixel data, and uncompressed
TIFFs of many strips."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image

_COLOUR_TYPES = {"L": 0, "RGB": 2, "LA": 4, "RGBA": 6}
# Adam7: (first column, first row, column step, row step) of each of the seven passes.
_PASSES = [
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
]


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png(
    path: Path,
    image: Image.Image,
    *,
    interlaced: bool = False,
    sixteen_bits: bool = False,
    after_pixels: bytes = b"",
    idat_size: int = 1 << 16,
) -> Path:
    """`image` (8-bit L, RGB, LA or RGBA) as a PNG; `sixteen_bits` repeats each byte (v * 257);
    `after_pixels` is raw chunk bytes put between the last IDAT and IEND."""
    channels = len(image.getbands())
    width, height = image.size
    data = image.tobytes()
    sample = 2 if sixteen_bits else 1
    if sixteen_bits:
        wide = bytearray(len(data) * 2)
        wide[0::2] = data
        wide[1::2] = data
        data = bytes(wide)
    pixel = channels * sample
    raw = bytearray()
    for x0, y0, dx, dy in _PASSES if interlaced else [(0, 0, 1, 1)]:
        if x0 >= width or y0 >= height:
            continue
        for y in range(y0, height, dy):
            row = data[y * width * pixel : (y + 1) * width * pixel]
            picked = bytearray()
            for byte in range(pixel):  # every byte of the pixels this pass keeps, interleaved
                picked_byte = row[x0 * pixel + byte :: dx * pixel]
                if not picked:
                    picked = bytearray(len(picked_byte) * pixel)
                picked[byte::pixel] = picked_byte
            raw += b"\0" + picked  # filter type 0: the row as it is
    compressed = zlib.compress(bytes(raw), 1)
    header = struct.pack(
        ">IIBBBBB", width, height, 8 * sample, _COLOUR_TYPES[image.mode], 0, 0, int(interlaced)
    )
    idats = b"".join(
        chunk(b"IDAT", compressed[start : start + idat_size])
        for start in range(0, len(compressed), idat_size)
    )
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idats + after_pixels + chunk(b"IEND", b"")
    )
    return path


def write_tiff_strips(path: Path, image: Image.Image, rows_per_strip: int) -> Path:
    """`image` (8-bit RGB) as an uncompressed little-endian TIFF of many strips."""
    width, height = image.size
    data = image.tobytes()
    row = width * 3
    starts = range(0, height, rows_per_strip)
    counts = [row * (min(height, top + rows_per_strip) - top) for top in starts]
    entries = 12
    ifd_size = 2 + entries * 12 + 4
    extra = 8 + ifd_size  # where the values that do not fit in an entry start
    bits_at, offsets_at = extra, extra + 6
    counts_at = offsets_at + 4 * len(counts)
    pixels_at = counts_at + 4 * len(counts)
    offsets = [pixels_at + row * top for top in starts]

    def entry(tag: int, kind: int, count: int, value: int) -> bytes:
        return struct.pack("<HHII", tag, kind, count, value)

    short, long = 3, 4
    ifd = struct.pack("<H", entries) + b"".join(
        [
            entry(256, long, 1, width),
            entry(257, long, 1, height),
            entry(258, short, 3, bits_at),
            entry(259, short, 1, 1),  # no compression
            entry(262, short, 1, 2),  # RGB
            entry(273, long, len(offsets), offsets_at),
            entry(277, short, 1, 3),
            entry(278, long, 1, rows_per_strip),
            entry(279, long, len(counts), counts_at),
            entry(282, long, 1, 0),
            entry(283, long, 1, 0),
            entry(284, short, 1, 1),  # chunky
        ]
    )
    ifd += struct.pack("<I", 0)
    values = struct.pack("<3H", 8, 8, 8)
    values += struct.pack(f"<{len(offsets)}I", *offsets) + struct.pack(f"<{len(counts)}I", *counts)
    path.write_bytes(b"II*\0" + struct.pack("<I", 8) + ifd + values + data)
    return path
