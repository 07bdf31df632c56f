"""One size convention per purpose, the same for every format.

The probe (what a job records) reports the size the file stores; the viewer's facts report the
upright size. Pillow's TIFF reader alone reports the upright size as its own `size`, so a
portrait TIFF used to be recorded turned while a portrait JPEG or PNG was not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from app.imaging.facts import read_info
from app.imaging.probe import probe_image

STORED = (300, 200)


def portrait(path: Path) -> Path:
    """Stored landscape, with EXIF orientation 6: shown as a 200 x 300 portrait."""
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.effect_noise(STORED, 40).convert("RGB").save(path, exif=exif.tobytes())
    return path


@pytest.mark.parametrize("name", ["portrait.jpg", "portrait.png", "portrait.tif", "portrait.webp"])
def test_the_probe_reports_the_stored_size(tmp_path: Path, name: str) -> None:
    result = probe_image(portrait(tmp_path / name))
    assert result.ok, result.reason
    assert (result.width, result.height) == STORED


@pytest.mark.parametrize("name", ["portrait.jpg", "portrait.png", "portrait.tif", "portrait.webp"])
def test_the_viewer_reports_the_upright_size(tmp_path: Path, name: str) -> None:
    info = read_info(portrait(tmp_path / name))
    assert (info.width, info.height) == (STORED[1], STORED[0])
