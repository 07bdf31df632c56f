"""Small real images and a corpus of bad inputs, for the engine, CLI and imaging tests."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image


def make_image(
    path: Path, *, size: tuple[int, int] = (64, 48), seed: int = 0, fmt: str = ""
) -> Path:
    """A small image whose pixels depend on `seed`, so every file has different bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, (seed * 13) % 256))
    # A few differing pixels keep content hashes distinct even when colours repeat.
    for i in range(min(size[0], 8)):
        image.putpixel((i, 0), ((seed + i) % 256, seed // 256 % 256, 7))
    image.save(path, format=fmt or None, quality=90) if (
        fmt or path.suffix.lower() in (".jpg", ".jpeg")
    ) else image.save(path, format=fmt or None)
    return path


def jpeg_bytes(size: tuple[int, int] = (64, 48), seed: int = 0) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (seed % 256, 10, 20)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height with one tiny IDAT: cheap to make."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def write_bad_corpus(folder: Path) -> dict[str, str]:
    """Write one file per kind of bad input; return {file name: expected problem value}."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    (folder / "empty.jpg").write_bytes(b"")
    expected["empty.jpg"] = "empty"

    (folder / "notes.jpg").write_bytes(b"these are not the pixels you are looking for\n" * 20)
    expected["notes.jpg"] = "not_image"

    full = jpeg_bytes((400, 300), seed=3)
    (folder / "cut.jpg").write_bytes(full[: len(full) // 2])
    expected["cut.jpg"] = "truncated"

    buf = io.BytesIO()
    Image.new("RGB", (200, 100), (1, 2, 3)).save(buf, "PNG")
    png = buf.getvalue()
    (folder / "cut.png").write_bytes(png[: len(png) - 30])
    expected["cut.png"] = "truncated"

    Image.new("RGB", (16, 16), (9, 9, 9)).save(folder / "anim.gif", "GIF")
    expected["anim.gif"] = "unsupported"

    Image.new("RGB", (16, 16), (9, 9, 9)).save(folder / "old.bmp", "BMP")
    expected["old.bmp"] = "unsupported"

    (folder / "wide.png").write_bytes(png_header_only(12_000, 10))
    expected["wide.png"] = "too_large"

    (folder / "bomb.png").write_bytes(png_header_only(40_000, 40_000))
    expected["bomb.png"] = "decompression_bomb"
    return expected
