"""Test set-up shared by every suite.

- Qt runs offscreen, and Qt warnings fail a test (pytest ini: qt_log_level_fail).
- Every test gets its own RETOUCHDESK_HOME, so journal, settings and logs are real files in a
  temporary folder and no test sees another's leftovers.
- A real in-memory keyring backend is registered for in-process code; subprocesses get the
  keyrings.alt file backend inside their temporary home (see `subprocess_env`).
- `sandbox_factory` starts the real sandbox server in-process on an ephemeral loopback port;
  `--sandbox-dialect` makes every one of them speak an API variant (`make dialects`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never let a developer's environment leak into the tests.
for _name in (
    "AUTORETOUCH_REFRESH_TOKEN",
    "AUTORETOUCH_ORGANIZATION_ID",
    "AUTORETOUCH_WORKFLOW_ID",
    "RETOUCHDESK_SERVER",
):
    os.environ.pop(_name, None)

sys.path.insert(0, str(Path(__file__).parent))
from keyring_memory import MemoryKeyring  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "app" / "sandbox" / "samples"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("RETOUCHDESK_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def subprocess_env(isolated_home: Path) -> dict[str, str]:
    """Environment for a `retouchdesk` child process: same home, a real file keyring."""
    env = dict(os.environ)
    env["RETOUCHDESK_HOME"] = str(isolated_home)
    env["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    env["XDG_DATA_HOME"] = str(isolated_home / "xdg-data")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sandbox-dialect",
        default=os.environ.get("RETOUCHDESK_TEST_SANDBOX_DIALECT", ""),
        help="every sandbox the tests start speaks this dialect (e.g. sse-spaced or all; "
        "see `retouchdesk sandbox --dialect`); default $RETOUCHDESK_TEST_SANDBOX_DIALECT",
    )


@pytest.fixture
def sandbox_factory(tmp_path: Path, pytestconfig: pytest.Config) -> Iterator[Callable[..., Any]]:
    """Start sandboxes with any SandboxConfig fields; all are stopped after the test."""
    from app.sandbox.runner import SandboxConfig, start_sandbox_in_thread

    started: list[Any] = []
    dialect = str(pytestconfig.getoption("sandbox_dialect"))

    def start(**overrides: Any) -> Any:
        fields: dict[str, Any] = {
            "data_dir": tmp_path / f"sandbox-{len(started)}",
            "port": 0,
            "auto_approve": True,
            "device_interval": 0,
            "qa_seconds": 0.5,
            "dialect": dialect,
        }
        fields.update(overrides)
        sandbox = start_sandbox_in_thread(SandboxConfig(**fields))
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in reversed(started):
        sandbox.stop()


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., Any]) -> Any:
    return sandbox_factory()
