"""The studio's internet connection: one uplink and one downlink shared by every request.

A real studio uploads over one line, so eight uploads at once share its rate rather than each
getting the whole of it. Each direction is a single virtual clock: a chunk of n bytes is
booked for n / rate seconds after everything booked before it, and its sender sleeps until
the booking ends. Chunks of concurrent requests interleave in arrival order, which shares the
line about as fairly as TCP does, and the error of one short sleep is made good by the next
booking instead of adding up. Pacing is nothing but sleeps on the event loop: no thread, no
busy wait, a few arithmetic operations and one sleep per 16 KB.

Request bodies are paced where the application reads them from the ASGI receive stream:
uvicorn stops reading the socket while its buffer is full, so the client's upload really
takes size / rate. Response bodies are paced before each chunk is sent. Headers cost their
bytes like everything else, and nothing costs more than its bytes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

# A line that was idle for a moment can send that moment's bytes at once (a token bucket of
# 20 ms): the gap between one chunk's booking and the next chunk's arrival is not lost, so a
# single busy connection gets the whole rate, not the rate minus the loop's reaction time.
_BURST_SECONDS = 0.02
# Sleeping for less than this is left to the next booking (the debt stays on the clock).
_MIN_SLEEP = 0.001
# Bookings are made in slices of at most this size, so that the bytes of concurrent requests
# interleave finely, as packets do: a small request waits behind one slice per busy
# connection, not behind whole 64 KB chunks.
_SLICE = 16 * 1024


class SharedLink:
    """One direction of the connection: `carry(n)` returns when n more bytes have passed."""

    def __init__(self, mbit_per_second: float) -> None:
        if mbit_per_second <= 0:
            raise ValueError("a link's rate must be positive")
        self.mbit_per_second = mbit_per_second
        self._seconds_per_byte = 8 / (mbit_per_second * 1e6)
        self._free_at = 0.0

    async def carry(self, size: int) -> None:
        loop = asyncio.get_running_loop()
        while size > 0:
            piece = min(size, _SLICE)
            size -= piece
            now = loop.time()
            start = max(self._free_at, now - _BURST_SECONDS)
            self._free_at = start + piece * self._seconds_per_byte
            delay = self._free_at - now
            if delay >= _MIN_SLEEP:
                await asyncio.sleep(delay)


def header_bytes(headers: Iterable[tuple[bytes, bytes]]) -> int:
    """What a header block costs on the wire: `name: value\\r\\n` per header."""
    return sum(len(name) + len(value) + 4 for name, value in headers)


class LinkMiddleware:
    """Paces the request and response bytes of every HTTP exchange through the shared links."""

    def __init__(
        self, app: ASGIApp, uplink: SharedLink | None, downlink: SharedLink | None
    ) -> None:
        self.app = app
        self.uplink = uplink
        self.downlink = downlink

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        uplink, downlink = self.uplink, self.downlink
        if uplink is not None:
            # The request line and headers had to come over the line before anything else.
            await uplink.carry(len(scope["path"]) + 16 + header_bytes(scope["headers"]))
        if downlink is not None and "http.response.pathsend" in scope.get("extensions", {}):
            # A server-side file send would bypass the pacing below.
            extensions = {
                k: v for k, v in scope["extensions"].items() if k != "http.response.pathsend"
            }
            scope = {**scope, "extensions": extensions}

        async def paced_receive() -> Message:
            message = await receive()
            if uplink is not None and message["type"] == "http.request":
                await uplink.carry(len(message.get("body", b"")))
            return message

        async def paced_send(message: Message) -> None:
            if downlink is not None:
                if message["type"] == "http.response.start":
                    await downlink.carry(17 + header_bytes(message.get("headers", [])))
                elif message["type"] == "http.response.body":
                    await downlink.carry(len(message.get("body", b"")))
            await send(message)

        await self.app(scope, paced_receive if uplink else receive, paced_send)
