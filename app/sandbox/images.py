"""Image checks on upload and the decode -> render -> encode pipeline of an execution.

Uploads are judged by content, never by name: format, dimensions, decompression bombs and
truncation all give a 422 with a message a person can act on. Processing applies the EXIF
orientation (results are upright and carry no orientation tag), keeps the ICC profile, and
scales inputs larger than 4096 px a side down first, as the vendor does (`scaled_size`).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from app.imaging.jpeg_structure import jpeg_bytes_problem
from app.sandbox.workflows import CONTENT_TYPES, MAX_SIDE, WorkflowVersion, encode

SUPPORTED = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff", "WEBP": "image/webp"}
MAX_INPUT_SIDE = 10_000
# An oversized file that unpacks to more than this many pixels per byte is a bomb, not a
# photograph: even a flat product shot stays well under it, a crafted PNG reaches ~1000.
_BOMB_PIXELS_PER_BYTE = 200
_ORIENTATION = 0x0112  # the EXIF tag; 5-8 turn the image a quarter, swapping its sides
_QUARTER_TURNS = (5, 6, 7, 8)


class ImageRejected(Exception):
    """The upload cannot be processed (answered with 422 and this message)."""


@dataclass(frozen=True)
class ImageFacts:
    format: str
    content_type: str
    width: int
    height: int


@dataclass(frozen=True)
class RenderedResult:
    data: bytes
    content_hash: str
    content_type: str
    extension: str


def inspect_image(data: bytes) -> ImageFacts:
    """Validates an upload fully (it decodes it); raises ImageRejected with the reason."""
    if not data:
        raise ImageRejected("The file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ImageRejected(f"Decompression bomb rejected: {exc}") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected(
            "Not an image: the file is not a JPEG, PNG, TIFF or WebP picture"
        ) from exc
    with image:
        fmt = image.format or "unknown"
        if fmt not in SUPPORTED:
            raise ImageRejected(
                f"Unsupported image format {fmt}: only JPEG, PNG, TIFF and WebP can be processed"
            )
        width, height = image.size
        if width > MAX_INPUT_SIDE or height > MAX_INPUT_SIDE:
            if width * height / len(data) > _BOMB_PIXELS_PER_BYTE:
                raise ImageRejected(
                    f"Decompression bomb rejected: {width} x {height} px packed into "
                    f"{len(data)} bytes"
                )
            raise ImageRejected(
                f"Image too large: {width} x {height} px; at most {MAX_INPUT_SIDE} px per side"
            )
        if width < 1 or height < 1:
            raise ImageRejected("Image has no pixels")
        _check_whole(image, data)
    return ImageFacts(fmt, SUPPORTED[fmt], width, height)


def _check_whole(image: Image.Image, data: bytes) -> None:
    # Truncation shows only at the end of the image data. A JPEG's markers are walked to the
    # end of its last scan (as the client's probe does): as sure as decoding it, and a tenth of
    # even a 1/8-scale decode's cost, which was most of an upload's CPU. Other formats are
    # decoded.
    if image.format == "JPEG":
        problem = jpeg_bytes_problem(data)
        if problem:
            raise ImageRejected(f"Truncated or corrupt image: {problem}")
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected(f"Truncated or corrupt image: {exc}") from exc


def scaled_size(width: int, height: int) -> tuple[int, int]:
    """The size an upright input is processed at: the vendor scales down what exceeds 4096 px.

    An image whose long side is at most MAX_SIDE (4096) px keeps its size. A larger one gets a
    long side of exactly 4096 px and a short side of short x 4096 / long rounded to the
    nearest whole pixel, halves rounded up (floor(short x 4096 / long + 1/2), at least 1 px):
    6000 x 4000 becomes 4096 x 2731, 8192 x 301 becomes 4096 x 151. An input a client has
    already scaled to that size is processed as it is, so either way the result has the same
    pixel size.
    """
    long_side, short_side = max(width, height), min(width, height)
    if long_side <= MAX_SIDE:
        return width, height
    short_scaled = max(1, (2 * short_side * MAX_SIDE + long_side) // (2 * long_side))
    return (MAX_SIDE, short_scaled) if width >= height else (short_scaled, MAX_SIDE)


def load_upright(path: Path) -> tuple[Image.Image, bytes | None]:
    """Decodes an input for processing: upright, at most 4096 px a side, RGB or RGBA."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            # The processing size follows from the file's own size, whatever a reduced-scale
            # decode gives: a client that scales the input first gets the same pixel size.
            width, height = image.size
            if image.getexif().get(_ORIENTATION, 1) in _QUARTER_TURNS:
                width, height = height, width
            if image.format == "JPEG" and max(image.size) > 2 * MAX_SIDE:
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at a reduced scale: faster
            image.load()
            icc = image.info.get("icc_profile")
            # In place: an upright image (the usual case) is not copied; loaded, it is usable
            # once the file is closed.
            ImageOps.exif_transpose(image, in_place=True)
            upright: Image.Image = image
    if upright.mode == "CMYK":
        upright, icc = upright.convert("RGB"), None  # the CMYK profile no longer fits the pixels
    elif upright.mode.startswith("I"):
        upright = upright.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if upright.mode not in ("RGB", "RGBA"):
        has_alpha = upright.mode in ("LA", "PA") or "transparency" in upright.info
        upright = upright.convert("RGBA" if has_alpha else "RGB")
    target = scaled_size(width, height)
    if target != upright.size:
        # reducing_gap as thumbnail() uses it: a cheap integer reduction first while the image
        # is still over twice the target, then Lanczos.
        upright = upright.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
    return upright, icc if isinstance(icc, bytes) else None


def render(path: Path, version: WorkflowVersion, settings: Mapping[str, Any]) -> RenderedResult:
    image, icc = load_upright(path)
    data = encode(version.render(image, settings), version, icc)
    return RenderedResult(
        data=data,
        content_hash=hashlib.sha256(data).hexdigest(),
        content_type=CONTENT_TYPES[version.export],
        extension=version.export,
    )
