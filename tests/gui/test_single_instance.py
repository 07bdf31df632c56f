"""Files opened while the app runs go to the running window: a second launch hands its paths
over and exits; macOS's open event lands in the same place; a crashed instance's socket does
not stop the next launch."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from gui_helpers import SAMPLES
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QFileOpenEvent

from ui.single_instance import FileOpenEvents, InstanceServer, server_name

HAND_OVER = """
import sys
from PySide6.QtCore import QCoreApplication
from ui.single_instance import hand_over
app = QCoreApplication([])
print(hand_over(sys.argv[2:], sys.argv[1]))
"""


def test_a_second_launch_hands_its_paths_to_the_first(
    qapp: Any, qtbot: Any, tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    # The second launch is another process, blocked on its socket while the first answers
    # from its event loop (as in real life: in one process the two would share the GIL).
    def second_launch(*paths: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", HAND_OVER, name, *paths],
            env=subprocess_env, stdout=subprocess.PIPE, text=True, cwd=tmp_path,
        )  # fmt: skip

    name = server_name(tmp_path)
    nobody = second_launch("/nowhere.jpg")
    assert nobody.communicate(timeout=30)[0].strip() == "False"  # nobody is listening yet
    server = InstanceServer(name)
    assert server.listen()
    received: list[list[str]] = []
    server.pathsReceived.connect(received.append)
    launch = second_launch("a.jpg", "/b/c.png")
    qtbot.waitUntil(lambda: launch.poll() is not None, timeout=30_000)
    assert launch.communicate()[0].strip() == "True"
    assert received == [[str(tmp_path / "a.jpg"), "/b/c.png"]]  # made absolute where launched
    server.close()


def test_profiles_do_not_share_a_socket(tmp_path: Path) -> None:
    assert server_name(tmp_path / "one") != server_name(tmp_path / "two")
    assert len(server_name(tmp_path / ("x" * 200))) < 40  # fits a Unix socket path anywhere


def test_macos_open_events_are_taken_as_opened_files(qapp: Any) -> None:
    events = FileOpenEvents()
    received: list[list[str]] = []
    events.pathsReceived.connect(received.append)
    qapp.installEventFilter(events)
    try:
        QCoreApplication.sendEvent(qapp, QFileOpenEvent("/photos/shoe.jpg"))
        QCoreApplication.sendEvent(qapp, QFileOpenEvent(QUrl.fromLocalFile("/photos/bag.png")))
    finally:
        qapp.removeEventFilter(events)
    assert received == [["/photos/shoe.jpg"], ["/photos/bag.png"]]


def _launch(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "retouchdesk", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # one group: the window and its sandbox child
    )


def _until_ready(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("WORKSPACE_READY"):
            return
    raise AssertionError(f"the window exited first: {process.wait()} {process.stderr.read()}")


def _queued_files(env: dict[str, str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "retouchdesk", "history", "--json"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return sorted(Path(job["input_path"]).name for job in json.loads(result.stdout))


def test_the_real_app_takes_files_from_a_second_launch_and_survives_a_crash(
    subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    photo = tmp_path / "in" / "rocket.jpg"
    photo.parent.mkdir()
    shutil.copy(SAMPLES / "rocket.jpg", photo)
    env = dict(subprocess_env, QT_QPA_PLATFORM="offscreen", RETOUCHDESK_STARTUP_PROBE="1")
    first = _launch(env)
    later: subprocess.Popen[str] | None = None
    try:
        _until_ready(first)
        second = subprocess.run(
            [sys.executable, "-m", "retouchdesk", str(photo)],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert "WINDOW_SHOWN" not in second.stdout  # no second window
        deadline = time.monotonic() + 30
        while _queued_files(env) != ["rocket.jpg"]:
            assert time.monotonic() < deadline, "the running window never queued the file"
            time.sleep(0.2)

        # A crash leaves the socket file behind: the next launch must still open a window.
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        later = _launch(env)
        _until_ready(later)
        later.send_signal(signal.SIGTERM)
        assert later.wait(timeout=30) == 0
    finally:
        for process in (first, later):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
