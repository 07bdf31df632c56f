"""Reading how a WebP was encoded: lossless or lossy, animated or not, and the lossy quality."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image

from app.imaging.webp_encoding import webp_encoding

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


@pytest.fixture(scope="module")
def photographs() -> list[Image.Image]:
    return [Image.open(SAMPLES / name).convert("RGB") for name in ("astronaut.png", "coffee.png")]


@pytest.mark.parametrize("quality", [20, 50, 75, 90, 97])
def test_quality_of_photographs_is_estimated_within_a_few_points(
    tmp_path: Path, photographs: list[Image.Image], quality: int
) -> None:
    for index, photo in enumerate(photographs):
        path = tmp_path / f"{index}.webp"
        photo.save(path, "WEBP", quality=quality)
        encoding = webp_encoding(path)
        assert encoding is not None
        assert not encoding.lossless and not encoding.animated
        assert encoding.quality is not None
        assert quality - 1 <= encoding.quality <= quality + 3, (index, encoding.quality)


@pytest.mark.parametrize("quality", [30, 60, 85])
def test_the_estimate_never_falls_below_the_source_quality(tmp_path: Path, quality: int) -> None:
    # Pure noise sits at the far end of libwebp's noise shaping: the estimate errs high there.
    rnd = random.Random(quality)
    noise = Image.frombytes("RGB", (160, 120), rnd.randbytes(160 * 120 * 3))
    path = tmp_path / "noise.webp"
    noise.save(path, "WEBP", quality=quality)
    encoding = webp_encoding(path)
    assert encoding is not None and encoding.quality is not None
    assert quality - 1 <= encoding.quality <= quality + 20


def test_lossless_animated_and_extended_files_are_told_apart(tmp_path: Path) -> None:
    frame = Image.new("RGB", (40, 30), (10, 120, 200))
    frame.save(tmp_path / "lossless.webp", "WEBP", lossless=True)
    frame.save(tmp_path / "profiled.webp", "WEBP", quality=80, icc_profile=b"p" * 999)
    frame.convert("RGBA").save(tmp_path / "alpha.webp", "WEBP", quality=80)
    frame.save(
        tmp_path / "animated.webp",
        "WEBP",
        save_all=True,
        append_images=[Image.new("RGB", (40, 30), (200, 10, 10))],
    )
    lossless = webp_encoding(tmp_path / "lossless.webp")
    assert lossless is not None and lossless.lossless and lossless.quality is None
    for name in ("profiled.webp", "alpha.webp"):  # VP8X first, the frame after other chunks
        extended = webp_encoding(tmp_path / name)
        assert extended is not None and not extended.lossless and not extended.animated
        assert extended.quality is not None and 75 <= extended.quality <= 85
    animated = webp_encoding(tmp_path / "animated.webp")
    assert animated is not None and animated.animated


def test_a_file_that_is_not_webp_gives_none(tmp_path: Path) -> None:
    (tmp_path / "a.webp").write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt ")
    (tmp_path / "b.webp").write_bytes(b"RIFF\x10\x00\x00\x00WEBPVP8 ")
    assert webp_encoding(tmp_path / "a.webp") is None
    assert webp_encoding(tmp_path / "b.webp") is None
