"""EXIF orientation is applied band by band, with exactly the pixels exif_transpose gives.

Medium-format cameras store portrait shots on their side (orientation 6 or 8). Turning a
100 MP picture whole would make a second full-size copy in Pillow's memory (400 MB, allocated
and freed holding the GIL, so the GUI thread stalls), so the viewer turns each band as it
packs it and each preview once it is shrunk. Checked here: every orientation, band by band,
against `ImageOps.exif_transpose` for the modes the viewer shows; colour handling unchanged by
turning; and big oriented files (PNG, TIFF, JPEG) decode upright with no full-size turn.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps, ImageStat

from app.imaging import decode, mapped_decode, packing
from app.imaging.decode import decode_for_display, decode_progressive
from app.imaging.display_colour import to_display_image
from app.imaging.facts import ImageInfo, read_info
from app.imaging.orientation import turn_upright, upright_band, upright_size
from app.imaging.packing import BAND_BYTES, DecodedImage, pack, pack_display
from app.imaging.release import PixelMap
from app.imaging.shrinking import reduce_to_fit, shrunk_display_image
from app.imaging.thumbnail import make_thumbnail

ROOT = Path(__file__).resolve().parents[2]
ORIENTATIONS = range(1, 9)
MODES = ["RGB", "RGBA", "L", "LA", "P", "I;16", "I", "F", "CMYK", "1"]


def noise(mode: str, size: tuple[int, int]) -> Image.Image:
    """Different noise in every channel: a pixel put in the wrong place cannot go unnoticed."""
    grey = Image.effect_noise(size, 90).convert("L")
    if mode == "I;16":  # the full 16-bit range, so the high byte is not always 0
        return grey.convert("I").point(lambda v: v * 257).convert("I;16")
    channels = [grey, *(Image.effect_noise(size, 70 + 9 * n).convert("L") for n in range(3))]
    if mode in ("RGB", "P"):
        return Image.merge("RGB", channels[:3]).convert(mode)
    if mode in ("RGBA", "CMYK"):
        return Image.merge(mode, channels)
    if mode == "LA":
        return Image.merge("LA", channels[:2])
    return grey.convert(mode)


def with_orientation(image: Image.Image, orientation: int) -> Image.Image:
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.info["exif"] = exif.tobytes()
    return image


def exif_orientation(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_bands_turned_one_by_one_are_what_exif_transpose_gives(mode: str, orientation: int) -> None:
    stored = with_orientation(noise(mode, (37, 23)), orientation)  # odd sizes, not square
    expected = ImageOps.exif_transpose(stored)
    width, height = upright_size(stored.size, orientation)
    assert (width, height) == expected.size
    assert turn_upright(stored, orientation).tobytes() == expected.tobytes()
    for rows in (1, 7, 10, height, 64):  # 7 and 10 divide neither side; 64 is all in one
        bands = [
            upright_band(stored, orientation, top, min(height, top + rows))
            for top in range(0, height, rows)
        ]
        assert {band.mode for band in bands} == {mode}
        assert {band.width for band in bands} == {width}
        assert sum(band.height for band in bands) == height
        # Raw rows are padded to whole bytes (mode "1"), so bands join like whole rows.
        assert b"".join(band.tobytes() for band in bands) == expected.tobytes(), rows


def adobe_rgb_profile() -> bytes:
    # rocket.jpg (a real photograph in the samples) carries an Adobe RGB (1998) profile.
    with Image.open(ROOT / "app" / "sandbox" / "samples" / "rocket.jpg") as sample:
        profile = bytes(sample.info["icc_profile"])
    description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile)))
    assert "Adobe RGB" in description
    return profile


def _with_info(image: Image.Image, **info: object) -> Image.Image:
    image.info.update(info)
    return image


@pytest.mark.parametrize(
    "make",
    [
        lambda: _with_info(noise("RGBA", (900, 1300)), icc_profile=adobe_rgb_profile()),
        lambda: _with_info(noise("P", (900, 1300)), transparency=7),
        lambda: noise("I;16", (900, 1300)),
        lambda: noise("CMYK", (900, 1300)),
    ],
    ids=["rgba-adobe-rgb", "palette-transparency", "16-bit", "cmyk"],
)
@pytest.mark.parametrize("orientation", [3, 6, 7])
def test_packing_turned_bands_converts_colour_like_turning_whole(
    make: Callable[[], Image.Image], orientation: int
) -> None:
    # The profile, transparency and mode are read from the stored picture and its `info`,
    # which each turned band keeps: the pixels are those of converting the turned whole.
    stored = with_orientation(make(), orientation)
    info = ImageInfo(*stored.size, 0, "PNG", stored.mode, 8, "test", True)
    assert stored.width * stored.height * 4 > 2 * BAND_BYTES  # several bands
    whole = pack(to_display_image(ImageOps.exif_transpose(stored)), info, "BGRa")
    banded = pack_display(stored, info, "BGRa", orientation=orientation)
    assert (banded.width, banded.height) == (whole.width, whole.height)
    assert banded.data[:] == whole.data[:]


# --- big oriented files -------------------------------------------------------------------

# Over mapped_decode.py's threshold for decoding into a memory map (at 4 bytes a pixel), not
# square (a turn that swaps the axes must show), and whole multiples of the
# preview's reduction (4 for 400 px): then shrinking before turning gives the very pixels of
# turning before shrinking (otherwise the reduction's blocks sit up to 3 pixels apart).
BIG = (1600, 1400)
PREVIEW_SIDE = 400


def big_picture() -> Image.Image:
    """A colour per quadrant under noise: exact checks catch any misplaced pixel, and a
    thumbnail still shows which way up it is."""
    width, height = BIG
    colours = Image.new("RGB", BIG, (200, 30, 30))
    colours.paste((30, 200, 30), (width // 2, 0, width, height // 2))
    colours.paste((30, 30, 200), (0, height // 2, width // 2, height))
    colours.paste((200, 200, 30), (width // 2, height // 2, width, height))
    return ImageChops.add(colours, noise("RGB", BIG).point(lambda v: v // 4))


def save_oriented(path: Path, orientation: int) -> Path:
    options: dict[str, object] = {
        ".png": {"compress_level": 1},
        ".tif": {"compression": "tiff_deflate"},
        ".jpg": {"quality": 92},
    }[path.suffix]
    big_picture().save(path, exif=exif_orientation(orientation), **options)
    return path


def pillows_upright(path: Path) -> Image.Image:
    """The file turned upright by Pillow's own means, in its own memory: what we must match."""
    with Image.open(path) as stored:
        return ImageOps.exif_transpose(stored)


class FullSizeWork:
    """Everything that could make a full-size copy of a picture while it is decoded.

    Turns through Pillow's Python API (`Image.transpose`, `ImageOps.exif_transpose` with an
    orientation still to apply, which Pillow's TIFF reader calls as it loads), pictures that
    Pillow allocates through `Image.core.new`, our own memory maps of pixels, and whether the
    stored pixels handed on are still in the map they were decoded into (writing to the map
    shows in them).
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.turned: list[tuple[int, int]] = []
        self.left_to_pillow: list[int] = []
        self.allocated: list[tuple[int, int]] = []
        self.maps: list[int] = []
        self.stayed_in_map: list[bool] = []

        real_transpose = Image.Image.transpose

        def transpose(image: Image.Image, method: Image.Transpose) -> Image.Image:
            self.turned.append(image.size)
            return real_transpose(image, method)

        real_exif_transpose = ImageOps.exif_transpose

        def exif_transpose(image: Image.Image, **options: bool) -> Image.Image | None:
            self.left_to_pillow.append(image.getexif().get(0x0112, 1))
            return real_exif_transpose(image, **options)  # type: ignore[call-overload,no-any-return]

        real_new = Image.core.new

        def new(mode: str, size: tuple[int, int], *args: object) -> object:
            self.allocated.append(tuple(size))  # type: ignore[arg-type]
            return real_new(mode, size, *args)

        decoded_into: list[PixelMap] = []

        def pixel_map(fileno: int, length: int) -> PixelMap:
            self.maps.append(length)
            made = PixelMap(fileno, length)
            decoded_into.append(made)
            return made

        def packed_map(fileno: int, length: int) -> PixelMap:
            self.maps.append(length)
            return PixelMap(fileno, length)

        real_decode_into_map = mapped_decode.decode_into_map

        def decode_into_map(
            im: Image.Image, path: str, *args: object
        ) -> mapped_decode.MappedPicture | None:
            stored = real_decode_into_map(im, path, *args)  # type: ignore[arg-type]
            if stored is not None:
                self.stayed_in_map.append(_shares_memory(stored.picture, decoded_into[-1]))
            return stored

        monkeypatch.setattr(Image.Image, "transpose", transpose)
        monkeypatch.setattr(ImageOps, "exif_transpose", exif_transpose)
        monkeypatch.setattr(Image.core, "new", new)
        monkeypatch.setattr(mapped_decode, "PixelMap", pixel_map)
        monkeypatch.setattr(packing, "PixelMap", packed_map)
        monkeypatch.setattr(decode, "decode_into_map", decode_into_map)

    def assert_no_full_size_copy(self, size: tuple[int, int]) -> None:
        full = size[0] * size[1]
        assert self.stayed_in_map == [True]
        assert self.left_to_pillow in ([], [1])  # nothing left for Pillow to turn
        assert all(w * h < full // 4 for w, h in self.turned), self.turned
        assert all(w * h < full // 4 for w, h in self.allocated), self.allocated
        assert self.maps == [full * 4, full * 4]  # the decoded picture and the packed one


def _shares_memory(picture: Image.Image, pixels: PixelMap) -> bool:
    """Whether `picture`'s first byte is the first byte of `pixels` (a write shows in it)."""
    first = pixels[0]
    pixels[0] = first ^ 0xFF
    try:
        return picture.crop((0, 0, 1, 1)).tobytes()[0] == first ^ 0xFF
    finally:
        pixels[0] = first


def rgba(image: Image.Image) -> bytes:
    return to_display_image(image).convert("RGBA").tobytes()


def as_image(decoded: DecodedImage) -> Image.Image:
    return Image.frombytes("RGBA", (decoded.width, decoded.height), bytes(decoded.data))


@pytest.mark.parametrize(
    ("name", "orientation"),
    [
        ("big.png", 6),
        ("big.tif", 6),
        ("big.tif", 8),
        ("big.tif", 2),  # Pillow's TIFF reader would turn it in place, into memory of its own
        ("big.jpg", 6),
    ],
)
def test_a_big_oriented_file_decodes_upright_without_a_full_size_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, orientation: int
) -> None:
    path = save_oriented(tmp_path / name, orientation)
    upright = pillows_upright(path)
    size = upright_size(BIG, orientation)
    assert upright.size == size
    expected_preview = reduce_to_fit(shrunk_display_image(upright, PREVIEW_SIDE), PREVIEW_SIDE)

    work = FullSizeWork(monkeypatch)
    preview, full = decode_progressive(path, PREVIEW_SIDE)
    work.assert_no_full_size_copy(BIG)

    assert (full.width, full.height) == (full.info.width, full.info.height) == size
    assert not full.is_reduced
    assert full.data[:] == rgba(upright)
    assert (preview.width, preview.height) == expected_preview.size
    assert preview.info == full.info
    if name.endswith(".jpg"):  # the preview is libjpeg's reduced decode: close, not equal
        difference = ImageChops.difference(as_image(preview), expected_preview.convert("RGBA"))
        assert max(ImageStat.Stat(difference).mean) < 6
    else:
        assert preview.data[:] == rgba(expected_preview)


@pytest.mark.parametrize(("name", "orientation"), [("big.png", 8), ("big.tif", 6)])
def test_a_big_oriented_files_thumbnail_is_upright(
    tmp_path: Path, name: str, orientation: int
) -> None:
    path = save_oriented(tmp_path / name, orientation)
    expected = to_display_image(pillows_upright(path))
    expected.thumbnail((48, 48), Image.Resampling.BICUBIC, reducing_gap=2.0)
    thumb = make_thumbnail(path, 48)
    assert (thumb.width, thumb.height) == expected.size == (42, 48)
    difference = ImageChops.difference(as_image(thumb), expected.convert("RGBA"))
    # Shrunk before it was turned, so the reduction's blocks sit a little apart; a thumbnail
    # the wrong way up differs by ~100 levels.
    assert max(ImageStat.Stat(difference).mean) < 4


def test_a_small_turned_tiff_reports_its_upright_size(tmp_path: Path) -> None:
    # Pillow's TIFF reader reports the upright size as soon as it opens the file: swapping
    # it once more made the full image look like a preview (is_reduced) that never completes.
    path = tmp_path / "portrait.tif"
    noise("RGB", (300, 200)).save(path, exif=exif_orientation(6))
    assert (read_info(path).width, read_info(path).height) == (200, 300)
    decoded = decode_for_display(path)
    assert (decoded.width, decoded.height, decoded.info.width, decoded.info.height) == (
        200,
        300,
        200,
        300,
    )
    assert not decoded.is_reduced
    assert decoded.data[:] == rgba(pillows_upright(path))
