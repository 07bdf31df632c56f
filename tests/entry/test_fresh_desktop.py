"""A fresh Linux desktop without one of the X libraries Qt's xcb plugin needs: `retouchdesk`
names the package to install instead of letting Qt abort. Nothing is uninstalled: the check's
loader is told which library to refuse."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import pytest

from retouchdesk.desktop_libraries import (
    XCB_LIBRARIES,
    Missing,
    check,
    ensure_desktop_libraries,
    qt_platforms_folder,
)

SUPPORT = Path(__file__).resolve().parents[1] / "support" / "missing_library_cli.py"
X11 = {"DISPLAY": ":0"}


def refusing(*missing: str) -> ctypes.CDLL:
    """A loader like ctypes.CDLL that fails on `missing` the way the dynamic loader does."""
    loaded: list[str] = []

    def load(soname: str) -> object:
        loaded.append(soname)
        if soname in missing:
            raise OSError(f"{soname}: cannot open shared object file: No such file or directory")
        return object()

    load.loaded = loaded  # type: ignore[attr-defined]
    return load  # type: ignore[return-value]


@pytest.fixture
def platforms(tmp_path: Path) -> Path:
    """A plugin folder with both window plugins, as PySide6 ships them."""
    folder = tmp_path / "platforms"
    folder.mkdir()
    (folder / "libqxcb.so").write_bytes(b"")
    (folder / "libqwayland.so").write_bytes(b"")
    return folder


def test_a_missing_cursor_library_names_its_package(platforms: Path) -> None:
    said: list[str] = []
    env = dict(X11)
    ok = ensure_desktop_libraries(
        env,
        write=said.append,
        platform="linux",
        platforms_folder=platforms,
        loader=refusing("libxcb-cursor.so.0"),
    )
    assert ok is False
    assert said == [
        "Retouch Desk needs the system library libxcb-cursor.so.0: "
        "sudo apt install libxcb-cursor0\n"
    ]
    assert "QT_QPA_PLATFORM" not in env


@pytest.mark.parametrize(("soname", "package"), XCB_LIBRARIES)
def test_every_library_of_the_table_is_named_with_its_package(
    platforms: Path, soname: str, package: str
) -> None:
    missing, instead = check(
        X11, platform="linux", platforms_folder=platforms, loader=refusing(soname)
    )
    assert missing == Missing(soname, package)
    assert package in missing.message()
    assert instead is None


def test_with_a_wayland_session_it_starts_there_instead(platforms: Path) -> None:
    said: list[str] = []
    env = {**X11, "WAYLAND_DISPLAY": "wayland-0"}
    ok = ensure_desktop_libraries(
        env,
        write=said.append,
        platform="linux",
        platforms_folder=platforms,
        loader=refusing("libxkbcommon-x11.so.0"),
    )
    assert ok is True
    assert env["QT_QPA_PLATFORM"] == "wayland"
    assert said and "sudo apt install libxkbcommon-x11-0" in said[0]
    assert "Wayland" in said[0]


def test_wayland_is_not_chosen_when_its_own_libraries_are_missing(platforms: Path) -> None:
    env = {**X11, "WAYLAND_DISPLAY": "wayland-0"}
    missing, instead = check(
        env,
        platform="linux",
        platforms_folder=platforms,
        loader=refusing("libxcb-cursor.so.0", "libwayland-client.so.0"),
    )
    assert missing is not None and missing.package == "libxcb-cursor0"
    assert instead is None


def test_a_user_who_asked_for_xcb_gets_the_message_not_wayland(platforms: Path) -> None:
    env = {**X11, "WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}
    missing, instead = check(
        env, platform="linux", platforms_folder=platforms, loader=refusing("libxcb-cursor.so.0")
    )
    assert missing is not None and instead is None


@pytest.mark.parametrize(
    ("env", "platform"),
    [
        ({"DISPLAY": ":0"}, "darwin"),  # not Linux
        ({"DISPLAY": ":0"}, "win32"),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux"),  # no xcb wanted
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, "linux"),
        ({}, "linux"),  # no display: not a desktop session
    ],
)
def test_nothing_is_checked_where_xcb_would_not_be_loaded(
    platforms: Path, env: dict[str, str], platform: str
) -> None:
    loader = refusing("libxcb-cursor.so.0")
    assert check(env, platform=platform, platforms_folder=platforms, loader=loader) == (
        None,
        None,
    )
    assert loader.loaded == []  # type: ignore[attr-defined]


def test_a_build_without_the_xcb_plugin_is_not_checked(tmp_path: Path) -> None:
    loader = refusing("libxcb-cursor.so.0")
    assert check(X11, platform="linux", platforms_folder=tmp_path, loader=loader) == (None, None)
    assert loader.loaded == []  # type: ignore[attr-defined]


def loader_view(plugin: Path) -> dict[str, bool]:
    """soname -> found, for every library the dynamic loader resolves for `plugin` and its
    dependencies (`ldd` lists one this machine lacks as "not found")."""
    listing = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True)
    found: dict[str, bool] = {}
    for line in listing.stdout.splitlines():
        soname, arrow, where = line.strip().partition(" => ")
        if arrow:
            found[soname] = found.get(soname, False) or not where.startswith("not found")
    return found


def test_the_table_names_the_real_libraries_of_this_desktop() -> None:
    # The loader's own view of the xcb plugin, whatever this machine has installed: every soname
    # of the table is one the plugin really needs (a misspelt one would not be listed), and the
    # check names the first of them this machine lacks, or nothing when none is missing.
    folder = qt_platforms_folder()
    assert folder is not None and (folder / "libqxcb.so").is_file()
    found = loader_view(folder / "libqxcb.so")
    assert [soname for soname, _ in XCB_LIBRARIES if soname not in found] == []
    lacking = [(soname, package) for soname, package in XCB_LIBRARIES if not found[soname]]
    missing, _instead = check(X11, platform="linux")
    assert missing == (Missing(*lacking[0]) if lacking else None)


def test_retouchdesk_exits_with_the_package_instead_of_a_qt_abort(
    subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    env = {
        k: v for k, v in subprocess_env.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")
    }
    # A display nobody serves: had Qt been started, it would abort on it.
    env["DISPLAY"] = ":97"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", str(SUPPORT), "libxcb-cursor.so.0"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    said = [line for line in result.stderr.splitlines() if not line.startswith("import time:")]
    assert result.returncode == 1, result.stderr[-2000:]
    assert said == [
        "Retouch Desk needs the system library libxcb-cursor.so.0: sudo apt install libxcb-cursor0"
    ]
    imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:") and line.count("|") == 2}  # fmt: skip
    assert "retouchdesk.desktop_libraries" in imported
    assert not {m for m in imported if m.split(".")[0] in ("PySide6", "shiboken6", "ui")}
