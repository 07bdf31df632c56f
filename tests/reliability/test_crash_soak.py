"""kill -9 from outside, again and again, at moments nobody chose: then resume to the end.

tests/engine kills the CLI once at each named stage through the crash hook. This soak kills
`retouchdesk process`, then each `retouchdesk resume`, with SIGKILL after a seeded pseudo-random
delay, several times in a row, under server faults. Whatever moment each kill hit, the end
state must be the same: every image saved exactly once, one execution per image on the server,
each charged once, nothing half-written left behind.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import PART_SUFFIX, PRICES, make_images, server_audit

CLI = [sys.executable, "-m", "retouchdesk"]
CUTOUT = "Transparent cut-out"


@pytest.mark.slow
def test_repeated_kill_9_then_resume_ends_with_one_execution_per_image(
    sandbox_factory: Any, tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    # Slow enough (40 x 0.2 s / 2 workers) that the batch outlives several kills however fast
    # the client starts: the point is to kill it often, at moments nobody chose.
    sandbox = sandbox_factory(workers=2, latency=0.2, faults="http503=0.05,sse_cut=0.2", seed=9)
    n = 40
    src = make_images(tmp_path / "in", n, seed=3000)
    out = tmp_path / "out"
    before = sandbox.balance()
    server = ["--server", sandbox.base_url]
    login = subprocess.run([*CLI, *server, "login", "--no-browser"], env=subprocess_env,
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert login.returncode == 0, login.stderr
    rng = random.Random(42)
    first = [*CLI, *server, "process", str(src), "-w", CUTOUT, "--out", str(out),
             "--layout", "folder", "--yes"]  # fmt: skip
    kills = 0
    for attempt in range(8):
        command = first if attempt == 0 else [*CLI, *server, "resume"]
        child = subprocess.Popen(command, env=subprocess_env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)  # fmt: skip
        # How long it lives is the fault being injected, not a synchronisation.
        time.sleep(rng.uniform(0.4, 1.6))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait(timeout=30)
    assert kills >= 4, "the batch finished before it could be killed often enough"

    final = subprocess.run([*CLI, *server, "resume"], env=subprocess_env, capture_output=True,
                           text=True, timeout=180)  # fmt: skip
    assert final.returncode == 0, final.stderr[-3000:]
    again = subprocess.run([*CLI, *server, "resume"], env=subprocess_env, capture_output=True,
                           text=True, timeout=60)  # fmt: skip
    assert "Nothing to resume" in again.stdout

    assert sorted(p.name for p in out.iterdir()) == sorted(f"img_{i:03d}.png" for i in range(n))
    assert not list(out.rglob(f"*{PART_SUFFIX}*"))
    audit = server_audit(sandbox)
    assert len(audit.executions) == n, len(audit.executions)
    assert max(audit.per_input().values()) == 1
    assert len(audit.completed()) == n
    assert audit.charged == n * PRICES[CUTOUT] == before - sandbox.balance()
