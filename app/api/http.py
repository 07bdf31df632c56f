"""The one shared `httpx.AsyncClient` per server, with the app's timeouts and TLS policy."""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from app import __version__
from app.api.errors import ProtocolViolationError
from app.api.servers import ServerProfile, is_loopback

# Separate limits: a dead host is noticed fast (connect), a slow answer is given time (read).
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=60.0)
USER_AGENT = f"retouchdesk/{__version__}"

logger = logging.getLogger(__name__)


def make_http_client(
    profile: ServerProfile, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT, max_connections: int = 32
) -> httpx.AsyncClient:
    """A client for both the API and the auth host of `profile`.

    No base_url: the auth host may differ from the API host, and absolute URLs keep it explicit
    where each request goes. HTTPS always verifies (OS trust store); there is no opt-out.
    """
    verify = profile.ssl_context()
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    return CookielessClient(
        verify=verify,
        timeout=timeout,
        limits=limits,
        transport=_asyncio_transport(verify, limits),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,  # opted into per request (downloads) where it is wanted
        trust_env=True,  # honour HTTPS_PROXY/NO_PROXY like the rest of the desktop does
        # Checked on every request, redirects included: a server (or whoever answers for it)
        # must not be able to bounce a download to plain HTTP on another host.
        event_hooks={"request": [_refuse_plain_http_off_loopback]},
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

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._no_cookies = _NoCookies()

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


def _asyncio_transport(verify: ssl.SSLContext, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """httpx's own transport, with its connection pool on plain asyncio streams.

    httpcore's default network backend goes through anyio, whose cancel scope on every socket
    read and write (and attribute dictionary on every idle-connection check) was a large part
    of the client's CPU per image. Proxies from the environment get httpx's usual transports.

    The pool sits in the transport's private `_pool` (httpx has no public hook for a network
    backend), so pyproject pins httpx to the minor release this was written against, and a
    transport that no longer looks as expected is left as it is: slower, but correct.
    """
    transport = httpx.AsyncHTTPTransport(verify=verify, limits=limits)
    if not isinstance(getattr(transport, "_pool", None), httpcore.AsyncConnectionPool):
        logger.warning("httpx %s: keeping its own network backend", httpx.__version__)
        return transport
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=verify,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=AsyncioBackend(),
    )
    return transport


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection. Socket errors become the httpcore exceptions httpx expects (and turns
    into its own), as anyio's backend does. Plain try/except rather than a shared context
    manager: this runs for every read and write."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc) or type(exc).__name__) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        writer = self._writer
        if writer.transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        writer.write(buffer)
        if not writer.transport.get_write_buffer_size():
            return  # all of it went to the socket at once: nothing to wait for
        try:
            async with asyncio.timeout(timeout):
                await writer.drain()
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore.WriteError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        self._writer.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except OSError as exc:  # ssl.SSLError included: an untrusted certificate
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # idle, and the server closed it (or sent something)
            return self._reader.at_eof() or self._writer.transport.is_closing()
        if info in ("ssl_object", "socket"):
            return self._writer.get_extra_info(info)
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self._fallback = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if socket_options:  # not used by this app; anyio knows how
            return await self._fallback.connect_tcp(
                host, port, timeout, local_address, socket_options
            )
        local = (local_address, 0) if local_address else None
        try:
            async with asyncio.timeout(timeout):
                # asyncio sets TCP_NODELAY on TCP transports itself.
                reader, writer = await asyncio.open_connection(host, port, local_addr=local)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return await self._fallback.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
