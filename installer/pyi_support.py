"""Helpers shared by the PyInstaller spec, the installer scripts and their tests.

Plain standard library only: this runs inside PyInstaller's spec interpreter, in CI scripts on
three operating systems, and in the fast tests, none of which should import the app.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The image types "Open with" offers Retouch Desk for, on every platform. One table so that the
# .desktop file, the Windows associations and the macOS document types cannot drift apart.
FILE_TYPES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    # (MIME type, extensions, macOS UTI, human name)
    ("image/jpeg", ("jpg", "jpeg"), "public.jpeg", "JPEG image"),
    ("image/png", ("png",), "public.png", "PNG image"),
    ("image/tiff", ("tif", "tiff"), "public.tiff", "TIFF image"),
    ("image/webp", ("webp",), "org.webmproject.webp", "WebP image"),
)


def read_version(init_file: Path = ROOT / "app" / "__init__.py") -> str:
    """`__version__` from app/__init__.py, read without importing the app (single source)."""
    tree = ast.parse(init_file.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            if not isinstance(value, str) or not re.fullmatch(r"\d+\.\d+\.\d+([.-]?\w+)*", value):
                raise ValueError(f"{init_file}: __version__ {value!r} is not a release version")
            return value
    raise ValueError(f"{init_file}: no __version__ assignment")


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """The four integers Windows version resources and NSIS VIProductVersion require."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    return (*numbers, 0, 0, 0, 0)[:4]  # type: ignore[return-value]


_QT_IMPORT = re.compile(
    r"^\s*(?:from\s+PySide6\.(Qt\w+)\s+import|import\s+PySide6\.(Qt\w+)"
    r"|from\s+PySide6\s+import\s+\(?([\w\s,]+)\)?)",
    re.MULTILINE,
)


def qt_modules_imported(package_dir: Path) -> set[str]:
    """Names like "QtWidgets" of every PySide6 module imported anywhere under package_dir."""
    found: set[str] = set()
    for source in package_dir.rglob("*.py"):
        for match in _QT_IMPORT.finditer(source.read_text(encoding="utf-8", errors="replace")):
            if match.group(1) or match.group(2):
                found.add(match.group(1) or match.group(2))
            else:
                names = re.split(r"[\s,]+", match.group(3))
                found.update(n for n in names if n.startswith("Qt"))
    return found


def orphaned_by(
    binaries: list[tuple[str, str, str]],
    dropped: list[tuple[str, str, str]],
    imports_of: Callable[[str], set[str]],
) -> set[str]:
    """Sources of the libraries that only the dropped files needed.

    PyInstaller resolves a plugin's shared-library dependencies before a spec can prune the
    plugin, so dropping e.g. the GTK platform theme would otherwise leave cairo, pango and
    friends in the bundle. A library is orphaned when a dropped file reaches it and nothing kept
    does; libraries nothing links to at all (loaded with ctypes or dlopen) are never touched.
    `imports_of(src)` gives the real paths of the libraries `src` links against.
    """
    sources = {os.path.realpath(src) for _, src, _ in binaries}
    linked: dict[str, set[str]] = {src: imports_of(src) & sources for src in sources}
    needed_by_someone = set().union(*linked.values()) if linked else set()

    def closure(roots: set[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(roots)
        while todo:
            src = todo.pop()
            if src not in seen:
                seen.add(src)
                todo.extend(linked.get(src, ()))
        return seen

    dropped_sources = {os.path.realpath(src) for _, src, _ in dropped}
    kept_roots = (sources - needed_by_someone) - dropped_sources
    reachable_kept = closure(kept_roots)
    reachable_dropped = closure(dropped_sources & sources) - dropped_sources
    return reachable_dropped - reachable_kept


def modules_under(root: Path, package: str) -> list[str]:
    """Dotted names of every module in a source package, found on disk without importing it.

    PyInstaller's collect_submodules imports each subpackage and skips, with only a log line,
    any that fails to import; in a tree that other people are changing, that would ship a
    bundle missing a module. Listing files cannot skip anything.
    """
    names = []
    for source in sorted((root / package).rglob("*.py")):
        if "__pycache__" in source.parts:
            continue
        parts = source.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def write_windows_version_file(path: Path, version: str) -> str:
    """A VSVersionInfo file for the .exe properties dialog (PyInstaller's `version=`)."""
    numbers = numeric_version(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    strings = {
        "CompanyName": "Retouch Desk",
        "FileDescription": "Retouch Desk",
        "FileVersion": version,
        "InternalName": "retouchdesk",
        "OriginalFilename": "retouchdesk.exe",
        "ProductName": "Retouch Desk",
        "ProductVersion": version,
        "LegalCopyright": "MIT License",
    }
    string_structs = ",\n".join(f"        StringStruct({k!r}, {v!r})" for k, v in strings.items())
    path.write_text(
        f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
{string_structs}
    ])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
""",
        encoding="utf-8",
    )
    return str(path)


def mac_document_types() -> list[dict[str, object]]:
    """CFBundleDocumentTypes: Finder's "Open With" for the supported images (viewer role)."""
    return [
        {
            "CFBundleTypeName": name,
            "CFBundleTypeRole": "Viewer",
            "LSHandlerRank": "Alternate",  # offered in Open With, never steals the default
            "LSItemContentTypes": [uti],
            "CFBundleTypeExtensions": list(extensions),
            "CFBundleTypeMIMETypes": [mime],
        }
        for mime, extensions, uti, name in FILE_TYPES
    ]


def desktop_mime_types() -> str:
    return "".join(f"{mime};" for mime, _, _, _ in FILE_TYPES)


def windows_extensions() -> list[str]:
    return [ext for _, extensions, _, _ in FILE_TYPES for ext in extensions]


RESOURCES = ROOT / "resources"  # the single source; pip ships it as `retouchdesk_resources`
DESKTOP_ENTRY = RESOURCES / "retouchdesk.desktop"
METAINFO = RESOURCES / "com.retouchdesk.RetouchDesk.metainfo.xml"


def app_icon_svg(root: Path = ROOT) -> Path:
    """The app's icon: the one the window shows, rendered by the installers at every size."""
    return root / "resources" / "icons" / "app.svg"


if __name__ == "__main__":
    # For CI steps and shell scripts: `python installer/pyi_support.py version|icon`.
    import sys

    queries = {
        "version": lambda: read_version(),
        "icon": lambda: str(app_icon_svg()),
        "desktop": lambda: str(DESKTOP_ENTRY),
        "metainfo": lambda: str(METAINFO),
    }
    if len(sys.argv) != 2 or sys.argv[1] not in queries:
        raise SystemExit(f"usage: pyi_support.py {'|'.join(queries)}")
    print(queries[sys.argv[1]]())
