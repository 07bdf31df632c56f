"""The issue's secrets test: a whole session with full DEBUG logging, then every file the app
wrote under RETOUCHDESK_HOME is searched for the token strings. None may be found."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api_helpers import fast_retry, profile_for, run

from app.api.auth import DeviceCode
from app.api.session import Session
from app.logsetup import configure_logging
from app.store.secrets import SecretStore

RETOUCHDESK = str(Path(sys.executable).with_name("retouchdesk"))
SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


def written_files(home: Path, subprocess_keyring: Path) -> list[Path]:
    """Everything under the app's home, except the test-only keyring file of the children."""
    return [
        p
        for p in home.rglob("*")
        if p.is_file() and subprocess_keyring not in p.parents and p != subprocess_keyring
    ]


def test_no_token_reaches_any_file(
    sandbox_factory: Callable[..., Any],
    isolated_home: Path,
    subprocess_env: dict[str, str],
) -> None:
    # The sandbox's `exp` is whole seconds: a 2 s life is at least 1 s of validity.
    sandbox = sandbox_factory(token_ttl=2)
    secrets: set[str] = set()
    log_path = configure_logging(3, console=False)

    def remember_code(code: DeviceCode) -> None:
        secrets.add(code.device_code)

    async def whole_session() -> str:
        frozen = time.time()
        session = Session(
            profile_for(sandbox), SecretStore(), retry=fast_retry(), clock=lambda: frozen
        )
        try:
            await session.sign_in_device_flow(remember_code, open_browser=False)
            original_refresh = session.oauth.refresh

            async def recording_refresh(token: str) -> Any:
                # Every access token a refresh hands out is a secret to look for later.
                answer = await original_refresh(token)
                secrets.add(answer.access_token)
                return answer

            session.oauth.refresh = recording_refresh  # type: ignore[method-assign]
            refresh = session.tokens.refresh_token
            assert refresh
            secrets.update({refresh, await session.tokens.access_token()})
            client, org = session.client, sandbox.org_id
            await client.list_organizations()
            workflow = (await client.list_workflows(org))[0]
            execution_id = await client.create_execution_with_file(
                workflow.id, org, SAMPLES / "coffee.png"
            )
            async for _ in client.stream_status(execution_id, org):
                pass
            await client.download_result(execution_id, org, isolated_home / "result.bin")
            # Let the short-lived token expire at the server: the next call gets a 401.
            while time.time() <= session.tokens.claims["exp"]:
                await _pause()
            await client.get_balance(org)
            assert session.tokens.refresh_count >= 1
            # A careless library logging a form body and an exception carrying a token.
            noisy = logging.getLogger("some.library")
            noisy.debug("POST body: grant_type=refresh_token&refresh_token=%s", refresh)
            try:
                raise ValueError(f"unexpected token {refresh}")
            except ValueError:
                noisy.exception("request failed")
            donor = refresh
            await session.sign_out()
            return donor
        finally:
            await session.aclose()

    revoked = run(whole_session())
    assert revoked

    # The CLI in child processes, at maximum verbosity, with a pasted token.
    async def fresh_token() -> str:
        session = Session(profile_for(sandbox), SecretStore(), retry=fast_retry())
        try:
            await session.sign_in_device_flow(remember_code, open_browser=False)
            assert session.tokens.refresh_token
            return session.tokens.refresh_token
        finally:
            await session.aclose()

    pasted = run(fresh_token())
    secrets.add(pasted)
    env = {**subprocess_env, "RETOUCHDESK_SERVER": sandbox.base_url}
    for args, stdin in (
        (["-vvv", "login", "--refresh-token-stdin"], pasted + "\n"),
        (["-vvv", "balance"], None),
        (["-vvv", "workflows", "--json"], None),
        (["-vvv", "logout"], None),
    ):
        child = subprocess.run(
            [RETOUCHDESK, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60
        )
        assert child.returncode == 0, child.stderr
        for secret in secrets:
            assert secret not in child.stdout + child.stderr

    for handler in logging.getLogger().handlers:
        handler.flush()
    log_text = log_path.read_text(encoding="utf-8")
    # The log really recorded the traffic (so the search below means something)...
    assert "HTTP Request: POST" in log_text and "/oauth/token" in log_text
    assert "[REDACTED]" in log_text and "request failed" in log_text
    files = written_files(isolated_home, Path(subprocess_env["XDG_DATA_HOME"]))
    assert log_path in files
    assert len(secrets) >= 5
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"a token was written to {path}"


async def _pause() -> None:
    import asyncio

    await asyncio.sleep(0.05)
