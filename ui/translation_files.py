"""Where the compiled translations (.qm) come from: shipped beside their source, or compiled
from it once into the cache.

The Qt Linguist sources (`retouchdesk_<lang>.ts`) are what the repository and every install
carry; the compiled `.qm` is build output and never committed. The installer compiles them
while it builds (installer/retouchdesk.spec runs `python -m ui.translation_files --into DIR`
and bundles the result), so a frozen app, which has no lrelease, finds a `.qm` beside each
`.ts`. A source tree or a pip install (editable or
not) has only the `.ts`: the first start in that language compiles it with PySide6's
`lrelease` into the cache folder, under a name made from the source's content, so an edited
`.ts` is compiled again and an unchanged one never is (about 30 ms, once).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.resources import as_file, files
from pathlib import Path

logger = logging.getLogger(__name__)

RESOURCES = "retouchdesk_resources"  # resources/ as installed (see resources/__init__.py)
PREFIX = "retouchdesk_"
LRELEASE_SECONDS = 60.0


class CompileError(RuntimeError):
    """lrelease is missing or refused the source."""


def source_folder() -> Path:
    """resources/translations as a real folder (source tree, site-packages or bundle)."""
    with as_file(files(RESOURCES).joinpath("translations")) as path:
        return Path(path)


def languages(folder: Path | None = None) -> list[str]:
    """The languages with a source: ['de', 'en'] for retouchdesk_de.ts and retouchdesk_en.ts."""
    folder = source_folder() if folder is None else folder
    return sorted(p.stem.removeprefix(PREFIX) for p in folder.glob(f"{PREFIX}*.ts"))


def lrelease_command() -> list[str]:
    """PySide6's lrelease: its console script beside this interpreter, else on PATH."""
    beside = Path(sys.executable).with_name("pyside6-lrelease")
    for candidate in (beside, beside.with_suffix(".exe")):
        if candidate.is_file():
            return [str(candidate)]
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if found:
        return [found]
    raise CompileError("pyside6-lrelease not found (it comes with PySide6)")


def compile_ts(source: Path, target: Path) -> Path:
    """Compile `source` into `target`, atomically: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial_name = tempfile.mkstemp(prefix=target.stem, suffix=".qm.part", dir=target.parent)
    os.close(fd)
    partial = Path(partial_name)
    try:
        done = subprocess.run(
            [*lrelease_command(), "-silent", str(source), "-qm", str(partial)],
            capture_output=True,
            text=True,
            timeout=LRELEASE_SECONDS,
            check=False,
        )
        if done.returncode != 0 or partial.stat().st_size == 0:
            raise CompileError(f"lrelease failed on {source.name}: {done.stderr.strip()}")
        partial.chmod(0o644)  # mkstemp's 0600 would travel into an installer's bundle
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def cached_name(source: Path) -> str:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    return f"{source.stem}-{digest}.qm"


def compiled(language: str, cache: Path | None = None) -> Path | None:
    """The `.qm` for `language`, compiling it into `cache` when no fresh one ships; None when
    there is no source for it or it cannot be compiled (logged: the window stays English)."""
    folder = source_folder()
    source = folder / f"{PREFIX}{language}.ts"
    if not source.is_file():
        return None
    shipped = source.with_suffix(".qm")
    if shipped.is_file():  # an installer's build: compiled from this very source
        return shipped
    if cache is None:
        from app.store.paths import cache_dir

        cache = cache_dir() / "translations"
    target = cache / cached_name(source)
    if target.is_file():
        return target
    try:
        return compile_ts(source, target)
    except (CompileError, OSError, subprocess.SubprocessError):
        logger.warning("cannot compile the %s translation", language, exc_info=True)
        return None


def main(argv: list[str] | None = None) -> int:
    """`python -m ui.translation_files --into DIR`: every source compiled into DIR (the
    installer's build step)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--into", type=Path, required=True)
    options = parser.parse_args(argv)
    folder = source_folder()
    for language in languages(folder):
        source = folder / f"{PREFIX}{language}.ts"
        compile_ts(source, options.into / f"{PREFIX}{language}.qm")
        print(f"compiled {source.name}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
