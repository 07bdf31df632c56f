"""Zoom and pan as plain arithmetic, kept apart from painting so it can be reasoned about.

The view is stored in a form that survives stepping to another image: the zoom factor
(screen pixels per image pixel) and the centre of the view as a *fraction* of the image.
A batch of same-sized photos is thus reviewed at exactly the same spot, and a differently
sized one at the same relative spot. "Fit" is a mode, not a number: stepping while fitted
fits the next image too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_ZOOM = 0.01
MAX_ZOOM = 32.0
# The ladder +/- walk along: the zoom levels people expect from image editors.
ZOOM_STEPS = (
    0.01, 0.02, 0.03, 0.05, 1 / 12, 0.1, 1 / 8, 1 / 6, 0.25, 1 / 3, 0.5, 2 / 3, 1.0,
    1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0,
)  # fmt: skip


@dataclass(frozen=True)
class Size:
    width: float
    height: float

    @property
    def empty(self) -> bool:
        return self.width <= 0 or self.height <= 0


@dataclass(frozen=True)
class Placement:
    """Where the image lands in a pane: pane pixel = origin + image pixel * zoom."""

    zoom: float
    origin_x: float
    origin_y: float

    def to_image(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.origin_x) / self.zoom, (y - self.origin_y) / self.zoom

    def to_pane(self, x: float, y: float) -> tuple[float, float]:
        return self.origin_x + x * self.zoom, self.origin_y + y * self.zoom


@dataclass
class Viewport:
    fit: bool = True
    zoom: float = 1.0  # used when not fitted
    centre_x: float = 0.5  # fraction of the image width at the centre of the pane
    centre_y: float = 0.5

    def effective_zoom(self, image: Size, pane: Size) -> float:
        return fit_zoom(image, pane) if self.fit else self.zoom

    def placement(self, image: Size, pane: Size) -> Placement:
        """Where to draw `image` in a `pane`. Origins are whole pixels so 100% stays crisp."""
        zoom = self.effective_zoom(image, pane)
        if self.fit:
            cx, cy = 0.5, 0.5
        else:
            cx, cy = self.centre_x, self.centre_y
        origin_x = pane.width / 2 - cx * image.width * zoom
        origin_y = pane.height / 2 - cy * image.height * zoom
        return Placement(zoom, float(round(origin_x)), float(round(origin_y)))

    def set_zoom(self, zoom: float, image: Size, pane: Size) -> None:
        """Zoom about the centre of the pane."""
        self.zoom_at(zoom, pane.width / 2, pane.height / 2, image, pane)

    def zoom_at(self, zoom: float, x: float, y: float, image: Size, pane: Size) -> None:
        """Zoom so that the image point under pane point (x, y) stays under it."""
        if image.empty or pane.empty:
            return
        before = self.placement(image, pane)
        ix, iy = before.to_image(x, y)
        self.zoom = clamp_zoom(zoom)
        self.fit = False
        # New centre: the point that must sit at the pane centre for (ix, iy) to stay at (x, y).
        self.centre_x = (ix + (pane.width / 2 - x) / self.zoom) / image.width
        self.centre_y = (iy + (pane.height / 2 - y) / self.zoom) / image.height
        self._keep_on_screen()

    def pan_by(self, dx: float, dy: float, image: Size, pane: Size) -> None:
        """Move the image by (dx, dy) pane pixels, as a hand dragging it would."""
        if image.empty or pane.empty:
            return
        if self.fit:  # dragging a fitted image starts from the fitted view
            self.zoom = fit_zoom(image, pane)
            self.centre_x = self.centre_y = 0.5
            self.fit = False
        self.centre_x -= dx / (image.width * self.zoom)
        self.centre_y -= dy / (image.height * self.zoom)
        self._keep_on_screen()

    def step_zoom(self, steps: int, image: Size, pane: Size) -> None:
        """Walk `steps` rungs up (positive) or down the zoom ladder from the current zoom."""
        current = self.effective_zoom(image, pane)
        self.set_zoom(next_step(current, steps), image, pane)

    def _keep_on_screen(self) -> None:
        # The view centre stays on the image, so the image can never be dragged out of sight.
        self.centre_x = min(1.0, max(0.0, self.centre_x))
        self.centre_y = min(1.0, max(0.0, self.centre_y))


def fit_zoom(image: Size, pane: Size) -> float:
    """The zoom that shows all of `image` in `pane` (never enlarging beyond 100%)."""
    if image.empty or pane.empty:
        return 1.0
    return min(1.0, pane.width / image.width, pane.height / image.height)


def clamp_zoom(zoom: float) -> float:
    if not math.isfinite(zoom):
        return 1.0
    return min(MAX_ZOOM, max(MIN_ZOOM, zoom))


def next_step(zoom: float, steps: int) -> float:
    if steps > 0:
        larger = [z for z in ZOOM_STEPS if z > zoom * 1.001]
        return larger[min(steps, len(larger)) - 1] if larger else MAX_ZOOM
    if steps < 0:
        smaller = [z for z in reversed(ZOOM_STEPS) if z < zoom / 1.001]
        return smaller[min(-steps, len(smaller)) - 1] if smaller else MIN_ZOOM
    return zoom


def parse_zoom_text(text: str) -> float | None:
    """'150', '150%', '1.5x' or '33.3 %' -> a zoom factor; None when it is not a zoom."""
    cleaned = text.strip().lower().replace(" ", "").replace(",", ".")
    try:
        is_factor = cleaned.endswith("x")
        value = float(cleaned[:-1]) if is_factor else float(cleaned.rstrip("%")) / 100
    except ValueError:
        return None
    if not math.isfinite(value) or value <= 0:
        return None
    return clamp_zoom(value)


def format_zoom(zoom: float) -> str:
    percent = zoom * 100
    if percent >= 10:
        return f"{percent:.0f}%"
    return f"{percent:.1f}%"
