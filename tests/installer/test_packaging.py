"""What pip installs: the packages, the resources mapped into them, the entry point, the
dependencies. Read from pyproject.toml and checked against the tree and the installed package."""

from __future__ import annotations

import fnmatch
import glob
import re
import runpy
import subprocess
import sys
import tomllib
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _packages_on_disk() -> set[str]:
    found = set()
    for top in ("app", "ui", "retouchdesk"):
        for init in (ROOT / top).rglob("__init__.py"):
            if "__pycache__" not in init.parts:
                found.add(".".join(init.parent.relative_to(ROOT).parts))
    return found


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_every_package_on_disk_is_installed_and_resources_under_its_package_name() -> None:
    setup_py = runpy.run_path(str(ROOT / "setup.py"), run_name="packaging_test")
    installed = set(setup_py["packages"]())
    assert _packages_on_disk() <= installed
    assert {"retouchdesk_resources", "retouchdesk_resources.icons"} <= installed
    assert setup_py["PACKAGE_DIR"] == {"retouchdesk_resources": "resources"}
    assert not any("__pycache__" in name for name in installed)


def test_every_resource_file_is_package_data() -> None:
    # Matched as setuptools matches package data: recursive globs, then the exclusions.
    tool = PYPROJECT["tool"]["setuptools"]
    resources = ROOT / "resources"
    shipped = {
        Path(match).as_posix()
        for pattern in tool["package-data"]["retouchdesk_resources"]
        for match in glob.glob(pattern, root_dir=resources, recursive=True)
        if (resources / match).is_file()
        and not any(
            fnmatch.fnmatch(match, p) for p in tool["exclude-package-data"]["retouchdesk_resources"]
        )
    }
    files = {
        path.relative_to(resources).as_posix()
        for path in resources.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    data = {f for f in files if not f.endswith((".py", ".md"))}
    assert "retouchdesk.desktop" in data and "icons/app.svg" in data
    assert data - shipped == set()  # every resource reaches the wheel
    assert {f for f in shipped if f.endswith(".md")} == set()  # notes for people stay behind


def test_installed_resources_are_the_source_folder() -> None:
    # The editable install maps retouchdesk_resources onto resources/: the window reads the
    # files developers edit, and nothing is copied that could go stale.
    installed = files("retouchdesk_resources")
    assert Path(str(installed)).resolve() == (ROOT / "resources").resolve()
    assert installed.joinpath("icons", "status-done.svg").is_file()
    assert "[Desktop Entry]" in installed.joinpath("retouchdesk.desktop").read_text("utf-8")


def test_the_console_script_is_the_composition_root() -> None:
    assert PYPROJECT["project"]["scripts"] == {"retouchdesk": "retouchdesk.entry:main"}
    script = Path(sys.executable).with_name("retouchdesk")
    result = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    import app

    assert (result.returncode, result.stdout.strip()) == (0, f"retouchdesk {app.__version__}")


def test_test_tools_are_not_runtime_dependencies() -> None:
    runtime = _requirement_names(PYPROJECT["project"]["dependencies"])
    test_extra = _requirement_names(PYPROJECT["project"]["optional-dependencies"]["test"])
    # keyrings.alt only gives child processes of the tests a file keyring (tests/conftest.py);
    # the app refuses its plaintext backends unless a user names one.
    assert "keyrings.alt" in test_extra
    for tool in ("keyrings.alt", "pytest", "pytest-qt", "ruff", "mypy", "pyyaml", "pyinstaller"):
        assert tool not in runtime, tool
