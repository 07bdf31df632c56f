"""The marker walk that tells a whole JPEG from a cut-off one (app/imaging/jpeg_structure.py).

Pillow's decoder is the oracle: for every cut point of real encoded files, the walk must call
the file truncated exactly when a full decode refuses it.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from app.imaging.jpeg_structure import TRUNCATED, jpeg_bytes_problem, jpeg_structure_problem


def _photo(size: tuple[int, int] = (320, 200), **save: object) -> bytes:
    image = Image.new("RGB", size, (240, 240, 235))
    draw = ImageDraw.Draw(image)
    rng = random.Random(7)
    for _ in range(40):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + rng.randrange(10, 80), y + rng.randrange(10, 80)), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def _decodes(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
        return True
    except (OSError, SyntaxError, ValueError):
        return False


def _with_exif_thumbnail() -> bytes:
    """An APP1 segment holding a whole JPEG (thumbnail) with its own EOI."""
    thumbnail = _photo((64, 40))
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    payload = b"Exif\x00\x00" + exif.tobytes() + thumbnail
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    main = _photo()
    return main[:2] + segment + main[2:]


VARIANTS = {
    "baseline": lambda: _photo(),
    "progressive": lambda: _photo(progressive=True),
    "optimized": lambda: _photo(optimize=True),
    "subsampled 4:4:4": lambda: _photo(subsampling=0),
    "exif thumbnail": _with_exif_thumbnail,
    "grey": lambda: _grey(),
}


def _grey() -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_whole_files_pass_and_every_cut_is_caught(variant: str) -> None:
    data = VARIANTS[variant]()
    assert _decodes(data) and jpeg_bytes_problem(data) == ""
    step = max(1, len(data) // 150)
    refused_by_decoder = 0
    for cut in [*range(0, len(data) - 1, step), len(data) - 1]:
        short = data[:cut]
        assert jpeg_bytes_problem(short) != "", f"{variant} cut at {cut} of {len(data)} passed"
        refused_by_decoder += not _decodes(short)
    # The oracle agrees that these are broken files (it pads a few scan-end cuts with grey).
    assert refused_by_decoder >= 0.9 * (len(data) - 1) / step


def test_trailing_bytes_after_the_end_are_legal() -> None:
    data = _photo() + b"\x00" * 100 + b"camera maker's trailer \xff\xd9 more"
    assert _decodes(data)
    assert jpeg_bytes_problem(data) == ""


def test_fill_bytes_before_markers_are_legal() -> None:
    data = _photo()
    padded = data[:2] + b"\xff\xff\xff" + data[2:-2] + b"\xff\xff" + data[-2:]
    assert jpeg_bytes_problem(padded) == ""


def test_restart_markers_inside_scans_do_not_end_them() -> None:
    data = _photo((640, 400), restart_marker_blocks=4)
    assert b"\xff\xd0" in data and b"\xff\xd7" in data
    assert jpeg_bytes_problem(data) == ""
    assert jpeg_bytes_problem(data[: len(data) * 2 // 3]) == TRUNCATED


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "does not start"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "does not start"),
        (b"\xff\xd8\xff\xd9", "before any image data"),
        (b"\xff\xd8\xff\xe0\x00\x01", "impossible length"),
        (b"\xff\xd8garbage", "where a marker belongs"),
    ],
)
def test_damaged_structures_say_what_is_wrong(data: bytes, says: str) -> None:
    assert says in jpeg_bytes_problem(data)


def test_reads_files_in_place(tmp_path: Path) -> None:
    whole = tmp_path / "whole.jpg"
    whole.write_bytes(_photo())
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[:-300])
    assert jpeg_structure_problem(whole) == ""
    assert jpeg_structure_problem(cut) == TRUNCATED
