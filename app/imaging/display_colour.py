"""Any Pillow picture as sRGB, 8 bits per channel, RGB or RGBA: how it must look on screen.

- An embedded ICC profile is converted to sRGB (the display is assumed to be sRGB; that is what
  a non-colour-managed Qt widget shows). Without this, a Display P3 or Adobe RGB photo looks
  dull and a CMYK one looks wrong entirely.
- 16-bit, greyscale (+alpha), palette (+transparency), CMYK and Lab files are all brought to 8-bit
  RGB(A) by scaling, not by clipping: Pillow's plain `convert("L")` of a 16-bit image clips
  everything above 255 to white.
- "RGBX" is how pictures decoded into our own memory hold RGB files (four bytes a pixel, the
  layout Pillow keeps RGB in): it is shown exactly as the RGB file would be.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading

from PIL import Image, ImageCms

log = logging.getLogger(__name__)


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

    def rgba(self, im: Image.Image) -> Image.Image:
        """`self(im)` as RGBA: in one conversion where the colours need no transform, as a
        packer wants it (converting an RGBX picture to RGB first would copy every band twice)."""
        plain = self._transform is None and "transparency" not in im.info
        if plain and im.mode in ("RGB", "RGBX", "L"):
            return im.convert("RGBA")
        shown = self(im)
        return shown if shown.mode == "RGBA" else shown.convert("RGBA")

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


def _alpha_of(im: Image.Image) -> Image.Image | None:
    if im.mode in ("RGBA", "LA", "PA"):
        return im.getchannel("A")
    if im.mode in ("RGBa", "La"):
        return im.getchannel("a")
    if "transparency" not in im.info:
        return None
    if im.mode == "P":
        return im.convert("RGBA").getchannel("A")
    if im.mode == "RGBX":  # an RGB file's colour key: Pillow applies it from RGB only
        return im.convert("RGB").convert("RGBA").getchannel("A")
    if im.mode in ("L", "RGB"):
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
    if is_srgb(source):
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


def is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
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
