"""Signing in (OAuth 2.0 device authorization grant) and keeping an access token fresh.

The access token lives only in memory. The refresh token is handed to whoever persists it
(the Session, into the keyring) through a callback, and only when the server sends a new one.
Every token value seen here is registered with the log redactor before anything can log it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.api.errors import (
    AuthError,
    ProtocolViolationError,
    TransientError,
    error_from_response,
    transport_failure,
)
from app.api.retry import Failure, RetryPolicy, parse_retry_after
from app.logsetup import register_secret

logger = logging.getLogger(__name__)

CLIENT_ID = "V8EkfbxtBi93cAySTVWAecEum4d6pt4J"
SCOPE = "offline_access"
AUDIENCE = "https://api.autoretouch.com"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SELECTED_ORGANIZATION_CLAIM = "https://autoretouch.com/selectedOrganization"
SLOW_DOWN_STEP = 5.0  # RFC 8628 §3.5: add 5 seconds on every slow_down

Sleep = Callable[[float], Awaitable[None]]


# ---------------------------------------------------------------------------------------------
# Errors


class SignInError(Exception):
    """Signing in did not finish; the message says what the user can do."""


class DeviceCodeExpiredError(SignInError):
    def __init__(self) -> None:
        super().__init__("The sign-in code expired before it was confirmed: start over.")


class AccessDeniedError(SignInError):
    def __init__(self) -> None:
        super().__init__("Sign-in was declined in the browser.")


class SignInCancelledError(SignInError):
    def __init__(self) -> None:
        super().__init__("Sign-in cancelled.")


# ---------------------------------------------------------------------------------------------
# Tokens


def decode_jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, unverified: for display and defaults only, never for trust.

    Only the server checks signatures; the client reads the organization and the expiry. An
    opaque (non-JWT) token gives {}.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


@dataclass(frozen=True)
class DeviceCode:
    """What the user needs to confirm a sign-in; `device_code` itself is secret."""

    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: float
    interval: float
    device_code: str = field(repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeviceCode:
        try:
            device_code = str(data["device_code"])
            user_code = str(data["user_code"])
            uri = str(data["verification_uri"])
        except KeyError as exc:
            raise ProtocolViolationError(200, f"device code answer lacks {exc}") from None
        interval = data.get("interval")
        return cls(
            user_code=user_code,
            verification_uri=uri,
            verification_uri_complete=str(data.get("verification_uri_complete") or uri),
            expires_in=float(data.get("expires_in") or 900),
            interval=max(0.0, float(interval)) if isinstance(interval, int | float) else 5.0,
            device_code=device_code,
        )


@dataclass(frozen=True)
class TokenResponse:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_in: float | None = None
    scope: str = ""
    token_type: str = "Bearer"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TokenResponse:
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            raise ProtocolViolationError(200, "token answer lacks access_token")
        refresh = data.get("refresh_token")
        expires = data.get("expires_in")
        return cls(
            access_token=access,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            expires_in=float(expires) if isinstance(expires, int | float) else None,
            scope=str(data.get("scope") or ""),
            token_type=str(data.get("token_type") or "Bearer"),
        )


# ---------------------------------------------------------------------------------------------
# The auth host


class OAuthClient:
    """The four calls to the auth host. Retries only what is safe to repeat."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        auth_url: str,
        *,
        client_id: str = CLIENT_ID,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._http = http
        self._auth_url = auth_url.rstrip("/")
        self.client_id = client_id
        self._retry = retry or RetryPolicy()

    async def request_device_code(self) -> DeviceCode:
        response = await self._post(
            "/oauth/device/code",
            data={"client_id": self.client_id, "scope": SCOPE, "audience": AUDIENCE},
        )
        if response.status_code != 200:
            raise error_from_response(response)
        code = DeviceCode.from_json(_json_object(response))
        register_secret(code.device_code)
        return code

    async def poll_device_token(self, device_code: str) -> tuple[TokenResponse | None, str]:
        """One poll: (tokens, "") on success, else (None, the OAuth error code)."""
        response = await self._post(
            "/oauth/token",
            data={
                "grant_type": DEVICE_GRANT,
                "device_code": device_code,
                "client_id": self.client_id,
            },
        )
        if response.status_code == 200:
            return self._tokens_from(response), ""
        error = _oauth_error(response)
        if not error:
            raise error_from_response(response)
        return None, error

    async def refresh(self, refresh_token: str) -> TokenResponse:
        register_secret(refresh_token)
        response = await self._post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": self.client_id,
            },
        )
        if response.status_code == 200:
            return self._tokens_from(response)
        error = _oauth_error(response)
        if response.status_code in (400, 401, 403) or error in ("invalid_grant", "access_denied"):
            raise AuthError(
                response.status_code,
                "The saved sign-in was revoked or has expired: sign in again",
                "/oauth/token",
                error or "invalid_grant",
            )
        raise error_from_response(response)

    async def revoke(self, refresh_token: str) -> None:
        register_secret(refresh_token)
        response = await self._post(
            "/oauth/revoke", json_body={"client_id": self.client_id, "token": refresh_token}
        )
        if response.status_code >= 400:
            raise error_from_response(response)

    def _tokens_from(self, response: httpx.Response) -> TokenResponse:
        tokens = TokenResponse.from_json(_json_object(response))
        register_secret(tokens.access_token)
        register_secret(tokens.refresh_token)
        return tokens

    async def _post(
        self,
        path: str,
        *,
        data: Mapping[str, str] | None = None,
        json_body: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """POST with retries on connection failures and 5xx/429 (all four calls are safe to
        repeat: a second device code or refresh is harmless, revoking twice too)."""
        url = self._auth_url + path
        tries = 0
        while True:
            tries += 1
            try:
                response = await self._http.post(url, data=data, json=json_body)
            except httpx.TransportError as exc:
                not_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                failure = Failure.NOT_SENT if not_sent else Failure.BROKEN
                wait = self._retry.wait_before_retry(tries, failure, idempotent=True)
                if wait is None:
                    raise transport_failure(exc, "the sign-in server", path) from None
                await asyncio.sleep(wait)
                continue
            # slow_down (a 429) belongs to the device flow's own pacing, not to retries.
            if self._retry.should_retry_status(response.status_code) and (
                _oauth_error(response) != "slow_down"
            ):
                wait = self._retry.wait_before_retry(
                    tries,
                    Failure.ANSWERED,
                    idempotent=True,
                    retry_after=parse_retry_after(response.headers.get("retry-after")),
                )
                if wait is not None:
                    await asyncio.sleep(wait)
                    continue
            return response


def _json_object(response: httpx.Response) -> Mapping[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise ProtocolViolationError(response.status_code, "answer is not JSON") from None
    if not isinstance(data, dict):
        raise ProtocolViolationError(response.status_code, "answer is not a JSON object")
    return data


def _oauth_error(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    return str(data.get("error") or "") if isinstance(data, dict) else ""


# ---------------------------------------------------------------------------------------------
# Device flow


class DeviceFlow:
    """RFC 8628 polling: start() gets a code to show, wait() polls until the user decides."""

    def __init__(
        self,
        oauth: OAuthClient,
        *,
        sleep: Sleep | None = None,
        clock: Callable[[], float] = time.monotonic,
        slow_down_step: float = SLOW_DOWN_STEP,
    ) -> None:
        self._oauth = oauth
        self._sleep = sleep
        self._clock = clock
        self._slow_down_step = slow_down_step
        self.polls = 0  # for diagnostics and tests
        self.interval: float = 0.0  # the interval in force, after any slow_down

    async def start(self) -> DeviceCode:
        return await self._oauth.request_device_code()

    async def wait(self, code: DeviceCode, cancel: asyncio.Event | None = None) -> TokenResponse:
        self.interval = code.interval
        deadline = self._clock() + code.expires_in
        while True:
            await self._pause(self.interval, cancel)
            if self._clock() > deadline:
                raise DeviceCodeExpiredError()
            self.polls += 1
            tokens, error = await self._oauth.poll_device_token(code.device_code)
            if tokens is not None:
                return tokens
            if error == "authorization_pending":
                continue
            if error == "slow_down":
                self.interval += self._slow_down_step
                logger.info(
                    "Sign-in server asked to slow down; polling every %.0f s", self.interval
                )
                continue
            if error in ("expired_token", "invalid_grant"):
                raise DeviceCodeExpiredError()
            if error == "access_denied":
                raise AccessDeniedError()
            raise SignInError(f"Sign-in failed: {error}")

    async def _pause(self, seconds: float, cancel: asyncio.Event | None) -> None:
        if cancel is not None and cancel.is_set():
            raise SignInCancelledError()
        if self._sleep is not None:
            await self._sleep(seconds)
        elif cancel is None:
            await asyncio.sleep(seconds)
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(cancel.wait(), timeout=seconds)
        if cancel is not None and cancel.is_set():
            raise SignInCancelledError()


# ---------------------------------------------------------------------------------------------
# Token manager


class TokenManager:
    """Hands out a valid access token; refreshes ahead of expiry and on demand after a 401.

    A single refresh is in flight at a time: callers that hit a 401 together wait for the one
    refresh and then use its result instead of refreshing again.
    """

    def __init__(
        self,
        oauth: OAuthClient,
        refresh_token: str | None = None,
        *,
        on_refresh_token: Callable[[str], None] | None = None,
        margin: float = 120.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._oauth = oauth
        self._refresh_token = refresh_token
        register_secret(refresh_token)
        self._on_refresh_token = on_refresh_token
        self._margin = margin
        self._clock = clock
        self._access_token: str | None = None
        self._expires_at: float | None = None
        self._refresh_at: float | None = None
        self._lock = asyncio.Lock()
        self.refresh_count = 0

    @property
    def has_credentials(self) -> bool:
        return bool(self._refresh_token or self._access_token)

    @property
    def refresh_token(self) -> str | None:
        return self._refresh_token

    @property
    def claims(self) -> dict[str, Any]:
        return decode_jwt_claims(self._access_token) if self._access_token else {}

    @property
    def expires_at(self) -> float | None:
        return self._expires_at

    def accept(self, tokens: TokenResponse) -> None:
        """Take tokens from a sign-in or refresh; a new refresh token replaces the old one."""
        register_secret(tokens.access_token)
        self._access_token = tokens.access_token
        now = self._clock()
        lifetime = tokens.expires_in
        if lifetime is None:
            exp = decode_jwt_claims(tokens.access_token).get("exp")
            lifetime = float(exp) - now if isinstance(exp, int | float) else None
        if lifetime is None:
            self._expires_at = self._refresh_at = None  # unknown: rely on the 401 path
        else:
            self._expires_at = now + lifetime
            # A minute or two early, but never most of a short-lived token's life.
            self._refresh_at = self._expires_at - min(self._margin, max(0.0, lifetime) * 0.25)
        if tokens.refresh_token and tokens.refresh_token != self._refresh_token:
            register_secret(tokens.refresh_token)
            self._refresh_token = tokens.refresh_token
            if self._on_refresh_token is not None:
                self._on_refresh_token(tokens.refresh_token)

    def enable_persistence(self, on_refresh_token: Callable[[str], None]) -> None:
        """From now on, hand every new refresh token to `on_refresh_token` (the keyring)."""
        self._on_refresh_token = on_refresh_token

    def take_over(self, other: TokenManager) -> None:
        """Adopt another manager's tokens, so holders of this object see the new sign-in."""
        self._refresh_token = other._refresh_token
        self._access_token = other._access_token
        self._expires_at = other._expires_at
        self._refresh_at = other._refresh_at
        self._on_refresh_token = other._on_refresh_token
        self.refresh_count += other.refresh_count

    def clear(self) -> None:
        self._access_token = self._refresh_token = None
        self._expires_at = self._refresh_at = None

    def _fresh(self) -> bool:
        if self._access_token is None:
            return False
        return self._refresh_at is None or self._clock() < self._refresh_at

    async def access_token(self) -> str:
        """A token good for the next request, refreshing first when it is about to expire."""
        if self._fresh():
            assert self._access_token is not None
            return self._access_token
        async with self._lock:
            if not self._fresh():  # another caller may have refreshed while we waited
                try:
                    await self._refresh_locked()
                except TransientError:
                    # Refreshing early is a courtesy: while the token has not actually
                    # expired, a flaky auth host must not stop requests that would succeed.
                    if not self._unexpired():
                        raise
                    logger.warning("Early token refresh failed; using the current token")
            assert self._access_token is not None
            return self._access_token

    def _unexpired(self) -> bool:
        if self._access_token is None:
            return False
        return self._expires_at is None or self._clock() < self._expires_at

    async def refresh_after_rejection(self, rejected: str) -> str:
        """The server refused `rejected` (401): refresh once, unless someone already did."""
        async with self._lock:
            if self._access_token is not None and self._access_token != rejected:
                return self._access_token
            await self._refresh_locked()
            assert self._access_token is not None
            return self._access_token

    async def _refresh_locked(self) -> None:
        if not self._refresh_token:
            raise AuthError(401, "Not signed in", error="Unauthorized")
        logger.debug("Refreshing the access token")
        try:
            tokens = await self._oauth.refresh(self._refresh_token)
        except AuthError:
            self._access_token = None  # the sign-in is over; nothing here is worth keeping
            raise
        self.refresh_count += 1
        self.accept(tokens)
