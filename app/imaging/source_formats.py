"""What a source picture carries, per format, and how a scaled copy is written to carry it too.

A scaled copy goes to the service in place of its original, so it must be the same picture in
every way the service could see: the same format, colour profile, EXIF (orientation above all),
bit depth, and an encoding that loses nothing more than a generation of the source's own
quality. `source_format` decides from the headers, before any pixel is decoded, whether that is
possible for a file, and raises `Unkept` (with the reason) when it is not: the original then goes
up as it is. Everything here uses Pillow's public API; where Pillow does not say how a file was
encoded (PNG bit depth, WebP lossless or quality) the file's own header is read.

Limits of the public API that decide what is scaled:
- Pillow reads 16-bit-per-channel colour (PNG or TIFF) as 8-bit and cannot write it at all, so
  such files are not scaled. 16-bit greyscale is read, resampled and written at full depth.
- libtiff, which writes compressed TIFFs, refuses EXIF and GPS sub-IFDs: a compressed TIFF's
  copy keeps its main directory's tags (orientation, make, model, dates, XMP, IPTC, ...) but not
  those. An uncompressed one keeps them. Pillow also runs libtiff's whole encode in one call
  that holds the GIL: an 11 MP LZW copy keeps other threads waiting ~0.4 s (every other
  format's encoder lets go of it within a few milliseconds).
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PIL import (
    ExifTags,
    Image,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    WebPImagePlugin,
)

from app.imaging.exif_dimensions import with_pixel_dimensions
from app.imaging.webp_encoding import webp_encoding

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "TIFF": "image/tiff",
    "WEBP": "image/webp",
}
# The formats to open with: Pillow's JPEG reader also opens MPO, a camera's multi-picture JPEG.
# Image.open(formats=...) finds only readers already registered; importing the plugin modules
# above registers them.
OPENABLE_FORMATS = ("JPEG", "PNG", "TIFF", "WEBP")

_SIXTEEN_BIT_GREY = ("I;16", "I;16B", "I;16L")


class Unkept(Exception):
    """Scaling this source would lose something the service would have kept (the reason)."""


class SourceFormat:
    """One source's format: the checks made on its headers, and its save options."""

    pillow_format = ""

    def pixel_mode(self, image: Image.Image) -> str:
        """The mode to resample in: the source's own, or one that holds it without loss."""
        return image.mode

    def orientation(self, image: Image.Image) -> int:
        """The source's EXIF orientation (1 when it has none), asked once it is decoded."""
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
        return value if value in range(1, 9) else 1

    def decoded_upright(self, image: Image.Image) -> bool:
        """Whether the reader has already turned the decoded pixels by their orientation."""
        return False

    def save_options(self, image: Image.Image, size: tuple[int, int]) -> dict[str, Any]:
        """Pillow save options for a copy of `image` (decoded, still open) at `size`."""
        raise NotImplementedError

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.pillow_format]


def source_format(image: Image.Image, path: Path) -> SourceFormat:
    """The rules for `image` (opened from `path`, not yet decoded); raises Unkept."""
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and image.format != "MPO":
        # A camera's MPO is its photograph followed by extra frames (a depth map, a preview);
        # the photograph is the picture. Anything else with frames is an animation or pages.
        raise Unkept(f"it has {frames} frames")
    if image.mode == "1":
        raise Unkept("it is bilevel: resampling would make it greyscale")
    if isinstance(image, JpegImagePlugin.JpegImageFile):
        return JpegSource(image)
    if isinstance(image, PngImagePlugin.PngImageFile):
        return PngSource(image, path)
    if isinstance(image, TiffImagePlugin.TiffImageFile):
        return TiffSource(image)
    if isinstance(image, WebPImagePlugin.WebPImageFile):
        return WebpSource(image, path)
    raise Unkept(f"{image.format} pictures are not scaled")


def _metadata(image: Image.Image, size: tuple[int, int]) -> dict[str, Any]:
    """The ICC profile and EXIF every format but TIFF carries the same way."""
    options: dict[str, Any] = {}
    if icc := image.info.get("icc_profile"):
        options["icc_profile"] = icc
    if exif := image.info.get("exif"):
        options["exif"] = with_pixel_dimensions(exif, size)
    return options


# -- JPEG -----------------------------------------------------------------------------------------


class JpegSource(SourceFormat):
    """Re-encoded with the source's own quantisation tables, chroma subsampling and progression,
    so the copy costs one generation at the source's quality and no more."""

    pillow_format = "JPEG"

    def __init__(self, image: JpegImagePlugin.JpegImageFile) -> None:
        if image.mode not in ("L", "RGB", "CMYK"):
            raise Unkept(f"a JPEG in {image.mode} is not scaled")
        self._qtables = _qtables_by_component(image)

    def save_options(self, image: Image.Image, size: tuple[int, int]) -> dict[str, Any]:
        assert isinstance(image, JpegImagePlugin.JpegImageFile)
        info = image.info
        # No `optimize`: Huffman tables made for the picture saved 0.6 % of a 24 MP camera
        # JPEG's copy and doubled the encoding time.
        options: dict[str, Any] = {"qtables": self._qtables}
        options.update(_metadata(image, size))
        if image.layers == 3:
            options["subsampling"] = _subsampling(image)
            # Stored as RGB (Adobe transform 0) stays RGB instead of being turned into YCbCr.
            options["keep_rgb"] = info.get("adobe_transform") == 0
        if info.get("progressive") or info.get("progression"):
            options["progressive"] = True
        for key in ("xmp", "comment", "dpi"):
            if info.get(key):
                options[key] = info[key]
        return options


def _qtables_by_component(image: JpegImagePlugin.JpegImageFile) -> list[list[int]]:
    # Pillow's encoder gives component i the i-th table passed (later components the last one),
    # so the tables are passed in component order: the copy quantises each component exactly
    # as the source did, whatever table numbering the source used.
    indices = [component[3] for component in image.layer]
    while len(indices) > 1 and indices[-1] == indices[-2]:
        indices.pop()
    try:
        return [list(image.quantization[index]) for index in indices]
    except KeyError as exc:
        raise Unkept("it uses a quantisation table it does not define") from exc


def _subsampling(image: JpegImagePlugin.JpegImageFile) -> int:
    # Pillow writes 4:4:4, 4:2:2 and 4:2:0; a source in any other layout is written 4:4:4,
    # which keeps all the colour detail it had.
    sampling = JpegImagePlugin.get_sampling(image)
    return sampling if sampling != -1 else 0


# -- PNG ------------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_GREY = 0


class PngSource(SourceFormat):
    """Lossless, with the source's text chunks, colour chunks, resolution, ICC and EXIF."""

    pillow_format = "PNG"

    def __init__(self, image: PngImagePlugin.PngImageFile, path: Path) -> None:
        bit_depth, colour_type = _png_header(path)
        if bit_depth == 16 and colour_type != _PNG_GREY:
            raise Unkept("it has 16 bits per channel in colour, which Pillow reads as 8")
        if image.mode in _SIXTEEN_BIT_GREY and "transparency" in image.info:
            raise Unkept("16-bit greyscale with a transparent value has no lossless mode here")
        if image.mode not in ("L", "LA", "RGB", "RGBA", "P", "I", *_SIXTEEN_BIT_GREY):
            raise Unkept(f"a PNG in {image.mode} is not scaled")

    def pixel_mode(self, image: Image.Image) -> str:
        # A palette or a transparent colour key cannot be resampled (new in-between colours
        # appear), so those widen to full colour with alpha, which holds them without loss.
        transparent = "transparency" in image.info
        if image.mode == "P":
            return "RGBA" if transparent else "RGB"
        if transparent and image.mode in ("L", "RGB"):
            return {"L": "LA", "RGB": "RGBA"}[image.mode]
        return image.mode

    def save_options(self, image: Image.Image, size: tuple[int, int]) -> dict[str, Any]:
        assert isinstance(image, PngImagePlugin.PngImageFile)
        info = image.info
        chunks = PngImagePlugin.PngInfo()
        for key, value in (image.text or {}).items():
            chunks.add_text(key, value, zip=len(value) > 1024)
        if "gamma" in info:
            chunks.add(b"gAMA", struct.pack(">I", round(info["gamma"] * 100_000)))
        if "srgb" in info:
            chunks.add(b"sRGB", struct.pack(">B", info["srgb"]))  # Pillow drops it beside an ICC
        if "chromaticity" in info:
            points = [round(value * 100_000) for value in info["chromaticity"]]
            chunks.add(b"cHRM", struct.pack(">8I", *points))
        options: dict[str, Any] = {"pnginfo": chunks, "compress_level": 6}
        options.update(_metadata(image, size))
        if info.get("dpi"):
            options["dpi"] = info["dpi"]
        return options


def _png_header(path: Path) -> tuple[int, int]:
    """(bit depth, colour type) from IHDR, which the PNG standard puts first."""
    with path.open("rb") as file:
        head = file.read(26)
    if len(head) < 26 or not head.startswith(_PNG_SIGNATURE) or head[12:16] != b"IHDR":
        raise Unkept("its header is not a PNG header")
    return head[24], head[25]


# -- TIFF -----------------------------------------------------------------------------------------

# Pillow's names of the compressions it both reads and writes without loss.
_LOSSLESS_TIFF_COMPRESSIONS = (
    "raw",
    "tiff_lzw",
    "tiff_adobe_deflate",
    "tiff_deflate",
    "packbits",
)
_PREDICTED_COMPRESSIONS = ("tiff_lzw", "tiff_adobe_deflate", "tiff_deflate")
_HORIZONTAL_PREDICTOR = 2
_PREDICTOR_TAG = 317
# Main-directory tags that describe the picture rather than the layout of its pixels, which
# the writer lays out afresh.
_DESCRIPTIVE_TIFF_TAGS = (
    269,  # DocumentName
    270,  # ImageDescription
    271,  # Make
    272,  # Model
    274,  # Orientation
    282,  # XResolution
    283,  # YResolution
    285,  # PageName
    296,  # ResolutionUnit
    305,  # Software
    306,  # DateTime
    315,  # Artist
    316,  # HostComputer
    700,  # XMP
    33432,  # Copyright
    33723,  # IPTC
    34377,  # Photoshop image resources
)
_SUB_IFDS = (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo)
_PIXEL_DIMENSION_TAGS = (ExifTags.Base.ExifImageWidth, ExifTags.Base.ExifImageHeight)
_TIFF_MODES = ("L", "LA", "RGB", "RGBA", "CMYK", *_SIXTEEN_BIT_GREY)


class TiffSource(SourceFormat):
    """The same compression (and predictor), ICC profile, resolution and descriptive tags."""

    pillow_format = "TIFF"

    def __init__(self, image: TiffImagePlugin.TiffImageFile) -> None:
        # Read now: Pillow's reader turns the pixels upright as it decodes them and then drops
        # the tag, while the copy is to keep the stored layout and the tag, as its source does.
        self._orientation = image.tag_v2.get(ExifTags.Base.Orientation, 1)
        self._compression = str(image.info.get("compression", "raw"))
        if self._compression not in _LOSSLESS_TIFF_COMPRESSIONS:
            raise Unkept(f"its {self._compression} compression cannot be written again as it was")
        bits = image.tag_v2.get(TiffImagePlugin.BITSPERSAMPLE, (1,))
        bits = bits if isinstance(bits, tuple) else (bits,)
        if max(bits) > 8 and image.mode not in _SIXTEEN_BIT_GREY:
            raise Unkept(f"it has {max(bits)} bits per channel in colour, which Pillow reads as 8")
        if image.mode not in _TIFF_MODES:
            raise Unkept(f"a TIFF in {image.mode} is not scaled")

    def orientation(self, image: Image.Image) -> int:
        return self._orientation if self._orientation in range(1, 9) else 1

    def decoded_upright(self, image: Image.Image) -> bool:
        assert isinstance(image, TiffImagePlugin.TiffImageFile)
        return self._orientation != 1 and ExifTags.Base.Orientation not in image.tag_v2

    def save_options(self, image: Image.Image, size: tuple[int, int]) -> dict[str, Any]:
        assert isinstance(image, TiffImagePlugin.TiffImageFile)
        options: dict[str, Any] = {
            "compression": self._compression,
            "exif": self._tags(image, size).tobytes(),
        }
        if icc := image.info.get("icc_profile"):
            options["icc_profile"] = icc
        return options

    def _tags(self, image: TiffImagePlugin.TiffImageFile, size: tuple[int, int]) -> Image.Exif:
        # Pillow writes the main directory's tags from an EXIF object passed as `exif`; its
        # sub-IFDs are read from the open file, hence while the source is still open.
        source = image.getexif()
        kept = Image.Exif()
        for tag in _DESCRIPTIVE_TIFF_TAGS:
            if tag in source:
                kept[tag] = source[tag]
        if self._orientation != 1:
            kept[ExifTags.Base.Orientation] = self._orientation
        predictor = image.tag_v2.get(_PREDICTOR_TAG)
        if self._compression in _PREDICTED_COMPRESSIONS and predictor == _HORIZONTAL_PREDICTOR:
            kept[_PREDICTOR_TAG] = predictor  # no change to the pixels, a smaller file
        sub_ifds = {group: source.get_ifd(group) for group in _SUB_IFDS if group in source}
        sub_ifds = {group: tags for group, tags in sub_ifds.items() if tags}
        if self._compression == "raw":
            for group, tags in sub_ifds.items():
                kept.get_ifd(group).update(tags)
            if ExifTags.IFD.Exif in sub_ifds:
                exif_ifd = kept.get_ifd(ExifTags.IFD.Exif)
                for tag, value in zip(_PIXEL_DIMENSION_TAGS, size, strict=True):
                    if tag in exif_ifd:
                        exif_ifd[tag] = value
        elif sub_ifds:
            log.debug("EXIF/GPS sub-IFDs left out: libtiff writes no sub-IFD when compressing")
        return kept


# -- WebP -----------------------------------------------------------------------------------------


class WebpSource(SourceFormat):
    """Lossless stays lossless; lossy is written at the source's estimated quality."""

    pillow_format = "WEBP"

    def __init__(self, image: Image.Image, path: Path) -> None:
        encoding = webp_encoding(path)
        if encoding is None:
            raise Unkept("its WebP chunks could not be read")
        if encoding.animated:
            raise Unkept("it is animated")
        if not encoding.lossless and encoding.quality is None:
            raise Unkept("its lossy quality could not be read")
        if image.mode not in ("RGB", "RGBA"):
            raise Unkept(f"a WebP in {image.mode} is not scaled")
        self._lossless = encoding.lossless
        self._quality = encoding.quality

    def save_options(self, image: Image.Image, size: tuple[int, int]) -> dict[str, Any]:
        options: dict[str, Any]
        if self._lossless:
            # exact: colour under fully transparent pixels is kept, as lossless promises.
            options = {"lossless": True, "exact": True}
        else:
            options = {"quality": self._quality}
        options["method"] = 4  # libwebp's default speed/size trade-off, stated for stability
        options.update(_metadata(image, size))
        if xmp := image.info.get("xmp"):
            options["xmp"] = xmp
        return options


def describe_options(options: Mapping[str, Any]) -> str:
    """The save options in a log line (metadata by size, not content)."""
    shown = []
    for key, value in sorted(options.items()):
        if isinstance(value, bytes | bytearray):
            shown.append(f"{key}={len(value)} bytes")
        elif key in ("qtables", "pnginfo"):
            shown.append(f"{key}=...")
        else:
            shown.append(f"{key}={value!r}")
    return ", ".join(shown)
