"""How many times a request is really sent, counted by a relay in front of a faulty sandbox.

One retry policy decides every repeat: an idempotent call is tried `attempts` times, a create
once after an answer, and a request that never got a connection `connect_attempts` times. No
loop above the client multiplies that (a HEAD was once tried 3 x 5 = 15 times per image).
"""

from __future__ import annotations

import logging
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from api_helpers import fast_retry, profile_for, run
from raw_servers import CountingRelay, raw_server

from app.api.auth import TokenResponse
from app.api.client import AutoretouchClient
from app.api.errors import ConnectionFailedError, TransientError
from app.api.servers import resolve_server
from app.api.session import Session
from app.engine.engine import Engine, RunOptions
from app.store.journal import Journal
from app.store.secrets import SecretStore

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"
ATTEMPTS = 5


def relayed_session(sandbox: Any, relay_port: int) -> Session:
    """A session through the relay, holding a sandbox-issued token (the auth host faults too)."""
    profile = profile_for(sandbox)
    relayed = resolve_server(f"http://127.0.0.1:{relay_port}")
    assert relayed.api_url != profile.api_url
    session = Session(relayed, SecretStore(), retry=fast_retry(ATTEMPTS))
    session.tokens.accept(TokenResponse(access_token=sandbox.issue_access_token(), expires_in=3600))
    return session


def test_each_call_is_tried_as_the_policy_says(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(faults="http503=1")
    relay = CountingRelay(sandbox.port)

    async def go() -> None:
        async with raw_server(relay.handle) as port:
            session = relayed_session(sandbox, port)
            client, org = session.client, sandbox.org_id
            try:
                with pytest.raises(TransientError):
                    await client.upload_exists("0" * 64, org)
                with pytest.raises(TransientError):
                    await client.create_execution_with_file("wf", org, SAMPLES / "coffee.png")
                with pytest.raises(TransientError):
                    await client.upload(SAMPLES / "coffee.png", org)
            finally:
                await session.aclose()

    run(go())
    assert relay.count("HEAD", "/v1/upload") == ATTEMPTS
    assert relay.count("POST", "/v1/workflow/execution/create") == 1  # never blindly repeated
    assert relay.count("POST", "/v1/upload") == ATTEMPTS  # stored by content: safe to repeat
    assert sandbox.execution_count() == 0


def test_a_request_that_never_connected_is_tried_connect_attempts_times(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    caplog.set_level(logging.INFO, logger="app.api")

    async def go() -> None:
        client = AutoretouchClient(resolve_server(f"http://127.0.0.1:{port}"), retry=fast_retry())
        try:
            # Even a create: nothing can have reached a server that took no connection.
            with pytest.raises(ConnectionFailedError):
                await client.create_execution(
                    "wf", None, name="a.png", content_hash="0" * 64, content_type="image/png"
                )
        finally:
            await client.aclose()

    run(go())
    retries = [r for r in caplog.records if "ConnectError, retrying" in r.getMessage()]
    assert len(retries) == fast_retry().connect_attempts - 1


def test_the_engine_asks_the_dedupe_question_no_more_often_than_the_policy_allows(
    sandbox_factory: Any, tmp_path: Path
) -> None:
    # Only the dedupe question fails (answered 503 by the relay); everything else works.
    sandbox = sandbox_factory()
    relay = CountingRelay(sandbox.port, unavailable=("HEAD /v1/upload",))
    source = tmp_path / "in" / "rocket.jpg"
    source.parent.mkdir()
    shutil.copy(SAMPLES / "rocket.jpg", source)

    async def go() -> None:
        async with raw_server(relay.handle) as port:
            session = relayed_session(sandbox, port)
            journal = Journal(tmp_path / "journal.sqlite3")
            engine = Engine(session.client, journal)
            try:
                workflow = (await session.client.list_workflows(sandbox.org_id))[0]
                options = RunOptions(
                    org_id=sandbox.org_id, workflow_id=workflow.id, out_dir=tmp_path / "out"
                )
                batch = await engine.add([source], options)
                engine.start(batch)
                await engine.wait(batch)
                assert [job.state.value for job in engine.jobs()] == ["done"]
            finally:
                await engine.aclose()
                journal.close()
                await session.aclose()

    run(go())
    # Asked as often as the policy allows, no more; then the upload simply went ahead.
    assert relay.count("HEAD", "/v1/upload") == ATTEMPTS, relay.seen
