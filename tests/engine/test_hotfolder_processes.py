"""Two `retouchdesk watch` processes on one folder, as a studio runs them on two machines: each
has its own home (journal, keyring), they share only the folder. Forty files are dropped in
bursts while one watcher is killed (SIGKILL, with executions of its own in flight) and started
again: every file is processed exactly once between them, every result is there once, and no
execution is created twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from corpus import make_image

CLI = [sys.executable, "-m", "retouchdesk"]
N_FILES = 40
BURSTS = 4


def _env(home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        RETOUCHDESK_HOME=str(home),
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        XDG_DATA_HOME=str(home / "xdg-data"),
        PYTHONUNBUFFERED="1",
    )
    return env


def _files(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _until(condition: Any, timeout: float, what: str, watchers: list[Watcher]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for w in watchers:
            assert w.proc.poll() is None, f"a watcher exited early: {w.log.read_text()}"
        if time.monotonic() > deadline:
            hot = watchers[0].hot
            left = [p for p in _files(hot) if not p.startswith("done/")]
            left += [r.read_text() for r in (hot / ".processing").glob("*/.claim/*.json")]
            logs = "".join(w.log.read_text() for w in watchers)
            raise AssertionError(f"{what}; not done: {left}\n{logs}")
        time.sleep(0.05)  # polling the shared folder, which the children change


class Watcher:
    def __init__(
        self, sandbox: Any, home: Path, hot: Path, out: Path, log: Path, *, start: bool = True
    ) -> None:
        self.env = _env(home)
        self.args = [*CLI, "--server", sandbox.base_url, "-v", "watch", str(hot), "-w", "cut-out",
                     "--out", str(out), "--settle", "0.2", "--stale-after", "3"]  # fmt: skip
        self.log = log
        self.hot = hot
        login = subprocess.run(
            [*CLI, "--server", sandbox.base_url, "login", "--no-browser"],
            env=self.env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert login.returncode == 0, login.stderr
        if start:
            self.start()

    def start(self) -> subprocess.Popen[str]:
        out = self.log.open("a")
        self.proc = subprocess.Popen(
            self.args, env=self.env, stdout=out, stderr=subprocess.STDOUT, text=True,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        out.close()
        return self.proc

    def owner_prefix(self) -> str:
        return f"~{self.proc.pid}~"

    def stop(self) -> None:
        if hasattr(self, "proc") and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                raise AssertionError(
                    f"a watcher did not stop on Ctrl-C: {self.log.read_text()}"
                ) from None


def _recorded_executions(processing: Path, owner_prefix: str) -> int:
    count = 0
    for record in processing.glob("*--*/.claim/*.json"):
        if owner_prefix in record.parent.parent.name:
            try:
                count += bool(json.loads(record.read_text()).get("execution_id"))
            except (OSError, ValueError):
                continue  # being replaced right now
    return count


def _executions_by_input(sandbox: Any) -> Counter[str]:
    headers = {"Authorization": f"Bearer {sandbox.issue_access_token()}"}
    names: Counter[str] = Counter()
    offset = 0
    while True:
        page = httpx.get(
            f"{sandbox.base_url}/v2/workflow/execution/",
            params={"organization": sandbox.org_id, "limit": 50, "offset": offset},
            headers=headers,
        ).json()
        names.update(e["inputFileName"] for e in page["entries"])
        offset += len(page["entries"])
        if not page["entries"] or offset >= page["total"]:
            return names


def test_two_watch_processes_one_killed_and_restarted_process_each_file_once(
    sandbox_factory: Any, tmp_path: Path
) -> None:
    # Each execution holds a server slot for 0.4 s: the killed watcher has some in flight.
    sandbox = sandbox_factory(latency=0.4, workers=4)
    hot, out = tmp_path / "share" / "incoming", tmp_path / "share" / "results"
    hot.mkdir(parents=True)
    names = [f"set{i % 4}/shot{i:02d}.jpg" for i in range(N_FILES)]
    staging = tmp_path / "staging"
    for i, name in enumerate(names):
        make_image(staging / name, seed=500 + i)
    per_burst = N_FILES // BURSTS
    processing = hot / ".processing"

    def drop(burst: int) -> None:
        for name in names[burst * per_burst : (burst + 1) * per_burst]:
            (hot / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).rename(hot / name)  # a copy tool's final rename

    def incoming() -> list[str]:
        return [p for p in _files(hot) if not p.startswith(("done/", ".processing/"))]

    # A starts alone and claims the first burst; then B joins, and the rest is shared.
    a = Watcher(sandbox, tmp_path / "machine-a", hot, out, tmp_path / "a.log")
    b = Watcher(sandbox, tmp_path / "machine-b", hot, out, tmp_path / "b.log", start=False)
    try:
        drop(0)
        _until(lambda: not incoming(), 60, "A claimed nothing", [a])
        b.start()
        drop(1)
        # Killed while executions it created are in its claims, and started again at once.
        _until(
            lambda: _recorded_executions(processing, a.owner_prefix()) >= 1,
            60, "watcher A never had executions in flight", [a, b],
        )  # fmt: skip
        a.proc.kill()
        a.proc.wait(10)
        a.start()
        for burst in range(2, BURSTS):
            time.sleep(0.3)  # the bursts' pace, not a synchronisation
            drop(burst)
        _until(lambda: len(_files(hot / "done")) == N_FILES, 90,
               "not every original reached done/", [a, b])  # fmt: skip
    finally:
        for watcher in (a, b):
            watcher.stop()
    logs = (tmp_path / "a.log").read_text() + (tmp_path / "b.log").read_text()
    assert _files(hot / "done") == sorted(names), logs
    assert _files(hot / "failed") == [], logs
    assert [p for p in _files(hot) if not p.startswith("done/")] == [], logs
    assert _files(out) == sorted(n.replace(".jpg", ".png") for n in names), logs
    by_input = _executions_by_input(sandbox)
    assert sandbox.execution_count() == N_FILES, by_input
    assert sorted(by_input) == sorted(Path(n).name for n in names)
    assert set(by_input.values()) == {1}, [n for n, c in by_input.items() if c > 1]


def test_watch_workflow_folders_with_one_workflow_is_a_usage_error(
    sandbox: Any, tmp_path: Path
) -> None:
    env = _env(tmp_path / "machine")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CLI, "--server", sandbox.base_url, *args], env=env, capture_output=True,
            text=True, timeout=60, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    assert cli("login", "--no-browser").returncode == 0
    hot = tmp_path / "incoming"
    hot.mkdir()
    both = cli("watch", str(hot), "--workflow-folders", "-w", "cut-out")
    assert both.returncode == 2 and "drop --workflow" in both.stderr
