"""Uploads of bytes that exist only in memory (a scaled copy of an input), against the sandbox,
and the documented `filesize` field the sandbox checks."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from api_helpers import open_session, run
from PIL import Image

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


def scaled_copy(path: Path, factor: float) -> bytes:
    with Image.open(path) as image:
        image.load()
        size = (max(1, int(image.width * factor)), max(1, int(image.height * factor)))
        out = io.BytesIO()
        image.convert("RGB").resize(size).save(out, "JPEG", quality=90)
    return out.getvalue()


def test_a_scaled_copy_is_uploaded_and_processed_from_memory(sandbox: Any) -> None:
    data = scaled_copy(SAMPLES / "rocket.jpg", 0.5)
    progress: list[tuple[int, int | None]] = []

    async def go() -> tuple[str, bool, str, str]:
        session = await open_session(sandbox)
        client, org = session.client, sandbox.org_id
        try:
            digest = await client.upload_bytes(
                memoryview(data), "rocket-half.jpg", org, content_type="image/jpeg",
                on_progress=lambda done, total: progress.append((done, total)),
            )  # fmt: skip
            stored = await client.upload_exists(digest, org)
            workflow = (await client.list_workflows(org))[0]
            execution_id = await client.create_execution_with_bytes(
                workflow.id, org, data, "rocket-half.jpg", content_type="image/jpeg",
                labels={"autoretouch_batch_name": "Memory"},
            )  # fmt: skip
            async for _ in client.stream_status(execution_id, org):
                pass
            execution = await client.get_execution(execution_id, org)
            return digest, stored, execution.input_file_name, execution.status
        finally:
            await session.aclose()

    digest, stored, name, status = run(go())
    assert digest == hashlib.sha256(data).hexdigest()  # the server got exactly these bytes
    assert stored
    assert (name, status) == ("rocket-half.jpg", "COMPLETED")
    assert progress[-1] == (len(data), len(data))
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_labels_of_a_multipart_create_reach_the_sandbox(sandbox: Any) -> None:
    async def go() -> dict[str, str]:
        session = await open_session(sandbox)
        client, org = session.client, sandbox.org_id
        try:
            workflow = (await client.list_workflows(org))[0]
            labels = {"autoretouch_batch_name": "Spring", "retouchdesk_job_id": "j-1"}
            execution_id = await client.create_execution_with_file(
                workflow.id, org, SAMPLES / "coffee.png", labels=labels
            )
            return dict((await client.get_execution(execution_id, org)).labels)
        finally:
            await session.aclose()

    assert run(go()) == {"autoretouch_batch_name": "Spring", "retouchdesk_job_id": "j-1"}
