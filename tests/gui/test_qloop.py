"""The window's event loop closes abandoned status streams on itself, as asyncio's loops do:
the stream's connection is let go of, on the server too, and nothing fails in the collector."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncGenerator, Callable
from typing import Any

from gui_helpers import SAMPLES, run, until

from app.api.servers import resolve_server
from app.api.session import Session
from app.store.secrets import SecretStore


async def stream_in_qa(sandbox: Any, session: Session) -> AsyncGenerator[str, None]:
    """A status stream that has said IN_QA and would stay open for the whole review."""
    await session.sign_in_device_flow(on_code=lambda _code: None, open_browser=False)
    client, org = session.client, sandbox.org_id
    workflow = next(w for w in await client.list_workflows(org) if w.name.endswith("human QA"))
    execution_id = await client.create_execution_with_file(workflow.id, org, SAMPLES / "coffee.png")
    stream = client.stream_status(execution_id, org)
    async for status in stream:
        if status == "IN_QA":
            return stream
    raise AssertionError("the stream never said IN_QA")


def test_an_abandoned_status_stream_is_closed_on_the_loop(
    loop: asyncio.AbstractEventLoop, sandbox_factory: Callable[..., Any]
) -> None:
    sandbox = sandbox_factory(qa_seconds=60)
    session = Session(resolve_server(sandbox.base_url), secrets=SecretStore())

    async def scenario() -> None:
        stream = await stream_in_qa(sandbox, session)
        assert sandbox.waiting_clients() == 1
        del stream  # abandoned mid-way: nobody reads it, nobody closes it
        gc.collect()
        await until(lambda: sandbox.waiting_clients() == 0, 10, "the stream's connection closed")
        await session.aclose()

    run(loop, scenario())


def test_streams_still_open_are_closed_when_the_loop_shuts_down(
    loop: asyncio.AbstractEventLoop, sandbox_factory: Callable[..., Any]
) -> None:
    sandbox = sandbox_factory(qa_seconds=60)
    session = Session(resolve_server(sandbox.base_url), secrets=SecretStore())
    stream = run(loop, stream_in_qa(sandbox, session))
    assert sandbox.waiting_clients() == 1
    run(loop, loop.shutdown_asyncgens())
    assert stream.ag_frame is None  # finished: its clean-up ran
    run(loop, until(lambda: sandbox.waiting_clients() == 0, 10, "the connection closed"))
    run(loop, session.aclose())
