"""`retouchdesk`, killed with SIGKILL when a job reaches a chosen checkpoint: a power cut of the
process at a moment picked exactly, for the kill -9 and resume tests.

    python tests/support/crashing_cli.py --crash-at after_create:3 [retouchdesk arguments...]

`after_create:3` kills at the third arrival at `after_create` (`after_create` alone: the first).
The hook is installed here, in test code, and then the real entry point runs: the shipped app
has no way to install it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Sequence

from app.engine import checkpoints
from retouchdesk.entry import main as retouchdesk_main


def parse_crash_at(spec: str) -> tuple[str, int]:
    stage, _, nth = spec.partition(":")
    if stage not in checkpoints.STAGES:
        raise SystemExit(f"--crash-at: unknown stage {stage!r}; one of {checkpoints.STAGES}")
    if nth and not (nth.isdigit() and int(nth) >= 1):
        raise SystemExit(f"--crash-at: {nth!r} is not a count from 1")
    return stage, int(nth or "1")


def kill_at(stage: str, nth: int) -> checkpoints.Hook:
    arrivals = 0
    lock = threading.Lock()  # checkpoints may be passed from worker threads

    def hook(reached: str) -> None:
        nonlocal arrivals
        if reached != stage:
            return
        with lock:
            arrivals += 1
            due = arrivals >= nth
        if due:
            # No cleanup, no flush: exactly what a power cut leaves behind.
            os.kill(os.getpid(), signal.SIGKILL)

    return hook


def main(argv: Sequence[str]) -> int:
    args = list(argv)
    if len(args) < 2 or args[0] != "--crash-at":
        raise SystemExit("usage: crashing_cli.py --crash-at STAGE[:N] [retouchdesk arguments...]")
    checkpoints.install(kill_at(*parse_crash_at(args[1])))
    return retouchdesk_main(args[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
