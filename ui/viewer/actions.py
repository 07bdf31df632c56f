"""Every viewer command as a QAction, so a toolbar or a menu can show and trigger them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QActionGroup

from ui.viewer.item import ViewerItem
from ui.viewer.modes import BackgroundKind, CompareMode


@dataclass(frozen=True)
class ActionState:
    """What decides which commands are enabled and checked: the viewer's state, as facts."""

    item: ViewerItem | None  # the job on screen, with the result version shown
    has_previous: bool
    has_next: bool
    current_version: bool  # the job's current result is shown (marks are its own)
    has_versions: bool  # the job has earlier results to step to
    mask_overlay: bool
    mode: CompareMode
    background: BackgroundKind


class ViewerActions(QObject):
    """The commands of one CompareViewer (`viewer.actions_`), for toolbars and menus.

    Shortcuts are handled by the viewer's key handler rather than QAction shortcuts: Space must
    act on press *and* release, and the keys must also work when the viewer is docked.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.previous = self._action(
            QCoreApplication.translate("ViewerActions", "Previous"),
            QCoreApplication.translate("ViewerActions", "Previous job (Left)"),
        )
        self.next = self._action(
            QCoreApplication.translate("ViewerActions", "Next"),
            QCoreApplication.translate("ViewerActions", "Next job (Right)"),
        )

        self.modes = QActionGroup(self)
        self.mode_split = self._mode_action(
            QCoreApplication.translate("ViewerActions", "Split"),
            QCoreApplication.translate(
                "ViewerActions", "Split with a draggable divider (S; 1/2/3)"
            ),
        )
        self.mode_side_by_side = self._mode_action(
            QCoreApplication.translate("ViewerActions", "Side by side"),
            QCoreApplication.translate("ViewerActions", "Side by side (D)"),
        )
        self.mode_toggle = self._mode_action(
            QCoreApplication.translate("ViewerActions", "Toggle"),
            QCoreApplication.translate(
                "ViewerActions", "Result; hold Space or \\ for original (T)"
            ),
        )
        self.mode_result = self._mode_action(
            QCoreApplication.translate("ViewerActions", "Result"),
            QCoreApplication.translate("ViewerActions", "Result only (R)"),
        )
        self.mode_difference = self._mode_action(
            QCoreApplication.translate("ViewerActions", "Difference"),
            QCoreApplication.translate("ViewerActions", "What the result changed, amplified (C)"),
        )
        self.mask_overlay = self._action(
            QCoreApplication.translate("ViewerActions", "Mask"),
            QCoreApplication.translate(
                "ViewerActions", "A cut-out's transparency over the original (M)"
            ),
            checkable=True,
        )
        self.previous_version = self._action(
            QCoreApplication.translate("ViewerActions", "Previous version"),
            QCoreApplication.translate("ViewerActions", "The result before this one (Shift+V)"),
        )
        self.next_version = self._action(
            QCoreApplication.translate("ViewerActions", "Next version"),
            QCoreApplication.translate("ViewerActions", "The next result version (V)"),
        )

        self.zoom_fit = self._action(
            QCoreApplication.translate("ViewerActions", "Fit"),
            QCoreApplication.translate("ViewerActions", "Zoom to fit (F)"),
        )
        self.zoom_actual = self._action(
            QCoreApplication.translate("ViewerActions", "100%"),
            QCoreApplication.translate("ViewerActions", "Actual pixels (0 or Ctrl+1)"),
        )
        self.zoom_in = self._action(
            QCoreApplication.translate("ViewerActions", "Zoom in"),
            QCoreApplication.translate("ViewerActions", "Zoom in (+)"),
        )
        self.zoom_out = self._action(
            QCoreApplication.translate("ViewerActions", "Zoom out"),
            QCoreApplication.translate("ViewerActions", "Zoom out (-)"),
        )

        self.backgrounds = QActionGroup(self)
        self.background_checker = self._background_action(
            QCoreApplication.translate("ViewerActions", "Checkerboard")
        )
        self.background_white = self._background_action(
            QCoreApplication.translate("ViewerActions", "White")
        )
        self.background_black = self._background_action(
            QCoreApplication.translate("ViewerActions", "Black")
        )
        self.background_custom = self._background_action(
            QCoreApplication.translate("ViewerActions", "Choose colour…")
        )
        self.background_checker.setChecked(True)

        self.accept = self._action(
            QCoreApplication.translate("ViewerActions", "Accept"),
            QCoreApplication.translate("ViewerActions", "Mark the result accepted (A)"),
            checkable=True,
        )
        self.reject = self._action(
            QCoreApplication.translate("ViewerActions", "Reject"),
            QCoreApplication.translate("ViewerActions", "Mark the result rejected (X)"),
            checkable=True,
        )
        self.thumbs_up = self._action(
            QCoreApplication.translate("ViewerActions", "Thumbs up"),
            QCoreApplication.translate("ViewerActions", "Tell autoretouch this result is good"),
        )
        self.thumbs_down = self._action(
            QCoreApplication.translate("ViewerActions", "Thumbs down"),
            QCoreApplication.translate("ViewerActions", "Tell autoretouch this result is not good"),
        )
        self.retry = self._action(
            QCoreApplication.translate("ViewerActions", "Retry"),
            QCoreApplication.translate("ViewerActions", "Process this image again"),
        )
        self.open_in_editor = self._action(
            QCoreApplication.translate("ViewerActions", "Open in editor"),
            QCoreApplication.translate("ViewerActions", "Open the result in your image editor"),
        )
        self.show_in_folder = self._action(
            QCoreApplication.translate("ViewerActions", "Show in folder"),
            QCoreApplication.translate("ViewerActions", "Show the result in its folder"),
        )
        self.keys_help = self._action(
            QCoreApplication.translate("ViewerActions", "Keys"),
            QCoreApplication.translate("ViewerActions", "The keyboard shortcuts (?)"),
        )

    def _action(self, text: str, tip: str, *, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setCheckable(checkable)
        return action

    def _mode_action(self, text: str, tip: str) -> QAction:
        action = self._action(text, tip, checkable=True)
        self.modes.addAction(action)
        return action

    def _background_action(self, text: str) -> QAction:
        tip = QCoreApplication.translate("ViewerActions", "Show transparency over: {background}")
        action = self._action(text, tip.format(background=text.lower()), checkable=True)
        self.backgrounds.addAction(action)
        return action

    def sync(self, state: ActionState) -> None:
        """Enable and check the commands as `state` says."""
        item = state.item
        has_result = item is not None and bool(item.result_path)
        self.previous.setEnabled(state.has_previous)
        self.next.setEnabled(state.has_next)
        for action in (self.accept, self.reject, self.thumbs_up, self.thumbs_down):
            action.setEnabled(has_result and state.current_version)
        self.open_in_editor.setEnabled(has_result)
        self.previous_version.setEnabled(state.has_versions)
        self.next_version.setEnabled(state.has_versions)
        self.mask_overlay.setChecked(state.mask_overlay)
        self.show_in_folder.setEnabled(item is not None)
        self.retry.setEnabled(item is not None)  # whether and how to retry is the owner's call
        self.accept.setChecked(item is not None and item.review == "accepted")
        self.reject.setChecked(item is not None and item.review == "rejected")
        modes = {
            CompareMode.SPLIT: self.mode_split,
            CompareMode.SIDE_BY_SIDE: self.mode_side_by_side,
            CompareMode.TOGGLE: self.mode_toggle,
            CompareMode.RESULT: self.mode_result,
            CompareMode.DIFFERENCE: self.mode_difference,
        }
        modes[state.mode].setChecked(True)
        backgrounds = {
            BackgroundKind.CHECKERBOARD: self.background_checker,
            BackgroundKind.WHITE: self.background_white,
            BackgroundKind.BLACK: self.background_black,
            BackgroundKind.CUSTOM: self.background_custom,
        }
        backgrounds[state.background].setChecked(True)
