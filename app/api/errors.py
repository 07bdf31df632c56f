"""Errors the API client raises, one class per thing a caller does differently.

The server answers failures with Spring-style JSON (`timestamp, status, error, message, path`).
Callers branch on the class (sign in again, skip, back off, top up credits), never on text.
Messages carry server text and request paths only: never a token, never a full URL with a query.
"""

from __future__ import annotations

import json
import logging
import ssl
from typing import Any

import httpx

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An HTTP answer the client could not turn into a result."""

    def __init__(
        self,
        status: int,
        message: str,
        path: str = "",
        error: str = "",
        *,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.message = message
        self.path = path
        self.error = error
        self.retry_after = retry_after
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = f"{self.status} {self.error}".strip() if self.status else self.error
        where = f" ({self.path})" if self.path else ""
        text = self.message or head
        return f"{text}{where}" if text == head else f"{head}: {text}{where}"


class AuthError(ApiError):
    """Not signed in, or the token was rejected: the user has to sign in again."""


class NotSignedInError(AuthError):
    """No credentials at all for this server."""

    def __init__(self, server: str) -> None:
        super().__init__(401, f"Not signed in to {server}", error="Unauthorized")
        self.server = server


class ForbiddenError(ApiError):
    """403 on an API call: signed in, but not allowed (wrong organization, someone else's image)."""


class NotFoundError(ApiError):
    """404: the workflow, execution, upload or image does not exist (or is already completed)."""


class UnprocessableError(ApiError):
    """422: the server cannot process this image (format, size)."""


class PaymentRequiredError(ApiError):
    """402: not enough credits."""


class TransientError(ApiError):
    """429 or 5xx: try again later. Raised once the client's own retries are spent."""


class ConnectionFailedError(TransientError):
    """The server could not be reached or the connection broke (status 0)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(0, message, path, "Connection failed")


class CertificateError(ConnectionFailedError):
    """TLS verification failed: the server's certificate is not trusted by this computer.

    Its own class because the advice differs from "is it running?": a corporate proxy's CA
    must be installed in the OS trust store (or named in RETOUCHDESK_CA_BUNDLE).
    """


def transport_failure(exc: BaseException, what: str, path: str = "") -> ConnectionFailedError:
    """The error to raise for a transport exception while talking to `what`."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = cause.verify_message or "certificate not trusted"
            return CertificateError(
                f"the certificate of {what} is not trusted ({reason}); if a company proxy "
                "inspects HTTPS, install its CA in the system trust store or set "
                "RETOUCHDESK_CA_BUNDLE",
                path,
            )
        cause = cause.__cause__ or cause.__context__
    return ConnectionFailedError(f"cannot reach {what}: {type(exc).__name__}", path)


class ProtocolViolationError(ApiError):
    """The server answered 2xx with something this client cannot read."""


_BY_STATUS: dict[int, type[ApiError]] = {
    401: AuthError,
    402: PaymentRequiredError,
    403: ForbiddenError,
    404: NotFoundError,
    422: UnprocessableError,
    429: TransientError,
}


def error_class_for(status: int) -> type[ApiError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return TransientError
    return ApiError


def error_from_response(response: httpx.Response, retry_after: float | None = None) -> ApiError:
    """Build the typed error for a failed response whose body has been read."""
    status = response.status_code
    body = _json_body(response)
    message = str(body.get("message") or "") if body else ""
    if not message and not body:
        # Plain-text error bodies exist (proxies, gateways); keep a short, single-line excerpt.
        message = " ".join(response.text.split())[:200] if _is_text(response) else ""
    error = str(body.get("error") or "") if body else ""
    path = str(body.get("path") or "") if body else ""
    return error_class_for(status)(
        status,
        message,
        path or response.request.url.path,
        error or response.reason_phrase,
        retry_after=retry_after,
    )


def _json_body(response: httpx.Response) -> dict[str, Any] | None:
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        parsed = json.loads(response.content or b"null")
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _is_text(response: httpx.Response) -> bool:
    content_type = str(response.headers.get("content-type", ""))
    return content_type.startswith(("text/plain", "text/html"))
