"""Content types for the image formats the service accepts."""

from __future__ import annotations

from pathlib import Path

_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".webp": "image/webp",
}


def guess_content_type(path: Path) -> str:
    """By extension, case-insensitively (a `.JPG` is a JPEG too)."""
    return _TYPES.get(Path(path).suffix.lower(), "application/octet-stream")
