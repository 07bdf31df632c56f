"""Fixtures for the viewer: small generated images and a shown CompareViewer."""

from __future__ import annotations

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
