"""Sign-in on the sandbox: the OAuth device flow, signed access tokens, refresh and revoke.

Behaves like the vendor's Auth0 tenant as far as clients can observe: RFC 8628 device codes
with `authorization_pending` / `slow_down` / `expired_token` (once, then `invalid_grant`) /
`access_denied`, HS256 JWT access tokens carrying `exp` and the selected-organization claim,
opaque refresh tokens that live until revoked. The signing secret is persisted in the data
folder so tokens stay valid across restarts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from app.sandbox.store import Store

AUDIENCE = "https://api.autoretouch.com"
ORG_CLAIM = "https://autoretouch.com/selectedOrganization"
SCOPE = "offline_access"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels: no accidental words
# A client that waits exactly `interval` between polls may still reach us a little early
# when its previous request was slow to arrive; that is not polling too fast.
_POLL_TOLERANCE = 0.25


@dataclass(frozen=True)
class Principal:
    user_id: str
    org_id: str


class OAuthError(Exception):
    """An RFC 6749 error answer: `{"error": code, "error_description": ...}` with `status`."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description


class InvalidToken(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authority:
    def __init__(
        self,
        store: Store,
        token_ttl: int,
        device_interval: int,
        device_code_ttl: int,
        auto_approve: bool,
    ) -> None:
        self._store = store
        self._secret = store.jwt_secret()
        self.token_ttl = token_ttl
        self.device_interval = device_interval
        self.device_code_ttl = device_code_ttl
        self.auto_approve = auto_approve

    # -- access tokens ---------------------------------------------------------------------------

    def issue_access_token(
        self, user_id: str, org_id: str, issuer: str, ttl: int | None = None
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "sub": user_id,
            "aud": [AUDIENCE],
            "iat": now,
            "exp": now + (self.token_ttl if ttl is None else ttl),
            "scope": SCOPE,
            ORG_CLAIM: org_id,
        }
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{header}.{payload}.{self._sign(f'{header}.{payload}')}"

    def _sign(self, signing_input: str) -> str:
        return _b64(hmac.new(self._secret, signing_input.encode(), hashlib.sha256).digest())

    def verify(self, token: str) -> Principal:
        parts = token.split(".")
        if len(parts) != 3:
            raise InvalidToken("malformed token")
        if not hmac.compare_digest(self._sign(f"{parts[0]}.{parts[1]}"), parts[2]):
            raise InvalidToken("bad signature")
        try:
            header = json.loads(_unb64(parts[0]))
            claims: dict[str, Any] = json.loads(_unb64(parts[1]))
        except ValueError as exc:
            raise InvalidToken("malformed token") from exc
        if header.get("alg") != "HS256":
            raise InvalidToken("unexpected algorithm")
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= time.time():
            raise InvalidToken("token expired")
        return Principal(user_id=str(claims.get("sub")), org_id=str(claims.get(ORG_CLAIM)))

    def _token_answer(self, user_id: str, org_id: str, issuer: str) -> dict[str, Any]:
        return {
            "access_token": self.issue_access_token(user_id, org_id, issuer),
            "scope": SCOPE,
            "expires_in": self.token_ttl,
            "token_type": "Bearer",
        }

    # -- device flow -----------------------------------------------------------------------------

    def start_device_flow(self, base_url: str) -> dict[str, Any]:
        device_code = secrets.token_urlsafe(32)
        user_code = "-".join(
            "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(4)) for _ in range(2)
        )
        state = "approved" if self.auto_approve else "pending"
        self._store.add_device_code(
            device_code, user_code, state, time.time() + self.device_code_ttl, self.device_interval
        )
        return {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": f"{base_url}/activate",
            "verification_uri_complete": f"{base_url}/activate?user_code={user_code}",
            "expires_in": self.device_code_ttl,
            "interval": self.device_interval,
        }

    def decide(self, user_code: str, approve: bool) -> bool:
        """What the /activate page does. False when the code is unknown, used or expired."""
        row = self._store.device_code_by_user_code(user_code.strip().upper())
        if row is None or row["state"] != "pending" or row["expires_at"] <= time.time():
            return False
        self._store.update_device_code(
            row["device_code"], state="approved" if approve else "denied"
        )
        return True

    def poll_device_code(self, device_code: str, issuer: str) -> dict[str, Any]:
        row = self._store.device_code(device_code)
        if row is None or row["state"] in ("used", "dead"):
            raise OAuthError(403, "invalid_grant", "Invalid or expired device code.")
        now = time.time()
        if row["expires_at"] <= now:
            # RFC 8628: say expired_token once; afterwards the code simply does not exist.
            self._store.update_device_code(device_code, state="dead")
            raise OAuthError(403, "expired_token", "The device code has expired.")
        if row["state"] == "denied":
            self._store.update_device_code(device_code, state="dead")
            raise OAuthError(403, "access_denied", "The user denied the request.")
        if row["state"] == "approved":
            self._store.update_device_code(device_code, state="used", last_poll=now)
            answer = self._token_answer(self._store.user_id, self._store.org_id, issuer)
            refresh = secrets.token_urlsafe(48)
            self._store.add_refresh_token(refresh, self._store.user_id, self._store.org_id)
            # Exactly the five fields the vendor's SDK builds its record from.
            return {
                "access_token": answer["access_token"],
                "refresh_token": refresh,
                "scope": answer["scope"],
                "expires_in": answer["expires_in"],
                "token_type": answer["token_type"],
            }
        last_poll = row["last_poll"]
        self._store.update_device_code(device_code, last_poll=now)
        if last_poll is not None and now - last_poll < row["interval"] - _POLL_TOLERANCE:
            raise OAuthError(429, "slow_down", "You are polling faster than the interval.")
        raise OAuthError(403, "authorization_pending", "User has yet to authorize device code.")

    # -- refresh and revoke ----------------------------------------------------------------------

    def refresh(self, refresh_token: str, issuer: str) -> dict[str, Any]:
        row = self._store.refresh_token(refresh_token)
        if row is None:
            raise OAuthError(403, "invalid_grant", "Unknown or invalid refresh token.")
        return self._token_answer(row["user_id"], row["org_id"], issuer)

    def revoke(self, refresh_token: str) -> None:
        self._store.revoke_refresh_token(refresh_token)
