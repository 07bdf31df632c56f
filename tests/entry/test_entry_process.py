"""`retouchdesk` as a user runs it: real processes, the real sandbox over loopback, a file
keyring in a temporary home. Subcommands and refusals never load Qt; the old crash switch in
the environment does nothing; `watch watch` watches a folder named `watch`."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

CLI = [sys.executable, "-m", "retouchdesk"]
SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"
QT_MODULES = ("PySide6", "shiboken6", "qasync", "ui")


def _run(
    env: dict[str, str], *args: str, cwd: Path | None = None, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def _imported(importtime_stderr: str) -> set[str]:
    # -X importtime writes "import time: <self> | <cumulative> | <indented module name>".
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


def _loaded_qt(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in QT_MODULES}


@pytest.fixture
def signed_in(sandbox: Any, subprocess_env: dict[str, str]) -> list[str]:
    """The global options that reach the test's sandbox, with a saved sign-in."""
    server = ["--server", sandbox.base_url]
    login = _run(subprocess_env, *server, "login", "--no-browser")
    assert login.returncode == 0, login.stderr
    return server


def test_a_subcommand_never_imports_qt(subprocess_env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "retouchdesk", "history", "--json"],
        env=subprocess_env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
    modules = _imported(result.stderr)
    assert "app.cli.process_cmd" in modules  # the probe sees our own modules...
    assert _loaded_qt(modules) == set()  # ...and none of Qt's


def test_a_mistyped_command_is_refused_with_the_closest_name_without_qt(
    subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    # No display and a platform that needs one: starting Qt here would abort, not answer.
    env = {k: v for k, v in subprocess_env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "retouchdesk", "histroy", "--limit", "3"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    said = [line for line in result.stderr.splitlines() if not line.startswith("import time:")]
    assert said == ["retouchdesk: unknown command 'histroy'; did you mean 'history'?"]
    assert result.stdout == ""
    assert _loaded_qt(_imported(result.stderr)) == set()


def test_the_shipped_entry_point_ignores_the_old_crash_switch(
    signed_in: list[str], subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    photo = tmp_path / "in" / "rocket.jpg"
    photo.parent.mkdir()
    shutil.copy(SAMPLES / "rocket.jpg", photo)
    out = tmp_path / "out"
    env = dict(subprocess_env, RETOUCHDESK_TEST_CRASH_AT="hashing")  # killed here, once
    result = _run(env, *signed_in, "process", str(photo), "-w", "cut-out", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in out.rglob("*.png")] == ["rocket.png"]


def test_watch_watch_watches_a_folder_named_watch(
    signed_in: list[str], subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    watched = tmp_path / "watch"
    watched.mkdir()
    out = tmp_path / "results"
    command = [*CLI, *signed_in, "watch", "watch", "-w", "cut-out", "--out", str(out),
               "--interval", "0.2"]  # fmt: skip
    with subprocess.Popen(
        command, env=subprocess_env, cwd=tmp_path, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    ) as watcher:  # fmt: skip
        try:
            assert watcher.stdout is not None
            first = watcher.stdout.readline()
            assert first.startswith(f"Watching {watched} -> {out}"), first
            shutil.copy(SAMPLES / "rocket.jpg", watched / "rocket.jpg")
            deadline = time.monotonic() + 60
            while not list(out.rglob("rocket.png")):
                assert watcher.poll() is None, watcher.stderr.read() if watcher.stderr else ""
                assert time.monotonic() < deadline, "the dropped image was never processed"
                time.sleep(0.1)
        finally:
            watcher.send_signal(signal.SIGINT)
            watcher.wait(timeout=30)
