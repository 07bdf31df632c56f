"""Fixtures for the viewer: small generated images and a shown CompareViewer."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from viewer_helpers import VIEWER_SIZE, solid


@pytest.fixture
def images(tmp_path: Path) -> Callable[..., str]:
    """images(name, size, colour, mode="RGB") -> path of a solid-colour file in tmp_path."""

    def make(name: str, size: tuple[int, int], colour: tuple[int, ...], mode: str = "RGB") -> str:
        return solid(tmp_path / name, size, colour, mode)

    return make


@pytest.fixture
def viewer(qtbot) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from ui.viewer import CompareViewer

    widget = CompareViewer(prefetch=False)
    qtbot.addWidget(widget)
    widget.resize(*VIEWER_SIZE)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()  # joins decoding threads: nothing may outlive the test


@pytest.fixture(autouse=True)
def no_release_thread_left() -> Iterator[None]:
    """Big decoded images are freed on a thread that ends when idle: wait for it to end."""
    yield
    from app.imaging.release import release_thread_idle

    deadline = time.monotonic() + 10
    while not release_thread_idle():
        assert time.monotonic() < deadline, "the pixel release thread never went idle"
        time.sleep(0.02)
