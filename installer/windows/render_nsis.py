"""Render the NSIS script of the Windows installer from its template.

    python installer/windows/render_nsis.py --app-dir dist/retouchdesk \
        [--icon build/icons/retouchdesk-256.png] [--out build/windows/retouchdesk.nsi] \
        [--outfile dist/RetouchDesk-<version>-setup.exe] [--version X.Y.Z]
    makensis build/windows/retouchdesk.nsi

The version comes from app/__init__.py unless given. The app folder is the PyInstaller
one-folder output (retouchdesk.exe, retouchdesk-cli.exe, _internal/); its size fills the
"EstimatedSize" shown in Apps & features. A PNG icon is converted to .ico with Pillow.
Every placeholder must be filled: a template that gains one fails here, not in makensis.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pyi_support import ROOT, numeric_version, read_version, windows_extensions  # noqa: E402

TEMPLATE = HERE / "retouchdesk.nsi.in"
REQUIRED_FILES = ("retouchdesk.exe", "retouchdesk-cli.exe", "_internal")


def folder_size_kb(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) // 1024


def icon_defines(icon: Path | None, work_dir: Path) -> str:
    if icon is None:
        return "; no icon given: NSIS's default installer icon"
    if icon.suffix.lower() == ".png":
        from PIL import Image  # only needed for this conversion

        ico = work_dir / "retouchdesk.ico"
        work_dir.mkdir(parents=True, exist_ok=True)
        sizes = [(s, s) for s in (16, 24, 32, 48, 64, 128, 256)]
        Image.open(icon).save(ico, sizes=sizes)
        icon = ico
    return f'!define MUI_ICON "{icon}"\n!define MUI_UNICON "{icon}"'


def render(
    template: str,
    *,
    version: str,
    app_dir: Path,
    outfile: Path,
    icon_block: str,
    size_kb: int,
) -> str:
    values = {
        "VERSION": version,
        "VERSION4": ".".join(str(n) for n in numeric_version(version)),
        "APP_DIR": str(app_dir),
        "OUTFILE": str(outfile),
        "ICON_DEFINES": icon_block,
        "ESTIMATED_SIZE_KB": str(size_kb),
    }
    for name, value in values.items():
        if '"' in value and name != "ICON_DEFINES":
            raise ValueError(f"{name} may not contain a double quote: {value!r}")

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"the template uses @{name}@, which render_nsis.py does not know")
        return values[name]

    rendered = re.sub(r"@([A-Z0-9_]+)@", fill, template)
    missing = [
        ext for ext in windows_extensions() if f'AssociateExtension ".{ext}"' not in rendered
    ]
    if missing:
        raise ValueError(f"the template does not associate: {', '.join(missing)}")
    return rendered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app-dir", type=Path, required=True, help="PyInstaller output folder")
    parser.add_argument("--version", default=None, help="default: app/__init__.py")
    parser.add_argument("--icon", type=Path, default=None, help=".ico, or a .png to convert")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "windows" / "retouchdesk.nsi")
    parser.add_argument("--outfile", type=Path, default=None, help="the installer .exe to write")
    parser.add_argument(
        "--no-check", action="store_true", help="do not require the .exe files (template tests)"
    )
    args = parser.parse_args(argv)

    version = args.version or read_version()
    app_dir = args.app_dir.resolve()
    if not app_dir.is_dir():
        parser.error(f"{app_dir} is not a folder")
    absent = [name for name in REQUIRED_FILES if not (app_dir / name).exists()]
    if absent and not args.no_check:
        parser.error(f"{app_dir} lacks {', '.join(absent)}: is it the Windows PyInstaller output?")
    outfile = (args.outfile or ROOT / "dist" / f"RetouchDesk-{version}-setup.exe").resolve()
    out = args.out.resolve()

    try:
        script = render(
            TEMPLATE.read_text(encoding="utf-8"),
            version=version,
            app_dir=app_dir,
            outfile=outfile,
            icon_block=icon_defines(args.icon.resolve() if args.icon else None, out.parent),
            size_kb=folder_size_kb(app_dir),
        )
    except (KeyError, ValueError) as error:
        parser.error(str(error))
    out.parent.mkdir(parents=True, exist_ok=True)
    # NSIS reads a UTF-8 script reliably only with a byte order mark.
    out.write_text(script, encoding="utf-8-sig")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
