"""The real `retouchdesk` window process: starts its sandbox child, queues the paths it was
given, and on SIGTERM quits cleanly without leaving the sandbox behind."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
from gui_helpers import SAMPLES


def test_window_process_queues_paths_and_quits_cleanly_on_sigterm(
    subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    images = tmp_path / "in"
    images.mkdir()
    for name in ("rocket.jpg", "coffee.png"):
        shutil.copy(SAMPLES / name, images / name)
    env = dict(subprocess_env, QT_QPA_PLATFORM="offscreen", RETOUCHDESK_STARTUP_PROBE="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "retouchdesk", str(images)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        deadline = time.monotonic() + 60
        for line in process.stdout:
            lines.append(line.strip())
            if line.startswith("WORKSPACE_READY") or time.monotonic() > deadline:
                break
        assert lines[0].startswith("WINDOW_SHOWN")  # shown before anything slow happens
        assert lines[-1] == "WORKSPACE_READY 2"  # both paths from the command line queued
        children = psutil.Process(process.pid).children(recursive=True)
        assert children  # the sandbox child process
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        _gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, f"left running: {alive}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
