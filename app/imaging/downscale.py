"""Send only what the service keeps: a copy of a large input, scaled as the service would.

The vendor documents that inputs larger than 4,096 x 4,096 px are scaled down. Uploading the
rest of a 24 MP photograph is time spent for pixels that are thrown away on arrival, so the
engine may upload a copy scaled to exactly the size the service would have made, in the
original's format and with its profile, EXIF and bit depth (see source_formats.py). The
original file is only read. The copy is what gets hashed and uploaded, and it is deterministic:
the same file always gives the same bytes, so deduplication works across runs.

The size rule is the service's, reproduced: Pillow's `thumbnail` into a 4,096 px square, applied
to the picture as it is seen (upright, after its EXIF orientation). The copy keeps the stored
pixel layout and the orientation tag, so it is the same picture turned the same way; its size is
computed upright and then turned back, because the rounding of the short side can differ by a
pixel between a picture and its transposition. (Pillow's TIFF reader turns the pixels upright
as it decodes them; those are scaled upright and the small result is turned back.)

Only the rule's long side is documented; the short side's rounding is the sandbox's choice.
Plain rounding to the nearest pixel is the other likely one, and the two agree on all but about
one size in ten thousand (4186 x 1000: 979 px by the thumbnail rule, 978 rounded). For those
the original goes up: a copy of the wrong size would be processed at that size, a pixel off.

Runs in a worker thread: a 24 MP JPEG takes about 0.6 s here, during which Pillow lets go of
the GIL (it decodes, resamples and, into a file descriptor, encodes without it; a compressed
TIFF's encode is the exception, see source_formats.py).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image, UnidentifiedImageError

from app.imaging.service_limits import MAX_SERVICE_INPUT_SIDE
from app.imaging.service_limits import MAX_SERVICE_SIDE as MAX_SERVICE_SIDE  # part of this API
from app.imaging.source_formats import (
    OPENABLE_FORMATS,
    SourceFormat,
    Unkept,
    describe_options,
    source_format,
)

log = logging.getLogger(__name__)

_TRANSPOSING_ORIENTATIONS = (5, 6, 7, 8)  # EXIF orientations that swap width and height
# What turns upright pixels back into the layout an EXIF orientation describes: the inverse of
# what ImageOps.exif_transpose does for it.
_BACK_TO_STORED = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
_LANCZOS = Image.Resampling.LANCZOS


class CorruptImageError(Exception):
    """The file opened as a picture worth scaling, but its pixels could not be decoded."""


@dataclass(frozen=True)
class ScaledInput:
    data: bytes  # the encoded scaled image, ready to upload
    content_type: str  # same format as the source (image/jpeg, image/png, image/tiff, image/webp)
    size: tuple[int, int]  # its pixel size, as stored
    source_size: tuple[int, int]  # the original's pixel size, as stored
    sha256: str  # lowercase hex of `data` (the content hash the server will report)


def service_size(
    width: int, height: int, max_side: int = MAX_SERVICE_SIDE
) -> tuple[int, int] | None:
    """The size the service turns an input of this stored size into, or None if it keeps it.

    Pillow's `thumbnail((max_side, max_side))`: the long side becomes max_side, and the short
    side whichever of its floor and ceiling keeps the aspect ratio closer (the floor on a tie),
    at least 1 px.
    """
    if width <= max_side and height <= max_side:
        return None
    aspect = width / height
    if aspect <= 1:  # portrait or square: the height is the long side
        exact = max_side * aspect
        new_width = _closer_integer(exact, lambda n: abs(aspect - n / max_side))
        return new_width, max_side
    exact = max_side / aspect
    new_height = _closer_integer(exact, lambda n: abs(aspect - max_side / n) if n else 0.0)
    return max_side, new_height


def _closer_integer(exact: float, error: Callable[[int], float]) -> int:
    return max(min(math.floor(exact), math.ceil(exact), key=error), 1)


def scale_for_service(path: Path, max_side: int = MAX_SERVICE_SIDE) -> ScaledInput | None:
    """A copy of `path` scaled to what the service keeps, or None when the original should go up
    as it is: not larger than max_side, not a JPEG, PNG, TIFF or WebP picture, or not scalable
    without losing something the service would have kept (the reason is logged at debug level).

    Raises CorruptImageError when the file is such a picture but its data cannot be decoded
    (truncated or damaged), and OSError when the file cannot be read at all: either way it would
    fail at the service too, and the caller can say why on its row.
    """
    with path.open("rb") as file:
        try:
            image = Image.open(file, formats=OPENABLE_FORMATS)
        except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
            log.debug("%s goes up as it is: %s", path.name, exc)
            return None
        except (OSError, SyntaxError, ValueError) as exc:  # recognised, but the data is broken
            raise CorruptImageError(f"{path.name} cannot be decoded: {exc}") from exc
        with image:
            scaled = _scaled_pixels(image, path, max_side)
    # The source is closed and its decoded pixels freed before the copy is encoded.
    if scaled is None:
        return None
    data = _encode(scaled, path)
    if data is None:
        return None
    log.debug(
        "%s scaled %d x %d -> %d x %d as %s (%s)",
        path.name,
        *scaled.source_size,
        *scaled.pixels.size,
        scaled.source.pillow_format,
        describe_options(scaled.options),
    )
    return ScaledInput(
        data=data,
        content_type=scaled.source.content_type,
        size=scaled.pixels.size,
        source_size=scaled.source_size,
        sha256=hashlib.sha256(data).hexdigest(),
    )


@dataclass
class _Scaled:
    pixels: Image.Image  # in the source's stored layout
    source: SourceFormat
    options: dict[str, Any]  # Pillow save options
    source_size: tuple[int, int]  # as stored


def _scaled_pixels(image: Image.Image, path: Path, max_side: int) -> _Scaled | None:
    # Which side is long does not depend on orientation, so the size as opened decides.
    if max(image.size) <= max_side:
        return None
    if max(image.size) > MAX_SERVICE_INPUT_SIDE:
        log.debug(
            "%s goes up as it is: over %d px a side, the service refuses it",
            path.name,
            MAX_SERVICE_INPUT_SIDE,
        )
        return None
    try:
        source = source_format(image, path)
    except Unkept as reason:
        log.debug("%s goes up as it is: %s", path.name, reason)
        return None
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptImageError(f"{path.name} cannot be decoded: {exc}") from exc
    orientation = source.orientation(image)
    decoded_upright = source.decoded_upright(image)
    upright = image.size if decoded_upright else _turned(image.size, orientation)
    upright_target = service_size(*upright, max_side)
    assert upright_target is not None  # a side is over max_side
    nearest = _nearest_short_side(upright, max_side)
    if min(upright_target) != nearest:
        log.debug(
            "%s goes up as it is: its short side would be %d px by the thumbnail rule, %d px "
            "by plain rounding, and only the full file is sure to get the service's own",
            path.name,
            min(upright_target),
            nearest,
        )
        return None
    stored_target = _turned(upright_target, orientation)
    options = source.save_options(image, stored_target)
    mode = source.pixel_mode(image)
    pixels = image if image.mode == mode else image.convert(mode)
    if decoded_upright:
        scaled = pixels.resize(upright_target, _LANCZOS).transpose(_BACK_TO_STORED[orientation])
    else:
        scaled = pixels.resize(stored_target, _LANCZOS)
    return _Scaled(scaled, source, options, _turned(upright, orientation))


def _nearest_short_side(upright: tuple[int, int], max_side: int) -> int:
    """The short side scaled and rounded to the nearest pixel, halves up (in integers)."""
    long_side, short_side = max(upright), min(upright)
    return max(1, (2 * short_side * max_side + long_side) // (2 * long_side))


def _turned(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """A size between stored and upright (either way: a quarter turn swaps the sides)."""
    return (size[1], size[0]) if orientation in _TRANSPOSING_ORIENTATIONS else size


def _encode(scaled: _Scaled, path: Path) -> bytes | None:
    # Only what the options say goes into the file: resize copies the source's info, which
    # Pillow's writers would otherwise pick from.
    scaled.pixels.info.clear()
    with _encoding_buffer() as out:
        try:
            scaled.pixels.save(out, format=scaled.source.pillow_format, **scaled.options)
        except (OSError, ValueError, RuntimeError) as exc:
            # The original is always a correct upload; a copy that cannot be written is not.
            log.warning(
                "%s goes up as it is: its scaled copy could not be written (%s)", path.name, exc
            )
            return None
        out.seek(0)
        return out.read()


def _encoding_buffer() -> BinaryIO:
    """An anonymous file to encode into, in memory where the system allows.

    Not a BytesIO: Pillow holds the GIL while it encodes into a Python buffer, and a progressive
    JPEG is encoded in one call, so every other thread (the GUI's too) would wait ~0.5 s for an
    11 MP copy. Into a file descriptor Pillow encodes with the GIL released (3-12 ms waits).
    """
    if hasattr(os, "memfd_create"):  # Linux: a file that only ever lives in memory
        return os.fdopen(os.memfd_create("scaled-input", os.MFD_CLOEXEC), "w+b")
    return tempfile.TemporaryFile()  # elsewhere: unnamed, and deleted when closed
