"""The grid's images: one decode per file in a worker, fitted to the cell there too (so a paint
only copies pixels), a new cell size fitted again from the kept decode without decoding, one
`ready` for a burst of arrivals, and a broken file asked for once."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_helpers import SAMPLES
from PySide6.QtGui import QImage

from app.domain.jobs import Job
from ui.review import fitted_images
from ui.review.fitted_images import FittedImages


def test_decoded_once_fitted_off_the_gui_thread_and_refitted_without_decoding(
    qtbot: Any, job_factory: Callable[..., Job], tmp_path: Path, monkeypatch: Any
) -> None:
    decoded_in: list[tuple[str, str]] = []
    real = fitted_images.decode_thumbnail

    def counting(path: str, size: int) -> QImage:
        decoded_in.append((path, threading.current_thread().name))
        return real(path, size)

    monkeypatch.setattr(fitted_images, "decode_thumbnail", counting)
    rocket = Path(shutil.copy(SAMPLES / "rocket.jpg", tmp_path / "rocket.jpg"))  # 640 x 427
    coffee = Path(shutil.copy(SAMPLES / "coffee.png", tmp_path / "coffee.png"))  # 600 x 400
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg at all")
    images = FittedImages(
        lambda job: job.input_path, decode_size=256, capacity=10, fitted_capacity=10, workers=2
    )
    try:
        images.set_side(176)
        same = [job_factory(input_path=str(rocket)) for _ in range(3)]
        other = job_factory(input_path=str(coffee))
        batches: list[list[str]] = []
        images.ready.connect(batches.append)
        # Many repaints of four cells over two files...
        for _ in range(5):
            assert all(images.image_for(job) is None for job in [*same, other])
        asked = sorted(job.id for job in [*same, other])
        qtbot.waitUntil(lambda: sorted(i for b in batches for i in b) == asked, timeout=10000)
        # ...two decodes in workers, and every cell that asked named once, a file's cells
        # together (both files' when they land in one turn of the loop).
        assert len(batches) <= 2 and images.pending() == 0
        assert sorted(path for path, _thread in decoded_in) == sorted([str(rocket), str(coffee)])
        assert all(thread.startswith("grid-thumbnail") for _path, thread in decoded_in)
        image = images.image_for(same[0])
        assert image is not None
        assert (image.width(), image.height()) == (176, 117)  # fitted: painted without scaling
        assert image.format() == QImage.Format.Format_ARGB32_Premultiplied

        # A new cell size: the kept decode stands in at once, and is fitted again, not decoded.
        images.set_side(96)
        with qtbot.waitSignal(images.ready, timeout=10000) as ready:
            stand_in = images.image_for(same[1])
            assert stand_in is not None and stand_in.width() == 256
        assert ready.args[0] == [same[1].id]
        refitted = images.image_for(same[1])
        assert refitted is not None and (refitted.width(), refitted.height()) == (96, 64)
        assert len(decoded_in) == 2

        bad = job_factory(input_path=str(broken))
        images.image_for(bad)
        qtbot.waitUntil(lambda: images.pending() == 0, timeout=10000)
        decodes = len(decoded_in)
        assert images.image_for(bad) is None
        assert images.pending() == 0 and len(decoded_in) == decodes  # not asked again
    finally:
        images.shutdown()
