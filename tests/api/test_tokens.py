"""Token lifetime against the sandbox: refresh ahead of expiry, once on 401, a single refresh
in flight, revoked tokens, restoring from the keyring or the environment, signing out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
import pytest
from api_helpers import fast_retry, open_session, profile_for, run
from keyring.backends import fail
from keyring_memory import MemoryKeyring

from app.api.auth import TokenResponse
from app.api.errors import AuthError, ConnectionFailedError
from app.api.session import Session
from app.store.secrets import SERVICE, SecretStore

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


class JumpingClock:
    """Wall-clock time plus an offset the test can move forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


async def wait_until_server_rejects(session: Session) -> None:
    """Wait (bounded) until the real clock passes the access token's `exp` claim."""
    exp = session.tokens.claims["exp"]
    deadline = time.monotonic() + 10
    while time.time() <= exp:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


def test_refreshes_ahead_of_expiry(sandbox_factory: Callable[..., Any]) -> None:
    sandbox = sandbox_factory(token_ttl=60)
    clock = JumpingClock()

    async def go() -> None:
        session = await open_session(sandbox, clock=clock)
        try:
            await session.client.get_balance(sandbox.org_id)
            assert session.tokens.refresh_count == 0
            clock.offset = 50.0  # 10 s left: inside the margin (a quarter of a 60 s life)
            await session.client.get_balance(sandbox.org_id)
            assert session.tokens.refresh_count == 1
            assert session.tokens.expires_at is not None
            assert session.tokens.expires_at > clock() + 50
        finally:
            await session.aclose()

    run(go())


def test_401_refreshes_once_and_only_one_refresh_is_in_flight(
    sandbox_factory: Callable[..., Any], tmp_path: Path
) -> None:
    # The sandbox's `exp` is whole seconds: a 2 s life is at least 1 s of validity, enough
    # for the refreshed token to carry all eight retried requests.
    sandbox = sandbox_factory(token_ttl=2)

    async def go() -> None:
        # A frozen clock: the client believes its token is fresh, the server knows better.
        frozen = time.time()
        session = await open_session(sandbox, clock=lambda: frozen)
        try:
            await wait_until_server_rejects(session)
            balances = await asyncio.gather(
                *(session.client.get_balance(sandbox.org_id) for _ in range(8))
            )
            assert balances == [5000] * 8
            assert session.tokens.refresh_count == 1

            # Streams, uploads and downloads recover from a 401 the same way.
            client, org = session.client, sandbox.org_id
            workflow = (await client.list_workflows(org))[0]
            await wait_until_server_rejects(session)
            digest = await client.upload(SAMPLES / "coffee.png", org)  # the file is re-sent
            assert session.tokens.refresh_count == 2
            execution_id = await client.create_execution(
                workflow.id, org, name="coffee.png", content_hash=digest, content_type="image/png"
            )
            await wait_until_server_rejects(session)
            statuses = [s async for s in client.stream_status(execution_id, org)]
            assert statuses[-1] == "COMPLETED"
            assert session.tokens.refresh_count == 3
            await wait_until_server_rejects(session)
            info = await client.download_result(execution_id, org, tmp_path / "result")
            assert info.size == (tmp_path / "result").stat().st_size > 0
            assert session.tokens.refresh_count == 4
        finally:
            await session.aclose()

    run(go())


def test_revoked_refresh_token_ends_in_auth_error(sandbox_factory: Callable[..., Any]) -> None:
    sandbox = sandbox_factory(token_ttl=1)

    async def go() -> None:
        frozen = time.time()
        session = await open_session(sandbox, clock=lambda: frozen)
        try:
            token = session.tokens.refresh_token
            assert token
            await session.oauth.revoke(token)  # as if revoked from another device
            await wait_until_server_rejects(session)
            with pytest.raises(AuthError, match="sign in again"):
                await session.client.list_organizations()
        finally:
            await session.aclose()

    run(go())


def test_restore_from_keyring_and_sign_out(sandbox: Any, memory_keyring: MemoryKeyring) -> None:
    async def go() -> None:
        first = await open_session(sandbox)
        account = first.account
        await first.aclose()

        second = Session(profile_for(sandbox), SecretStore(), retry=fast_retry())
        try:
            assert await second.restore()
            assert second.source == "keyring" and second.account == account
            assert await second.client.get_balance(None) == 5000  # org from the token
            token = second.tokens.refresh_token
            assert token
            assert await second.sign_out()
            assert not second.signed_in
            assert not [k for k in memory_keyring.store if k[0] == SERVICE]
            # Revoked at the server too: the old token no longer refreshes.
            with pytest.raises(AuthError):
                await second.oauth.refresh(token)
        finally:
            await second.aclose()

        third = Session(profile_for(sandbox), SecretStore(), retry=fast_retry())
        try:
            assert not await third.restore()
        finally:
            await third.aclose()

    run(go())


def test_restore_with_a_revoked_token_forgets_it(
    sandbox: Any, memory_keyring: MemoryKeyring
) -> None:
    async def go() -> None:
        first = await open_session(sandbox)
        token = first.tokens.refresh_token
        assert token
        await first.oauth.revoke(token)
        await first.aclose()
        again = Session(profile_for(sandbox), SecretStore(), retry=fast_retry())
        try:
            assert not await again.restore()
        finally:
            await again.aclose()
        assert not [k for k in memory_keyring.store if k[0] == SERVICE]

    run(go())


def test_pasted_and_environment_refresh_tokens(
    sandbox: Any, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def go() -> None:
        donor = await open_session(sandbox)
        token = donor.tokens.refresh_token
        assert token
        await donor.aclose()
        memory_keyring.store.clear()

        pasted = Session(profile_for(sandbox), SecretStore(), retry=fast_retry())
        try:
            with pytest.raises(AuthError):
                await pasted.sign_in_with_refresh_token("not-a-real-refresh-token")
            await pasted.sign_in_with_refresh_token(f"  {token}\n")
            assert pasted.source == "pasted" and pasted.persistent
            assert token in memory_keyring.store.values()
        finally:
            await pasted.aclose()
        memory_keyring.store.clear()

        monkeypatch.setenv("AUTORETOUCH_REFRESH_TOKEN", token)
        other_org = "11111111-2222-3333-4444-555555555555"
        monkeypatch.setenv("AUTORETOUCH_ORGANIZATION_ID", other_org)
        monkeypatch.setenv("AUTORETOUCH_WORKFLOW_ID", "wf-from-env")
        from_env = Session(profile_for(sandbox), SecretStore(), retry=fast_retry())
        try:
            assert await from_env.restore()
            assert from_env.source == "environment" and not from_env.persistent
            assert from_env.default_organization_id == other_org
            assert from_env.default_workflow_id == "wf-from-env"
            from_env.organization_override = sandbox.org_id
            assert from_env.default_organization_id == sandbox.org_id
            # Signing out forgets it here, but a token managed outside the app is not revoked.
            assert not await from_env.sign_out()
            assert not memory_keyring.store
        finally:
            await from_env.aclose()
        assert (await _refresh_works(sandbox, token)) is True

    run(go())


async def _refresh_works(sandbox: Any, token: str) -> bool:
    probe = Session(profile_for(sandbox), SecretStore(), retry=fast_retry())
    try:
        await probe.oauth.refresh(token)
        return True
    except AuthError:
        return False
    finally:
        await probe.aclose()


def test_without_keyring_the_sign_in_lasts_the_session_only(sandbox: Any) -> None:
    keyring.set_keyring(fail.Keyring())  # restored by the memory_keyring fixture

    async def go() -> None:
        session = await open_session(sandbox)
        try:
            assert session.signed_in and not session.persistent
            assert await session.client.get_balance(sandbox.org_id) == 5000
        finally:
            await session.aclose()
        later = Session(profile_for(sandbox), SecretStore(), retry=fast_retry())
        try:
            assert not await later.restore()
        finally:
            await later.aclose()

    run(go())


def test_early_refresh_failing_keeps_the_still_valid_token(
    sandbox_factory: Callable[..., Any],
) -> None:
    sandbox = sandbox_factory(token_ttl=600)
    clock = JumpingClock()

    async def go() -> None:
        session = await open_session(sandbox, clock=clock, retry=fast_retry(2))
        try:
            current = await session.tokens.access_token()
            sandbox.stop()  # the auth host is gone
            clock.offset = 550.0  # inside the refresh margin, not yet expired
            assert await session.tokens.access_token() == current
            clock.offset = 601.0  # expired for real: now the failure must surface
            with pytest.raises(ConnectionFailedError):
                await session.tokens.access_token()
        finally:
            await session.aclose()

    run(go())


def test_a_new_refresh_token_replaces_the_stored_one_only_when_sent(
    sandbox: Any, memory_keyring: MemoryKeyring
) -> None:
    async def go() -> None:
        session = await open_session(sandbox)
        try:
            key = (SERVICE, f"{sandbox.base_url} {session.account}")
            original = memory_keyring.store[key]
            access = sandbox.issue_access_token()
            # The vendor's refresh answer carries no refresh token: the stored one stays.
            session.tokens.accept(TokenResponse(access_token=access, expires_in=60))
            assert memory_keyring.store[key] == original == session.tokens.refresh_token
            # A server that rotates refresh tokens: the new one replaces the stored one.
            rotated = "rotated-refresh-token-0123456789"
            session.tokens.accept(
                TokenResponse(access_token=access, refresh_token=rotated, expires_in=60)
            )
            assert memory_keyring.store[key] == rotated == session.tokens.refresh_token
        finally:
            await session.aclose()

    run(go())
