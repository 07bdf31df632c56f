"""Bring the Qt Linguist sources up to date with the code: `make translations`.

    .venv/bin/python tools/update_translations.py [--check]

Runs PySide6's lupdate over ui/ and over the core's modules that mark labels with
`QT_TRANSLATE_NOOP`, into resources/translations/retouchdesk_de.ts (every message) and
retouchdesk_en.ts (only the messages with plural forms: English's "1 image" / "2 images").
New messages arrive unfinished for a translator; messages the code no longer has are dropped.
Locations are not stored, so a line moved in the code does not change the sources.

--check writes nothing and exits 1 when the sources lack a message the code has or hold one it
no longer has (tests/gui/test_translations.py runs the same comparison).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
# (language, only plural forms)
TARGETS = (("de", False), ("en", True))


def lupdate_command() -> list[str]:
    beside = Path(sys.executable).with_name("pyside6-lupdate")
    found = str(beside) if beside.is_file() else shutil.which("pyside6-lupdate")
    if not found:
        raise SystemExit("pyside6-lupdate not found (it comes with PySide6)")
    return [found]


def sources(root: Path = ROOT) -> list[Path]:
    """Every Python file under ui/, and the core's files that mark labels for translation."""
    found = sorted(p for p in (root / "ui").rglob("*.py") if "__pycache__" not in p.parts)
    found += sorted(
        p
        for p in (root / "app").rglob("*.py")
        if "__pycache__" not in p.parts and "QT_TRANSLATE_NOOP(" in p.read_text(encoding="utf-8")
    )
    return found


def run_lupdate(target: Path, language: str, plural_only: bool, root: Path = ROOT) -> None:
    """lupdate into `target` (created when missing, merged when it exists)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lst", delete=False) as listing:
        listing.write("\n".join(str(p) for p in sources(root)))
    try:
        command = [
            *lupdate_command(),
            "-silent",
            "-no-obsolete",
            "-locations",
            "none",
            "-source-language",
            "en",
            "-target-language",
            language,
            *(["-pluralonly"] if plural_only else []),
            f"@{listing.name}",
            "-ts",
            str(target),
        ]
        subprocess.run(command, check=True, capture_output=True, text=True)
    finally:
        Path(listing.name).unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Update the .ts sources from the code.")
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    options = parser.parse_args(argv)
    stale = False
    for language, plural_only in TARGETS:
        target = TRANSLATIONS / f"retouchdesk_{language}.ts"
        if not options.check:
            run_lupdate(target, language, plural_only)
            print(f"updated {target.relative_to(ROOT)}")  # noqa: T201
            continue
        with tempfile.TemporaryDirectory() as scratch:
            fresh = Path(scratch) / target.name
            if target.exists():
                shutil.copy(target, fresh)
            run_lupdate(fresh, language, plural_only)
            if not target.exists() or fresh.read_bytes() != target.read_bytes():
                print(f"{target.relative_to(ROOT)} is not up to date: run make translations")  # noqa: T201
                stale = True
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
