"""The status stream (SSE) in both sandbox modes, through IN_QA, and cut early."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from api_helpers import open_session, run

from app.api.models import Workflow
from app.api.session import Session

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


async def statuses_of(session: Session, org: str, workflow_name: str) -> tuple[list[str], str]:
    """Create one execution and collect what the stream yields; also the final remote status."""
    client = session.client
    workflows: list[Workflow] = await client.list_workflows(org)
    workflow = next(w for w in workflows if w.name == workflow_name)
    execution_id = await client.create_execution_with_file(workflow.id, org, SAMPLES / "coffee.png")
    seen = [status async for status in client.stream_status(execution_id, org)]
    # Reading the stream again after the end gives the final status at once.
    again = [status async for status in client.stream_status(execution_id, org)]
    return seen, again[-1] if again else ""


ORDER = ["CREATED", "ACTIVE", "IN_QA", "COMPLETED"]
# IN_QA lasts this long, so the stream (opened right after create) is sure to catch it.
QA_SECONDS = 1.5


@pytest.mark.parametrize("sse_mode", ["all", "final-only"])
def test_stream_modes(sandbox_factory: Callable[..., Any], sse_mode: str) -> None:
    sandbox = sandbox_factory(sse_mode=sse_mode, qa_seconds=QA_SECONDS)

    async def go() -> tuple[list[str], str]:
        session = await open_session(sandbox)
        try:
            return await statuses_of(session, sandbox.org_id, "Retouch with human QA")
        finally:
            await session.aclose()

    seen, final = run(go())
    assert final == "COMPLETED"
    if sse_mode == "final-only":
        assert seen == ["COMPLETED"]
    else:
        # It starts wherever the execution is when the stream opens, then follows every change.
        assert seen[-2:] == ["IN_QA", "COMPLETED"]
        assert seen == ORDER[ORDER.index(seen[0]) :]


def test_stream_cut_early_just_ends(sandbox_factory: Callable[..., Any]) -> None:
    sandbox = sandbox_factory(faults="sse_cut=1.0", seed=2, qa_seconds=QA_SECONDS)

    async def go() -> tuple[list[str], str]:
        session = await open_session(sandbox)
        try:
            seen, _ = await statuses_of(session, sandbox.org_id, "Retouch with human QA")
            executions = await session.client.list_executions(sandbox.org_id)
            return seen, executions.entries[0].status
        finally:
            await session.aclose()

    seen, remote = run(go())
    assert "COMPLETED" not in seen  # the stream closed before the final event...
    assert "IN_QA" in seen
    assert remote == "COMPLETED"  # ...and re-reading the execution tells the truth


def test_silent_stream_ends_at_the_idle_limit(sandbox_factory: Callable[..., Any]) -> None:
    sandbox = sandbox_factory(sse_mode="final-only", qa_seconds=QA_SECONDS)

    async def go() -> list[str]:
        session = await open_session(sandbox, stream_idle_limit=0.2)
        try:
            seen, final = await statuses_of(session, sandbox.org_id, "Retouch with human QA")
            assert final in ("IN_QA", "COMPLETED", "")
            return seen
        finally:
            await session.aclose()

    # Nothing is sent until the end in this mode, so a 0.2 s idle limit gives up first.
    assert run(go()) == []


def test_a_finished_stream_leaves_its_connection_for_the_next(sandbox: Any) -> None:
    # A watcher that stops at the final status closes the stream; the server has ended the
    # response by then, and reading that end keeps the connection for the next execution's
    # stream instead of opening one per image.
    import logging

    opened: list[str] = []

    class Connects(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("connect_tcp.started"):
                opened.append(record.getMessage())

    logger = logging.getLogger("httpcore.connection")
    handler, level = Connects(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    async def go() -> list[str]:
        session = await open_session(sandbox)
        client, org = session.client, sandbox.org_id
        try:
            workflow = (await client.list_workflows(org))[0]
            finals = []
            for _ in range(4):
                execution_id = await client.create_execution_with_file(
                    workflow.id, org, SAMPLES / "rocket.jpg"
                )
                stream = client.stream_status(execution_id, org)
                async for status in stream:
                    if status in ("COMPLETED", "FAILED"):
                        finals.append(status)
                        break
                await stream.aclose()
            return finals
        finally:
            await session.aclose()

    try:
        assert run(go()) == ["COMPLETED"] * 4
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert len(opened) == 2, opened  # one for the API calls, one for all four streams
