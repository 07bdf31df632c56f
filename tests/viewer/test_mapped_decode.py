"""Pillow's own decoders write big pictures into our memory map, through public API only.

If a Pillow release stopped sharing memory with `Image.frombuffer`, stopped decoding into a
picture with `Image.Image.frombytes`, or changed the decoding plan it publishes (`tile`), these
fail: each check proves the pixels are in the map we made, that Pillow allocated no full-size
picture of its own, and that the pixels are exactly those of Pillow's own load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hand_written import chunk, write_png, write_tiff_strips
from PIL import Image, ImageChops, ImageOps, ImageStat

from app.imaging import mapped_decode, packing
from app.imaging.decode import decode_for_display, decode_progressive
from app.imaging.display_colour import to_display_image
from app.imaging.errors import DecodeError
from app.imaging.facts import read_info
from app.imaging.mapped_decode import decode_into_map
from app.imaging.release import PixelMap
from app.imaging.shrinking import display_preview

# Odd sizes, not square. The threshold below which Pillow keeps its own memory is lowered for
# most tests (`any_size`): what is checked is the route, which does not depend on the size.
WIDE = (371, 229)


@pytest.fixture
def any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mapped_decode, "MIN_MAPPED_BYTES", 0)


def noise(mode: str, size: tuple[int, int]) -> Image.Image:
    """Different noise in every channel, so a byte in the wrong place cannot go unnoticed."""
    bands = [Image.effect_noise(size, 60 + 9 * n).convert("L") for n in range(4)]
    if mode in ("RGB", "P"):
        return Image.merge("RGB", bands[:3]).convert(mode)
    if mode in ("RGBA", "CMYK"):
        return Image.merge(mode, bands)
    if mode == "LA":
        return Image.merge("LA", bands[:2])
    if mode == "I;16":  # the full 16-bit range, so the high byte is not always 0
        return bands[0].convert("I").point(lambda v: v * 257).convert("I;16")
    return bands[0].convert(mode)


def with_transparency(image: Image.Image, value: object) -> Image.Image:
    image.info["transparency"] = value
    return image


class Recorded:
    """The pixel maps mapped_decode makes, and the pictures Pillow allocates for itself."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.maps: list[PixelMap] = []
        self.allocated: list[tuple[int, int]] = []
        real_new = Image.core.new  # type: ignore[attr-defined]

        def pixel_map(fileno: int, length: int) -> PixelMap:
            made = PixelMap(fileno, length)
            self.maps.append(made)
            return made

        def new(mode: str, size: tuple[int, int], *args: object) -> object:
            self.allocated.append(tuple(size))  # type: ignore[arg-type]
            return real_new(mode, size, *args)

        monkeypatch.setattr(mapped_decode, "PixelMap", pixel_map)
        monkeypatch.setattr(Image.core, "new", new)  # type: ignore[attr-defined]


def shares_memory(picture: Image.Image, pixels: PixelMap) -> bool:
    """Whether a write to the first byte of `pixels` shows in `picture`."""
    first = pixels[0]
    pixels[0] = first ^ 0xFF
    try:
        return picture.crop((0, 0, 1, 1)).tobytes()[0] == first ^ 0xFF
    finally:
        pixels[0] = first


def pillows_own(path: Path) -> Image.Image:
    with Image.open(path) as plain:
        plain.load()
        return plain.copy()


def save(image: Image.Image, path: Path, **options: Any) -> Path:
    image.save(path, **options)
    return path


CASES = {
    "png-rgb": lambda d: save(noise("RGB", WIDE), d / "x.png", compress_level=1),
    "png-rgba": lambda d: save(noise("RGBA", WIDE), d / "x.png", compress_level=1),
    "png-l": lambda d: save(noise("L", WIDE), d / "x.png", compress_level=1),
    "png-p-transparency": lambda d: save(
        with_transparency(noise("P", WIDE), 5), d / "x.png", compress_level=1
    ),
    "png-i16": lambda d: save(noise("I;16", WIDE), d / "x.png", compress_level=1),
    "png-rgb-colour-key": lambda d: save(
        with_transparency(noise("RGB", WIDE), (0, 0, 0)), d / "x.png", compress_level=1
    ),
    "png-rgb-interlaced": lambda d: write_png(d / "x.png", noise("RGB", WIDE), interlaced=True),
    "png-rgb-16-bit": lambda d: write_png(d / "x.png", noise("RGB", WIDE), sixteen_bits=True),
    "png-rgba-16-bit-interlaced": lambda d: write_png(
        d / "x.png", noise("RGBA", WIDE), sixteen_bits=True, interlaced=True
    ),
    "png-one-idat": lambda d: write_png(d / "x.png", noise("RGB", WIDE), idat_size=1 << 30),
    "jpeg-rgb": lambda d: save(noise("RGB", WIDE), d / "x.jpg", quality=90),
    "jpeg-cmyk": lambda d: save(noise("CMYK", WIDE), d / "x.jpg", quality=90),
    "jpeg-l": lambda d: save(noise("L", WIDE), d / "x.jpg", quality=90),
    "tiff-deflate-rgb": lambda d: save(noise("RGB", WIDE), d / "x.tif", compression="tiff_deflate"),
    "tiff-jpeg-rgb": lambda d: save(noise("RGB", WIDE), d / "x.tif", compression="jpeg"),
    "tiff-tiled-rgb": lambda d: save(
        noise("RGB", WIDE), d / "x.tif", compression="tiff_deflate", tile=(64, 64)
    ),
    "tiff-raw-strips-rgb": lambda d: write_tiff_strips(d / "x.tif", noise("RGB", WIDE), 20),
    "tiff-deflate-rgba": lambda d: save(
        noise("RGBA", WIDE), d / "x.tif", compression="tiff_deflate"
    ),
    "tiff-deflate-cmyk": lambda d: save(
        noise("CMYK", WIDE), d / "x.tif", compression="tiff_deflate"
    ),
    "tiff-lzw-l": lambda d: save(noise("L", WIDE), d / "x.tif", compression="tiff_lzw"),
    "tiff-deflate-i16": lambda d: save(
        noise("I;16", WIDE), d / "x.tif", compression="tiff_deflate"
    ),
    "tiff-raw-p": lambda d: save(noise("P", WIDE), d / "x.tif"),
}


@pytest.mark.usefixtures("any_size")
@pytest.mark.parametrize("case", CASES)
def test_pictures_are_decoded_into_our_map_with_pillows_pixels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    path = CASES[case](tmp_path)
    expected = pillows_own(path)
    recorded = Recorded(monkeypatch)
    with Image.open(path) as im:
        mapped = decode_into_map(im, path)
    assert mapped is not None
    assert recorded.maps == [mapped.memory]
    stored = mapped.picture
    assert shares_memory(stored, mapped.memory)
    full = expected.width * expected.height
    assert all(w * h < full // 4 for w, h in recorded.allocated), recorded.allocated
    assert stored.size == expected.size
    same_mode = stored if stored.mode == expected.mode else stored.convert(expected.mode)
    assert same_mode.tobytes() == expected.tobytes()
    assert stored.info == expected.info or set(expected.info) <= set(stored.info)
    # What is shown: palette, transparency and 16-bit scaling come out as from Pillow's load.
    assert to_display_image(stored).tobytes() == to_display_image(expected).tobytes()


def test_a_tiff_of_many_strips_is_planned_strip_by_strip(tmp_path: Path) -> None:
    # Otherwise the strips case above would prove nothing about pictures of many tiles.
    with Image.open(CASES["tiff-raw-strips-rgb"](tmp_path)) as im:
        assert len(im.tile) > 1


@pytest.mark.parametrize(
    ("name", "mode", "size", "mapped"),
    [
        ("small.png", "RGB", (1400, 1400), False),  # 7.8 MB in Pillow's layout
        ("big.png", "RGB", (1500, 1500), True),  # 9 MB
        ("small.tif", "L", (2800, 2800), False),  # 7.8 MB
        ("big.tif", "L", (3000, 3000), True),  # 9 MB
    ],
)
def test_pillow_keeps_its_own_memory_for_small_pictures(
    tmp_path: Path, name: str, mode: str, size: tuple[int, int], mapped: bool
) -> None:
    path = save(Image.new(mode, size), tmp_path / name)
    with Image.open(path) as im:
        assert (decode_into_map(im, path) is not None) is mapped


@pytest.mark.usefixtures("any_size")
@pytest.mark.parametrize(
    ("name", "mode", "options"),
    [
        ("la.png", "LA", {}),
        ("bilevel.png", "1", {}),
        ("wide.webp", "RGB", {"lossless": True}),
        ("float.tif", "F", {"compression": "tiff_deflate"}),
    ],
)
def test_what_the_map_does_not_take_pillow_decodes(
    tmp_path: Path, name: str, mode: str, options: dict[str, Any]
) -> None:
    path = save(noise(mode, WIDE), tmp_path / name, **options)
    with Image.open(path) as im:
        assert decode_into_map(im, path) is None
    shown = decode_for_display(path)
    expected = to_display_image(pillows_own(path)).convert("RGBA")
    assert shown.data[:] == expected.tobytes()


@pytest.mark.parametrize("name", ["big.png", "big.jpg", "big.tif"])
def test_a_big_file_cut_short_fails_with_its_name(tmp_path: Path, name: str) -> None:
    whole = save(noise("RGB", WIDE), tmp_path / f"whole-{name}")
    cut = tmp_path / name
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(DecodeError, match=name.replace(".", r"\.")):
        decode_for_display(cut)


def exif_chunk(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return chunk(b"eXIf", exif.tobytes()[len(b"Exif\x00\x00") :])  # a PNG's eXIf has no prefix


@pytest.mark.usefixtures("any_size")
def test_exif_after_a_pngs_pixels_is_found_without_decoding_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_png(tmp_path / "late.png", noise("RGB", WIDE), after_pixels=exif_chunk(6))
    upright = ImageOps.exif_transpose(pillows_own(path))  # Pillow finds it by decoding
    assert upright.size == (WIDE[1], WIDE[0])
    recorded = Recorded(monkeypatch)
    info = read_info(path)
    assert (info.width, info.height) == upright.size
    assert recorded.allocated == []  # the facts cost no decode
    shown = decode_for_display(path)
    assert (shown.width, shown.height) == upright.size
    assert shown.data[:] == to_display_image(upright).convert("RGBA").tobytes()
    assert all(w * h < WIDE[0] * WIDE[1] // 4 for w, h in recorded.allocated)


def test_a_png_without_exif_is_described_without_decoding_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pillow's getexif() decodes a whole PNG that has no EXIF before its pixels to look for
    # one after them.
    path = save(noise("RGB", WIDE), tmp_path / "plain.png", compress_level=1)
    recorded = Recorded(monkeypatch)
    info = read_info(path)
    assert (info.width, info.height, info.format) == (*WIDE, "PNG")
    assert recorded.allocated == []


@pytest.mark.parametrize("name", ["upright.png", "upright.jpg", "upright.tif"])
def test_an_upright_big_picture_is_packed_over_its_decoded_pixels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # Decoded (4 bytes a pixel) and packed (4 bytes a pixel) in one map, band over band: a
    # 100 MP picture needs 400 MB less. The preview is made from the pixels before that.
    path = save(noise("RGB", (1700, 1400)), tmp_path / name)
    expected = to_display_image(pillows_own(path)).convert("RGBA")
    packed_maps: list[int] = []

    def packed_map(fileno: int, length: int) -> PixelMap:
        packed_maps.append(length)
        return PixelMap(fileno, length)

    monkeypatch.setattr(packing, "PixelMap", packed_map)
    recorded = Recorded(monkeypatch)
    preview, full = decode_progressive(path, 400)
    assert len(recorded.maps) == 1 and full.data is recorded.maps[0]
    assert packed_maps == []
    assert full.data[:] == expected.tobytes()
    shrunk = display_preview(expected, 400).convert("RGBA")
    shown = Image.frombytes("RGBA", (preview.width, preview.height), bytes(preview.data))
    assert shown.size == shrunk.size
    if name.endswith(".jpg"):  # the preview is libjpeg's reduced decode: close, not equal
        assert max(ImageStat.Stat(ImageChops.difference(shown, shrunk)).mean) < 6
    else:
        assert shown.tobytes() == shrunk.tobytes()
