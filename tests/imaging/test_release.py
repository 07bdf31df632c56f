"""Big pixel buffers dropped on any thread are unmapped on the release thread."""

from __future__ import annotations

import threading
import weakref

from app.imaging.release import PixelMap


def test_maps_dropped_one_after_another_are_all_unmapped_on_the_release_thread() -> None:
    # The first drop starts the release thread while the dropping thread is still inside the
    # finaliser: the release thread must not let go first (the unmapping would then happen on
    # the dropping thread, which is the GUI thread in the viewer).
    freed_on: list[str] = []
    all_freed = threading.Event()
    count = 30

    def freed() -> None:
        freed_on.append(threading.current_thread().name)
        if len(freed_on) == count:
            all_freed.set()

    for _ in range(count):
        pixels = PixelMap(-1, 1 << 20)
        pixels[:4] = b"\xff\xff\xff\xff"  # touched, as decoded pixels are
        weakref.finalize(pixels, freed)
        del pixels
    assert all_freed.wait(timeout=10)
    assert set(freed_on) == {"pixel-release"}
