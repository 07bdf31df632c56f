"""ViewerWindow: the toolbar drives the viewer, keys work at once, Escape closes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar
from viewer_helpers import BLUE, RED, wait_loaded

from ui.dialogs.shortcuts import ShortcutsSheet
from ui.viewer import CompareMode, ViewerItem, ViewerWindow


def test_window_wraps_a_viewer_with_a_toolbar(qtbot, images) -> None:  # type: ignore[no-untyped-def]
    window = ViewerWindow(handle_files=False)
    qtbot.addWidget(window)
    jobs = [
        ViewerItem(
            f"job-{n}",
            images(f"o{n}.png", (64, 48), RED),
            images(f"r{n}.png", (64, 48), BLUE),
            f"photo-{n}.jpg",
        )
        for n in range(3)
    ]
    window.viewer.set_items(jobs, 1)
    window.show()
    qtbot.waitExposed(window)
    wait_loaded(qtbot, window.viewer)
    assert window.windowTitle().startswith("photo-1.jpg")
    toolbar = window.findChild(QToolBar)
    texts = [action.text() for action in toolbar.actions()]
    for expected in ("Split", "Side by side", "Toggle", "Result", "Fit", "100%", "Accept", "Retry"):
        assert expected in texts
    window.viewer.actions_.mode_side_by_side.trigger()
    assert window.viewer.mode() is CompareMode.SIDE_BY_SIDE

    # The canvas has the focus when the window opens, so review keys work at once.
    assert window.focusWidget() is window.viewer.canvas
    qtbot.keyClick(window.viewer.canvas, Qt.Key.Key_End)
    assert window.viewer.current_index() == 2
    assert window.windowTitle().startswith("photo-2.jpg")
    qtbot.keyClick(window.viewer.canvas, Qt.Key.Key_Home)
    assert window.viewer.current_index() == 0
    with qtbot.waitSignal(window.viewer.openInEditorRequested) as opened:
        window.viewer.actions_.open_in_editor.trigger()
    assert opened.args == ["job-0"]

    qtbot.keyClick(window.viewer.canvas, Qt.Key.Key_Escape)
    assert not window.isVisible()
    assert not window.viewer.is_loading()  # closing cancelled the decoding
    window.viewer.shutdown()  # joins the decoding threads, as the application does at quit


def test_closing_frees_images_and_showing_again_reloads(qtbot, images) -> None:  # type: ignore[no-untyped-def]
    window = ViewerWindow()
    qtbot.addWidget(window)
    path = images("photo.png", (64, 48), RED)
    window.viewer.set_items([ViewerItem("job", path, path, "photo.png", status="done")], 0)
    window.show()
    wait_loaded(qtbot, window.viewer)
    assert len(window.viewer.loader.cache) == 1
    window.close()
    assert len(window.viewer.loader.cache) == 0  # hundreds of MB must not outlive the window
    assert window.viewer.canvas.result.image is None
    window.show()
    wait_loaded(qtbot, window.viewer)
    assert "Done" in window.viewer.info_label.text()
    window.close()
    window.viewer.shutdown()  # joins the decoding threads, as the application does at quit


def test_question_mark_shows_the_keys(qtbot, images) -> None:  # type: ignore[no-untyped-def]
    window = ViewerWindow()
    qtbot.addWidget(window)
    path = images("photo.png", (64, 48), RED)
    window.viewer.set_items([ViewerItem("job", path, path, "photo.png")], 0)
    window.show()
    qtbot.keyClick(window.viewer.canvas, Qt.Key.Key_Question)
    sheet = window.findChild(ShortcutsSheet, "shortcutsSheet")
    assert sheet is not None and sheet.isVisible() and not sheet.isModal()
    listed = {keys for _group, keys, _what in sheet.rows()}
    assert "Space or \\" in listed and "0 or Ctrl+1" in listed
    sheet.close()
    window.close()
    window.viewer.shutdown()  # joins the decoding threads, as the application does at quit
