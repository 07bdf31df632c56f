"""`retouchdesk login/logout/orgs/workflows/balance` as a user runs them: child processes
against the sandbox, with a real file keyring inside the test's home."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from api_helpers import open_session, run

RETOUCHDESK = str(Path(sys.executable).with_name("retouchdesk"))


def cli(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RETOUCHDESK, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def env(subprocess_env: dict[str, str], sandbox: Any) -> dict[str, str]:
    """Child environment that talks to this test's sandbox by default."""
    return {**subprocess_env, "RETOUCHDESK_SERVER": sandbox.base_url}


def test_signed_out_commands_say_what_to_do(env: dict[str, str], sandbox: Any) -> None:
    result = cli(env, "balance")
    assert result.returncode == 2
    assert f"Not signed in to {sandbox.base_url}" in result.stderr
    assert f"retouchdesk --server {sandbox.base_url} login" in result.stderr
    assert cli(env, "--server", "http://example.com", "orgs").returncode == 2  # plain HTTP refused


def test_login_then_account_commands_then_logout(env: dict[str, str], sandbox: Any) -> None:
    login = cli(env, "login", "--no-browser")
    assert login.returncode == 0, login.stderr
    assert "confirm the code" in login.stdout and "Signed in" in login.stdout

    orgs = cli(env, "orgs", "--json")
    assert orgs.returncode == 0, orgs.stderr
    parsed = json.loads(orgs.stdout)
    assert parsed["default"] == sandbox.org_id
    assert [o["id"] for o in parsed["organizations"]] == [sandbox.org_id]
    table = cli(env, "orgs")
    assert sandbox.org_id in table.stdout and "NAME" in table.stdout

    workflows = json.loads(cli(env, "workflows", "--json").stdout)
    assert workflows["organization"] == sandbox.org_id
    names = [w["name"] for w in workflows["workflows"]]
    assert "Background to white" in names
    assert "Background to white" in cli(env, "workflows").stdout

    sandbox.add_credits(123)
    assert json.loads(cli(env, "balance", "--json").stdout)["credits"] == 5123
    assert "5123 credits (€51.23 excl. VAT)" in cli(env, "balance").stdout
    assert cli(env, "--org", sandbox.org_id, "balance").returncode == 0

    logout = cli(env, "logout")
    assert logout.returncode == 0 and "Signed out" in logout.stdout
    after = cli(env, "balance")
    assert after.returncode == 2 and "Not signed in" in after.stderr


def test_login_with_refresh_token_on_stdin(env: dict[str, str], sandbox: Any) -> None:
    async def donor_token() -> str:
        session = await open_session(sandbox)
        try:
            assert session.tokens.refresh_token
            return session.tokens.refresh_token
        finally:
            await session.aclose()

    token = run(donor_token())
    bad = cli(env, "login", "--refresh-token-stdin", stdin="nonsense-token\n")
    assert bad.returncode == 2 and "sign in again" in bad.stderr
    good = cli(env, "login", "--refresh-token-stdin", stdin=token + "\n")
    assert good.returncode == 0, good.stderr
    assert token not in good.stdout + good.stderr
    assert cli(env, "balance").returncode == 0


def test_environment_refresh_token(env: dict[str, str], sandbox: Any) -> None:
    async def donor_token() -> str:
        session = await open_session(sandbox)
        try:
            return session.tokens.refresh_token or ""
        finally:
            await session.aclose()

    with_token = {**env, "AUTORETOUCH_REFRESH_TOKEN": run(donor_token())}
    assert json.loads(cli(with_token, "balance", "--json").stdout)["credits"] == 5000
    revoked = {**env, "AUTORETOUCH_REFRESH_TOKEN": "revoked-or-never-valid"}
    result = cli(revoked, "workflows")
    assert result.returncode == 2
    assert "AUTORETOUCH_REFRESH_TOKEN was rejected" in result.stderr


def test_unreachable_sandbox(subprocess_env: dict[str, str]) -> None:
    env = {**subprocess_env, "RETOUCHDESK_SERVER": "http://127.0.0.1:9"}  # discard port
    env["AUTORETOUCH_REFRESH_TOKEN"] = "anything-at-all"
    result = cli(env, "balance")
    assert result.returncode == 1
    assert "Cannot reach" in result.stderr


def test_logout_while_the_server_is_down_still_forgets_locally(
    env: dict[str, str], sandbox: Any
) -> None:
    assert cli(env, "login", "--no-browser").returncode == 0
    sandbox.stop()
    logout = cli(env, "logout")
    assert logout.returncode == 0, logout.stderr
    assert "the server was not told" in logout.stdout
    after = cli(env, "balance")
    assert after.returncode == 2 and "Not signed in" in after.stderr
