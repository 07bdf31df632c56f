"""Fast checks of the installer sources. Nothing here freezes or packages anything.

The real build and its smoke test are `make installer` and installer/smoke-test.sh; these tests
catch the mistakes that would otherwise only show up there, minutes later, or on a Windows or
macOS runner we do not have here.
"""

from __future__ import annotations

import fnmatch
import os
import plistlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
sys.path.insert(0, str(INSTALLER))

import pyi_support  # noqa: E402

sys.path.insert(0, str(INSTALLER / "windows"))
import render_nsis  # noqa: E402

# --- version: one source ---------------------------------------------------------------------


def test_version_is_read_from_app_init_without_importing_it() -> None:
    import app

    assert pyi_support.read_version() == app.__version__


def test_no_installer_file_hard_codes_the_version() -> None:
    version = pyi_support.read_version()
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*INSTALLER.rglob("*"), ROOT / ".github" / "workflows" / "installers.yml"]
        if path.is_file()
        and path.suffix not in (".svg", ".pyc")
        and version in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "message"),
    [("x = 1\n", "no __version__"), ("__version__ = 'banana'\n", "not a release version")],
)
def test_read_version_rejects_a_missing_or_odd_version(
    tmp_path: Path, source: str, message: str
) -> None:
    init = tmp_path / "__init__.py"
    init.write_text(source)
    with pytest.raises(ValueError, match=message):
        pyi_support.read_version(init)


def test_numeric_version_pads_to_four_numbers() -> None:
    assert pyi_support.numeric_version("1.2.3") == (1, 2, 3, 0)
    assert pyi_support.numeric_version("2.0.1rc4") == (2, 0, 1, 4)


# --- the PyInstaller spec ---------------------------------------------------------------------


def test_spec_compiles_as_python() -> None:
    source = (INSTALLER / "retouchdesk.spec").read_text(encoding="utf-8")
    compile(source, "retouchdesk.spec", "exec")


def test_spec_names_the_dynamically_imported_modules() -> None:
    source = (INSTALLER / "retouchdesk.spec").read_text(encoding="utf-8")
    for needed in (
        'collect_submodules("keyring.backends")',
        '"truststore"',
        '"uvicorn.loops.auto"',
        '"uvicorn.protocols.http.auto"',
        '"uvicorn.lifespan.on"',
        'copy_metadata("keyring")',
        'modules_under(ROOT, "retouchdesk")',
        'modules_under(ROOT, "app")',
        'modules_under(ROOT, "ui")',
        '"retouchdesk_resources"',
        "ImagePlugin",
    ):
        assert needed in source, needed


def _spec_excludes() -> set[str]:
    source = (INSTALLER / "retouchdesk.spec").read_text(encoding="utf-8")
    block = re.search(r"^excludes = \[(.*?)^\]", source, re.MULTILINE | re.DOTALL)
    assert block is not None
    return set(re.findall(r'"([\w.]+)"', block.group(1)))


def test_spec_ships_no_test_tool_and_excludes_no_runtime_dependency() -> None:
    import tomllib

    source = (INSTALLER / "retouchdesk.spec").read_text(encoding="utf-8")
    assert re.search(r"""["']keyrings\.alt""", source) is None  # not collected, not named
    excludes = _spec_excludes()
    assert "keyrings" in excludes
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {
        re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("-", "_")
        for requirement in project["dependencies"]
    }
    assert runtime & {name.lower() for name in excludes} == set()


def test_entry_point_calls_the_composition_root() -> None:
    source = (INSTALLER / "entry.py").read_text(encoding="utf-8")
    assert "from retouchdesk.entry import main" in source
    assert "freeze_support()" in source


def test_qt_modules_are_found_in_every_import_style(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from PySide6.QtWidgets import QWidget\n")
    (tmp_path / "b.py").write_text("import PySide6.QtSvg\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.py").write_text(
        "from PySide6 import (\n    QtCore,\n    QtGui,\n)\n# from PySide6.QtQuick import X\n"
    )
    found = pyi_support.qt_modules_imported(tmp_path)
    assert found == {"QtWidgets", "QtSvg", "QtCore", "QtGui"}


def test_ui_imports_no_qt_module_the_essentials_wheel_lacks() -> None:
    # The bundle ships only what ui/ imports; a QtWebEngine import would need the Addons wheel.
    heavy = {
        "QtWebEngineCore",
        "QtWebEngineWidgets",
        "QtQuick",
        "QtQml",
        "Qt3DCore",
        "QtMultimedia",
    }
    assert pyi_support.qt_modules_imported(ROOT / "ui") & heavy == set()


def test_modules_under_lists_packages_and_modules_without_importing(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub" / "__pycache__").mkdir(parents=True)
    (pkg / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    (pkg / "mod.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "leaf.py").write_text("")
    (pkg / "sub" / "__pycache__" / "leaf.py").write_text("")
    assert pyi_support.modules_under(tmp_path, "pkg") == [
        "pkg",
        "pkg.mod",
        "pkg.sub",
        "pkg.sub.leaf",
    ]


def test_orphaned_libraries_are_only_those_the_dropped_plugins_needed() -> None:
    links = {
        "/q/gtk3.so": {"/l/cairo.so", "/l/glib.so"},  # dropped plugin
        "/q/xcb.so": {"/l/glib.so", "/l/qtgui.so"},  # kept plugin
        "/l/cairo.so": {"/l/pixman.so"},
        "/l/pixman.so": set(),
        "/l/glib.so": set(),
        "/l/qtgui.so": set(),
        "/l/ctypes_only.so": set(),  # nothing links it: loaded by name, must stay
    }
    binaries = [(Path(src).name, src, "BINARY") for src in links]
    dropped = [("gtk3.so", "/q/gtk3.so", "BINARY")]
    orphans = pyi_support.orphaned_by(binaries, dropped, lambda src: links[src])
    assert orphans == {"/l/cairo.so", "/l/pixman.so"}


# --- Linux desktop integration ----------------------------------------------------------------


DESKTOP = pyi_support.DESKTOP_ENTRY
METAINFO = pyi_support.METAINFO


def _source_files(pattern: str) -> list[str]:
    """Files of the source tree matching `pattern` (build outputs and virtualenvs left out)."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("build", "dist")]
        dirs[:] = [d for d in dirs if not (Path(folder, d) / "pyvenv.cfg").exists()]
        found += [str(Path(folder, f).relative_to(ROOT)) for f in fnmatch.filter(files, pattern)]
    return sorted(found)


def test_resources_is_the_only_home_of_the_desktop_files_and_icons() -> None:
    assert _source_files("*.desktop") == ["resources/retouchdesk.desktop"]
    assert _source_files("*.metainfo.xml") == [str(METAINFO.relative_to(ROOT))]
    assert not (ROOT / "ui" / "resources").exists()
    assert not (ROOT / "installer" / "linux").exists()
    svgs = _source_files("*.svg")
    assert svgs and all(name.startswith("resources/") for name in svgs), svgs


def test_desktop_entry_offers_open_with_for_the_image_types() -> None:
    entries = dict(line.split("=", 1) for line in DESKTOP.read_text().splitlines() if "=" in line)
    assert entries["Exec"] == "retouchdesk %F"
    assert entries["Icon"] == "retouchdesk"
    assert entries["Type"] == "Application"
    # The image types at least; the app may offer more (folders, for instance).
    offered = set(entries["MimeType"].rstrip(";").split(";"))
    assert set(pyi_support.desktop_mime_types().rstrip(";").split(";")) <= offered


def test_desktop_entry_names_the_window_class_and_no_folder_type() -> None:
    entries = dict(line.split("=", 1) for line in DESKTOP.read_text().splitlines() if "=" in line)
    # Matches QGuiApplication.setDesktopFileName / the app name, so docks group the window.
    assert entries["StartupWMClass"] == "retouchdesk"
    # inode/directory would let file managers make Retouch Desk their default folder opener.
    assert "inode/directory" not in entries["MimeType"]


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils absent")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, timeout=10
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_appstream_metainfo_launches_the_desktop_entry_and_lists_the_image_types() -> None:
    import xml.etree.ElementTree as ET

    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == METAINFO.name.removesuffix(".metainfo.xml")
    assert root.findtext("launchable") == DESKTOP.name
    mediatypes = {m.text for m in root.iter("mediatype")}
    assert mediatypes == {mime for mime, _, _, _ in pyi_support.FILE_TYPES}


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream absent")
def test_appstream_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_icon_is_an_svg_and_the_one_the_window_shows() -> None:
    from importlib.resources import files

    icon = pyi_support.app_icon_svg()
    assert icon.is_file()
    assert "<svg" in icon.read_text(encoding="utf-8")[:400]
    assert files("retouchdesk_resources").joinpath("icons", "app.svg").read_bytes() == (
        icon.read_bytes()
    )


@pytest.mark.parametrize(
    "script",
    ["build-linux.sh", "smoke-test.sh", "ci.sh", "macos/build-macos.sh"],
)
def test_shell_scripts_parse(script: str) -> None:
    result = subprocess.run(
        ["bash", "-n", str(INSTALLER / script)], capture_output=True, text=True, timeout=10
    )
    assert result.returncode == 0, result.stderr


def test_deb_depends_on_the_libraries_qt_loads_from_the_system() -> None:
    script = (INSTALLER / "build-linux.sh").read_text()
    depends = re.search(r'^DEPENDS="([^"]+)"', script, re.MULTILINE)
    assert depends is not None
    names = {item.split()[0] for item in depends.group(1).split(", ")}
    for needed in (
        "libegl1",
        "libgl1",
        "libxkbcommon0",
        "libxkbcommon-x11-0",
        "libfontconfig1",
        "libglib2.0-0",
        "libdbus-1-3",
        "libxcb-cursor0",
        "libxcb-icccm4",
        "libxcb-xinerama0",
    ):
        assert needed in names, needed


# --- macOS ------------------------------------------------------------------------------------


def test_mac_document_types_cover_the_formats_and_make_a_valid_plist() -> None:
    types = pyi_support.mac_document_types()
    utis = {uti for entry in types for uti in entry["LSItemContentTypes"]}  # type: ignore[attr-defined]
    assert utis == {"public.jpeg", "public.png", "public.tiff", "org.webmproject.webp"}
    assert all(entry["CFBundleTypeRole"] == "Viewer" for entry in types)
    plist = plistlib.loads(plistlib.dumps({"CFBundleDocumentTypes": types}))
    assert plist["CFBundleDocumentTypes"] == types


# --- Windows ----------------------------------------------------------------------------------


@pytest.fixture
def fake_windows_build(tmp_path: Path) -> Path:
    folder = tmp_path / "retouchdesk"
    (folder / "_internal" / "PySide6").mkdir(parents=True)
    (folder / "retouchdesk.exe").write_bytes(b"MZ" + b"\0" * 2048)
    (folder / "retouchdesk-cli.exe").write_bytes(b"MZ" + b"\0" * 2048)
    (folder / "_internal" / "PySide6" / "Qt6Core.dll").write_bytes(b"\0" * 4096)
    return folder


def test_nsis_template_renders_with_version_and_associations(
    fake_windows_build: Path, tmp_path: Path
) -> None:
    out = tmp_path / "retouchdesk.nsi"
    assert render_nsis.main(["--app-dir", str(fake_windows_build), "--out", str(out),
                             "--version", "3.4.5"]) == 0  # fmt: skip
    script = out.read_text(encoding="utf-8-sig")
    assert re.search(r"@[A-Z0-9_]+@", script) is None
    assert '!define APP_VERSION     "3.4.5"' in script
    assert '!define APP_VERSION4    "3.4.5.0"' in script
    assert "RetouchDesk-3.4.5-setup.exe" in script
    assert f'"{fake_windows_build}"' in script
    for ext in ("jpg", "jpeg", "png", "tif", "tiff", "webp"):
        assert f'!insertmacro AssociateExtension ".{ext}"' in script
        assert f'!insertmacro UnassociateExtension ".{ext}"' in script
    for needed in (
        'CreateShortcut "$SMPROGRAMS\\${APP_NAME}.lnk"',
        'CreateShortcut "$DESKTOP\\${APP_NAME}.lnk"',
        'WriteUninstaller "$INSTDIR\\uninstall.exe"',
        'DeleteRegKey HKLM "${UNINSTALL_KEY}"',
        "OpenWithProgids",
        "EstimatedSize",
    ):
        assert needed in script, needed


def test_nsis_render_refuses_a_folder_that_is_not_the_windows_build(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        render_nsis.main(["--app-dir", str(tmp_path), "--out", str(tmp_path / "x.nsi")])


def test_nsis_render_refuses_an_unknown_placeholder() -> None:
    with pytest.raises(KeyError, match="@SURPRISE@"):
        render_nsis.render(
            "Name @SURPRISE@",
            version="1.0.0",
            app_dir=Path("C:/x"),
            outfile=Path("C:/y.exe"),
            icon_block="",
            size_kb=1,
        )


@pytest.mark.skipif(not shutil.which("makensis"), reason="makensis (apt-get install nsis) absent")
def test_rendered_nsis_script_compiles_with_makensis(
    fake_windows_build: Path, tmp_path: Path
) -> None:
    out = tmp_path / "retouchdesk.nsi"
    setup = tmp_path / "RetouchDesk-9.9.9-setup.exe"
    render_nsis.main(["--app-dir", str(fake_windows_build), "--out", str(out),
                      "--outfile", str(setup), "--version", "9.9.9"])  # fmt: skip
    result = subprocess.run(
        ["makensis", "-V2", "-WX", str(out)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert setup.read_bytes()[:2] == b"MZ"


# --- CI -------------------------------------------------------------------------------------


def test_ci_workflow_builds_all_three_and_smoke_tests_linux() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "installers.yml").read_text())
    jobs = workflow["jobs"]
    assert {"linux", "windows", "macos"} <= set(jobs)
    runs = {
        name: " ".join(str(s.get("run", "")) for s in job["steps"]) for name, job in jobs.items()
    }
    assert "installer/build-linux.sh" in runs["linux"]
    assert "installer/smoke-test.sh" in runs["linux"]
    assert "render_nsis.py" in runs["windows"] and "makensis" in runs["windows"]
    assert "installer/macos/build-macos.sh" in runs["macos"]
    assert os.path.basename(jobs["windows"]["runs-on"]).startswith("windows")
