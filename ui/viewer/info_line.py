"""The one line of facts under the images: what each file is, and what the job cost."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.imaging.facts import ImageInfo
from ui.viewer.item import ViewerItem
from ui.viewer.pixels import LoadedImage


def describe_file(info: ImageInfo) -> str:
    """'6000 × 4000 px · 8.1 MB · JPEG 8-bit RGB · Adobe RGB (1998)'"""
    size = f"{info.width} × {info.height} px"
    kind = f"{info.format} {info.bit_depth}-bit {_channels(info)}"
    return " · ".join([size, format_bytes(info.file_size), kind, info.colour_profile])


def describe(
    item: ViewerItem | None,
    original: LoadedImage | None,
    result: LoadedImage | None,
) -> str:
    """Job facts first (they decide the review), then the result's file, then the original's."""
    if item is None:
        return ""
    job = [describe_status(item.status)] if item.status else []
    job.append(f"{item.credits} credit" + ("" if item.credits == 1 else "s"))
    if item.review:
        job.append(item.review)
    parts = [" · ".join(job)]
    if result is not None:
        parts.append("Result: " + describe_file(result.info) + _loading(result))
    elif item.result_path:
        parts.append("Result: loading…")
    else:
        parts.append("No result yet")
    if original is not None:
        parts.append("Original: " + describe_file(original.info) + _loading(original))
    return SEPARATOR.join(parts)


SEPARATOR = "   |   "


def describe_status(status: str) -> str:
    """'payment_required' or 'PAYMENT_REQUIRED' -> 'Payment required' (engine or API words)."""
    if status.lower() == "in_qa":
        return "In QA"
    return status.replace("_", " ").capitalize()


def format_bytes(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    for unit in ("kB", "MB", "GB"):
        size_in_unit = size / 1000 ** (["kB", "MB", "GB"].index(unit) + 1)
        if size_in_unit < 1000 or unit == "GB":
            return f"{size_in_unit:.1f} {unit}"
    raise AssertionError("unreachable")


def _channels(info: ImageInfo) -> str:
    names = {
        "1": "bilevel",
        "L": "grey",
        "LA": "grey+alpha",
        "I;16": "grey",
        "I;16B": "grey",
        "I;16L": "grey",
        "I": "grey",
        "F": "grey (float)",
        "P": "palette",
        "PA": "palette+alpha",
        "CMYK": "CMYK",
        "LAB": "Lab",
        "YCbCr": "YCbCr",
    }
    name = names.get(info.mode, info.mode)
    if info.has_alpha and "alpha" not in name and info.mode not in ("RGBA",):
        name += "+transparency"
    return name


def _loading(image: LoadedImage) -> str:
    return "" if image.complete else " (preview; full resolution loading…)"


def fit_word() -> str:
    """The zoom box's "Fit", in the language shown (typing "fit" works in any)."""
    return QCoreApplication.translate("CompareViewer", "Fit")


def no_result_message(item: ViewerItem) -> str:
    status = item.status.lower()
    if status in ("failed", "payment_required", "rejected", "cancelled"):
        return f"No result: {describe_status(item.status).lower()}"
    return "No result yet" + (f" ({describe_status(item.status).lower()})" if status else "")
