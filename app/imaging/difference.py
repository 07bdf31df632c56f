"""Where a result differs from its original, amplified: what the service changed, at a glance.

Both pictures are display pixels of one size and layout (`DecodedImage`). Each channel's
absolute difference is multiplied by a gain, so a change of 4 levels in 255 (a slight
colour shift, a softened edge) shows as clearly as a removed background; unchanged pixels
are black, and every pixel is opaque. The pixels are read as four plain channels, which is
right for premultiplied pixels too: a pixel a cut-out made transparent differs from the
original by the original's colour, and so shows bright.

Worked in bands of rows, like packing (packing.py), so no step holds the GIL for long: this
runs on a worker thread while the GUI thread paints. No Qt here.
"""

from __future__ import annotations

from typing import cast

from PIL import Image, ImageChops

from app.imaging.errors import Cancelled
from app.imaging.packing import DecodedImage, pack_bands

DEFAULT_GAIN = 4

# Four plain channels: Pillow neither premultiplies nor straightens "RGBX" pixels.
_PLAIN = "RGBX"


def difference(
    original: DecodedImage,
    result: DecodedImage,
    *,
    gain: int = DEFAULT_GAIN,
    cancelled: Cancelled | None = None,
) -> DecodedImage:
    """|result - original| * `gain` per colour channel, opaque, with the result's size,
    layout and facts. The original must have been brought to the result's size first
    (`resized_to`)."""
    if (original.width, original.height) != (result.width, result.height):
        raise ValueError("the pictures differ in size: resize the original first")
    if original.layout != result.layout:
        raise ValueError("the pictures differ in pixel layout")
    amplified = [min(255, level * gain) for level in range(256)]
    table = amplified * 3 + [255] * 256  # the fourth byte: alpha, opaque everywhere
    row_bytes = result.bytes_per_line
    before, after = memoryview(original.data), memoryview(result.data)

    def band(top: int, bottom: int) -> Image.Image:
        span = slice(top * row_bytes, bottom * row_bytes)
        size = (result.width, bottom - top)
        # Pillow's stubs name only bytes; a memoryview slice works and is no copy.
        old = Image.frombuffer(_PLAIN, size, cast(bytes, before[span]), "raw", _PLAIN, 0, 1)
        new = Image.frombuffer(_PLAIN, size, cast(bytes, after[span]), "raw", _PLAIN, 0, 1)
        return ImageChops.difference(old, new).point(table)

    data = pack_bands((result.width, result.height), band, _PLAIN, cancelled)
    return DecodedImage(result.width, result.height, data, result.info, result.layout)


def resized_to(image: DecodedImage, width: int, height: int) -> DecodedImage:
    """`image` resampled to `width` x `height` (an original of another size than its
    result, fitted into the result's frame as the viewer shows it). Pillow lets go of the
    GIL while it resamples."""
    if (image.width, image.height) == (width, height):
        return image
    mode = _PLAIN if image.layout == "BGRa" else "RGBA"  # premultiplied pixels resample plainly
    source = Image.frombuffer(
        mode, (image.width, image.height), cast(bytes, image.data), "raw", mode, 0, 1
    )
    scale = min(width / image.width, height / image.height)
    fitted = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    shrunk = source.resize(fitted, Image.Resampling.BILINEAR)
    frame = Image.new(mode, (width, height), (0, 0, 0, 0))
    frame.paste(shrunk, ((width - fitted[0]) // 2, (height - fitted[1]) // 2))
    data = frame.tobytes("raw", mode)
    return DecodedImage(width, height, data, image.info, image.layout)
