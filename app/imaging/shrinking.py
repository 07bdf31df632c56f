"""Previews: a stored picture shrunk to fit a size, as display pixels, without a full-size copy.

Shrinking comes before colour conversion where averaging the stored values is valid (it then
converts a preview-sized picture, not a 100 MP one): whole-pixel `reduce` first (a box filter,
fast and free of aliasing), then a bilinear resample for the rest. Palette indices, bilevel and
16-bit or float data cannot be averaged as stored, so those are converted band by band and each
band reduced at once. Pillow averages straight alpha by premultiplying a copy of the whole
picture first; that, too, is done band by band here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PIL import Image

from app.imaging.display_colour import DisplayConversion, to_display_image
from app.imaging.packing import BAND_BYTES, pack_bands

_REDUCIBLE_MODES = {"RGB", "RGBA", "RGBa", "RGBX", "L", "LA", "La", "CMYK", "LAB"}
# Pillow resamples straight RGBA and LA by premultiplying a copy of the whole picture first;
# those are premultiplied band by band here. The other reducible modes it resamples in place.
_PREMULTIPLIED = {"RGBA": "RGBa", "LA": "La"}
_RESAMPLED_IN_PLACE = _REDUCIBLE_MODES - set(_PREMULTIPLIED)


def display_preview(im: Image.Image, max_side: int) -> Image.Image:
    """`im` as display pixels (RGB or RGBA), its longer side shrunk to at most `max_side`."""
    if max(im.size) // max_side >= 2 or max(im.size) <= max_side:
        return reduce_to_fit(shrunk_display_image(im, max_side), max_side)
    # Less than half as big: no reduce applies. Resampled as stored where averaging those
    # values is valid and Pillow resamples them in place (so only the preview is converted);
    # otherwise converted in bands, into memory of our own, to what Pillow resamples in place.
    if im.mode in _RESAMPLED_IN_PLACE:
        return to_display_image(_resized_to_fit(im, max_side))
    small = _resized_to_fit(_converted_in_bands(im), max_side)
    return small.convert("RGBA" if small.mode == "RGBa" else "RGB")


def reduce_to_fit(im: Image.Image, max_side: int) -> Image.Image:
    """Shrink so the longer side is at most `max_side`: integer `reduce` first, then a resample."""
    longest = max(im.size)
    if longest <= max_side:
        return im
    factor = longest // max_side
    if factor >= 2:
        im = im.reduce(factor)  # box filter over whole pixels: fast and free of aliasing
    return _resized_to_fit(im, max_side)


def _resized_to_fit(im: Image.Image, max_side: int) -> Image.Image:
    if max(im.size) <= max_side:
        return im
    scale = max_side / max(im.size)
    size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
    return im.resize(size, Image.Resampling.BILINEAR, reducing_gap=None)


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


def shrunk_display_image(im: Image.Image, max_side: int) -> Image.Image:
    """`to_display_image` of `im` reduced by whole pixels towards `max_side` (never below it).

    Reducible modes shrink first (then the colour conversion is cheap): in place where Pillow
    reduces them in place, else band by band as premultiplied copies (Pillow would premultiply
    the whole picture into one). The others (palette, 16-bit, bilevel) are converted band by
    band, each band reduced at once. No full-size copy of a big picture is ever made.
    """
    factor = max(im.size) // max_side
    if factor < 2:
        return to_display_image(im)
    if im.mode in _RESAMPLED_IN_PLACE:
        return to_display_image(shrink_keeping_mode(im, max_side))
    premultiplied = _PREMULTIPLIED.get(im.mode)
    if premultiplied is not None:
        shrunk = _reduced_in_bands(im, factor, lambda band: band.convert(premultiplied))
        shrunk.info = dict(im.info)  # the profile the conversion still needs
        return to_display_image(shrunk)
    return _reduced_in_bands(im, factor, DisplayConversion(im))


def _reduced_in_bands(
    im: Image.Image, factor: int, prepare: Callable[[Image.Image], Image.Image]
) -> Image.Image:
    """`prepare(im).reduce(factor)`, a band at a time: bands are whole multiples of the
    factor, so the result is the same as reducing the prepared picture in one go."""
    rows = max(1, BAND_BYTES // (im.width * 4 * factor)) * factor
    parts = [
        prepare(im.crop((0, top, im.width, min(im.height, top + rows)))).reduce(factor)
        for top in range(0, im.height, rows)
    ]
    shrunk = Image.new(parts[0].mode, (parts[0].width, sum(part.height for part in parts)))
    top = 0
    for part in parts:
        shrunk.paste(part, (0, top))
        top += part.height
    return shrunk


def _converted_in_bands(im: Image.Image) -> Image.Image:
    """`to_display_image(im)` made band by band into a memory map of our own, premultiplied
    ("RGBa") where it has alpha, else "RGBX": the modes Pillow resamples without a full-size
    conversion of its own (it premultiplies straight RGBA into a copy first)."""
    convert = DisplayConversion(im)
    has_alpha = convert(im.crop((0, 0, im.width, 1))).mode == "RGBA"
    mode = "RGBa" if has_alpha else "RGBX"

    def band(top: int, bottom: int) -> Image.Image:
        converted = convert(im.crop((0, top, im.width, bottom)))
        return converted.convert(mode)

    # Pillow's stubs name only bytes for the buffer; a map works too, and is not copied.
    pixels = cast(bytes, pack_bands(im.size, band, mode))
    return Image.frombuffer(mode, im.size, pixels, "raw", mode, 0, 1)
