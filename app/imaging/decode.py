"""Decode an image file into pixels that look right on screen: upright, sRGB, 8 bits, RGBA.

Retouchers judge results by eye at 100%, so "looks right" is strict:
- EXIF orientation is applied: a portrait shot from a phone must not appear on its side.
  Pixels are decoded as stored and turned band by band as they are packed (`upright_band`),
  and previews are turned once shrunk: a turned copy of the whole picture would be as big
  as the decoded one (400 MB for 100 MP, allocated and freed holding the GIL).
- An embedded ICC profile is converted to sRGB (the display is assumed to be sRGB; that is what
  a non-colour-managed Qt widget shows). Without this, a Display P3 or Adobe RGB photo looks
  dull and a CMYK one looks wrong entirely.
- 16-bit, greyscale (+alpha), palette (+transparency), CMYK and Lab files are all brought to 8-bit
  RGB(A) by scaling, not by clipping: Pillow's plain `convert("L")` of a 16-bit image clips
  everything above 255 to white.

Speed: `max_side` asks for a reduced preview. JPEG then decodes at 1/2, 1/4 or 1/8 scale
inside libjpeg (draft mode), which is what makes a 24 MP photo show within ~100 ms; other
formats must be decoded in full and are then shrunk with `reduce` (a cheap box filter).
`decode_progressive` yields the preview and then the full image from a single pass where the
format allows no cheaper preview, so a big PNG is never decoded twice.

Pixel limit: the server accepts up to 10,000 px a side, so 100 MP images are normal here and
Pillow's default bomb guard (~89 MP) would refuse them. The guard is raised deliberately to
`DISPLAY_PIXEL_LIMIT`, not switched off, and this module checks the limit itself so a bigger file
fails with a clear `DecodeError` instead of a warning or a bare Pillow exception.

Worker threads and the GIL: Pillow releases the GIL while it decodes and converts, but not
while it allocates, zero-fills or frees an image's memory. For a 100 MP picture each of those is
30-50 ms during which a GUI thread that wants the GIL waits. So big pictures never get a
full-size Pillow-owned image: Pillow decodes into an anonymous memory map that Python owns, and
everything after the decode (colour conversion, packing, halving) runs in bands of ~2 MB, so
every step that holds the GIL stays around a millisecond. Big buffers are `PixelMap`s, unmapped
on a release thread wherever their last reference goes (see release.py).

Cancelling: a caller that may stop wanting the image passes `cancelled`; reads of the file and
the bands after it check it, so a 2 s decode stops within a millisecond or so with
`DecodeCancelled` (a viewer being closed then need not wait for it). Nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import mmap
import os
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal, cast

from PIL import Image, ImageCms, TiffImagePlugin, UnidentifiedImageError
from PIL import _imaging as pillow_core  # Image.core, which Image.frombuffer maps buffers with

from app.imaging.release import PixelMap

log = logging.getLogger(__name__)

# 10,000 x 10,000 plus a margin for off-by-a-few sizes; far below anything that could exhaust
# memory on a desktop (101 MP RGBA is ~400 MB).
DISPLAY_PIXEL_LIMIT = 101_000_000
if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < DISPLAY_PIXEL_LIMIT:
    Image.MAX_IMAGE_PIXELS = DISPLAY_PIXEL_LIMIT

# "RGBA": straight (non-premultiplied) R, G, B, A bytes: the portable default.
# "BGRa": premultiplied B, G, R, A bytes. On a little-endian machine that is exactly Qt's
#         QImage.Format_ARGB32_Premultiplied, the format QPainter draws fastest, so a viewer can
#         wrap the bytes without a per-image conversion pass over 400 MB.
PixelLayout = Literal["RGBA", "BGRa"]

# Pixels of small images are `bytes`; big ones live in an anonymous memory map (see _pack_bands).
# Both support len(), slicing and the buffer protocol (QImage and Image.frombuffer wrap them).
PixelBuffer = bytes | mmap.mmap

# Formats whose decoder can decode at a reduced scale (libjpeg's DCT scaling). MPO is the
# multi-picture JPEG some cameras write; its first frame is a plain JPEG.
_DRAFT_FORMATS = {"JPEG", "MPO"}

_EXIF_ORIENTATION = 0x0112
_SWAPS_AXES = {5, 6, 7, 8}  # EXIF orientations that rotate by 90 degrees
# What turns stored pixels upright, per EXIF orientation (as ImageOps.exif_transpose does).
_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class DecodeError(Exception):
    """The file cannot be shown; the message says why in words a user understands."""


class DecodeCancelled(Exception):
    """The caller's `cancelled()` became true: decoding stopped and everything was let go."""


# `cancelled()`: True once the caller no longer wants the image (checked often, so make it cheap).
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class ImageInfo:
    """Facts about the file for the info line (sizes are the upright, full-resolution ones)."""

    width: int
    height: int
    file_size: int
    format: str  # Pillow's format name: "JPEG", "PNG", "TIFF", "WEBP", ...
    mode: str  # Pillow's mode of the file as stored: "RGB", "I;16", "CMYK", "P", ...
    bit_depth: int  # bits per channel as stored in the file
    colour_profile: str  # human description, e.g. "Display P3" or "sRGB (assumed)"
    has_alpha: bool

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 1e6


@dataclass(frozen=True)
class DecodedImage:
    """Display-ready pixels: `height` rows of `width * 4` bytes, sRGB, 8 bits per channel."""

    width: int
    height: int
    data: PixelBuffer
    info: ImageInfo
    layout: PixelLayout = "RGBA"

    @property
    def bytes_per_line(self) -> int:
        return self.width * 4

    @property
    def is_reduced(self) -> bool:
        """True for a preview smaller than the file's full resolution."""
        return self.width < self.info.width or self.height < self.info.height


def decode_for_display(
    path: str | os.PathLike[str],
    max_side: int | None = None,
    *,
    layout: PixelLayout = "RGBA",
    cancelled: Cancelled | None = None,
) -> DecodedImage:
    """Decode `path` for display, reduced to fit `max_side` (if given) on its longer side."""
    with _opened_for_decoding(path, max_side, cancelled) as (im, info):
        orientation = load_stored(im, path)
        if max_side is None:
            return pack_display(im, info, layout, orientation=orientation, cancelled=cancelled)
        return _pack_preview(im, orientation, max_side, info, layout)


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
        orientation = load_stored(im, path)
        if max(im.size) > preview_side:
            yield _pack_preview(im, orientation, preview_side, info, layout)
        full = pack_display(im, info, layout, orientation=orientation, cancelled=cancelled)
    yield full  # the file closed first: its memory goes while the caller works on this


def _pack_preview(
    im: Image.Image, orientation: int, max_side: int, info: ImageInfo, layout: PixelLayout
) -> DecodedImage:
    """The stored pixels shrunk to fit `max_side`, then turned upright: turning is left to
    the end, where it costs next to nothing."""
    small = reduce_to_fit(shrunk_display_image(im, max_side), max_side)
    return pack(turn_upright(small, orientation), info, layout)


@contextlib.contextmanager
def _opened_for_decoding(
    path: str | os.PathLike[str],
    draft_side: int | None,
    cancelled: Cancelled | None,
) -> Iterator[tuple[Image.Image, ImageInfo]]:
    """The open file and its facts, set up so that its pixels decode into our own memory.

    Order matters: `describe` reads EXIF, and for a PNG that can mean decoding every pixel, so
    the memory map must be in place before it; a JPEG's draft size must be chosen first (from
    the header alone) because it decides how big the decoded image is.
    """
    with contextlib.ExitStack() as stack:
        fp = None
        if cancelled is not None:
            fp = stack.enter_context(_open_cancellable(path, cancelled))
        im = stack.enter_context(open_checked(path, fp=fp))
        if im.format in _DRAFT_FORMATS:
            info = describe(im, path)
            if draft_side is not None:
                # Accept a draft down to 3/4 of the size asked for: a 6000 px JPEG then decodes
                # at 1/4 (1500 px, ~50 ms) rather than at 1/2 plus a resample (~120 ms).
                request_draft(im, info, draft_side * 3 // 4)
            decode_into_memory_map(im)
        else:
            decode_into_memory_map(im)
            info = describe(im, path)
        yield im, info


class _CancellableReader(io.BufferedReader):
    """A file whose reads raise `DecodeCancelled` once `cancelled()` is true.

    Pillow reads the file ~64 KB at a time as it decodes, so this stops a decode nobody wants
    any more within a millisecond or so, without reaching into Pillow.
    """

    def __init__(self, path: str | os.PathLike[str], cancelled: Cancelled) -> None:
        super().__init__(io.FileIO(path, "rb"))
        self._cancelled = cancelled

    def read(self, size: int | None = -1, /) -> bytes:
        if self._cancelled():
            raise DecodeCancelled
        return super().read(size)


def _open_cancellable(path: str | os.PathLike[str], cancelled: Cancelled) -> _CancellableReader:
    try:
        return _CancellableReader(path, cancelled)
    except OSError as exc:
        raise _open_error(path, exc) from exc


def has_cheap_preview(path: str | os.PathLike[str]) -> bool:
    """True when `decode_for_display(path, max_side)` is much cheaper than a full decode
    (JPEG's reduced-scale decoding); other formats must decode everything either way."""
    return _format_of(path) in _DRAFT_FORMATS


def read_info(path: str | os.PathLike[str]) -> ImageInfo:
    """The info-line facts, from the header (a PNG without EXIF before its pixels is decoded
    whole by Pillow to look for it)."""
    with open_checked(path) as im:
        return describe(im, path)


def reduce_to_fit(im: Image.Image, max_side: int) -> Image.Image:
    """Shrink so the longer side is at most `max_side`: integer `reduce` first, then a resample."""
    longest = max(im.size)
    if longest <= max_side:
        return im
    factor = longest // max_side
    if factor >= 2:
        im = im.reduce(factor)  # box filter over whole pixels: fast and free of aliasing
    if max(im.size) > max_side:
        scale = max_side / max(im.size)
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        im = im.resize(size, Image.Resampling.BILINEAR, reducing_gap=None)
    return im


def shrink_keeping_mode(im: Image.Image, max_side: int) -> Image.Image:
    """Whole-pixel `reduce` towards `max_side` (never below it) where averaging pixels is valid.

    Palette indices, bilevel and 16-bit data cannot be box-averaged in their own mode, so those
    are returned unchanged (to be shrunk after `to_display_image`). `info`, and so any ICC
    profile, is kept.
    """
    factor = max(im.size) // max_side
    if factor < 2 or im.mode not in _REDUCIBLE_MODES:
        return im
    reduced = im.reduce(factor)
    reduced.info = dict(im.info)
    return reduced


_REDUCIBLE_MODES = {"RGB", "RGBA", "RGBa", "RGBX", "L", "LA", "La", "CMYK", "LAB"}


def shrunk_display_image(im: Image.Image, max_side: int) -> Image.Image:
    """`to_display_image` of `im` reduced by whole pixels towards `max_side` (never below it).

    Reducible modes shrink first (then the colour conversion is cheap); the others (palette,
    16-bit, bilevel) are converted band by band, each band reduced at once, so no full-size
    display copy of a big picture is ever made. Bands are whole multiples of the factor, so the
    result is the same as reducing the converted picture in one go.
    """
    factor = max(im.size) // max_side
    if factor < 2:
        return to_display_image(im)
    if im.mode in _REDUCIBLE_MODES:
        return to_display_image(shrink_keeping_mode(im, max_side))
    convert = DisplayConversion(im)
    rows = max(1, _BAND_BYTES // (im.width * 4 * factor)) * factor
    parts = [
        convert(im.crop((0, top, im.width, min(im.height, top + rows)))).reduce(factor)
        for top in range(0, im.height, rows)
    ]
    shrunk = Image.new(parts[0].mode, (parts[0].width, sum(part.height for part in parts)))
    top = 0
    for part in parts:
        shrunk.paste(part, (0, top))
        top += part.height
    return shrunk


def to_display_image(im: Image.Image) -> Image.Image:
    """Any Pillow image -> an sRGB image in mode "RGB" or "RGBA", 8 bits per channel."""
    return DisplayConversion(im)(im)


class DisplayConversion:
    """`to_display_image` for one picture, applicable to the picture or to bands of it.

    What depends on the whole picture (its colour transform, a float image's value range) is
    decided once here, so converting a 100 MP image as 200 bands gives the same pixels as
    converting it whole, without a second full-size copy of it.
    """

    def __init__(self, im: Image.Image) -> None:
        self._float_range = _float_range(im) if im.mode == "F" else None
        self._transform: ImageCms.ImageCmsTransform | None = None
        profile = im.info.get("icc_profile")
        colour_mode = _colour_mode(im.mode)
        if profile or colour_mode == "LAB":
            try:
                self._transform = _transform_for(profile or None, colour_mode)
            except (OSError, ImageCms.PyCMSError) as exc:
                log.warning("ignoring an unusable ICC profile: %s", exc)

    def __call__(self, im: Image.Image) -> Image.Image:
        alpha = _alpha_of(im)
        colour = _colour_part(im, self._float_range)
        if self._transform is not None:
            colour = ImageCms.applyTransform(colour, self._transform) or colour
        if colour.mode != "RGB":
            colour = colour.convert("RGB")
        if alpha is not None:
            colour.putalpha(alpha)
        return colour


def pack(im: Image.Image, info: ImageInfo, layout: PixelLayout = "RGBA") -> DecodedImage:
    """Display image (RGB/RGBA) -> DecodedImage with 4 bytes per pixel in `layout`."""
    # Always 4 bytes a pixel with a real alpha byte: Qt's 32-bit "RGB" formats require the
    # padding byte to be 0xff, and Pillow's BGRX packer writes 0.
    data = _pack_bands(im.size, lambda top, bottom: _rgba(upright_band(im, 1, top, bottom)), layout)
    return DecodedImage(width=im.width, height=im.height, data=data, info=info, layout=layout)


def pack_display(
    im: Image.Image,
    info: ImageInfo,
    layout: PixelLayout = "RGBA",
    *,
    orientation: int = 1,
    cancelled: Cancelled | None = None,
) -> DecodedImage:
    """`pack(to_display_image(turn_upright(im, orientation)))` band by band: no full-size
    converted or turned copy is made. The conversion is decided on the stored `im` (its
    profile, mode, `info`), which turning does not change."""
    convert = DisplayConversion(im)

    def band(top: int, bottom: int) -> Image.Image:
        return _rgba(convert(upright_band(im, orientation, top, bottom)))

    width, height = upright_size(im.size, orientation)
    data = _pack_bands((width, height), band, layout, cancelled)
    return DecodedImage(width=width, height=height, data=data, info=info, layout=layout)


def upright_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """The size of stored pixels of `size` once turned by EXIF `orientation`."""
    width, height = size
    return (height, width) if orientation in _SWAPS_AXES else (width, height)


def upright_band(im: Image.Image, orientation: int, top: int, bottom: int) -> Image.Image:
    """Rows top..bottom of `im` turned upright by EXIF `orientation`, made from the strip of
    stored pixels that becomes those rows (stored columns, where the turn swaps the axes), so
    a band costs its own size and never a turned copy of the whole picture."""
    width, height = im.size
    turn = _TURNS.get(orientation)
    if orientation in (3, 4):  # upside down: the last stored rows come first
        box = (0, height - bottom, width, height - top)
    elif orientation in (5, 6):
        box = (top, 0, bottom, height)
    elif orientation in (7, 8):
        box = (width - bottom, 0, width - top, height)
    else:  # 1, 2 and values EXIF does not define (shown as stored, as exif_transpose does)
        box = (0, top, width, bottom)
    strip = im if box == (0, 0, width, height) else im.crop(box)
    return strip if turn is None else strip.transpose(turn)


def turn_upright(im: Image.Image, orientation: int) -> Image.Image:
    """The whole of `im` turned by EXIF `orientation` (`info`, so any ICC profile, is kept):
    a copy as big as `im`, so only for small images; big ones are turned by `upright_band`."""
    turn = _TURNS.get(orientation)
    return im if turn is None else im.transpose(turn)


def _rgba(im: Image.Image) -> Image.Image:
    return im if im.mode == "RGBA" else im.convert("RGBA")


# Rows are converted and packed ~2 MB at a time: each band's GIL-holding steps (the bytes join,
# the copy into the map, first touches of its pages) then take about a millisecond.
_BAND_BYTES = 2 << 20


def _pack_bands(
    size: tuple[int, int],
    band_at: Callable[[int, int], Image.Image],
    rawmode: str,
    cancelled: Cancelled | None = None,
) -> PixelBuffer:
    """The 4-byte pixels of rows 0..height, made band by band by `band_at(top, bottom)`.

    Small images are one `bytes`. Big ones go into an anonymous memory map, not bytearray(n):
    bytearray zero-fills (touching every page) while holding the GIL, and one `tobytes` of a
    whole 100 MP image ends in a 400 MB join that holds it too. Mapped pages are zeroed lazily
    by the kernel, and a `PixelMap` is unmapped on the release thread when it is let go.
    """
    width, height = size
    row_bytes = width * 4
    if row_bytes * height <= _BAND_BYTES:
        return band_at(0, height).tobytes("raw", rawmode)
    rows = max(1, _BAND_BYTES // row_bytes)
    out = PixelMap(-1, row_bytes * height)
    with memoryview(out) as view:
        for top in range(0, height, rows):
            if cancelled is not None and cancelled():
                raise DecodeCancelled
            chunk = band_at(top, min(height, top + rows)).tobytes("raw", rawmode)
            view[top * row_bytes : top * row_bytes + len(chunk)] = chunk
    return out


# Formats whose decoders write into the image memory Pillow hands them (checked by tests).
_MAPPED_FORMATS = {"PNG", "JPEG", "MPO", "TIFF"}
# Bytes per pixel of the modes Pillow can keep in a memory map (its map_buffer layout).
_MAPPED_PIXEL_SIZES = {"L": 1, "P": 1, "I;16": 2, "RGB": 4, "RGBA": 4, "LA": 4, "CMYK": 4}


def decode_into_memory_map(im: Image.Image) -> bool:
    """Have Pillow decode a big picture into an anonymous memory map instead of its own memory.

    Pillow zero-fills the memory of a new image and later frees it while holding the GIL: for
    100 MP that is ~50 ms and ~30 ms of a GUI thread waiting. A map is zeroed lazily by the
    kernel, and a `PixelMap` is unmapped on the release thread once the image is closed.
    Pillow uses memory already attached to a file it is about to load, as `frombuffer` images
    use theirs; where it would not (another format, mode or layout) nothing changes. True when
    the map is in place.
    """
    pixel_size = _MAPPED_PIXEL_SIZES.get(im.mode)
    width, height = _stored_size(im)
    if (
        im.format not in _MAPPED_FORMATS
        or pixel_size is None
        or width * height * pixel_size < _BAND_BYTES * 4
        or getattr(im, "_im", True) is not None  # already loaded (or Pillow changed inside)
    ):
        return False
    pixels = PixelMap(-1, width * height * pixel_size)
    size = (width, height)
    im.im = pillow_core.map_buffer(pixels, size, "raw", 0, (im.mode, width * pixel_size, 1))
    return True


# --- opening and describing ---------------------------------------------------------------


def open_checked(path: str | os.PathLike[str], *, fp: IO[bytes] | None = None) -> Image.Image:
    """Open `path` (or read it from `fp`, an open file of it that the caller closes)."""
    try:
        with warnings.catch_warnings():
            # We check the pixel count ourselves below, with a message a user understands.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path if fp is None else fp)
    except UnidentifiedImageError as exc:
        raise DecodeError(f"Not an image Pillow can read: {Path(path).name}") from exc
    except Image.DecompressionBombError as exc:
        raise DecodeError(f"Image too large to display: {Path(path).name}") from exc
    except OSError as exc:
        raise _open_error(path, exc) from exc
    if im.width * im.height > DISPLAY_PIXEL_LIMIT:
        size = f"{im.width} x {im.height}"
        im.close()
        raise DecodeError(
            f"Image too large to display: {size} px (the limit is {DISPLAY_PIXEL_LIMIT:,} pixels)"
        )
    return im


def _open_error(path: str | os.PathLike[str], exc: OSError) -> DecodeError:
    if isinstance(exc, FileNotFoundError):
        return DecodeError(f"File not found: {path}")
    return DecodeError(f"Cannot open {Path(path).name}: {exc}")


def _format_of(path: str | os.PathLike[str]) -> str:
    with open_checked(path) as im:
        return im.format or ""


def describe(im: Image.Image, path: str | os.PathLike[str]) -> ImageInfo:
    """The facts of an opened file, before `load_stored` (which takes a TIFF's orientation)."""
    width, height = upright_size(_stored_size(im), _orientation(im))
    return ImageInfo(
        width=width,
        height=height,
        file_size=os.path.getsize(path),
        format=im.format or "unknown",
        mode=im.mode,
        bit_depth=_bit_depth(im, path),
        colour_profile=_profile_description(im),
        has_alpha=_has_alpha(im),
    )


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(_EXIF_ORIENTATION, 1)
    except DecodeCancelled:  # reading a PNG's EXIF may decode it: a cancel must get through
        raise
    except Exception:  # a broken EXIF block must not stop the image from showing
        return 1
    return value if isinstance(value, int) and value in range(1, 9) else 1


def _stored_size(im: Image.Image) -> tuple[int, int]:
    """The size of the pixels as the file stores them, which is what gets decoded.

    Pillow's TIFF reader reports the upright size from the moment it opens a file whose
    orientation swaps the axes; its `_tile_size` stays the stored one.
    """
    if isinstance(im, TiffImagePlugin.TiffImageFile):
        stored = getattr(im, "_tile_size", None)
        if isinstance(stored, tuple) and len(stored) == 2:
            return int(stored[0]), int(stored[1])
    return im.size


def _bit_depth(im: Image.Image, path: str | os.PathLike[str]) -> int:
    if im.mode.startswith("I;16"):
        return 16
    if im.mode in ("I", "F"):
        return 32
    if im.mode == "1":
        return 1
    # Pillow reads 16-bit RGB(A) PNG and TIFF as 8-bit modes; the file says what it really is.
    if im.format == "PNG":
        with open(path, "rb") as f:
            header = f.read(25)
        if len(header) == 25:
            return header[24]  # IHDR bit depth (palette depths 1-8 are index bits)
    if im.format == "TIFF":
        bits = getattr(im, "tag_v2", {}).get(258)  # BitsPerSample
        if isinstance(bits, tuple) and bits:
            return int(bits[0])
        if isinstance(bits, int):
            return bits
    return 8


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "RGBa", "LA", "La", "PA") or (
        im.mode in ("P", "L", "RGB") and "transparency" in im.info
    )


def _profile_description(im: Image.Image) -> str:
    data = im.info.get("icc_profile")
    if data:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
            description = ImageCms.getProfileDescription(profile).strip()
        except (OSError, ImageCms.PyCMSError):
            return "embedded profile (unreadable, shown as sRGB)"
        return description or "embedded profile (unnamed)"
    if im.mode == "CMYK":
        return "none (CMYK, converted without a profile)"
    if im.mode == "LAB":
        return "CIE Lab"
    if "srgb" in im.info:  # PNG sRGB chunk
        return "sRGB"
    return "sRGB (assumed)"


# --- loading --------------------------------------------------------------------------------


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


def load_stored(im: Image.Image, path: str | os.PathLike[str]) -> int:
    """Decode the pixels as the file stores them; returns the EXIF orientation that turns them
    upright (`upright_band`, `turn_upright`). A TIFF no longer reports it afterwards."""
    held_back = _hold_back_tiff_orientation(im)
    try:
        im.load()
    except OSError as exc:  # truncated or corrupt data
        raise DecodeError(f"Cannot decode {Path(path).name}: {exc}") from exc
    return _orientation(im) if held_back is None else held_back


def load_upright(im: Image.Image, path: str | os.PathLike[str]) -> Image.Image:
    """Decode and turn upright in one: a turned copy of the whole picture, for small ones."""
    return turn_upright(im, load_stored(im, path))


def _hold_back_tiff_orientation(im: Image.Image) -> int | None:
    """A TIFF's orientation, taken from Pillow before it loads the pixels (None: not a TIFF).

    Pillow's TIFF reader turns the pixels itself once decoded, into a full-size copy of its
    own that replaces our memory map: 400 MB for 100 MP, allocated and freed holding the GIL.
    So it no longer sees an orientation, and is told the size it decodes is the stored one
    (it reported the upright size); the caller turns the pixels instead.
    """
    if not isinstance(im, TiffImagePlugin.TiffImageFile):
        return None
    orientation = _orientation(im)  # from the tags: a TIFF's EXIF is read without decoding
    if orientation != 1:
        im._size = _stored_size(im)
        im.tag_v2.pop(_EXIF_ORIENTATION, None)
        im.getexif().pop(_EXIF_ORIENTATION, None)  # what Pillow's load reads it from
    return orientation


# --- pixel formats and colour -----------------------------------------------------------------


def _alpha_of(im: Image.Image) -> Image.Image | None:
    if im.mode in ("RGBA", "LA", "PA"):
        return im.getchannel("A")
    if im.mode in ("RGBa", "La"):
        return im.getchannel("a")
    if im.mode == "P" and "transparency" in im.info:
        return im.convert("RGBA").getchannel("A")
    if im.mode in ("L", "RGB") and "transparency" in im.info:
        return im.convert("RGBA" if im.mode == "RGB" else "LA").getchannel("A")
    return None


def _colour_mode(mode: str) -> str:
    """The mode `_colour_part` gives an image of `mode`."""
    if mode in ("RGB", "L", "CMYK", "LAB"):
        return mode
    if mode in ("LA", "La", "I", "F") or mode.startswith("I;16"):
        return "L"
    return "RGB"


def _colour_part(im: Image.Image, float_range: tuple[float, float] | None = None) -> Image.Image:
    """The colour channels in a mode an ICC transform accepts: RGB, L, CMYK or LAB."""
    mode = im.mode
    if mode in ("RGB", "L", "CMYK", "LAB"):
        return im
    if mode in ("RGBA", "RGBX"):
        return im.convert("RGB")
    if mode == "RGBa":  # premultiplied: undo that first, or edges come out dark
        return im.convert("RGBA").convert("RGB")
    if mode == "LA":
        return im.convert("L")
    if mode == "La":
        return im.convert("LA").convert("L")
    if mode.startswith("I;16") or mode == "I":
        # 0..65535 -> 0..255 by scaling (+ rounding), never by clipping.
        wide = im if mode == "I" else im.convert("I")
        return wide.point(lambda v: v / 257 + 0.5).convert("L")
    if mode == "F":
        low, span = float_range or _float_range(im)
        return im.point(lambda v: (v - low) * 255 / span).convert("L")
    if mode in ("P", "PA"):
        return im.convert("RGBA").convert("RGB")
    return im.convert("RGB")  # "1", YCbCr, HSV, ...


def _float_range(im: Image.Image) -> tuple[float, float]:
    """(low, span) a float image is shown by: 0..1 usually, anything else by its own range."""
    low, high = im.getextrema()
    if not isinstance(low, (int, float)) or not isinstance(high, (int, float)):
        return 0.0, 1.0
    if low >= 0 and high <= 1:
        low, high = 0.0, 1.0
    return float(low), float(high - low) or 1.0


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_ICC_SPACE_TO_MODE = {"RGB": "RGB", "GRAY": "L", "CMYK": "CMYK", "LAB": "LAB"}
_transforms: dict[tuple[str, str], ImageCms.ImageCmsTransform | None] = {}
_transforms_lock = threading.Lock()


def _transform_for(profile_bytes: bytes | None, in_mode: str) -> ImageCms.ImageCmsTransform | None:
    """A cached profile -> sRGB transform; None when no conversion is needed or possible."""
    digest = hashlib.sha1(profile_bytes).hexdigest() if profile_bytes else "builtin-lab"
    key = (digest, in_mode)
    with _transforms_lock:
        if key in _transforms:
            return _transforms[key]
    transform = _build_transform(profile_bytes, in_mode)
    with _transforms_lock:
        if len(_transforms) > 32:  # a handful of profiles in practice; never grow unbounded
            _transforms.clear()
        _transforms[key] = transform
    return transform


def _build_transform(
    profile_bytes: bytes | None, in_mode: str
) -> ImageCms.ImageCmsTransform | None:
    if profile_bytes:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile_bytes))
    else:
        source = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
    space = str(source.profile.xcolor_space).strip().upper()
    if _ICC_SPACE_TO_MODE.get(space) != in_mode:
        # e.g. an RGB profile on a greyscale file: converting would garble it, so show as is.
        log.info(
            "ICC profile space %r does not match pixel mode %s; not converting", space, in_mode
        )
        return None
    if _is_srgb(source):
        # Most photos carry an sRGB profile; converting sRGB to sRGB changes nothing visible
        # and costs ~0.5 s per 24 MP, so it is skipped.
        return None
    transform = ImageCms.buildTransform(
        source,
        _SRGB,
        in_mode,
        "RGB",
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
        # Without NOCACHE a transform keeps a one-pixel cache that worker threads would share.
        flags=ImageCms.Flags.NOCACHE,
    )
    return transform


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    """An RGB profile named sRGB whose primaries are sRGB's (a name alone could lie)."""
    core = profile.profile
    if "srgb" not in (core.profile_description or "").lower():
        return False
    reference = _SRGB.profile
    for ours, theirs in (
        (core.red_colorant, reference.red_colorant),
        (core.green_colorant, reference.green_colorant),
        (core.blue_colorant, reference.blue_colorant),
    ):
        if ours is None or theirs is None:
            return False
        if any(abs(a - b) > 0.002 for a, b in zip(ours[0], theirs[0], strict=True)):
            return False
    return True


def halve(image: DecodedImage, *, cancelled: Cancelled | None = None) -> DecodedImage:
    """The same pixels at half the width and height (2x2 box average), same layout.

    Viewers keep a few of these as a mip pyramid: drawing a 100 MP image at 12% zoom from an
    eighth-size copy costs milliseconds, from the original it costs a frame budget many times.
    Premultiplied pixels are averaged channel by channel, which is exact: Pillow is told they
    are "RGBX" (four plain channels, wrapped without a copy). Straight RGBA goes through
    Pillow's premultiplying reduce, so transparent pixels do not bleed their colour. Worked in
    bands of rows, like packing, so no step holds the GIL for long.
    """
    mode = "RGBX" if image.layout == "BGRa" else "RGBA"
    row_bytes = image.bytes_per_line
    source = memoryview(image.data)

    def band(top: int, bottom: int) -> Image.Image:
        first, last = 2 * top, min(image.height, 2 * bottom)
        # Pillow's stubs name only bytes; any buffer works, and a memoryview slice is no copy.
        rows = cast(bytes, source[first * row_bytes : last * row_bytes])
        wrapped = Image.frombuffer(mode, (image.width, last - first), rows, "raw", mode, 0, 1)
        return wrapped.reduce(2)

    width, height = (image.width + 1) // 2, (image.height + 1) // 2
    data = _pack_bands((width, height), band, mode, cancelled)
    return DecodedImage(width=width, height=height, data=data, info=image.info, layout=image.layout)
