"""Outages: the server goes away mid-batch and comes back; the access token expires mid-batch.

The batch must go on by itself: nobody presses retry. The sandbox is restarted on the same data
folder and the same port, as a server that crashed and was restarted would be; it requeues what
it had in flight (its own resume), and the engine has to reconnect its streams and carry on.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import (
    PRICES,
    assert_books_balance,
    describe,
    engine_for,
    make_images,
    options,
    run,
    server_audit,
    wait_batch,
    wait_for,
    workflow_id,
)

from app.domain.jobs import JobState
from app.sandbox.runner import SandboxConfig, start_sandbox_in_thread

CUTOUT = "Transparent cut-out"
OUTAGE_SECONDS = 2.0  # how long the server stays down: the fault's size, not a synchronisation


@pytest.mark.parametrize(
    "outage", [OUTAGE_SECONDS, pytest.param(30.0, marks=pytest.mark.slow, id="30s")]
)
def test_server_restarted_mid_batch_the_batch_goes_on_by_itself(
    tmp_path: Path, outage: float
) -> None:
    data = tmp_path / "sandbox-data"
    config = SandboxConfig(data_dir=data, workers=2, latency=0.15, auto_approve=True,
                           device_interval=0)  # fmt: skip
    first = start_sandbox_in_thread(config)
    servers = [first]
    n = 14
    src = make_images(tmp_path / "in", n, seed=900)
    out = tmp_path / "out"
    before = first.balance()

    async def go() -> list[Any]:
        async with engine_for(first, tmp_path / "journal.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add([src], options(first, wf, out, layout="folder"))
            engine.start(batch_id)
            await wait_for(
                lambda: sum(j.state is JobState.DONE for j in engine.jobs()) >= 3,
                what="three results saved before the outage",
            )
            assert sum(j.state is JobState.DONE for j in engine.jobs()) < n - 4
            await asyncio.to_thread(first.stop)
            await asyncio.sleep(outage)
            restarted = SandboxConfig(**{**config.__dict__, "port": first.port})
            servers.append(await asyncio.to_thread(start_sandbox_in_thread, restarted))
            await wait_batch(engine, batch_id, timeout=90)
            return engine.jobs()

    try:
        jobs = run(go())
        assert not describe(jobs), describe(jobs)
        assert_books_balance(servers[-1], jobs, out, price=PRICES[CUTOUT], balance_before=before)
        assert servers[-1].execution_count() == n
    finally:
        for server in servers:
            server.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_child(data: Path, port: int, env: dict[str, str]) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "retouchdesk", "sandbox", "--port", str(port), "--data", str(data),
         "--workers", "2", "--latency", "0.2", "--auto-approve", "--device-interval", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True,
        env=env,
    )  # fmt: skip
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("READY "):
            return child
    raise AssertionError(f"sandbox child exited before READY ({child.wait()})")


@pytest.mark.slow
def test_cli_run_survives_a_killed_and_restarted_server(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    """The whole thing as users run it: `retouchdesk process` in one process, the sandbox in
    another, which is SIGKILLed mid-batch and started again on the same port and data."""
    port = _free_port()
    data = tmp_path / "sandbox-data"
    servers = [_start_child(data, port, subprocess_env)]
    url = f"http://127.0.0.1:{port}"
    n = 30
    src = make_images(tmp_path / "in", n, seed=950)
    out = tmp_path / "out"
    cli = [sys.executable, "-m", "retouchdesk", "--server", url]
    try:
        login = subprocess.run([*cli, "login", "--no-browser"], env=subprocess_env,
                               capture_output=True, text=True, timeout=60)  # fmt: skip
        assert login.returncode == 0, login.stderr
        process = subprocess.Popen(
            [*cli, "process", str(src), "-w", CUTOUT, "--out", str(out), "--layout", "folder",
             "--yes", "--json"],
            env=subprocess_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

        async def until_some_saved() -> None:
            await wait_for(lambda: len(list(out.glob("*.png"))) >= 5, timeout=60)

        run(until_some_saved())
        servers[0].send_signal(signal.SIGKILL)
        servers[0].wait()
        run(asyncio.sleep(OUTAGE_SECONDS))
        servers.append(_start_child(data, port, subprocess_env))
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr[-3000:]
    finally:
        for server in servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"img_{i:03d}.png" for i in range(n))
    # Audit what the server stored: open its data folder again, in this process.
    audit_server = start_sandbox_in_thread(SandboxConfig(data_dir=data))
    try:
        audit = server_audit(audit_server)
        assert len(audit.executions) == n and max(audit.per_input().values()) == 1
        assert len(audit.completed()) == n
        assert audit.charged == n * PRICES[CUTOUT]
    finally:
        audit_server.stop()


def test_token_expiring_mid_batch_is_refreshed_and_no_job_fails(
    sandbox_factory: Any, tmp_path: Path
) -> None:
    sandbox = sandbox_factory(token_ttl=1, workers=2, latency=0.25)
    n = 24  # 24 x 0.25 s / 2 workers: at least 3 s, three lifetimes of the token
    src = make_images(tmp_path / "in", n, seed=700)
    out = tmp_path / "out"
    before = sandbox.balance()

    async def go() -> tuple[list[Any], int, float]:
        async with engine_for(sandbox, tmp_path / "journal.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add([src], options(sandbox, wf, out, layout="folder"))
            loop = asyncio.get_running_loop()
            started = loop.time()
            engine.start(batch_id)
            await wait_batch(engine, batch_id, timeout=90)
            return engine.jobs(), session.tokens.refresh_count, loop.time() - started

    jobs, refreshes, elapsed = run(go())
    assert elapsed > 2.5, "the batch was too short for the token to expire during it"
    assert refreshes >= 2, refreshes
    assert not describe(jobs), describe(jobs)
    assert_books_balance(sandbox, jobs, out, price=PRICES[CUTOUT], balance_before=before)
