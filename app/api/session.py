"""Session: what a front end holds to talk to one server as one signed-in user.

It ties together the server profile, the keyring (SecretStore), the token manager and the API
client, all sharing one HTTP connection pool. The refresh token is stored in the keyring under
one entry per server and account; a second entry per server remembers which account was last
used, so `restore()` needs no settings file (and settings never see a token).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
import webbrowser
from collections.abc import Callable
from typing import Any

import httpx

from app.api.auth import (
    SELECTED_ORGANIZATION_CLAIM,
    DeviceCode,
    DeviceFlow,
    OAuthClient,
    Sleep,
    TokenManager,
    TokenResponse,
)
from app.api.client import DEFAULT_STREAM_IDLE_LIMIT, AutoretouchClient
from app.api.errors import ApiError, AuthError
from app.api.http import make_http_client
from app.api.retry import RetryPolicy
from app.api.servers import ServerProfile
from app.logsetup import register_secret
from app.store.secrets import SecretStore

logger = logging.getLogger(__name__)

REFRESH_TOKEN_ENV = "AUTORETOUCH_REFRESH_TOKEN"
ORGANIZATION_ENV = "AUTORETOUCH_ORGANIZATION_ID"
WORKFLOW_ENV = "AUTORETOUCH_WORKFLOW_ID"
DEFAULT_ACCOUNT = "default"

BrowserOpener = Callable[[str], Any]


class Session:
    def __init__(
        self,
        profile: ServerProfile,
        secrets: SecretStore | None = None,
        *,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        browser: BrowserOpener | None = None,
        poll_sleep: Sleep | None = None,
        stream_idle_limit: float = DEFAULT_STREAM_IDLE_LIMIT,
        token_margin: float = 120.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.profile = profile
        self.secrets = secrets if secrets is not None else SecretStore()
        self._http = http if http is not None else make_http_client(profile)
        self._owns_http = http is None
        self.oauth = OAuthClient(self._http, profile.auth_url, retry=retry)
        self._token_margin = token_margin
        self._clock = clock  # wall clock for token expiry; replaceable so tests can jump ahead
        self.tokens = self._new_token_manager(None)
        self.client = AutoretouchClient(
            profile, self.tokens, http=self._http, retry=retry, stream_idle_limit=stream_idle_limit
        )
        self._browser = browser if browser is not None else open_browser_if_possible
        self._poll_sleep = poll_sleep
        self.account = ""
        self.source = ""  # "keyring", "environment", "device-flow", "pasted" once signed in
        self.organization_override: str | None = None

    # --- state ----------------------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        return self.tokens.has_credentials

    @property
    def persistent(self) -> bool:
        """False when the sign-in will not survive a restart (no keyring, or from the env)."""
        return self.source != "environment" and self.secrets.persistent

    @property
    def default_organization_id(self) -> str | None:
        """An explicit choice, else $AUTORETOUCH_ORGANIZATION_ID, else the token's selection."""
        if self.organization_override:
            return self.organization_override
        from_env = os.environ.get(ORGANIZATION_ENV)
        if from_env:
            return from_env
        claim = self.tokens.claims.get(SELECTED_ORGANIZATION_CLAIM)
        return str(claim) if claim else None

    @property
    def default_workflow_id(self) -> str | None:
        return os.environ.get(WORKFLOW_ENV) or None

    # --- signing in -----------------------------------------------------------------------

    async def restore(self, *, check: bool = True) -> bool:
        """Sign in from $AUTORETOUCH_REFRESH_TOKEN or the keyring, checking the token works.

        False when there is nothing saved, or the saved token was revoked (it is then removed).
        Network failures raise, so "offline" is never mistaken for "signed out".
        check=False only loads the saved token, without asking the server (signing out
        offline must still forget it).
        """
        from_env = os.environ.get(REFRESH_TOKEN_ENV, "").strip()
        token: str | None
        if from_env:
            token, account, source = from_env, "", "environment"
        else:
            account = self.secrets.get(self._current_key()) or ""
            token = self.secrets.get(self._token_key(account)) if account else None
            source = "keyring"
        if not token:
            return False
        register_secret(token)
        tokens = self._new_token_manager(token, persist=source == "keyring", account=account)
        if not check:
            self._install(tokens, source, account)
            return True
        try:
            await tokens.access_token()
        except AuthError as exc:
            if source == "environment":
                # Not ours to delete, and "not signed in" would send the user the wrong way.
                raise AuthError(
                    exc.status,
                    f"The refresh token in {REFRESH_TOKEN_ENV} was rejected: replace or unset it",
                    exc.path,
                    exc.error,
                ) from None
            logger.warning("Saved sign-in for %s was rejected", self.profile.name)
            self._forget(account)
            return False
        self._install(tokens, source, account or self._account_from_claims(tokens))
        return True

    async def sign_in_device_flow(
        self,
        on_code: Callable[[DeviceCode], None],
        cancel: asyncio.Event | None = None,
        open_browser: bool = True,
    ) -> None:
        """Show a code (on_code), open the browser, wait until the user confirms or declines.

        Raises a SignInError subclass (expired, declined, cancelled); task cancellation works too.
        """
        flow = DeviceFlow(self.oauth, sleep=self._poll_sleep)
        code = await flow.start()
        on_code(code)
        if open_browser:
            await asyncio.to_thread(self._browser, code.verification_uri_complete)
        tokens = await flow.wait(code, cancel)
        self._adopt(tokens, None, "device-flow")

    async def sign_in_with_refresh_token(self, token: str) -> None:
        """A pasted refresh token (a "device connection" from the web app); checked first."""
        token = token.strip()
        if not token:
            raise AuthError(401, "The refresh token is empty", error="Unauthorized")
        register_secret(token)
        tokens = await self.oauth.refresh(token)
        self._adopt(tokens, token, "pasted")

    async def sign_out(self) -> bool:
        """Revoke the refresh token at the server, then delete it here. True if revoked.

        A token from $AUTORETOUCH_REFRESH_TOKEN is only forgotten, not revoked: it is managed
        outside the app (scripts, CI) and revoking it would break them behind the user's back.
        Local deletion happens even when the server cannot be reached.
        """
        token = self.tokens.refresh_token
        revoked = False
        if token and self.source != "environment":
            try:
                await self.oauth.revoke(token)
                revoked = True
            except ApiError as exc:
                logger.warning("Could not revoke the sign-in at %s: %s", self.profile.name, exc)
        if self.source != "environment":
            self._forget(self.account)
        self.tokens.clear()
        self.source = ""
        return revoked

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    # --- internals ------------------------------------------------------------------------

    def _adopt(self, response: TokenResponse, refresh_token: str | None, source: str) -> None:
        """Install fresh tokens from a sign-in and save the refresh token in the keyring."""
        refresh = response.refresh_token or refresh_token
        if not refresh:
            # Without offline_access there is nothing to keep; this session still works.
            logger.warning("The server sent no refresh token: the sign-in lasts this session")
        tokens = self._new_token_manager(refresh, persist=False)
        tokens.accept(response)
        account = self._account_from_claims(tokens)
        if refresh:
            self.secrets.set(self._token_key(account), refresh)
            self.secrets.set(self._current_key(), account)
        tokens.enable_persistence(lambda new: self.secrets.set(self._token_key(account), new))
        self._install(tokens, source, account)
        if not self.secrets.persistent:
            logger.warning("No keyring: the sign-in is kept in memory until the app closes")

    def _install(self, tokens: TokenManager, source: str, account: str) -> None:
        # The client keeps its TokenManager reference, so swap the state, not the object.
        self.tokens.take_over(tokens)
        self.source = source
        self.account = account

    def _new_token_manager(
        self, refresh_token: str | None, *, persist: bool = False, account: str = ""
    ) -> TokenManager:
        def store(new: str) -> None:
            self.secrets.set(self._token_key(account), new)

        return TokenManager(
            self.oauth,
            refresh_token,
            on_refresh_token=store if persist else None,
            margin=self._token_margin,
            clock=self._clock,
        )

    def _account_from_claims(self, tokens: TokenManager) -> str:
        claims = tokens.claims
        return str(claims.get("sub") or claims.get("email") or DEFAULT_ACCOUNT)

    def _forget(self, account: str) -> None:
        if account:
            self.secrets.delete(self._token_key(account))
        self.secrets.delete(self._current_key())

    def _token_key(self, account: str) -> str:
        return f"{self.profile.key} {account}"

    def _current_key(self) -> str:
        return f"{self.profile.key} (current account)"


def open_browser_if_possible(url: str) -> bool:
    """Open the URL where a graphical session exists; headless machines just show the code."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False
    try:
        return webbrowser.open(url, new=2)
    except webbrowser.Error:
        return False
