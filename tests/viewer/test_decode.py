"""Qt-free decoding: every kind of file comes out upright, 8-bit sRGB RGBA, with honest info."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from viewer_helpers import GREEN, RED, png_16bit, png_header_only, rotated_jpeg

from app.imaging.decode import decode_for_display, decode_progressive
from app.imaging.display_colour import is_srgb, to_display_image
from app.imaging.errors import DecodeError
from app.imaging.facts import DISPLAY_PIXEL_LIMIT
from app.imaging.packing import halve
from app.imaging.thumbnail import make_thumbnail

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


def rgba_at(decoded, x: int, y: int) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    assert decoded.layout == "RGBA"
    offset = (y * decoded.width + x) * 4
    r, g, b, a = decoded.data[offset : offset + 4]
    return r, g, b, a


def near(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 3) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def test_plain_rgb_png_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    Image.new("RGB", (7, 5), (10, 200, 30)).save(path)
    decoded = decode_for_display(path)
    assert (decoded.width, decoded.height) == (7, 5)
    assert len(decoded.data) == 7 * 5 * 4
    assert rgba_at(decoded, 6, 4) == (10, 200, 30, 255)
    assert decoded.info.format == "PNG"
    assert decoded.info.bit_depth == 8
    assert decoded.info.file_size == path.stat().st_size
    assert not decoded.info.has_alpha


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    decoded = decode_for_display(rotated_jpeg(tmp_path / "rotated.jpg"))
    assert (decoded.width, decoded.height) == (30, 60)  # upright: portrait
    assert (decoded.info.width, decoded.info.height) == (30, 60)
    # Stored left third (red) is the top third once rotated clockwise.
    assert near(rgba_at(decoded, 15, 5)[:3], RED, 12)
    assert near(rgba_at(decoded, 15, 50)[:3], GREEN, 12)


def test_16bit_greyscale_is_scaled_not_clipped(tmp_path: Path) -> None:
    path = tmp_path / "grey16.png"
    image = Image.new("I;16", (3, 1))
    image.putdata([0, 32768, 65535])
    image.save(path)
    decoded = decode_for_display(path)
    assert decoded.info.bit_depth == 16
    assert [rgba_at(decoded, x, 0) for x in range(3)] == [
        (0, 0, 0, 255),
        (128, 128, 128, 255),
        (255, 255, 255, 255),
    ]


@pytest.mark.parametrize(("colour_type", "expected_alpha"), [(2, 255), (6, 0x40)])
def test_16bit_rgb_png(tmp_path: Path, colour_type: int, expected_alpha: int) -> None:
    path = png_16bit(tmp_path / "rgb16.png", 4, 2, colour_type, 0x4000)
    decoded = decode_for_display(path)
    assert decoded.info.bit_depth == 16
    assert rgba_at(decoded, 3, 1) == (0x40, 0x40, 0x40, expected_alpha)


def test_greyscale_with_alpha(tmp_path: Path) -> None:
    path = tmp_path / "la.png"
    Image.new("LA", (2, 2), (90, 60)).save(path)
    decoded = decode_for_display(path)
    assert rgba_at(decoded, 1, 1) == (90, 90, 90, 60)
    assert decoded.info.has_alpha


def test_palette_with_transparent_index(tmp_path: Path) -> None:
    path = tmp_path / "palette.png"
    image = Image.new("P", (4, 1))
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * (254 * 3))
    image.putdata([0, 1, 0, 1])
    image.save(path, transparency=1)
    decoded = decode_for_display(path)
    assert rgba_at(decoded, 0, 0) == (255, 0, 0, 255)
    assert rgba_at(decoded, 1, 0)[3] == 0  # index 1 is the transparent one
    assert decoded.info.mode == "P"
    assert decoded.info.has_alpha


def test_cmyk_jpeg_is_shown_as_rgb(tmp_path: Path) -> None:
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (16, 16), (255, 0, 0, 0)).save(path, quality=100)  # pure cyan ink
    decoded = decode_for_display(path)
    assert decoded.info.mode == "CMYK"
    r, g, b, a = rgba_at(decoded, 8, 8)
    assert r < 30 and g > 225 and b > 225 and a == 255  # cyan, not its inverse


def _adobe_rgb_profile() -> bytes:
    # rocket.jpg (a real photograph in the samples) carries an Adobe RGB (1998) profile.
    with Image.open(SAMPLES / "rocket.jpg") as sample:
        profile = sample.info["icc_profile"]
    assert "Adobe RGB" in ImageCms.getProfileDescription(
        ImageCms.ImageCmsProfile(io.BytesIO(profile))
    )
    return bytes(profile)


def _adobe_rgb_to_srgb(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """The textbook conversion, independent of LittleCMS: Adobe RGB -> XYZ (D65) -> sRGB."""
    linear = [(c / 255) ** (563 / 256) for c in rgb]
    to_xyz = [
        [0.5767, 0.1856, 0.1882],
        [0.2974, 0.6273, 0.0753],
        [0.0270, 0.0707, 0.9911],
    ]
    to_srgb = [
        [3.2406, -1.5372, -0.4986],
        [-0.9689, 1.8758, 0.0415],
        [0.0557, -0.2040, 1.0570],
    ]
    xyz = [sum(m * v for m, v in zip(row, linear, strict=True)) for row in to_xyz]
    out = [sum(m * v for m, v in zip(row, xyz, strict=True)) for row in to_srgb]

    def encode(v: float) -> int:
        v = min(1.0, max(0.0, v))
        s = 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
        return round(s * 255)

    return encode(out[0]), encode(out[1]), encode(out[2])


def test_embedded_non_srgb_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    colour = (60, 170, 90)  # a saturated green: Adobe RGB and sRGB disagree visibly here
    path = tmp_path / "adobe.png"
    Image.new("RGB", (4, 4), colour).save(path, icc_profile=_adobe_rgb_profile())
    decoded = decode_for_display(path)
    expected = _adobe_rgb_to_srgb(colour)
    assert expected != colour  # the test means something only if conversion changes pixels
    assert near(rgba_at(decoded, 2, 2)[:3], expected, 3)
    assert "Adobe RGB" in decoded.info.colour_profile


def test_lab_profile_image_is_converted(tmp_path: Path) -> None:
    # A Lab-mode image (as from a Lab TIFF): L=100%, a=b=0 is white; L=50% is mid grey.
    lab = Image.new("LAB", (2, 1))
    lab.putpixel((0, 0), (255, 128, 128))
    lab.putpixel((1, 0), (128, 128, 128))
    path = tmp_path / "lab.tif"
    lab.save(path)
    decoded = decode_for_display(path)
    white, grey = rgba_at(decoded, 0, 0), rgba_at(decoded, 1, 0)
    assert near(white[:3], (255, 255, 255), 4)
    # L* = 50 is sRGB ~119 (not 128: Lab lightness is not sRGB's curve).
    assert near(grey[:3], (119, 119, 119), 5)


def test_unmatched_profile_is_ignored_not_garbled(tmp_path: Path) -> None:
    path = tmp_path / "grey-with-rgb-profile.png"
    Image.new("L", (2, 2), 77).save(path, icc_profile=_adobe_rgb_profile())
    assert rgba_at(decode_for_display(path), 0, 0) == (77, 77, 77, 255)


def test_reduced_jpeg_preview_uses_draft(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    Image.new("RGB", (2000, 1000), (120, 80, 40)).save(path, quality=85)
    preview = decode_for_display(path, max_side=300)
    assert max(preview.width, preview.height) <= 300
    assert preview.is_reduced
    assert (preview.info.width, preview.info.height) == (2000, 1000)
    assert near(rgba_at(preview, 10, 10)[:3], (120, 80, 40), 4)


def test_progressive_png_yields_preview_then_full(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("RGBA", (900, 300), (1, 2, 3, 200)).save(path)
    stages = list(decode_progressive(path, 256))
    assert [(s.width, s.is_reduced) for s in stages] == [(256, True), (900, False)]
    assert near(rgba_at(stages[0], 5, 5), (1, 2, 3, 200), 1)


def test_premultiplied_layout_for_qt(tmp_path: Path) -> None:
    path = tmp_path / "half.png"
    Image.new("RGBA", (1, 1), (200, 100, 50, 128)).save(path)
    decoded = decode_for_display(path, layout="BGRa")
    b, g, r, a = decoded.data[:4]
    assert a == 128
    assert near((r, g, b), (100, 50, 25), 1)  # premultiplied by alpha, in B, G, R order


def test_halve_averages_pixels(tmp_path: Path) -> None:
    path = tmp_path / "stripes.png"
    image = Image.new("RGB", (4, 2), (0, 0, 0))
    image.putpixel((0, 0), (200, 200, 200))
    image.putpixel((0, 1), (200, 200, 200))
    image.save(path)
    half = halve(decode_for_display(path))
    assert (half.width, half.height) == (2, 1)
    assert rgba_at(half, 0, 0) == (100, 100, 100, 255)
    assert rgba_at(half, 1, 0) == (0, 0, 0, 255)


def test_too_many_pixels_is_a_clear_error(tmp_path: Path) -> None:
    path = png_header_only(tmp_path / "huge.png", 12_000, 10_000)
    with pytest.raises(DecodeError, match="too large"):
        decode_for_display(path)


def test_ten_thousand_square_is_allowed_by_the_limit() -> None:
    assert DISPLAY_PIXEL_LIMIT >= 10_000 * 10_000
    assert Image.MAX_IMAGE_PIXELS is not None  # raised deliberately, never switched off
    assert Image.MAX_IMAGE_PIXELS >= DISPLAY_PIXEL_LIMIT


def test_truncated_and_non_images_fail_clearly(tmp_path: Path) -> None:
    good = tmp_path / "good.png"
    Image.effect_noise((64, 64), 40).convert("RGB").save(good)
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(good.read_bytes()[:-400])
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(DecodeError, match=r"cut\.png"):
        decode_for_display(truncated)
    with pytest.raises(DecodeError, match="Not an image"):
        decode_for_display(text)
    with pytest.raises(DecodeError, match="not found"):
        decode_for_display(tmp_path / "missing.png")


def test_thumbnail_is_small_upright_and_coloured(tmp_path: Path) -> None:
    thumb = make_thumbnail(rotated_jpeg(tmp_path / "rotated.jpg"), size=24)
    assert (thumb.width, thumb.height) == (12, 24)
    assert near(rgba_at(thumb, 6, 1)[:3], RED, 20)
    assert near(rgba_at(thumb, 6, 22)[:3], GREEN, 20)


def test_thumbnail_of_a_large_jpeg_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "large.jpg"
    Image.new("RGB", (3000, 2000), (10, 120, 230)).save(path)
    thumb = make_thumbnail(path)
    assert (thumb.width, thumb.height) == (96, 64)
    assert near(rgba_at(thumb, 40, 30)[:3], (10, 120, 230), 4)


def test_big_images_are_packed_in_bands_identically(tmp_path: Path) -> None:
    # Over 2 MB of RGBA takes the banded path (a memory map, not one big join).
    noise = Image.merge("RGB", [Image.effect_noise((1500, 1500), 80 + n) for n in range(3)])
    path = tmp_path / "noise.png"
    noise.save(path, compress_level=1)
    decoded = decode_for_display(path, layout="BGRa")
    assert not isinstance(decoded.data, bytes)
    assert decoded.data[:] == noise.convert("RGBA").tobytes("raw", "BGRa")
    half = halve(decoded)
    assert (half.width, half.height) == (750, 750)


def test_srgb_profile_is_recognised_and_left_alone(tmp_path: Path) -> None:
    with Image.open(SAMPLES / "astronaut.png") as sample:
        srgb = sample.info["icc_profile"]
    path = tmp_path / "srgb.png"
    Image.new("RGB", (2, 2), (60, 170, 90)).save(path, icc_profile=srgb)
    decoded = decode_for_display(path)
    assert rgba_at(decoded, 0, 0) == (60, 170, 90, 255)  # exactly: no round trip through LCMS
    assert decoded.info.colour_profile.startswith("sRGB")
    # Another RGB profile is not mistaken for sRGB (it is converted, see the Adobe RGB test).
    adobe = ImageCms.ImageCmsProfile(io.BytesIO(_adobe_rgb_profile()))
    assert not is_srgb(adobe)
    assert is_srgb(ImageCms.ImageCmsProfile(io.BytesIO(srgb)))


def _palette_alpha() -> Image.Image:
    image = Image.new("PA", (2, 2), (3, 100))
    image.putpalette([0, 0, 0] * 3 + [200, 100, 50] + [0] * (252 * 3))
    return image


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: Image.new("LA", (2, 2), (90, 100)).convert("La"), (89, 89, 89, 100)),
        (lambda: Image.new("RGBA", (2, 2), (10, 200, 30, 100)).convert("RGBa"), (10, 198, 30, 100)),
        (_palette_alpha, (200, 100, 50, 100)),
        (lambda: Image.new("1", (2, 2), 1), (255, 255, 255)),
        (lambda: Image.new("F", (2, 2), 0.5), (128, 128, 128)),
        (lambda: Image.new("I;16B", (2, 2), 40000), (156, 156, 156)),
        (lambda: Image.new("YCbCr", (2, 2), (128, 128, 128)), (128, 128, 128)),
    ],
    ids=["La", "RGBa", "PA", "1", "F", "I;16B", "YCbCr"],
)
def test_every_pillow_mode_becomes_rgb_or_rgba(make, expected) -> None:  # type: ignore[no-untyped-def]
    shown = to_display_image(make())
    assert shown.mode == ("RGBA" if len(expected) == 4 else "RGB")
    assert near(shown.getpixel((0, 0)), expected, 2)
