"""What the comparison canvas tells assistive technology: its name, and a description of what
it shows now (the mode, and in a split where the divider is), kept up to date as it changes.

The canvas is painted, so a screen reader has nothing to read from it but these words.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ui.viewer.modes import CompareMode


def canvas_name() -> str:
    return QCoreApplication.translate("CompareCanvas", "Before and after")


def canvas_description(mode: CompareMode, divider: float) -> str:
    if mode is CompareMode.SPLIT:
        return QCoreApplication.translate(
            "CompareCanvas",
            "Split at {percent} %: the original left of the divider, the result right of it."
            " 1, 2 and 3 put the divider at a quarter, half and three quarters of the image",
        ).format(percent=round(divider * 100))
    texts = {
        CompareMode.SIDE_BY_SIDE: QCoreApplication.translate(
            "CompareCanvas", "Side by side: the original left, the result right"
        ),
        CompareMode.TOGGLE: QCoreApplication.translate(
            "CompareCanvas", "The result; hold Space to see the original in its place"
        ),
        CompareMode.RESULT: QCoreApplication.translate("CompareCanvas", "The result only"),
        CompareMode.DIFFERENCE: QCoreApplication.translate(
            "CompareCanvas", "Where the result differs from the original, amplified"
        ),
    }
    return texts[mode]
