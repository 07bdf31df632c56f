"""The app's HTTP clients: one per pool, with the app's timeouts, TLS policy and transport."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from app import __version__
from app.api.errors import ProtocolViolationError
from app.api.proxies import environment_proxy_mounts
from app.api.servers import ServerProfile, is_loopback
from app.api.transport import AsyncioTransport

# Separate limits: a dead host is noticed fast (connect), a slow answer is given time (read).
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=60.0)
USER_AGENT = f"retouchdesk/{__version__}"

logger = logging.getLogger(__name__)


def make_http_client(
    profile: ServerProfile, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT, max_connections: int = 32
) -> CookielessClient:
    """A client for both the API and the auth host of `profile`.

    No base_url: the auth host may differ from the API host, and absolute URLs keep it explicit
    where each request goes. HTTPS always verifies (OS trust store); there is no opt-out.
    Requests go through `AsyncioTransport`, except to hosts the environment's proxy settings
    send through a proxy (httpx's own transport does that).
    """
    verify = profile.ssl_context()
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    transport = AsyncioTransport(verify, limits)
    return CookielessClient(
        verify=verify,
        timeout=timeout,
        limits=limits,
        transport=transport,
        # A client given a transport no longer reads proxies from the environment itself.
        mounts=environment_proxy_mounts(verify, limits),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,  # opted into per request (downloads) where it is wanted
        # Checked on every request, redirects included: a server (or whoever answers for it)
        # must not be able to bounce a download to plain HTTP on another host.
        event_hooks={"request": [_refuse_plain_http_off_loopback]},
        direct_transport=transport,
    )


class _NoCookies(httpx.Cookies):
    def extract_cookies(self, response: httpx.Response) -> None:
        pass


class CookielessClient(httpx.AsyncClient):
    """An AsyncClient that neither keeps nor sends cookies.

    The API authenticates every request with a bearer token; nothing it does needs a cookie,
    and a cookie a server (or a proxy) slipped in would only be state nobody asked for. It is
    also cheaper: httpx otherwise runs every response's headers through urllib's cookie
    machinery, a fifth of a millisecond per response, several responses per image.
    """

    def __init__(self, *, direct_transport: AsyncioTransport | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._no_cookies = _NoCookies()
        # The transport for hosts reached without a proxy, kept for diagnostics and tests.
        self.direct_transport = direct_transport

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._no_cookies = _NoCookies(cookies)  # given explicitly: sent, but never added to


async def _refuse_plain_http_off_loopback(request: httpx.Request) -> None:
    url = request.url
    if url.scheme == "http" and not is_loopback(url.host):
        raise ProtocolViolationError(
            0, f"refusing plain HTTP to {url.host}: only this computer may be reached unencrypted"
        )
