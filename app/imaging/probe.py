"""Validate an input image by its content, cheaply, before anything is uploaded.

The server accepts JPEG, PNG, TIFF and WebP up to 10,000 px a side. Finding out that a file is
not one of those after uploading it wastes the user's bandwidth and, worse, gives a vague 422.
So every input is probed here and a bad one gets one specific, human reason.

Cost matters: a batch can hold thousands of large photographs, so the probe reads the header
and checks structure without decoding full-size pixels:
- PNG: `verify()` walks every chunk and checks its CRC (no inflate), which catches truncation.
- JPEG: a walk of its markers to the EOI that ends its last scan (`jpeg_structure`), which
  notices a truncated file as surely as decoding it would, at a tenth of even a 1/8-scale
  decode's cost (trailing bytes after EOI are legal, so looking for the EOI marker alone gives
  false alarms and misses).
- WebP: the RIFF header states the file's length; a shorter file was cut off.
- TIFF: every strip/tile offset + byte count must lie inside the file.
"""

from __future__ import annotations

import enum
import logging
import os
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from app.imaging.jpeg_structure import jpeg_structure_problem
from app.imaging.stored_size import stored_size

log = logging.getLogger(__name__)

MAX_SIDE = 10_000
# Pillow refuses to even open images over 2x this many pixels; we want to decide ourselves.
_BOMB_PIXELS = 2 * MAX_SIDE * MAX_SIDE

CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",  # multi-picture JPEG from cameras: the first frame is a plain JPEG
    "PNG": "image/png",
    "TIFF": "image/tiff",
    "WEBP": "image/webp",
}


class ImageProblem(enum.StrEnum):
    EMPTY = "empty"
    NOT_IMAGE = "not_image"
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too_large"
    BOMB = "decompression_bomb"
    TRUNCATED = "truncated"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class ProbeResult:
    """What the probe found out about a file.

    `width` and `height` are the pixel size as the file stores it, before EXIF orientation,
    for every format (`stored_size`): that is what its header declares, it costs no EXIF parse,
    and it is what a job records. The upright size differs only by a swap of the two, which
    the per-side limit does not care about.
    """

    ok: bool
    content_type: str = ""  # e.g. image/jpeg, detected from content
    format: str = ""  # Pillow's format name
    width: int = 0
    height: int = 0
    size: int = 0  # bytes
    problem: ImageProblem | None = None
    reason: str = ""  # human-readable, set when not ok


def _bad(problem: ImageProblem, reason: str, **known: int | str) -> ProbeResult:
    return ProbeResult(ok=False, problem=problem, reason=reason, **known)  # type: ignore[arg-type]


def probe_image(path: str | os.PathLike[str]) -> ProbeResult:
    """Say whether the server could process this file, and if not, why. Never raises."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return _bad(ImageProblem.UNREADABLE, f"cannot read the file: {exc.strerror or exc}")
    if size == 0:
        return _bad(ImageProblem.EMPTY, "the file is empty (0 bytes)")
    try:
        return _probe_content(path, size)
    except PermissionError:
        return _bad(ImageProblem.UNREADABLE, "permission denied", size=size)
    except OSError as exc:
        return _bad(
            ImageProblem.UNREADABLE, f"cannot read the file: {exc.strerror or exc}", size=size
        )


def _probe_content(path: Path, size: int) -> ProbeResult:
    with warnings.catch_warnings():
        # Large-but-legal images trigger a warning; our own limits below decide instead.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
        except Image.DecompressionBombError:
            return _bad(
                ImageProblem.BOMB,
                "decompression bomb: the header declares far more pixels than any real photo",
                size=size,
            )
        except UnidentifiedImageError:
            return _bad(ImageProblem.NOT_IMAGE, "not an image (content not recognised)", size=size)
        except (SyntaxError, ValueError, struct.error, EOFError) as exc:
            return _bad(
                ImageProblem.TRUNCATED, f"damaged or truncated image header ({exc})", size=size
            )
        except OSError as exc:
            if exc.errno is not None:
                raise  # a real I/O error (permission, disk): reported as unreadable
            # A decoder that starts at open (WebP) refused the data: say why if we can tell.
            cut = _webp_problem(path, size) if _is_riff(path) else ""
            return _bad(ImageProblem.TRUNCATED, cut or f"damaged image data ({exc})", size=size)
    with image:
        fmt = image.format or ""
        width, height = stored_size(image)
        known: dict[str, int | str] = {
            "format": fmt,
            "width": width,
            "height": height,
            "size": size,
        }
        content_type = CONTENT_TYPES.get(fmt)
        if content_type is None:
            return _bad(
                ImageProblem.UNSUPPORTED,
                f"unsupported format {fmt or 'unknown'} (JPEG, PNG, TIFF or WebP only)",
                **known,
            )
        if width * height > _BOMB_PIXELS:
            return _bad(
                ImageProblem.BOMB,
                f"decompression bomb: declares {width} x {height} px in {size} bytes",
                **known,
            )
        if width > MAX_SIDE or height > MAX_SIDE:
            return _bad(
                ImageProblem.TOO_LARGE,
                f"too large: {width} x {height} px (at most {MAX_SIDE:,} px a side)",
                **known,
            )
        if width <= 0 or height <= 0:
            return _bad(ImageProblem.TRUNCATED, "damaged image: zero width or height", **known)
        damage = _structure_problem(image, path, size)
    if damage:
        return _bad(ImageProblem.TRUNCATED, damage, **known)
    return ProbeResult(
        ok=True, content_type=content_type, format=fmt, width=width, height=height, size=size
    )


def _structure_problem(image: Image.Image, path: Path, size: int) -> str:
    """Return a reason when the image's data is cut off or corrupt, else ''."""
    fmt = image.format
    try:
        if fmt == "PNG":
            image.verify()
        elif fmt in ("JPEG", "MPO"):
            return jpeg_structure_problem(path)  # an MPO's first frame is a whole JPEG
        elif fmt == "WEBP":
            return _webp_problem(path, size)
        elif fmt == "TIFF":
            return _tiff_problem(image, size)
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        text = str(exc)
        if "truncated" in text.lower() or isinstance(exc, EOFError):
            return "truncated: the file ends before the image data does"
        return f"damaged image data ({text or type(exc).__name__})"
    return ""


def _is_riff(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"RIFF"


def _webp_problem(path: Path, size: int) -> str:
    with path.open("rb") as f:
        header = f.read(12)
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WEBP":
        return "damaged WebP header"
    declared = struct.unpack("<I", header[4:8])[0] + 8
    if declared > size:
        return f"truncated: the file has {size} of its {declared} bytes"
    return ""


def _tiff_problem(image: Image.Image, size: int) -> str:
    tags = getattr(image, "tag_v2", None)
    if tags is None:
        return ""
    for offsets_tag, counts_tag in ((273, 279), (324, 325)):  # strips, tiles
        offsets = tags.get(offsets_tag)
        counts = tags.get(counts_tag)
        if offsets is None or counts is None:
            continue
        if isinstance(offsets, int):
            offsets, counts = (offsets,), (counts,)
        for offset, count in zip(offsets, counts, strict=False):
            if int(offset) + int(count) > size:
                return "truncated: image data runs past the end of the file"
    return ""
