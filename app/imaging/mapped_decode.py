"""Pillow's decoders writing a big file's pixels into a memory map we own, by public API.

Why: Pillow zero-fills a new picture's memory and later frees it holding the GIL. Once the C
library has had big blocks freed, it reuses heap memory for the next big picture and zero-fills
that by hand: for 100 MP, 30-50 ms during which a GUI thread that wants the GIL waits, and
~15 ms more to free it. A map is zeroed lazily by the kernel as it is written, without the
GIL, and a `PixelMap` is unmapped on the release thread wherever its last reference goes.

How, with Pillow's public API only:
- `Image.frombuffer` wraps the map as a picture that shares its memory (documented for the
  modes in `_MAPPED_MODES`; an RGB file is held as "RGBX", the layout Pillow keeps RGB in);
- the file's own decoding plan (`tile`: codec, extents, offset, arguments, plus the reader's
  `decoderconfig`) names the decoder, and `Image.Image.frombytes` runs it into that picture,
  fed with the file's compressed data read into anonymous memory (a PNG's is the data of its
  IDAT chunks). Each decoder takes its input in one call, with the GIL released throughout.
The opened file is never loaded, so Pillow's TIFF reader does not turn the pixels either: they
stay as stored, and the caller turns them band by band.

Where this does not apply (small pictures, other formats, modes or plans), `decode_into_map`
says None, and the caller lets Pillow load the file its own way. So it does when a decoder
refuses the data here: Pillow then has the last word (and words the error).
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from typing import Any, cast

from PIL import Image

from app.imaging.errors import Cancelled
from app.imaging.png_chunks import idat_spans
from app.imaging.reading import read_spans
from app.imaging.release import PixelMap

log = logging.getLogger(__name__)

# Below this many decoded bytes Pillow's own memory costs about a millisecond of GIL.
MIN_MAPPED_BYTES = 8 << 20

# Mode of the file -> mode of the picture in our map, which Image.frombuffer shares memory in.
_MAPPED_MODES = {"L": "L", "P": "P", "I;16": "I;16", "RGB": "RGBX", "RGBA": "RGBA", "CMYK": "CMYK"}
_BYTES_PER_PIXEL = {"L": 1, "P": 1, "I;16": 2, "RGBX": 4, "RGBA": 4, "CMYK": 4}
# Codecs that take their input from memory, and the formats whose plans name them.
_CODECS = {"PNG": {"zip"}, "JPEG": {"jpeg"}, "MPO": {"jpeg"}, "TIFF": {"libtiff", "raw"}}

Tile = tuple[str, tuple[int, int, int, int], int, Any]


@dataclass(frozen=True)
class MappedPicture:
    """A picture whose pixels live in `memory`, row after row, with no gaps between rows."""

    picture: Image.Image
    memory: PixelMap


def decode_into_map(
    im: Image.Image, path: str | os.PathLike[str], cancelled: Cancelled | None = None
) -> MappedPicture | None:
    """The pixels of `im` (opened, not loaded) as stored, decoded into a `PixelMap`; `info`
    and palette as the file's. None where this route does not apply or the data was refused."""
    mode = _MAPPED_MODES.get(im.mode)
    tiles = cast(list[Tile], list(getattr(im, "tile", None) or []))
    if mode is None or not _plan_applies(im, mode, tiles):
        return None
    width = max(extents[2] for _, extents, _, _ in tiles)
    height = max(extents[3] for _, extents, _, _ in tiles)
    stride = width * _BYTES_PER_PIXEL[mode]
    if stride * height < MIN_MAPPED_BYTES:
        return None
    pixels = PixelMap(-1, stride * height)
    try:
        _decode_tiles(im, path, tiles, mode, pixels, stride, cancelled)
    except (OSError, ValueError) as exc:
        log.info("%s: decoding into our memory failed (%s); Pillow loads it", path, exc)
        return None
    # Pillow's stubs name only bytes for the buffer; any buffer works, and none is copied.
    picture = Image.frombuffer(mode, (width, height), cast(bytes, pixels), "raw", mode, 0, 1)
    if im.mode == "P" and im.palette is not None:
        rawmode, palette = im.palette.getdata()
        picture.putpalette(palette, rawmode)
    picture.info = dict(im.info)
    return MappedPicture(picture, pixels)


def _plan_applies(im: Image.Image, mode: str, tiles: list[Tile]) -> bool:
    codecs = _CODECS.get(im.format or "", set())
    if not tiles or any(codec not in codecs for codec, _, _, _ in tiles):
        return False
    width = max(extents[2] for _, extents, _, _ in tiles)
    if any(extents[0] != 0 or extents[2] != width for _, extents, _, _ in tiles):
        return False  # tiles narrower than the picture would need views Pillow cannot map
    if mode == im.mode:
        return True  # the very pairing of picture mode and raw mode Pillow itself would use
    return all(_unpacks(mode, _rawmode(args)) for _, _, _, args in tiles)


def _decode_tiles(
    im: Image.Image,
    path: str | os.PathLike[str],
    tiles: list[Tile],
    mode: str,
    pixels: PixelMap,
    stride: int,
    cancelled: Cancelled | None,
) -> None:
    if im.format == "PNG":
        spans = idat_spans(path)
        tiles = [(codec, extents, 0, args) for codec, extents, _, args in tiles]
    else:
        spans = [(0, os.path.getsize(path))]
    data, length = read_spans(path, spans, cancelled)
    extra = tuple(getattr(im, "decoderconfig", ()))
    if im.format == "PNG" and im.info.get("interlace"):
        extra += (1,)  # what Pillow's PNG reader adds as it prepares to load
    with memoryview(data) as whole, memoryview(pixels) as rows:
        for codec, (_, top, width, bottom), offset, args in tiles:
            below = cast(bytes, rows[top * stride :])
            band = Image.frombuffer(mode, (width, bottom - top), below, "raw", mode, stride, 1)
            try:
                band.frombytes(whole[offset:length], codec, *_as_tuple(args), *extra)
            finally:
                del band  # gives back its view of `rows` before that is released


def _as_tuple(args: Any) -> tuple[Any, ...]:
    if args is None:
        return ()
    return args if isinstance(args, tuple) else (args,)


def _rawmode(args: Any) -> str:
    first = _as_tuple(args)[:1]
    return first[0] if first and isinstance(first[0], str) else ""


@functools.cache
def _unpacks(mode: str, rawmode: str) -> bool:
    """Whether Pillow unpacks `rawmode` data into pictures of `mode` (every codec uses the
    same unpackers), tried on one pixel."""
    try:
        Image.frombytes(mode, (1, 1), bytes(16), "raw", rawmode)
    except (OSError, ValueError):
        return False
    return True
