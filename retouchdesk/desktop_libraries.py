"""Before Qt starts on a Linux desktop: are the system libraries its X11 plugin needs there?

Qt's xcb plugin links against a dozen small X libraries that a fresh Ubuntu desktop does not
all have (libxcb-cursor0 is the usual one missing). Without them Qt prints a paragraph about
plugins and aborts, which tells a user nothing they can act on. This check runs first and
names the one package to install, or starts on Wayland when that is possible.

It only asks the dynamic loader for each library by its soname (what the plugin asks for), so
it costs a few milliseconds and never loads Qt. The library table and the loader are
parameters, so a test can say a library is missing without uninstalling anything.
"""

from __future__ import annotations

import ctypes
import importlib.util
import sys
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# What libqxcb.so (Qt 6) links against beyond libc, with the Debian/Ubuntu package that ships
# each. Most-often-missing first, so the message names the usual culprit.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libxcb.so.1", "libxcb1"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libEGL.so.1", "libegl1"),
    ("libGL.so.1", "libgl1"),
)
# What the wayland plugin needs beyond what both share: enough to start on Wayland instead.
WAYLAND_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libwayland-client.so.0", "libwayland-client0"),
    ("libwayland-cursor.so.0", "libwayland-cursor0"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libEGL.so.1", "libegl1"),
)

Loader = Callable[[str], object]


@dataclass(frozen=True)
class Missing:
    library: str  # the soname the plugin asks for
    package: str  # the Debian/Ubuntu package that ships it

    def message(self) -> str:
        return (
            f"Retouch Desk needs the system library {self.library}: sudo apt install {self.package}"
        )


def qt_platforms_folder() -> Path | None:
    """PySide6's platform plugin folder, found without importing PySide6."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms"


def first_missing(libraries: Sequence[tuple[str, str]], loader: Loader) -> Missing | None:
    for soname, package in libraries:
        try:
            loader(soname)
        except OSError:
            return Missing(soname, package)
    return None


def check(
    environ: Mapping[str, str],
    *,
    platform: str = sys.platform,
    platforms_folder: Path | None = None,
    libraries: Sequence[tuple[str, str]] = XCB_LIBRARIES,
    wayland_libraries: Sequence[tuple[str, str]] = WAYLAND_LIBRARIES,
    loader: Loader = ctypes.CDLL,
) -> tuple[Missing | None, str | None]:
    """(what is missing for X11, the platform to use instead), both None when all is well.

    Only on Linux, only when Qt would pick xcb (QT_QPA_PLATFORM unset or xcb) on a display,
    and only when the xcb plugin is there to be loaded (a build without it has other needs).
    """
    if not platform.startswith("linux"):
        return None, None
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen not in ("", "xcb") or not environ.get("DISPLAY"):
        return None, None
    folder = platforms_folder if platforms_folder is not None else qt_platforms_folder()
    if folder is None or not (folder / "libqxcb.so").is_file():
        return None, None
    missing = first_missing(libraries, loader)
    if missing is None:
        return None, None
    wayland_possible = (
        chosen == ""  # a user who asked for xcb gets the message, not another platform
        and bool(environ.get("WAYLAND_DISPLAY"))
        and (folder / "libqwayland.so").is_file()
        and first_missing(wayland_libraries, loader) is None
    )
    return missing, ("wayland" if wayland_possible else None)


def ensure_desktop_libraries(
    environ: MutableMapping[str, str],
    *,
    write: Callable[[str], object] = sys.stderr.write,
    platform: str = sys.platform,
    platforms_folder: Path | None = None,
    libraries: Sequence[tuple[str, str]] = XCB_LIBRARIES,
    loader: Loader = ctypes.CDLL,
) -> bool:
    """True when the window can start (perhaps switched to Wayland in `environ`), else False
    after saying which package to install."""
    missing, instead = check(
        environ,
        platform=platform,
        platforms_folder=platforms_folder,
        libraries=libraries,
        loader=loader,
    )
    if missing is None:
        return True
    if instead is not None:
        environ["QT_QPA_PLATFORM"] = instead
        write(f"{missing.message()} (for X11); starting on Wayland instead.\n")
        return True
    write(f"{missing.message()}\n")
    return False
