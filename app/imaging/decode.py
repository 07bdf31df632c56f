"""Decode an image file into pixels that look right on screen: upright, sRGB, 8 bits, RGBA.

Retouchers judge results by eye at 100%, so "looks right" is strict: EXIF orientation is
applied (orientation.py), an embedded ICC profile is converted to sRGB and every pixel mode is
brought to 8-bit RGB(A) by scaling (display_colour.py). This module is the entry: it opens the
file, decodes the stored pixels and hands them to packing (packing.py) or to the preview
shrinking (shrinking.py).

Speed: `max_side` asks for a reduced preview. JPEG then decodes at 1/2, 1/4 or 1/8 scale
inside libjpeg (draft mode), which is what makes a 24 MP photo show within ~100 ms; other
formats must be decoded in full and are then shrunk with `reduce` (a cheap box filter).
`decode_progressive` yields the preview and then the full image from a single decode where the
format allows no cheaper preview, so a big PNG is never decoded twice.

Worker threads and the GIL: Pillow releases the GIL while it decodes and converts, but not
while it allocates, zero-fills or frees an image's memory, which for a 100 MP picture is tens
of milliseconds of a GUI thread waiting. So big pictures are decoded into a memory map we own
(mapped_decode.py), and everything after the decode runs in bands of ~2 MB.

Cancelling: a caller that may stop wanting the image passes `cancelled`; reads of the file and
the bands after the decode check it, so a decode nobody wants stops at its next read or band
with `DecodeCancelled` (a viewer being closed then need not wait for it). A decoder given the
whole file at once (see mapped_decode.py) runs to its end first. Nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from app.imaging.errors import Cancelled, DecodeError
from app.imaging.facts import (
    ImageInfo,
    describe,
    exif_orientation,
    format_of,
    open_checked,
    open_error,
)
from app.imaging.mapped_decode import decode_into_map
from app.imaging.orientation import turn_upright
from app.imaging.packing import DecodedImage, PixelLayout, pack, pack_display
from app.imaging.reading import CancellableReader
from app.imaging.release import PixelMap
from app.imaging.shrinking import display_preview

# Formats whose decoder can decode at a reduced scale (libjpeg's DCT scaling). MPO is the
# multi-picture JPEG some cameras write; its first frame is a plain JPEG.
_DRAFT_FORMATS = {"JPEG", "MPO"}


def decode_for_display(
    path: str | os.PathLike[str],
    max_side: int | None = None,
    *,
    layout: PixelLayout = "RGBA",
    cancelled: Cancelled | None = None,
) -> DecodedImage:
    """Decode `path` for display, reduced to fit `max_side` (if given) on its longer side."""
    with _opened_for_decoding(path, max_side, cancelled) as (im, info):
        stored = load_stored(im, path, cancelled)
        if max_side is None:
            return _pack_full(stored, info, layout, cancelled)
        return _pack_preview(stored, max_side, info, layout)


def decode_progressive(
    path: str | os.PathLike[str],
    preview_side: int,
    *,
    layout: PixelLayout = "RGBA",
    cancelled: Cancelled | None = None,
) -> Iterator[DecodedImage]:
    """Yield a reduced preview (longer side <= `preview_side`) and then the full image.

    JPEG gets a separate cheap draft decode for the preview. Other formats are decoded once;
    the preview is shrunk from the decoded pixels and yielded first, so it can be shown while
    the full image is converted and packed.
    """
    if has_cheap_preview(path):
        preview = decode_for_display(path, preview_side, layout=layout, cancelled=cancelled)
        yield preview
        if preview.is_reduced:
            yield decode_for_display(path, layout=layout, cancelled=cancelled)
        return
    with _opened_for_decoding(path, None, cancelled) as (im, info):
        stored = load_stored(im, path, cancelled)
        if max(stored.picture.size) > preview_side:
            yield _pack_preview(stored, preview_side, info, layout)
        full = _pack_full(stored, info, layout, cancelled)
        del stored
    yield full  # the decoded pixels are let go of first: their memory goes while the caller works


def has_cheap_preview(path: str | os.PathLike[str]) -> bool:
    """True when `decode_for_display(path, max_side)` is much cheaper than a full decode
    (JPEG's reduced-scale decoding); other formats must decode everything either way."""
    return format_of(path) in _DRAFT_FORMATS


def _pack_preview(
    stored: StoredPixels, max_side: int, info: ImageInfo, layout: PixelLayout
) -> DecodedImage:
    """The stored pixels shrunk to fit `max_side`, then turned upright: turning is left to
    the end, where it costs next to nothing."""
    shrunk = display_preview(stored.picture, max_side)
    return pack(turn_upright(shrunk, stored.orientation), info, layout)


def _pack_full(
    stored: StoredPixels, info: ImageInfo, layout: PixelLayout, cancelled: Cancelled | None
) -> DecodedImage:
    """All of the stored pixels packed upright; their memory is reused where it can be, so
    `stored` must not be used afterwards."""
    return pack_display(
        stored.picture,
        info,
        layout,
        orientation=stored.orientation,
        cancelled=cancelled,
        overwriting=stored.memory,
    )


@contextlib.contextmanager
def _opened_for_decoding(
    path: str | os.PathLike[str],
    draft_side: int | None,
    cancelled: Cancelled | None,
) -> Iterator[tuple[Image.Image, ImageInfo]]:
    """The open file, read through `cancelled` checks if given, and its facts; a JPEG's
    draft size is chosen here, from the header, because it decides what gets decoded."""
    with contextlib.ExitStack() as stack:
        fp = None
        if cancelled is not None:
            fp = stack.enter_context(_open_cancellable(path, cancelled))
        im = stack.enter_context(open_checked(path, fp=fp))
        info = describe(im, path)
        if draft_side is not None:
            # Accept a draft down to 3/4 of the size asked for: a 6000 px JPEG then decodes
            # at 1/4 (1500 px, ~50 ms) rather than at 1/2 plus a resample (~120 ms).
            request_draft(im, info, draft_side * 3 // 4)
        yield im, info


def _open_cancellable(path: str | os.PathLike[str], cancelled: Cancelled) -> CancellableReader:
    try:
        return CancellableReader(path, cancelled)
    except OSError as exc:
        raise open_error(path, exc) from exc


def request_draft(im: Image.Image, info: ImageInfo, max_side: int) -> None:
    """Let JPEG decode at a reduced scale that is still at least `max_side` on the long side."""
    if im.format not in _DRAFT_FORMATS:
        return
    scale = max_side / max(info.width, info.height)
    if scale >= 1:
        return
    # draft() wants the stored (not yet rotated) size and picks the smallest scale >= it.
    wanted = (max(1, int(im.width * scale)), max(1, int(im.height * scale)))
    mode = im.mode if im.mode in ("RGB", "L", "CMYK") else None
    im.draft(mode, wanted)


@dataclass(frozen=True)
class StoredPixels:
    """A file's pixels, decoded as the file stores them."""

    picture: Image.Image
    orientation: int  # the EXIF orientation that turns them upright
    memory: PixelMap | None = None  # our map that holds them, if they were decoded into one


def load_stored(
    im: Image.Image, path: str | os.PathLike[str], cancelled: Cancelled | None = None
) -> StoredPixels:
    """The pixels of the opened file `im` as it stores them, with the orientation to apply
    (`upright_band`, `turn_upright`).

    A big picture is decoded into our memory (a picture of its own; `im` stays unloaded);
    anything else is loaded by Pillow into `im` itself. Pillow's TIFF reader turns what it
    loads upright by itself (and then no longer reports an orientation), so the orientation
    left to apply is read after the decode.
    """
    mapped = decode_into_map(im, path, cancelled)
    if mapped is not None:
        return StoredPixels(mapped.picture, exif_orientation(im, path), mapped.memory)
    try:
        im.load()
    except OSError as exc:  # truncated or corrupt data
        raise DecodeError(f"Cannot decode {Path(path).name}: {exc}") from exc
    return StoredPixels(im, exif_orientation(im, path))


def load_upright(im: Image.Image, path: str | os.PathLike[str]) -> Image.Image:
    """Decode and turn upright in one: a turned copy of the whole picture, for small ones."""
    stored = load_stored(im, path)
    return turn_upright(stored.picture, stored.orientation)
