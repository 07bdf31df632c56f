"""Inputs over 4096 px a side are scaled down before processing, by one written-down rule."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.sandbox.images import scaled_size

from .helpers import Api, decode, product_image

# "Background to white" keeps the size of what it is given: the result shows the processing size.
KEEPS_SIZE = "Background to white"


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((5000, 300), (4096, 246)),  # 245.76 -> 246
        ((8192, 301), (4096, 151)),  # exactly 150.5: halves round up
        ((200, 4500), (182, 4096)),  # portrait: the long side is the height
        ((4096, 100), (4096, 100)),  # at the limit: kept
        ((4097, 4097), (4096, 4096)),
    ],
)
def test_the_long_side_becomes_4096_and_the_aspect_is_kept(
    api: Api, size: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert scaled_size(*size) == expected
    assert decode(api.run(KEEPS_SIZE, product_image(size=size, quality=60))).size == expected


def test_an_input_scaled_by_the_client_first_gives_the_same_pixel_size(api: Api) -> None:
    original = product_image(size=(6000, 700), quality=60)
    direct = decode(api.run(KEEPS_SIZE, original))
    scaled = decode(original).resize(scaled_size(6000, 700), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    scaled.save(out, "JPEG", quality=90)
    pre_scaled = decode(api.run(KEEPS_SIZE, out.getvalue(), "pre-scaled.jpg"))
    assert direct.size == pre_scaled.size == scaled.size == (4096, 478)


def test_the_rule_applies_to_the_upright_image(api: Api) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown portrait
    turned = product_image(size=(4500, 200), quality=60, exif=exif.tobytes())
    assert decode(api.run(KEEPS_SIZE, turned)).size == (182, 4096)


def test_the_rule_itself() -> None:
    assert scaled_size(6000, 4000) == (4096, 2731)  # 2730.67
    assert scaled_size(4000, 6000) == (2731, 4096)
    assert scaled_size(10_000, 1) == (4096, 1)  # never thinner than a pixel
    assert scaled_size(10_000, 10_000) == (4096, 4096)
    assert scaled_size(300, 200) == (300, 200)
