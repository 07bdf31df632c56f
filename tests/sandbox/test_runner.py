"""The in-process runner: independent instances, prompt stop even with clients waiting."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import httpx

from .helpers import product_image


def test_two_sandboxes_in_one_process_are_independent(
    sandbox_factory: Any, api_factory: Any
) -> None:
    first, second = sandbox_factory(), sandbox_factory(credits=40)
    assert first.base_url != second.base_url and first.org_id != second.org_id
    api = api_factory(first)
    api.wait(api.create("Web export", product_image()))
    assert (first.execution_count(), second.execution_count()) == (1, 0)
    assert (first.balance(), second.balance()) == (4997, 40)
    # A token from one sandbox is worthless on the other (each has its own signing secret).
    foreign = httpx.get(f"{second.base_url}/v1/workflow", headers=api.http.headers)
    assert foreign.status_code == 401


def test_stop_is_prompt_with_streams_and_downloads_waiting(
    sandbox_factory: Any, api_factory: Any
) -> None:
    before = set(threading.enumerate())
    sandbox = sandbox_factory(latency=60, workers=1)
    api = api_factory(sandbox)
    execution_id = api.create("Web export", product_image())
    outcomes: dict[str, Any] = {}

    def wait_on(kind: str, path: str) -> None:
        try:
            with httpx.Client(
                base_url=sandbox.base_url, headers=api.http.headers, timeout=30
            ) as client:
                outcomes[kind] = client.get(path).status_code
        except httpx.HTTPError as exc:
            outcomes[kind] = type(exc).__name__

    waiters = [
        threading.Thread(
            target=wait_on, args=(kind, f"/v1/workflow/execution/{execution_id}/{tail}")
        )
        for kind, tail in (("stream", "status"), ("download", "result/default"))
    ]
    for waiter in waiters:
        waiter.start()
    deadline = time.monotonic() + 10
    while sandbox.waiting_clients() < 2:  # both requests are in and waiting
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert api.execution(execution_id)["status"] == "ACTIVE"
    started = time.monotonic()
    sandbox.stop()
    assert time.monotonic() - started < 5
    for waiter in waiters:
        waiter.join(timeout=10)
        assert not waiter.is_alive()
    assert outcomes == {"stream": 200, "download": 503}
    lingering = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert lingering == [], [t.name for t in lingering]


def test_activate_page_needs_a_decision(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(auto_approve=False)
    with httpx.Client(base_url=sandbox.base_url) as client:
        code = client.post("/oauth/device/code", data={"client_id": "x"}).json()
        undecided = client.post("/activate", data={"user_code": code["user_code"]})
        assert undecided.status_code == 400
        assert sandbox.approve(code["user_code"])  # still pending, so still approvable


def test_serves_with_the_c_parser_and_loop(sandbox_factory: Any) -> None:
    # httptools and uvloop are dependencies (uvloop off Windows); without them the sandbox
    # still serves, on h11 and asyncio's loop, at a higher CPU cost per request.
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    sandbox = sandbox_factory()
    assert sandbox._server.config.http_protocol_class is HttpToolsProtocol
    if sys.platform != "win32":
        assert type(sandbox._loop).__module__.startswith("uvloop")
    assert httpx.get(f"{sandbox.base_url}/health").status_code == 200
