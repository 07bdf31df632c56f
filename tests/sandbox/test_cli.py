"""`retouchdesk sandbox` as a user (or a parent process) runs it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from .helpers import sign_in


def test_ready_line_serves_and_sigterm_stops_cleanly(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    data_dir = tmp_path / "cli-data"
    command = [sys.executable, "-m", "retouchdesk", "sandbox", "--port", "0",
               "--data", str(data_dir), "--auto-approve", "--device-interval", "0",
               "--credits", "123"]  # fmt: skip
    with subprocess.Popen(
        command, env=subprocess_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None and process.stderr is not None
            ready = process.stdout.readline().strip()
            assert ready.startswith("READY http://127.0.0.1:"), ready
            base_url = ready.removeprefix("READY ")
            human = process.stdout.readline()
            assert base_url in human
            assert httpx.get(f"{base_url}/health").status_code == 200
            tokens = sign_in(base_url)
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            balance = httpx.get(f"{base_url}/v1/organization/balance", headers=headers)
            assert balance.text == "123"
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0
            assert "Traceback" not in process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
    assert (data_dir / "sandbox.sqlite3").is_file()


def test_credits_add_offline(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    data_dir = tmp_path / "offline"
    for expected in ("5010", "5030"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "retouchdesk",
                "sandbox",
                "credits",
                "add",
                "10" if expected == "5010" else "20",
                "--data",
                str(data_dir),
            ],
            env=subprocess_env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert f"balance is now {expected}" in done.stdout


def test_bad_fault_spec_is_a_usage_error(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "retouchdesk",
            "sandbox",
            "--port",
            "0",
            "--data",
            str(tmp_path),
            "--faults",
            "gremlins=1",
        ],
        env=subprocess_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "gremlins" in done.stderr


def test_background_sandbox_yields_the_cpu_in_every_thread(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    # The window starts its sandbox with --background: the renderers (threads) must run at
    # the lowered priority too, which on Linux means every thread, not just the first.
    import os

    import psutil
    import pytest

    if not hasattr(os, "nice"):
        pytest.skip("POSIX nice values; Windows uses a priority class")
    command = [sys.executable, "-m", "retouchdesk", "sandbox", "--port", "0", "--data",
               str(tmp_path / "bg"), "--background", "--workers", "2"]  # fmt: skip
    with subprocess.Popen(
        command, env=subprocess_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            assert process.stdout.readline().startswith("READY ")
            own = os.getpriority(os.PRIO_PROCESS, 0)
            threads = psutil.Process(process.pid).threads()
            assert len(threads) > 1
            for thread in threads:
                assert os.getpriority(os.PRIO_PROCESS, thread.id) == min(19, own + 10)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                process.kill()


def parse(*words: str) -> Any:
    from app import cli

    decision = cli.decide(["sandbox", "--data", "unused", *words])
    assert isinstance(decision, cli.RunSubcommand)
    return decision.args


def test_service_model_options_reach_the_config() -> None:
    from app.cli.sandbox_cmd import config_from_args

    config = config_from_args(
        parse(
            "--uplink-mbit",
            "40",
            "--downlink-mbit",
            "100",
            "--processing-seconds",
            "4:2",
            "--validate-ms-per-mb",
            "35",
            "--multipart-create-seconds",
            "0.3",
            "--multipart-create-slots",
            "3",
            "--rate-limit",
            "20/s",
            "--rate-limit-status",
            "mixed",
            "--dialect",
            "sse-spaced,unknown-fields",
        )
    )
    assert (config.uplink_mbit, config.downlink_mbit) == (40, 100)
    assert (config.processing_mean, config.processing_spread) == (4, 2)
    assert config.validate_seconds_per_mb == pytest.approx(0.035)
    assert (config.multipart_create_seconds, config.multipart_create_slots) == (0.3, 3)
    assert (config.rate_limit, config.rate_limit_status) == (20, "mixed")
    assert config.dialect == "sse-spaced,unknown-fields"


def test_service_model_defaults_are_the_configs() -> None:
    from app.cli.sandbox_cmd import config_from_args
    from app.sandbox.config import SandboxConfig

    config = config_from_args(parse())
    # The command's own port aside (8765, a known one for people), the defaults are the same.
    defaults = SandboxConfig(data_dir=config.data_dir, port=config.port)
    assert config == defaults


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (("--dialect", "sse-spacey"), "unknown dialect sse-spacey"),
        (("--rate-limit", "fast"), "is not a rate"),
        (("--processing-seconds", "4:x"), "is not MEAN[:SPREAD]"),
        (("--uplink-mbit", "-5"), "cannot be negative"),
        (("--rate-limit-status", "418"), "invalid choice"),
    ],
)
def test_bad_service_model_options_are_usage_errors(
    words: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse(*words)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
