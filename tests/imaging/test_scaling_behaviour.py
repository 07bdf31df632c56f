"""How scale_for_service behaves: orientation, determinism, originals, and what it refuses."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageChops, ImageOps
from scaling_helpers import QUADRANTS, camera_exif, opened, picture, save

from app.imaging.downscale import CorruptImageError, scale_for_service, service_size

SIZE = (150, 100)
MAX_SIDE = 64


def orientation_only(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return exif.tobytes()


def upright(image: Image.Image) -> Image.Image:
    return ImageOps.exif_transpose(image)


def corner_colours(image: Image.Image) -> list[tuple[int, ...]]:
    rgb = image.convert("RGB")
    inset_x, inset_y = rgb.width // 6, rgb.height // 6
    points = [
        (inset_x, inset_y),
        (rgb.width - 1 - inset_x, inset_y),
        (inset_x, rgb.height - 1 - inset_y),
        (rgb.width - 1 - inset_x, rgb.height - 1 - inset_y),
    ]
    return [rgb.getpixel(point) for point in points]  # type: ignore[misc]


def nearest_quadrant(colour: tuple[int, ...]) -> int:
    return min(
        range(4), key=lambda i: sum((a - b) ** 2 for a, b in zip(colour, QUADRANTS[i], strict=True))
    )


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF", "WEBP"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_the_copy_is_the_same_picture_for_every_orientation(
    tmp_path: Path, fmt: str, orientation: int
) -> None:
    extra = {"quality": 95} if fmt in ("JPEG", "WEBP") else {}
    source = save(
        picture(SIZE),
        tmp_path / f"o{orientation}.{fmt.lower()}",
        fmt,
        exif=camera_exif(SIZE, orientation),
        **extra,
    )
    result = scale_for_service(source, MAX_SIDE)
    assert result is not None
    assert result.source_size == SIZE
    original = upright(Image.open(source))
    expected_size = service_size(*original.size, MAX_SIDE)
    # The tag is kept as it was (read before decoding: Pillow's TIFF reader drops it then).
    copy_path = tmp_path / f"copy.{fmt.lower()}"
    copy_path.write_bytes(result.data)
    assert Image.open(copy_path).getexif().get(ExifTags.Base.Orientation, 1) == orientation
    seen = upright(opened(result.data))
    assert seen.size == expected_size
    # The same picture, turned the same way: each corner shows the same quadrant's colour.
    wanted = [nearest_quadrant(c) for c in corner_colours(original)]
    assert [nearest_quadrant(c) for c in corner_colours(seen)] == wanted
    assert len(set(wanted)) == 4  # the check can tell every turn and mirror apart
    difference = ImageChops.difference(
        seen.convert("RGB"), original.resize(expected_size, Image.Resampling.LANCZOS)
    )
    assert max(band[1] for band in difference.getextrema()) < 80  # type: ignore[index]


def test_a_turned_picture_is_sized_upright_then_turned_back(tmp_path: Path) -> None:
    # Stored 119 x 66, shown upright as 66 x 119: the service makes 35 x 64 of that, and the
    # stored copy must be 64 x 35. Sizing the stored pixels would give 64 x 36.
    assert service_size(66, 119, 64) == (35, 64) and service_size(119, 66, 64) == (64, 36)
    for fmt in ("JPEG", "TIFF"):
        exif = camera_exif((119, 66), 6) if fmt == "JPEG" else orientation_only(6)
        source = save(picture((119, 66)), tmp_path / f"turned.{fmt.lower()}", fmt, exif=exif)
        result = scale_for_service(source, 64)
        assert result is not None and result.size == (64, 35), fmt
        assert upright(opened(result.data)).size == (35, 64)


def test_a_short_side_that_two_roundings_disagree_on_goes_up_as_it_is(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # 150 x 41 into 64 px: the thumbnail rule gives 18 px (17.49 rounded up), plain rounding 17.
    assert service_size(150, 41, 64) == (64, 18)
    source = save(picture((150, 41)), tmp_path / "banner.png", "PNG")
    with caplog.at_level(logging.DEBUG, logger="app.imaging.downscale"):
        assert scale_for_service(source, 64) is None
    assert "18 px by the thumbnail rule, 17 px by plain rounding" in caplog.text
    turned = save(picture((41, 150)), tmp_path / "tall.png", "PNG")  # no doubt when upright
    result = scale_for_service(turned, 64)
    assert result is not None and result.size == (17, 64)


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("JPEG", {"quality": 90, "progressive": True}),
        ("PNG", {}),
        ("TIFF", {"compression": "tiff_lzw"}),
        ("WEBP", {"quality": 80}),
        ("WEBP", {"lossless": True}),
    ],
)
def test_the_same_file_always_gives_the_same_bytes(
    tmp_path: Path, fmt: str, options: dict[str, object]
) -> None:
    # libtiff writes no EXIF sub-IFD, so a compressed TIFF source carries its main tags only.
    exif = camera_exif(SIZE, 1) if fmt != "TIFF" else orientation_only(6)
    source = save(picture(SIZE), tmp_path / f"d.{fmt.lower()}", fmt, exif=exif, **options)
    first, second = scale_for_service(source, MAX_SIDE), scale_for_service(source, MAX_SIDE)
    assert first is not None and second is not None
    assert first.data == second.data
    assert first.sha256 == second.sha256 == hashlib.sha256(first.data).hexdigest()


def test_the_original_is_never_touched(tmp_path: Path) -> None:
    for fmt in ("JPEG", "PNG", "TIFF", "WEBP"):
        source = save(
            picture(SIZE), tmp_path / f"keep.{fmt.lower()}", fmt, exif=camera_exif(SIZE, 6)
        )
        os.utime(source, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
        before, stat = source.read_bytes(), source.stat()
        assert scale_for_service(source, MAX_SIDE) is not None
        after = source.stat()
        assert source.read_bytes() == before, fmt
        assert (after.st_mtime_ns, after.st_size) == (stat.st_mtime_ns, stat.st_size), fmt


def test_inputs_not_larger_than_the_limit_go_up_as_they_are(tmp_path: Path) -> None:
    square = save(picture((64, 64)), tmp_path / "square.jpg", "JPEG")
    wide = save(picture((64, 20)), tmp_path / "wide.png", "PNG")
    assert scale_for_service(square, 64) is None
    assert scale_for_service(wide, 64) is None
    assert scale_for_service(square, 63) is not None


def test_unsupported_inputs_go_up_as_they_are_with_the_reason_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    paths = [
        save(picture(SIZE), tmp_path / "photo.gif", "GIF"),
        save(picture(SIZE), tmp_path / "photo.bmp", "BMP"),
        save(picture(SIZE, "1"), tmp_path / "bilevel.png", "PNG"),
        save(picture((10_001, 3)), tmp_path / "too-wide.png", "PNG"),  # the service refuses it
    ]
    (tmp_path / "notes.jpg").write_text("not a picture at all")
    paths.append(tmp_path / "notes.jpg")
    with caplog.at_level(logging.DEBUG, logger="app.imaging.downscale"):
        for path in paths:
            assert scale_for_service(path, MAX_SIDE) is None, path.name
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for path in paths:
        assert f"{path.name} goes up as it is" in logged


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF", "WEBP"])
def test_a_damaged_picture_raises_a_clear_error(tmp_path: Path, fmt: str) -> None:
    # Cut short, as an interrupted copy leaves it. (An uncompressed TIFF: Pillow writes its
    # directory first, so what is lost is pixels, not the directory that says it is a TIFF.)
    whole = save(picture((300, 200)), tmp_path / f"whole.{fmt.lower()}", fmt)
    data = whole.read_bytes()
    damaged = tmp_path / f"damaged.{fmt.lower()}"
    damaged.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(CorruptImageError, match=f"damaged.{fmt.lower()} cannot be decoded"):
        scale_for_service(damaged, MAX_SIDE)


def test_a_missing_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        scale_for_service(tmp_path / "gone.jpg")
