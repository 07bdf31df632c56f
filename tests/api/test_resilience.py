"""Retries: 503/500 bursts absorbed for idempotent calls, creation never blindly repeated."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from api_helpers import fast_retry, open_session, run

from app.api.client import AutoretouchClient
from app.api.errors import ConnectionFailedError, TransientError
from app.api.retry import NO_RETRY
from app.api.servers import resolve_server

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


def retries_logged(caplog: pytest.LogCaptureFixture, what: str) -> int:
    return sum(1 for r in caplog.records if "retrying" in r.getMessage() and what in r.getMessage())


def test_bursts_of_503_and_500_are_retried(
    sandbox_factory: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = sandbox_factory(faults="http503=0.3,http500=0.2", seed=11)
    caplog.set_level(logging.INFO, logger="app.api")

    async def go() -> None:
        session = await open_session(sandbox, retry=fast_retry(attempts=10))
        try:
            client, org = session.client, sandbox.org_id
            for _ in range(15):
                assert await client.get_balance(org) == 5000
            assert len(await client.list_workflows(org)) >= 2
            digest = await client.upload(SAMPLES / "rocket.jpg", org)  # idempotent: retried
            assert await client.upload_exists(digest, org)
        finally:
            await session.aclose()

    run(go())
    assert retries_logged(caplog, ": 503") >= 2
    assert retries_logged(caplog, ": 500") >= 1


def test_without_retries_the_same_faults_surface(sandbox_factory: Callable[..., Any]) -> None:
    sandbox = sandbox_factory(faults="http503=1.0", seed=11)

    async def go() -> None:
        # Sign in needs the auth host, which faults too: use a sandbox-issued token directly.
        session = await _session_with_issued_token(sandbox, retry=NO_RETRY)
        try:
            with pytest.raises(TransientError) as caught:
                await session.client.get_balance(sandbox.org_id)
            assert caught.value.status == 503
            assert caught.value.retry_after == 1.0  # the server's Retry-After, parsed
        finally:
            await session.aclose()

    run(go())


def test_create_is_never_blindly_retried(
    sandbox_factory: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = sandbox_factory(faults="http503=1.0", seed=5)
    caplog.set_level(logging.INFO, logger="app.api")

    async def go() -> None:
        session = await _session_with_issued_token(sandbox, retry=fast_retry(attempts=4))
        try:
            client, org = session.client, sandbox.org_id
            with pytest.raises(TransientError):
                await client.create_execution(
                    "wf", org, name="a.png", content_hash="0" * 64, content_type="image/png"
                )
            with pytest.raises(TransientError):
                await client.create_execution_with_file("wf", org, SAMPLES / "coffee.png")
            with pytest.raises(
                TransientError
            ):  # a GET under the same faults: retried, then gives up
                await client.get_balance(org)
        finally:
            await session.aclose()

    run(go())
    assert retries_logged(caplog, "execution/create") == 0
    assert retries_logged(caplog, "/v1/organization/balance") == 3
    assert sandbox.execution_count() == 0


def test_unreachable_server_is_a_connection_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def go() -> None:
        client = AutoretouchClient(resolve_server(f"http://127.0.0.1:{port}"), retry=fast_retry(3))
        try:
            with pytest.raises(ConnectionFailedError) as caught:
                await client.list_batches(None)
            assert caught.value.status == 0
        finally:
            await client.aclose()

    run(go())


async def _session_with_issued_token(sandbox: Any, *, retry: Any) -> Any:
    """A session holding a sandbox-issued access token (no auth host round trip needed)."""
    from api_helpers import profile_for

    from app.api.auth import TokenResponse
    from app.api.session import Session
    from app.store.secrets import SecretStore

    session = Session(profile_for(sandbox), SecretStore(), retry=retry)
    session.tokens.accept(TokenResponse(access_token=sandbox.issue_access_token(), expires_in=3600))
    return session


def test_a_server_that_never_answers_times_out() -> None:
    """A real socket that accepts connections and then stays silent: the read timeout fires
    (it must not be lost on the way into each request) and the GET is retried, then given up."""
    import httpx

    from app.api.http import make_http_client

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        profile = resolve_server(f"http://127.0.0.1:{silent.getsockname()[1]}")

        async def go() -> None:
            http = make_http_client(profile, timeout=httpx.Timeout(0.2))
            client = AutoretouchClient(profile, http=http, retry=fast_retry(2))
            try:
                with pytest.raises(ConnectionFailedError, match="ReadTimeout"):
                    await client.list_batches(None)
            finally:
                await http.aclose()

        run(go(), timeout=10)
