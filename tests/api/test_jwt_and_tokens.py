"""JWT claim decoding (no verification) and the token manager's refresh timing."""

from __future__ import annotations

import base64
import json

from app.api.auth import SELECTED_ORGANIZATION_CLAIM, DeviceCode, TokenResponse, decode_jwt_claims


def make_jwt(claims: dict[str, object]) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return ".".join(
        [b64(b'{"alg":"HS256","typ":"JWT"}'), b64(json.dumps(claims).encode()), b64(b"sig")]
    )


def test_claims_are_read_without_verification() -> None:
    token = make_jwt({"sub": "user|1", SELECTED_ORGANIZATION_CLAIM: "org-1", "exp": 99})
    claims = decode_jwt_claims(token)
    assert claims["sub"] == "user|1"
    assert claims[SELECTED_ORGANIZATION_CLAIM] == "org-1"


def test_non_jwt_gives_no_claims() -> None:
    assert decode_jwt_claims("opaque") == {}
    assert decode_jwt_claims("a.!!!.c") == {}
    assert decode_jwt_claims("a." + base64.urlsafe_b64encode(b"[1]").decode() + ".c") == {}


def test_reprs_hide_secrets() -> None:
    tokens = TokenResponse(access_token="AT-SECRET", refresh_token="RT-SECRET", expires_in=5)
    code = DeviceCode.from_json(
        {
            "device_code": "DEV-SECRET",
            "user_code": "ABCD-EFGH",
            "verification_uri": "http://x/activate",
            "interval": 0,
        }
    )
    text = repr(tokens) + repr(code)
    assert "SECRET" not in text
    assert "ABCD-EFGH" in text
    assert code.interval == 0.0 and code.expires_in == 900
    assert code.verification_uri_complete == "http://x/activate"
