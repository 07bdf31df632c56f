"""On a HiDPI screen 100% means one image pixel per *device* pixel, not per logical pixel."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("hidpi_probe.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("scale", ["1", "2"])
def test_hundred_percent_is_one_device_pixel_per_image_pixel(tmp_path: Path, scale: str) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, str(PROBE), str(tmp_path / "stripes.png")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    ratio, zoom, *row = done.stdout.split()
    assert float(ratio) == float(scale)
    assert float(zoom) == 1.0
    values = [int(v) for v in row]
    assert set(values) == {0, 255}  # crisp: no greys from resampling
    assert all(a != b for a, b in itertools.pairwise(values))  # 1 device px stripes
