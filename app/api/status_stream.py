"""An execution's status as the server streams it (server-sent events).

Status streams get an HTTP pool of their own (made on first use, unless given). Dozens of
long-lived streams in the shared pool made every upload, create and download pay for them:
httpcore walks (and probes the socket of) every pooled connection on each request. Apart, the
short requests walk a handful of connections.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing, suppress

import httpx

from app.api.calls import EndpointGroup, auth_headers, clean_params, segment
from app.api.errors import ConnectionFailedError, error_from_response
from app.api.http import make_http_client
from app.api.models import ExecutionStatus, is_final_status
from app.api.sse import SseEvent, SseParser

logger = logging.getLogger(__name__)

# After a final status, how long to wait for the server to end the stream (so that its
# connection can be reused) before closing it instead: a server that keeps streams open after
# the final event delays the final status by at most this much.
STREAM_END_WAIT = 0.05
# The streams' own pool: the engine's watcher bounds how many are open (settings allow 256).
STREAM_CONNECTIONS = 256
STREAM_HEADERS = {"Accept": "text/event-stream", "Cache-Control": "no-store"}


class StatusStreamCalls(EndpointGroup):
    _stream_http: httpx.AsyncClient | None
    _owns_stream_http: bool

    async def aclose_streams(self) -> None:
        """Close the status streams' own pool (it is made again if a stream is opened later)."""
        if self._owns_stream_http and self._stream_http is not None:
            stream_http, self._stream_http = self._stream_http, None
            await stream_http.aclose()

    def _streams(self) -> httpx.AsyncClient:
        if self._stream_http is None or self._stream_http.is_closed:
            self._stream_http = make_http_client(
                self._caller.profile, max_connections=STREAM_CONNECTIONS
            )
            self._owns_stream_http = True
        return self._stream_http

    async def stream_status(
        self, execution_id: str, org_id: str | None
    ) -> AsyncGenerator[str, None]:
        """Statuses as the server streams them; ends after a final one or when the stream ends.

        Works whether the server streams every state or only the final one. A stream that
        closes early, breaks or stays silent past the idle limit simply ends: the caller
        re-reads the execution and reconnects or polls.
        """
        caller = self._caller
        path = f"/v1/workflow/execution/{segment(execution_id)}/status"
        params = clean_params({"organization": org_id})
        for auth_attempt in range(2):
            token = await caller.token()
            headers = {**auth_headers(token), **STREAM_HEADERS}
            try:
                async with self._streams().stream(
                    "GET",
                    caller.url(path),
                    params=params,
                    headers=headers,
                    timeout=self._stream_timeout,
                ) as response:
                    if response.status_code == 401 and auth_attempt == 0 and token:
                        await caller.after_rejection(token)
                        continue
                    if response.status_code >= 400:
                        await response.aread()
                        raise error_from_response(response)
                    async with aclosing(_events(response)) as events:
                        async for event in events:
                            status = status_of(event)
                            if not status:
                                continue  # a keep-alive, a retry hint, a ping
                            if is_final_status(status):
                                # The server ends the response after its final event, and the
                                # end is usually here already: reading it lets the connection
                                # be reused instead of closed and opened again for the next.
                                await _read_rest(events, STREAM_END_WAIT)
                                yield status
                                return
                            yield status
                    return
            except (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError) as exc:
                logger.debug(
                    "Status stream of %s ended early: %s", execution_id, type(exc).__name__
                )
                return
            except httpx.TransportError as exc:
                raise ConnectionFailedError(type(exc).__name__, path) from None


async def _events(response: httpx.Response) -> AsyncGenerator[SseEvent, None]:
    parser = SseParser()
    async for chunk in response.aiter_bytes():
        for event in parser.feed(chunk):
            yield event
    for event in parser.close():
        yield event


async def _read_rest(events: AsyncIterator[object], wait: float) -> None:
    """Read what is left of a stream for at most `wait` seconds (then it is closed)."""
    with suppress(TimeoutError, httpx.HTTPError):
        async with asyncio.timeout(wait):
            async for _ in events:
                pass


def status_of(event: SseEvent) -> str:
    """The status an event reports, or "" when it reports none.

    The vendor names the status in `event:` and repeats it in `data:`; a server may use only
    one of them (an unnamed event is a "message"). A status this client does not know yet
    still comes through in the vendor's shape (named and repeated); other named events
    (ping, heartbeat) are not statuses.
    """
    name, data = event.event.strip().upper(), event.data.strip().upper()
    for candidate in (name, data):
        if candidate in _KNOWN_STATUSES:
            return candidate
    if name in ("", "MESSAGE"):
        return data
    return name if data == name else ""


_KNOWN_STATUSES = frozenset(status.value for status in ExecutionStatus)
