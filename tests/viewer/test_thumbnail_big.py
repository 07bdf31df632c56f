"""Thumbnails of big PNG/TIFF pictures take the viewer's mapped, banded path, same pixels.

Structural guards, not timings (measured by hand: a 100 MP PNG's thumbnail held the GIL up to
~70 ms, now a few ms): Pillow never allocates a full-size picture of its own for the
thumbnail of a big PNG or TIFF (its decoder writes into our memory map, which is unmapped on
the release thread), while small pictures and JPEGs keep the fast path. The thumbnail looks
like the one the fast path makes of the same file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from app.imaging import decode, mapped_decode, release, thumbnail
from app.imaging.facts import open_checked
from app.imaging.packing import DecodedImage
from app.imaging.release import PixelMap
from app.imaging.thumbnail import BIG_PICTURE_PIXELS, make_thumbnail

BIG = (1800, 1300)  # over BIG_PICTURE_PIXELS, and over mapped_decode.py's threshold


def picture(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Gradients and sharp shapes: a thumbnail of noise would be flat grey and prove little."""
    ramp = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", [ramp, ramp.transpose(Image.Transpose.ROTATE_90).resize(size), ramp])
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w // 5, h // 5, w // 2, h // 2), fill=(230, 20, 40))
    draw.rectangle((w * 3 // 5, h // 3, w * 9 // 10, h * 4 // 5), fill=(10, 180, 60))
    if mode == "RGBA":
        image.putalpha(ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    return image


def save(image: Image.Image, path: Path) -> Path:
    if path.suffix == ".png":
        image.save(path, compress_level=1)
    elif path.suffix == ".tif":
        image.save(path, compression="tiff_deflate")
    else:
        image.save(path, quality=90)
    return path


class PillowAllocations:
    """Sizes of the pictures Pillow allocates in its own memory to load a file into."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[tuple[int, int]] = []
        real: Callable[..., object] = Image.core.new

        def new(mode: str, size: tuple[int, int], *args: object) -> object:
            self.sizes.append(tuple(size))  # type: ignore[arg-type]
            return real(mode, size, *args)

        monkeypatch.setattr(Image.core, "new", new)

    def full_size(self, size: tuple[int, int]) -> bool:
        return tuple(size) in self.sizes


def fast_path(path: Path, size: int) -> DecodedImage:
    """The thumbnail as it was made before big pictures had a path of their own."""
    with open_checked(path) as im:
        return thumbnail._thumbnail_in_pillow(im, path, size, "RGBA")


def premultiplied(thumb: DecodedImage) -> Image.Image:
    """As seen over any background: the colour of a nearly transparent pixel does not show."""
    return Image.frombytes("RGBA", (thumb.width, thumb.height), bytes(thumb.data)).convert("RGBa")


@pytest.mark.parametrize(
    ("name", "mode"), [("big.png", "RGB"), ("big.png", "RGBA"), ("big.tif", "RGB")]
)
def test_a_big_picture_is_decoded_into_our_map_not_pillows_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, mode: str
) -> None:
    path = save(picture(BIG, mode), tmp_path / name)
    assert BIG[0] * BIG[1] >= BIG_PICTURE_PIXELS
    # The guard can fail: Pillow's own load of the same file allocates the full picture.
    before = PillowAllocations(monkeypatch)
    with Image.open(path) as plain:
        plain.load()
    assert before.full_size(BIG)
    expected = fast_path(path, 48)

    mapped: list[bool] = []
    real_map = decode.decode_into_map

    def decode_into_map(*args: object) -> Image.Image | None:
        stored = real_map(*args)  # type: ignore[arg-type]
        mapped.append(stored is not None)
        return stored

    monkeypatch.setattr(decode, "decode_into_map", decode_into_map)
    allocations = PillowAllocations(monkeypatch)
    thumb = make_thumbnail(path, 48)
    assert mapped == [True]
    assert not allocations.full_size(BIG)
    assert (thumb.width, thumb.height) == (expected.width, expected.height) == (48, 35)
    assert thumb.info == expected.info
    difference = ImageChops.difference(premultiplied(thumb), premultiplied(expected))
    worst = max(high for _low, high in difference.getextrema())  # type: ignore[union-attr]
    assert worst <= 12, f"thumbnails differ by up to {worst} levels"
    mean = max(ImageStat.Stat(difference).mean)
    assert mean <= 1.0, f"thumbnails differ by {mean:.2f} levels on average"


def test_a_big_pictures_map_is_handed_to_the_release_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unmapping ~400 MB takes ~80 ms: the thumbnail worker must not do it while the GUI thread
    # waits for the GIL. The map is a PixelMap, whose finaliser gives it to the release thread
    # (release.py; its tests prove the unmapping happens there).
    path = save(picture(BIG), tmp_path / "big.png")
    made: list[int] = []
    handed_over: list[int] = []

    def recorded_map(fileno: int, length: int) -> PixelMap:
        made.append(length)
        return PixelMap(fileno, length)

    real_take = release._releaser.take

    def take(dying: object) -> None:
        handed_over.append(len(dying))  # type: ignore[arg-type]
        real_take(dying)

    monkeypatch.setattr(mapped_decode, "PixelMap", recorded_map)
    monkeypatch.setattr(release._releaser, "take", take)
    make_thumbnail(path, 48)
    assert made == [BIG[0] * BIG[1] * 4]  # the decoded picture, and nothing else that big
    assert handed_over == made  # let go of by the time the thumbnail is returned


@pytest.mark.parametrize(
    ("name", "size"),
    [("small.png", (900, 700)), ("small.tif", (900, 700)), ("big.jpg", BIG)],
)
def test_small_pictures_and_jpegs_keep_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, size: tuple[int, int]
) -> None:
    path = save(picture(size), tmp_path / name)
    expected = fast_path(path, 48)
    used_viewer_path: list[str] = []
    real = thumbnail.decode_for_display
    monkeypatch.setattr(
        thumbnail,
        "decode_for_display",
        lambda *args, **kwargs: used_viewer_path.append("yes") or real(*args, **kwargs),
    )
    thumb = make_thumbnail(path, 48)
    assert used_viewer_path == []
    assert bytes(thumb.data) == bytes(expected.data)
