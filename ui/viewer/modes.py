"""The ways the viewer can compare two images, and what it paints behind transparency."""

from __future__ import annotations

from enum import StrEnum


class CompareMode(StrEnum):
    SPLIT = "split"  # original left of a draggable divider, result right of it
    SIDE_BY_SIDE = "side_by_side"  # two panes, zoom and pan locked together
    TOGGLE = "toggle"  # result; the original while Space or backslash is held
    RESULT = "result"  # the result alone
    DIFFERENCE = "difference"  # where the result differs from the original, amplified


class BackgroundKind(StrEnum):
    CHECKERBOARD = "checkerboard"
    WHITE = "white"
    BLACK = "black"
    CUSTOM = "custom"  # a colour the user chose
