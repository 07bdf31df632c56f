"""Every endpoint against the real sandbox over HTTP."""

from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from api_helpers import profile_for, run

from app.api.client import AutoretouchClient
from app.api.errors import AuthError, NotFoundError, UnprocessableError
from app.api.models import Workflow
from app.api.session import Session

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def by_name(workflows: list[Workflow], name: str) -> Workflow:
    return next(w for w in workflows if w.name == name)


async def wait_final(session: Session, execution_id: str, org: str) -> str:
    """The stream ends at a final status; re-read once in case it closed before that."""
    last = ""
    async for status in session.client.stream_status(execution_id, org):
        last = status
    return last or (await session.client.get_execution(execution_id, org)).status


def test_health_needs_no_sign_in(sandbox: Any) -> None:
    async def go() -> tuple[bool, bool]:
        client = AutoretouchClient(profile_for(sandbox))
        try:
            up = await client.health()
        finally:
            await client.aclose()
        dead = AutoretouchClient(profile_for(sandbox))
        sandbox.stop()
        try:
            return up, await dead.health()
        finally:
            await dead.aclose()

    assert run(go()) == (True, False)


def test_calls_without_sign_in_are_auth_errors(sandbox: Any) -> None:
    async def go() -> None:
        client = AutoretouchClient(profile_for(sandbox))
        try:
            with pytest.raises(AuthError) as caught:
                await client.list_organizations()
            assert caught.value.status == 401
        finally:
            await client.aclose()

    run(go())


def test_organizations_balance_and_workflows(
    sandbox: Any, session_runner: Callable[..., Any]
) -> None:
    async def go(session: Session) -> None:
        client = session.client
        assert session.default_organization_id == sandbox.org_id  # from the token's claim
        organizations = await client.list_organizations()
        assert [o.id for o in organizations] == [sandbox.org_id]
        org = await client.get_organization(sandbox.org_id)
        assert org.name == organizations[0].name and org.members
        assert await client.get_balance(sandbox.org_id) == sandbox.balance() == 5000
        sandbox.add_credits(250)
        assert await client.get_balance(sandbox.org_id) == 5250
        workflows = await client.list_workflows(sandbox.org_id)
        assert len(workflows) >= 2 and all(w.id and w.version for w in workflows)
        client.page_size = 4  # "all pages" really walks several pages
        assert await client.list_workflows(sandbox.org_id) == workflows
        assert len(workflows) > client.page_size
        one = await client.get_workflow(workflows[0].id, sandbox.org_id)
        assert one == workflows[0]
        with pytest.raises(NotFoundError) as caught:
            await client.get_workflow(str(uuid.uuid4()), sandbox.org_id)
        assert caught.value.status == 404 and caught.value.path.startswith("/v1/workflow/")

    session_runner(go)


def test_upload_dedupe_create_list_get_download(
    sandbox: Any, session_runner: Callable[..., Any], tmp_path: Path
) -> None:
    image = tmp_path / "Kaffee Tasse ü.png"  # spaces and non-ASCII travel in the multipart name
    shutil.copy(SAMPLES / "coffee.png", image)
    digest = sha256(image)
    progress: list[tuple[int, int | None]] = []

    async def go(session: Session) -> None:
        client, org = session.client, sandbox.org_id
        workflow = by_name(await client.list_workflows(org), "Background to white")
        assert not await client.upload_exists(digest, org)
        assert (
            await client.upload(image, org, on_progress=lambda d, t: progress.append((d, t)))
            == digest
        )
        assert await client.upload_exists(digest, org)

        labels = {"autoretouch_batch_name": "Spring", "shoot": "42"}
        execution_id = await client.create_execution(
            workflow.id,
            org,
            name=image.name,
            content_hash=digest,
            content_type="image/png",
            version=workflow.version,
            labels=labels,
        )
        assert await wait_final(session, execution_id, org) == "COMPLETED"
        execution = await client.get_execution(execution_id, org)
        assert execution.input_file_name == image.name
        assert execution.workflow_version == workflow.version
        assert execution.labels["shoot"] == "42"
        assert execution.charged_credits == workflow.execution_price
        assert execution.result_path and execution.result_content_hash

        default = await client.download_result(execution_id, org, tmp_path / "out" / "a")
        by_path = await client.download_result(
            execution_id, org, tmp_path / "out" / "b", result_path=execution.result_path
        )
        assert default == by_path
        assert default.sha256 == execution.result_content_hash == sha256(tmp_path / "out" / "a")
        assert default.size == (tmp_path / "out" / "b").stat().st_size
        assert default.content_type == execution.result_content_type
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a", "b"]  # no .part left

        v2 = await client.list_executions(org, workflow_id=workflow.id)
        assert [e.id for e in v2.entries] == [execution_id] and v2.total == 1
        v1 = await client.list_executions_v1(org, workflow_id=workflow.id)
        assert [e.id for e in v1.entries] == [execution_id]

        with pytest.raises(NotFoundError):
            await client.get_execution(str(uuid.uuid4()), org)
        with pytest.raises(NotFoundError):  # a completed execution cannot be retried
            await client.retry_execution(execution_id, org)
        await client.send_feedback(execution_id, org, thumbs_up=False, expected_images=[digest])

    session_runner(go)
    # Streamed in chunks with a known total, ending at the full size.
    size = image.stat().st_size
    assert progress[-1] == (size, size)
    assert len(progress) >= 2 and all(t == size for _, t in progress)


def test_create_with_file_labels_and_batches(
    sandbox: Any, session_runner: Callable[..., Any]
) -> None:
    batch_id = str(uuid.uuid4())
    labels = {
        "autoretouch_batch_id": batch_id,
        "autoretouch_batch_name": "ORDER 2026-11-28 10:00:00",
        "autoretouch_batch_createdAt": "2026-11-28T10:00:00.000Z",
    }

    async def go(session: Session) -> None:
        client, org = session.client, sandbox.org_id
        workflow = by_name(await client.list_workflows(org), "Web export")
        ids = [
            await client.create_execution_with_file(workflow.id, org, SAMPLES / name, labels=labels)
            for name in ("coffee.png", "rocket.jpg")
        ]
        loose = await client.create_execution_with_file(workflow.id, org, SAMPLES / "chelsea.png")
        for execution_id in [*ids, loose]:
            assert await wait_final(session, execution_id, org) == "COMPLETED"
        assert (await client.get_execution(ids[0], org)).labels["autoretouch_batch_id"] == batch_id

        batches = await client.list_batches(org)
        assert [b.id for b in batches.entries] == [batch_id]
        assert batches.entries[0].executions == 2
        assert batches.entries[0].price == 2 * workflow.execution_price
        assert (await client.list_batches(org, batch_id=batch_id)).total == 1

        # Every v2 filter, and paging.
        named = await client.list_executions(org, batch_name=labels["autoretouch_batch_name"])
        assert sorted(e.id for e in named.entries) == sorted(ids)
        unbatched = await client.list_executions(org, no_batch=True)
        assert [e.id for e in unbatched.entries] == [loose]
        by_input = await client.list_executions(org, input_file_name="rocket.jpg")
        assert [e.id for e in by_input.entries] == [ids[1]]
        assert (await client.list_executions(org, status="COMPLETED")).total == 3
        assert (await client.list_executions(org, status="FAILED")).total == 0
        first = await client.list_executions(org, limit=2, offset=0)
        rest = await client.list_executions(org, limit=2, offset=2)
        assert first.total == rest.total == 3
        assert len(first.entries) == 2 and len(rest.entries) == 1
        assert {e.id for e in first.entries + rest.entries} == {*ids, loose}

    session_runner(go)


def test_unprocessable_upload_is_a_typed_error(
    sandbox: Any, session_runner: Callable[..., Any], tmp_path: Path
) -> None:
    fake = tmp_path / "not-an-image.jpg"
    fake.write_bytes(b"this is text, not a JPEG" * 10)

    async def go(session: Session) -> None:
        with pytest.raises(UnprocessableError) as caught:
            await session.client.upload(fake, sandbox.org_id)
        assert caught.value.status == 422 and caught.value.message

    session_runner(go)


def test_failed_execution_can_be_retried(sandbox_factory: Callable[..., Any]) -> None:
    sandbox = sandbox_factory(faults="fail=1.0", seed=3)
    from api_helpers import open_session

    async def go() -> None:
        session = await open_session(sandbox)
        try:
            client, org = session.client, sandbox.org_id
            workflow = (await client.list_workflows(org))[0]
            execution_id = await client.create_execution_with_file(
                workflow.id, org, SAMPLES / "coffee.png"
            )
            assert await wait_final(session, execution_id, org) == "FAILED"
            await client.retry_execution(execution_id, org)
            # Every attempt fails under fail=1.0; the retry really ran again (FAILED again).
            assert await wait_final(session, execution_id, org) == "FAILED"
        finally:
            await session.aclose()

    run(go())
