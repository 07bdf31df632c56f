"""The viewer as a retoucher uses it, checked on its rendered pixels (canvas.grab())."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication
from viewer_helpers import BLUE, GREEN, RED, close_to, pixel, rotated_jpeg, wait_loaded

from ui.viewer import BackgroundKind, CompareMode, CompareViewer, ViewerItem
from ui.viewer.canvas import WHEEL_STEP
from ui.viewer.loader import PREVIEW_SIDE
from ui.viewer.overlays import CHECKER_DARK, CHECKER_LIGHT
from ui.viewer.viewport import Size


def item(job_id: str, original: str, result: str, **extra: object) -> ViewerItem:
    return ViewerItem(job_id, original, result, f"{job_id}.jpg", **extra)  # type: ignore[arg-type]


def centre(viewer: CompareViewer) -> tuple[int, int]:
    return viewer.canvas.width() // 2, viewer.canvas.height() // 2


def below_grip(viewer: CompareViewer) -> int:
    """A row clear of the divider's round grip (which sits at mid-height)."""
    return viewer.canvas.height() // 2 + 40


@pytest.fixture
def red_blue(viewer: CompareViewer, images) -> CompareViewer:  # type: ignore[no-untyped-def]
    """The viewer showing one job: a red original and a blue result, both 800 x 400."""
    original = images("original.png", (800, 400), RED)
    result = images("result.png", (800, 400), BLUE)
    viewer.set_items([item("job-1", original, result, status="COMPLETED", credits=1)], 0)
    return viewer


def test_split_shows_original_left_of_the_divider_and_result_right(red_blue, qtbot) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, red_blue)
    assert red_blue.mode() is CompareMode.SPLIT
    x, y = centre(red_blue)
    y = below_grip(red_blue)
    divider = red_blue.canvas.divider_x()
    assert abs(divider - x) <= 1
    assert close_to(pixel(red_blue, divider - 15, y), RED)
    assert close_to(pixel(red_blue, divider + 15, y), BLUE)


def test_dragging_the_divider_moves_the_boundary(red_blue, qtbot) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, red_blue)
    canvas = red_blue.canvas
    x, y = centre(red_blue)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    qtbot.mouseMove(canvas, QPoint(x - 120, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x - 120, y))
    assert abs(canvas.divider_x() - (x - 120)) <= 1
    y = below_grip(red_blue)
    assert close_to(pixel(red_blue, x - 140, y), RED)
    assert close_to(pixel(red_blue, x - 100, y), BLUE)
    assert red_blue.is_fitted()  # moving the divider is not a pan


@pytest.mark.parametrize(
    ("key", "fraction"), [(Qt.Key.Key_1, 0.25), (Qt.Key.Key_2, 0.5), (Qt.Key.Key_3, 0.75)]
)
def test_number_keys_put_the_divider_left_centre_right(red_blue, qtbot, key, fraction) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, red_blue)
    red_blue.set_mode(CompareMode.RESULT)
    qtbot.keyClick(red_blue.canvas, key)
    assert red_blue.mode() is CompareMode.SPLIT  # the keys imply split mode
    assert red_blue.divider_position() == fraction
    x = round(fraction * red_blue.canvas.width())
    y = below_grip(red_blue)
    assert close_to(pixel(red_blue, x - 10, y), RED)
    assert close_to(pixel(red_blue, x + 10, y), BLUE)


def test_side_by_side_shows_both_with_locked_zoom(red_blue, qtbot) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, red_blue)
    qtbot.keyClick(red_blue.canvas, Qt.Key.Key_D)
    assert red_blue.mode() is CompareMode.SIDE_BY_SIDE
    width, y = red_blue.canvas.width(), red_blue.canvas.height() // 2
    assert close_to(pixel(red_blue, width // 4, y), RED)
    assert close_to(pixel(red_blue, 3 * width // 4, y), BLUE)
    red_blue.set_zoom(1.0)
    # Locked: both panes show the same image spot at the same place in their pane.
    left, right = red_blue.canvas.panes()
    probe_left = (left.center().x() + 30, y)
    probe_right = (right.center().x() + 30, y)
    assert close_to(pixel(red_blue, *probe_left), RED)
    assert close_to(pixel(red_blue, *probe_right), BLUE)


def test_toggle_and_space_show_the_original_while_held(red_blue, qtbot) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, red_blue)
    qtbot.keyClick(red_blue.canvas, Qt.Key.Key_T)
    assert red_blue.mode() is CompareMode.TOGGLE
    x, y = centre(red_blue)
    assert close_to(pixel(red_blue, x, y), BLUE)
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Backslash):
        qtbot.keyPress(red_blue.canvas, key)
        assert red_blue.showing_original()
        assert close_to(pixel(red_blue, x, y), RED)
        qtbot.keyRelease(red_blue.canvas, key)
        assert not red_blue.showing_original()
        assert close_to(pixel(red_blue, x, y), BLUE)


def test_result_only_mode(red_blue, qtbot) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, red_blue)
    qtbot.keyClick(red_blue.canvas, Qt.Key.Key_R)
    assert red_blue.mode() is CompareMode.RESULT
    y = red_blue.canvas.height() // 2
    assert close_to(pixel(red_blue, 20, y), BLUE)
    assert close_to(pixel(red_blue, red_blue.canvas.width() - 20, y), BLUE)


def test_zoom_keys(red_blue, qtbot) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, red_blue)
    canvas = red_blue.canvas
    fitted = red_blue.zoom()
    assert red_blue.is_fitted() and fitted < 1.0
    qtbot.keyClick(canvas, Qt.Key.Key_0)
    assert red_blue.zoom() == 1.0 and not red_blue.is_fitted()
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    assert red_blue.is_fitted() and red_blue.zoom() == pytest.approx(fitted)
    qtbot.keyClick(canvas, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert red_blue.zoom() == 1.0
    assert red_blue.divider_position() == 0.5  # Ctrl+1 is 100%, not "divider left"
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert red_blue.zoom() == 1.5
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert red_blue.zoom() == pytest.approx(2 / 3)


def test_typed_zoom_level(red_blue, qtbot) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, red_blue)
    assert red_blue.set_zoom_text("250%")
    assert red_blue.zoom() == 2.5
    assert red_blue.zoom_box.currentText() == "250%"
    assert not red_blue.set_zoom_text("lots")
    assert red_blue.zoom() == 2.5
    assert red_blue.zoom_box.currentText() == "250%"  # the garbage is replaced by the truth
    assert red_blue.set_zoom_text("fit") and red_blue.is_fitted()


def test_wheel_zooms_at_the_cursor(red_blue, qtbot) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, red_blue)
    canvas = red_blue.canvas
    cursor = QPointF(100, 120)
    before = canvas.placement().to_image(cursor.x(), cursor.y())
    fitted = red_blue.zoom()
    wheel = QWheelEvent(
        cursor,
        canvas.mapToGlobal(cursor),
        QPoint(0, 0),
        QPoint(0, 2 * 120),  # two notches away from the user: zoom in
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas, wheel)
    assert red_blue.zoom() == pytest.approx(fitted * WHEEL_STEP**2)
    after = canvas.placement().to_image(cursor.x(), cursor.y())
    assert after == pytest.approx(before, abs=2)  # the point under the cursor stays put


def test_drag_pans_the_image(viewer, images, qtbot) -> None:  # type: ignore[no-untyped-def]
    # Left half green, right half red, at 100% the boundary moves with the hand.
    original = Image.new("RGB", (1000, 400), GREEN)
    original.paste(RED, (500, 0, 1000, 400))
    path = images("halves.png", (1, 1), (0, 0, 0))
    original.save(path)
    viewer.set_items([item("job", path, path)], 0)
    wait_loaded(qtbot, viewer)
    viewer.set_mode(CompareMode.RESULT)
    viewer.set_zoom(1.0)
    x, y = centre(viewer)
    assert close_to(pixel(viewer, x + 20, y), RED)
    canvas = viewer.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    qtbot.mouseMove(canvas, QPoint(x + 60, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x + 60, y))
    assert close_to(pixel(viewer, x + 20, y), GREEN)  # the image moved right under the cursor
    assert close_to(pixel(viewer, x + 80, y), RED)


def test_zoom_and_pan_are_kept_when_stepping(viewer, images, qtbot) -> None:  # type: ignore[no-untyped-def]
    jobs = []
    for n, colour in enumerate((RED, BLUE, GREEN)):
        gradient = Image.linear_gradient("L").resize((1200, 800)).convert("RGB")
        marked = Image.blend(gradient, Image.new("RGB", gradient.size, colour), 0.5)
        path = images(f"job{n}.png", (1, 1), (0, 0, 0))
        marked.save(path)
        jobs.append(item(f"job-{n}", path, path))
    viewer.set_items(jobs, 0)
    wait_loaded(qtbot, viewer)
    viewer.set_zoom(2.0)
    viewer.set_view_centre(0.3, 0.7)
    changed: list[str] = []
    viewer.currentChanged.connect(changed.append)

    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Right)
    wait_loaded(qtbot, viewer)
    assert viewer.current_item().job_id == "job-1"
    assert viewer.zoom() == 2.0
    assert viewer.view_centre() == pytest.approx((0.3, 0.7))
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Right)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Right)  # already at the end: stays
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Left)
    wait_loaded(qtbot, viewer)
    assert changed == ["job-1", "job-2", "job-1"]
    assert viewer.zoom() == 2.0
    assert viewer.view_centre() == pytest.approx((0.3, 0.7))
    # The same spot is on screen: the gradient row at 70% height, blended with job 1's blue.
    x, y = centre(viewer)
    grey = round(0.7 * 255)
    expected = tuple(round((grey + c) / 2) for c in BLUE)
    assert close_to(pixel(viewer, x + 20, y), expected, 8)


def test_fit_is_kept_as_fit_when_stepping(viewer, images, qtbot) -> None:  # type: ignore[no-untyped-def]
    small = images("small.png", (100, 100), RED)
    large = images("large.png", (2000, 1000), BLUE)
    viewer.set_items([item("a", small, small), item("b", large, large)], 0)
    wait_loaded(qtbot, viewer)
    assert viewer.is_fitted() and viewer.zoom() == 1.0
    viewer.next()
    wait_loaded(qtbot, viewer)
    assert viewer.is_fitted() and viewer.zoom() < 0.3


def test_transparent_result_over_checkerboard_and_backgrounds(viewer, images, qtbot) -> None:  # type: ignore[no-untyped-def]
    original = images("original.png", (400, 300), RED)
    result = images("cutout.png", (400, 300), (0, 0, 0, 0), mode="RGBA")
    viewer.set_items([item("cut", original, result)], 0)
    wait_loaded(qtbot, viewer)
    viewer.set_mode(CompareMode.RESULT)
    x, y = centre(viewer)
    seen = {pixel(viewer, x + dx, y) for dx in range(0, 32, 4)}
    light, dark = CHECKER_LIGHT, CHECKER_DARK
    assert seen == {
        (light.red(), light.green(), light.blue()),
        (dark.red(), dark.green(), dark.blue()),
    }
    viewer.set_background(BackgroundKind.WHITE)
    assert pixel(viewer, x, y) == (255, 255, 255)
    viewer.set_background(BackgroundKind.BLACK)
    assert pixel(viewer, x, y) == (0, 0, 0)
    viewer.set_background(BackgroundKind.CUSTOM, QColor(10, 130, 250))
    assert pixel(viewer, x, y) == (10, 130, 250)


def test_half_transparent_result_blends_over_white(viewer, images, qtbot) -> None:  # type: ignore[no-untyped-def]
    result = images("half.png", (300, 200), (0, 0, 200, 128), mode="RGBA")
    viewer.set_items([item("half", result, result)], 0)
    wait_loaded(qtbot, viewer)
    viewer.set_mode(CompareMode.RESULT)
    viewer.set_background(BackgroundKind.WHITE)
    assert close_to(pixel(viewer, *centre(viewer)), (127, 127, 227), 3)


def test_exif_rotated_jpeg_shows_upright(viewer, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    path = rotated_jpeg(tmp_path / "phone.jpg")
    viewer.set_items([item("phone", path, path)], 0)
    wait_loaded(qtbot, viewer)
    viewer.set_mode(CompareMode.RESULT)
    viewer.set_zoom(4.0)  # 30 x 60 upright becomes 120 x 240 on screen
    assert viewer.canvas.scene_size() == Size(30, 60)  # portrait, as the camera was held
    x, y = centre(viewer)
    assert close_to(pixel(viewer, x, y - 100), RED, 20)  # the red third is on top ...
    assert close_to(pixel(viewer, x - 50, y + 100), GREEN, 20)  # ... not on the left
    assert close_to(pixel(viewer, x + 50, y + 60), GREEN, 20)


def test_hundred_percent_is_pixel_exact(viewer, images, qtbot) -> None:  # type: ignore[no-untyped-def]
    stripes = Image.new("RGB", (64, 64), (0, 0, 0))
    for column in range(0, 64, 2):
        stripes.paste((255, 255, 255), (column, 0, column + 1, 64))
    path = images("stripes.png", (1, 1), (0, 0, 0))
    stripes.save(path)
    viewer.set_items([item("stripes", path, path)], 0)
    wait_loaded(qtbot, viewer)
    viewer.set_mode(CompareMode.RESULT)
    viewer.set_zoom(1.0)
    x, y = centre(viewer)
    row = [pixel(viewer, x + dx, y)[0] for dx in range(-6, 6)]
    assert set(row) == {0, 255}  # no blurred greys at 100%
    assert all(a != b for a, b in itertools.pairwise(row))


def test_preview_first_then_full_resolution(viewer, images, qtbot) -> None:  # type: ignore[no-untyped-def]
    big = images("big.png", (PREVIEW_SIDE * 2, PREVIEW_SIDE), BLUE)
    stages: list[str] = []
    notice_colours: list[tuple[int, int, int]] = []

    def on_preview(job: str) -> None:
        stages.append("preview")
        notice_colours.append(pixel(viewer, viewer.canvas.width() // 2, 12))

    viewer.previewShown.connect(on_preview)
    viewer.fullResolutionShown.connect(lambda job: stages.append("full"))
    with qtbot.waitSignal(viewer.fullResolutionShown, timeout=10000):
        viewer.set_items([item("big", big, big)], 0)
    assert stages == ["preview", "full"]
    # While only the preview is in, a notice says so (orange badge at the top centre) ...
    assert close_to(notice_colours[0], (200, 120, 20), 40)
    # ... and it is gone once full resolution is on screen.
    assert not close_to(pixel(viewer, viewer.canvas.width() // 2, 12), (200, 120, 20), 40)
    levels = viewer.canvas.result.image.levels
    assert levels[0].image.width() == PREVIEW_SIDE * 2  # full resolution first ...
    assert levels[-1].image.width() <= PREVIEW_SIDE  # ... down to the preview


def test_missing_result_and_broken_files_say_so(viewer, images, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    original = images("original.png", (200, 100), RED)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    viewer.set_items(
        [item("pending", original, "", status="ACTIVE"), item("bad", original, str(broken))], 0
    )
    wait_loaded(qtbot, viewer)
    assert viewer.canvas.result.message == "No result yet (active)"
    assert "No result yet" in viewer.info_label.text()
    # Split mode, but nothing to compare with: the original gets the whole view.
    x, y = centre(viewer)
    assert close_to(pixel(viewer, x + 60, y + 30), RED)
    assert close_to(pixel(viewer, x - 60, y + 30), RED)
    viewer.next()
    qtbot.waitUntil(lambda: "broken.png" in viewer.canvas.result.message, timeout=5000)
    assert not viewer.actions_.next.isEnabled()


def test_info_line_says_what_the_files_are(red_blue, qtbot) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, red_blue)
    text = red_blue.info_label.text()
    assert "800 × 400 px" in text
    assert "PNG 8-bit RGB" in text
    assert "Completed · 1 credit" in text
    assert "kB" in text or " B " in text


def test_review_and_command_signals(red_blue, qtbot) -> None:  # type: ignore[no-untyped-def]
    wait_loaded(qtbot, red_blue)
    reviews: list[tuple[str, str]] = []
    red_blue.reviewRequested.connect(lambda job, verdict: reviews.append((job, verdict)))
    qtbot.keyClick(red_blue.canvas, Qt.Key.Key_A)
    assert red_blue.current_item().review == "accepted"
    assert red_blue.actions_.accept.isChecked() and not red_blue.actions_.reject.isChecked()
    qtbot.keyClick(red_blue.canvas, Qt.Key.Key_X)
    qtbot.keyClick(red_blue.canvas, Qt.Key.Key_X)  # the same verdict again clears it
    assert reviews == [("job-1", "accepted"), ("job-1", "rejected"), ("job-1", "")]
    actions = red_blue.actions_
    with qtbot.waitSignal(red_blue.feedbackRequested) as feedback:
        actions.thumbs_down.trigger()
    assert feedback.args == ["job-1", False]
    with qtbot.waitSignal(red_blue.feedbackRequested) as feedback:
        actions.thumbs_up.trigger()
    assert feedback.args == ["job-1", True]
    for action, signal in (
        (actions.retry, red_blue.retryRequested),
        (actions.open_in_editor, red_blue.openInEditorRequested),
        (actions.show_in_folder, red_blue.showInFolderRequested),
    ):
        with qtbot.waitSignal(signal) as emitted:
            action.trigger()
        assert emitted.args == ["job-1"]


def test_update_item_reloads_a_new_result(viewer, images, qtbot) -> None:  # type: ignore[no-untyped-def]
    original = images("original.png", (200, 100), RED)
    viewer.set_items([item("job", original, "", status="ACTIVE")], 0)
    wait_loaded(qtbot, viewer)
    result = images("result.png", (200, 100), BLUE)
    viewer.update_item(item("job", original, result, status="COMPLETED", credits=1))
    wait_loaded(qtbot, viewer)
    viewer.set_mode(CompareMode.RESULT)
    assert close_to(pixel(viewer, *centre(viewer)), BLUE)
    assert "Completed" in viewer.info_label.text()


def test_cache_stays_bounded_while_stepping(qtbot, images) -> None:  # type: ignore[no-untyped-def]
    viewer = CompareViewer(cache_items=3, prefetch=True)
    qtbot.addWidget(viewer)
    viewer.resize(300, 200)
    jobs = [
        item(f"j{n}", images(f"o{n}.png", (64, 64), RED), images(f"r{n}.png", (64, 64), BLUE))
        for n in range(5)
    ]
    viewer.set_items(jobs, 0)
    for _ in range(4):
        wait_loaded(qtbot, viewer)
        viewer.next()
    wait_loaded(qtbot, viewer)
    qtbot.waitUntil(lambda: not viewer.is_loading(), timeout=5000)
    assert len(viewer.loader.cache) <= 3
    viewer.shutdown()


def test_a_result_rewritten_under_the_same_name_is_shown_anew(viewer, images, qtbot) -> None:  # type: ignore[no-untyped-def]
    original = images("original.png", (200, 100), RED)
    result = images("result.png", (200, 100), BLUE)
    viewer.set_items([item("job", original, result, status="failed")], 0)
    wait_loaded(qtbot, viewer)
    viewer.set_mode(CompareMode.RESULT)
    Image.new("RGB", (200, 100), GREEN).save(result)  # a retry wrote a new result in place
    viewer.update_item(item("job", original, result, status="done"))
    qtbot.waitUntil(lambda: close_to(pixel(viewer, *centre(viewer)), GREEN), timeout=5000)


def test_fast_stepping_ends_on_the_right_image(viewer, images, qtbot) -> None:  # type: ignore[no-untyped-def]
    colours = [RED, BLUE, GREEN, RED, BLUE, GREEN]
    jobs = [
        item(f"j{n}", images(f"o{n}.png", (300, 200), c), images(f"r{n}.png", (300, 200), c))
        for n, c in enumerate(colours)
    ]
    viewer.set_items(jobs, 0)
    for key in [Qt.Key.Key_Right] * 5 + [Qt.Key.Key_Left] * 3:  # as fast as keys repeat
        qtbot.keyClick(viewer.canvas, key)
    assert viewer.current_index() == 2
    wait_loaded(qtbot, viewer)
    qtbot.waitUntil(lambda: not viewer.is_loading(), timeout=5000)  # no backlog left behind
    viewer.set_mode(CompareMode.RESULT)
    assert close_to(pixel(viewer, *centre(viewer)), GREEN)


def test_neighbours_are_prefetched_only_when_they_fit(qtbot, images) -> None:  # type: ignore[no-untyped-def]
    def viewer_with(cache_bytes: int) -> CompareViewer:
        viewer = CompareViewer(cache_bytes=cache_bytes, prefetch=True)
        qtbot.addWidget(viewer)
        jobs = [
            item(f"j{n}", images(f"o{n}.png", (100, 100), RED), images(f"r{n}.png", (90, 90), BLUE))
            for n in range(3)
        ]
        viewer.set_items(jobs, 1)
        wait_loaded(qtbot, viewer)
        qtbot.waitUntil(lambda: not viewer.is_loading(), timeout=5000)
        return viewer

    roomy = viewer_with(10 << 20)
    assert len(roomy.loader.cache) == 6  # the current pair and both neighbours' pairs
    cramped = viewer_with(100 * 100 * 4)  # the current pair alone overfills half of this
    assert len(cramped.loader.cache) == 2
    roomy.shutdown()
    cramped.shutdown()


def test_an_empty_list_is_harmless(viewer, qtbot) -> None:  # type: ignore[no-untyped-def]
    changed: list[str] = []
    viewer.currentChanged.connect(changed.append)
    viewer.set_items([], 0)
    viewer.next()
    viewer.previous()
    for key in (Qt.Key.Key_Right, Qt.Key.Key_A, Qt.Key.Key_Space, Qt.Key.Key_F, Qt.Key.Key_Plus):
        qtbot.keyClick(viewer.canvas, key)
    assert viewer.current_item() is None
    assert changed == [""]
    assert not viewer.actions_.accept.isEnabled() and not viewer.actions_.retry.isEnabled()
    assert viewer.canvas.grab().toImage().pixelColor(5, 5).red() == 38  # just the backdrop
