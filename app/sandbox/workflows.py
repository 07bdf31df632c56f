"""The sandbox's workflows: real image processing with Pillow.

Each workflow has stable ids (uuid5, so they survive restarts and match across instances), a
price, the components the web app would show, and one or more versions. A version is a pure
function from a decoded, upright RGB(A) image to an encoded result. "Web export" has two
versions with visibly different output so that `version=` pinning can be observed; "Retouch
with human QA" holds executions in IN_QA before they complete.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageChops, ImageFilter, ImageOps

_NAMESPACE = uuid.UUID("6f1c1c0e-5d0a-4a57-9a43-1c2d8f0e7a11")
MAX_SIDE = 4096  # larger inputs are scaled down before processing, as the vendor does

Render = Callable[[Image.Image, Mapping[str, Any]], Image.Image]


@dataclass(frozen=True)
class WorkflowVersion:
    id: str
    render: Render
    export: str  # "jpg" or "png"
    quality: int = 92  # JPEG only


@dataclass(frozen=True)
class Workflow:
    id: str
    name: str
    price: int
    date: str
    components: list[dict[str, Any]]
    versions: list[WorkflowVersion]  # oldest first; the last one is current
    human_qa: bool = False
    author: dict[str, str] = field(
        default_factory=lambda: {
            "id": "sandbox|anna-berger",
            "firstName": "Anna",
            "lastName": "Berger",
            "email": "anna@sandbox-studio.example",
        }
    )

    @property
    def current(self) -> WorkflowVersion:
        return self.versions[-1]

    def version(self, version_id: str | None) -> WorkflowVersion | None:
        if not version_id:
            return self.current
        return next((v for v in self.versions if v.id == version_id), None)


# -- building blocks ---------------------------------------------------------------------------


def _border_colour(image: Image.Image) -> tuple[int, int, int]:
    """The backdrop colour: median of a thin frame around a small copy of the image."""
    small = image.convert("RGB").resize((48, 48), Image.Resampling.BOX)
    frame = Image.new("L", small.size, 255)
    frame.paste(0, (3, 3, 45, 45))
    stats = [
        sorted(c for c, m in zip(band.tobytes(), frame.tobytes(), strict=True) if m)
        for band in small.split()
    ]
    r, g, b = (values[len(values) // 2] for values in stats)
    return r, g, b


def _sweep(small: Image.Image) -> Image.Image:
    """The empty backdrop behind the subject, row by row.

    A studio sweep darkens from wall to floor, so one colour does not fit it: each row takes
    the mean of its own left and right edges.
    """
    width, height = small.size
    strip = max(2, width // 50)
    left = small.crop((0, 0, strip, height)).resize((1, height), Image.Resampling.BOX)
    right = small.crop((width - strip, 0, width, height)).resize((1, height), Image.Resampling.BOX)
    return Image.blend(left, right, 0.5).resize((width, height), Image.Resampling.NEAREST)


def _distance(image: Image.Image, backdrop: Image.Image) -> Image.Image:
    r, g, b = ImageChops.difference(image, backdrop).split()
    return ImageChops.lighter(ImageChops.lighter(r, g), b)


def foreground_mask(image: Image.Image, threshold: int = 30) -> Image.Image:
    """White where the subject is, black where the backdrop is, soft at the edge.

    A pixel is backdrop when it is close to either backdrop model: the row-wise sweep (handles
    gradients) or the single border colour (holds when the subject touches a side edge).
    Computed on a reduced copy: cheap, and the upscale gives a natural feather.
    """
    rgb = _as_rgb(image)
    factor = max(1, min(rgb.size) // 384)
    small = rgb.reduce(factor) if factor > 1 else rgb
    flat = Image.new("RGB", small.size, _border_colour(small))
    distance = ImageChops.darker(_distance(small, _sweep(small)), _distance(small, flat))
    # Averaging before the threshold drowns sensor noise (no speckles), at a fraction of the
    # cost of a median filter; the blur after it feathers the edge.
    distance = distance.filter(ImageFilter.BoxBlur(1))
    mask = distance.point(lambda v: 255 if v > threshold else 0)
    mask = mask.filter(ImageFilter.GaussianBlur(1))
    return mask.resize(rgb.size, Image.Resampling.BILINEAR) if factor > 1 else mask


def _flatten(image: Image.Image, colour: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """An RGB copy of the image, any transparency laid on `colour` (callers may change it)."""
    if image.mode in ("RGBA", "LA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, colour)
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def _as_rgb(image: Image.Image) -> Image.Image:
    """The image itself when it is already opaque RGB, else its flattened copy: for readers.

    Copying a 2 MP image costs about a millisecond, and a render reads it several times.
    """
    if image.mode == "RGB" and "transparency" not in image.info:
        return image
    return _flatten(image)


def _hex_colour(value: Any, default: tuple[int, int, int]) -> tuple[int, int, int]:
    text = str(value or "").lstrip("#")
    if len(text) == 6:
        try:
            return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
        except ValueError:
            pass
    return default


def _fraction(value: Any, default: float, low: float = 0.0, high: float = 0.45) -> float:
    try:
        return min(high, max(low, float(value)))
    except (TypeError, ValueError):
        return default


# -- the workflows' renderers ------------------------------------------------------------------


def background_to_white(image: Image.Image, settings: Mapping[str, Any]) -> Image.Image:
    rgb = _as_rgb(image)
    colour = _hex_colour(settings.get("backgroundColor"), (255, 255, 255))
    # Image.composite would copy the backdrop first; pasting onto a new one is the same blend.
    canvas = Image.new("RGB", rgb.size, colour)
    canvas.paste(rgb, mask=foreground_mask(rgb))
    return canvas


def transparent_cutout(image: Image.Image, settings: Mapping[str, Any]) -> Image.Image:
    rgba = _flatten(image).convert("RGBA")
    rgba.putalpha(foreground_mask(rgba))
    return rgba


def square_centre(image: Image.Image, settings: Mapping[str, Any]) -> Image.Image:
    rgb = _flatten(image)
    margin = _fraction(settings.get("margin"), 0.1)
    mask = foreground_mask(rgb).point(lambda v: 255 if v > 127 else 0)
    box = mask.getbbox() or (0, 0, rgb.width, rgb.height)
    subject = rgb.crop(box)
    side = round(max(subject.size) / (1 - 2 * margin))
    canvas = Image.new("RGB", (side, side), (255, 255, 255))
    canvas.paste(
        Image.composite(subject, Image.new("RGB", subject.size, "white"), mask.crop(box)),
        ((side - subject.width) // 2, (side - subject.height) // 2),
    )
    return canvas


def _percentile(histogram: list[int], fraction: float) -> int:
    wanted, seen = fraction * sum(histogram), 0
    for value, count in enumerate(histogram):
        seen += count
        if seen >= wanted:
            return value
    return 255


def levels_and_white_balance(image: Image.Image, settings: Mapping[str, Any]) -> Image.Image:
    """White balance on the brightest tones, then levels on luminance.

    The bright end of each channel (its 99.5th percentile) is scaled to a common white, so a
    cast disappears without a coloured product pulling the backdrop off neutral; the tonal
    stretch is then the same for all channels (preserve_tone), so it adds no new cast.
    """
    rgb = _flatten(image)
    bands = rgb.split()
    whites = [max(1, _percentile(band.histogram(), 0.995)) for band in bands]
    target = max(whites)
    balanced = Image.merge(
        "RGB",
        [
            band.point([min(255, round(v * target / white)) for v in range(256)])
            for band, white in zip(bands, whites, strict=True)
        ],
    )
    cutoff = _fraction(settings.get("cutoff"), 0.5, 0.0, 10.0)
    return ImageOps.autocontrast(balanced, cutoff=cutoff, preserve_tone=True)


def _web_export(long_side: int, sharpen: bool) -> Render:
    def render(image: Image.Image, settings: Mapping[str, Any]) -> Image.Image:
        rgb = _flatten(image)
        rgb.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
        if sharpen:
            rgb = rgb.filter(ImageFilter.UnsharpMask(radius=1.2, percent=80, threshold=2))
        return rgb

    return render


def web_export_v1(image: Image.Image, settings: Mapping[str, Any]) -> Image.Image:
    # The 2023 look: small and desaturated, as shops wanted it then.
    return ImageOps.grayscale(_web_export(800, False)(image, settings)).convert("RGB")


def human_retouch(image: Image.Image, settings: Mapping[str, Any]) -> Image.Image:
    rgb = _flatten(image).filter(ImageFilter.SMOOTH_MORE)
    return ImageOps.autocontrast(rgb, cutoff=0.2)


def _vid(key: str, n: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{key}:version:{n}"))


def _wf(
    key: str,
    name: str,
    price: int,
    components: list[dict[str, Any]],
    versions: list[tuple[Render, str, int]],
    human_qa: bool = False,
) -> Workflow:
    return Workflow(
        id=str(uuid.uuid5(_NAMESPACE, f"{key}:workflow")),
        name=name,
        price=price,
        date="2026-01-12T09:30:00.000Z",
        components=components,
        versions=[
            WorkflowVersion(_vid(key, i + 1), render, ext, quality)
            for i, (render, ext, quality) in enumerate(versions)
        ],
        human_qa=human_qa,
    )


def _component(type_: str, label: str, **settings: Any) -> dict[str, Any]:
    return {"type": type_, "label": label, "settings": settings}


CATALOG: list[Workflow] = [
    _wf(
        "white-background",
        "Background to white",
        10,
        [
            _component("BACKGROUND_REMOVAL", "Remove backdrop", threshold=30),
            _component("BACKGROUND_COLOR", "Pure white", backgroundColor="#FFFFFF"),
            _component("EXPORT", "JPEG", format="jpg", quality=92),
        ],
        [(background_to_white, "jpg", 92)],
    ),
    _wf(
        "cutout",
        "Transparent cut-out",
        15,
        [
            _component("BACKGROUND_REMOVAL", "Remove backdrop", threshold=30),
            _component("EXPORT", "PNG with alpha", format="png"),
        ],
        [(transparent_cutout, "png", 0)],
    ),
    _wf(
        "square",
        "Square crop and centre",
        8,
        [
            _component("BACKGROUND_REMOVAL", "Find subject"),
            _component("CROP", "Square, centred", aspectRatio="1:1", margin=0.1),
            _component("EXPORT", "JPEG", format="jpg", quality=92),
        ],
        [(square_centre, "jpg", 92)],
    ),
    _wf(
        "levels",
        "Auto levels and white balance",
        5,
        [
            _component("WHITE_BALANCE", "Neutral highlights"),
            _component("LEVELS", "Auto levels on luminance", cutoff=0.5),
            _component("EXPORT", "JPEG", format="jpg", quality=92),
        ],
        [(levels_and_white_balance, "jpg", 92)],
    ),
    _wf(
        "web-export",
        "Web export",
        3,
        [
            _component("RESIZE", "Long side 1600 px", longSide=1600),
            _component("SHARPEN", "Unsharp mask", radius=1.2, percent=80),
            _component("EXPORT", "JPEG", format="jpg", quality=82),
        ],
        [(web_export_v1, "jpg", 82), (_web_export(1600, True), "jpg", 82)],
    ),
    _wf(
        "retouch-qa",
        "Retouch with human QA",
        20,
        [
            _component("RETOUCH", "Smooth and clean"),
            _component("HUMAN_QA", "Quality review by a retoucher"),
            _component("EXPORT", "JPEG", format="jpg", quality=92),
        ],
        [(human_retouch, "jpg", 92)],
        human_qa=True,
    ),
]

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


def find_workflow(workflow_id: str) -> Workflow | None:
    return next((w for w in CATALOG if w.id == workflow_id), None)


def encode(image: Image.Image, version: WorkflowVersion, icc_profile: bytes | None) -> bytes:
    """Encodes a result, carrying the input's colour profile so colours stay as they were."""
    out = io.BytesIO()
    extra: dict[str, Any] = {"icc_profile": icc_profile} if icc_profile else {}
    if version.export == "png":
        image.save(out, "PNG", compress_level=3, **extra)
    else:
        image.convert("RGB").save(out, "JPEG", quality=version.quality, **extra)
    return out.getvalue()
