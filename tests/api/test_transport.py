"""The app's own httpx transport over real sockets: it is the one in use, and TLS, timeouts,
connection reuse, cancellation mid-body and error mapping behave as httpx's own would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_helpers import run
from raw_servers import (
    OK_RESPONSE,
    answer_ok_forever,
    make_self_signed,
    raw_server,
    read_head,
    server_context,
)

from app.api.client import AutoretouchClient
from app.api.errors import CertificateError
from app.api.http import make_http_client
from app.api.network import AsyncioStream
from app.api.servers import CA_BUNDLE_ENV, resolve_server
from app.api.transport import AsyncioTransport


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def client_for(url: str, **kwargs: Any) -> Any:
    return make_http_client(resolve_server(url), **kwargs)


def test_requests_go_through_our_transport_and_reuse_one_connection(sandbox: Any) -> None:
    async def go() -> tuple[list[object], int]:
        http = client_for(sandbox.base_url)
        try:
            assert isinstance(http.direct_transport, AsyncioTransport)
            streams = []
            for _ in range(3):
                response = await http.get(f"{sandbox.base_url}/health")
                assert response.status_code == 200
                # httpcore's documented extension: the connection that carried the response.
                streams.append(response.extensions["network_stream"])
            return streams, http.direct_transport.connection_count
        finally:
            await http.aclose()

    streams, connections = run(go())
    assert all(isinstance(s, AsyncioStream) for s in streams)
    assert len({id(s) for s in streams}) == 1  # kept alive and reused
    assert connections == 1


def test_an_untrusted_certificate_is_refused_and_a_named_ca_is_trusted(
    self_signed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = self_signed

    async def fetch(host: str) -> int:
        async with raw_server(answer_ok_forever, tls=server_context(cert, key)) as port:
            http = client_for(f"https://{host}:{port}")
            try:
                return (await http.get(f"https://{host}:{port}/")).status_code
            finally:
                await http.aclose()

    async def through_client() -> None:
        async with raw_server(answer_ok_forever, tls=server_context(cert, key)) as port:
            client = AutoretouchClient(resolve_server(f"https://127.0.0.1:{port}"))
            try:
                await client.list_batches(None)
            finally:
                await client.aclose()

    with pytest.raises(httpx.ConnectError) as refused:
        run(fetch("127.0.0.1"))
    assert isinstance(refused.value.__cause__, Exception)  # the httpcore error, kept as cause
    with pytest.raises(CertificateError, match="not trusted"):
        run(through_client())

    monkeypatch.setenv(CA_BUNDLE_ENV, str(cert))
    assert run(fetch("127.0.0.1")) == 200
    # Trusting the CA does not waive the name check: the certificate is for 127.0.0.1 only.
    with pytest.raises(httpx.ConnectError, match=r"(?i)hostname|match"):
        run(fetch("localhost"))


def test_a_silent_server_is_a_read_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        await asyncio.Event().wait()

    async def go() -> None:
        async with raw_server(silent) as port:
            http = client_for(f"http://127.0.0.1:{port}", timeout=httpx.Timeout(0.2))
            try:
                await http.get(f"http://127.0.0.1:{port}/")
            finally:
                await http.aclose()

    with pytest.raises(httpx.ReadTimeout):
        run(go(), timeout=10)


def test_a_server_that_stops_reading_is_a_write_timeout() -> None:
    async def never_reads(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.Event().wait()

    chunk = b"x" * (1024 * 1024)

    async def endless() -> AsyncIterator[bytes]:
        for _ in range(1024):  # far more than any socket buffer holds
            yield chunk

    async def go() -> None:
        async with raw_server(never_reads) as port:
            http = client_for(f"http://127.0.0.1:{port}", timeout=httpx.Timeout(5, write=0.2))
            try:
                await http.post(f"http://127.0.0.1:{port}/", content=endless())
            finally:
                await http.aclose()

    with pytest.raises(httpx.WriteTimeout):
        run(go(), timeout=20)


def test_a_full_pool_is_a_pool_timeout_and_frees_up_when_the_body_is_closed() -> None:
    async def go() -> int:
        async with raw_server(answer_ok_forever) as port:
            url = f"http://127.0.0.1:{port}/"
            http = client_for(url, timeout=httpx.Timeout(5, pool=0.2), max_connections=1)
            try:
                held = await http.send(http.build_request("GET", url), stream=True)
                with pytest.raises(httpx.PoolTimeout):
                    await http.get(url)
                await held.aclose()
                return (await http.get(url)).status_code
            finally:
                await http.aclose()

    assert run(go(), timeout=10) == 200


def test_refused_cut_and_garbled_answers_map_to_httpx_errors() -> None:
    async def cut_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly ten b")
        await writer.drain()

    async def garbled(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        await writer.drain()

    async def get(port: int) -> httpx.Response:
        http = client_for(f"http://127.0.0.1:{port}")
        try:
            return await http.get(f"http://127.0.0.1:{port}/")
        finally:
            await http.aclose()

    async def go() -> list[type[BaseException]]:
        raised: list[type[BaseException]] = []
        async with raw_server(answer_ok_forever) as free_port:
            pass  # closed again: nothing listens on this port any more
        for attempt in (
            lambda: get(free_port),
            lambda: _with_server(cut_body, get),
            lambda: _with_server(garbled, get),
        ):
            try:
                await attempt()
            except httpx.TransportError as exc:
                assert exc.__cause__ is not None  # the httpcore original stays attached
                raised.append(type(exc))
        return raised

    assert run(go(), timeout=10) == [
        httpx.ConnectError,
        httpx.RemoteProtocolError,
        httpx.RemoteProtocolError,
    ]


async def _with_server(handler: Any, work: Any) -> Any:
    async with raw_server(handler) as port:
        return await work(port)


def test_cancelling_mid_body_closes_the_connection_and_the_next_request_works() -> None:
    requests_seen: list[bytes] = []

    async def slow_then_ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await read_head(reader)
        requests_seen.append(head.split(b"\r\n", 1)[0])
        if b"/slow" in head:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"a" * 1000)
            await writer.drain()
            await asyncio.Event().wait()  # the rest never comes
        writer.write(OK_RESPONSE)
        await writer.drain()
        await answer_ok_forever(reader, writer)

    async def go() -> tuple[int, int, int]:
        async with raw_server(slow_then_ok) as port:
            base = f"http://127.0.0.1:{port}"
            http = client_for(base)
            first_chunk = asyncio.Event()
            try:

                async def read_slow() -> None:
                    async with http.stream("GET", f"{base}/slow") as response:
                        async for _ in response.aiter_bytes():
                            first_chunk.set()

                task = asyncio.create_task(read_slow())
                await asyncio.wait_for(first_chunk.wait(), 5)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                after_cancel = http.direct_transport.connection_count
                status = (await http.get(f"{base}/next")).status_code
                return after_cancel, status, http.direct_transport.connection_count
            finally:
                await http.aclose()

    after_cancel, status, connections = run(go(), timeout=10)
    assert after_cancel == 0  # a half-read body cannot be reused: its connection was closed
    assert status == 200
    assert connections == 1
    assert requests_seen == [b"GET /slow HTTP/1.1", b"GET /next HTTP/1.1"]


def test_transport_errors_keep_their_specific_httpx_class() -> None:
    import httpcore

    from app.api.transport import httpx_error_for

    pairs = {
        httpcore.ConnectTimeout("x"): httpx.ConnectTimeout,
        httpcore.ReadTimeout("x"): httpx.ReadTimeout,
        httpcore.WriteTimeout("x"): httpx.WriteTimeout,
        httpcore.PoolTimeout("x"): httpx.PoolTimeout,
        httpcore.ConnectError("x"): httpx.ConnectError,
        httpcore.ReadError("x"): httpx.ReadError,
        httpcore.WriteError("x"): httpx.WriteError,
        httpcore.RemoteProtocolError("x"): httpx.RemoteProtocolError,
        httpcore.LocalProtocolError("x"): httpx.LocalProtocolError,
        httpcore.ProxyError("x"): httpx.ProxyError,
        httpcore.UnsupportedProtocol("x"): httpx.UnsupportedProtocol,
    }
    for core_error, expected in pairs.items():
        mapped = httpx_error_for(core_error)
        assert type(mapped) is expected, (core_error, mapped)
    assert httpx_error_for(ValueError("not a transport error")) is None
