"""Small pictures for the scaling tests, and files Pillow cannot write (16-bit colour).

The tests scale against a small `max_side` (64 px and so on) so that every format, mode and
orientation can be checked in milliseconds; the rule is the same at 4096.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import ExifTags, Image, ImageCms, ImageDraw

QUADRANTS = ((220, 30, 30), (30, 200, 40), (40, 60, 220), (235, 220, 40))


def picture(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Four coloured quadrants (red, green / blue, yellow) with a gradient and a hard edge:
    a picture whose orientation, colours and resampling all show."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    half_w, half_h = width // 2, height // 2
    boxes = (
        (0, 0, half_w, half_h),
        (half_w, 0, width, half_h),
        (0, half_h, half_w, height),
        (half_w, half_h, width, height),
    )
    for box, colour in zip(boxes, QUADRANTS, strict=True):
        draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=colour)
    shade = Image.linear_gradient("L").resize(size)
    image = Image.composite(
        image, Image.new("RGB", size, (128, 128, 128)), shade.point(lambda v: 160 + v * 95 // 255)
    )
    # A hard edge inside the red quadrant, clear of where the tests sample the corners' colours.
    edge = (width * 0.25, height * 0.05, width * 0.45, height * 0.4)
    ImageDraw.Draw(image).line(edge, fill=(0, 0, 0), width=2)
    if mode == "RGB":
        return image
    if mode == "RGBA":
        rgba = image.convert("RGBA")
        rgba.putalpha(shade)
        return rgba
    return image.convert(mode)


def grey16(size: tuple[int, int]) -> Image.Image:
    """16-bit greyscale whose values use the low byte too (not 8-bit values times 257)."""
    width, height = size
    values = [
        (x * 65535 // max(width - 1, 1) + y * 37) % 65536
        for y in range(height)
        for x in range(width)
    ]
    return Image.frombytes("I;16", size, struct.pack(f"<{len(values)}H", *values))


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def camera_exif(size: tuple[int, int], orientation: int = 1, maker_note: bytes = b"") -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Bench Optics"
    exif[ExifTags.Base.Model] = "BX-24"
    exif[ExifTags.Base.Orientation] = orientation
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.ExifImageWidth] = size[0]
    details[ExifTags.Base.ExifImageHeight] = size[1]
    details[ExifTags.Base.FNumber] = 8.0
    if maker_note:
        details[ExifTags.Base.MakerNote] = maker_note
    return exif.tobytes()


def save(image: Image.Image, path: Path, fmt: str, **options: object) -> Path:
    image.save(path, fmt, **options)
    return path


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def png16_rgb(path: Path, size: tuple[int, int]) -> Path:
    """A 16-bit-per-channel RGB PNG, laid out by hand: Pillow cannot write one."""
    width, height = size
    rows = b"".join(
        b"\0" + b"".join(struct.pack(">3H", x * 400, y * 600, 30000) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def tiff16_rgb(path: Path, size: tuple[int, int]) -> Path:
    """An uncompressed 16-bit-per-channel RGB TIFF, laid out by hand: Pillow cannot write one."""
    width, height = size
    samples = b"".join(
        struct.pack("<3H", x * 400, y * 600, 30000) for y in range(height) for x in range(width)
    )
    bits_offset = 8 + len(samples)
    entries = [
        (256, 4, 1, width),
        (257, 4, 1, height),
        (258, 3, 3, bits_offset),
        (259, 3, 1, 1),
        (262, 3, 1, 2),
        (273, 4, 1, 8),
        (277, 3, 1, 3),
        (278, 4, 1, height),
        (279, 4, 1, len(samples)),
        (284, 3, 1, 1),
    ]
    ifd_offset = bits_offset + 6 + 2  # after the three BitsPerSample values, word-aligned
    directory = (
        struct.pack("<H", len(entries))
        + b"".join(
            struct.pack("<HHI", tag, kind, count)
            + (
                struct.pack("<HH", value, 0)
                if kind == 3 and count == 1
                else struct.pack("<I", value)
            )
            for tag, kind, count, value in entries
        )
        + struct.pack("<I", 0)
    )
    path.write_bytes(
        b"II*\0"
        + struct.pack("<I", ifd_offset)
        + samples
        + struct.pack("<3H", 16, 16, 16)
        + b"\0\0"
        + directory
    )
    return path
