"""Zoom/pan arithmetic and the bounded cache: the parts that must be right before any pixel."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ui.viewer.cache import ImageCache
from ui.viewer.viewport import Size, Viewport, fit_zoom, next_step, parse_zoom_text

IMAGE = Size(4000, 3000)
PANE = Size(800, 600)


def test_fit_never_enlarges() -> None:
    assert fit_zoom(IMAGE, PANE) == pytest.approx(0.2)
    assert fit_zoom(Size(100, 50), PANE) == 1.0


def test_zoom_at_keeps_the_point_under_the_cursor() -> None:
    view = Viewport()
    cursor = (610.0, 130.0)
    before = view.placement(IMAGE, PANE).to_image(*cursor)
    view.zoom_at(1.0, *cursor, IMAGE, PANE)
    after = view.placement(IMAGE, PANE).to_image(*cursor)
    assert not view.fit
    assert view.zoom == 1.0
    assert after == pytest.approx(before, abs=1.0)  # origins snap to whole pixels


def test_pan_moves_the_image_with_the_hand_and_stays_on_screen() -> None:
    view = Viewport(fit=False, zoom=1.0)
    origin = view.placement(IMAGE, PANE)
    view.pan_by(40, -25, IMAGE, PANE)
    moved = view.placement(IMAGE, PANE)
    assert (moved.origin_x - origin.origin_x, moved.origin_y - origin.origin_y) == (40, -25)
    view.pan_by(10**6, 10**6, IMAGE, PANE)
    assert (view.centre_x, view.centre_y) == (0.0, 0.0)  # clamped: image never lost


def test_zoom_ladder_and_typed_levels() -> None:
    assert next_step(1.0, 1) == 1.5
    assert next_step(1.0, -1) == pytest.approx(2 / 3)
    assert next_step(0.2, 1) == 0.25
    assert parse_zoom_text("150%") == 1.5
    assert parse_zoom_text(" 50 ") == 0.5
    assert parse_zoom_text("2x") == 2.0
    assert parse_zoom_text("12,5 %") == 0.125
    assert parse_zoom_text("abc") is None
    assert parse_zoom_text("-3") is None
    assert parse_zoom_text("100000") == 32.0  # clamped to the maximum


@dataclass
class Blob:
    byte_size: int


def test_cache_is_bounded_by_count_and_bytes_and_keeps_pins() -> None:
    cache: ImageCache[Blob] = ImageCache(max_items=3, max_bytes=100)
    for key in "abcd":
        cache.put(key, Blob(10))
    assert "a" not in cache and len(cache) == 3  # count bound, oldest out
    cache.get("b")  # b becomes the most recent
    cache.put("e", Blob(80))
    # 4 entries, 110 bytes: the oldest (c) goes, which satisfies both bounds.
    assert "c" not in cache and {"d", "b", "e"} <= {k for k in "abcde" if k in cache}
    assert cache.byte_size == 100
    cache.pin(["b", "e"])
    cache.put("f", Blob(90))
    assert "b" in cache and "e" in cache  # pinned: on screen, never evicted
    assert "d" not in cache and "f" not in cache  # all unpinned ones go to meet the bound
    assert cache.byte_size == 90
