"""The size rule: exactly the size Pillow's thumbnail() gives, which is what the service does."""

from __future__ import annotations

import random

import pytest
from PIL import Image

from app.imaging.downscale import MAX_SERVICE_SIDE, service_size


def thumbnail_size(width: int, height: int, box: int) -> tuple[int, int]:
    # NEAREST without a reducing gap: the same size computation, at a fraction of the cost.
    image = Image.new("L", (width, height))
    image.thumbnail((box, box), Image.Resampling.NEAREST, reducing_gap=None)
    return image.size


@pytest.mark.parametrize("box", [37, 64])
def test_every_size_up_to_three_times_the_box_matches_thumbnail(box: int) -> None:
    mismatches = []
    for width in range(1, 3 * box):
        for height in range(1, 3 * box):
            # None means "kept as it is", which thumbnail shows by leaving the size alone.
            ours = service_size(width, height, box) or (width, height)
            expected = thumbnail_size(width, height, box)
            if ours != expected:
                mismatches.append(((width, height), ours, expected))
    assert mismatches == []


CAMERA_SIZES = [
    (6000, 4000),
    (4000, 6000),
    (4186, 1000),  # thumbnail rounds 978.4996 up for landscape (closest aspect), down for portrait
    (1000, 4186),
    (8192, 301),
    (4097, 4097),
    (4097, 1),
    (1, 4097),
    (9999, 4097),
    (5472, 3648),
    (7952, 5304),
]


def test_camera_sizes_match_thumbnail_at_the_real_limit() -> None:
    rnd = random.Random(13)
    sizes = CAMERA_SIZES + [(rnd.randint(4097, 6500), rnd.randint(1, 6500)) for _ in range(30)]
    for width, height in sizes:
        assert service_size(width, height) == thumbnail_size(width, height, MAX_SERVICE_SIDE), (
            width,
            height,
        )


def test_inputs_within_the_limit_are_kept() -> None:
    assert service_size(4096, 4096) is None
    assert service_size(4096, 1) is None
    assert service_size(1, 1) is None
    assert service_size(4097, 1) == (4096, 1)


def test_the_rule_is_not_symmetric_under_a_quarter_turn() -> None:
    # Why the scaler computes a rotated picture's size upright, then turns it back.
    assert service_size(4186, 1000) == (4096, 979)
    assert service_size(1000, 4186) == (978, 4096)
