"""Server resolution and the transport security rules."""

from __future__ import annotations

import ssl
from typing import Any

import pytest

from app.api.servers import ServerConfigError, resolve_server


def test_named_servers() -> None:
    real = resolve_server("autoretouch")
    assert (real.api_url, real.auth_url) == (
        "https://api.autoretouch.com",
        "https://auth.autoretouch.com",
    )
    sandbox = resolve_server("sandbox")
    assert sandbox.api_url == sandbox.auth_url == "http://127.0.0.1:8765"
    assert sandbox.is_sandbox


def test_default_is_env_then_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_server().name == "sandbox"
    monkeypatch.setenv("RETOUCHDESK_SERVER", "http://localhost:9999/")
    assert resolve_server().api_url == "http://localhost:9999"
    assert resolve_server("autoretouch").name == "autoretouch"  # explicit beats env


def test_custom_urls() -> None:
    custom = resolve_server("https://api.example.com/base/")
    assert custom.api_url == custom.auth_url == "https://api.example.com/base"
    split = resolve_server("https://api.example.com", auth_url="https://login.example.com")
    assert split.auth_url == "https://login.example.com"
    assert resolve_server("http://[::1]:8080").api_url == "http://[::1]:8080"


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com",  # plain HTTP over a network
        "http://10.0.0.5:8765",
        "ftp://example.com",
        "not a url",
        "https://user:pw@example.com",
        "https://example.com/?token=x",
    ],
)
def test_refused(url: str) -> None:
    with pytest.raises(ServerConfigError):
        resolve_server(url)


def test_plain_http_auth_host_refused_too() -> None:
    with pytest.raises(ServerConfigError, match="plain HTTP"):
        resolve_server("https://api.example.com", auth_url="http://auth.example.com")


def test_tls_always_verifies() -> None:
    context = resolve_server("autoretouch").ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def test_cookies_from_a_server_are_neither_kept_nor_sent() -> None:
    # The API authenticates with bearer tokens; a cookie slipped in by a server or a proxy
    # must not become state that later requests carry.
    import asyncio
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from app.api.http import make_http_client

    sent_cookies: list[str | None] = []

    class SetsCookies(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            sent_cookies.append(self.headers.get("Cookie"))
            self.send_response(200)
            self.send_header("Set-Cookie", "session=abc; Path=/")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), SetsCookies)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    async def go() -> int:
        client = make_http_client(resolve_server(url))
        try:
            for _ in range(2):
                assert (await client.get(url)).text == "ok"
            return len(client.cookies)
        finally:
            await client.aclose()

    try:
        assert asyncio.run(go()) == 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert sent_cookies == [None, None]
