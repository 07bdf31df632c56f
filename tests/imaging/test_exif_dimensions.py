"""The pixel-dimension tags of an EXIF block are rewritten in place and nothing else changes."""

from __future__ import annotations

import io
import struct

from PIL import ExifTags, Image

from app.imaging.exif_dimensions import with_pixel_dimensions

SHORT, LONG = 3, 4


def tiff_block(
    order: str, ifd0: list[tuple[int, int, int]], exif: list[tuple[int, int, int]]
) -> bytes:
    """A TIFF-structured EXIF block: IFD0 (with a pointer to the EXIF IFD) and the EXIF IFD."""
    mark = b"II" if order == "<" else b"MM"
    ifd0 = [*ifd0, (0x8769, LONG, 0)]  # pointer filled in below
    ifd0_size = 2 + 12 * len(ifd0) + 4
    exif_offset = 8 + ifd0_size

    def directory(entries: list[tuple[int, int, int]]) -> bytes:
        out = struct.pack(order + "H", len(entries))
        for tag, kind, value in entries:
            if tag == 0x8769:
                value = exif_offset
            field = (
                struct.pack(order + "HH", value, 0)
                if kind == SHORT
                else struct.pack(order + "I", value)
            )
            out += struct.pack(order + "HHI", tag, kind, 1) + field
        return out + struct.pack(order + "I", 0)

    return mark + struct.pack(order + "HI", 42, 8) + directory(ifd0) + directory(exif)


def values(block: bytes, order: str) -> dict[int, int]:
    exif = Image.Exif()
    exif.load(block)
    found = {tag: exif[tag] for tag in (0x0100, 0x0101, 0x0112) if tag in exif}
    found.update(exif.get_ifd(ExifTags.IFD.Exif))
    return found


def test_big_endian_shorts_with_the_app1_header() -> None:
    block = b"Exif\x00\x00" + tiff_block(
        ">", [(0x0112, SHORT, 6)], [(0xA002, SHORT, 6000), (0xA003, SHORT, 4000)]
    )
    patched = with_pixel_dimensions(block, (4096, 2731))
    assert values(patched, ">") == {0x0112: 6, 0xA002: 4096, 0xA003: 2731}
    assert len(patched) == len(block)


def test_little_endian_longs_without_a_header_and_ifd0_dimensions() -> None:
    block = tiff_block(
        "<",
        [(0x0100, LONG, 70000), (0x0101, LONG, 5000), (0x0112, SHORT, 1)],
        [(0xA002, LONG, 70000), (0xA003, LONG, 5000)],
    )
    patched = with_pixel_dimensions(block, (4096, 292))
    assert values(patched, "<") == {
        0x0100: 4096,
        0x0101: 292,
        0x0112: 1,
        0xA002: 4096,
        0xA003: 292,
    }


def test_every_other_byte_is_left_as_it_was() -> None:
    # A camera's MakerNote holds offsets into the block: it survives only if nothing moves.
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Bench Optics"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.ExifImageWidth] = 6000
    details[ExifTags.Base.ExifImageHeight] = 4000
    details[ExifTags.Base.MakerNote] = bytes(range(256)) * 4
    block = exif.tobytes()
    patched = with_pixel_dimensions(block, (4096, 2731))
    changed = [i for i, (a, b) in enumerate(zip(block, patched, strict=True)) if a != b]
    assert changed and len(changed) <= 4  # two SHORT values, at most two bytes each
    reopened = Image.open(io.BytesIO(_jpeg_with(patched))).getexif().get_ifd(ExifTags.IFD.Exif)
    assert reopened[ExifTags.Base.MakerNote] == bytes(range(256)) * 4
    assert (reopened[ExifTags.Base.ExifImageWidth], reopened[ExifTags.Base.ExifImageHeight]) == (
        4096,
        2731,
    )


def _jpeg_with(exif: bytes) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_block_that_points_outside_itself_comes_back_unchanged() -> None:
    block = b"Exif\x00\x00MM\x00\x2a\x00\x00\xff\xf0" + bytes(20)
    assert with_pixel_dimensions(block, (10, 10)) == block
    truncated = tiff_block(">", [], [(0xA002, SHORT, 6000)])[:-10]
    assert with_pixel_dimensions(truncated, (10, 10)) == truncated
    assert with_pixel_dimensions(b"not exif at all", (10, 10)) == b"not exif at all"
