"""Tiny real servers for transport tests: raw TCP handlers, a TLS server, a forward proxy.

They run on the test's own event loop on ephemeral loopback ports, so each test decides byte
by byte what the client sees (a stall, a cut body, a garbled status line).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]

OK_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
UNAVAILABLE_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b'Retry-After: 0\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{"status": 503}'
)


@contextlib.asynccontextmanager
async def raw_server(handler: Handler, *, tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    """Serve `handler` on 127.0.0.1; yields the port. Handlers still running are cancelled."""
    tasks: set[asyncio.Task[None]] = set()

    async def guarded(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await handler(reader, writer)
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            tasks.discard(task)

    server = await asyncio.start_server(guarded, "127.0.0.1", 0, ssl=tls)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


async def read_head(reader: asyncio.StreamReader) -> bytes:
    """The request line and headers (up to the blank line)."""
    return await reader.readuntil(b"\r\n\r\n")


async def answer_ok_forever(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A keep-alive server: `ok` to every request on the connection."""
    while True:
        await read_head(reader)
        writer.write(OK_RESPONSE)
        await writer.drain()


def make_self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 only (not for "localhost"), and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"openssl cannot make a test certificate: {made.stderr}")
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


class ForwardProxy:
    """An HTTP forward proxy: absolute-form requests are relayed, CONNECT opens a tunnel.

    Every request line it receives is kept in `seen`, so a test can tell what went through it.
    """

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await read_head(reader)
        request_line = head.split(b"\r\n", 1)[0].decode()
        self.seen.append(request_line)
        method, target, _ = request_line.split(" ", 2)
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
        else:
            without_scheme = target.split("://", 1)[1]
            authority, _, path = without_scheme.partition("/")
            host, _, port = authority.rpartition(":")
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
            rest = head.split(b"\r\n", 1)[1]
            up_writer.write(f"{method} /{path} HTTP/1.1\r\n".encode() + rest)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


class CountingRelay:
    """A reverse proxy in front of a real server that keeps every request line it relays.

    One request per connection (it asks the server to close after each answer), so the count
    is exact whatever the client's connection reuse. Bodies must carry a Content-Length.
    Requests whose line starts with one of `unavailable` ("HEAD /v1/upload") are answered 503
    by the relay itself, as an overloaded gateway would, and never reach the server.
    """

    def __init__(self, target_port: int, unavailable: tuple[str, ...] = ()) -> None:
        self.target_port = target_port
        self.unavailable = unavailable
        self.seen: list[str] = []

    def count(self, method: str, path: str) -> int:
        return sum(1 for line in self.seen if line.startswith(f"{method} {path}"))

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await read_head(reader)
        request_line, _, header_block = head.decode("latin-1").partition("\r\n")
        self.seen.append(request_line)
        headers = [h for h in header_block.split("\r\n") if h]
        length = 0
        for header in headers:
            name, _, value = header.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        body = await reader.readexactly(length)
        if request_line.startswith(self.unavailable):
            writer.write(UNAVAILABLE_RESPONSE)
            await writer.drain()
            return
        kept = [h for h in headers if h.split(":", 1)[0].strip().lower() != "connection"]
        upstream = "\r\n".join([request_line, *kept, "Connection: close", "", ""])
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        up_writer.write(upstream.encode("latin-1") + body)
        await up_writer.drain()
        await _pipe(up_reader, writer)
        up_writer.close()
