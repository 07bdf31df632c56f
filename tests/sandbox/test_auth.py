"""Sign-in on the sandbox: device flow, the /activate page, tokens, refresh, revoke."""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any

import httpx

from .helpers import CLIENT_ID, DEVICE_GRANT, sign_in

ORG_CLAIM = "https://autoretouch.com/selectedOrganization"


def device_code(auth: httpx.Client) -> dict[str, Any]:
    response = auth.post(
        "/oauth/device/code",
        data={
            "client_id": CLIENT_ID,
            "scope": "offline_access",
            "audience": "https://api.autoretouch.com",
        },
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def poll(auth: httpx.Client, code: str) -> httpx.Response:
    return auth.post(
        "/oauth/token",
        data={"grant_type": DEVICE_GRANT, "device_code": code, "client_id": CLIENT_ID},
    )


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    result: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return result


def test_device_flow_pending_then_approved_on_the_activate_page(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(auto_approve=False)
    with httpx.Client(base_url=sandbox.base_url) as auth:
        code = device_code(auth)
        assert list(code) == [
            "device_code",
            "user_code",
            "verification_uri",
            "verification_uri_complete",
            "expires_in",
            "interval",
        ]
        assert re.fullmatch(r"[A-Z]{4}-[A-Z]{4}", code["user_code"])
        assert re.fullmatch(r"[A-Za-z0-9_.-]+", code["device_code"])
        assert code["verification_uri"] == f"{sandbox.base_url}/activate"
        assert code["verification_uri_complete"].endswith(f"?user_code={code['user_code']}")
        assert code["expires_in"] == 900 and code["interval"] == 0

        pending = poll(auth, code["device_code"])
        assert pending.status_code == 403
        assert pending.json()["error"] == "authorization_pending"

        page = auth.get(code["verification_uri_complete"])
        assert page.status_code == 200 and code["user_code"] in page.text
        approved = auth.post(
            "/activate", data={"user_code": code["user_code"], "action": "approve"}
        )
        assert approved.status_code == 200 and "approved" in approved.text

        tokens = poll(auth, code["device_code"])
        assert tokens.status_code == 200
        body = tokens.json()
        assert list(body) == ["access_token", "refresh_token", "scope", "expires_in", "token_type"]
        assert body["token_type"] == "Bearer" and body["expires_in"] == 86400
        token_claims = claims(body["access_token"])
        assert token_claims[ORG_CLAIM] == sandbox.org_id
        assert token_claims["exp"] > time.time() + 86000
        # A device code is good for one sign-in only.
        assert poll(auth, code["device_code"]).json()["error"] == "invalid_grant"
        # The activate page refuses a code that was already used.
        again = auth.post("/activate", data={"user_code": code["user_code"], "action": "approve"})
        assert again.status_code == 404


def test_slow_down_when_polled_faster_than_the_interval(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(auto_approve=False, device_interval=30)
    with httpx.Client(base_url=sandbox.base_url) as auth:
        code = device_code(auth)
        assert code["interval"] == 30
        assert poll(auth, code["device_code"]).json()["error"] == "authorization_pending"
        fast = poll(auth, code["device_code"])
        assert fast.status_code == 429 and fast.json()["error"] == "slow_down"


def test_denied_and_approved_from_the_runner(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(auto_approve=False)
    with httpx.Client(base_url=sandbox.base_url) as auth:
        denied = device_code(auth)
        assert sandbox.deny(denied["user_code"])
        answer = poll(auth, denied["device_code"])
        assert answer.status_code == 403 and answer.json()["error"] == "access_denied"

        approved = device_code(auth)
        assert sandbox.approve(approved["user_code"].lower())  # people type in lower case too
        assert poll(auth, approved["device_code"]).status_code == 200
        assert not sandbox.approve("NOPE-NOPE")


def test_expired_code_says_expired_token_once_then_invalid_grant(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(auto_approve=False, device_code_ttl=0)
    with httpx.Client(base_url=sandbox.base_url) as auth:
        code = device_code(auth)
        first = poll(auth, code["device_code"])
        assert first.status_code == 403 and first.json()["error"] == "expired_token"
        assert poll(auth, code["device_code"]).json()["error"] == "invalid_grant"
        assert not sandbox.approve(code["user_code"])


def test_refresh_gives_a_new_access_token_and_no_refresh_token(sandbox: Any) -> None:
    tokens = sign_in(sandbox.base_url)
    with httpx.Client(base_url=sandbox.base_url) as auth:
        refreshed = auth.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "client_id": CLIENT_ID,
            },
        )
        assert refreshed.status_code == 200
        assert list(refreshed.json()) == ["access_token", "scope", "expires_in", "token_type"]
        access = refreshed.json()["access_token"]
        assert auth.get("/v1/workflow", headers={"Authorization": f"Bearer {access}"}).is_success

        revoked = auth.post(
            "/oauth/revoke", json={"client_id": CLIENT_ID, "token": tokens["refresh_token"]}
        )
        assert revoked.status_code == 200
        after = auth.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "client_id": CLIENT_ID,
            },
        )
        assert after.status_code == 403 and after.json()["error"] == "invalid_grant"
        unknown = auth.post("/oauth/token", data={"grant_type": "password"})
        assert unknown.json()["error"] == "unsupported_grant_type"


def test_expired_access_token_is_401(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(token_ttl=1)
    tokens = sign_in(sandbox.base_url)
    assert tokens["expires_in"] == 1
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    with httpx.Client(base_url=sandbox.base_url, headers=headers) as api:
        deadline = time.monotonic() + 5
        while api.get("/v1/organization/balance").status_code == 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        response = api.get("/v1/organization/balance")
        assert response.status_code == 401
        assert "expired" in response.json()["message"]
