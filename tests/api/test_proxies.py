"""Proxies from the environment, through a real forward proxy on loopback.

A client given its own transport is ignored by httpx's environment lookup, so the app reads the
proxy settings itself: these tests prove a proxied request really goes through the proxy (and
HTTPS through a CONNECT tunnel, still verified end to end), and NO_PROXY hosts stay direct.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from api_helpers import run
from raw_servers import (
    ForwardProxy,
    answer_ok_forever,
    make_self_signed,
    raw_server,
    server_context,
)

from app.api.http import make_http_client
from app.api.network import AsyncioStream
from app.api.proxies import no_proxy_pattern
from app.api.servers import CA_BUNDLE_ENV, resolve_server

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def clean_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


async def get_via_env(url: str) -> tuple[int, bool]:
    """(status, whether the answer came over our own direct transport)."""
    http = make_http_client(resolve_server(url))
    try:
        response = await http.get(url)
        return response.status_code, isinstance(
            response.extensions.get("network_stream"), AsyncioStream
        )
    finally:
        await http.aclose()


def test_http_proxy_from_the_environment_is_used_and_no_proxy_is_honoured(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = ForwardProxy()
    health = f"{sandbox.base_url}/health"

    async def go(no_proxy: str | None) -> tuple[int, bool]:
        async with raw_server(proxy.handle) as proxy_port:
            monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy_port}")
            if no_proxy is not None:
                monkeypatch.setenv("NO_PROXY", no_proxy)
            return await get_via_env(health)

    assert run(go(None)) == (200, False)  # through the proxy, on httpx's proxy transport
    assert proxy.seen == [f"GET {health} HTTP/1.1"]
    proxy.seen.clear()
    assert run(go("example.org, 127.0.0.1")) == (200, True)  # exempt: direct, on ours
    assert proxy.seen == []
    assert run(go("*")) == (200, True)
    assert proxy.seen == []


def test_https_goes_through_a_connect_tunnel_and_is_still_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = make_self_signed(tmp_path)
    proxy = ForwardProxy()

    async def go(trusted: bool) -> tuple[int, bool]:
        async with (
            raw_server(answer_ok_forever, tls=server_context(cert, key)) as port,
            raw_server(proxy.handle) as proxy_port,
        ):
            monkeypatch.setenv("HTTPS_PROXY", f"127.0.0.1:{proxy_port}")  # scheme-less, as set
            if trusted:
                monkeypatch.setenv(CA_BUNDLE_ENV, str(cert))
            return await get_via_env(f"https://127.0.0.1:{port}/")

    with pytest.raises(httpx.ConnectError, match=r"(?i)certificate"):
        run(go(trusted=False))  # the tunnel does not turn verification off
    assert [line.split(" ")[0] for line in proxy.seen] == ["CONNECT"]
    assert run(go(trusted=True)) == (200, False)
    assert [line.split(" ")[0] for line in proxy.seen] == ["CONNECT", "CONNECT"]


def test_no_proxy_entries_become_the_patterns_curl_means() -> None:
    assert no_proxy_pattern("localhost") == "all://localhost"
    assert no_proxy_pattern("127.0.0.1") == "all://127.0.0.1"
    assert no_proxy_pattern("::1") == "all://[::1]"
    assert no_proxy_pattern(".example.com") == "all://*.example.com"
    assert no_proxy_pattern("example.com") == "all://*example.com"
    assert no_proxy_pattern("http://intranet") == "http://intranet"
