"""What a picture file is: opened with clear errors, and described from its header.

The facts are read without decoding pixels, so the info line and the decoder's plans cost a
header read even for a 100 MP file. `ImageInfo` holds the upright size (what the viewer
shows): the stored size (stored_size.py, the same for every format) turned by the EXIF
orientation.

Pixel limit: the server accepts up to 10,000 px a side, so 100 MP images are normal here and
Pillow's default bomb guard (~89 MP) would refuse them. The guard is raised deliberately to
`DISPLAY_PIXEL_LIMIT`, not switched off, and `open_checked` checks the limit itself so a bigger
file fails with a clear `DecodeError` instead of a warning or a bare Pillow exception.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from PIL import Image, ImageCms, UnidentifiedImageError

from app.imaging.errors import DecodeCancelled, DecodeError
from app.imaging.orientation import EXIF_ORIENTATION, upright_size
from app.imaging.png_chunks import png_exif
from app.imaging.stored_size import stored_size

# 10,000 x 10,000 plus a margin for off-by-a-few sizes; far below anything that could exhaust
# memory on a desktop (101 MP RGBA is ~400 MB).
DISPLAY_PIXEL_LIMIT = 101_000_000
if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < DISPLAY_PIXEL_LIMIT:
    Image.MAX_IMAGE_PIXELS = DISPLAY_PIXEL_LIMIT


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
        raise open_error(path, exc) from exc
    if im.width * im.height > DISPLAY_PIXEL_LIMIT:
        size = f"{im.width} x {im.height}"
        im.close()
        raise DecodeError(
            f"Image too large to display: {size} px (the limit is {DISPLAY_PIXEL_LIMIT:,} pixels)"
        )
    return im


def open_error(path: str | os.PathLike[str], exc: OSError) -> DecodeError:
    if isinstance(exc, FileNotFoundError):
        return DecodeError(f"File not found: {path}")
    return DecodeError(f"Cannot open {Path(path).name}: {exc}")


def format_of(path: str | os.PathLike[str]) -> str:
    with open_checked(path) as im:
        return im.format or ""


def read_info(path: str | os.PathLike[str]) -> ImageInfo:
    """The info-line facts, from the header alone."""
    with open_checked(path) as im:
        return describe(im, path)


def describe(im: Image.Image, path: str | os.PathLike[str]) -> ImageInfo:
    """The facts of an opened file whose pixels are not decoded yet."""
    width, height = upright_size(stored_size(im), exif_orientation(im, path))
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


def exif_orientation(im: Image.Image, path: str | os.PathLike[str]) -> int:
    """The EXIF orientation (1..8) that turns the pixels `im` still has to decode upright.

    A PNG may keep its EXIF after the pixels, and Pillow's `getexif` decodes every pixel to
    look for it; the chunks are walked instead (`png_exif`), and what they hold is put where
    Pillow's own reader would put it, `info["exif"]` (empty when there is none, which tells
    `getexif` there is nothing left to look for).
    """
    try:
        if im.format == "PNG" and "exif" not in im.info:
            im.info["exif"] = png_exif(path)
        value = im.getexif().get(EXIF_ORIENTATION, 1)
    except DecodeCancelled:
        raise
    except Exception:  # a broken EXIF block must not stop the image from showing
        return 1
    return value if isinstance(value, int) and value in range(1, 9) else 1


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
