"""The one shared `httpx.AsyncClient` per server, with the app's timeouts and TLS policy."""

from __future__ import annotations

import httpx

from app import __version__
from app.api.errors import ProtocolViolationError
from app.api.servers import ServerProfile, is_loopback

# Separate limits: a dead host is noticed fast (connect), a slow answer is given time (read).
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=60.0)
USER_AGENT = f"retouchdesk/{__version__}"


def make_http_client(
    profile: ServerProfile, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT, max_connections: int = 32
) -> httpx.AsyncClient:
    """A client for both the API and the auth host of `profile`.

    No base_url: the auth host may differ from the API host, and absolute URLs keep it explicit
    where each request goes. HTTPS always verifies (OS trust store); there is no opt-out.
    """
    return httpx.AsyncClient(
        verify=profile.ssl_context(),
        timeout=timeout,
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,  # opted into per request (downloads) where it is wanted
        trust_env=True,  # honour HTTPS_PROXY/NO_PROXY like the rest of the desktop does
        # Checked on every request, redirects included: a server (or whoever answers for it)
        # must not be able to bounce a download to plain HTTP on another host.
        event_hooks={"request": [_refuse_plain_http_off_loopback]},
    )


async def _refuse_plain_http_off_loopback(request: httpx.Request) -> None:
    url = request.url
    if url.scheme == "http" and not is_loopback(url.host):
        raise ProtocolViolationError(
            0, f"refusing plain HTTP to {url.host}: only this computer may be reached unencrypted"
        )
