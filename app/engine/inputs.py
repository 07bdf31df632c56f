"""Turn what the user dropped (files and folders) into a list of candidate inputs.

Rules a retoucher would expect:
- folders are walked recursively; symlinked folders are followed but each real folder is
  visited once, so a link loop cannot hang the walk;
- inside folders, hidden files, temporary/partial downloads and OS junk are skipped, and so is
  anything that is plainly not an image file; they are counted in `ignored` with a reason so a
  front end can say "3 files ignored" instead of dropping them silently;
- a file named explicitly is always taken (a bad one becomes a rejected job with its reason);
- the same file reached twice (given twice, through a link, or a hard link) is one input;
- each input remembers the folder it was found under, for the mirrored output layout.

Whether a candidate really is a usable image is decided by content (`app.imaging.probe`), not by
its extension: the extension only decides which folder entries are worth probing.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePath

log = logging.getLogger(__name__)

# Extensions worth probing when walking a folder (compared lower-case). Unsupported image
# formats are included on purpose: the user gets "unsupported format GIF" rather than silence.
IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".tif", ".tiff", ".webp"}
    | {".gif", ".bmp", ".heic", ".heif", ".avif", ".psd", ".jxl", ".jp2"}
)
_JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r", "__macosx"})
_TEMP_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", "~")
_PART_MARKER = ".retouchdesk-part"  # our own in-progress downloads


@dataclass(frozen=True)
class FoundInput:
    path: Path  # absolute
    root: Path  # the folder it was found under (its parent when given as a file)
    relative: PurePath  # path below root, used by the mirror layout


@dataclass
class WalkResult:
    inputs: list[FoundInput] = field(default_factory=list)
    ignored: list[tuple[Path, str]] = field(default_factory=list)  # (path, reason)
    # (path, reason): given paths that do not exist, and image files found that cannot be read
    missing: list[tuple[Path, str]] = field(default_factory=list)
    duplicates: int = 0  # files reached more than once (given twice, linked), kept once


def junk_reason(name: str) -> str:
    """Why a folder entry should be skipped, or '' when it is a candidate."""
    lower = name.lower()
    if name.startswith("."):
        return "hidden file"
    if lower in _JUNK_NAMES:
        return "system file"
    if name.startswith("~$") or lower.endswith(_TEMP_SUFFIXES) or _PART_MARKER in lower:
        return "temporary or partial file"
    return ""


def is_candidate_name(name: str) -> bool:
    return not junk_reason(name) and Path(name).suffix.lower() in IMAGE_EXTENSIONS


_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"II*\x00", b"MM\x00*", b"RIFF")


def _looks_like_image(path: Path) -> bool:
    """By extension, or for extension-less files (cameras, scripts) by their first bytes."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return True
    if suffix:
        return False
    try:
        with path.open("rb") as f:
            head = f.read(12)
    except OSError:
        return True  # let the probe report why it cannot be read
    return head.startswith(_MAGIC)


def find_inputs(paths: list[str | os.PathLike[str]], root: Path | None = None) -> WalkResult:
    """Walk the given files and folders. Pure file-system work: run it off the event loop.

    `root`: files given one by one but belonging to one tree (the hot folder) keep their path
    below it, so the mirror layout re-creates that tree.
    """
    result = WalkResult()
    seen_files: set[tuple[int, int]] = set()
    for given in paths:
        path = Path(os.path.abspath(os.path.expanduser(os.fspath(given))))
        try:
            st = path.stat()
        except OSError as exc:
            result.missing.append((path, f"cannot open: {exc.strerror or exc}"))
            continue
        if path.is_dir():
            _walk_folder(path, result, seen_files)
        elif root is not None and path.is_relative_to(root):
            _take(path, root, path.relative_to(root), st, result, seen_files)
        else:
            _take(path, path.parent, PurePath(path.name), st, result, seen_files)
    return result


def _take(
    path: Path,
    root: Path,
    relative: PurePath,
    st: os.stat_result,
    result: WalkResult,
    seen_files: set[tuple[int, int]],
) -> None:
    key = (st.st_dev, st.st_ino)
    if key in seen_files:
        log.debug("same file twice, keeping one: %s", path)
        result.duplicates += 1
        return
    seen_files.add(key)
    result.inputs.append(FoundInput(path=path, root=root, relative=relative))


def _walk_folder(root: Path, result: WalkResult, seen_files: set[tuple[int, int]]) -> None:
    visited_dirs: set[tuple[int, int]] = set()

    def on_error(exc: OSError) -> None:
        result.ignored.append((Path(exc.filename or root), f"cannot read folder: {exc.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=on_error):
        current = Path(dirpath)
        try:
            st = current.stat()
        except OSError:
            dirnames[:] = []
            continue
        if (st.st_dev, st.st_ino) in visited_dirs:
            dirnames[:] = []  # a symlink loop or a second link to a folder already walked
            continue
        visited_dirs.add((st.st_dev, st.st_ino))
        # Sorted so that jobs (and {n}) come out in a stable, human order.
        dirnames[:] = sorted(d for d in dirnames if not junk_reason(d))
        for name in sorted(filenames):
            path = current / name
            reason = junk_reason(name)
            if not reason and not _looks_like_image(path):
                reason = "not an image file type"
            if reason:
                result.ignored.append((path, reason))
                continue
            try:
                file_st = path.stat()
            except OSError as exc:
                # It looks like an image but cannot be read (a symlink loop, a dangling link):
                # the user expects it processed, so it gets a rejected row with the reason.
                result.missing.append((path, f"cannot read: {exc.strerror}"))
                continue
            _take(path, root, path.relative_to(root), file_st, result, seen_files)
