"""Device-flow sign-in outcomes against the sandbox's auth host."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from api_helpers import fast_retry, profile_for, run
from keyring_memory import MemoryKeyring

from app.api.auth import (
    AccessDeniedError,
    DeviceCode,
    DeviceCodeExpiredError,
    SignInCancelledError,
)
from app.api.session import Session
from app.store.secrets import SERVICE, SecretStore


def new_session(sandbox: Any, **kwargs: Any) -> Session:
    return Session(profile_for(sandbox), SecretStore(), retry=fast_retry(), **kwargs)


def test_approved_in_the_browser_signs_in_and_saves_to_keyring(
    sandbox_factory: Callable[..., Any], memory_keyring: MemoryKeyring
) -> None:
    sandbox = sandbox_factory(auto_approve=False)
    shown: list[DeviceCode] = []
    opened: list[str] = []

    def on_code(code: DeviceCode) -> None:
        shown.append(code)
        assert sandbox.approve(code.user_code)  # what the user does on /activate

    async def go() -> Session:
        session = new_session(sandbox, browser=opened.append)
        await session.sign_in_device_flow(on_code)
        await session.aclose()
        return session

    session = run(go())
    assert session.signed_in and session.source == "device-flow"
    assert session.default_organization_id == sandbox.org_id
    assert opened == [shown[0].verification_uri_complete]
    assert "user_code=" + shown[0].user_code in opened[0]
    saved = {k: v for k, v in memory_keyring.store.items() if k[0] == SERVICE}
    # One entry per server and account (the token) plus which account is current.
    token_key = (SERVICE, f"{sandbox.base_url} {session.account}")
    assert saved[token_key] == session.tokens.refresh_token
    assert saved[(SERVICE, f"{sandbox.base_url} (current account)")] == session.account
    assert len(saved) == 2


def test_denied(sandbox_factory: Callable[..., Any]) -> None:
    sandbox = sandbox_factory(auto_approve=False)

    async def go() -> None:
        session = new_session(sandbox)
        try:
            with pytest.raises(AccessDeniedError, match="declined"):
                await session.sign_in_device_flow(
                    lambda code: sandbox.deny(code.user_code), open_browser=False
                )
            assert not session.signed_in
        finally:
            await session.aclose()

    run(go())


def test_expired_code(sandbox_factory: Callable[..., Any]) -> None:
    sandbox = sandbox_factory(auto_approve=False, device_code_ttl=0)

    async def go() -> None:
        session = new_session(sandbox)
        try:
            with pytest.raises(DeviceCodeExpiredError, match="start over"):
                await session.sign_in_device_flow(lambda code: None, open_browser=False)
            # Polling an expired code again: the server now says invalid_grant.
            code = await session.oauth.request_device_code()
            first = await session.oauth.poll_device_token(code.device_code)
            second = await session.oauth.poll_device_token(code.device_code)
            assert (first[1], second[1]) == ("expired_token", "invalid_grant")
        finally:
            await session.aclose()

    run(go())


def test_slow_down_adds_five_seconds(sandbox_factory: Callable[..., Any]) -> None:
    sandbox = sandbox_factory(auto_approve=False, device_interval=1)
    waits: list[float] = []
    codes: list[DeviceCode] = []

    async def impatient_sleep(seconds: float) -> None:
        # Polling without really waiting makes the sandbox answer slow_down; once the flow has
        # stretched its interval to 1 + 5 s, the user approves.
        waits.append(seconds)
        if seconds >= 6:
            sandbox.approve(codes[0].user_code)
        await asyncio.sleep(0)

    async def go() -> Session:
        session = new_session(sandbox, poll_sleep=impatient_sleep)
        await session.sign_in_device_flow(codes.append, open_browser=False)
        await session.aclose()
        return session

    session = run(go())
    assert session.signed_in
    assert waits == [1.0, 1.0, 6.0]  # pending, slow_down, then approved


def test_cancel_by_event(sandbox_factory: Callable[..., Any]) -> None:
    sandbox = sandbox_factory(auto_approve=False, device_interval=5)

    async def go() -> float:
        session = new_session(sandbox)
        cancel = asyncio.Event()
        loop = asyncio.get_running_loop()
        try:
            started = loop.time()
            with pytest.raises(SignInCancelledError):
                await session.sign_in_device_flow(
                    lambda code: loop.call_later(0.05, cancel.set), cancel, open_browser=False
                )
            return loop.time() - started
        finally:
            await session.aclose()

    assert run(go()) < 4.0  # did not wait for the 5 s poll interval


def test_cancel_by_task_cancellation(sandbox_factory: Callable[..., Any]) -> None:
    sandbox = sandbox_factory(auto_approve=False, device_interval=5)

    async def go() -> None:
        session = new_session(sandbox)
        shown = asyncio.Event()
        try:
            task = asyncio.create_task(
                session.sign_in_device_flow(lambda code: shown.set(), open_browser=False)
            )
            await asyncio.wait_for(shown.wait(), 10)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await asyncio.wait_for(task, 2)
            assert not session.signed_in
        finally:
            await session.aclose()

    run(go())
