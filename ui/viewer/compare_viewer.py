"""CompareViewer: step through jobs and judge each result against its original.

It owns the walk through the list (zoom and pan stay put, so a batch is reviewed at the same
spot), the image loading for the current job (and its neighbours, ahead of time), the keys, the
info line and the review commands. What the commands *do* (journal, feedback endpoint, retry,
file manager) is the main window's business: the viewer only emits signals.

Keys: keys.py maps them to commands and lists them (?). Result versions: `set_versions`.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QCoreApplication, Qt, Signal, SignalInstance
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from ui.viewer.actions import ActionState, ViewerActions
from ui.viewer.cache import ImageCache
from ui.viewer.canvas import CompareCanvas, ImageSlot
from ui.viewer.difference import DifferencePane
from ui.viewer.elided_label import ElidedLabel
from ui.viewer.info_line import SEPARATOR, describe, fit_word, no_result_message
from ui.viewer.item import ViewerItem
from ui.viewer.keys import key_command
from ui.viewer.loader import ImageLoader, cache_key
from ui.viewer.modes import BackgroundKind, CompareMode
from ui.viewer.pixels import LoadedImage
from ui.viewer.versions import VersionSteps, ViewerVersion
from ui.viewer.viewport import format_zoom, parse_zoom_text

ZOOM_PRESETS = ("Fit", "25%", "50%", "100%", "200%", "400%", "800%")


class CompareViewer(QWidget):
    reviewRequested = Signal(str, str)  # job_id, "accepted" | "rejected" | "" (cleared)
    feedbackRequested = Signal(str, bool)  # job_id, thumbs_up
    retryRequested = Signal(str)  # job_id
    openInEditorRequested = Signal(str)  # job_id
    showInFolderRequested = Signal(str)  # job_id
    currentChanged = Signal(str)  # job_id
    # For progress indicators (and tests): the current job's images on screen.
    previewShown = Signal(str)  # job_id: something of every image is painted
    fullResolutionShown = Signal(str)  # job_id: every image is at full resolution
    zoomChanged = Signal(float)  # effective zoom (screen px per image px)
    differenceShown = Signal(str)  # the pair's key: the difference image is on screen
    # ? or the Keys button: the window that holds the viewer shows the shared shortcuts sheet.
    keysRequested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        cache_items: int = 8,
        cache_bytes: int = 1 << 30,
        prefetch: bool = True,
    ) -> None:
        super().__init__(parent)
        self._items: list[ViewerItem] = []
        self._index = -1
        self._prefetch = prefetch
        self._announced: tuple[str, bool] | None = None  # (job_id, complete) last announced
        self._released = False
        self.loader = ImageLoader(ImageCache(cache_items, cache_bytes), self)
        self.loader.imageReady.connect(self._on_image_ready)
        self.loader.imageFailed.connect(self._on_image_failed)
        self._versions = VersionSteps()

        self.canvas = CompareCanvas(self)
        self.differences = DifferencePane(self.canvas, self)
        self.differences.shown.connect(self.differenceShown)
        # The canvas has the focus; keys it ignores (all of them) propagate to keyPressEvent here.
        self.canvas.viewChanged.connect(self._on_view_changed)
        self.info_label = ElidedLabel(self)
        self.zoom_box = QComboBox(self)
        self.zoom_box.setEditable(True)
        self.zoom_box.addItems([fit_word(), *ZOOM_PRESETS[1:]])
        self.zoom_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zoom_box.setToolTip(
            QCoreApplication.translate("CompareViewer", "Zoom: pick or type a level, e.g. 150%")
        )
        self.zoom_box.setMinimumContentsLength(10)
        self.zoom_box.textActivated.connect(self._zoom_typed)
        # Only a click (or Tab) may take focus from the canvas: the viewer's keys live there,
        # and "1" typed into the zoom box instead of moving the divider would be a surprise.
        self.zoom_box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        bar = QHBoxLayout()
        bar.setContentsMargins(8, 2, 8, 4)
        bar.addWidget(self.info_label, 1)
        bar.addWidget(self.zoom_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(bar)
        self.setFocusProxy(self.canvas)

        self.actions_ = ViewerActions(self)
        self._connect_actions()
        self._sync_actions()

    # --- items --------------------------------------------------------------------------

    def set_items(self, items: list[ViewerItem], index: int = 0) -> None:
        self._items = list(items)
        self._go_to(index if self._items else -1, force=True)

    def items(self) -> list[ViewerItem]:
        return list(self._items)

    def current_index(self) -> int:
        return self._index

    def current_item(self) -> ViewerItem | None:
        """The current job as shown: with the result of the version chosen (V / Shift+V)."""
        if not 0 <= self._index < len(self._items):
            return None
        return self._versions.applied(self._items[self._index])

    # --- result versions --------------------------------------------------------------------

    def set_versions(self, job_id: str, versions: list[ViewerVersion]) -> None:
        """A job's result versions, oldest first (the owner reads them from the engine):
        with more than one, the info line says "version 2 of 2" and V steps between them."""
        before = self.current_item()
        self._versions.set(job_id, versions)
        self._version_changed(job_id, before)

    def step_version(self, steps: int) -> None:
        """Show the current job's next (positive) or previous result version."""
        item = self.current_item()
        if item is not None:
            self._versions.step(item.job_id, steps)
            self._version_changed(item.job_id, item)

    def version_text(self) -> str:
        """'version 1 of 2' for the job on screen, '' when it has one result."""
        item = self.current_item()
        return self._versions.describe(item.job_id) if item is not None else ""

    def _version_changed(self, job_id: str, before: ViewerItem | None) -> None:
        item = self.current_item()
        if item is None or item.job_id != job_id:
            return
        if before is None or before.result_path != item.result_path:
            self._announced = None
            self._load_current()
        else:
            self.canvas.update()
            self._refresh_info()
        self._sync_actions()

    def showing_current_version(self) -> bool:
        item = self.current_item()
        return item is None or self._versions.is_current(item.job_id)

    def first(self) -> None:
        self._go_to(0 if self._items else -1)

    def last(self) -> None:
        self._go_to(len(self._items) - 1)

    def next(self) -> None:
        if self._index + 1 < len(self._items):
            self._go_to(self._index + 1)

    def previous(self) -> None:
        if self._index > 0:
            self._go_to(self._index - 1)

    def update_item(self, item: ViewerItem) -> None:
        """Take a newer state of a job (status, review, a result that arrived after a retry)."""
        for position, existing in enumerate(self._items):
            if existing.job_id != item.job_id:
                continue
            self._items[position] = item
            if position == self._index:
                if (existing.original_path, existing.result_path) != (
                    item.original_path,
                    item.result_path,
                ):
                    self._announced = None
                # Reloading is cheap when nothing changed (the cache answers by path, size and
                # time) and right when a retry rewrote the result under the same name.
                self._load_current()
                self._sync_actions()

    def _go_to(self, index: int, *, force: bool = False) -> None:
        if index == self._index and not force:
            return
        self._index = index
        self._announced = None
        self._load_current()
        self._sync_actions()
        item = self.current_item()
        self.currentChanged.emit(item.job_id if item else "")

    # --- mode, divider, background --------------------------------------------------------

    def mode(self) -> CompareMode:
        return self.canvas.mode()

    def set_mode(self, mode: CompareMode) -> None:
        self.canvas.set_mode(CompareMode(mode))
        self.differences.update(self.current_item())
        self._sync_actions()

    def set_divider_in_image(self, fraction: float) -> None:
        """The divider at `fraction` of the image as shown (keys 1 / 2 / 3), in split mode."""
        if self.mode() is not CompareMode.SPLIT:
            self.set_mode(CompareMode.SPLIT)
        self.set_divider_position(self.canvas.divider_in_image(fraction))

    def mask_overlay(self) -> bool:
        return self.canvas.mask_overlay()

    def set_mask_overlay(self, on: bool) -> None:
        """For cut-outs: what the result made transparent, tinted over the original."""
        self.canvas.set_mask_overlay(on)
        if on and self.canvas.result.image is not None and not self.canvas.result_has_alpha():
            no_alpha = QCoreApplication.translate(
                "CompareViewer", "This result has no transparency"
            )
            self.info_label.setText(no_alpha + SEPARATOR + self.info_label.text())
        self._sync_actions()

    def divider_position(self) -> float:
        return self.canvas.divider()

    def set_divider_position(self, fraction: float) -> None:
        self.canvas.set_divider(fraction)

    def background(self) -> tuple[BackgroundKind, QColor]:
        return self.canvas.background()

    def set_background(self, kind: BackgroundKind, colour: QColor | None = None) -> None:
        self.canvas.set_background(BackgroundKind(kind), colour)
        self._sync_actions()

    def showing_original(self) -> bool:
        """True while Space or backslash is held: the original fills the view."""
        return self.canvas.showing_original()

    # --- zoom and pan -----------------------------------------------------------------------

    def zoom(self) -> float:
        """The effective zoom: screen pixels per image pixel (also when fitted)."""
        return self.canvas.effective_zoom()

    def is_fitted(self) -> bool:
        return self.canvas.viewport.fit

    def set_zoom(self, zoom: float) -> None:
        self.canvas.set_zoom(zoom)

    def zoom_to_fit(self) -> None:
        self.canvas.zoom_to_fit()

    def zoom_actual_pixels(self) -> None:
        self.canvas.set_zoom(1.0)

    def zoom_in(self) -> None:
        self.canvas.step_zoom(1)

    def zoom_out(self) -> None:
        self.canvas.step_zoom(-1)

    def set_zoom_text(self, text: str) -> bool:
        """Apply a typed zoom level ('150', '150%', 'fit'); False if it is not one."""
        if text.strip().lower() in ("fit", fit_word().lower()):
            self.zoom_to_fit()
            return True
        zoom = parse_zoom_text(text)
        if zoom is None:
            self._show_zoom()  # put the real value back instead of the garbage
            return False
        self.set_zoom(zoom)
        return True

    def _zoom_typed(self, text: str) -> None:
        self.set_zoom_text(text)
        self.canvas.setFocus()  # back to reviewing: arrows and Space work again at once

    def view_centre(self) -> tuple[float, float]:
        """The point at the centre of the view, as fractions of the image's width and height."""
        viewport = self.canvas.viewport
        return (0.5, 0.5) if viewport.fit else (viewport.centre_x, viewport.centre_y)

    def set_view_centre(self, x: float, y: float) -> None:
        viewport = self.canvas.viewport
        if viewport.fit:
            viewport.zoom = self.zoom()
            viewport.fit = False
        viewport.centre_x = min(1.0, max(0.0, x))
        viewport.centre_y = min(1.0, max(0.0, y))
        self.canvas.update()
        self._on_view_changed()

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the image by (dx, dy) screen pixels, as dragging it would."""
        self.canvas.pan_by(dx, dy)

    # --- loading ----------------------------------------------------------------------------

    def is_loading(self) -> bool:
        return not self.loader.is_idle()

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop decoding and let go of every decoded image.

        For a viewer that is closed or hidden: a big pair holds hundreds of MB. The items are
        kept; `reload()` (or `set_items`) shows them again. Safe to call twice. `wait=False`
        does not wait for the decoding threads to end (they are cancelled and end by
        themselves): what a window closing wants, see `ImageLoader.shutdown`.
        """
        self.loader.shutdown(wait=wait)
        self.loader.cache.clear()
        self.differences.clear(wait=wait)
        self.canvas.set_images(ImageSlot(), ImageSlot())
        self._released = True

    def is_released(self) -> bool:
        """True after `shutdown()` until something is loaded again."""
        return self._released

    def reload(self) -> None:
        """Load and show the current job again (after `shutdown()`)."""
        self._announced = None
        self._load_current()

    def _current_paths(self) -> list[str]:
        item = self.current_item()
        if item is None:
            return []
        return [path for path in (item.original_path, item.result_path) if path]

    def _neighbour_paths(self) -> list[str]:
        paths: list[str] = []
        for index in (self._index + 1, self._index - 1):
            if 0 <= index < len(self._items):
                item = self._items[index]
                paths += [p for p in (item.result_path, item.original_path) if p]
        return paths

    def _load_current(self) -> None:
        self._released = False
        item = self.current_item()
        current = self._current_paths()
        neighbours = self._neighbour_paths() if self._prefetch else []
        self.loader.set_wanted(current + neighbours)
        self.loader.pin(current)
        if item is None:
            nothing = QCoreApplication.translate("CompareViewer", "No job")
            self.canvas.set_images(ImageSlot(message=nothing), ImageSlot(message=nothing))
            self._refresh_info()
            return
        self.differences.clear()
        self.canvas.set_images(
            self._slot_for(
                item.original_path,
                QCoreApplication.translate("CompareViewer", "The original file is missing"),
            ),
            self._slot_for(item.result_path, no_result_message(item)),
        )
        self.differences.update(self.current_item())
        self._refresh_info()
        self._announce_progress()

    def _slot_for(self, path: str, missing: str) -> ImageSlot:
        if not path:
            return ImageSlot(message=missing, absent=True)
        complete = self.loader.request(path)
        if complete is not None:
            return ImageSlot(image=complete)
        # A preview from an earlier visit beats a blank while the full image decodes again.
        partial = self.loader.cache.get(cache_key(path))
        return ImageSlot(
            image=partial, message=QCoreApplication.translate("CompareViewer", "Loading…")
        )

    def _on_image_ready(self, path: str, loaded: LoadedImage) -> None:
        item = self.current_item()
        if item is None:
            return
        changed = False
        if path == item.original_path:
            self.canvas.original = ImageSlot(image=loaded)
            changed = True
        if path == item.result_path:
            self.canvas.result = ImageSlot(image=loaded)
            changed = True
        if changed:
            self.canvas.update()
            self.differences.update(self.current_item())
            self._refresh_info()
            self._announce_progress()
            self._on_view_changed()  # the scene size may just have become known

    def _on_image_failed(self, path: str, message: str) -> None:
        item = self.current_item()
        if item is None:
            return
        if path == item.original_path and self.canvas.original.image is None:
            self.canvas.original = ImageSlot(message=message)
        if path == item.result_path and self.canvas.result.image is None:
            self.canvas.result = ImageSlot(message=message)
        self.canvas.update()
        self._refresh_info()

    def _announce_progress(self) -> None:
        item = self.current_item()
        if item is None:
            return
        slots = [
            slot
            for slot, path in (
                (self.canvas.original, item.original_path),
                (self.canvas.result, item.result_path),
            )
            if path
        ]
        if not slots or any(slot.image is None for slot in slots):
            return
        complete = all(slot.image is not None and slot.image.complete for slot in slots)
        state = (item.job_id, complete)
        previous, self._announced = self._announced, state
        if previous == state:
            return
        if previous is None or previous[0] != item.job_id:
            self.previewShown.emit(item.job_id)  # the first paint of this job, maybe complete
        if complete:
            self.fullResolutionShown.emit(item.job_id)
            self._prefetch_neighbours()  # only now: the current job must not wait for them

    def _prefetch_neighbours(self) -> None:
        if not self._prefetch:
            return
        cache = self.loader.cache
        if cache.byte_size > cache.max_bytes // 2:
            # Huge images: neighbours would not fit beside the pinned current pair, so they
            # would be decoded (seconds of CPU) only to be evicted at once.
            return
        for path in self._neighbour_paths():
            self.loader.request(path, prefetch=True)

    # --- info line and zoom box -----------------------------------------------------------

    def _refresh_info(self) -> None:
        text = describe(self.current_item(), self.canvas.original.image, self.canvas.result.image)
        version = self.version_text()
        result = QCoreApplication.translate("CompareViewer", "Result")
        self.canvas.result_label = f"{result} · {version}" if version else result
        if version:
            text = f"{version[:1].upper()}{version[1:]}{SEPARATOR}{text}"
        if len(self._items) > 1:
            text = f"{self._index + 1} / {len(self._items)}{SEPARATOR}{text}"
        self.info_label.setText(text)

    def _on_view_changed(self) -> None:
        self._show_zoom()
        self.zoomChanged.emit(self.zoom())

    def _show_zoom(self) -> None:
        zoom = self.zoom()
        text = format_zoom(zoom)
        if self.canvas.viewport.fit:
            text = QCoreApplication.translate("CompareViewer", "Fit ({zoom})").format(zoom=text)
        if self.zoom_box.currentText() != text:
            self.zoom_box.setEditText(text)

    # --- keys -------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._handle_key_press(event):
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if not self._handle_key_release(event):
            super().keyReleaseEvent(event)

    def _handle_key_press(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl = modifiers == Qt.KeyboardModifier.ControlModifier
        plain = modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
        shift = modifiers == Qt.KeyboardModifier.ShiftModifier
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Backslash) and plain:
            # Hold to see the original (in every mode: a quick look is always welcome).
            if not event.isAutoRepeat():
                self.canvas.set_showing_original(True)
            return True
        if ctrl and key == Qt.Key.Key_1:
            self.zoom_actual_pixels()
            return True
        if not plain:
            return False
        handler = key_command(self, key, shift=shift)
        if handler is None:
            return False
        handler()
        return True

    def _handle_key_release(self, event: QKeyEvent) -> bool:
        if event.key() not in (Qt.Key.Key_Space, Qt.Key.Key_Backslash):
            return False
        if not event.isAutoRepeat():
            self.canvas.set_showing_original(False)
        return True

    # --- actions ----------------------------------------------------------------------------

    def _connect_actions(self) -> None:
        a = self.actions_
        a.previous.triggered.connect(self.previous)
        a.next.triggered.connect(self.next)
        a.mode_split.triggered.connect(lambda: self.set_mode(CompareMode.SPLIT))
        a.mode_side_by_side.triggered.connect(lambda: self.set_mode(CompareMode.SIDE_BY_SIDE))
        a.mode_toggle.triggered.connect(lambda: self.set_mode(CompareMode.TOGGLE))
        a.mode_result.triggered.connect(lambda: self.set_mode(CompareMode.RESULT))
        a.mode_difference.triggered.connect(lambda: self.set_mode(CompareMode.DIFFERENCE))
        a.mask_overlay.triggered.connect(lambda: self.set_mask_overlay(a.mask_overlay.isChecked()))
        a.previous_version.triggered.connect(lambda: self.step_version(-1))
        a.next_version.triggered.connect(lambda: self.step_version(1))
        a.zoom_fit.triggered.connect(self.zoom_to_fit)
        a.zoom_actual.triggered.connect(self.zoom_actual_pixels)
        a.zoom_in.triggered.connect(self.zoom_in)
        a.zoom_out.triggered.connect(self.zoom_out)
        a.background_checker.triggered.connect(
            lambda: self.set_background(BackgroundKind.CHECKERBOARD)
        )
        a.background_white.triggered.connect(lambda: self.set_background(BackgroundKind.WHITE))
        a.background_black.triggered.connect(lambda: self.set_background(BackgroundKind.BLACK))
        a.background_custom.triggered.connect(self._choose_background_colour)
        a.accept.triggered.connect(lambda: self.review("accepted"))
        a.reject.triggered.connect(lambda: self.review("rejected"))
        a.thumbs_up.triggered.connect(lambda: self._emit_for_current(self.feedbackRequested, True))
        a.thumbs_down.triggered.connect(
            lambda: self._emit_for_current(self.feedbackRequested, False)
        )
        a.retry.triggered.connect(lambda: self._emit_for_current(self.retryRequested))
        a.open_in_editor.triggered.connect(
            lambda: self._emit_for_current(self.openInEditorRequested)
        )
        a.show_in_folder.triggered.connect(
            lambda: self._emit_for_current(self.showInFolderRequested)
        )
        a.keys_help.triggered.connect(self.show_keys)

    def show_keys(self) -> None:
        self.keysRequested.emit()

    def _emit_for_current(self, signal: SignalInstance, *args: object) -> None:
        item = self.current_item()
        if item is not None:
            signal.emit(item.job_id, *args)

    def review(self, verdict: str) -> None:
        """Mark the current job; the same verdict again clears it, as in culling tools."""
        item = self.current_item()
        if item is None or not item.result_path or not self.showing_current_version():
            self._sync_actions()  # a mark is the current result's: an earlier one's is kept
            return
        new = "" if item.review == verdict else verdict
        self._items[self._index] = dataclasses.replace(item, review=new)
        self._sync_actions()
        self._refresh_info()
        self.reviewRequested.emit(item.job_id, new)

    def _choose_background_colour(self) -> None:
        _, current = self.canvas.background()
        title = QCoreApplication.translate("CompareViewer", "Background behind transparency")
        colour = QColorDialog.getColor(current, self, title)
        if colour.isValid():
            self.set_background(BackgroundKind.CUSTOM, colour)
        else:
            self._sync_actions()

    def _sync_actions(self) -> None:
        item = self.current_item()
        self.actions_.sync(
            ActionState(
                item=item,
                has_previous=self._index > 0,
                has_next=0 <= self._index < len(self._items) - 1,
                current_version=self.showing_current_version(),
                has_versions=bool(self.version_text()),
                mask_overlay=self.canvas.mask_overlay(),
                mode=self.mode(),
                background=self.canvas.background()[0],
            )
        )
