"""Helpers for the viewer tests: tiny generated images, waiting, and reading rendered pixels.

Colours are chosen so that a rendered pixel says unambiguously which image it came from.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image

RED = (220, 30, 30)
BLUE = (30, 60, 220)
GREEN = (30, 200, 60)

VIEWER_SIZE = (480, 360)


def solid(path: Path, size: tuple[int, int], colour: tuple[int, ...], mode: str = "RGB") -> str:
    Image.new(mode, size, colour).save(path)
    return str(path)


def png_16bit(path: Path, width: int, height: int, colour_type: int, sample: int) -> str:
    """A 16-bit PNG written by hand (Pillow cannot write 48/64-bit PNG): every sample = `sample`."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    row = b"\0" + struct.pack(">H", sample) * (width * channels)
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return str(path)


def png_header_only(path: Path, width: int, height: int) -> str:
    """A PNG that claims a size (for limit checks) without holding that many pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )
    return str(path)


def rotated_jpeg(path: Path) -> str:
    """A JPEG stored 60 x 30 with EXIF orientation 6 (display rotated 90° clockwise).

    The stored left third is red and the rest green, so upright (30 x 60) the red part is the
    *top* third: a viewer that ignores EXIF shows it on the left instead.
    """
    stored = Image.new("RGB", (60, 30), GREEN)
    stored.paste(RED, (0, 0, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(path, quality=95, exif=exif.tobytes())
    return str(path)


def wait_loaded(qtbot, viewer, timeout: int = 5000) -> None:  # type: ignore[no-untyped-def]
    """Until every image of the current job is on screen at full resolution."""

    def complete() -> bool:
        item = viewer.current_item()
        slots = []
        if item.original_path:
            slots.append(viewer.canvas.original)
        if item.result_path:
            slots.append(viewer.canvas.result)
        return all(slot.image is not None and slot.image.complete for slot in slots)

    qtbot.waitUntil(complete, timeout=timeout)


def pixel(viewer, x: int, y: int) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    colour = viewer.canvas.grab().toImage().pixelColor(x, y)
    return colour.red(), colour.green(), colour.blue()


def close_to(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 6) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))
