"""The viewer's last mile, driven by keys and checked on rendered pixels: the divider at a
fraction of the image as shown, the difference mode, a cut-out's mask, result versions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from viewer_helpers import BLUE, GREEN, RED, close_to, pixel, wait_loaded

from ui.viewer import CompareMode, CompareViewer, ViewerItem
from ui.viewer import difference as difference_module
from ui.viewer.canvas import WINDOW_COLOUR
from ui.viewer.versions import ViewerVersion

WINDOW = (WINDOW_COLOUR.red(), WINDOW_COLOUR.green(), WINDOW_COLOUR.blue())


def show(viewer: CompareViewer, original: str, result: str, job_id: str = "job-1") -> None:
    viewer.set_items([ViewerItem(job_id, original, result, "shot.png", status="done")], 0)


@pytest.mark.parametrize(
    ("key", "fraction"), [(Qt.Key.Key_1, 0.25), (Qt.Key.Key_2, 0.5), (Qt.Key.Key_3, 0.75)]
)
def test_number_keys_divide_a_fitted_portrait_image_not_the_pane(  # type: ignore[no-untyped-def]
    viewer, images, qtbot, key, fraction
) -> None:
    # A portrait product shot fitted into a landscape window: the image is a narrow column
    # in the middle, and 25% / 75% of the pane would land beside it.
    show(viewer, images("o.png", (300, 800), RED), images("r.png", (300, 800), BLUE))
    wait_loaded(qtbot, viewer)
    viewer.set_mode(CompareMode.RESULT)
    qtbot.keyClick(viewer.canvas, key)
    assert viewer.mode() is CompareMode.SPLIT
    left, right = viewer.canvas.image_span()
    assert right - left < viewer.canvas.width() / 2  # a column, not the whole pane
    x = viewer.canvas.divider_x()
    assert abs(x - (left + fraction * (right - left))) <= 1
    y = viewer.canvas.height() // 2 + 40  # below the divider's grip
    assert close_to(pixel(viewer, x - 6, y), RED)
    assert close_to(pixel(viewer, x + 6, y), BLUE)
    assert close_to(pixel(viewer, round(left) - 6, y), WINDOW)  # the image ends where it did


def test_difference_mode_shows_what_changed_amplified_off_the_gui_thread(  # type: ignore[no-untyped-def]
    viewer, tmp_path: Path, qtbot, monkeypatch
) -> None:
    original = Image.new("RGB", (400, 300), RED)
    result = original.copy()
    result.paste((RED[0] + 10, RED[1], RED[2]), (0, 0, 100, 300))  # a slight shift: +10 red
    result.paste(BLUE, (250, 100, 350, 200))  # a big change
    original.save(tmp_path / "o.png")
    result.save(tmp_path / "r.png")
    made_on: list[str] = []
    real = difference_module.difference  # type: ignore[attr-defined]

    def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
        made_on.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(difference_module, "difference", recorded)
    show(viewer, str(tmp_path / "o.png"), str(tmp_path / "r.png"))
    wait_loaded(qtbot, viewer)
    with qtbot.waitSignal(viewer.differenceShown, timeout=5000):
        qtbot.keyClick(viewer.canvas, Qt.Key.Key_C)
    assert viewer.mode() is CompareMode.DIFFERENCE
    assert made_on and threading.main_thread().name not in made_on
    canvas = viewer.canvas
    place = canvas.placement()

    def at(x: int, y: int) -> tuple[int, int, int]:  # an image pixel, where it is on screen
        screen_x, screen_y = place.to_pane(x + 0.5, y + 0.5)
        return pixel(viewer, int(screen_x), int(screen_y))

    assert close_to(at(200, 250), (0, 0, 0), tolerance=2)  # unchanged: black
    assert close_to(at(50, 250), (40, 0, 0), tolerance=6)  # +10 shown as +40
    assert close_to(at(300, 150), (255, 120, 255), tolerance=8)  # |220-30|, |30-60|, |30-220|
    qtbot.keyClick(canvas, Qt.Key.Key_S)  # back to split: the difference is not painted
    assert close_to(at(300, 150), BLUE)


def test_a_cut_outs_transparency_shows_as_a_mask_over_the_original(  # type: ignore[no-untyped-def]
    viewer, tmp_path: Path, qtbot
) -> None:
    Image.new("RGB", (400, 300), GREEN).save(tmp_path / "o.png")
    cut_out = Image.new("RGBA", (400, 300), (*BLUE, 255))
    cut_out.paste((0, 0, 0, 0), (0, 0, 200, 300))  # the left half cut away
    cut_out.save(tmp_path / "r.png")
    show(viewer, str(tmp_path / "o.png"), str(tmp_path / "r.png"))
    wait_loaded(qtbot, viewer)
    viewer.set_mode(CompareMode.RESULT)
    place = viewer.canvas.placement()
    y = int(place.to_pane(0, 150)[1])
    removed = int(place.to_pane(100, 0)[0])
    kept = int(place.to_pane(300, 0)[0])
    checker = pixel(viewer, removed, y)
    assert checker[0] == checker[1] == checker[2]  # grey squares behind what was cut away
    assert not viewer.mask_overlay()
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_M)
    assert viewer.mask_overlay() and viewer.actions_.mask_overlay.isChecked()
    red, green, blue = pixel(viewer, removed, y)  # the original, tinted red
    assert red > 120 and 70 < green < 130 and blue < 70, (red, green, blue)
    assert close_to(pixel(viewer, kept, y), BLUE)  # what the cut-out kept, as it is
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_M)
    assert not viewer.mask_overlay()
    assert pixel(viewer, removed, y) == checker


def test_versions_are_named_and_stepped_with_v(viewer, images, qtbot) -> None:  # type: ignore[no-untyped-def]
    original = images("o.png", (400, 300), GREEN)
    first = images("r.png", (400, 300), RED)
    second = images("r_v2.png", (400, 300), BLUE)
    show(viewer, original, second)
    wait_loaded(qtbot, viewer)
    assert viewer.version_text() == ""
    viewer.set_versions(
        "job-1",
        [
            ViewerVersion(1, first, "Cut-out"),
            ViewerVersion(2, second, "Cut-out, white", current=True),
        ],
    )
    assert viewer.version_text() == "version 2 of 2 (Cut-out, white)"
    assert "Version 2 of 2" in viewer.info_label.text()
    viewer.set_mode(CompareMode.RESULT)
    centre = (viewer.canvas.width() // 2, viewer.canvas.height() // 2)
    assert close_to(pixel(viewer, *centre), BLUE)
    marks: list[tuple[str, str]] = []
    viewer.reviewRequested.connect(lambda job, verdict: marks.append((job, verdict)))

    qtbot.keyClick(viewer.canvas, Qt.Key.Key_V)
    wait_loaded(qtbot, viewer)
    assert viewer.version_text() == "version 1 of 2 (Cut-out)"
    assert viewer.current_item().result_path == first
    assert close_to(pixel(viewer, *centre), RED)
    assert not viewer.actions_.accept.isEnabled()  # a mark belongs to the current result
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_A)
    assert marks == []

    qtbot.keyClick(viewer.canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ShiftModifier)
    wait_loaded(qtbot, viewer)
    assert viewer.version_text().startswith("version 2 of 2")
    assert close_to(pixel(viewer, *centre), BLUE)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_A)
    assert marks == [("job-1", "accepted")]
