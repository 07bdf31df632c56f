"""One logical API request: a fresh token, the retry policy, typed errors.

Every endpoint group sends through `ApiCaller.send`. It re-sends once after a 401 with a
refreshed token, and after transient failures as `retry.RetryPolicy` decides; a redirect that
only adds or removes a trailing slash is followed (some servers answer `/workflow/` that way).
Answers are read liberally: plain text by its declared charset, quoted or not, with or
without a byte-order mark.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import httpx

from app.api.auth import TokenManager
from app.api.errors import ProtocolViolationError, error_from_response, transport_failure
from app.api.models import Page
from app.api.retry import Failure, RetryPolicy, parse_retry_after
from app.api.servers import ServerProfile
from app.api.streams import FileWorkers

logger = logging.getLogger(__name__)

T = TypeVar("T")
Params = Mapping[str, str | int | bool | None]

PAGE_SIZE = 50
# Transport errors after which the request certainly never reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Only these keep the method and body: a POST answered 301/302/303 is not sent again.
_METHOD_KEEPING_REDIRECTS = frozenset({307, 308})


class RequestBody(Protocol):
    async def prepare(self) -> tuple[dict[str, str], AsyncIterator[bytes]]:
        """Headers and the body stream of one attempt (each attempt gets a fresh stream)."""
        ...


class ApiCaller:
    def __init__(
        self,
        profile: ServerProfile,
        tokens: TokenManager | None,
        http: httpx.AsyncClient,
        policy: RetryPolicy,
    ) -> None:
        self.profile = profile
        self.tokens = tokens
        self.http = http
        self.policy = policy

    def url(self, path: str) -> str:
        return self.profile.api_url + path

    async def token(self) -> str | None:
        return await self.tokens.access_token() if self.tokens is not None else None

    async def after_rejection(self, token: str) -> None:
        assert self.tokens is not None
        await self.tokens.refresh_after_rejection(token)

    async def send(
        self,
        method: str,
        path: str,
        params: Params | None = None,
        *,
        idempotent: bool,
        auth: bool = True,
        json: Any = None,
        body: RequestBody | None = None,
        stream: bool = False,
        timeout: httpx.Timeout | None = None,
        follow_redirects: bool = False,
        retry: RetryPolicy | None = None,
    ) -> httpx.Response:
        """Send one logical request; returns a 2xx/3xx response or raises a typed ApiError.

        A `body` is read afresh by every attempt. With stream=True the caller must close the
        returned response.
        """
        query = clean_params(params or {})
        policy = retry or self.policy
        url = self.url(path)
        tries = 0
        rejected_once = moved_once = False
        while True:
            token = await self.token() if auth else None
            headers = auth_headers(token)
            content = None
            if body is not None:
                body_headers, content = await body.prepare()
                headers.update(body_headers)
            tries += 1
            try:
                request = self.http.build_request(
                    method,
                    url,
                    params=query,
                    headers=headers,
                    json=json,
                    content=content,
                    # None would mean "no timeout at all" to httpx, not "the usual one".
                    timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
                )
                response = await self.http.send(
                    request, stream=stream, follow_redirects=follow_redirects
                )
            except httpx.TransportError as exc:
                failure = Failure.NOT_SENT if isinstance(exc, _NOT_SENT) else Failure.BROKEN
                wait = policy.wait_before_retry(tries, failure, idempotent=idempotent)
                if wait is None:
                    # One mapping for sign-in and API calls: a certificate problem says so.
                    raise transport_failure(exc, self.profile.name, path) from None
                logger.info("%s %s: %s, retrying in %.2f s", method, path, type(exc).__name__, wait)
                await asyncio.sleep(wait)
                continue

            status = response.status_code
            if status == 401 and token and not rejected_once:
                # The server refused the token (expired early, revoked, clock skew): refresh
                # once and resend. Safe even for create: a 401 means nothing was done.
                await response.aclose()
                rejected_once = True
                tries -= 1  # not a failure of the request itself
                await self.after_rejection(token)
                continue
            redirects = _REDIRECTS if method in ("GET", "HEAD") else _METHOD_KEEPING_REDIRECTS
            if status in redirects and not follow_redirects and not moved_once:
                moved = slash_variant(response)
                if moved is not None:
                    await response.aclose()
                    url, moved_once = moved, True
                    tries -= 1
                    continue
            if policy.should_retry_status(status):
                retry_after = parse_retry_after_header(response)
                wait = policy.wait_before_retry(
                    tries, Failure.ANSWERED, idempotent=idempotent, retry_after=retry_after
                )
                if wait is not None:
                    await response.aclose()
                    logger.info("%s %s: %d, retrying in %.2f s", method, path, status, wait)
                    await asyncio.sleep(wait)
                    continue
            if status >= 400:
                await response.aread()
                await response.aclose()
                raise error_from_response(response, parse_retry_after_header(response))
            return response

    async def all_pages(
        self,
        path: str,
        params: Params,
        parse: Callable[[Mapping[str, Any]], T],
        page_size: int = PAGE_SIZE,
    ) -> list[T]:
        items: list[T] = []
        while True:
            page_params = {**params, "limit": page_size, "offset": len(items)}
            response = await self.send("GET", path, page_params, idempotent=True)
            page = Page.from_json(json_of(response), parse)
            items.extend(page.entries)
            if not page.entries or len(items) >= page.total:
                return items


def parse_retry_after_header(response: httpx.Response) -> float | None:
    return parse_retry_after(response.headers.get("retry-after"))


def slash_variant(response: httpx.Response) -> str | None:
    """Where a redirect points, if it is the same resource with or without a trailing slash
    on the same origin; any other redirect is not followed here."""
    location = response.headers.get("location")
    if not location:
        return None
    asked = response.request.url
    try:
        target = asked.join(location)
    except httpx.InvalidURL:
        return None
    origin = (asked.scheme, asked.host, asked.port)
    same_origin = (target.scheme, target.host, target.port) == origin
    if not same_origin or target.path == asked.path:
        return None
    if target.path.rstrip("/") != asked.path.rstrip("/"):
        return None
    path = target.raw_path.partition(b"?")[0].decode("ascii")
    return f"{asked.scheme}://{asked.netloc.decode('ascii')}{path}"


def auth_headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def clean_params(params: Params) -> dict[str, str]:
    """Drop unset parameters; booleans the way Spring reads them."""
    clean: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        clean[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return clean


def segment(value: str) -> str:
    """One path segment: an id must not be able to walk the path (`..`, `/`)."""
    return quote(value, safe="")


def json_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ProtocolViolationError(
            response.status_code, "answer is not JSON", response.request.url.path
        ) from None


def plain_text_of(response: httpx.Response) -> str:
    """Ids, hashes and the balance come as text/plain, decoded by their declared charset
    (httpx falls back to UTF-8); some servers quote them as a JSON string."""
    text = response.text.lstrip("\ufeff").strip().strip('"').strip()
    if not text:
        raise ProtocolViolationError(
            response.status_code, "empty answer", response.request.url.path
        )
    return text


class EndpointGroup:
    """What each group of endpoint methods uses; `AutoretouchClient` sets it up."""

    _caller: ApiCaller
    _files: FileWorkers
    # Downloads and status streams may stay silent for long: their read timeout is the
    # stream idle limit, not the short one of ordinary calls.
    _stream_timeout: httpx.Timeout
    page_size: int
