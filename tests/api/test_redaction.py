"""The log redactor: secrets by shape, by name and by exact value; also in exception text."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.logsetup import REDACTED, configure_logging, redact, register_secret

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"Authorization: Bearer {JWT}", JWT),
        ("authorization: Bearer opaque-token-1234", "opaque-token-1234"),
        ("[(b'Authorization', b'Bearer abcdef123456')]", "abcdef123456"),
        ("{'authorization': 'Bearer zz9988776655'}", "zz9988776655"),
        (f"token is {JWT} here", JWT),
        ("grant_type=refresh_token&refresh_token=v1.Mj-Abc_123&client_id=x", "v1.Mj-Abc_123"),
        ('{"refresh_token": "rt-secret-value"}', "rt-secret-value"),
        ('{"access_token":"at-secret-value","expires_in":5}', "at-secret-value"),
        ("device_code=dev-code-9876&client_id=x", "dev-code-9876"),
        ("POST /oauth/revoke {'token': 'to-be-revoked-1'}", "to-be-revoked-1"),
    ],
)
def test_secret_patterns_are_removed(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert REDACTED in cleaned


def test_ordinary_text_is_untouched() -> None:
    text = "GET /v1/workflow?organization=abc&limit=50 -> 200 grant_type=refresh_token"
    assert redact(text) == text


def test_registered_opaque_secret_is_removed_anywhere() -> None:
    register_secret("Zq0paqueSecretWithoutAnyShape")
    assert redact("weird: Zq0paqueSecretWithoutAnyShape!") == f"weird: {REDACTED}!"
    register_secret("short")  # too short to redact safely: ordinary words must survive
    assert redact("a short word") == "a short word"


def test_log_file_has_no_secret_even_in_exceptions(isolated_home: Path) -> None:
    path = configure_logging(2, console=False)
    register_secret("rt_in_exception_123456")
    log = logging.getLogger("test.redaction")
    log.debug("headers %s", {"Authorization": f"Bearer {JWT}"})
    try:
        raise RuntimeError("refresh failed for rt_in_exception_123456")
    except RuntimeError:
        log.exception("boom with %s", "refresh_token=abc-def-ghi")
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = path.read_text(encoding="utf-8")
    assert path.is_relative_to(isolated_home)
    assert "boom with" in content and "RuntimeError" in content
    for secret in (JWT, "rt_in_exception_123456", "abc-def-ghi"):
        assert secret not in content


def test_verbosity_levels(isolated_home: Path) -> None:
    root = logging.getLogger()
    configure_logging(0)
    ours = [h for h in root.handlers if getattr(h, "_retouchdesk", False)]
    assert sorted(h.level for h in ours) == [logging.INFO, logging.WARNING]  # file, console
    assert logging.getLogger("httpx").level == logging.WARNING
    configure_logging(2)  # replaces, does not add
    ours = [h for h in root.handlers if getattr(h, "_retouchdesk", False)]
    assert sorted(h.level for h in ours) == [logging.DEBUG, logging.DEBUG]
    assert logging.getLogger("httpx").level == logging.INFO
    assert root.level == logging.DEBUG
