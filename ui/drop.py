"""What a drop, a paste or an "Add folder" hands us, turned into image files.

Reading the mime data is instant and happens in the drop handler; walking folders can take
seconds on a network share, so `collect_images` is a plain function the window runs in a
worker thread (`asyncio.to_thread`). Files are always read in place, never moved.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl

from ui.i18n import Plural, translate

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"})
URI_LIST = "text/uri-list"


@dataclass
class Collected:
    images: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # files that are not images we can send
    missing: list[Path] = field(default_factory=list)


def paths_from_mime(mime: QMimeData) -> tuple[list[Path], list[str]]:
    """Local paths from a drop or paste, and a reason for each thing refused."""
    refused: list[str] = []
    paths: list[Path] = []
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile():
                paths.append(Path(url.toLocalFile()))
            else:
                refused.append(
                    translate("Drop", "{item} is not a local file").format(
                        item=url.toDisplayString()
                    )
                )
    elif mime.hasText():
        # A clipboard holding pasted paths, one per line (what file managers put there too).
        for line in mime.text().splitlines():
            line = line.strip()
            if not line:
                continue
            url = QUrl(line)
            if url.isLocalFile():
                paths.append(Path(url.toLocalFile()))
            elif os.path.isabs(line):
                paths.append(Path(line))
            else:
                refused.append(translate("Drop", "{item} is not a path").format(item=line[:60]))
    return paths, refused


def is_image_name(path: Path) -> bool:
    # Case-insensitive: cameras write .JPG, which the vendor's own CLI silently skipped.
    return path.suffix.lower() in IMAGE_SUFFIXES


def collect_images(paths: Iterable[Path]) -> Collected:
    """Expand folders recursively (sorted, hidden entries skipped) and keep image files."""
    result = Collected()
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    _take(Path(root) / name, result, seen)
        elif path.exists():
            _take(path, result, seen)
        else:
            result.missing.append(path)
    return result


def _take(path: Path, result: Collected, seen: set[Path]) -> None:
    resolved = path.resolve()
    if resolved in seen:
        return
    seen.add(resolved)
    if is_image_name(path):
        result.images.append(resolved)
    else:
        result.skipped.append(path)


def describe_refusal(collected: Collected, refused: list[str]) -> str:
    """One plain sentence for the status bar when some or all of a drop was not queued."""
    parts: list[str] = list(refused[:2])
    if collected.skipped:
        n = len(collected.skipped)
        parts.append(
            Plural.tr("%Ln file(s) skipped (only JPEG, PNG, TIFF and WebP are processed)", "", n)
        )
    if collected.missing:
        parts.append(translate("Drop", "{n} not found").format(n=len(collected.missing)))
    if not collected.images and not parts:
        parts.append(translate("Drop", "No images found"))
    return "; ".join(parts)
