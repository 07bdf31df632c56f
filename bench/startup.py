"""Start-up: from launching `retouchdesk` (from source) to its main window being shown.

The window prints `WINDOW_SHOWN <unix time>` when `RETOUCHDESK_STARTUP_PROBE` is set (ui/main.py,
right after `window.show()`); the launch time is taken just before the process is spawned, so
the figure includes the interpreter, imports, QApplication and the window. Runs offscreen
(`QT_QPA_PLATFORM=offscreen`) with a fresh home each time (no settings, an empty journal), and
points the window at a sandbox started here, so that it spawns no server of its own.
Median of 5 (goal: at most 1 s).

    .venv/bin/python -m bench.startup [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import CLI, OUT, REPO, cli_env, sandbox_process

GOAL_SECONDS = 1.0
TIMEOUT = 60.0


def launch_once(home: Path, server_url: str) -> float:
    env = cli_env(home)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["RETOUCHDESK_STARTUP_PROBE"] = "1"
    started = time.time()
    process = subprocess.Popen(
        [*CLI, "--server", server_url],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
        start_new_session=True,  # one group: whatever it starts is stopped with it
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + TIMEOUT
        for line in process.stdout:
            if line.startswith("WINDOW_SHOWN "):
                return float(line.split()[1]) - started
            if time.monotonic() > deadline:
                break
        raise RuntimeError(f"the window never reported being shown (exit {process.poll()})")
    finally:
        with_group = os.getpgid(process.pid) if process.poll() is None else None
        if with_group is not None:
            os.killpg(with_group, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    times: list[float] = []
    with (
        tempfile.TemporaryDirectory(prefix="startup-", dir=OUT) as tmp,
        sandbox_process(Path(tmp) / "sandbox", "--auto-approve", background=True) as sandbox,
    ):
        launch_once(Path(tmp) / "warm-up", sandbox.url)  # fills the OS file cache once
        for run in range(args.runs):
            seconds = launch_once(Path(tmp) / f"home-{run}", sandbox.url)
            times.append(seconds)
            print(f"run {run + 1}: window shown {seconds:.3f} s after launch")
    median = statistics.median(times)
    verdict = "met" if median <= GOAL_SECONDS else "NOT met"
    print(
        f"start-up (launch to window shown, offscreen, from source): median {median:.3f} s "
        f"of {args.runs}, min {min(times):.3f}, max {max(times):.3f} "
        f"(goal <= {GOAL_SECONDS:.0f} s: {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
