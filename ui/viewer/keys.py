"""The viewer's keys as the shortcuts sheet lists them, and where 1 / 2 / 3 put the divider."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence

from ui.viewer.modes import CompareMode

if TYPE_CHECKING:
    from ui.viewer.compare_viewer import CompareViewer

# Fractions of the image as shown (not of the pane): see CompareCanvas.divider_in_image.
DIVIDER_POSITIONS = {Qt.Key.Key_1: 0.25, Qt.Key.Key_2: 0.5, Qt.Key.Key_3: 0.75}


def native(*keys: str) -> str:
    """Keys in the platform's own words, in the language shown ("Pos1 / Ende" in German)."""
    words = (QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
    return " / ".join(words)


def either(first: str, second: str) -> str:
    return QCoreApplication.translate("ViewerKeys", "{first} or {second}").format(
        first=first, second=second
    )


def keys() -> list[tuple[str, str]]:
    """(keys, what they do), translated when asked (a translator may be installed late)."""
    return [
        (
            native("Left", "Right"),
            QCoreApplication.translate("ViewerKeys", "previous / next job (zoom and pan stay)"),
        ),
        (native("Home", "End"), QCoreApplication.translate("ViewerKeys", "first / last job")),
        (
            "S  D  T  R",
            QCoreApplication.translate("ViewerKeys", "split, side by side, toggle, result only"),
        ),
        (
            "C",
            QCoreApplication.translate(
                "ViewerKeys", "difference: what the result changed, amplified"
            ),
        ),
        (
            "1  2  3",
            QCoreApplication.translate("ViewerKeys", "divider at 25%, 50%, 75% of the image"),
        ),
        (
            "M",
            QCoreApplication.translate(
                "ViewerKeys", "a cut-out's transparency as a mask over the original"
            ),
        ),
        (
            native("V", "Shift+V"),
            QCoreApplication.translate("ViewerKeys", "next / previous result version"),
        ),
        (
            either(native("Space"), "\\"),
            QCoreApplication.translate("ViewerKeys", "hold to see the original"),
        ),
        ("F", QCoreApplication.translate("ViewerKeys", "zoom to fit")),
        (
            either("0", native("Ctrl+1")),
            QCoreApplication.translate("ViewerKeys", "100%: one image pixel per screen pixel"),
        ),
        (
            QCoreApplication.translate("ViewerKeys", "{keys}, wheel").format(keys="+ / −"),
            QCoreApplication.translate(
                "ViewerKeys", "zoom in / out (the wheel zooms at the cursor)"
            ),
        ),
        (
            QCoreApplication.translate("ViewerKeys", "Double-click"),
            QCoreApplication.translate("ViewerKeys", "100% at that spot, again to fit"),
        ),
        (
            native("A", "X"),
            QCoreApplication.translate("ViewerKeys", "accept / reject (again to clear)"),
        ),
        (native("Esc"), QCoreApplication.translate("ViewerKeys", "close the window")),
        (native("?"), QCoreApplication.translate("ViewerKeys", "every key (this list)")),
    ]


def key_command(viewer: CompareViewer, key: Qt.Key, *, shift: bool) -> Callable[[], None] | None:
    """The command a plain (or shifted) key gives the viewer, or None for a key it ignores."""
    commands: dict[Qt.Key, Callable[[], None]] = {
        Qt.Key.Key_Right: viewer.next,
        Qt.Key.Key_Left: viewer.previous,
        Qt.Key.Key_Home: viewer.first,
        Qt.Key.Key_End: viewer.last,
        Qt.Key.Key_F: viewer.zoom_to_fit,
        Qt.Key.Key_0: viewer.zoom_actual_pixels,
        Qt.Key.Key_Plus: viewer.zoom_in,
        Qt.Key.Key_Equal: viewer.zoom_in,
        Qt.Key.Key_Minus: viewer.zoom_out,
        Qt.Key.Key_S: lambda: viewer.set_mode(CompareMode.SPLIT),
        Qt.Key.Key_D: lambda: viewer.set_mode(CompareMode.SIDE_BY_SIDE),
        Qt.Key.Key_T: lambda: viewer.set_mode(CompareMode.TOGGLE),
        Qt.Key.Key_R: lambda: viewer.set_mode(CompareMode.RESULT),
        Qt.Key.Key_C: lambda: viewer.set_mode(CompareMode.DIFFERENCE),
        Qt.Key.Key_M: lambda: viewer.set_mask_overlay(not viewer.mask_overlay()),
        Qt.Key.Key_V: lambda: viewer.step_version(-1 if shift else 1),
        Qt.Key.Key_A: lambda: viewer.review("accepted"),
        Qt.Key.Key_X: lambda: viewer.review("rejected"),
        Qt.Key.Key_Question: viewer.show_keys,
    }
    if key in DIVIDER_POSITIONS:
        fraction = DIVIDER_POSITIONS[key]
        return lambda: viewer.set_divider_in_image(fraction)
    return commands.get(key)
