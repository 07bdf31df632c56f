"""The app's httpx transport: httpcore's connection pool on the asyncio network backend.

httpx has no public way to give its own transport a network backend, while httpcore's pool
takes one. So this is a transport of our own, written against public API only: it implements
`httpx.AsyncBaseTransport`, turns each `httpx.Request` into an `httpcore.Request` for an
`httpcore.AsyncConnectionPool(network_backend=AsyncioBackend())`, hands the response body back
as an `httpx.AsyncByteStream`, and raises the httpx exception for each httpcore one (the rest
of the client catches httpx's). It does what httpx's AsyncHTTPTransport does for a direct
HTTP/1.1 connection; proxies stay on httpx's own transports (see `proxies`).
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import NoReturn

import httpcore
import httpx

from app.api.network import AsyncioBackend

logger = logging.getLogger(__name__)

# Most specific first: the first match is the one raised (a ReadTimeout, not a Timeout).
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
)


def httpx_error_for(exc: Exception) -> httpx.TransportError | None:
    """The httpx exception that stands for an httpcore one (None for anything else)."""
    for core_class, httpx_class in _ERRORS:
        if isinstance(exc, core_class):
            return httpx_class(str(exc))
    return None


def _reraise_as_httpx(exc: Exception) -> NoReturn:
    mapped = httpx_error_for(exc)
    if mapped is None:
        raise exc
    raise mapped from exc


class AsyncioTransport(httpx.AsyncBaseTransport):
    """Direct HTTP/1.1 connections, pooled and kept alive, on asyncio streams."""

    def __init__(
        self,
        ssl_context: ssl.SSLContext,
        limits: httpx.Limits,
        *,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=network_backend or AsyncioBackend(),
        )

    @property
    def connection_count(self) -> int:
        """Connections in the pool right now, busy or idle (for diagnostics and tests)."""
        return len(self._pool.connections)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = request.stream
        if not isinstance(body, httpx.AsyncByteStream):
            raise TypeError("AsyncioTransport needs a request body httpx can send asynchronously")
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=body,
            extensions=request.extensions,
        )
        try:
            response = await self._pool.handle_async_request(core_request)
        except Exception as exc:
            _reraise_as_httpx(exc)
        stream = response.stream
        if not isinstance(stream, AsyncIterable):
            raise TypeError("httpcore answered an async request with a sync body")
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseBody(stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        try:
            await self._pool.aclose()
        except Exception as exc:
            _reraise_as_httpx(exc)


class _ResponseBody(httpx.AsyncByteStream):
    """A response body from the pool. Closing it (also when a read is cancelled midway) gives
    the connection back to the pool, or closes it if the body was not read to its end."""

    def __init__(self, stream: AsyncIterable[bytes] | Iterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._stream, AsyncIterable)
        try:
            async for part in self._stream:
                yield part
        except Exception as exc:
            _reraise_as_httpx(exc)

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is None:
            return
        try:
            await close()
        except Exception as exc:
            _reraise_as_httpx(exc)
